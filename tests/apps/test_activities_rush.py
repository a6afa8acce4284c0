"""The rush: 500 residents register at once for 50 places (a free clinic announced in the group chat).

On PostgreSQL, 20 threads with their own connections send the 500 registrations together, and 50 of them twice (a
double tap): exactly 50 are registered, 450 wait-listed, arrival numbers 1 to 500 without a gap or a repeat, the
places go to arrivals 1–50 and the wait-list is 51–500 in that order, and nobody is registered twice. SQLite allows
one writer at a time and has no row locks: the test needs PostgreSQL (``DATABASE_URL=postgres://…``)."""

from __future__ import annotations

import queue
import threading

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, connections
from django.utils import timezone

from comity.accounts.models import User
from comity.activities.models import Registration
from comity.activities.services.registrations import register
from comity.structure.models import Person

from ..cast import World
from .test_activities_services import make_activity

RESIDENTS = 500
PLACES = 50
DOUBLE_TAPS = 50
THREADS = 20


def crowd(world: World, count: int, prefix: str = "rush") -> list[User]:
    """``count`` verified residents of Harmony with accounts, written in bulk."""
    password = make_password(None)
    users = User.objects.bulk_create(User(username=f"{prefix}{n}", password=password) for n in range(count))
    now = timezone.now()
    Person.objects.bulk_create(
        Person(community=world.harmony, user=user, full_name=f"Resident {n}", verified_at=now)
        for n, user in enumerate(users)
    )
    return list(User.objects.filter(username__startswith=prefix).order_by("pk"))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_500_registrations_for_50_places_at_once(world: World) -> None:
    activity = make_activity(world, capacity=PLACES)
    users = crowd(world, RESIDENTS)
    work: queue.Queue[User] = queue.Queue()
    for user in [*users, *users[:DOUBLE_TAPS]]:
        work.put(user)
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            while True:
                try:
                    user = work.get_nowait()
                except queue.Empty:
                    return
                register(user, activity)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []

    rows: list[tuple[int, str, int]] = list(
        Registration.objects.filter(activity=activity)
        .order_by("arrival")
        .values_list("arrival", "status", "person_id")
    )
    assert [arrival for arrival, _, _ in rows] == list(range(1, RESIDENTS + 1))
    assert len({person for _, _, person in rows}) == RESIDENTS
    assert [status for _, status, _ in rows] == ["registered"] * PLACES + ["waitlisted"] * (
        RESIDENTS - PLACES
    )
    activity.refresh_from_db()
    assert activity.last_arrival == RESIDENTS
