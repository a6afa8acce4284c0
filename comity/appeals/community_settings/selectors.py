"""Reads of a community's appeal settings: its settings row (or the defaults), its time limits and reply templates,
and what each time limit overrides (:class:`TimeLimitReference`, from three queries by :class:`References`).

The settings as the engine's values (working calendar, score weights) are :mod:`comity.appeals.computing`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from comity.appeals.models import AppealSettings, ReplyTemplate, TimeLimitPolicy, Urgency
from comity.engine.responsibility import category_ancestry
from comity.structure.models import Community, MatterCategory, Responsibility, format_hours


def appeal_settings(community: Community) -> AppealSettings:
    """The community's settings row, or an unsaved row with the defaults when it has none."""
    found = AppealSettings.objects.filter(community=community).first()
    return found if found is not None else AppealSettings(community=community)


def get_policy(community: Community, policy_id: int) -> TimeLimitPolicy:
    """The community's time-limit policy with this id, or ``Http404``."""
    policy = (
        TimeLimitPolicy.objects.select_related("category", "community__street")
        .filter(community=community, pk=policy_id)
        .first()
    )
    if policy is None:
        raise Http404
    return policy


def get_template(community: Community, template_id: int) -> ReplyTemplate:
    """The community's reply template with this id, or ``Http404``."""
    template = (
        ReplyTemplate.objects.select_related("subject", "community__street")
        .filter(community=community, pk=template_id)
        .first()
    )
    if template is None:
        raise Http404
    return template


def community_policies(community: Community) -> QuerySet[TimeLimitPolicy]:
    """The community's own time limits, in catalogue order."""
    return (
        TimeLimitPolicy.objects.filter(community=community)
        .select_related("category")
        .order_by("category__position", "urgency")
    )


def community_templates(community: Community) -> QuerySet[ReplyTemplate]:
    """The community's reply templates, by title."""
    return ReplyTemplate.objects.filter(community=community).select_related("subject").order_by("title")


def category_chosen(raw: str) -> MatterCategory | None:
    """The catalogue's category with the id a form sent, if any."""
    return MatterCategory.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@dataclass
class TimeLimitReference:
    """What decides a category's time limit in the community, policy aside (see :mod:`comity.appeals.time_limits`)."""

    category: MatterCategory
    catalogue_hours: int
    #: The matrix rows of the category and of its parents, most specific category first: the order in which
    #: dispatch looks for a row (:func:`comity.engine.responsibility.resolve_responsibility`).
    matrix_rows: list[Responsibility] = field(default_factory=list)
    #: Policies of the community in force for the category (its own or a parent's), by urgency.
    policies: dict[str, TimeLimitPolicy] = field(default_factory=dict)
    emergency_hours: int = 2
    clock: str = ""

    @property
    def catalogue_display(self) -> str:
        return format_hours(self.catalogue_hours)

    @property
    def whole_community_hours(self) -> int:
        """The limit for a matter of the whole community: the first community-wide row, else the catalogue."""
        for row in self.matrix_rows:
            if row.scope_area_id is None:
                return row.time_limit_hours
        return self.catalogue_hours

    def without_own_policy(self, urgency: str) -> str:
        """In words: the limit that applies at ``urgency`` when the community sets none for the category."""
        policy = self.policies.get(urgency)
        if policy is not None:
            return _("%(hours)s, set for %(category)s") % {
                "hours": format_hours(policy.hours),
                "category": policy.category.name,
            }
        hours = self.whole_community_hours
        if urgency == Urgency.EMERGENCY and self.emergency_hours < hours:
            return _("%(hours)s, the community's limit for emergencies") % {
                "hours": format_hours(self.emergency_hours)
            }
        if any(row.scope_area_id is None for row in self.matrix_rows):
            return _("%(hours)s, from the responsibility matrix") % {"hours": format_hours(hours)}
        if self.matrix_rows:
            return _("%(hours)s, the catalogue default (some places have a matrix row of their own)") % {
                "hours": format_hours(hours)
            }
        return _("%(hours)s, the catalogue default") % {"hours": format_hours(hours)}

    @property
    def normal(self) -> str:
        return self.without_own_policy(Urgency.NORMAL)

    @property
    def emergency(self) -> str:
        return self.without_own_policy(Urgency.EMERGENCY)


class References:
    """Time-limit references for any category of one community, from three queries."""

    def __init__(self, community: Community, config: AppealSettings) -> None:
        self.config = config
        self.parents = dict(MatterCategory.objects.values_list("code", "parent__code"))
        self.rows: dict[str, list[Responsibility]] = {}
        for row in (
            Responsibility.objects.filter(community=community)
            .select_related("category", "scope_area")
            .order_by("scope_area__code")
        ):
            self.rows.setdefault(row.category.code, []).append(row)
        self.policies: dict[tuple[str, str], TimeLimitPolicy] = {
            (policy.category.code, policy.urgency): policy
            for policy in TimeLimitPolicy.objects.filter(community=community).select_related("category")
        }

    def for_category(
        self, category: MatterCategory, *, without: TimeLimitPolicy | None = None
    ) -> TimeLimitReference:
        chain = category_ancestry(category.code, self.parents)
        reference = TimeLimitReference(
            category=category,
            catalogue_hours=category.default_time_limit_hours,
            emergency_hours=self.config.emergency_hours,
            clock=self.config.get_clock_display(),
        )
        reference.matrix_rows = [row for code in chain for row in self.rows.get(code, [])]
        for urgency in Urgency.values:
            found = next(
                (
                    self.policies[code, urgency]
                    for code in chain
                    if (code, urgency) in self.policies
                    and (without is None or self.policies[code, urgency].pk != without.pk)
                ),
                None,
            )
            if found is not None:
                reference.policies[urgency] = found
        return reference
