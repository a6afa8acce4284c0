"""Supports, comments and followers of budget proposals (Decidim's supports and comments, CONSUL's "apoyos").

* **Support** (:func:`support_proposal`): a verified resident or owner backs a proposal while the cycle takes
  proposals; one per resident, withdrawable. Supports show the committee and neighbours what residents care
  about. They are **not votes**: the allocation at closing counts ballots only (:mod:`comity.budgeting.computing`).
* **Comments** (:func:`comment_on_proposal`): plain text from residents and the community's staff, within length
  bounds; committee staff hide one with a reason (:func:`hide_comment`); the author still sees it, with the reason.
* **Following** (:func:`follow_proposal`): followers are told of the review, the costing, voting opening, funded or
  not, milestones and acceptance (:func:`~comity.budgeting.services.common._notify_followers`, called by the other
  budgeting services).

Every write is one transaction with a permission check and an audit entry; the proposal's row is locked first,
so a double click leaves one row (the unique constraints hold the same line in the database). The reads for the
pages and the API are in :mod:`comity.budgeting.selectors.support`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import (
    COMMENT_MAX_LENGTH,
    COMMENT_MIN_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    CycleStatus,
    Proposal,
    ProposalComment,
    ProposalFollower,
    ProposalStatus,
    ProposalSupport,
)
from comity.budgeting.permissions import may_support
from comity.budgeting.selectors import comment_refusal, support_refusal
from comity.budgeting.services.common import _locked_proposal
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service


def _signed_in(actor: User) -> None:
    """Supports, follows and comments are someone's: an anonymous call is refused before any rule is asked."""
    if not actor.is_authenticated:
        raise PermissionDenied


def _audit(actor: User, proposal: Proposal, action: str, summary: str, obj: Any = None) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or proposal,
        community=proposal.cycle.community,
        summary=summary,
        params={"title": proposal.title, "cycle": proposal.cycle.title},
    )


# --- supports -------------------------------------------------------------------------------------------------


@service
def support_proposal(actor: User, proposal: Proposal) -> ProposalSupport:
    """A resident or owner of the community supports a proposal; supporting twice keeps the one support."""
    _signed_in(actor)
    require(actor, "budgeting.see_cycle", proposal.cycle)
    if not may_support(actor, proposal.cycle):
        raise PermissionDenied
    proposal = _locked_proposal(proposal)
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


@service
def withdraw_support(actor: User, proposal: Proposal) -> bool:
    """Take a support back while proposals are taken; ``False`` when there was none."""
    _signed_in(actor)
    require(actor, "budgeting.see_cycle", proposal.cycle)
    proposal = _locked_proposal(proposal)
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


@service
def follow_proposal(actor: User, proposal: Proposal) -> ProposalFollower:
    _signed_in(actor)
    require(actor, "budgeting.follow_proposals", proposal.cycle)
    proposal = _locked_proposal(proposal)
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


@service
def unfollow_proposal(actor: User, proposal: Proposal) -> bool:
    _signed_in(actor)
    require(actor, "budgeting.see_cycle", proposal.cycle)
    proposal = _locked_proposal(proposal)
    deleted, _rows = ProposalFollower.objects.filter(proposal=proposal, user=actor).delete()
    if deleted:
        _audit(actor, proposal, "proposal_unfollowed", gettext_noop("Stopped following “%(title)s”."))
    return bool(deleted)


# --- comments -------------------------------------------------------------------------------------------------


def _clean_comment(text: str) -> str:
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


@service
def comment_on_proposal(actor: User, proposal: Proposal, text: str) -> ProposalComment:
    _signed_in(actor)
    require(actor, "budgeting.see_cycle", proposal.cycle)
    require(actor, "budgeting.comment_on_proposals", proposal.cycle)
    text = _clean_comment(text)
    proposal = _locked_proposal(proposal)
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


@service
def hide_comment(actor: User, comment: ProposalComment, reason: str) -> ProposalComment:
    """Committee staff hide a comment with a reason everyone sees; the author still sees the text."""
    proposal = comment.proposal
    _signed_in(actor)
    require(actor, "budgeting.moderate_comments", proposal.cycle)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden; its author and readers see it.")})
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason to %(max)d characters.") % {"max": HIDE_REASON_MAX_LENGTH}}
        )
    comment = lock(comment)
    if comment.hidden_at is not None:
        raise ValidationError(_("This comment is hidden already."), code="hidden_already")
    comment.hidden_at = timezone.now()
    comment.hidden_by = actor
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _audit(actor, proposal, "comment_hidden", gettext_noop("Hid a comment on “%(title)s”."), obj=comment)
    return comment


@service
def restore_comment(actor: User, comment: ProposalComment) -> ProposalComment:
    """Show a hidden comment again (a mistaken hiding)."""
    proposal = comment.proposal
    _signed_in(actor)
    require(actor, "budgeting.moderate_comments", proposal.cycle)
    comment = lock(comment)
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
