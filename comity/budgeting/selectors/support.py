"""Reads of supports, followers and comments: counts for lists, what a reader sees of a proposal's comments, and
whether a proposal can be supported or commented on now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.budgeting.models import (
    Cycle,
    CycleStatus,
    Proposal,
    ProposalComment,
    ProposalFollower,
    ProposalStatus,
    ProposalSupport,
)
from comity.budgeting.selectors.cycles import Reader, get_cycle_for_user, get_visible_proposal
from comity.engine.roles import Role
from comity.structure.scope import scope_for

#: Proposals that can still be supported: not withdrawn and not ruled out by the review.
SUPPORTABLE = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT})
#: Comments are taken from the first proposals to the end of delivery, not in a cancelled cycle.
COMMENTING = frozenset({CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING, CycleStatus.CLOSED})


def support_refusal(user: Reader, proposal: Proposal) -> str:
    """Why ``user`` cannot support the proposal now, or ``""`` when they can (pages hide the button then)."""
    if proposal.cycle.status != CycleStatus.PROPOSING:
        return _("Proposals are supported while the cycle takes proposals.")
    if proposal.status not in SUPPORTABLE:
        return _("This proposal was withdrawn or ruled out; it cannot be supported.")
    if proposal.proposer_id is not None and proposal.proposer_id == user.pk:
        return _("This is your own proposal.")
    return ""


def comment_refusal(proposal: Proposal) -> str:
    if proposal.cycle.status not in COMMENTING:
        return _("Comments are closed: this cycle was cancelled.")
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("Comments are closed: the proposal was withdrawn.")
    return ""


def get_proposal_for_user(user: Reader, community_id: int, cycle_id: int, proposal_id: int) -> Proposal:
    """The one way the support pages and endpoints reach a proposal: ``Http404`` when the cycle or the proposal
    does not exist in the community (or the proposal is not shown to the user yet), ``PermissionDenied`` when the
    user may not see the cycle."""
    cycle = get_cycle_for_user(user, community_id, cycle_id)
    proposal = get_visible_proposal(user, cycle, proposal_id)
    proposal.cycle = cycle
    return proposal


def _count_of(model: type[Model], **extra: Any) -> Coalesce:
    rows = (
        model._default_manager.filter(proposal=OuterRef("pk"), **extra)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Each proposal with ``support_count``, ``comment_count`` (shown comments) and ``follower_count``, in the
    same query as the proposals (no query per row)."""
    return proposals.annotate(
        support_count=_count_of(ProposalSupport),
        comment_count=_count_of(ProposalComment, hidden_at__isnull=True),
        follower_count=_count_of(ProposalFollower),
    )


@dataclass(frozen=True)
class Counts:
    supports: int = 0
    comments: int = 0
    followers: int = 0


NO_COUNTS = Counts()


def counts_for_cycle(cycle: Cycle) -> dict[int, Counts]:
    """Per proposal pk of the cycle: its supports, shown comments and followers (three grouped queries)."""

    def grouped(model: type[Model], **extra: Any) -> dict[int, int]:
        rows = (
            model._default_manager.filter(proposal__cycle=cycle, **extra)
            .values("proposal")
            .annotate(n=Count("pk"))
        )
        return {row["proposal"]: row["n"] for row in rows.order_by()}

    supports = grouped(ProposalSupport)
    comments = grouped(ProposalComment, hidden_at__isnull=True)
    followers = grouped(ProposalFollower)
    return {
        pk: Counts(supports.get(pk, 0), comments.get(pk, 0), followers.get(pk, 0))
        for pk in set(supports) | set(comments) | set(followers)
    }


def visible_comments(user: Reader, proposal: Proposal) -> list[ProposalComment]:
    """Every comment, oldest first. A hidden one keeps its text only for its author and the moderators; the
    others see that it was hidden, and why."""
    moderator = bool(user.is_authenticated and user.has_perm("budgeting.moderate_comments", proposal.cycle))
    comments = list(
        ProposalComment.objects.filter(community=proposal.cycle.community_id, proposal=proposal)
        .select_related("author__person")
        .order_by("created_at", "pk")
    )
    labels: dict[int, str] = {}
    community = proposal.cycle.community
    for comment in comments:
        mine = comment.author_id == user.pk
        comment.text_shown = comment.hidden_at is None or moderator or mine  # type: ignore[attr-defined]
        if comment.author_id not in labels:
            labels[comment.author_id] = _author_label(comment.author, community.pk, community.street_id)
        comment.signed = _("You") if mine else labels[comment.author_id]  # type: ignore[attr-defined]
    return comments


def get_comment_for_proposal(proposal: Proposal, comment_id: int) -> ProposalComment:
    try:
        return ProposalComment.objects.select_related("proposal__cycle__community").get(
            proposal=proposal, pk=comment_id
        )
    except ProposalComment.DoesNotExist as error:
        raise Http404 from error


@dataclass(frozen=True)
class Engagement:
    support_count: int
    comment_count: int
    follower_count: int
    supported: bool
    following: bool


def engagement(proposal: Proposal, user: Reader) -> Engagement:
    user_id = user.pk if user.is_authenticated else None
    supports = ProposalSupport.objects.filter(proposal=proposal)
    follows = ProposalFollower.objects.filter(proposal=proposal)
    return Engagement(
        support_count=supports.count(),
        comment_count=ProposalComment.objects.filter(proposal=proposal, hidden_at__isnull=True).count(),
        follower_count=follows.count(),
        supported=user_id is not None and supports.filter(user_id=user_id).exists(),
        following=user_id is not None and follows.filter(user_id=user_id).exists(),
    )


def _author_label(author: User, community_id: int, street_id: int) -> str:
    """How a comment is signed: no names, only the part the author plays (as proposals show no proposer)."""
    scope = scope_for(author)
    roles = scope.roles_in(community_id)
    if Role.COMMITTEE_STAFF in roles:
        return _("Residents' committee")
    if street_id in scope.street_ids:
        return _("Street office")
    if Role.RESIDENT in roles or Role.OWNER in roles:
        return _("A resident")
    if roles:
        return _("Staff of an organisation")
    return _("Platform staff")
