"""The main pages of each role cost the same number of SQL queries in a small community and in a large one.

Each test builds Harmony at one size (units with households, people and owners; appeals; notes on the case
being read; statements and votes; ballots; budget proposals; notifications), counts the queries of one page as the
role that sees it, grows every one of those by :data:`GROWTH` times and counts again. A page whose count grows
runs a query per row somewhere (an N+1), and a page that does will not stay fast as a community grows; the time
of such pages is measured by ``benchmarks/bench_pages.py``, not here.

Both counts are taken with an empty cache and a fresh session (what the first visitor after a change pays), so a
cache cannot hide a query per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.appeals import services as appeal_services
from comity.appeals.models import Appeal
from comity.budgeting import services as budget_services
from comity.consultations import services as consultation_services
from comity.notifications.models import Notification
from comity.structure.models import AreaKind, MatterCategory

from ..cast import World
from ..factories import (
    AreaFactory,
    HouseholdFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)
from .budgeting import make_fund
from .consultations import make_consultation
from .decisions import make_decision, vote_for

#: How many times the large community is the small one, in every dimension that grows.
GROWTH = 3
#: Units (each with a household of two, an owner and, one in four, an account) added per step of size.
UNITS_PER_STEP = 8


@dataclass
class Community:
    """Harmony with what the pages read, grown step by step."""

    world: World
    steps: int = 0
    owners: list[Any] = field(default_factory=list)
    case: Appeal | None = None
    consultation: Any = None
    decision: Any = None
    fund: Any = None
    cycle: Any = None
    proposal: Any = None
    building: Any = None

    def grow(self, steps: int) -> None:
        for _ in range(steps):
            self._step()

    def _step(self) -> None:
        world = self.world
        self.steps += 1
        n = self.steps
        staff = world.user("committee_staff")
        building = AreaFactory(
            community=world.harmony, kind=AreaKind.BUILDING, code=f"{n + 10}", name=f"B{n}"
        )
        stairwell = AreaFactory(
            community=world.harmony,
            kind=AreaKind.STAIRWELL,
            code=f"{n + 10}-1",
            name=f"S{n}",
            parent=building,
        )
        grid = AreaFactory(community=world.harmony, kind=AreaKind.GRID, code=f"G{n}", name=f"Grid {n}")
        grid.grid_buildings.add(building)
        self.building = self.building or world.building
        for i in range(UNITS_PER_STEP):
            unit = UnitFactory(building=building, stairwell=stairwell, number=f"{i + 1}01", floor=i + 1)
            household = HouseholdFactory(unit=unit)
            user = UserFactory(username=f"grown-{n}-{i}") if i % 4 == 0 else None
            person = PersonFactory(
                community=world.harmony, household=household, user=user, phone="13912345678"
            )
            PersonFactory(community=world.harmony, household=household, birth_year=1940)
            OwnershipFactory(unit=unit, person=person)
            if user is not None:
                self.owners.append(user)
        # Appeals: the resident's own, dispatched by the matrix to the property company; the case read gets a
        # reply and a note per step.
        lifts = MatterCategory.objects.get(code="facilities.lifts")
        for i in range(3):  # three: the least a hot spot on the rates pages needs, so both sizes show one
            appeal = appeal_services.submit_appeal(
                world.user("resident"),
                world.harmony,
                kind="help_request",
                category=lifts,
                description=f"The lift is stuck ({n}.{i}).",
                unit=world.unit,
                is_public=True,
            )
            self.case = self.case or appeal
        enterprise = world.user("enterprise_staff")
        appeal_services.note(enterprise, self.case, text=f"Technician booked ({n}).")
        appeal_services.note(staff, self.case, text=f"Checked with the company ({n}).")
        # A consultation with more statements and votes.
        if self.consultation is None:
            self.consultation = make_consultation(self.world)
        statement = consultation_services.add_statement(
            world.user("resident"), self.consultation, f"Statement number {n}."
        )
        consultation_services.cast_vote(world.user("owner"), statement, 1)
        # A decision of the whole community, opened after this step's owners exist, with their ballots.
        self.decision = make_decision(
            world, None, title=f"Decision {n}", rule_name="civil-code-278-ordinary", secret=False
        )
        vote_for(self.decision, [world.user("owner"), *self.owners])
        # Budgeting: a fund and a cycle taking proposals, one more proposal per step.
        if self.fund is None:
            self.fund = make_fund(world)
            self.cycle = budget_services.create_cycle(
                staff, world.harmony, {"title": "Harmony budget", "fund": self.fund, "budget": 100}
            )
            budget_services.open_proposals(staff, self.cycle)
        self.proposal = budget_services.submit_proposal(
            world.user("resident"),
            self.cycle,
            {
                "title": f"Project {n}",
                "description": "Benches.",
                "district": self.cycle.districts.get(),
                "estimated_cost": 10,
            },
        )
        # Notifications for everyone in the cast.
        Notification.objects.bulk_create(
            Notification(
                recipient=user,
                community=world.harmony,
                kind="appeal.replied",
                summary="Appeal %(number)s was answered.",
                params={"number": f"{n}-{k}"},
                url="/",
                in_app=True,
            )
            for user in world.users.values()
            if user is not None
            for k in range(3)
        )


Url = Callable[[Community], str]


def _c(name: str) -> Url:
    return lambda c: reverse(name, args=[c.world.harmony.pk])


PAGES: list[tuple[str, str, Url]] = [
    # Residents and owners
    ("resident", "community home", _c("structure:overview")),
    ("resident", "my appeals", _c("appeals:mine")),
    ("resident", "public appeals", _c("appeals:public")),
    ("resident", "appeal case", lambda c: reverse("appeals:detail", args=[c.world.harmony.pk, c.case.pk])),
    ("resident", "consultations", _c("consultations:list")),
    (
        "resident",
        "consultation",
        lambda c: reverse("consultations:detail", args=[c.world.harmony.pk, c.consultation.pk]),
    ),
    ("owner", "decisions", _c("decisions:list")),
    ("owner", "decision", lambda c: reverse("decisions:detail", args=[c.world.harmony.pk, c.decision.pk])),
    ("resident", "budgets", _c("budgeting:cycles")),
    ("resident", "budget cycle", lambda c: reverse("budgeting:cycle", args=[c.world.harmony.pk, c.cycle.pk])),
    ("resident", "who's who", _c("structure:map")),
    ("resident", "responsibilities", _c("structure:matrix")),
    ("resident", "subjects", _c("structure:subjects")),
    ("resident", "notifications", lambda c: reverse("notifications:inbox")),
    ("owner", "my account", lambda c: reverse("web:me")),
    # Committee staff
    ("committee_staff", "community home", _c("structure:overview")),
    ("committee_staff", "registry", _c("structure:registry")),
    (
        "committee_staff",
        "building",
        lambda c: reverse("structure:building", args=[c.world.harmony.pk, c.world.building.pk]),
    ),
    ("committee_staff", "workbench", _c("appeals:queue")),
    (
        "committee_staff",
        "appeal case",
        lambda c: reverse("appeals:detail", args=[c.world.harmony.pk, c.case.pk]),
    ),
    ("committee_staff", "appeal rates", _c("appeal_rates:community")),
    (
        "committee_staff",
        "consultation report",
        lambda c: reverse("consultations:report", args=[c.world.harmony.pk, c.consultation.pk]),
    ),
    (
        "committee_staff",
        "decision",
        lambda c: reverse("decisions:detail", args=[c.world.harmony.pk, c.decision.pk]),
    ),
    ("committee_staff", "decisions", _c("decisions:list")),
    (
        "committee_staff",
        "budget proposal",
        lambda c: reverse("budgeting:proposal", args=[c.world.harmony.pk, c.cycle.pk, c.proposal.pk]),
    ),
    ("committee_staff", "funds", _c("budgeting:funds")),
    ("committee_staff", "fund", lambda c: reverse("budgeting:fund", args=[c.world.harmony.pk, c.fund.pk])),
    (
        "committee_staff",
        "decision register",
        lambda c: reverse("decisions:register", args=[c.world.harmony.pk, c.decision.pk]),
    ),
    ("owner", "ballot log", lambda c: reverse("decisions:log", args=[c.world.harmony.pk, c.decision.pk])),
    (
        "committee_staff",
        "moderation",
        lambda c: reverse("consultations:moderation", args=[c.world.harmony.pk, c.consultation.pk]),
    ),
    ("committee_staff", "subject", lambda c: reverse("structure:subject", args=[c.world.committee.pk])),
    ("committee_staff", "verification", _c("structure:claims")),
    ("committee_staff", "audit log", _c("audit:log")),
    ("committee_staff", "notifications", lambda c: reverse("notifications:inbox")),
    # Grid workers and companies
    ("grid_worker", "workbench", _c("appeals:queue")),
    ("enterprise_staff", "workbench", _c("appeals:queue")),
    (
        "enterprise_staff",
        "appeal case",
        lambda c: reverse("appeals:detail", args=[c.world.harmony.pk, c.case.pk]),
    ),
    # The street
    ("street_official", "street", lambda c: reverse("structure:street", args=[c.world.street.pk])),
    (
        "street_official",
        "street appeals",
        lambda c: reverse("appeals:street_queue", args=[c.world.street.pk]),
    ),
    ("street_official", "street rates", lambda c: reverse("appeal_rates:street", args=[c.world.street.pk])),
]


def _queries(client: Any, user: Any, url: str) -> list[str]:
    """The SQL of one request for ``url`` with an empty cache and a fresh session."""
    cache.clear()
    client.logout()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(("role", "page", "url"), PAGES, ids=[f"{role}:{page}" for role, page, _ in PAGES])
def test_a_page_costs_the_same_queries_in_a_small_and_a_large_community(
    world: World, client: Any, role: str, page: str, url: Url
) -> None:
    community = Community(world)
    community.grow(1)
    user = world.user(role)
    small = _queries(client, user, url(community))
    community.grow(GROWTH - 1)
    large = _queries(client, user, url(community))
    assert len(large) == len(small), "\n".join(
        [
            f"{page} as {role}: {len(small)} queries small, {len(large)} large; the large one ran:",
            *(q[:200] for q in large),
        ]
    )
