"""Governance subjects (the street office, the committee, enterprises, organisations, groups) and their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.structure.models.people import Person
from comity.structure.models.places import Area, Community, Street


class SubjectKind(models.TextChoices):
    """The kinds of governance subject the paper names (§2, §4.1, §4.3)."""

    STREET_OFFICE = "street_office", _("Street office")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    HOMEOWNERS_COMMITTEE = "homeowners_committee", _("Homeowners' committee")
    HOMEOWNERS_ASSEMBLY = "homeowners_assembly", _("Homeowners' assembly")
    PROPERTY_MANAGEMENT = "property_management", _("Property-management company")
    SERVICE_ENTERPRISE = "service_enterprise", _("Service enterprise")
    SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
    SELF_GOVERNANCE_GROUP = "self_governance_group", _("Resident self-governance group")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")


#: Sectors used by the diagnostics (government, residents' self-organisation, market, non-profit).
SUBJECT_SECTOR: dict[str, str] = {
    SubjectKind.STREET_OFFICE: "government",
    SubjectKind.GOVERNMENT_DEPARTMENT: "government",
    SubjectKind.RESIDENTS_COMMITTEE: "community",
    SubjectKind.HOMEOWNERS_COMMITTEE: "owners",
    SubjectKind.HOMEOWNERS_ASSEMBLY: "owners",
    SubjectKind.PROPERTY_MANAGEMENT: "market",
    SubjectKind.SERVICE_ENTERPRISE: "market",
    SubjectKind.SOCIAL_ORGANISATION: "nonprofit",
    SubjectKind.SELF_GOVERNANCE_GROUP: "residents",
    SubjectKind.VOLUNTEER_TEAM: "nonprofit",
}

#: Kinds that serve a whole street rather than one community.
STREET_LEVEL_KINDS = {SubjectKind.STREET_OFFICE, SubjectKind.GOVERNMENT_DEPARTMENT}


class LegalStatus(models.TextChoices):
    """The three tiers of social organisations (民政: register / file / guide)."""

    REGISTERED = "registered", _("Registered with civil affairs")
    FILED = "filed", _("Filed with the street office")
    COMMUNITY_GUIDED = "community_guided", _("Guided by the community")


class GovernanceSubject(models.Model):
    """A governance subject: any body that holds responsibilities in a community."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subjects",
        verbose_name=_("community"),
        help_text=_("Empty for street-level subjects such as the street office."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=160)
    legal_status = models.CharField(
        _("legal status"),
        max_length=20,
        choices=LegalStatus.choices,
        blank=True,
        help_text=_("Social organisations only."),
    )
    scope_area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subjects",
        verbose_name=_("area served"),
        help_text=_("Self-governance groups act for one area, such as a building or courtyard."),
    )
    description = models.TextField(_("description"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("governance subject")
        verbose_name_plural = _("governance subjects")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=SubjectKind.SOCIAL_ORGANISATION) | ~Q(legal_status=""),
                name="subject_social_organisation_has_status",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=sorted(STREET_LEVEL_KINDS)) | Q(community__isnull=False),
                name="subject_community_required_below_street",
            ),
        ]
        indexes = [models.Index(fields=["street", "community", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def sector(self) -> str:
        return SUBJECT_SECTOR[self.kind]


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    STAFF = "staff", _("Staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    VOLUNTEER = "volunteer", _("Volunteer")


class Membership(models.Model):
    """A person's role in a governance subject. Roles in the application come from these rows."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("community"),
        help_text=_("The subject's community; empty for street-level subjects."),
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("street"),
        help_text=_("The subject's street; every membership has one, street-level subjects' too."),
    )
    subject = models.ForeignKey(
        GovernanceSubject, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("subject")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("The first day the person no longer holds the role."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["subject", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "person", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_active_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.subject}"

    def clean(self) -> None:
        if self.subject_id and self.subject and self.community_id != self.subject.community_id:
            raise ValidationError({"community": str(_("A membership belongs to its subject's community."))})
        if self.subject_id and self.subject and self.street_id != self.subject.street_id:
            raise ValidationError({"street": str(_("A membership belongs to its subject's street."))})
