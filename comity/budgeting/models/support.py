"""Supports, followers and comments of budget proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.budgeting.models.cycles import Proposal


class ProposalSupport(models.Model):
    """A resident supports a proposal while proposals are taken (Decidim's supports, CONSUL's "apoyos").

    Supports show the committee and neighbours which ideas residents care about. They are *not* votes: the
    allocation counts only ballots. One per resident and proposal, withdrawable.
    """

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_supports",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_supports",
        verbose_name=_("resident"),
    )
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support of a proposal")
        verbose_name_plural = _("supports of proposals")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="budgeting_one_support_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} + {self.user_id}"


class ProposalFollower(models.Model):
    """Someone who follows a proposal and is told of its review, costing, vote, result and delivery."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_followers",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="followers", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_proposals",
        verbose_name=_("follower"),
    )
    created_at = models.DateTimeField(_("following since"))

    class Meta:
        verbose_name = _("follower of a proposal")
        verbose_name_plural = _("followers of proposals")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="budgeting_one_follow_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} ← {self.user_id}"


#: Bounds of a comment, in characters (the form, the API and the service all check them).
COMMENT_MIN_LENGTH = 2
COMMENT_MAX_LENGTH = 2000
HIDE_REASON_MAX_LENGTH = 300


class ProposalComment(models.Model):
    """A plain-text comment on a proposal. Committee staff may hide one with a reason; its author still sees it."""

    community = models.ForeignKey(
        "structure.Community",
        on_delete=models.CASCADE,
        related_name="proposal_comments",
        verbose_name=_("community"),
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("project")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposal_comments",
        verbose_name=_("author"),
    )
    text = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("why it was hidden"), max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("comment on a proposal")
        verbose_name_plural = _("comments on proposals")
        ordering = ["proposal", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="budgeting_hidden_comment_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "created_at"])]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.text[:40]}"
