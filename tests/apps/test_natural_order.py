"""Every building picker lists buildings as people count them: building 2 before building 10."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from comity.appeals.forms import AppealForm, QueueFilterForm
from comity.budgeting.forms import DistrictForm
from comity.consultations.forms import ConsultationForm
from comity.decisions.forms import DecisionForm
from comity.structure.models import AreaKind, GovernanceSubject

from ..cast import World
from ..factories import AreaFactory

FORMS: dict[str, tuple[Callable[[World], Any], str]] = {
    "appeal intake": (lambda w: AppealForm(community=w.harmony, user=w.user("resident")), "area"),
    "appeals queue filter": (
        lambda w: QueueFilterForm(community=w.harmony, subjects=GovernanceSubject.objects.none()),
        "area",
    ),
    "budget district": (lambda w: DistrictForm(community=w.harmony), "buildings"),
    "consultation": (lambda w: ConsultationForm(community=w.harmony), "area"),
    "decision": (lambda w: DecisionForm(community=w.harmony), "area"),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_buildings_are_listed_in_natural_order(world: World, name: str) -> None:
    for code in ("10", "2", "1A", "3"):
        AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code=code, name=f"Building {code}")
    make, field = FORMS[name]
    labels = [str(label) for value, label in make(world).fields[field].choices if value]
    # Some pickers add the area's kind in brackets ("Building 2 (Building)").
    buildings = [label.split(" (")[0] for label in labels if label.startswith("Building ")]
    assert buildings == ["Building 1", "Building 1A", "Building 2", "Building 3", "Building 10"]
