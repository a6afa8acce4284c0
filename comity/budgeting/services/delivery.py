"""Delivery of funded projects: milestones planned and done, acceptance (验收), and residents' ratings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.budgeting.models import Milestone, Proposal, ProposalStatus, Rating
from comity.budgeting.selectors import may_vote
from comity.budgeting.services.common import MANAGE, _notify_followers
from comity.budgeting.services.inputs import MilestoneData
from comity.foundation.audit import record_audit
from comity.foundation.services import lock, require, service


def _audit(
    actor: User, proposal: Proposal, action: str, summary: str, obj: Any = None, **params: Any
) -> None:
    record_audit(
        actor=actor,
        action=f"budgeting.{action}",
        obj=obj or proposal,
        summary=summary,
        params={"cycle": proposal.cycle.title, "title": proposal.title, **params},
        community=proposal.cycle.community,
    )


def _require_delivering(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.FUNDED:
        raise ValidationError(_("Only a funded project that is not yet accepted has its delivery tracked."))


@service
def add_milestone(actor: User, proposal: Proposal, data: MilestoneData) -> Milestone:
    require(actor, MANAGE, proposal.cycle)
    proposal = lock(proposal, "cycle__community")
    _require_delivering(proposal)
    milestone = Milestone.objects.create(
        community_id=proposal.community_id,
        proposal=proposal,
        title=data["title"],
        due_on=data["due_on"],
        note=data.get("note", ""),
    )
    _audit(
        actor,
        proposal,
        "milestone_added",
        gettext_noop("Planned “%(milestone)s” for “%(title)s”."),
        obj=milestone,
        milestone=milestone.title,
    )
    _notify_followers([proposal], "milestone_added", milestone=milestone.title)
    return milestone


@service
def complete_milestone(actor: User, milestone: Milestone, done_on: date, note: str = "") -> Milestone:
    require(actor, MANAGE, milestone.proposal.cycle)
    milestone = Milestone.objects.select_related("proposal__cycle__community").get(pk=milestone.pk)
    _require_delivering(milestone.proposal)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    milestone.done_on = done_on
    if note:
        milestone.note = note
    milestone.save(update_fields=["done_on", "note"])
    _audit(
        actor,
        milestone.proposal,
        "milestone_done",
        gettext_noop("Completed “%(milestone)s” of “%(title)s”."),
        obj=milestone,
        milestone=milestone.title,
    )
    _notify_followers([milestone.proposal], "milestone_done", milestone=milestone.title)
    return milestone


@service
def accept_delivery(actor: User, proposal: Proposal, accepted_on: date, note: str) -> Proposal:
    """Acceptance (验收): every milestone done; then residents may rate the project."""
    require(actor, MANAGE, proposal.cycle)
    proposal = lock(proposal, "cycle__community")
    _require_delivering(proposal)
    open_milestones = proposal.milestones.filter(done_on__isnull=True).count()
    if open_milestones:
        raise ValidationError(
            _("%(count)s milestones are not done yet.") % {"count": open_milestones}, code="milestones_open"
        )
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": _("Acceptance cannot be dated in the future.")})
    if not note.strip():
        raise ValidationError({"acceptance_note": _("Say who inspected the work and what they found.")})
    proposal.status = ProposalStatus.DELIVERED
    proposal.accepted_on = accepted_on
    proposal.acceptance_note = note
    proposal.save(update_fields=["status", "accepted_on", "acceptance_note"])
    _audit(
        actor,
        proposal,
        "project_accepted",
        gettext_noop("Accepted the delivery of “%(title)s”."),
    )
    _notify_followers([proposal], "accepted")
    return proposal


@service
def rate(actor: User, proposal: Proposal, stars: int, comment: str = "") -> Rating:
    """A resident's rating of a delivered project (one per resident; rating again replaces it)."""
    proposal = Proposal.objects.select_related("cycle__community").get(pk=proposal.pk)
    if not actor.has_perm("budgeting.see_cycle", proposal.cycle):
        raise PermissionDenied
    if proposal.status != ProposalStatus.DELIVERED:
        raise ValidationError(_("A project is rated once it is delivered and accepted."), code="rating_early")
    if not may_vote(actor, proposal.cycle):
        raise ValidationError(
            _("Only residents of the community rate its projects."), code="rating_not_resident"
        )
    if not 1 <= stars <= 5:
        raise ValidationError({"stars": _("Give one to five stars.")})
    rating, created = Rating.objects.update_or_create(
        proposal=proposal,
        user=actor,
        defaults={"community_id": proposal.community_id, "stars": stars, "comment": comment},
    )
    _audit(
        actor,
        proposal,
        "project_rated",
        gettext_noop("Rated “%(title)s” %(stars)s of 5.")
        if created
        else gettext_noop("Changed their rating of “%(title)s” to %(stars)s of 5."),
        obj=rating,
        stars=stars,
    )
    return rating
