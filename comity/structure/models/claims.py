"""Residents' claims to live in or own a unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.structure.models.places import Community, Unit


class ClaimRelation(models.TextChoices):
    OWNER = "owner", _("Owner")
    TENANT = "tenant", _("Tenant")
    FAMILY = "family", _("Family member of the owner or tenant")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class ResidencyClaim(models.Model):
    """A resident's claim to live in or own a unit, confirmed or rejected by residents'-committee staff."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="claims", verbose_name=_("community")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="residency_claims",
        verbose_name=_("account"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="claims", verbose_name=_("unit"))
    relation = models.CharField(_("relation to the unit"), max_length=10, choices=ClaimRelation.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    message = models.TextField(_("message to the committee"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_claims",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("residency claim")
        verbose_name_plural = _("residency claims")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"], condition=Q(status="pending"), name="claim_one_pending_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} → {self.unit}"
