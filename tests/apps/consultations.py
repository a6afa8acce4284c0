"""Consultations for the cast: an open one in Harmony, built through the services as staff would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from comity.consultations import services
from comity.consultations.models import Consultation

from ..cast import World
from ..factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory

SEEDS = (
    "The courtyard needs more benches.",
    "Parking on the fire lane should be towed at once.",
    "Square dancing should end by 8 pm.",
)


def make_consultation(world: World, *, publish: bool = True, **kwargs: Any) -> Consultation:
    """Open since yesterday, closing in a week, with three seed statements (#0, #1, #2)."""
    now = timezone.now()
    options: dict[str, Any] = {
        "title": "Our courtyard",
        "question": "How should the courtyard be used?",
        "background": "The old bike shed is gone.",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=7),
        "seed_statements": list(SEEDS),
    }
    options.update(kwargs)
    staff = world.user("committee_staff")
    consultation = services.create_consultation(staff, world.harmony, **options)
    if publish:
        consultation = services.publish_consultation(staff, consultation)
    return consultation


def second_building_resident(world: World, username: str = "bai") -> Any:
    """A verified resident of Harmony's building 2 (the cast all live in building 1)."""
    from comity.structure.models import AreaKind

    from ..factories import AreaFactory

    building = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    household = HouseholdFactory(unit=UnitFactory(building=building, number="201", floor=2))
    user = UserFactory(username=username)
    PersonFactory(user=user, community=world.harmony, full_name="Bai", household=household)
    return user, building
