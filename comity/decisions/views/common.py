"""What the decision pages share: the community and decision of the URL, the page addresses, field errors."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from comity.decisions.models import Decision
from comity.decisions.selectors import get_decision_for_user
from comity.structure import selectors as structure_selectors
from comity.structure.models import Community

MANAGE = "decisions.manage_decisions"
RECEIPTS_KEY = "decision_receipts"


def community_of(request: HttpRequest, community_id: int, perm: str = "decisions.see_decisions") -> Community:
    return structure_selectors.get_community_for_user(request.user, community_id, perm=perm)


def decision_of(
    request: HttpRequest, community_id: int, decision_id: int, perm: str = "decisions.see_decision"
) -> Decision:
    return get_decision_for_user(request.user, community_of(request, community_id), decision_id, perm=perm)


def page_url(decision: Decision, name: str = "detail", anchor: str = "") -> str:
    url = reverse(f"decisions:{name}", args=[decision.community_id, decision.pk])
    return f"{url}#{anchor}" if anchor else url


def posted_item(request: HttpRequest, name: str = "item") -> int:
    """The row a step is about (an elector, an affected unit, an objection), from its hidden field."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0
