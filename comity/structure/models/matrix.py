"""The dispatch catalogue and each community's responsibility matrix."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.structure.models.common import between, format_hours
from comity.structure.models.places import Area, Community
from comity.structure.models.subjects import GovernanceSubject


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
        validators=between(MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS),
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
        _("time limit (hours)"), validators=between(MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS)
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
