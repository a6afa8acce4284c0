"""Community organisations: profiles on governance subjects, filings, service catalogues, incubation, grades.

Every row carries its community (the organisation's). Money is in fen. Rows are written by the services only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.engine.ngo_grading import Dimension
from comity.structure.models import Area, Community, GovernanceSubject, LegalStatus, MatterCategory

#: Subject kinds that can have an organisation profile.
ORGANISATION_KINDS = ("social_organisation", "volunteer_team")


class ServiceType(models.TextChoices):
    CARE = "care", _("Care and visits")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Classes and tutoring")
    CULTURE = "culture", _("Culture and sport")
    MEDIATION = "mediation", _("Mediation")
    ENVIRONMENT = "environment", _("Environment and clean-ups")
    ADVICE = "advice", _("Advice and legal aid")
    OTHER = "other", _("Other")


class OrganisationProfile(models.Model):
    """What Comity knows of a social organisation or volunteer team beyond its directory entry."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    subject = models.OneToOneField(
        GovernanceSubject,
        on_delete=models.CASCADE,
        related_name="organisation_profile",
        verbose_name=_("organisation"),
    )
    tier = models.CharField(_("tier"), max_length=20, choices=LegalStatus.choices)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        help_text=_("18 characters; registered organisations only."),
    )
    contact_name = models.CharField(_("contact person"), max_length=80, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    registered_or_filed_on = models.DateField(
        _("registered or filed on"),
        null=True,
        blank=True,
        help_text=_("Grading is possible two years after this day."),
    )
    service_fields = models.CharField(_("fields of service"), max_length=255, blank=True)
    fiscal_host = models.ForeignKey(
        GovernanceSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_profiles",
        verbose_name=_("fiscal host"),
        help_text=_("The incubator that holds the group's money, if any."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profiles")
        ordering = ["subject__name"]

    def __str__(self) -> str:
        return self.subject.name


class Filing(models.Model):
    """An application to be filed (or recorded) with the street office, through the residents' committee."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the committee")
        REVIEWED = "reviewed", _("Waiting for the street office")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    profile = models.ForeignKey(
        OrganisationProfile, on_delete=models.CASCADE, related_name="filings", verbose_name=_("organisation")
    )
    tier = models.CharField(_("tier asked for"), max_length=20, choices=LegalStatus.choices)
    purpose = models.TextField(_("purpose and activities"), max_length=2000)
    members_count = models.PositiveIntegerField(_("number of members"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    committee_note = models.TextField(_("committee's review"), blank=True)
    committee_supports = models.BooleanField(_("committee supports"), null=True)
    street_reasons = models.TextField(_("reasons"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(street_reasons=""), name="ngos_filing_refusal_has_reasons"
            ),
            models.UniqueConstraint(
                fields=["profile"],
                condition=~Q(status__in=["approved"]),
                name="ngos_filing_one_open_per_profile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} ({self.get_status_display()})"


def document_path(instance: FilingDocument, filename: str) -> str:
    """Stored under a random name; the uploader's file name is kept on the row."""
    suffix = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        instance.content_type, ""
    )
    return f"ngos/{instance.community_id}/{uuid.uuid4().hex}{suffix}"


class FilingDocument(models.Model):
    """A document attached to a filing (charter, member list, the leader's ID, a venue agreement)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("document"), max_length=120)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("filing document")
        verbose_name_plural = _("filing documents")
        ordering = ["filing", "pk"]

    def __str__(self) -> str:
        return self.title


class ServiceOffer(models.Model):
    """One line of an organisation's catalogue: what it offers, where, for how many."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    profile = models.ForeignKey(OrganisationProfile, on_delete=models.CASCADE, related_name="offers")
    category = models.ForeignKey(
        MatterCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("matter category")
    )
    service_type = models.CharField(_("service type"), max_length=16, choices=ServiceType.choices)
    title = models.CharField(_("service"), max_length=160)
    areas: models.ManyToManyField[Area, ServiceArea] = models.ManyToManyField(
        Area, through="ServiceArea", blank=True, related_name="+", verbose_name=_("areas served")
    )
    capacity = models.PositiveIntegerField(_("places per month"))
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("service offer")
        verbose_name_plural = _("service offers")
        ordering = ["profile", "title"]

    def __str__(self) -> str:
        return self.title


class ServiceArea(models.Model):
    """An area a service is offered in (the explicit table of ``ServiceOffer.areas``, with its community)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    offer = models.ForeignKey(ServiceOffer, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("area served")
        verbose_name_plural = _("areas served")
        constraints = [models.UniqueConstraint(fields=["offer", "area"], name="ngos_service_area_once")]

    def __str__(self) -> str:
        return f"{self.offer_id} @ {self.area_id}"


class Incubation(models.Model):
    """An organisation's time in an incubator: applied → incubating → graduated, or left."""

    class Stage(models.TextChoices):
        APPLIED = "applied", _("Applied")
        INCUBATING = "incubating", _("Incubating")
        GRADUATED = "graduated", _("Graduated")
        LEFT = "left", _("Left")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    profile = models.ForeignKey(OrganisationProfile, on_delete=models.CASCADE, related_name="incubations")
    incubator = models.ForeignKey(
        GovernanceSubject, on_delete=models.PROTECT, related_name="incubated", verbose_name=_("incubator")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.APPLIED)
    applied_on = models.DateField(_("applied on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"],
                condition=Q(stage__in=["applied", "incubating"]),
                name="ngos_one_open_incubation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile} @ {self.incubator}"


class SupportKind(models.TextChoices):
    SPACE = "space", _("Space")
    TRAINING = "training", _("Training")
    SEED_MONEY = "seed_money", _("Seed money")
    FISCAL_HOSTING = "fiscal_hosting", _("Fiscal hosting")


class SupportGiven(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    incubation = models.ForeignKey(Incubation, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("support"), max_length=16, choices=SupportKind.choices)
    description = models.CharField(_("what was given"), max_length=255)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"), default=0)
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("support given")
        verbose_name_plural = _("support given")
        ordering = ["incubation", "given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="seed_money") | Q(amount_fen=0), name="ngos_support_amount_only_for_money"
            )
        ]

    def __str__(self) -> str:
        return self.description


class HostedEntry(models.Model):
    """The fiscal-hosting ledger: money the incubator holds for a hosted group, in (positive) and out (negative).

    Rows are never changed; a mistake is corrected by an entry the other way. ``balance_fen`` is the running
    balance after the entry, never below zero (the service locks the profile and checks)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    profile = models.ForeignKey(OrganisationProfile, on_delete=models.PROTECT, related_name="hosted_entries")
    host = models.ForeignKey(GovernanceSubject, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    balance_fen = models.BigIntegerField(_("balance (fen)"))
    description = models.CharField(_("what for"), max_length=255)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hosted money entry")
        verbose_name_plural = _("hosted money entries")
        ordering = ["profile", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_fen__gte=0), name="ngos_hosted_balance_not_negative"),
            models.CheckConstraint(condition=~Q(amount_fen=0), name="ngos_hosted_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.amount_fen}"


class Grade(models.Model):
    """One assessment on the 1000-point scale; valid five years."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    profile = models.ForeignKey(OrganisationProfile, on_delete=models.CASCADE, related_name="grades")
    basic_conditions = models.PositiveSmallIntegerField(_("basic conditions"))
    internal_governance = models.PositiveSmallIntegerField(_("internal governance"))
    performance = models.PositiveSmallIntegerField(_("performance"))
    social_evaluation = models.PositiveSmallIntegerField(_("social evaluation"))
    total = models.PositiveSmallIntegerField(_("total"))
    band = models.CharField(_("grade"), max_length=2)
    assessed_on = models.DateField(_("assessed on"))
    valid_until = models.DateField(_("valid until"))
    assessor = models.CharField(_("assessing body"), max_length=160)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["profile", "-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(total__lte=1000), name="ngos_grade_total_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.band}"

    def scores(self) -> dict[Dimension, int]:
        return {dimension: getattr(self, dimension.value) for dimension in Dimension}
