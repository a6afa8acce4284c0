"""Consultations for the cast: an open one in Harmony, built through the services as staff would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from comity.consultations import services
from comity.consultations.models import Analysis, Consultation

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


def synthetic_report(consultation: Consultation, *, seen: int) -> None:
    """A ready map of two groups in which statement #0 was seen ``seen`` times, by group A only."""
    numbers = list(consultation.statements.order_by("number").values_list("number", flat=True))
    Analysis.objects.filter(consultation=consultation).update(
        computed_at=timezone.now(),
        dirty=False,
        votes_seen=40,
        report={
            "n_participants": 8,
            "n_in_conversation": 8,
            "n_statements": len(numbers),
            "n_votes": 40,
            "k": 2,
            "participants": [],
            "groups": [
                {
                    "id": g,
                    "label": "AB"[g],
                    "size": 4,
                    "center": [0.0, 0.0],
                    "representative": [
                        {
                            "statement": 0,
                            "direction": "disagree",
                            "successes": seen,
                            "seen": seen,
                            "probability": (seen + 1) / (seen + 2),
                        }
                    ]
                    if g == 0
                    else [],
                }
                for g in range(2)
            ],
            "consensus": {
                "agree": [],
                "disagree": [
                    {"statement": 0, "successes": seen, "seen": seen, "probability": (seen + 1) / (seen + 2)}
                ],
            },
            "group_aware_consensus": [],
            "bridging": [],
            "divisive": [],
            "statements": [
                {
                    "id": n,
                    "agree": 0,
                    "disagree": seen if n == 0 else 0,
                    "pass": 0,
                    "group_agree": [1 / (seen + 2) if n == 0 else 0.5, 0.5],
                    "group_seen": [seen if n == 0 else 0, 0],
                }
                for n in numbers
            ],
        },
    )
