"""Reads of the retention report: a community's runs, newest first, what each did in words, and the register's
periods beside them."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import ngettext

from comity.engine.privacy import REGISTER
from comity.foundation.personal_data import holding_for
from comity.privacy.models import RetentionRun
from comity.privacy.register import WORDS, retention_text
from comity.structure.models import Community


@dataclass(frozen=True)
class Done:
    """One line of a run: in which register category, which records, and what happened to how many."""

    category: str
    records: str
    action: str
    count: int


@dataclass(frozen=True)
class Period:
    """One category of the register: its name and how long it is kept."""

    code: str
    name: str
    retention: str


def community_runs(community: Community) -> QuerySet[RetentionRun]:
    """The community's retention runs, newest first."""
    return RetentionRun.objects.filter(community=community).order_by("-ran_at", "-id")


def action_words(action: str, count: int) -> str:
    """What happened to ``count`` records, in words ("3 deleted")."""
    if action == "delete":
        return ngettext("%(count)d deleted", "%(count)d deleted", count) % {"count": count}
    if action == "anonymise":
        return ngettext("%(count)d anonymised", "%(count)d anonymised", count) % {"count": count}
    return ngettext("%(count)d kept", "%(count)d kept", count) % {"count": count}


def _records(label: str) -> str:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name_plural)


def _category(label: str) -> str:
    holding = holding_for(label)
    if holding is None or holding.category not in WORDS:
        return ""
    return str(WORDS[holding.category].name)


def described(counts: dict[str, dict[str, int]]) -> list[Done]:
    """A run's counts in words, by register category then records."""
    lines = [
        Done(_category(label), _records(label), action_words(action, count), count)
        for label, actions in counts.items()
        for action, count in sorted(actions.items())
        if count
    ]
    return sorted(lines, key=lambda line: (line.category, line.records))


def register_periods() -> list[Period]:
    """Each category of the processing register with its retention, in the notice's order."""
    return [Period(item.code, str(WORDS[item.code].name), retention_text(item)) for item in REGISTER]
