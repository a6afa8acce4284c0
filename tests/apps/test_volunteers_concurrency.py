"""The ledger under a rush: many organisers verify hours at the same moment, and the chain stays one chain.

On PostgreSQL eight threads verify at once (the community's ledger row is locked while an entry is appended, so
the entries take numbers one after another, each linking the one before); SQLite allows one writer at a time, so
there they run one after another and the test checks the same outcome."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from comity.volunteers.computing import check_ledger
from comity.volunteers.models import Account, Ledger, LedgerEntry
from comity.volunteers.services import record_hours, verify_hours

from ..factories import PersonFactory

VERIFIERS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_verifications_leave_one_verifying_chain(world: Any) -> None:
    nia = world.user("ngo_staff")
    day = timezone.localdate() - timedelta(days=1)
    people = [
        PersonFactory(community=world.harmony, full_name=f"Volunteer {i}") for i in range(VERIFIERS // 2)
    ]
    claims = [
        record_hours(nia, world.ngo, people[i % len(people)], day, Decimal("1.5")) for i in range(VERIFIERS)
    ]
    errors: list[BaseException] = []

    def verify(claim: Any, barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            verify_hours(nia, claim)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(VERIFIERS)
        threads = [threading.Thread(target=verify, args=(claim, barrier)) for claim in claims]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for claim in claims:
            verify(claim, None)
    assert errors == []
    assert sorted(LedgerEntry.objects.values_list("sequence", flat=True)) == list(range(1, VERIFIERS + 1))
    assert Ledger.objects.get(community=world.harmony).length == VERIFIERS
    assert check_ledger(world.harmony).ok
    for person in people:
        assert Account.objects.get(person=person).balance == Decimal(3)
