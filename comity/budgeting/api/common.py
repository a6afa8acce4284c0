"""What the budgeting API's modules share: reaching a community, fund or cycle the caller may see, and the
money fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.request import Request

from comity.budgeting import selectors
from comity.budgeting.models import (
    Cycle,
    Fund,
)
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community


def community_for(request: Request, community_id: int, perm: str) -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def fund_for(request: Request, community_id: int, fund_id: int) -> Fund:
    return selectors.get_fund_for_user(request.user, community_id, fund_id)


def cycle_for(request: Request, community_id: int, cycle_id: int) -> Cycle:
    return selectors.get_cycle_for_user(request.user, community_id, cycle_id)


def yuan_field(help_text: Any, **kwargs: Any) -> serializers.DecimalField:
    """An amount in yuan as a JSON number with at most two decimals (the ``*_fen`` field beside it is exact)."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, coerce_to_string=False, help_text=help_text, **kwargs
    )


def fen_field(help_text: Any, **kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text, **kwargs)


BUDGET_YUAN = gettext_lazy("Yuan, with fen as two decimals; the same amount as budget_fen.")
BUDGET_FEN = gettext_lazy("The budget in fen (1 yuan = 100 fen), exactly.")
COST_YUAN = gettext_lazy("Yuan, with fen as two decimals; the same amount as cost_fen.")
COST_FEN = gettext_lazy("The cost in fen (1 yuan = 100 fen), exactly.")
