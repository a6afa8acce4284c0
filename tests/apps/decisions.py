"""Decisions for the cast: stairwell 5-1 of Harmony with twelve units and their owners, and decisions on it built
through the services as staff would.

==========  ==========================================================  ========
unit        owner                                                        area m²
==========  ==========================================================  ========
101, 102    the developer (unsold)                                       60 each
201, 202    Wang (one buyer, two units: one vote, 130 m²)                65 each
301         Li and Zhao together (co-owners: one vote)                   70
302 … 602   one owner each, with an account (``owners["302"]`` …)        70–90
==========  ==========================================================  ========
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from comity.decisions import selectors, services
from comity.decisions.models import Decision
from comity.structure.models import AreaKind, HolderKind

from ..cast import World
from ..factories import (
    AreaFactory,
    HouseholdFactory,
    OwnershipFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class Estate:
    building: Any
    stairwell: Any
    units: dict[str, Any] = field(default_factory=dict)
    #: the user who votes for each unit (Wang for 201 and 202; Li for 301)
    owners: dict[str, Any] = field(default_factory=dict)
    zhao: Any = None


def _owner(world: World, username: str, unit: Any) -> Any:
    user = UserFactory(username=username)
    person = PersonFactory(
        user=user, community=world.harmony, full_name=username.title(), household=HouseholdFactory(unit=unit)
    )
    OwnershipFactory(unit=unit, person=person)
    return user


def make_estate(world: World) -> Estate:
    building = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="5", name="Building 5")
    stairwell = AreaFactory(
        community=world.harmony, kind=AreaKind.STAIRWELL, code="5-1", name="Stairwell 5-1", parent=building
    )
    estate = Estate(building=building, stairwell=stairwell)
    areas = {1: "60", 2: "65", 3: "70", 4: "80", 5: "85", 6: "90"}
    for floor in range(1, 7):
        for side in (1, 2):
            number = f"{floor}0{side}"
            estate.units[number] = UnitFactory(
                building=building,
                stairwell=stairwell,
                number=number,
                floor=floor,
                exclusive_area=Decimal(areas[floor]),
            )
    for number in ("101", "102"):
        OwnershipFactory(
            unit=estate.units[number],
            person=None,
            holder_kind=HolderKind.DEVELOPER,
            holder_name="Sunrise Estates",
        )
    wang = _owner(world, "wang", estate.units["201"])
    OwnershipFactory(unit=estate.units["202"], person=wang.person)
    estate.owners["201"] = estate.owners["202"] = wang
    li = _owner(world, "li", estate.units["301"])
    estate.zhao = UserFactory(username="zhao")
    zhao_person = PersonFactory(user=estate.zhao, community=world.harmony, full_name="Zhao")
    OwnershipFactory(unit=estate.units["301"], person=zhao_person)
    estate.owners["301"] = li
    for number in ("302", "401", "402", "501", "502", "601", "602"):
        estate.owners[number] = _owner(world, f"owner{number}", estate.units[number])
    return estate


def make_decision(world: World, estate: Estate | None, *, open_now: bool = True, **kwargs: Any) -> Decision:
    """An elevator retrofit for stairwell 5-1 (or the given fields), open since an hour ago for a week."""
    now = timezone.now()
    data: dict[str, Any] = {
        "title": "Elevator for stairwell 5-1",
        "agenda": "Install an elevator on the north side; cost shared by floor.",
        "rule_name": "elevator-retrofit",
        "area": estate.stairwell if estate else None,
        "ballot_kind": "motion",
        "secret": False,
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=7),
    }
    options = kwargs.pop("options", None)
    affected = kwargs.pop("affected", ())
    data.update(kwargs)
    staff = world.user("committee_staff")
    decision = services.create_decision(staff, world.harmony, data, options)
    for unit in affected:
        services.add_affected_unit(staff, decision, unit, "occupied")
    if open_now:
        services.open_voting(staff, decision)
        decision.refresh_from_db()
    return decision


def vote_for(decision: Decision, users: list[Any], choice: str = "yes") -> list[str]:
    receipts = []
    for user in users:
        for eligibility in selectors.electors_for(user, decision):
            if not eligibility.voted and not eligibility.proxy:
                receipts.append(services.cast_ballot(user, decision, eligibility.elector.pk, choice))
    return receipts


def end_voting(decision: Decision) -> None:
    """Move the voting period into the past, as the clock would."""
    Decision.objects.filter(pk=decision.pk).update(
        opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() - timedelta(seconds=1)
    )
    decision.refresh_from_db()
