"""One participant, one vote per statement — also when the same vote arrives many times at once.

On PostgreSQL (CI runs the suite there too) eight threads submit at the same moment; SQLite allows one writer at
a time, so there the submissions run one after another.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from comity.consultations import services
from comity.consultations.models import Vote

from .consultations import make_consultation

SUBMITTERS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_votes_of_one_resident_leave_one_row(world: Any) -> None:
    consultation = make_consultation(world)
    statement = consultation.statements.get(number=0)
    resident = world.user("resident")
    values = [1 if i % 2 else -1 for i in range(SUBMITTERS)]
    errors: list[BaseException] = []

    def submit(value: int, barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            services.cast_vote(resident, statement, value)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(SUBMITTERS)
        threads = [threading.Thread(target=submit, args=(value, barrier)) for value in values]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for value in values:
            submit(value, None)
    assert errors == []
    votes = Vote.objects.filter(statement=statement, participant=resident)
    assert votes.count() == 1
    assert votes.get().value in (1, -1)
