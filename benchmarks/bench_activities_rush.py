"""The activities rush through the database: 500 residents register at once for a 50-place free clinic.

Times ``comity.activities.services.registrations.register`` — the permission check, the activity's row lock, the
arrival number, the place or the wait-list, the audit entry — from several threads with their own connections, as
a crowd of phones would, and prints registrations per second. Every result is checked: exactly ``--places``
registered, the rest wait-listed, arrivals 1..N without a gap, nobody twice; any difference exits non-zero.

    .venv/bin/python benchmarks/bench_activities_rush.py    # a temporary SQLite file, one thread, removed afterwards
    .venv/bin/python benchmarks/bench_activities_rush.py \\
        --database postgres://postgres@127.0.0.1:5432/comity_bench_activities

A PostgreSQL database is created for the run and dropped afterwards; the benchmark refuses a database that already
exists unless ``--replace`` is given. SQLite has one writer at a time, so there the registrations run in one thread.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("COMITY_BENCH_DATABASE_URL", ""))
    parser.add_argument("--replace", action="store_true", help="drop an existing database of that name first")
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--threads", type=int, default=16, help="concurrent clients (PostgreSQL only)")
    return parser.parse_args()


def _postgres(url: str, replace: bool) -> tuple[str, Any]:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"unusual database name {name!r}: use letters, digits and _")
    admin = base + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            if not replace:
                raise SystemExit(f"database {name!r} already exists; pass --replace to drop it first")
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"PostgreSQL {version.split()[0]} (database {name}, created and dropped)", drop


def _sqlite() -> tuple[str, str, Any]:
    import sqlite3

    directory = Path(tempfile.mkdtemp(prefix="comity-bench-activities-"))

    def remove() -> None:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(directory, ignore_errors=True)

    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    return url, f"SQLite {sqlite3.sqlite_version} (temporary file, removed afterwards)", remove


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DEBUG = False


def _world(residents: int, places: int) -> tuple[Any, list[Any]]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from comity.accounts.models import User
    from comity.activities.services.activities import create_activity, publish_activity
    from comity.structure.models import Community, GovernanceSubject, Membership, Person, Street

    street = Street.objects.create(name="Bench Street", code="bench-street")
    community = Community.objects.create(street=street, name="Bench", code="bench")
    committee = GovernanceSubject.objects.create(
        street=street, community=community, kind="residents_committee", name="Bench RC"
    )
    password = make_password(None)
    staff = User.objects.create(username="bench-staff", password=password)
    now = timezone.now()
    staff_person = Person.objects.create(
        community=community, user=staff, full_name="Staff", is_resident=False
    )
    Membership.objects.create(
        community=community, street=street, subject=committee, person=staff_person, role="staff"
    )
    users = User.objects.bulk_create(User(username=f"r{n}", password=password) for n in range(residents))
    Person.objects.bulk_create(
        Person(community=community, user=user, full_name=f"Resident {n}", verified_at=now)
        for n, user in enumerate(users)
    )
    start = now + timedelta(days=2)
    activity = create_activity(
        staff,
        community,
        organiser=committee,
        capacity=places,
        title="Free clinic",
        kind="clinic",
        place="Hall",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    publish_activity(staff, activity)
    return activity, list(User.objects.filter(username__startswith="r").order_by("pk"))


def _rush(activity: Any, users: list[Any], threads: int) -> tuple[float, list[BaseException]]:
    from django.db import connections

    from comity.activities.services.registrations import register
    from comity.structure.scope import scope_for

    for user in users:  # the scope is cached per request in the site; warm it as a signed-in session would
        scope_for(user)
    work: queue.Queue[Any] = queue.Queue()
    for user in users:
        work.put(user)
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads + 1)

    def worker() -> None:
        try:
            barrier.wait()
            while True:
                try:
                    user = work.get_nowait()
                except queue.Empty:
                    return
                register(user, activity)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    return time.perf_counter() - began, errors


def _check(activity: Any, residents: int, places: int) -> None:
    from comity.activities.models import Registration

    rows = list(
        Registration.objects.filter(activity=activity)
        .order_by("arrival")
        .values_list("arrival", "status", "person")
    )
    expected = ["registered"] * min(places, residents) + ["waitlisted"] * max(0, residents - places)
    if [arrival for arrival, _, _ in rows] != list(range(1, residents + 1)):
        raise SystemExit("arrival numbers have a gap or a repeat")
    if [status for _, status, _ in rows] != expected:
        raise SystemExit("places were not given in arrival order")
    if len({person for _, _, person in rows}) != residents:
        raise SystemExit("someone is registered twice")


def main() -> None:
    args = _arguments()
    if args.database.startswith(("postgres://", "postgresql://")):
        label, cleanup = _postgres(args.database, args.replace)
        url, threads = args.database, args.threads
    else:
        url, label, cleanup = _sqlite()
        threads = 1
    try:
        _setup(url)
        activity, users = _world(args.residents, args.places)
        seconds, errors = _rush(activity, users, threads)
        if errors:
            raise SystemExit(f"{len(errors)} registrations failed, first: {errors[0]!r}")
        _check(activity, args.residents, args.places)
        print(f"Activities rush on {label}")
        print(
            f"  {args.residents} registrations for {args.places} places from {threads} thread(s): "
            f"{seconds:.2f} s, {args.residents / seconds:.0f} registrations/s"
        )
        print(
            f"  checked: {args.places} registered, {args.residents - args.places} wait-listed in arrival order"
        )
    finally:
        cleanup()


if __name__ == "__main__":
    main()
