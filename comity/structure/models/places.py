"""The places of a street: the street, its communities, their areas (zones, buildings, stairwells, grids) and units."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from comity.engine.registry_import import (
    FLOOR_RANGE,
    FLOORS_RANGE,
    MAX_AREA,
    YEAR_RANGE,
)
from comity.structure.models.common import between


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
        _("year built"), null=True, blank=True, validators=between(*YEAR_RANGE)
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
        _("floors"), null=True, blank=True, validators=between(*FLOORS_RANGE)
    )
    built_year = models.PositiveSmallIntegerField(
        _("year built"), null=True, blank=True, validators=between(*YEAR_RANGE)
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
    floor = models.SmallIntegerField(_("floor"), validators=between(*FLOOR_RANGE))
    exclusive_area = models.DecimalField(
        _("exclusive area (m²)"),
        max_digits=9,
        decimal_places=2,
        validators=between(Decimal("0.01"), MAX_AREA),
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
