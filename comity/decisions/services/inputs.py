"""What the decision services take from a form, the API or the demo: typed dictionaries, so a caller's mistake in
a field's name or type is caught by the type checker and a form can pass its cleaned data as it is."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from comity.consultations.models import DecisionDraft
from comity.decisions.models import Decision
from comity.engine.money import Fen
from comity.structure.models import Area, GovernanceSubject


class DecisionData(TypedDict, total=False):
    """A decision's fields as staff give them (``rule_name`` is required when creating)."""

    title: str
    agenda: str
    rule_name: str
    area: Area | None
    subject: GovernanceSubject | None
    ballot_kind: str
    max_approvals: int | None
    secret: bool
    opens_at: datetime
    closes_at: datetime
    retables: Decision | None
    #: The consultation's draft the decision comes from (creating only).
    draft: DecisionDraft | None


class CostPlanData(TypedDict, total=False):
    """A cost-sharing plan's fields, amounts in fen."""

    total_fen: Fen
    method: str
    subsidy_percent: Decimal
    subsidy_cap_fen: Fen | None
    #: ``{floor: percent}`` for the floor table, ``{floor: coefficient}`` for coefficients (strings, exact).
    floor_values: dict[str, str]
    #: ``{floor: fen}`` paid to each unit of that floor.
    compensation: dict[str, Fen]
