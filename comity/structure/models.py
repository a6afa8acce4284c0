"""The governance structure of a street and its communities.

Street (sub-district) → communities → areas (zones, buildings, stairwells, common spaces; grids are an
overlay of buildings) → units. Households and persons live in units; owners hold units with a registered
exclusive area; tenants rent them. Governance subjects (the street office, the residents' committee, the
owners' bodies, enterprises, social organisations, self-governance groups, volunteer teams) have members
with roles, and a responsibility matrix says which subject leads on each matter category in each scope.

Every row that belongs to a community carries it explicitly, so that selectors can scope by tenant and
the data can later be sharded by community.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comity.engine.registry_import import (
    FLOOR_RANGE,
    FLOORS_RANGE,
    MAX_AREA,
    MAX_SHARE_DENOMINATOR,
    YEAR_RANGE,
)
from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS

#: Years of birth a living person can have.
BIRTH_YEAR_RANGE = (1900, 2100)


def _between(low: int | Decimal, high: int | Decimal) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(low), MaxValueValidator(high)]


def format_hours(hours: int) -> str:
    """A time limit in words: whole days from two days up, hours below."""
    if hours >= 48 and hours % 24 == 0:
        days = hours // 24
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


class Street(models.Model):
    """A street (sub-district, 街道): the lowest level of government, overseeing several communities."""

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """A community (社区) served by one residents' committee."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("street")
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    built_year = models.PositiveSmallIntegerField(
        _("year built"), null=True, blank=True, validators=_between(*YEAR_RANGE)
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street", "name"]

    def __str__(self) -> str:
        return self.name


class AreaKind(models.TextChoices):
    ZONE = "zone", _("Zone or courtyard")
    BUILDING = "building", _("Building")
    STAIRWELL = "stairwell", _("Stairwell / entrance")
    COMMON_SPACE = "common_space", _("Common space")
    GRID = "grid", _("Grid")


#: Which kinds of area may contain which: the physical tree of a community. Grids stand apart as an
#: overlay (see :attr:`Area.grid_buildings`).
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    AreaKind.ZONE: {None, AreaKind.ZONE},
    AreaKind.BUILDING: {None, AreaKind.ZONE},
    AreaKind.STAIRWELL: {AreaKind.BUILDING},
    AreaKind.COMMON_SPACE: {None, AreaKind.ZONE, AreaKind.BUILDING},
    AreaKind.GRID: {None},
}


class Area(models.Model):
    """A part of a community: a zone, a building, a stairwell, a common space, or a grid.

    Buildings, stairwells and zones form a tree through ``parent``. A grid (网格) is an overlay: a set of
    buildings assigned to a grid worker, as in Beijing's social grids of 150–200 households.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="areas", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=40,
        help_text=_("Short number used on the ground, e.g. building 7, stairwell 7-2."),
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), null=True, blank=True, validators=_between(*FLOORS_RANGE)
    )
    built_year = models.PositiveSmallIntegerField(
        _("year built"), null=True, blank=True, validators=_between(*YEAR_RANGE)
    )
    has_elevator = models.BooleanField(_("has an elevator"), default=False)
    grid_buildings = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="grids",
        limit_choices_to={"kind": AreaKind.BUILDING},
        verbose_name=_("buildings in the grid"),
    )
    grid_worker = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids_served",
        verbose_name=_("grid worker"),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["community", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "code"], name="area_unique_code_per_kind"),
            models.CheckConstraint(
                condition=Q(floors__isnull=True)
                | Q(floors__gte=FLOORS_RANGE[0], floors__lte=FLOORS_RANGE[1]),
                name="area_floors_in_range",
            ),
        ]
        indexes = [models.Index(fields=["community", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Keep the physical tree sound: allowed parent kinds, and never across communities."""
        errors: dict[str, str] = {}
        parent_kind = self.parent.kind if self.parent_id and self.parent else None
        if parent_kind not in ALLOWED_PARENT_KINDS.get(self.kind, set()):
            errors["parent"] = str(
                _("A %(kind)s cannot be part of this area.") % {"kind": self.get_kind_display()}
            )
        elif self.parent_id and self.parent and self.parent.community_id != self.community_id:
            errors["parent"] = str(_("The area it is part of belongs to another community."))
        if errors:
            raise ValidationError(errors)


class AreaSource(models.TextChoices):
    """Where a unit's area comes from, in the order the Supreme People's Court interpretation prefers them."""

    REGISTERED = "registered", _("Registered (property register)")
    SURVEYED = "surveyed", _("Surveyed")
    CONTRACT = "contract", _("Sale contract")


class UnitUsage(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """An exclusive unit (专有部分): a flat or shop in a stairwell, with its exclusive area in m²."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="units", verbose_name=_("community")
    )
    building = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        related_name="building_units",
        limit_choices_to={"kind": AreaKind.BUILDING},
        verbose_name=_("building"),
    )
    stairwell = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="units",
        limit_choices_to={"kind": AreaKind.STAIRWELL},
        verbose_name=_("stairwell"),
    )
    number = models.CharField(_("unit number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), validators=_between(*FLOOR_RANGE))
    exclusive_area = models.DecimalField(
        _("exclusive area (m²)"),
        max_digits=9,
        decimal_places=2,
        validators=_between(Decimal("0.01"), MAX_AREA),
    )
    area_source = models.CharField(
        _("source of the area"), max_length=12, choices=AreaSource.choices, default=AreaSource.REGISTERED
    )
    usage = models.CharField(
        _("usage"), max_length=12, choices=UnitUsage.choices, default=UnitUsage.RESIDENTIAL
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__code", "stairwell__code", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number_per_building"),
            models.CheckConstraint(condition=Q(exclusive_area__gt=0), name="unit_area_positive"),
            models.CheckConstraint(condition=Q(exclusive_area__lte=MAX_AREA), name="unit_area_at_most_max"),
            models.CheckConstraint(
                condition=Q(floor__gte=FLOOR_RANGE[0], floor__lte=FLOOR_RANGE[1]), name="unit_floor_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.code}-{self.number}"

    @property
    def label(self) -> str:
        return str(self)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.building_id and self.building:
            if self.building.kind != AreaKind.BUILDING:
                errors["building"] = str(_("Choose a building."))
            elif self.building.community_id != self.community_id:
                errors["building"] = str(_("The building belongs to another community."))
        if self.stairwell_id and self.stairwell and self.stairwell.parent_id != self.building_id:
            errors["stairwell"] = str(_("The stairwell is not in this building."))
        if errors:
            raise ValidationError(errors)


class Household(models.Model):
    """A household (户) living in a unit, or registered in the community without a unit on record."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="households", verbose_name=_("community")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.name or (str(self.unit) if self.unit_id else f"#{self.pk}")


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    UNSTATED = "", _("Not stated")


class Person(models.Model):
    """A person known to the community. Many have no account: ``user`` is optional."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="persons", verbose_name=_("community")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=Gender.UNSTATED
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), null=True, blank=True, validators=_between(*BIRTH_YEAR_RANGE)
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_resident = models.BooleanField(
        _("lives in the community"),
        default=True,
        help_text=_("Non-resident owners and outside staff are not residents."),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["community", "is_resident"])]

    def __str__(self) -> str:
        return self.full_name

    def age(self, year: int | None = None) -> int | None:
        if self.birth_year is None:
            return None
        return (year or timezone.localdate().year) - self.birth_year


class HolderKind(models.TextChoices):
    PERSON = "person", _("Individual owner")
    DEVELOPER = "developer", _("Developer (unsold or undelivered)")
    ORGANISATION = "organisation", _("Organisation")


class Ownership(models.Model):
    """A holder's share of a unit. Several rows for one unit are its co-owners.

    The developer's unsold or undelivered units are held with ``holder_kind=DEVELOPER``; the Supreme People's
    Court interpretation on building ownership counts them together as one owner by headcount.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("community")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("unit")
    )
    holder_kind = models.CharField(
        _("holder"), max_length=12, choices=HolderKind.choices, default=HolderKind.PERSON
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("owner"),
    )
    holder_name = models.CharField(_("holder name"), max_length=120, blank=True)
    share_numerator = models.PositiveIntegerField(
        _("share (numerator)"), default=1, validators=_between(1, MAX_SHARE_DENOMINATOR)
    )
    share_denominator = models.PositiveIntegerField(
        _("share (denominator)"),
        default=1,
        validators=_between(1, MAX_SHARE_DENOMINATOR),
        help_text=_("The share of the unit as an exact fraction, e.g. 1/3."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(holder_kind=HolderKind.PERSON, person__isnull=False)
                | ~Q(holder_kind=HolderKind.PERSON),
                name="ownership_person_required_for_individuals",
            ),
            models.CheckConstraint(
                condition=Q(share_numerator__gte=1, share_numerator__lte=models.F("share_denominator")),
                name="ownership_share_in_range",
            ),
            models.CheckConstraint(
                condition=Q(share_denominator__lte=MAX_SHARE_DENOMINATOR),
                name="ownership_share_denominator_at_most_max",
            ),
        ]

    def __str__(self) -> str:
        holder = self.person.full_name if self.person_id and self.person else self.holder_name
        return f"{holder} – {self.unit}"

    @property
    def share(self) -> Fraction:
        """The holder's share of the unit, exact: co-owners' shares add up to 1 without rounding."""
        return Fraction(self.share_numerator, self.share_denominator)

    @share.setter
    def share(self, value: Fraction) -> None:
        value = Fraction(value)
        self.share_numerator, self.share_denominator = value.numerator, value.denominator


class Tenancy(models.Model):
    """A household renting a unit."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="tenancies", verbose_name=_("community")
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="tenancies", verbose_name=_("unit"))
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="tenancies", verbose_name=_("household")
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")

    def __str__(self) -> str:
        return f"{self.household} @ {self.unit}"


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


class MatterCategory(models.Model):
    """A node of the dispatch catalogue (派单目录): facilities › lifts, environment › garbage, …

    The catalogue is shared by every community so that rates compare across a street; each community's
    responsibility matrix decides who handles what.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    default_time_limit_hours = models.PositiveIntegerField(
        _("default time limit (hours)"),
        default=168,
        validators=_between(MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS),
    )
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words that suggest this category, separated by spaces.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("matter category")
        verbose_name_plural = _("matter categories")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    default_time_limit_hours__gte=MIN_TIME_LIMIT_HOURS,
                    default_time_limit_hours__lte=MAX_TIME_LIMIT_HOURS,
                ),
                name="category_time_limit_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if translation.get_language() in {"zh-hans", "zh-cn", "zh"} else self.name_en


class Responsibility(models.Model):
    """One row of a community's responsibility matrix: category × scope → lead, co-handlers, time limit."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("community")
    )
    category = models.ForeignKey(
        MatterCategory,
        on_delete=models.PROTECT,
        related_name="responsibilities",
        verbose_name=_("matter category"),
    )
    scope_area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responsibilities",
        verbose_name=_("scope"),
        help_text=_("Empty means the whole community."),
    )
    lead_subject = models.ForeignKey(
        GovernanceSubject,
        on_delete=models.PROTECT,
        related_name="lead_responsibilities",
        verbose_name=_("lead subject"),
    )
    co_handlers = models.ManyToManyField(
        GovernanceSubject,
        blank=True,
        related_name="co_responsibilities",
        verbose_name=_("co-handling subjects"),
    )
    time_limit_hours = models.PositiveIntegerField(
        _("time limit (hours)"), validators=_between(MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS)
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["category__position", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category", "scope_area"], name="responsibility_unique_scope"
            ),
            models.UniqueConstraint(
                fields=["community", "category"],
                condition=Q(scope_area__isnull=True),
                name="responsibility_unique_community_scope",
            ),
            models.CheckConstraint(
                condition=Q(
                    time_limit_hours__gte=MIN_TIME_LIMIT_HOURS, time_limit_hours__lte=MAX_TIME_LIMIT_HOURS
                ),
                name="responsibility_time_limit_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.lead_subject}"

    @property
    def time_limit_display(self) -> str:
        return format_hours(self.time_limit_hours)


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
