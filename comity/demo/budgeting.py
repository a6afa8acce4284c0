"""The community fund and participatory budgeting of 幸福里, built through the budgeting services as the committee
and the residents would.

* **The fund** for the year: the formula's part (Chengdu's 100,000 yuan + 1,500 yuan per 100 residents, with the
  registry's resident count), a grant and two donations, each an income entry of the public ledger.
* **Last spring's cycle**, closed: two districts of two courtyards each; proposals reviewed against the negative
  list (three ruled out, with reasons) or costed; a few hundred residents' approval ballots; closed through
  ``close_cycle``, which computed every rule, funded the official rule's projects (the Method of Equal Shares
  with Add1) and allocated their costs in the ledger. In each district the larger courtyard backs expensive
  projects and the smaller one cheaper ones, so "most votes first" and the official rule fund different projects
  (the generator checks it). The funded projects have milestones, some done; one is delivered, accepted and
  rated by residents; payments to the contractors are in the ledger with their invoice numbers, and what the
  delivered project did not spend went back to the fund.
* **The second round**, open, with a knapsack ballot: residents choose projects within their district's budget.
  The districts cover every building, so the ``resident`` and ``owner`` logins vote in the district of their
  home (building 1, 东南片区, with seed 2026); they have not voted, here or in spring.
* **Next year's cycle**, in review: a proposal of the ``resident`` login and another wait for the committee's
  review, one waits for its costing, one is on the ballot and one was ruled out.

Every write goes through :mod:`comity.budgeting.services`. Ballots can only be cast while voting is open, so the
closed cycle is opened with its closing time ahead, its ballots are cast, it is closed, and then the times the
services stamped (created, reviewed, cast, closed, the ledger's dates) are moved to where the demo puts them, as
the clock would have. Who votes and how is drawn from a stream of its own (``<seed>/budgeting``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from comity.accounts.models import User
from comity.budgeting import services
from comity.budgeting.models import (
    BallotKind,
    BudgetBallot,
    Cycle,
    CycleStatus,
    District,
    EntryKind,
    Fund,
    LedgerEntry,
    Outcome,
    Proposal,
    ProposalStatus,
    Rating,
    Rule,
    SourceKind,
)
from comity.budgeting.selectors import acting_organisations
from comity.budgeting.services import common as services_common
from comity.demo import budget_specs as specs
from comity.demo.accounts import DEMO_EMAIL_DOMAIN, VERIFIED_AT, demo_usernames
from comity.demo.layout import BATCH
from comity.demo.names import AGE_YEAR
from comity.demo.specs import OLD_ESTATE
from comity.notifications.services import IN_APP
from comity.structure.models import Area, AreaKind, Community, GovernanceSubject, Person, Street


@contextmanager
def _notices(*channels: str) -> Iterator[None]:
    """Send the budgeting services' notifications only through ``channels`` (none: not at all) for a while.

    The demo's past is not news: last spring's review, opening and closing notices are not sent today. The open
    round's are kept in the app (so the demo logins find "voting is open" among their notifications) but not
    e-mailed to hundreds of accounts nobody can log in to (each e-mail is a task of its own and costs time).
    """
    real = getattr(services_common, "notify")  # noqa: B009 - the services send their notices through it

    def notify(recipients: Iterable[User | None], **kwargs: Any) -> None:
        if channels:
            real(recipients, **{**kwargs, "channels": channels})

    with mock.patch.object(services_common, "notify", notify):
        yield


class DemoBudgetError(RuntimeError):
    """The drawn ballots do not show what the demo promises (it never happens with the demo's layout)."""


@dataclass(frozen=True, slots=True)
class Resident:
    """An adult resident of 幸福里 who may vote, as the generator sees them."""

    person: int
    zone: str
    age: int


# --- the clock ------------------------------------------------------------------------------------------------------


class _Clock:
    """The demo's dates: last spring's calendar, and offsets from the moment of generation."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        #: The year of the fund and of last spring's cycle: the spring that is over.
        self.year = self.today.year if self.today.month >= 7 else self.today.year - 1
        self.hour = now.replace(minute=0, second=0, microsecond=0)
        self.real_now = timezone.now()

    def at(self, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
        return timezone.make_aware(datetime(self.year, month, day, hour, minute))

    def day(self, value: date) -> date:
        """Never later than today: the services refuse dates in the future."""
        return min(value, self.today, timezone.localdate())

    def past(self, value: date) -> bool:
        return value < self.today

    def moment(self, value: date, hour: int = 10) -> datetime:
        return timezone.make_aware(datetime.combine(value, time(hour)))


def _spread(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """``count`` moments between ``start`` and ``end``, most of them early, in order."""
    span = max((end - start).total_seconds(), 3600.0)
    return sorted(start + timedelta(seconds=span * rng.random() ** 1.5) for _ in range(count))


# --- people ---------------------------------------------------------------------------------------------------------


def _residents(community: Community) -> list[Resident]:
    """The community's adult residents who live in a building of a courtyard, except the demo logins (who keep
    their votes for themselves)."""
    rows = (
        Person.objects.filter(
            community=community,
            is_resident=True,
            birth_year__lte=AGE_YEAR - 18,
            household__unit__building__parent__kind=AreaKind.ZONE,
        )
        .exclude(user__username__in=demo_usernames())
        .order_by("pk")
        .values_list("pk", "household__unit__building__parent__code", "birth_year")
    )
    return [Resident(pk, zone, AGE_YEAR - (birth_year or AGE_YEAR - 40)) for pk, zone, birth_year in rows]


def _accounts(persons: Iterable[int]) -> dict[int, User]:
    """An account for each person, verified like the demo logins: their own if they have one (a voter of the
    decisions, say), else a new ``voter-<person id>`` at the demo e-mail domain with an unusable password."""
    wanted = sorted(set(persons))
    have = set(Person.objects.filter(pk__in=wanted, user__isnull=False).values_list("pk", flat=True))
    missing = [pk for pk in wanted if pk not in have]
    names = dict(Person.objects.filter(pk__in=missing).values_list("pk", "full_name"))
    password = make_password(None)
    created = [
        User(
            username=f"voter-{pk}",
            email=f"voter-{pk}@{DEMO_EMAIL_DOMAIN}",
            password=password,
            first_name=names[pk],
        )
        for pk in missing
    ]
    User.objects.bulk_create(created, batch_size=BATCH)
    Person.objects.bulk_update(
        [
            Person(pk=pk, user_id=user.pk, verified_at=VERIFIED_AT)
            for pk, user in zip(missing, created, strict=True)
        ],
        ["user", "verified_at"],
        batch_size=BATCH,
    )
    return {
        person.pk: person.user
        for person in Person.objects.filter(pk__in=wanted).select_related("user")
        if person.user is not None
    }


def _lean(spec: specs.ProjectSpec, age: int) -> float:
    if spec.favoured_by == "older":
        return 0.1 if age >= 60 else -0.05
    if spec.favoured_by == "younger":
        return 0.12 if age < 45 else -0.05
    return 0.0


def _margins(
    rng: random.Random, voter: Resident, projects: list[tuple[Proposal, specs.ProjectSpec]]
) -> list[tuple[float, int]]:
    """How much the voter wants each project (above zero: they vote for it), one draw per project."""
    margins = []
    for proposal, spec in projects:
        own, other = spec.support
        chance = (own if spec.camp == voter.zone else other) + _lean(spec, voter.age)
        margins.append((chance - rng.random(), proposal.pk))
    return sorted(margins, reverse=True)


# --- the fund -------------------------------------------------------------------------------------------------------


def _fund(staff: User, community: Community, clock: _Clock) -> Fund:
    residents = Person.objects.filter(community=community, is_resident=True).count()
    fund = services.create_fund(
        staff,
        community,
        {
            "name": specs.FUND_NAME,
            "year": clock.year,
            "fixed_fen": specs.FIXED_FEN,
            "per_100_residents_fen": specs.PER_100_FEN,
            "residents": residents,
            "description": specs.FUND_DESCRIPTION,
        },
        post_formula=False,
    )
    services.record_entry(
        staff,
        fund,
        {
            "kind": EntryKind.INCOME,
            "source": SourceKind.FORMULA,
            "amount_fen": fund.formula_fen,
            "occurred_on": clock.day(date(clock.year, 1, 15)),
            "description": specs.FORMULA_TEXT.format(year=clock.year, residents=residents),
            "counterparty": specs.FORMULA_PAYER,
        },
    )
    for income in specs.INCOMES:
        services.record_entry(
            staff,
            fund,
            {
                "kind": EntryKind.INCOME,
                "source": income.source,
                "amount_fen": income.amount_fen,
                "occurred_on": clock.day(date(clock.year, *income.on)),
                "description": income.description.format(year=clock.year),
                "counterparty": income.counterparty,
            },
        )
    Fund.objects.filter(pk=fund.pk).update(created_at=clock.at(1, 10))
    return fund


# --- cycles ---------------------------------------------------------------------------------------------------------


@dataclass
class _Context:
    rng: random.Random
    community: Community
    staff: User
    clock: _Clock
    fund: Fund
    #: Buildings of each district (by the district spec's key).
    buildings: dict[str, list[Area]]
    residents: list[Resident]
    ngo: User
    #: The organisation the ``ngo-staff`` login proposes for.
    organisation: GovernanceSubject


def _create(
    ctx: _Context,
    title: str,
    description: str,
    budgets: dict[str, int],
    *,
    kind: str,
    fund: Fund | None,
    max_choices: int | None = None,
) -> tuple[Cycle, dict[str, District]]:
    cycle = services.create_cycle(
        ctx.staff,
        ctx.community,
        {
            "title": title,
            "description": description,
            "fund": fund,
            "ballot_kind": kind,
            "max_choices": max_choices,
            "rule": Rule.MES_ADD1,
            "project_cap": 50_000,
        },
        [
            {"name": d.name, "budget": budgets[d.key], "buildings": ctx.buildings[d.key]}
            for d in specs.DISTRICTS
        ],
    )
    districts = {d.key: District.objects.get(cycle=cycle, name=d.name) for d in specs.DISTRICTS}
    services.open_proposals(ctx.staff, cycle)
    return cycle, districts


def _propose(
    ctx: _Context,
    cycle: Cycle,
    district: District,
    spec: specs.ProjectSpec,
    proposer: User,
) -> Proposal:
    organisation = ctx.organisation if spec.proposer == "eldercare" else None
    return services.submit_proposal(
        ctx.ngo if organisation is not None else proposer,
        cycle,
        {
            "title": spec.title,
            "description": spec.description,
            "location": spec.location,
            "district": district,
            "estimated_cost": spec.estimated,
            "organisation": organisation,
        },
    )


def _review(ctx: _Context, proposal: Proposal, spec: specs.ProjectSpec, *, cost: bool = True) -> Proposal:
    if spec.reasons:
        return services.review_proposal(
            ctx.staff, proposal, eligible=False, reasons=list(spec.reasons), note=spec.review_note
        )
    proposal = services.review_proposal(ctx.staff, proposal, eligible=True, reasons=[])
    if cost and spec.cost is not None:
        proposal = services.cost_proposal(ctx.staff, proposal, cost=spec.cost, note=spec.costing_note)
    return proposal


def _date_proposals(
    ctx: _Context,
    proposals: list[Proposal],
    submitted: tuple[datetime, datetime],
    reviewed: tuple[datetime, datetime],
) -> None:
    created = _spread(ctx.rng, len(proposals), *submitted)
    checked = _spread(ctx.rng, len(proposals), *reviewed)
    for proposal, made, seen in zip(proposals, created, checked, strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=made,
            reviewed_at=seen if proposal.status != ProposalStatus.SUBMITTED else None,
        )


def _cast(cycle: Cycle, ballots: list[tuple[User, list[tuple[int, int]]]]) -> None:
    for user, marks in ballots:
        services.cast_ballot(user, cycle, marks)


def _date_ballots(ctx: _Context, cycle: Cycle, start: datetime, end: datetime) -> None:
    rows = list(BudgetBallot.objects.filter(cycle=cycle).order_by("pk"))
    for row, moment in zip(rows, _spread(ctx.rng, len(rows), start, end), strict=True):
        row.cast_at = moment
    BudgetBallot.objects.bulk_update(rows, ["cast_at"], batch_size=BATCH)


def _voters(ctx: _Context, turnout: dict[str, float] | float) -> list[Resident]:
    """Residents who vote: every resident draws, so the draw of one does not shift the others'."""
    chosen = []
    for resident in ctx.residents:
        share = turnout if isinstance(turnout, float) else turnout[resident.zone]
        if ctx.rng.random() < share:
            chosen.append(resident)
    return chosen


def _district_key(zone: str) -> str:
    return next(d.key for d in specs.DISTRICTS if zone in d.zones)


def _proposer(ctx: _Context, voters: list[Resident], users: dict[int, User], camp: str) -> User:
    return users[ctx.rng.choice([v.person for v in voters if v.zone == camp])]


def _proposers(ctx: _Context, projects: Iterable[specs.ProjectSpec]) -> list[User]:
    """A resident of each project's courtyard to propose it, with an account."""
    persons = [ctx.rng.choice([r.person for r in ctx.residents if r.zone == spec.camp]) for spec in projects]
    users = _accounts(persons)
    return [users[person] for person in persons]


# --- last spring --------------------------------------------------------------------------------------------------


def _spring(ctx: _Context) -> Cycle:
    rng, clock = ctx.rng, ctx.clock
    cycle, districts = _create(
        ctx,
        specs.CYCLE_TITLE.format(year=clock.year),
        specs.CYCLE_DESCRIPTION,
        specs.SPRING_BUDGETS,
        kind=BallotKind.APPROVAL,
        fund=ctx.fund,
        max_choices=specs.SPRING_MAX_CHOICES,
    )
    voters = _voters(ctx, specs.SPRING_TURNOUT)
    users = _accounts(v.person for v in voters)
    proposals: list[tuple[Proposal, specs.ProjectSpec]] = []
    for spec in specs.SPRING_PROJECTS:
        proposer = _proposer(ctx, voters, users, spec.camp)
        proposals.append((_propose(ctx, cycle, districts[spec.district], spec, proposer), spec))
    services.start_review(ctx.staff, cycle)
    proposals = [(_review(ctx, proposal, spec), spec) for proposal, spec in proposals]
    services.open_voting(ctx.staff, cycle, ctx.clock.real_now + timedelta(hours=2))

    on_ballot = {
        key: [(p, s) for p, s in proposals if s.district == key and p.status == ProposalStatus.ON_BALLOT]
        for key in districts
    }
    ballots = []
    for voter in voters:
        margins = _margins(rng, voter, on_ballot[_district_key(voter.zone)])
        chosen = [pk for margin, pk in margins if margin > 0][: specs.SPRING_MAX_CHOICES] or [margins[0][1]]
        ballots.append((users[voter.person], [(pk, 1) for pk in chosen]))
    rng.shuffle(ballots)
    _cast(cycle, ballots)
    cycle = services.close_cycle(ctx.staff, cycle, early=True)
    _check_rules_differ(cycle)

    # Move what the services stamped now into last spring.
    opens, closes = clock.at(4, 25, 9), clock.at(5, 10, 18)
    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=clock.at(2, 24),
        proposals_close_at=clock.at(3, 31, 18),
        voting_opens_at=opens,
        voting_closes_at=closes,
        closed_at=closes + timedelta(minutes=5),
    )
    _date_proposals(
        ctx,
        [p for p, _s in proposals],
        (clock.at(3, 2, 8), clock.at(3, 31, 17)),
        (clock.at(4, 3), clock.at(4, 20)),
    )
    _date_ballots(ctx, cycle, opens, closes - timedelta(minutes=30))
    Outcome.objects.filter(cycle=cycle).update(computed_at=closes + timedelta(minutes=5))
    closed_on = timezone.localdate(closes)
    for entry in LedgerEntry.objects.filter(proposal__cycle=cycle, kind=EntryKind.ALLOCATION):
        LedgerEntry.objects.filter(pk=entry.pk).update(
            occurred_on=closed_on,
            recorded_at=closes + timedelta(minutes=6),
            description=f"经“{cycle.title}”居民投票立项，按核定造价拨付预算",
        )
    _deliver(ctx, cycle, closed_on, {v.person: users[v.person] for v in voters}, voters)
    return cycle


def _check_rules_differ(cycle: Cycle) -> None:
    """In every district the official rule funds other projects than "most votes first": the demo's point."""
    for district in cycle.districts.all():
        chosen = {
            o.rule: set(o.selected)
            for o in Outcome.objects.filter(district=district)
            if o.rule in (cycle.rule, Rule.GREEDY)
        }
        if chosen[cycle.rule] == chosen[Rule.GREEDY]:
            raise DemoBudgetError(f"the rules agree in {district.name}")


def _invoice(rng: random.Random, year: int) -> str:
    """A 20-digit number of a fully digitalised invoice (全电发票), issued in Henan (41)."""
    return f"{year % 100:02d}41{rng.randint(10**15, 10**16 - 1)}"


def _pay(
    ctx: _Context, proposal: Proposal, spec: specs.ProjectSpec, amount_fen: int, on: date, what: str
) -> None:
    entry = services.record_entry(
        ctx.staff,
        ctx.fund,
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount_fen": amount_fen,
            "occurred_on": on,
            "description": f"{proposal.title}：{what}",
            "counterparty": spec.contractor,
            "proposal": proposal,
            "receipt_number": _invoice(ctx.rng, on.year),
        },
    )
    LedgerEntry.objects.filter(pk=entry.pk).update(recorded_at=ctx.clock.moment(on, 16))


def _deliver(
    ctx: _Context, cycle: Cycle, closed_on: date, users: dict[int, User], voters: list[Resident]
) -> None:
    """Milestones of every funded project as far as the calendar has come, payments against invoices, and the
    first project delivered, accepted, settled and rated."""
    clock = ctx.clock
    by_title = {s.title: s for s in specs.SPRING_PROJECTS}
    funded = list(cycle.proposals.filter(status=ProposalStatus.FUNDED).order_by("number"))
    titles = [p.title for p in funded]
    first = next((t for t in specs.DELIVERED_FIRST if t in titles), titles[0] if titles else None)
    for proposal in funded:
        spec = by_title[proposal.title]
        cost_fen = int(proposal.cost_fen or 0)
        done: list[date] = []
        for title, due, finished, note in specs.PLANS[spec.plan]:
            milestone = services.add_milestone(
                ctx.staff, proposal, {"title": title, "due_on": closed_on + timedelta(days=due), "note": note}
            )
            finished_on = closed_on + timedelta(days=finished) if finished is not None else None
            if finished_on is not None and clock.past(finished_on):
                services.complete_milestone(ctx.staff, milestone, clock.day(finished_on))
                done.append(finished_on)
        if done:
            advance = int(cost_fen * specs.ADVANCE_SHARE)
            _pay(ctx, proposal, spec, advance, done[0] + timedelta(days=3), "合同预付款（30%）")
        else:
            continue
        plan = specs.PLANS[spec.plan]
        if len(done) < len(plan):
            continue
        completed = done[-1]
        if proposal.title != first:
            _pay(
                ctx,
                proposal,
                spec,
                int(cost_fen * specs.PROGRESS_SHARE),
                completed + timedelta(days=10),
                "完工进度款（60%）",
            )
            continue
        accepted = completed + timedelta(days=12)
        if not clock.past(accepted):
            continue
        settled = int(cost_fen * specs.SETTLED_SHARE) // 1000 * 1000
        camp = specs.CAMP_NAMES[spec.camp]
        services.accept_delivery(
            ctx.staff,
            proposal,
            accepted,
            specs.ACCEPTANCE_NOTE.format(
                camp=camp, settled=f"{settled / 100:,.0f}", returned=f"{(cost_fen - settled) / 100:,.0f}"
            ),
        )
        paid_on = clock.day(accepted + timedelta(days=7))
        _pay(ctx, proposal, spec, settled - advance, paid_on, "验收合格后支付结算尾款")
        back = services.record_entry(
            ctx.staff,
            ctx.fund,
            {
                "kind": EntryKind.RETURN,
                "amount_fen": cost_fen - settled,
                "occurred_on": paid_on,
                "description": f"{proposal.title}：结算节余退回社区基金",
                "proposal": proposal,
            },
        )
        LedgerEntry.objects.filter(pk=back.pk).update(recorded_at=clock.moment(paid_on, 16))
        _rate(ctx, proposal, spec, accepted, users, voters)


def _rate(
    ctx: _Context,
    proposal: Proposal,
    spec: specs.ProjectSpec,
    accepted: date,
    users: dict[int, User],
    voters: list[Resident],
) -> None:
    """Residents of the project's courtyard rate it, most of those who voted for it first."""
    marked = set(
        BudgetBallot.objects.filter(marks__proposal=proposal, voter__isnull=False).values_list(
            "voter", flat=True
        )
    )
    camp = [v.person for v in voters if v.zone == spec.camp]
    raters = [p for p in camp if users[p].pk in marked] + [p for p in camp if users[p].pk not in marked]
    moments = _spread(
        ctx.rng, len(specs.RATINGS), ctx.clock.moment(accepted, 18), ctx.clock.now - timedelta(days=2)
    )
    for person, (stars, comment), moment in zip(raters, specs.RATINGS, moments, strict=False):
        rating = services.rate(users[person], proposal, stars, comment)
        Rating.objects.filter(pk=rating.pk).update(created_at=moment)


# --- the open round -------------------------------------------------------------------------------------------------


def _autumn(ctx: _Context) -> Cycle:
    rng, clock = ctx.rng, ctx.clock
    hour = clock.hour
    cycle, districts = _create(
        ctx,
        specs.AUTUMN_TITLE.format(year=clock.year),
        specs.AUTUMN_DESCRIPTION,
        specs.AUTUMN_BUDGETS,
        kind=BallotKind.KNAPSACK,
        fund=ctx.fund,
    )
    proposers = _proposers(ctx, specs.AUTUMN_PROJECTS)
    proposals = [
        (_propose(ctx, cycle, districts[spec.district], spec, proposer), spec)
        for spec, proposer in zip(specs.AUTUMN_PROJECTS, proposers, strict=True)
    ]
    services.start_review(ctx.staff, cycle)
    proposals = [(_review(ctx, proposal, spec), spec) for proposal, spec in proposals]
    opens, closes = hour - timedelta(days=6), hour + timedelta(days=9)
    services.open_voting(ctx.staff, cycle, max(closes, clock.real_now + timedelta(hours=2)))
    voters = _voters(ctx, specs.AUTUMN_TURNOUT)
    users = _accounts(v.person for v in voters)

    cost_fen = {p.pk: int(p.cost_fen or 0) for p, _s in proposals}
    ballots = []
    for voter in voters:
        key = _district_key(voter.zone)
        budget_fen = specs.AUTUMN_BUDGETS[key] * 100
        margins = _margins(rng, voter, [(p, s) for p, s in proposals if s.district == key])
        chosen: list[int] = []
        for margin, pk in margins:
            if (margin > 0 or not chosen) and sum(cost_fen[c] for c in chosen) + cost_fen[pk] <= budget_fen:
                chosen.append(pk)
        ballots.append((users[voter.person], [(pk, 1) for pk in chosen]))
    rng.shuffle(ballots)
    _cast(cycle, ballots)

    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=hour - timedelta(days=48),
        proposals_close_at=hour - timedelta(days=25),
        voting_opens_at=opens,
        voting_closes_at=closes,
    )
    _date_proposals(
        ctx,
        [p for p, _s in proposals],
        (hour - timedelta(days=46), hour - timedelta(days=26)),
        (hour - timedelta(days=24), hour - timedelta(days=9)),
    )
    _date_ballots(ctx, cycle, opens, min(hour, clock.now) - timedelta(hours=1))
    return cycle


# --- next year's cycle, in review --------------------------------------------------------------------------------------


def _next(ctx: _Context) -> Cycle:
    clock = ctx.clock
    hour = clock.hour
    year = clock.year + 1
    cycle, districts = _create(
        ctx,
        specs.NEXT_TITLE.format(year=year),
        specs.NEXT_DESCRIPTION.format(year=year),
        specs.NEXT_BUDGETS,
        kind=BallotKind.APPROVAL,
        fund=None,
        max_choices=specs.SPRING_MAX_CHOICES,
    )
    logins = {
        user.username: user
        for user in User.objects.filter(username__in=[p.login for p in specs.NEXT_PROJECTS])
    }
    proposers = _proposers(ctx, [p.project for p in specs.NEXT_PROJECTS])
    proposals = [
        (
            _propose(
                ctx, cycle, districts[item.project.district], item.project, logins.get(item.login, proposer)
            ),
            item,
        )
        for item, proposer in zip(specs.NEXT_PROJECTS, proposers, strict=True)
    ]
    services.start_review(ctx.staff, cycle)
    reviewed = []
    for proposal, item in proposals:
        if item.stage != "submitted":
            proposal = _review(ctx, proposal, item.project, cost=item.stage == "on_ballot")
        reviewed.append(proposal)
    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=hour - timedelta(days=32), proposals_close_at=hour - timedelta(days=3)
    )
    _date_proposals(
        ctx,
        reviewed,
        (hour - timedelta(days=30), hour - timedelta(days=4)),
        (hour - timedelta(days=2), hour - timedelta(hours=20)),
    )
    return cycle


# --- the whole ------------------------------------------------------------------------------------------------------


def _districts(community: Community) -> dict[str, list[Area]]:
    buildings = Area.objects.filter(community=community, kind=AreaKind.BUILDING).select_related("parent")
    grouped: dict[str, list[Area]] = {d.key: [] for d in specs.DISTRICTS}
    for building in sorted(buildings, key=lambda b: int(b.code) if b.code.isdigit() else 0):
        if building.parent is not None:
            grouped[_district_key(building.parent.code)].append(building)
    return grouped


def generate_demo_budgeting(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    """Write 幸福里's fund and budget cycles (see the module's docstring); return counts for the audit entry."""
    community = Community.objects.get(street=street, code=OLD_ESTATE)
    staff = User.objects.get(username="committee-staff")
    ngo = User.objects.get(username="ngo-staff")
    clock = _Clock(now)
    organisations = acting_organisations(ngo, community)
    if not organisations:
        raise DemoBudgetError("the ngo-staff login acts for no organisation of the community")
    ctx = _Context(
        rng=random.Random(f"{seed}/budgeting"),
        community=community,
        staff=staff,
        clock=clock,
        fund=_fund(staff, community, clock),
        buildings=_districts(community),
        residents=_residents(community),
        ngo=ngo,
        organisation=organisations[0],
    )
    with _notices():
        _spring(ctx)
    with _notices(IN_APP):
        _autumn(ctx)
        _next(ctx)
    cycles = Cycle.objects.filter(community=community)
    return {
        "budget_cycles": cycles.count(),
        "budget_proposals": Proposal.objects.filter(cycle__community=community).count(),
        "budget_ballots": BudgetBallot.objects.filter(cycle__community=community).count(),
        "fund_entries": LedgerEntry.objects.filter(fund__community=community).count(),
        "open_budget_cycles": cycles.filter(status=CycleStatus.VOTING).count(),
    }


def delete_demo_budgeting(street: Street) -> None:
    """Delete the street's funds and budget cycles: the ledger first (it protects funds, projects and decisions),
    then the projects (they protect districts, proposers and organisations) and ballots (they protect voters)."""
    LedgerEntry.objects.filter(fund__community__street=street).delete()
    Proposal.objects.filter(cycle__community__street=street).delete()
    BudgetBallot.objects.filter(cycle__community__street=street).delete()
    Cycle.objects.filter(community__street=street).delete()
    Fund.objects.filter(community__street=street).delete()
