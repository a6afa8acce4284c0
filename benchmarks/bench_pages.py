"""Pages as communities grow: the registry and the home pages of a 10,000-unit community, through Django.

Builds one community of ``--units`` units (default 10,000: buildings of six stairwells × six floors × four flats,
in zones, with grids), a household in nine units of ten with two or three people, owners for every sold unit,
a tenancy in one unit of seven, and times the pages staff and residents open most (the Django test client, in
process: no server, no network), each with its number of SQL queries. Compare a smaller run (``--units 800``)
to see which pages grow with the community.

    .venv/bin/python benchmarks/bench_pages.py                      # a temporary SQLite file
    .venv/bin/python benchmarks/bench_pages.py \\
        --database postgres://postgres@127.0.0.1:5432/comity_bench_pages

The database is created for the run and dropped afterwards (as in ``bench_decisions_db.py``, whose helpers this
uses); an existing one is refused unless ``--replace`` is given. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decisions_db import _database, _setup  # noqa: E402

STAIRWELLS_PER_BUILDING = 6
FLOORS = 6
PER_FLOOR = 4
BUILDINGS_PER_ZONE = 10
BUILDINGS_PER_GRID = 5


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("COMITY_BENCH_DATABASE_URL", ""),
        help="postgres://…/name or sqlite:///path; default: a temporary SQLite file",
    )
    parser.add_argument("--replace", action="store_true", help="drop an existing database of that name first")
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (the median is printed)")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def build_community(units: int, *, seed: int = 2026, code: str = "bench-pages") -> dict[str, Any]:
    """A community of ``units`` units with its people, written with ``bulk_create``; returns the community and
    the accounts of a committee member and of a resident owner."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from comity.accounts.models import User
    from comity.structure.models import (
        Area,
        AreaKind,
        Community,
        GovernanceSubject,
        Household,
        Membership,
        Ownership,
        Person,
        Street,
        SubjectKind,
        Tenancy,
        Unit,
    )

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    per_stairwell = FLOORS * PER_FLOOR
    stairwell_count = -(-units // per_stairwell)
    building_count = -(-stairwell_count // STAIRWELLS_PER_BUILDING)
    with transaction.atomic():
        street = Street.objects.create(code=f"{code}-street", name="Benchmark Street")
        community = Community.objects.create(street=street, code=code, name="Benchmark Estate")
        committee = GovernanceSubject.objects.create(
            street=street,
            community=community,
            kind=SubjectKind.RESIDENTS_COMMITTEE,
            name="Residents' committee",
        )
        staff = User.objects.create(username=f"{code}-staff", password=make_password(None))
        staff_person = Person.objects.create(
            community=community, full_name="Committee staff", user=staff, verified_at=now, is_resident=False
        )
        Membership.objects.create(
            community=community, street=street, subject=committee, person=staff_person, role="staff"
        )
        zones = Area.objects.bulk_create(
            Area(community=community, kind=AreaKind.ZONE, code=f"Z{z}", name=f"Zone {z}")
            for z in range(1, -(-building_count // BUILDINGS_PER_ZONE) + 1)
        )
        buildings = Area.objects.bulk_create(
            Area(
                community=community,
                kind=AreaKind.BUILDING,
                parent=zones[(b - 1) // BUILDINGS_PER_ZONE],
                code=str(b),
                name=f"Building {b}",
                floors=FLOORS,
            )
            for b in range(1, building_count + 1)
        )
        workers = Person.objects.bulk_create(
            Person(community=community, full_name=f"Grid worker {g}", verified_at=now, is_resident=False)
            for g in range(-(-building_count // BUILDINGS_PER_GRID))
        )
        grids = Area.objects.bulk_create(
            Area(
                community=community, kind=AreaKind.GRID, code=f"G{g + 1}", name=f"Grid {g + 1}", grid_worker=w
            )
            for g, w in enumerate(workers)
        )
        Through = Area.grid_buildings.through
        Through.objects.bulk_create(
            Through(from_area_id=grids[i // BUILDINGS_PER_GRID].pk, to_area_id=b.pk)
            for i, b in enumerate(buildings)
        )
        stairwells = Area.objects.bulk_create(
            Area(
                community=community,
                kind=AreaKind.STAIRWELL,
                parent=buildings[k // STAIRWELLS_PER_BUILDING],
                code=f"{k // STAIRWELLS_PER_BUILDING + 1}-{k % STAIRWELLS_PER_BUILDING + 1}",
                name=f"Stairwell {k // STAIRWELLS_PER_BUILDING + 1}-{k % STAIRWELLS_PER_BUILDING + 1}",
                floors=FLOORS,
            )
            for k in range(stairwell_count)
        )
        rows = []
        for i in range(units):
            k, j = divmod(i, per_stairwell)
            floor, side = divmod(j, PER_FLOOR)
            rows.append(
                Unit(
                    community=community,
                    building=buildings[k // STAIRWELLS_PER_BUILDING],
                    stairwell=stairwells[k],
                    number=f"{k % STAIRWELLS_PER_BUILDING + 1}-{floor + 1}{side + 1:02d}",
                    floor=floor + 1,
                    exclusive_area=Decimal(rng.randrange(4500, 14500)) / 100,
                )
            )
        unit_rows = Unit.objects.bulk_create(rows, batch_size=2000)
        occupied = [u for u in unit_rows if rng.random() < 0.9]
        households = Household.objects.bulk_create(
            (Household(community=community, unit=u) for u in occupied), batch_size=2000
        )
        people = Person.objects.bulk_create(
            (
                Person(
                    community=community,
                    household=h,
                    full_name=f"Resident {h.pk}-{n}",
                    birth_year=rng.randrange(1935, 2020),
                    phone=f"139{rng.randrange(10**8):08d}",
                    verified_at=now,
                )
                for h in households
                for n in range(rng.choice((2, 2, 3)))
            ),
            batch_size=2000,
        )
        head_of = {}
        for person in people:
            head_of.setdefault(person.household_id, person)
        Ownership.objects.bulk_create(
            (Ownership(community=community, unit=h.unit, person=head_of[h.pk]) for h in households),
            batch_size=2000,
        )
        rented = [h for h in households if rng.random() < 1 / 7]
        Tenancy.objects.bulk_create(
            (Tenancy(community=community, unit=h.unit, household=h, since=today) for h in rented),
            batch_size=2000,
        )
        resident = User.objects.create(username=f"{code}-resident", password=make_password(None))
        Person.objects.filter(pk=people[0].pk).update(user=resident)
    return {"community": community, "staff": staff, "resident": resident, "first_building": buildings[0]}


def _time_page(client: Any, url: str, repeat: int) -> tuple[float, float, int, int]:
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the first request computes what the page caches: its time is the "cold" column
    reset_queries()  # each request starts by clearing the log: start the count from an empty one
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    cold = time.perf_counter() - started
    count = len(queries)  # now: the next request clears the log the count reads
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - started)
    return cold, statistics.median(samples), count, len(response.content)


def main() -> None:
    args = _arguments()
    database = _database(args.database, args.replace)
    try:
        _setup(database.url)
        from django.test import Client
        from django.urls import reverse

        started = time.perf_counter()
        built = build_community(args.units, seed=args.seed)
        community = built["community"]
        print(
            f"{database.label}: {args.units:,} units built in {time.perf_counter() - started:.1f} s (untimed)"
        )
        pages = [
            ("staff", "registry", reverse("structure:registry", args=[community.pk])),
            (
                "staff",
                "building",
                reverse("structure:building", args=[community.pk, built["first_building"].pk]),
            ),
            ("staff", "community home", reverse("structure:overview", args=[community.pk])),
            ("staff", "workbench", reverse("appeals:queue", args=[community.pk])),
            ("resident", "community home", reverse("structure:overview", args=[community.pk])),
        ]
        print(f"{'who':<10} {'page':<16} {'cold ms':>8} {'median ms':>10} {'queries':>8} {'KiB':>7}")
        for who, label, url in pages:
            client = Client()
            client.force_login(built[who])
            cold, seconds, queries, size = _time_page(client, url, args.repeat)
            print(
                f"{who:<10} {label:<16} {cold * 1000:>8.1f} {seconds * 1000:>10.1f} {queries:>8} {size / 1024:>7.0f}"
            )
    finally:
        database.cleanup()


if __name__ == "__main__":
    main()
