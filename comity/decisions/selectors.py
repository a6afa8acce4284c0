"""Reads of decisions, scoped by community: :func:`get_decision_for_user` is the one way pages and the API reach a
decision — ``Http404`` when it is not in the community of the URL, ``PermissionDenied`` when the user may not see
it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from comity.decisions.models import Decision
from comity.structure.models import Community


def get_decision_for_user(
    user: Any, community: Community, decision_id: int, *, perm: str = "decisions.see_decision"
) -> Decision:
    try:
        decision = Decision.objects.select_related("community__street", "area", "subject", "draft").get(
            community=community, pk=decision_id
        )
    except Decision.DoesNotExist as error:
        raise Http404 from error
    if not user.has_perm(perm, decision):
        raise PermissionDenied
    return decision
