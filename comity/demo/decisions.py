"""The decisions (表决) of 幸福里, built through the decision services as the committee and the owners would.

* The **elevator retrofit of building 3**, one decision per stairwell, each taken from the committee's draft of the
  retrofit consultation, with a cost-sharing plan (floor table or floor coefficients, the city's subsidy of 25 %
  up to CNY 150,000, compensation for the ground floor) and the ground-floor flats next to the shaft listed as
  affected. Stairwells 1, 2 and 5 decided for the lift; stairwell 3 failed on area (the owners of the large end
  flats stayed away or voted no, so enough owners took part and agreed but not enough square metres); stairwell 4
  is still voting and waits on the owner of 103, who objected about light and is in mediation, though both
  bases already carry it — with a ballot cast by proxy, a paper ballot entered and checked by two staff members
  and one still waiting for its check; stairwell 6 is a draft.
* An **estate-wide vote on raising the maintenance fund**, open, with the turnout of its first days: the "would
  it pass?" box shows how far it is.
* **Building 13** decided to pay for a new roof from its maintenance fund (closed, passed, with minutes).
* A **residents' meeting** ranks four colour schemes for the estate's repainting (open).

The demo ``owner`` and ``resident`` logins have not voted anywhere, so they find open votes waiting for them (the
owner in the estate-wide vote and the residents' meeting, the tenant in the residents' meeting).

Every write goes through :mod:`comity.decisions.services` — ballots through ``cast_ballot``, so each decision's
hash-chained ballot log is the real one. Voting is only possible while a decision is open, so a decision that
is closed in the demo is opened with its closing time ahead, its ballots are cast, and then its voting period is
moved to where the demo puts it (as the clock would have) before it is closed. Afterwards the times the services
stamped (received, opened, closed) are moved into the demo's past; the log holds no times, so it stays intact.

Who votes and how is drawn from a stream of its own, seeded from the demo's seed, and then settled against the
engine's tally so that every outcome above holds for any seed: the owners whose ballots a stairwell still needs
are won over largest flat first, as a committee canvasses before a vote closes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from comity.accounts.models import User
from comity.consultations.models import DecisionDraft
from comity.decisions import services
from comity.decisions.models import (
    Ballot,
    CostMethod,
    Decision,
    Elector,
    Mediation,
    MediationOutcome,
    MinorityStatement,
    Objection,
    Participation,
)
from comity.decisions.services import DecisionData
from comity.demo import decision_specs as specs
from comity.demo.accounts import DEMO_EMAIL_DOMAIN, VERIFIED_AT
from comity.demo.consultation_specs import RETROFIT_BUILDING, RETROFIT_DRAFT_TITLE, age_camp
from comity.demo.layout import BATCH
from comity.demo.names import AGE_YEAR
from comity.demo.specs import OLD_ESTATE
from comity.engine.decisions.rules import Basis, DecisionRule, Stage, get_rule
from comity.engine.decisions.tally import Tally, Voter, tally
from comity.engine.money import Fen
from comity.structure.models import (
    Area,
    AreaKind,
    Community,
    Membership,
    MembershipRole,
    Person,
    Street,
    SubjectKind,
    Unit,
)

#: Elector id → "yes", "no" or "abstain"; electors not in it do not vote.
Plan = dict[int, str]

RETROFIT_RULE = "elevator-retrofit"
DEMO_LOGINS_WHO_VOTE = ("owner", "resident")


class DemoDecisionError(RuntimeError):
    """The drawn electorate cannot give the outcome the demo promises (it never happens with the demo's layout)."""


@dataclass(frozen=True, slots=True)
class Seat:
    """An elector of a frozen register, as the planner sees it."""

    elector: int
    area: Fraction
    affected: bool
    floor: int
    persons: tuple[int, ...]


@dataclass
class Opened:
    """A decision, opened, and what the demo wants of it."""

    decision: Decision
    seats: list[Seat]
    #: The voting period the demo shows.
    opens_at: datetime
    closes_at: datetime
    plan: Plan
    #: Electors the demo logins vote for: they never vote, so the logins find their votes waiting.
    blocked: set[int]
    spec: specs.RetrofitSpec | None = None


# --- the planner ------------------------------------------------------------------------------------------


def _seats(decision: Decision, floors: dict[str, int] | None = None) -> list[Seat]:
    through = Elector.persons.through
    persons: dict[int, list[int]] = {}
    for elector_id, person_id in through.objects.filter(elector__decision=decision).values_list(
        "elector_id", "person_id"
    ):
        persons.setdefault(elector_id, []).append(person_id)
    seats = []
    for pk, area, affected, units in (
        Elector.objects.filter(decision=decision)
        .order_by("pk")
        .values_list("pk", "area", "affected", "units")
    ):
        names = [name for name in units.split(", ") if name]
        floor = min((floors.get(name, 0) for name in names), default=0) if floors else 0
        seats.append(Seat(pk, Fraction(area), affected, floor, tuple(sorted(persons.get(pk, [])))))
    return seats


def _count(rule: DecisionRule, seats: list[Seat], plan: Plan) -> Tally:
    voters = [Voter(key=str(seat.elector), area=seat.area, affected=seat.affected) for seat in seats]
    return tally(rule, voters, [(str(elector), choice) for elector, choice in plan.items()])


def _met(result: Tally, basis: Basis | None = None, stage: Stage | None = None) -> bool:
    return all(
        r.passed
        for r in result.results
        if (basis is None or r.threshold.basis == basis) and (stage is None or r.threshold.stage == stage)
    )


def _draw(
    rng: random.Random, seats: list[Seat], chances: Callable[[Seat], specs.Chances], skip: set[int]
) -> Plan:
    """Who takes part and how. Every seat draws, skipped or not, so one skip does not shift the others' draws."""
    plan: Plan = {}
    for seat in seats:
        turnout, yes, no = chances(seat)
        takes_part, leaning = rng.random(), rng.random()
        if seat.elector in skip or not seat.persons or takes_part >= turnout:
            continue
        plan[seat.elector] = "yes" if leaning < yes else "no" if leaning < yes + no else "abstain"
    return plan


def _by_area(seats: Iterable[Seat], *, largest: bool = True) -> list[Seat]:
    return sorted(seats, key=lambda s: (-s.area if largest else s.area, s.elector))


def _carry(rule: DecisionRule, seats: list[Seat], plan: Plan, fixed: set[int]) -> None:
    """Win over owners, largest flat first, until every threshold is met: those who stayed away while
    participation falls short, then those who voted no or abstained."""
    movable = _by_area(s for s in seats if s.elector not in fixed and s.persons)
    while not _met(result := _count(rule, seats, plan)):
        short_of_voters = not _met(result, stage=Stage.PARTICIPATION)
        candidates = [
            s for s in movable if (s.elector not in plan) == short_of_voters and plan.get(s.elector) != "yes"
        ]
        candidates = candidates or [s for s in movable if plan.get(s.elector) != "yes"]
        if not candidates:
            raise DemoDecisionError("nobody left to win over")
        plan[candidates[0].elector] = "yes"


def _retrofit_chances(seat: Seat) -> specs.Chances:
    return specs.RETROFIT_CHANCES[specs.floor_camp(seat.floor)]


def _plan_passed(
    rng: random.Random, rule: DecisionRule, seats: list[Seat], blocked: set[int], *, dissent: bool
) -> Plan:
    affected = {s.elector for s in seats if s.affected}
    plan = _draw(rng, seats, _retrofit_chances, skip=blocked)
    plan.update(dict.fromkeys(affected, "yes"))
    _carry(rule, seats, plan, fixed=affected | blocked)
    if dissent and not any(plan.get(s.elector) == "no" and s.floor <= 2 for s in seats):
        # one lower-floor owner holds out, so the minority has a voice
        for seat in _by_area(
            (s for s in seats if s.floor <= 2 and not s.affected and s.elector in plan), largest=False
        ):
            before = plan[seat.elector]
            plan[seat.elector] = "no"
            if _count(rule, seats, plan).passed:
                break
            plan[seat.elector] = before
    if not _count(rule, seats, plan).passed:
        raise DemoDecisionError("a stairwell that should pass does not")
    return plan


def _plan_failed_on_area(
    rng: random.Random, rule: DecisionRule, seats: list[Seat], blocked: set[int]
) -> Plan:
    """Enough owners take part and agree, but not enough square metres: the largest flats stay away (as many as
    the headcount allows), the rest vote; if the area still carries it, the largest of them vote no."""
    affected = {s.elector for s in seats if s.affected}
    headcount_needed = math.ceil(Fraction(2, 3) * len(seats))
    largest = _by_area(s for s in seats if s.elector not in affected | blocked)
    away = blocked | {s.elector for s in largest[: len(seats) - headcount_needed - len(blocked)]}
    plan = _draw(rng, seats, lambda seat: (1.0, *_retrofit_chances(seat)[1:]), skip=away)
    plan.update(dict.fromkeys(affected, "yes"))
    while not _met(_count(rule, seats, plan), Basis.HEADCOUNT):
        waverers = [s for s in _by_area(seats, largest=False) if plan.get(s.elector) in ("no", "abstain")]
        if not waverers:
            raise DemoDecisionError("the headcount cannot carry the stairwell")
        plan[waverers[0].elector] = "yes"
    for seat in _by_area(s for s in seats if plan.get(s.elector) == "yes" and s.elector not in affected):
        if not _met(_count(rule, seats, plan), Basis.AREA):
            break
        plan[seat.elector] = "no"
        if not _met(_count(rule, seats, plan), Basis.HEADCOUNT):
            plan[seat.elector] = "yes"
    result = _count(rule, seats, plan)
    if (
        _met(result, Basis.AREA)
        or not _met(result, Basis.HEADCOUNT)
        or not (result.affected and result.affected.passed)
    ):
        raise DemoDecisionError("the stairwell does not fail on area alone")
    return plan


@dataclass(frozen=True, slots=True)
class Waiting:
    plan: Plan
    proxy: Seat
    paper: Seat
    unchecked: Seat


def _plan_waiting(rng: random.Random, rule: DecisionRule, seats: list[Seat], blocked: set[int]) -> Waiting:
    """Both bases carry it; the affected owner has not consented. One owner votes by proxy, one on paper (checked),
    and one paper ballot waits for its check (so it does not count yet)."""
    affected = {s.elector for s in seats if s.affected}
    free = [s for s in seats if s.persons and s.elector not in affected | blocked]
    upper = [s for s in free if s.floor >= 4] or free
    proxy = rng.choice(upper)
    paper = rng.choice([s for s in free if s.floor >= 3 and s != proxy] or [s for s in free if s != proxy])
    unchecked = rng.choice(
        [s for s in free if s.floor <= 2 and s not in (proxy, paper)]
        or [s for s in free if s not in (proxy, paper)]
    )
    absent = affected | blocked | {unchecked.elector}
    plan = _draw(rng, seats, _retrofit_chances, skip=absent)
    plan[proxy.elector] = plan[paper.elector] = "yes"
    _carry(rule, seats, plan, fixed=absent | {proxy.elector, paper.elector})
    result = _count(rule, seats, plan)
    if not _met(result) or result.affected is None or result.affected.passed:
        raise DemoDecisionError("the open stairwell does not wait on its affected owner")
    return Waiting(plan, proxy, paper, unchecked)


# --- accounts and people ----------------------------------------------------------------------------------


def _accounts(wanted: dict[int, str]) -> None:
    """Give the persons in ``wanted`` (person → username) an account, verified like the demo logins, unless they
    have one. Like the consultations' voters, they cannot log in: they only vote in the demo."""
    have = set(Person.objects.filter(pk__in=wanted, user__isnull=False).values_list("pk", flat=True))
    missing = sorted(set(wanted) - have)
    names = dict(Person.objects.filter(pk__in=missing).values_list("pk", "full_name"))
    password = make_password(None)
    accounts = [
        User(
            username=wanted[pk],
            email=f"{wanted[pk]}@{DEMO_EMAIL_DOMAIN}",
            password=password,
            first_name=names[pk],
        )
        for pk in missing
    ]
    User.objects.bulk_create(accounts, batch_size=BATCH)
    persons = [
        Person(pk=pk, user_id=user.pk, verified_at=VERIFIED_AT)
        for pk, user in zip(missing, accounts, strict=True)
    ]
    Person.objects.bulk_update(persons, ["user", "verified_at"], batch_size=BATCH)


def _voter(seat: Seat, users: Mapping[int, int | None]) -> int:
    """The person who casts a seat's ballot: one who has an account already, else the first of them."""
    return next((p for p in seat.persons if users.get(p)), seat.persons[0])


def _proxy_person(seat: Seat, community: Community, skip: set[int]) -> int:
    """An adult of the owner's household who is not an owner (a grown-up child), else a neighbour on the landing."""
    households = Person.objects.filter(pk__in=seat.persons, household__isnull=False).values("household")
    adults = Person.objects.filter(
        community=community, is_resident=True, birth_year__lte=AGE_YEAR - 18
    ).exclude(pk__in=[*seat.persons, *skip])
    relative = adults.filter(household__in=households).order_by("-birth_year", "pk").first()
    if relative is None:
        relative = (
            adults.filter(
                household__unit__building__code=RETROFIT_BUILDING, household__unit__floor=seat.floor
            )
            .order_by("pk")
            .first()
        )
    if relative is None:
        raise DemoDecisionError("nobody to act as proxy")
    return relative.pk


def _second_staff(community: Community, staff: User) -> int:
    """Another staff member of the residents' committee: paper ballots need a second pair of eyes."""
    membership = (
        Membership.objects.filter(
            subject__community=community,
            subject__kind=SubjectKind.RESIDENTS_COMMITTEE,
            role=MembershipRole.STAFF,
        )
        .exclude(person__user=staff)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise DemoDecisionError("the residents' committee has a single staff member")
    return membership.person_id


# --- writing ----------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, rng: random.Random, community: Community, staff: User, now: datetime) -> None:
        self.rng = rng
        self.community = community
        self.staff = staff
        self.now = now
        self.hour = now.replace(minute=0, second=0, microsecond=0)
        self.real_now = timezone.now()
        #: Elector id → the person who casts its ballot online.
        self.voters: dict[int, int] = {}
        #: Person id → their account, once they have one.
        self.users: dict[int, User] = {}
        #: The persons of the demo logins who vote (see :data:`DEMO_LOGINS_WHO_VOTE`).
        self.logins = set(
            Person.objects.filter(user__username__in=DEMO_LOGINS_WHO_VOTE).values_list("pk", flat=True)
        )

    def day(self, moment: datetime) -> date:
        """The local date of ``moment``, never later than today (the services refuse dates in the future)."""
        return min(timezone.localdate(moment), timezone.localdate())

    def create(
        self,
        *,
        title: str,
        agenda: str,
        rule: str,
        area: Area | None,
        opens_at: datetime,
        closes_at: datetime,
        ballot_kind: str = "motion",
        options: list[str] | None = None,
        draft: DecisionDraft | None = None,
    ) -> Decision:
        """A draft decision whose voting period includes the present, so that ballots can be cast now."""
        data: DecisionData = {
            "title": title,
            "agenda": agenda,
            "rule_name": rule,
            "area": area,
            "ballot_kind": ballot_kind,
            "secret": False,
            "opens_at": min(opens_at, self.real_now - timedelta(minutes=5)),
            "closes_at": max(closes_at, self.real_now + timedelta(hours=2)),
            "draft": draft,
        }
        return services.create_decision(self.staff, self.community, data, options)

    def open(
        self,
        decision: Decision,
        opens_at: datetime,
        closes_at: datetime,
        floors: dict[str, int] | None = None,
    ) -> Opened:
        services.open_voting(self.staff, decision)
        decision.refresh_from_db()
        seats = _seats(decision, floors)
        blocked = {s.elector for s in seats if set(s.persons) & self.logins}
        return Opened(decision, seats, opens_at, closes_at, {}, blocked)

    def choose_voters(self, opened: Opened, accounts: Mapping[int, int | None]) -> None:
        """Who casts each planned ballot: a person of the elector who has an account already, else the first."""
        for seat in opened.seats:
            if seat.elector in opened.plan:
                self.voters[seat.elector] = _voter(seat, accounts)

    def cast(self, opened: Opened, interludes: Iterable[Callable[[], None]] = ()) -> None:
        """The plan's ballots, online, in a random order, with ``interludes`` (other ways of voting) among them."""
        steps: list[Callable[[], None]] = [
            partial(self._cast, opened.decision, elector, opened.plan[elector])
            for elector in sorted(opened.plan)
        ]
        self.rng.shuffle(steps)
        for interlude in interludes:
            steps.insert(self.rng.randint(len(steps) // 4, len(steps)), interlude)
        for step in steps:
            step()

    def _cast(self, decision: Decision, elector: int, choice: str) -> None:
        services.cast_ballot(self.users[self.voters[elector]], decision, elector, choice)

    def settle(self, opened: Opened, *, close: bool) -> Decision:
        """Move the voting period to where the demo shows it, close the decision if it is over, and date what the
        services stamped with the present."""
        decision, opens_at, closes_at = opened.decision, opened.opens_at, opened.closes_at
        Decision.objects.filter(pk=decision.pk).update(
            opens_at=opens_at, closes_at=closes_at, planned_closes_at=closes_at
        )
        if close:
            decision = services.close_decision(self.staff, decision)
        Decision.objects.filter(pk=decision.pk).update(
            created_at=opens_at - timedelta(days=9),
            opened_at=opens_at - timedelta(hours=1),
            closed_at=closes_at + timedelta(minutes=5) if close else None,
        )
        self.date_participations(decision, opens_at, min(closes_at, self.now - timedelta(hours=1)))
        decision.refresh_from_db()
        return decision

    def date_participations(self, decision: Decision, start: datetime, end: datetime) -> None:
        """Ballots arrive over the voting period, most in its first days, in the order they were cast."""
        rows = list(Participation.objects.filter(decision=decision).order_by("pk"))
        span = max((end - start).total_seconds(), 3600.0)
        moments = sorted(start + timedelta(seconds=span * self.rng.random() ** 1.6) for _ in rows)
        for row, moment in zip(rows, moments, strict=True):
            row.created_at = moment
            if row.checked_at is not None:
                row.checked_at = min(moment + timedelta(hours=self.rng.randint(2, 30)), max(end, moment))
        Participation.objects.bulk_update(rows, ["created_at", "checked_at"], batch_size=BATCH)


def _percent(result: dict[str, Any], stage: str, basis: str) -> str:
    item = next(t for t in result["thresholds"] if t["stage"] == stage and t["basis"] == basis)
    return f"{float(Fraction(item['share'])) * 100:.1f}%"


def _minutes(template: str, decision: Decision) -> str:
    """Minutes with the figures of the published result."""
    result = decision.result or {}
    closed = timezone.localtime(decision.closes_at)
    values: dict[str, Any] = {
        "closed": f"{closed.year}年{closed.month}月{closed.day}日",
        "electors": result["voters"],
        "participants": int(Fraction(result["totals"]["headcount"]["participating"])),
        "turnout_head": _percent(result, "participation", "headcount"),
        "turnout_area": _percent(result, "participation", "area"),
        "yes_head": _percent(result, "approval", "headcount"),
        "yes_area": _percent(result, "approval", "area"),
    }
    failing = [t for t in result["thresholds"] if t["basis"] == "area" and not t["passed"]]
    if failing:
        participation = failing[0]["stage"] == "participation"
        reason = specs.AREA_PARTICIPATION_FAILED if participation else specs.AREA_APPROVAL_FAILED
        values["area_failure"] = reason.format(**values)
    return template.format(**values)


def _areas(community: Community) -> dict[str, Area]:
    """Buildings 3 and 13 and their stairwells, by code."""
    buildings = Area.objects.filter(
        community=community, kind=AreaKind.BUILDING, code__in=[RETROFIT_BUILDING, specs.ROOF_BUILDING]
    )
    stairwells = Area.objects.filter(community=community, kind=AreaKind.STAIRWELL, parent__in=buildings)
    return {area.code: area for area in [*buildings, *stairwells]}


def _retrofit(writer: _Writer, spec: specs.RetrofitSpec, stairwell: Area, draft: DecisionDraft) -> Decision:
    """A stairwell's retrofit, drafted from the consultation's draft, with its affected flats and cost plan."""
    staff, hour = writer.staff, writer.hour
    if spec.outcome == specs.WAITING:
        opens_at, closes_at = hour - timedelta(days=12), hour + timedelta(days=9)
    elif spec.outcome == specs.DRAFT:
        opens_at, closes_at = hour + timedelta(days=10), hour + timedelta(days=24)
    else:
        opens_at, closes_at = hour - timedelta(days=30), hour - timedelta(days=16)
    decision = writer.create(
        title=specs.retrofit_title(spec),
        agenda=specs.retrofit_agenda(spec),
        rule=RETROFIT_RULE,
        area=stairwell,
        opens_at=opens_at,
        closes_at=closes_at,
        draft=draft,
    )
    for affected in spec.affected:
        number = f"{spec.stairwell}-1{affected.position:02d}"
        unit = Unit.objects.get(stairwell=stairwell, floor=1, number=number)
        services.add_affected_unit(staff, decision, unit, affected.impact, affected.note)
    services.set_cost_plan(
        staff,
        decision,
        {
            "total_fen": Fen(spec.total_fen),
            "method": spec.method,
            "subsidy_percent": specs.SUBSIDY_PERCENT,
            "subsidy_cap_fen": Fen(specs.SUBSIDY_CAP_FEN),
            "floor_values": specs.FLOOR_TABLE if spec.method == "floor-table" else specs.FLOOR_COEFFICIENTS,
            "compensation": {"1": Fen(spec.compensation_fen)},
        },
    )
    decision.opens_at, decision.closes_at = opens_at, closes_at  # the period the demo shows
    return decision


def generate_demo_decisions(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    """Write the decisions of 幸福里 (see the module's docstring); return counts for the audit entry.

    Call it once the consultations are written: the retrofit decisions are taken from the retrofit's draft.
    """
    rng = random.Random(f"{seed}/decisions")
    community = Community.objects.get(street=street, code=OLD_ESTATE)
    staff = User.objects.get(username="committee-staff")
    draft = DecisionDraft.objects.get(community=community, title=RETROFIT_DRAFT_TITLE)
    writer = _Writer(rng, community, staff, now)
    hour = writer.hour
    areas = _areas(community)
    floors = {
        str(unit): unit.floor
        for unit in Unit.objects.filter(
            building__in=[areas[RETROFIT_BUILDING], areas[specs.ROOF_BUILDING]]
        ).select_related("building")
    }

    # 1. Draft, describe and open the owners' decisions, and plan who votes how.
    retrofit_rule = get_rule(RETROFIT_RULE)
    opened: list[Opened] = []
    waiting: tuple[Opened, Waiting] | None = None
    for spec in specs.RETROFITS:
        stairwell = areas[f"{RETROFIT_BUILDING}-{spec.stairwell}"]
        decision = _retrofit(writer, spec, stairwell, draft)
        if spec.outcome == specs.DRAFT:
            Decision.objects.filter(pk=decision.pk).update(
                opens_at=decision.opens_at, closes_at=decision.closes_at, created_at=hour - timedelta(days=2)
            )
            continue
        item = writer.open(decision, decision.opens_at, decision.closes_at, floors)
        item.spec = spec
        if spec.outcome == specs.PASSED:
            item.plan = _plan_passed(
                rng, retrofit_rule, item.seats, item.blocked, dissent=spec.stairwell == 1
            )
        elif spec.outcome == specs.FAILED_ON_AREA:
            item.plan = _plan_failed_on_area(rng, retrofit_rule, item.seats, item.blocked)
        else:
            plan = _plan_waiting(rng, retrofit_rule, item.seats, item.blocked)
            item.plan = {
                k: v for k, v in plan.plan.items() if k not in (plan.proxy.elector, plan.paper.elector)
            }
            waiting = (item, plan)
        opened.append(item)

    ordinary = get_rule("civil-code-278-ordinary")
    roof = writer.create(
        title=specs.ROOF_TITLE,
        agenda=specs.ROOF_AGENDA,
        rule=ordinary.name,
        area=areas[specs.ROOF_BUILDING],
        opens_at=hour - timedelta(days=75),
        closes_at=hour - timedelta(days=61),
    )
    services.set_cost_plan(staff, roof, {"total_fen": Fen(specs.ROOF_TOTAL_FEN), "method": CostMethod.AREA})
    roof_item = writer.open(roof, hour - timedelta(days=75), hour - timedelta(days=61), floors)
    roof_item.plan = _draw(
        rng, roof_item.seats, lambda s: specs.ROOF_CHANCES[specs.floor_camp(s.floor)], roof_item.blocked
    )
    _carry(ordinary, roof_item.seats, roof_item.plan, fixed=roof_item.blocked)
    opened.append(roof_item)

    fund = writer.create(
        title=specs.FUND_TITLE,
        agenda=specs.FUND_AGENDA,
        rule="civil-code-278-major",
        area=None,
        opens_at=hour - timedelta(days=2),
        closes_at=hour + timedelta(days=28),
    )
    fund_item = writer.open(fund, hour - timedelta(days=2), hour + timedelta(days=28))
    fund_item.plan = _draw(rng, fund_item.seats, lambda _seat: specs.FUND_CHANCES, fund_item.blocked)
    opened.append(fund_item)

    # 2. Accounts for everyone who votes online, objects, acts as proxy or checks paper ballots.
    if waiting is None:
        raise DemoDecisionError("no stairwell waits on its affected owner")
    waiting_item, waiting_plan = waiting
    accounts = dict(
        Person.objects.filter(
            pk__in={p for item in opened for s in item.seats for p in s.persons}
        ).values_list("pk", "user_id")
    )
    for item in opened:
        writer.choose_voters(item, accounts)
    objector = next(s for s in waiting_item.seats if s.affected)
    objector_person = _voter(objector, accounts)
    proxy_person = _proxy_person(waiting_plan.proxy, community, writer.logins)
    checker = _second_staff(community, staff)
    wanted = {
        person: _username(person) for person in [*writer.voters.values(), objector_person, proxy_person]
    }
    wanted[checker] = f"staff-{checker}"
    _accounts(wanted)
    writer.users = {
        person.pk: person.user
        for person in Person.objects.filter(pk__in=wanted).select_related("user")
        if person.user is not None
    }

    # 3. The residents' meeting: its register is the verified adult residents when it opens.
    colours = writer.create(
        title=specs.COLOURS_TITLE,
        agenda=specs.COLOURS_AGENDA,
        rule="residents-meeting",
        area=None,
        ballot_kind="ranked",
        options=list(specs.COLOURS),
        opens_at=hour - timedelta(days=3),
        closes_at=hour + timedelta(days=11),
    )
    colours_item = writer.open(colours, hour - timedelta(days=3), hour + timedelta(days=11))

    # 4. Ballots.
    for item in opened:
        if item is waiting_item:
            _vote_waiting(
                writer, item, waiting_plan, writer.users[checker], proxy_person, objector, objector_person
            )
        else:
            writer.cast(item)
    _rank_colours(writer, colours_item)

    # 5. Close what is over, with minutes and the minority's word; date what the services stamped now.
    for item in [*opened, colours_item]:
        close = item.closes_at <= now
        decision = writer.settle(item, close=close)
        if not close:
            continue
        retrofit = item.spec
        if retrofit is None:
            services.save_minutes(staff, decision, _minutes(specs.ROOF_MINUTES, decision))
            continue
        if retrofit.outcome == specs.FAILED_ON_AREA:
            services.save_minutes(staff, decision, _minutes(specs.FAILED_MINUTES, decision))
            # when a motion fails, those who voted yes are the minority
            supporters = [s for s in item.seats if item.plan.get(s.elector) == "yes" and s.floor >= 5]
            if supporters:
                author = writer.users[writer.voters[supporters[0].elector]]
                statement = services.add_minority_statement(
                    author, decision, supporters[0].elector, specs.FAILED_MINORITY_STATEMENT
                )
                MinorityStatement.objects.filter(pk=statement.pk).update(
                    created_at=item.closes_at + timedelta(days=1, hours=5)
                )
            continue
        services.save_minutes(staff, decision, _minutes(specs.PASSED_MINUTES, decision))
        dissenters = [s for s in item.seats if item.plan.get(s.elector) == "no" and s.floor <= 2]
        if retrofit.stairwell == 1 and dissenters:
            seat = dissenters[0]
            author = writer.users[writer.voters[seat.elector]]
            statement = services.add_minority_statement(
                author, decision, seat.elector, specs.MINORITY_STATEMENT
            )
            MinorityStatement.objects.filter(pk=statement.pk).update(
                created_at=item.closes_at + timedelta(days=2, hours=3)
            )

    return {
        "decisions": Decision.objects.filter(community=community).count(),
        "decision_ballots": Ballot.objects.filter(decision__community=community).count(),
    }


def _username(person: int) -> str:
    return f"voter-{person}"


def _vote_waiting(
    writer: _Writer,
    item: Opened,
    plan: Waiting,
    second_staff: User,
    proxy_person: int,
    objector: Seat,
    objector_person: int,
) -> None:
    """The stairwell that waits: online ballots with one by proxy and one on paper among them; the affected
    owner's objection and the mediation about it; and a paper ballot entered last by the second staff member,
    waiting for the committee-staff login to check it."""
    decision, staff, rng = item.decision, writer.staff, writer.rng
    stairwell = item.spec.stairwell if item.spec else 0
    electors = {e.pk: e for e in Elector.objects.filter(decision=decision)}
    proxy_user = writer.users[proxy_person]
    checked = specs.PAPER_REFERENCE.format(building=RETROFIT_BUILDING, stairwell=stairwell, number=1)
    unchecked = specs.PAPER_REFERENCE.format(building=RETROFIT_BUILDING, stairwell=stairwell, number=2)

    def by_proxy() -> None:
        services.record_proxy(
            staff,
            decision,
            electors[plan.proxy.elector],
            Person.objects.get(pk=proxy_person),
            specs.PROXY_DOCUMENT.format(year=writer.hour.year, number=rng.randint(20, 60)),
            writer.day(item.opens_at + timedelta(days=1)),
        )
        services.cast_ballot(proxy_user, decision, plan.proxy.elector, "yes")

    def on_paper() -> None:
        services.enter_paper_ballot(staff, decision, electors[plan.paper.elector], checked, "yes")
        entered = Participation.objects.get(decision=decision, paper_reference=checked)
        services.check_paper_ballot(second_staff, decision, entered.pk, matches=True)

    writer.cast(item, interludes=[by_proxy, on_paper])

    owner = writer.users[objector_person]
    objection = services.submit_objection(owner, decision, objector.elector, specs.OBJECTION)
    Objection.objects.filter(pk=objection.pk).update(created_at=item.opens_at + timedelta(days=2, hours=10))
    unit = electors[objector.elector].units
    held = item.opens_at + timedelta(days=6)
    # The decision was drafted before it opened (as ``settle`` dates it); a mediation cannot precede the draft.
    Decision.objects.filter(pk=decision.pk).update(created_at=item.opens_at - timedelta(days=9))
    mediation = services.record_mediation(
        staff,
        decision,
        objection_id=objection.pk,
        held_on=writer.day(held),
        attendees=specs.MEDIATION_ATTENDEES.format(staff=staff.first_name, owner=owner.first_name, unit=unit),
        record=specs.MEDIATION_RECORD.format(unit=unit),
        outcome=MediationOutcome.CONTINUING,
    )
    Mediation.objects.filter(pk=mediation.pk).update(created_at=held + timedelta(hours=8))
    services.enter_paper_ballot(second_staff, decision, electors[plan.unchecked.elector], unchecked, "yes")


def _rank_colours(writer: _Writer, item: Opened) -> None:
    """Residents rank the colour schemes by their age camp's taste and their own; many rank only the first few."""
    rng = writer.rng
    people = Person.objects.filter(pk__in={p for s in item.seats for p in s.persons}).select_related("user")
    residents = {person.pk: person for person in people if person.user is not None}
    for seat in item.seats:
        takes_part = rng.random()
        taste = [rng.gauss(0, 0.9) for _ in specs.COLOURS]
        depth = rng.choice((4, 4, 4, 3, 3, 2))
        person = residents.get(seat.persons[0]) if seat.persons else None
        if (
            person is None
            or person.user is None
            or seat.elector in item.blocked
            or takes_part >= specs.COLOURS_TURNOUT
        ):
            continue
        camp = specs.COLOUR_TASTES[age_camp(AGE_YEAR - person.birth_year if person.birth_year else 40)]
        order = sorted(range(len(specs.COLOURS)), key=lambda i: -(camp[i] + taste[i]))
        ranks = {str(position + 1): rank for rank, position in enumerate(order[:depth], start=1)}
        services.cast_ballot(person.user, item.decision, seat.elector, selection=ranks)


def delete_demo_decisions(street: Street) -> None:
    """Delete the street's decisions (before their areas, which they protect); the register, ballots, log,
    objections and the rest go with them."""
    Decision.objects.filter(community__street=street).delete()
