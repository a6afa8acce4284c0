"""The overview's owner headcount, counted by the database, equals the engine's on every kind of holding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from comity.engine.owners import Holding, owner_headcount
from comity.structure.models import HolderKind, Ownership
from comity.structure.selectors.overview import owner_count

from ..cast import World
from ..factories import OwnershipFactory, PersonFactory, UnitFactory


def _engine_count(world: World) -> int:
    today = timezone.localdate()
    rows = Ownership.objects.filter(community=world.harmony).exclude(until__lt=today)
    return owner_headcount(
        Holding(
            o.unit_id, o.person_id if o.holder_kind == HolderKind.PERSON else o.holder_name, o.holder_kind
        )
        for o in rows
    )


def test_the_database_counts_owners_as_the_engine_does(world: World) -> None:
    def unit() -> Any:
        return UnitFactory(building=world.building)

    a, b, c = (PersonFactory(community=world.harmony) for _ in range(3))
    for _ in range(3):  # the developer's unsold units: one party
        OwnershipFactory(unit=unit(), person=None, holder_kind=HolderKind.DEVELOPER, holder_name="Sunrise")
    OwnershipFactory(unit=unit(), person=None, holder_kind=HolderKind.DEVELOPER, holder_name="Other name")
    for _ in range(2):  # a buyer of two units: one party
        OwnershipFactory(unit=unit(), person=a)
    for partner in (b, b, c):  # a with b (twice: one party), a with c
        shared = unit()
        OwnershipFactory(unit=shared, person=a)
        OwnershipFactory(unit=shared, person=partner)
    OwnershipFactory(unit=unit(), person=None, holder_kind=HolderKind.ORGANISATION, holder_name="Co-op")
    OwnershipFactory(
        unit=unit(), person=c, until=timezone.localdate() - timedelta(days=1)
    )  # sold: not counted

    # the owner of the cast; developer (1), a (1), a+b (1), a+c (1), the co-op (1)
    assert owner_count(world.harmony, timezone.localdate()) == _engine_count(world) == 6
