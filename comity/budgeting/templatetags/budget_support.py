"""The supports, following and comments block of a proposal's page, as an inclusion tag (its own reads)."""

from __future__ import annotations

from typing import Any

from django import template

from comity.budgeting import selectors
from comity.budgeting.forms_support import CommentForm, HideCommentForm
from comity.budgeting.models import Proposal
from comity.budgeting.permissions import may_support

register = template.Library()


@register.inclusion_tag("budgeting/_engagement.html", takes_context=True)
def proposal_engagement(context: Any, proposal: Proposal) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    cycle = proposal.cycle
    engaged = selectors.engagement(proposal, user)
    refusal = selectors.support_refusal(user, proposal)
    can_comment = user.has_perm("budgeting.comment_on_proposals", cycle) and not selectors.comment_refusal(
        proposal
    )
    can_moderate = user.has_perm("budgeting.moderate_comments", cycle)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "community": cycle.community,
        "cycle": cycle,
        "proposal": proposal,
        "engaged": engaged,
        "is_resident": may_support(user, cycle),
        "can_support": not refusal and may_support(user, cycle),
        "support_open": cycle.status == "proposing",
        "can_follow": user.has_perm("budgeting.follow_proposals", cycle)
        and proposal.status != "withdrawn"
        and cycle.status != "cancelled",
        "comments": selectors.visible_comments(user, proposal),
        "comment_form": CommentForm() if can_comment else None,
        "hide_form": HideCommentForm() if can_moderate else None,
        "can_moderate": can_moderate,
    }


@register.simple_tag
def proposal_counts(cycle: Any) -> dict[int, Any]:
    """Supports, shown comments and followers of every proposal of the cycle, in three queries whatever the
    number of proposals (the cycle's list shows them next to each proposal)."""
    return selectors.counts_for_cycle(cycle)


@register.filter
def counts_of(counts: dict[int, Any], proposal: Proposal) -> Any:
    return counts.get(proposal.pk, selectors.NO_COUNTS)
