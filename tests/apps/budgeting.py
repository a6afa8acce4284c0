"""A budget cycle for the cast, small enough to compute by hand, where the rules disagree.

Harmony gets a Building 2 with four verified residents (``w``, ``x``, ``y``, ``z``); Rui and Olga live in Building 1.
One district (the whole community), budget 100 yuan, three projects on the ballot:

=======  ====  ======================  =======================================================================
project  cost  supporters              outcome
=======  ====  ======================  =======================================================================
A        60    w, x, y, z              greedy ✓, MES ✓ (15 yuan each), Add1 ✓, Phragmén ✗ (does not fit last)
B        40    w, x, y                 greedy ✓, MES ✗ (5 of 40 left), Add1 ✗, Phragmén ✓ (first: load 40/3)
C        30    Rui, Olga               greedy ✗ (did not fit), MES ✓ (15 yuan each), Add1 ✓, Phragmén ✓
=======  ====  ======================  =======================================================================

Each voter's share is 100/6 = 16.67 yuan. MES funds A (ρ = 1/4, 15 yuan from each supporter), then C (ρ = 1/2);
B's three supporters have 1.67 each left, 5 of its 40. Add1 raises every share one yuan at a time: from 28.33 yuan
B would be affordable too (A + B + C = 130, over), so the last feasible step is k = 11 (27.67 yuan), still
{A, C}. Greedy funds A and B and leaves Building 1 with nothing, although Rui and Olga (2 of 6 voters, so a third
of the budget: 33.33 ≥ 30) are entitled to C: greedy fails PJR here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from comity.accounts.models import User
from comity.budgeting import services
from comity.budgeting.models import BallotKind, Cycle, Fund, Proposal
from comity.structure.models import Area, AreaKind

from ..cast import World
from ..factories import AreaFactory, HouseholdFactory, PersonFactory, UnitFactory, UserFactory


@dataclass
class Scenario:
    fund: Fund
    cycle: Cycle
    building2: Any
    voters: dict[str, Any] = field(default_factory=dict)
    projects: dict[str, Proposal] = field(default_factory=dict)


def add_building2(world: World) -> tuple[Any, dict[str, Any]]:
    """Building 2 and its four voters (created once: a second cycle in the same test reuses them)."""
    existing = Area.objects.filter(community=world.harmony, kind=AreaKind.BUILDING, code="2").first()
    if existing is not None:
        users = {
            u.username.removeprefix("voter-"): u for u in User.objects.filter(username__startswith="voter-")
        }
        return existing, {**users, "rui": world.user("resident"), "olga": world.user("owner")}
    building2 = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    voters: dict[str, Any] = {}
    for i, name in enumerate(("w", "x", "y", "z"), start=1):
        unit = UnitFactory(building=building2, stairwell=None, number=f"10{i}", floor=1)
        user = UserFactory(username=f"voter-{name}")
        PersonFactory(
            user=user, community=world.harmony, full_name=name.upper(), household=HouseholdFactory(unit=unit)
        )
        voters[name] = user
    voters["rui"] = world.user("resident")
    voters["olga"] = world.user("owner")
    return building2, voters


def make_fund(world: World, amount_yuan: int = 500) -> Fund:
    staff = world.user("committee_staff")
    return services.create_fund(
        staff,
        world.harmony,
        {
            "name": "Harmony fund",
            "year": timezone.localdate().year,
            "fixed_fen": amount_yuan * 100,
            "per_100_residents_fen": 0,
            "residents": 0,
        },
    )


def make_cycle(
    world: World,
    *,
    kind: str = BallotKind.APPROVAL,
    stage: str = "voting",
    budget: int = 100,
    fund: Fund | None = None,
    **cycle_fields: Any,
) -> Scenario:
    """The cycle of the module docstring, advanced to ``stage``: "draft", "proposing", "reviewing" (A, B, C costed),
    "voting" (open, nobody voted), "voted" (the ballots of the table cast) or "closed"."""
    staff = world.user("committee_staff")
    building2, voters = add_building2(world)
    fund = fund or make_fund(world)
    cycle = services.create_cycle(
        staff,
        world.harmony,
        {"title": "Harmony budget", "fund": fund, "ballot_kind": kind, "budget": budget, **cycle_fields},
    )
    scenario = Scenario(fund=fund, cycle=cycle, building2=building2, voters=voters)
    if stage == "draft":
        return scenario
    services.open_proposals(staff, cycle)
    district = cycle.districts.get()
    for name, cost, proposer in (("A", 60, "w"), ("B", 40, "x"), ("C", 30, "rui")):
        scenario.projects[name] = services.submit_proposal(
            voters[proposer],
            cycle,
            {
                "title": f"Project {name}",
                "description": f"Build {name}.",
                "district": district,
                "estimated_cost": cost,
            },
        )
    if stage == "proposing":
        return scenario
    services.start_review(staff, cycle)
    for name, proposal in scenario.projects.items():
        services.review_proposal(staff, proposal, eligible=True, reasons=[])
        cost = {"A": 60, "B": 40, "C": 30}[name]
        scenario.projects[name] = services.cost_proposal(
            staff, proposal, cost=cost, note="Quote from the contractor."
        )
    if stage == "reviewing":
        return scenario
    services.open_voting(staff, cycle, timezone.now() + timedelta(days=7))
    if stage == "voting":
        return scenario
    vote_table(scenario)
    if stage == "voted":
        return scenario
    services.close_cycle(staff, cycle, early=True)
    return scenario


def vote_table(scenario: Scenario) -> None:
    p = scenario.projects
    kind = Cycle.objects.get(pk=scenario.cycle.pk).ballot_kind
    table = {"w": "AB", "x": "AB", "y": "AB", "z": "A", "rui": "C", "olga": "C"}
    for voter, names in table.items():
        if kind == BallotKind.CUMULATIVE:
            marks = [(p[n].pk, 2) for n in names]
        elif kind == BallotKind.RANKED:
            marks = [(p[n].pk, i) for i, n in enumerate(names, start=1)]
        else:
            marks = [(p[n].pk, 1) for n in names]
        services.cast_ballot(scenario.voters[voter], scenario.cycle, marks)
