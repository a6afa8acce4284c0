"""Supports, comments and followers of budget proposals (Decidim's supports and comments, CONSUL's "apoyos").

* **Support** (:func:`support_proposal`): a verified resident or owner backs a proposal while the cycle takes
  proposals; one per resident, withdrawable. Supports show the committee and neighbours what residents care
  about. They are **not votes**: the allocation at closing counts ballots only (:mod:`comity.budgeting.computing`).
* **Comments** (:func:`comment_on_proposal`): plain text from residents and the community's staff, within length
  bounds; committee staff hide one with a reason (:func:`hide_comment`); the author still sees it, with the reason.
* **Following** (:func:`follow_proposal`): followers are told of the review, the costing, voting opening, funded or
  not, milestones and acceptance (:func:`notify_followers`, called by the budgeting services).

Every write is one transaction with a permission check and an audit entry; the proposal's row is locked first,
so a double click leaves one row (the unique constraints hold the same line in the database). Reads for the pages
and the API are here too (:func:`engagement`, :func:`with_counts`, :func:`visible_comments`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.budgeting import services
from comity.budgeting.models import (
    COMMENT_MAX_LENGTH,
    COMMENT_MIN_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    Cycle,
    CycleStatus,
    Proposal,
    ProposalComment,
    ProposalFollower,
    ProposalStatus,
    ProposalSupport,
)
from comity.budgeting.permissions import may_support
from comity.engine.roles import Role
from comity.foundation.audit import record_audit
from comity.notifications.services import notify
from comity.structure import selectors as structure_selectors
from comity.structure.scope import scope_for

#: Proposals that can still be supported: not withdrawn and not ruled out by the review.
SUPPORTABLE = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.ELIGIBLE, ProposalStatus.ON_BALLOT})
#: Comments are taken from the first proposals to the end of delivery, not in a cancelled cycle.
COMMENTING = frozenset({CycleStatus.PROPOSING, CycleStatus.REVIEWING, CycleStatus.VOTING, CycleStatus.CLOSED})


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cycle__community__street")
        .get(pk=proposal.pk)
    )


def _require(actor: Any, perm: str, cycle: Cycle) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(perm, cycle):
        raise PermissionDenied


def _audit(actor: Any, proposal: Proposal, action: str, summary: str, obj: Any = None) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or proposal,
        community=proposal.cycle.community,
        summary=summary,
        params={"title": proposal.title, "cycle": proposal.cycle.title},
    )


def proposal_url(proposal: Proposal) -> str:
    return reverse("budgeting:proposal", args=[proposal.cycle.community_id, proposal.cycle_id, proposal.pk])


# --- supports -------------------------------------------------------------------------------------------------


def support_refusal(user: Any, proposal: Proposal) -> str:
    """Why ``user`` cannot support the proposal now, or ``""`` when they can (pages hide the button then)."""
    if proposal.cycle.status != CycleStatus.PROPOSING:
        return _("Proposals are supported while the cycle takes proposals.")
    if proposal.status not in SUPPORTABLE:
        return _("This proposal was withdrawn or ruled out; it cannot be supported.")
    if proposal.proposer_id is not None and proposal.proposer_id == getattr(user, "pk", None):
        return _("This is your own proposal.")
    return ""


@transaction.atomic
def support_proposal(actor: Any, proposal: Proposal) -> ProposalSupport:
    """A resident or owner of the community supports a proposal; supporting twice keeps the one support."""
    _require(actor, "budgeting.see_cycle", proposal.cycle)
    if not may_support(actor, proposal.cycle):
        raise PermissionDenied
    proposal = _locked(proposal)
    refusal = support_refusal(actor, proposal)
    if refusal:
        raise ValidationError(refusal, code="support_refused")
    existing = ProposalSupport.objects.filter(proposal=proposal, user=actor).first()
    if existing is not None:
        return existing
    row = ProposalSupport.objects.create(
        community_id=proposal.cycle.community_id, proposal=proposal, user=actor, created_at=timezone.now()
    )
    _audit(actor, proposal, "proposal_supported", gettext_noop("Supported “%(title)s”."))
    return row


@transaction.atomic
def withdraw_support(actor: Any, proposal: Proposal) -> bool:
    """Take a support back while proposals are taken; ``False`` when there was none."""
    _require(actor, "budgeting.see_cycle", proposal.cycle)
    proposal = _locked(proposal)
    if not ProposalSupport.objects.filter(proposal=proposal, user=actor).exists():
        return False
    if proposal.cycle.status != CycleStatus.PROPOSING:
        raise ValidationError(
            _("Supports are fixed once the cycle stops taking proposals."), code="support_fixed"
        )
    ProposalSupport.objects.filter(proposal=proposal, user=actor).delete()
    _audit(actor, proposal, "support_withdrawn", gettext_noop("Took back the support of “%(title)s”."))
    return True


# --- following ------------------------------------------------------------------------------------------------


@transaction.atomic
def follow_proposal(actor: Any, proposal: Proposal) -> ProposalFollower:
    _require(actor, "budgeting.follow_proposals", proposal.cycle)
    proposal = _locked(proposal)
    if proposal.status == ProposalStatus.WITHDRAWN or proposal.cycle.status == CycleStatus.CANCELLED:
        raise ValidationError(
            _("This proposal was withdrawn or its cycle cancelled; there is nothing to follow.")
        )
    existing = ProposalFollower.objects.filter(proposal=proposal, user=actor).first()
    if existing is not None:
        return existing
    row = ProposalFollower.objects.create(
        community_id=proposal.cycle.community_id, proposal=proposal, user=actor, created_at=timezone.now()
    )
    _audit(actor, proposal, "proposal_followed", gettext_noop("Followed “%(title)s”."))
    return row


@transaction.atomic
def unfollow_proposal(actor: Any, proposal: Proposal) -> bool:
    _require(actor, "budgeting.see_cycle", proposal.cycle)
    proposal = _locked(proposal)
    deleted, _rows = ProposalFollower.objects.filter(proposal=proposal, user=actor).delete()
    if deleted:
        _audit(actor, proposal, "proposal_unfollowed", gettext_noop("Stopped following “%(title)s”."))
    return bool(deleted)


#: What followers are told, by event of the proposal's life.
FOLLOWER_MESSAGES: dict[str, str] = {
    "eligible": gettext_noop("“%(title)s”, which you follow, is eligible; it will be costed."),
    "ineligible": gettext_noop(
        "“%(title)s”, which you follow, is not eligible; the reasons are on its page."
    ),
    "costed": gettext_noop("“%(title)s”, which you follow, is costed at %(cost)s yuan and on the ballot."),
    "voting_opened": gettext_noop("Voting is open on “%(title)s”, which you follow, until %(closes)s."),
    "funded": gettext_noop("“%(title)s”, which you follow, is funded."),
    "not_funded": gettext_noop("“%(title)s”, which you follow, was not funded this time."),
    "milestone_added": gettext_noop("“%(title)s”, which you follow, has a new milestone: %(milestone)s."),
    "milestone_done": gettext_noop("“%(title)s”, which you follow, finished a milestone: %(milestone)s."),
    "accepted": gettext_noop("“%(title)s”, which you follow, was delivered and accepted; you may rate it."),
}


def notify_followers(proposals: Iterable[Proposal], event: str, **params: Any) -> None:
    """Tell each proposal's followers about ``event`` once the caller's transaction commits.

    The proposer hears about the review in their own words already, so they are left out of that one.
    """
    summary = FOLLOWER_MESSAGES[event]
    for proposal in proposals:
        rows = ProposalFollower.objects.filter(proposal=proposal).select_related("user").order_by("pk")
        if event in ("eligible", "ineligible") and proposal.proposer_id:
            rows = rows.exclude(user_id=proposal.proposer_id)
        recipients = [row.user for row in rows]
        if not recipients:
            continue
        notify(
            recipients,
            kind=f"budgeting.followed.{event}",
            summary=summary,
            params={"title": proposal.title, **{key: str(value) for key, value in params.items()}},
            url=proposal_url(proposal),
            community=proposal.cycle.community,
        )


# --- comments -------------------------------------------------------------------------------------------------


def comment_refusal(proposal: Proposal) -> str:
    if proposal.cycle.status not in COMMENTING:
        return _("Comments are closed: this cycle was cancelled.")
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("Comments are closed: the proposal was withdrawn.")
    return ""


def clean_comment(text: str) -> str:
    """Plain text within the bounds; the pages escape it when they show it."""
    text = (text or "").strip()
    if len(text) < COMMENT_MIN_LENGTH:
        raise ValidationError(
            {"text": _("Write at least %(min)d characters.") % {"min": COMMENT_MIN_LENGTH}}, code="too_short"
        )
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("Keep it to %(max)d characters (it has %(length)d).")
                % {"max": COMMENT_MAX_LENGTH, "length": len(text)}
            },
            code="too_long",
        )
    return text


@transaction.atomic
def comment_on_proposal(actor: Any, proposal: Proposal, text: str) -> ProposalComment:
    _require(actor, "budgeting.see_cycle", proposal.cycle)
    _require(actor, "budgeting.comment_on_proposals", proposal.cycle)
    text = clean_comment(text)
    proposal = _locked(proposal)
    refusal = comment_refusal(proposal)
    if refusal:
        raise ValidationError(refusal, code="comments_closed")
    comment = ProposalComment.objects.create(
        community_id=proposal.cycle.community_id,
        proposal=proposal,
        author=actor,
        text=text,
        created_at=timezone.now(),
    )
    _audit(actor, proposal, "comment_added", gettext_noop("Commented on “%(title)s”."), obj=comment)
    return comment


@transaction.atomic
def hide_comment(actor: Any, comment: ProposalComment, reason: str) -> ProposalComment:
    """Committee staff hide a comment with a reason everyone sees; the author still sees the text."""
    proposal = comment.proposal
    _require(actor, "budgeting.moderate_comments", proposal.cycle)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden; its author and readers see it.")})
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason to %(max)d characters.") % {"max": HIDE_REASON_MAX_LENGTH}}
        )
    comment = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is not None:
        raise ValidationError(_("This comment is hidden already."), code="hidden_already")
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(actor, proposal, "comment_hidden", gettext_noop("Hid a comment on “%(title)s”."), obj=comment)
    return comment


@transaction.atomic
def restore_comment(actor: Any, comment: ProposalComment) -> ProposalComment:
    """Show a hidden comment again (a mistaken hiding)."""
    proposal = comment.proposal
    _require(actor, "budgeting.moderate_comments", proposal.cycle)
    comment = ProposalComment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden_at is None:
        return comment
    comment.hidden_at = None
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(
        actor,
        proposal,
        "comment_restored",
        gettext_noop("Showed a comment on “%(title)s” again."),
        obj=comment,
    )
    return comment


# --- reads ----------------------------------------------------------------------------------------------------


def get_proposal_for_user(user: Any, community_id: int, cycle_id: int, proposal_id: int) -> Proposal:
    """The one way the support pages and endpoints reach a proposal: ``Http404`` when the cycle or the proposal
    does not exist in the community (or the proposal is not shown to the user yet), ``PermissionDenied`` when the
    user may not see the cycle."""
    community = structure_selectors.get_community_for_user(user, community_id, perm="budgeting.see_cycles")
    try:
        cycle = Cycle.objects.select_related("community__street", "fund").get(
            community=community, pk=cycle_id
        )
    except Cycle.DoesNotExist as error:
        raise Http404 from error
    if not user.has_perm("budgeting.see_cycle", cycle):
        raise PermissionDenied
    try:
        proposal: Proposal = services.visible_proposals(user, cycle).get(pk=proposal_id)
    except Proposal.DoesNotExist as error:
        raise Http404 from error
    proposal.cycle = cycle
    return proposal


def _count_of(model: type[Any], **extra: Any) -> Coalesce:
    rows = (
        model.objects.filter(proposal=OuterRef("pk"), **extra)
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

    def grouped(model: type[Any], **extra: Any) -> dict[int, int]:
        rows = model.objects.filter(proposal__cycle=cycle, **extra).values("proposal").annotate(n=Count("pk"))
        return {row["proposal"]: row["n"] for row in rows.order_by()}

    supports = grouped(ProposalSupport)
    comments = grouped(ProposalComment, hidden_at__isnull=True)
    followers = grouped(ProposalFollower)
    return {
        pk: Counts(supports.get(pk, 0), comments.get(pk, 0), followers.get(pk, 0))
        for pk in set(supports) | set(comments) | set(followers)
    }


def visible_comments(user: Any, proposal: Proposal) -> list[ProposalComment]:
    """Every comment, oldest first. A hidden one keeps its text only for its author and the moderators; the
    others see that it was hidden, and why."""
    moderator = bool(
        getattr(user, "is_authenticated", False)
        and user.has_perm("budgeting.moderate_comments", proposal.cycle)
    )
    comments = list(
        ProposalComment.objects.filter(community=proposal.cycle.community_id, proposal=proposal)
        .select_related("author__person")
        .order_by("created_at", "pk")
    )
    labels: dict[int, str] = {}
    community = proposal.cycle.community
    for comment in comments:
        mine = comment.author_id == getattr(user, "pk", None)
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


def engagement(proposal: Proposal, user: Any) -> Engagement:
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    supports = ProposalSupport.objects.filter(proposal=proposal)
    follows = ProposalFollower.objects.filter(proposal=proposal)
    return Engagement(
        support_count=supports.count(),
        comment_count=ProposalComment.objects.filter(proposal=proposal, hidden_at__isnull=True).count(),
        follower_count=follows.count(),
        supported=user_id is not None and supports.filter(user_id=user_id).exists(),
        following=user_id is not None and follows.filter(user_id=user_id).exists(),
    )


def _author_label(author: Any, community_id: int, street_id: int) -> str:
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
