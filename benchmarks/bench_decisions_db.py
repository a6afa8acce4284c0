"""Decisions through the database: a 10,000-unit estate voting through Django, on SQLite or PostgreSQL.

Where ``bench_decisions.py`` times the engine's tally on rows held in memory, this benchmark times the decisions
app itself on a fresh database: opening an estate-wide Civil Code Art. 278 major decision (building and freezing
the register of about 8,700 owners), casting ballots through ``services.cast_ballot``, the live count, closing
(the frozen result), checking the hash-chained ballot log, and 50 stairwell elevator retrofits (open and count).

Every count is checked against the engine's tally on the same data, with the owners built independently from the
Unit and Ownership rows (not from the register) and the ballots from what the benchmark itself chose; any
difference stops the run with a non-zero exit.

Not everything goes through the services. The registry is written with ``bulk_create`` (untimed), and most
ballots are inserted directly (Participation, Ballot and LogEntry rows, the log chained with the engine's
``ballot_log.chain`` so it verifies): the output says which figures are services and which are bulk writes.

    .venv/bin/python benchmarks/bench_decisions_db.py    # a temporary SQLite file, removed afterwards
    .venv/bin/python benchmarks/bench_decisions_db.py \\
        --database postgres://postgres@127.0.0.1:5432/comity_bench_decisions

A PostgreSQL database is created for the run and dropped afterwards; the benchmark refuses a database (or SQLite
file) that already exists unless ``--replace`` is given, so it never drops something it did not create.
``COMITY_BENCH_DATABASE_URL`` sets the default ``--database``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UNITS = 10_000
PER_STAIRWELL = 24  # 6 floors × 4 units
FLOORS = 6
STAIRWELLS_PER_BUILDING = 6
UNSOLD = 300
SECOND_UNIT_SHARE = 0.10  # units bought by someone who already owns one
CO_OWNED_SHARE = 0.03  # units held by two people together (one vote)
ACCOUNTS = 500  # owners with a verified account, who can vote online
WEIGHTS = {"yes": 80, "no": 15, "abstain": 5}


class Mismatch(SystemExit):
    """The database's count differs from the engine's: exits non-zero."""


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("COMITY_BENCH_DATABASE_URL", ""),
        help="postgres://…/name or sqlite:///path; default: a temporary SQLite file",
    )
    parser.add_argument("--replace", action="store_true", help="drop an existing database of that name first")
    parser.add_argument("--voters", type=int, default=300, help="ballots cast through the service, early on")
    parser.add_argument(
        "--late-voters", type=int, default=100, help="ballots through the service after the bulk ones"
    )
    parser.add_argument("--turnout", type=float, default=0.70, help="share of the electors who vote")
    parser.add_argument("--stairwells", type=int, default=50, help="stairwell elevator retrofits")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


# --- the database -----------------------------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    label: str
    cleanup: Callable[[], None]


def _postgres(url: str, replace: bool) -> Database:
    import psycopg

    base, name = url.rsplit("/", 1)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"unusual database name {name!r}: use letters, digits and _")
    admin = base + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            if not replace:
                raise SystemExit(
                    f"database {name!r} already exists; pass --replace to drop it first, or choose another name"
                )
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        version = connection.execute("SHOW server_version").fetchone()[0]

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return Database(url, f"PostgreSQL {version.split()[0]} (database {name}, created and dropped)", drop)


def _sqlite(url: str, replace: bool) -> Database:
    import sqlite3

    if url:
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            if not replace:
                raise SystemExit(
                    f"{path} already exists; pass --replace to overwrite it, or choose another file"
                )
            path.unlink()
        directory = None
    else:
        directory = Path(tempfile.mkdtemp(prefix="comity-bench-decisions-"))
        path = directory / "bench.sqlite3"

    def remove() -> None:
        from django.db import connections

        connections.close_all()
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    where = "temporary file" if directory else str(path)
    return Database(
        f"sqlite:///{path}", f"SQLite {sqlite3.sqlite_version} ({where}, removed afterwards)", remove
    )


def _database(url: str, replace: bool) -> Database:
    if url.startswith(("postgres://", "postgresql://")):
        return _postgres(url, replace)
    if not url or url.startswith("sqlite:///"):
        return _sqlite(url, replace)
    raise SystemExit(f"unsupported --database {url!r}: postgres://… or sqlite:///…")


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log: time the code as a server would run it


# --- the estate -------------------------------------------------------------------------------------------------


@dataclass
class Estate:
    community: Any
    staff: Any
    stairwells: list[Any]
    #: owner key (sorted person ids joined by "+", or "developer") → the units it holds
    holdings: dict[str, list[int]] = field(default_factory=dict)
    #: owner key → the user who votes online for it (owners with an account)
    users: dict[str, Any] = field(default_factory=dict)
    #: unit id → stairwell id
    stairwell_of: dict[int, int] = field(default_factory=dict)
    #: unit id → floor
    floor_of: dict[int, int] = field(default_factory=dict)


def _key(person_ids: list[int]) -> str:
    return "+".join(str(p) for p in sorted(person_ids))


def _build(rng: random.Random) -> Estate:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from comity.accounts.models import User
    from comity.structure.models import (
        Area,
        AreaKind,
        Community,
        GovernanceSubject,
        HolderKind,
        Membership,
        Ownership,
        Person,
        Street,
        SubjectKind,
        Unit,
    )

    now = timezone.now()
    stairwell_count = -(-UNITS // PER_STAIRWELL)
    building_count = -(-stairwell_count // STAIRWELLS_PER_BUILDING)
    with transaction.atomic():
        street = Street.objects.create(code="bench-decisions", name="Benchmark Street")
        community = Community.objects.create(street=street, code="bench-estate", name="Benchmark Estate")
        committee = GovernanceSubject.objects.create(
            street=street,
            community=community,
            kind=SubjectKind.RESIDENTS_COMMITTEE,
            name="Residents' committee",
        )
        staff = User.objects.create(username="bench-staff", password=make_password(None))
        staff_person = Person.objects.create(
            community=community, full_name="Committee staff", user=staff, verified_at=now
        )
        Membership.objects.create(
            community=community,
            street_id=committee.street_id,
            subject=committee,
            person=staff_person,
            role="staff",
        )

        buildings = Area.objects.bulk_create(
            Area(
                community=community, kind=AreaKind.BUILDING, code=str(b), name=f"Building {b}", floors=FLOORS
            )
            for b in range(1, building_count + 1)
        )
        stairwells = Area.objects.bulk_create(
            Area(
                community=community,
                kind=AreaKind.STAIRWELL,
                code=f"{k // STAIRWELLS_PER_BUILDING + 1}-{k % STAIRWELLS_PER_BUILDING + 1}",
                name=f"Stairwell {k // STAIRWELLS_PER_BUILDING + 1}-{k % STAIRWELLS_PER_BUILDING + 1}",
                parent=buildings[k // STAIRWELLS_PER_BUILDING],
                floors=FLOORS,
            )
            for k in range(stairwell_count)
        )
        units = []
        for i in range(UNITS):
            k, j = divmod(i, PER_STAIRWELL)
            floor, side = divmod(j, PER_STAIRWELL // FLOORS)
            units.append(
                Unit(
                    community=community,
                    building=buildings[k // STAIRWELLS_PER_BUILDING],
                    stairwell=stairwells[k],
                    number=f"{k % STAIRWELLS_PER_BUILDING + 1}-{floor + 1}{side + 1:02d}",
                    floor=floor + 1,
                    exclusive_area=Decimal(rng.randrange(4500, 14500)) / 100,  # 45.00–144.99 m², exact
                )
            )
        units = Unit.objects.bulk_create(units, batch_size=2000)

        # Who holds what, as lists of person indices (co-owners together) or the developer.
        unsold = set(rng.sample(range(UNITS), UNSOLD))
        holders: list[list[int]] = []
        holder_of_unit: dict[int, int] = {}
        people = 0
        for i in range(UNITS):
            if i in unsold:
                continue
            if holders and rng.random() < SECOND_UNIT_SHARE:
                holder_of_unit[i] = rng.randrange(len(holders))
                continue
            size = 2 if rng.random() < CO_OWNED_SHARE else 1
            holders.append(list(range(people, people + size)))
            people += size
            holder_of_unit[i] = len(holders) - 1
        with_account = set(rng.sample(range(len(holders)), ACCOUNTS))
        account_people = {holders[h][0]: h for h in with_account}
        users = User.objects.bulk_create(
            (User(username=f"owner{p}", password=make_password(None)) for p in sorted(account_people)),
            batch_size=1000,
        )
        user_of = dict(zip(sorted(account_people), users, strict=True))
        persons = Person.objects.bulk_create(
            (
                Person(
                    community=community,
                    full_name=f"Owner {p}",
                    user=user_of.get(p),
                    is_resident=True,
                    verified_at=now,
                )
                for p in range(people)
            ),
            batch_size=2000,
        )
        ownerships = []
        for i, unit in enumerate(units):
            if i in unsold:
                ownerships.append(
                    Ownership(
                        community=community,
                        unit=unit,
                        holder_kind=HolderKind.DEVELOPER,
                        holder_name="Benchmark Developer Ltd",
                    )
                )
                continue
            members = holders[holder_of_unit[i]]
            ownerships.extend(
                Ownership(
                    community=community,
                    unit=unit,
                    person=persons[p],
                    share_numerator=1,
                    share_denominator=len(members),
                )
                for p in members
            )
        Ownership.objects.bulk_create(ownerships, batch_size=2000)

    estate = Estate(community=community, staff=staff, stairwells=stairwells)
    for i, unit in enumerate(units):
        key = "developer" if i in unsold else _key([persons[p].pk for p in holders[holder_of_unit[i]]])
        estate.holdings.setdefault(key, []).append(unit.pk)
        estate.stairwell_of[unit.pk] = unit.stairwell_id
        estate.floor_of[unit.pk] = unit.floor
    for p, h in account_people.items():
        estate.users[_key([persons[q].pk for q in holders[h]])] = user_of[p]
    return estate


# --- the engine's side: owners from the registry rows, ballots as the benchmark chose them ---------------------


def _engine_owners(
    community: Any, stairwell: Any = None, affected: frozenset[int] = frozenset()
) -> list[Any]:
    """The voters by SPC counting, from the Unit and Ownership rows read afresh (the register is not used)."""
    from comity.engine.decisions.tally import Unit as EngineUnit
    from comity.engine.decisions.tally import owners_from_units
    from comity.structure.models import HolderKind, Ownership, Unit

    units = Unit.objects.filter(community=community)
    if stairwell is not None:
        units = units.filter(stairwell=stairwell)
    rows = list(units.values_list("pk", "exclusive_area"))
    holders: dict[int, list[tuple[str, int | None]]] = {}
    for unit_id, kind, person_id in Ownership.objects.filter(unit__in=units).values_list(
        "unit_id", "holder_kind", "person_id"
    ):
        holders.setdefault(unit_id, []).append((kind, person_id))
    engine_units = []
    for pk, area in rows:
        held = holders[pk]
        developer = any(kind == HolderKind.DEVELOPER for kind, _ in held)
        owner = "developer" if developer else _key([p for _, p in held if p is not None])
        engine_units.append(
            EngineUnit(
                unit=str(pk), owner=owner, area=Fraction(area), unsold=developer, affected=pk in affected
            )
        )
    return owners_from_units(engine_units)


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    """A count without the elector keys (the register's and the engine's name owners differently)."""
    same = {k: result[k] for k in ("voters", "ballots", "totals", "thresholds", "shortfalls", "passed")}
    consent = result.get("affected_consent")
    if consent is not None:
        same["affected_consent"] = (
            consent["required"],
            len(consent["affected"]),
            len(consent["consenting"]),
            consent["passed"],
        )
    return same


def _cross_check(what: str, ours: dict[str, Any], rule_name: str, voters: list[Any], ballots: dict[str, str]):
    from comity.engine.decisions.rules import get_rule
    from comity.engine.decisions.tally import tally

    expected = tally(get_rule(rule_name), voters, list(ballots.items())).to_dict()
    if _comparable(ours) != _comparable(expected):
        print(f"\nMISMATCH in {what}:\n  database: {_comparable(ours)}\n  engine:   {_comparable(expected)}")
        raise Mismatch(1)
    return expected


# --- voting -----------------------------------------------------------------------------------------------------


def _elector_ids(decision: Any) -> dict[str, int]:
    """Owner key → elector id, through the register's people (and its developer row)."""
    from comity.decisions.models import Elector

    people: dict[int, list[int]] = {}
    for elector_id, person_id in Elector.persons.through.objects.filter(
        elector__decision=decision
    ).values_list("elector_id", "person_id"):
        people.setdefault(elector_id, []).append(person_id)
    ids = {_key(p): e for e, p in people.items()}
    if len(ids) != len(people):
        raise Mismatch(f"the register of {decision} gives two electors the same people")
    developer = Elector.objects.filter(decision=decision, developer=True).values_list("pk", flat=True).first()
    if developer is not None:
        ids["developer"] = developer
    return ids


def _bulk_ballots(decision: Any, staff: Any, choices: dict[str, str], elector_ids: dict[str, int]) -> None:
    """Paper ballots entered and checked, written directly: what ``check_paper_ballot`` leaves behind, in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from comity.decisions.models import Ballot, Channel, Decision, Elector, LogEntry, Participation
    from comity.engine.decisions.ballot_log import chain, receipt_hash

    now = timezone.now()
    by_id = {
        e.pk: e for e in Elector.objects.filter(decision=decision, pk__in=[elector_ids[k] for k in choices])
    }
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        participations = Participation.objects.bulk_create(
            (
                Participation(
                    community_id=decision.community_id,
                    decision=decision,
                    elector_id=elector_ids[key],
                    channel=Channel.PAPER,
                    cast_by=staff,
                    paper_reference=f"P-{decision.pk}-{n}",
                    checked_by=staff,
                    checked_at=now,
                    counted=True,
                )
                for n, key in enumerate(choices)
            ),
            batch_size=1000,
        )
        contents, ballots = [], []
        for participation, choice in zip(participations, choices.values(), strict=True):
            elector = by_id[participation.elector_id]
            receipt = receipt_hash(f"bulk-{decision.pk}-{participation.pk}")
            ballots.append(
                Ballot(
                    community_id=decision.community_id,
                    decision=decision,
                    participation=participation,
                    choice=choice,
                    selection=[],
                    area=elector.area,
                    receipt_hash=receipt,
                    counted=True,
                    log_sequence=decision.log_length + len(ballots) + 1,
                )
            )
            contents.append(
                {
                    "type": "ballot",
                    "elector": elector.key,
                    "channel": Channel.PAPER.value,
                    "choice": choice,
                    "selection": [],
                    "receipt": receipt,
                }
            )
        Ballot.objects.bulk_create(ballots, batch_size=1000)
        entries = chain(contents, start=decision.log_head)
        LogEntry.objects.bulk_create(
            (
                LogEntry(
                    community_id=decision.community_id,
                    decision=decision,
                    sequence=decision.log_length + e.sequence,
                    content=dict(e.content),
                    previous=e.previous,
                    hash=e.hash,
                )
                for e in entries
            ),
            batch_size=1000,
        )
        Decision.objects.filter(pk=decision.pk).update(
            log_head=entries[-1].hash, log_length=decision.log_length + len(entries)
        )


def _cast(decision: Any, estate: Estate, keys: list[str], choices: dict[str, str], rng: random.Random):
    """Ballots through ``services.cast_ballot``, one transaction each; returns the seconds of each."""
    from comity.decisions import services

    elector_ids = _elector_ids(decision)
    samples = []
    for key in keys:
        choice = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        started = time.perf_counter()
        services.cast_ballot(estate.users[key], decision, elector_ids[key], choice)
        samples.append(time.perf_counter() - started)
        choices[key] = choice
    return samples


def _timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] if len(samples) > 1 else samples[0]


def _row(label: str, figure: str, note: str = "") -> None:
    print(f"  {label:<66} {figure:>12}   {note}".rstrip())


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


# --- the run ----------------------------------------------------------------------------------------------------


def _estate_decision(estate: Estate, rng: random.Random, args: argparse.Namespace) -> float:
    from django.utils import timezone

    from comity.decisions import computing, services
    from comity.decisions.closing import verify_decision_log
    from comity.decisions.models import Decision, Elector
    from comity.engine.decisions.rules import get_rule
    from comity.engine.decisions.tally import tally

    now = timezone.now()
    decision = services.create_decision(
        estate.staff,
        estate.community,
        {
            "title": "Raise the estate's maintenance fund",
            "agenda": "Raise the special maintenance fund for the roofs (Civil Code Art. 278, major matter).",
            "rule_name": "civil-code-278-major",
            "area": None,
            "ballot_kind": "motion",
            "secret": False,
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=7),
        },
    )
    seconds, opened = _timed(lambda: services.open_voting(estate.staff, decision))
    decision.refresh_from_db()
    electors = Elector.objects.filter(decision=decision).count()
    print(f"\nestate-wide decision, rule civil-code-278-major ({UNITS:,} units, {electors:,} electors)")
    _row("open_voting: build the register from the registry, freeze it", _ms(seconds), "service")

    voters = _engine_owners(estate.community)
    if len(voters) != electors or opened["electors"] != electors:
        raise Mismatch(f"register of {electors} electors, engine counts {len(voters)} owners")

    # Early ballots through the service, then the bulk of them, then late ones through the service again.
    online = list(estate.users)
    rng.shuffle(online)
    early, late = online[: args.voters], online[args.voters : args.voters + args.late_voters]
    target = round(args.turnout * electors)
    choices: dict[str, str] = {}
    early_times = _cast(decision, estate, early, choices, rng)
    rest = [k for k in estate.holdings if k not in estate.users]
    rng.shuffle(rest)
    bulk = {k: rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0] for k in rest}
    bulk = dict(list(bulk.items())[: max(target - len(early) - len(late), 0)])
    bulk_seconds, _ = _timed(lambda: _bulk_ballots(decision, estate.staff, bulk, _elector_ids(decision)))
    choices.update(bulk)
    late_times = _cast(decision, estate, late, choices, rng)
    _row(
        f"cast_ballot × {len(early_times)}, before the bulk ballots: p50",
        _ms(statistics.median(early_times)),
        f"service; p95 {_ms(_p95(early_times))}, total {sum(early_times):.2f} s",
    )
    _row(
        f"{len(bulk):,} paper ballots + log entries written in bulk (NOT the service)",
        f"{bulk_seconds:.2f} s",
        "bulk_create, log chained with ballot_log.chain",
    )
    _row(
        f"cast_ballot × {len(late_times)}, with {len(early) + len(bulk):,} ballots already in: p50",
        _ms(statistics.median(late_times)),
        f"service; p95 {_ms(_p95(late_times))}",
    )
    print(f"  turnout {len(choices):,} of {electors:,} electors ({len(choices) / electors:.0%})")

    decision.refresh_from_db()
    seconds, live = _timed(lambda: computing.count(decision), repeat=3)
    _cross_check("the live count", live, decision.rule_name, voters, choices)
    rule, ballots = get_rule(decision.rule_name), list(choices.items())
    engine_seconds, _ = _timed(lambda: tally(rule, voters, ballots).to_dict(), repeat=3)
    _row("counting.count: the live tally (median of 3)", _ms(seconds), f"passed: {live['passed']} — match")
    _row(
        "  for comparison: the engine's tally alone, owners and ballots in memory",
        _ms(engine_seconds),
        "engine, median of 3",
    )
    count_seconds = seconds

    Decision.objects.filter(pk=decision.pk).update(
        opens_at=now - timedelta(days=8), closes_at=timezone.now() - timedelta(seconds=1)
    )  # the clock moves past the closing time
    decision.refresh_from_db()
    seconds, closed = _timed(lambda: services.close_decision(estate.staff, decision))
    _cross_check("the frozen result", closed.result, decision.rule_name, voters, choices)
    _row("close_decision → close_now: count and freeze the result", _ms(seconds), "service — match")
    closed.refresh_from_db()
    seconds, verification = _timed(lambda: verify_decision_log(closed), repeat=3)
    if not verification.ok or verification.checked != closed.log_length:
        raise Mismatch(f"the ballot log does not verify: {verification}")
    _row(
        f"verify_decision_log over {verification.checked:,} entries (median of 3)",
        _ms(seconds),
        "the chain holds",
    )
    return count_seconds


def _stairwells(estate: Estate, rng: random.Random, how_many: int) -> None:
    from django.utils import timezone

    from comity.decisions import computing, services
    from comity.structure.models import Unit

    units_by_stairwell: dict[int, list[int]] = {}
    for unit_id, stairwell_id in estate.stairwell_of.items():
        units_by_stairwell.setdefault(stairwell_id, []).append(unit_id)
    chosen = rng.sample(estate.stairwells, min(how_many, len(estate.stairwells)))
    owner_of = {u: key for key, units in estate.holdings.items() for u in units}
    opens, counts, passed = [], [], 0
    electors = 0
    for stairwell in chosen:
        now = timezone.now()
        decision = services.create_decision(
            estate.staff,
            estate.community,
            {
                "title": f"Elevator for {stairwell.name}",
                "agenda": "Install an elevator on the north side; cost shared by floor.",
                "rule_name": "elevator-retrofit",
                "area": stairwell,
                "ballot_kind": "motion",
                "secret": False,
                "opens_at": now - timedelta(hours=1),
                "closes_at": now + timedelta(days=7),
            },
        )
        ground = [u for u in units_by_stairwell[stairwell.pk] if estate.floor_of[u] == 1][:2]
        for unit in Unit.objects.filter(pk__in=ground):
            services.add_affected_unit(estate.staff, decision, unit, "occupied")
        seconds, opened = _timed(lambda d=decision: services.open_voting(estate.staff, d))
        opens.append(seconds)
        electors += opened["electors"]
        decision.refresh_from_db()
        owners = sorted({owner_of[u] for u in units_by_stairwell[stairwell.pk]})
        affected_owners = {owner_of[u] for u in ground}
        choices = {}
        for key in owners:
            if rng.random() < 0.85:
                choices[key] = (
                    "yes"
                    if key in affected_owners and rng.random() < 0.8
                    else rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
                )
        if choices:
            _bulk_ballots(decision, estate.staff, choices, _elector_ids(decision))
        decision.refresh_from_db()
        seconds, result = _timed(lambda d=decision: computing.count(d))
        counts.append(seconds)
        passed += result["passed"]
        voters = _engine_owners(estate.community, stairwell, frozenset(ground))
        _cross_check(f"the count of {stairwell.name}", result, decision.rule_name, voters, choices)
    print(
        f"\n{len(chosen)} stairwell elevator retrofits, rule elevator-retrofit "
        f"({electors / len(chosen):.1f} electors each on average, 2 affected ground-floor units each)"
    )
    _row("open_voting per stairwell: p50", _ms(statistics.median(opens)), f"service; p95 {_ms(_p95(opens))}")
    _row(
        "counting.count per stairwell: p50",
        _ms(statistics.median(counts)),
        f"p95 {_ms(_p95(counts))}; {passed} of {len(chosen)} pass — all match",
    )
    _row(
        f"open + count, all {len(chosen)} stairwells",
        f"{sum(opens) + sum(counts):.2f} s",
        "(85% turnout per stairwell written in bulk, untimed)",
    )


def main() -> None:
    args = _arguments()
    database = _database(args.database, args.replace)
    started = time.perf_counter()
    try:
        seconds, _ = _timed(lambda: _setup(database.url))
        print(f"database: {database.label}; migrations {seconds:.1f} s")
        rng = random.Random(args.seed)
        seconds, estate = _timed(lambda: _build(rng))
        owners = len(estate.holdings)
        print(
            f"registry written with bulk_create in {seconds:.1f} s (not part of any figure below): "
            f"{UNITS:,} units in {len(estate.stairwells)} stairwells of {PER_STAIRWELL} "
            f"({FLOORS} floors) in {-(-len(estate.stairwells) // STAIRWELLS_PER_BUILDING)} buildings, "
            f"{owners - 1:,} owners + the developer ({UNSOLD} unsold units), {len(estate.users)} with an account"
        )
        count_seconds = _estate_decision(estate, rng, args)
        _stairwells(estate, rng, args.stairwells)
        print("\nstreet of 1,000 communities: not built in the database by this benchmark.")
        _row(
            "ESTIMATE, not measured: 1,000 × the estate's counting.count",
            f"≈ {1000 * count_seconds:,.0f} s",
            "(bench_decisions.py measures the street in memory)",
        )
        print(
            f"\nall counts match the engine; whole run {time.perf_counter() - started:.0f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    finally:
        database.cleanup()


if __name__ == "__main__":
    main()
