"""Who lives in and owns the units: households, persons, ownerships and tenancies."""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.engine.registry_import import (
    MAX_SHARE_DENOMINATOR,
)
from comity.structure.models.common import BIRTH_YEAR_RANGE, between
from comity.structure.models.places import Community, Unit


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
        _("year of birth"), null=True, blank=True, validators=between(*BIRTH_YEAR_RANGE)
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
        _("share (numerator)"), default=1, validators=between(1, MAX_SHARE_DENOMINATOR)
    )
    share_denominator = models.PositiveIntegerField(
        _("share (denominator)"),
        default=1,
        validators=between(1, MAX_SHARE_DENOMINATOR),
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
