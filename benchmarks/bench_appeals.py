"""Appeals at city scale: 1,000,000 appeals in PostgreSQL.

Reports how long the rates dashboards (one community, the whole street) and the staff workbench take, the SQL
rates against the engine's pure-Python rates over the same appeals (the reference, with their ratio), and intake
throughput when many people submit at once.

    .venv/bin/python benchmarks/bench_appeals.py                  # 1,000,000 appeals, 20 communities
    .venv/bin/python benchmarks/bench_appeals.py --appeals 100000 # a quicker run

It uses its own database (``comity_bench`` on the local server by default, created when missing and reused while
it holds the requested number of appeals), never the test or production database. The appeals are written with
COPY: the benchmark measures reading and intake, not a year of clicking.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/comity_bench"
COMMUNITIES = 20
BUILDINGS = 12
#: The benchmark's "now": the appeals span the year before it.
NOW = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--database", default=os.environ.get("COMITY_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--threads", type=int, default=8, help="concurrent submitters for the intake test")
    parser.add_argument("--submissions", type=int, default=400, help="appeals submitted in the intake test")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions of each page (median shown)")
    return parser.parse_args()


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the street -------------------------------------------------------------------------------------------------


def _street() -> dict[str, Any]:
    """A street of ``COMMUNITIES`` communities, each with a committee, a property company, buildings, a matrix and
    one account per role the benchmark needs. Created once and found again on later runs."""
    from comity.accounts.models import User
    from comity.structure.models import (
        Area,
        AreaKind,
        Community,
        GovernanceSubject,
        MatterCategory,
        Membership,
        Person,
        Responsibility,
        Street,
        SubjectKind,
    )

    street, created = Street.objects.get_or_create(code="bench-street", defaults={"name": "Benchmark Street"})
    if created:
        office = GovernanceSubject.objects.create(
            street=street, kind=SubjectKind.STREET_OFFICE, name="Street office"
        )
        official = User.objects.create_user("bench-official", password="bench")
        leaves = list(MatterCategory.objects.filter(children__isnull=True).order_by("code"))
        for index in range(COMMUNITIES):
            community = Community.objects.create(
                street=street, code=f"bench-{index:02d}", name=f"Community {index}"
            )
            committee = GovernanceSubject.objects.create(
                street=street, community=community, kind=SubjectKind.RESIDENTS_COMMITTEE, name=f"RC {index}"
            )
            company = GovernanceSubject.objects.create(
                street=street,
                community=community,
                kind=SubjectKind.PROPERTY_MANAGEMENT,
                name=f"Property {index}",
            )
            for number in range(1, BUILDINGS + 1):
                Area.objects.create(
                    community=community, kind=AreaKind.BUILDING, code=str(number), name=f"B{number}"
                )
            for category in leaves[::2]:
                Responsibility.objects.create(
                    community=community,
                    category=category,
                    lead_subject=company,
                    time_limit_hours=category.default_time_limit_hours,
                )
            staff = User.objects.create_user(f"bench-committee-{index}", password="bench")
            staff_person = Person.objects.create(community=community, full_name=f"Staff {index}", user=staff)
            Membership.objects.create(
                community=community,
                street_id=committee.street_id,
                subject=committee,
                person=staff_person,
                role="staff",
            )
            if index == 0:
                official_person = Person.objects.create(
                    community=community, full_name="Official", user=official
                )
                Membership.objects.create(
                    street_id=office.street_id, subject=office, person=official_person, role="staff"
                )
            resident = User.objects.create_user(f"bench-resident-{index}", password="bench")
            Person.objects.create(
                community=community,
                full_name=f"Resident {index}",
                user=resident,
                is_resident=True,
                verified_at=NOW,
            )
    communities = list(Community.objects.filter(street=street).order_by("code"))
    return {"street": street, "communities": communities}


def _copy_appeals(street: Any, communities: list[Any], total: int) -> None:
    """Write ``total`` appeals (and the ratings of the rated ones) with COPY, spread over the year before NOW."""
    from django.db import connection

    from comity.appeals.models import Appeal
    from comity.structure.models import Area, GovernanceSubject, MatterCategory, SubjectKind

    existing = Appeal.objects.filter(community__street=street).count()
    if existing >= total:
        print(f"reusing {existing:,} appeals")
        return
    rng = random.Random(20261101)
    categories = list(
        MatterCategory.objects.filter(children__isnull=True).values_list("pk", "default_time_limit_hours")
    )
    per_community = total // len(communities)
    started = time.perf_counter()
    for community in communities:
        buildings = list(Area.objects.filter(community=community).values_list("pk", flat=True))
        leads = list(
            GovernanceSubject.objects.filter(community=community).order_by("kind").values_list("pk", "kind")
        )
        committee = next(pk for pk, kind in leads if kind == SubjectKind.RESIDENTS_COMMITTEE)
        company = next(pk for pk, kind in leads if kind != SubjectKind.RESIDENTS_COMMITTEE)
        have = Appeal.objects.filter(community=community).count()
        rows = io.StringIO()
        ratings: list[tuple[str, str, str, str]] = []
        times = sorted(
            NOW - timedelta(seconds=rng.randrange(365 * 86400)) for _ in range(per_community - have)
        )
        for index, received in enumerate(times, start=have + 1):
            number = f"{received.year}-{index:06d}"
            category, hours = rng.choice(categories)
            due = received + timedelta(hours=hours)
            fate = rng.random()
            signed = received + timedelta(hours=rng.expovariate(1 / 3))
            replied = signed + timedelta(hours=rng.expovariate(1 / (hours * 0.6)))
            closed = replied + timedelta(hours=rng.expovariate(1 / 6))
            if closed > NOW or fate < 0.02:
                status = "in_progress" if signed < NOW else "dispatched"
                signed_at = signed if signed < NOW else None
                replied_at = closed_at = None
            elif fate < 0.04:
                status, signed_at, replied_at, closed_at = "withdrawn", None, None, None
            else:
                status, signed_at, replied_at, closed_at = "closed", signed, replied, closed
                if rng.random() < 0.7:
                    status = "rated"
                    ratings.append(
                        (
                            number,
                            rng.choices(["yes", "partly", "no"], [80, 12, 8])[0],
                            rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], [78, 14, 8])[0],
                            (closed + timedelta(days=1)).isoformat(),
                        )
                    )
            values = [
                community.pk,
                number,
                rng.choice(["help_request", "complaint", "suggestion", "consultation"]),
                "web",
                category,
                rng.choice(buildings),
                "benchmark appeal",
                "f",
                "normal",
                status,
                company if rng.random() < 0.8 else committee,
                hours,
                "calendar",
                received.isoformat(),
                due.isoformat(),
                signed_at.isoformat() if signed_at else "\\N",
                replied_at.isoformat() if replied_at else "\\N",
                closed_at.isoformat() if closed_at else "\\N",
                "",
                "",
                "",
            ]
            rows.write("\t".join(str(v) for v in values) + "\n")
        columns = (
            "community_id, number, kind, channel, category_id, area_id, description, is_public, urgency, status, "
            "lead_subject_id, time_limit_hours, clock, received_at, due_at, signed_for_at, replied_at, closed_at, "
            "contact_name, contact_phone, consent_note"
        )
        with connection.cursor() as cursor:
            raw = cursor.connection
            with raw.cursor().copy(f"COPY appeals_appeal ({columns}) FROM STDIN") as copy:
                copy.write(rows.getvalue())
            if ratings:
                numbers = dict(Appeal.objects.filter(community=community).values_list("number", "pk"))
                rating_rows = io.StringIO()
                for number, resolved, satisfaction, rated_at in ratings:
                    rating_rows.write(
                        "\t".join(
                            [
                                str(community.pk),
                                str(numbers[number]),
                                "self",
                                "t",
                                resolved,
                                satisfaction,
                                "",
                                rated_at,
                            ]
                        )
                        + "\n"
                    )
                with raw.cursor().copy(
                    "COPY appeals_rating (community_id, appeal_id, method, contacted, resolved, satisfaction, comment, "
                    "rated_at) FROM STDIN"
                ) as copy:
                    copy.write(rating_rows.getvalue())
        print(
            f"  {community.name}: {per_community:,} appeals ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_appeal")
        cursor.execute("ANALYZE appeals_rating")


# --- timings ----------------------------------------------------------------------------------------------------


def _median_seconds(action: Any, repeat: int, *, cold: bool = False) -> float:
    """The median time of ``action``; ``cold`` empties Django's cache first each time (the database's own caches
    stay warm, as on a server that runs all day)."""
    from django.core.cache import cache

    action()
    samples = []
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _page(client: Any, url: str) -> Any:
    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return fetch


def _time_pages(world: dict[str, Any], repeat: int) -> list[tuple[str, float]]:
    from django.test import Client
    from django.urls import reverse

    from comity.accounts.models import User

    community = world["communities"][0]
    official = Client()
    official.force_login(User.objects.get(username="bench-official"))
    committee = Client()
    committee.force_login(User.objects.get(username="bench-committee-0"))
    street_url = reverse("appeal_rates:street", args=[world["street"].pk])
    community_url = reverse("appeal_rates:community", args=[community.pk])
    queue_url = reverse("appeals:queue", args=[community.pk])
    street_year = _page(official, f"{street_url}?period=last_12_months")
    street_month = _page(official, f"{street_url}?period=this_month")
    community_year = _page(committee, f"{community_url}?period=last_12_months")
    return [
        (
            "street rates dashboard, last 12 months (computed)",
            _median_seconds(street_year, repeat, cold=True),
        ),
        ("street rates dashboard, last 12 months (cached)", _median_seconds(street_year, repeat)),
        ("street rates dashboard, this month (computed)", _median_seconds(street_month, repeat, cold=True)),
        (
            "community rates dashboard, last 12 months (computed)",
            _median_seconds(community_year, repeat, cold=True),
        ),
        ("community rates dashboard, last 12 months (cached)", _median_seconds(community_year, repeat)),
        ("staff workbench, open appeals", _median_seconds(_page(committee, queue_url), repeat)),
        (
            "staff workbench, overdue only",
            _median_seconds(_page(committee, f"{queue_url}?status=open&overdue=on"), repeat),
        ),
        (
            "staff workbench, all statuses, page 200",
            _median_seconds(_page(committee, f"{queue_url}?status=&page=200"), repeat),
        ),
    ]


def _reference(world: dict[str, Any]) -> tuple[float, float, int]:
    """The same community's rates from SQL (ours) and from the engine over every appeal (the reference)."""
    from comity.appeals.rates import data as rates_data
    from comity.appeals.rates import records as rates_records
    from comity.engine.rates import Period, scorecard

    community = world["communities"][0]
    period = Period(NOW - timedelta(days=365), NOW + timedelta(seconds=1))
    appeals = rates_data.appeals_of([community.pk])

    def engine() -> Any:
        return scorecard(rates_records.records_for(appeals), period=period, now=NOW)

    def sql() -> Any:
        return rates_data.total(rates_data.cell_tallies(appeals, period=period, now=NOW).values()).scorecard()

    expected, ours = engine(), sql()
    assert expected == ours, (expected, ours)
    return _median_seconds(sql, 3), _median_seconds(engine, 3), appeals.count()


def _intake(world: dict[str, Any], threads: int, submissions: int) -> tuple[float, int]:
    """``threads`` people submitting at once, spread over the communities (numbering locks one community)."""
    from django.db import connection

    from comity.accounts.models import User
    from comity.appeals import services
    from comity.structure.models import MatterCategory

    category = MatterCategory.objects.get(code="facilities.lifts")
    users = {
        c.pk: User.objects.get(username=f"bench-resident-{i}") for i, c in enumerate(world["communities"])
    }
    errors: list[BaseException] = []
    per_thread = submissions // threads

    def work(offset: int) -> None:
        try:
            for n in range(per_thread):
                community = world["communities"][(offset + n) % len(world["communities"])]
                services.submit_appeal(
                    users[community.pk],
                    community,
                    kind="help_request",
                    category=category,
                    description="benchmark intake",
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return per_thread * threads / elapsed, per_thread * threads


def main() -> None:
    args = _arguments()
    _ensure_database(args.database)
    _setup(args.database)
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = _street()
    print(f"generating up to {args.appeals:,} appeals in {len(world['communities'])} communities")
    _copy_appeals(world["street"], world["communities"], args.appeals)

    from comity.appeals.models import Appeal

    total = Appeal.objects.filter(community__street=world["street"]).count()
    print(f"\n{total:,} appeals in PostgreSQL\n")
    print(f"{'page':<58} {'median':>10}")
    for label, seconds in _time_pages(world, args.repeat):
        print(f"{label:<58} {seconds * 1000:>8.0f} ms")
    ours, reference, counted = _reference(world)
    print(
        f"\nrates of one community ({counted:,} appeals): SQL {ours * 1000:.0f} ms, engine over every record "
        f"{reference * 1000:.0f} ms — {reference / ours:.1f}× faster in SQL (same figures)"
    )
    rate, count = _intake(world, args.threads, args.submissions)
    print(f"intake: {count} appeals from {args.threads} concurrent submitters, {rate:.0f} appeals/s")


if __name__ == "__main__":
    main()
