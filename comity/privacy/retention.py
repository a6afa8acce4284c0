"""The retention rules applied: which rows of a community are past their period, and what ending them does.

Pure logic over the apps' declarations (:mod:`comity.foundation.personal_data`): for each holding with a period,
the rows of the community whose ``starts`` moment is older than ``now - days``, limited by ``only``, are deleted or
anonymised (or handed to the holding's ``eraser``). Legal records (``Ending.KEEP``) are never touched. The audited
service (``services/retention.py``) calls :func:`sweep` and writes the run; the management command's dry run calls
:func:`plan`. :func:`end_rows` is shared with a granted deletion (``erasure.py``).

A row belongs to a community through its own ``community`` field, or through the first foreign key whose model has
one; rows that belong to no community (accounts, notifications about none) are swept by the platform-wide leg
(``community=None``).
"""

from __future__ import annotations

from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Q

from comity.engine.privacy import Ending, retention_cutoff
from comity.foundation.personal_data import Holding, Retention, holdings

#: Rows ended per statement: a deletion collects the rows it cascades to in memory.
BATCH = 1000

#: {"appeals.Appeal": {"anonymise": 12}, "appeals.Attachment": {"delete": 3}}
Counts = dict[str, dict[str, int]]


def community_path(model: type[models.Model]) -> str | None:
    """How a model's rows name their community: ``"community"``, ``"<fk>__community"``, or None."""
    names = {f.name for f in model._meta.get_fields()}
    if "community" in names:
        return "community"
    for field in model._meta.concrete_fields:
        if field.is_relation and field.many_to_one and field.related_model is not None:
            related = field.related_model
            if isinstance(related, type) and "community" in {f.name for f in related._meta.get_fields()}:
                return f"{field.name}__community"
    return None


def _in_community(rows: models.QuerySet[Any], community: Any | None) -> models.QuerySet[Any] | None:
    path = community_path(rows.model)
    if community is not None:
        return rows.filter(**{path: community}) if path else None
    if path is None:
        return rows
    return rows.filter(**{f"{path}__isnull": True})


def blank_value(field: models.Field[Any, Any]) -> Any:
    """What anonymising writes into a field: "" for text, None where empty is allowed, else the field's default."""
    if isinstance(field, models.CharField | models.TextField) and not field.is_relation:
        return ""
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    raise ValueError(
        f"{field.model._meta.label}.{field.name} cannot be blanked: it is neither text nor nullable"
    )


def blanks(model: type[models.Model], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: blank_value(model._meta.get_field(name)) for name in fields}  # type: ignore[arg-type]


def not_blank(model: type[models.Model], fields: tuple[str, ...]) -> Q:
    """Rows where at least one of the fields still holds something (anonymising them again changes nothing)."""
    conditions = []
    for name, value in blanks(model, fields).items():
        condition = Q(**{f"{name}__isnull": False})
        if value is not None:
            condition &= ~Q(**{name: value})
        conditions.append(condition)
    return reduce(or_, conditions)


def pending(retention: Retention, rows: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The rows ending them would change: for anonymising, those not blank yet."""
    if retention.ending == Ending.ANONYMISE and retention.fields and retention.eraser is None:
        return rows.filter(not_blank(rows.model, retention.fields))
    return rows


def end_rows(retention: Retention, rows: models.QuerySet[Any]) -> int:
    """Delete or anonymise the rows (or hand them to the eraser); returns how many rows of the model changed.
    ``Ending.KEEP`` changes nothing."""
    if retention.ending == Ending.KEEP:
        return 0
    if retention.eraser is not None:
        return retention.eraser(rows)
    if retention.ending == Ending.DELETE:
        _total, per_model = rows.delete()
        return per_model.get(rows.model._meta.label, 0)
    return rows.update(**blanks(rows.model, retention.fields))


def due(
    holding: Holding, community: Any | None, now: datetime, retention: Retention | None = None
) -> models.QuerySet[Any] | None:
    """The rows of the community (None: of no community) past one of the holding's periods (its main rule, or
    the one given from its ``also``); None when that rule has none."""
    retention = retention or holding.retention
    if retention.days is None or retention.ending == Ending.KEEP or not retention.starts:
        return None
    rows = holding.model_class._default_manager.all()
    scoped = _in_community(rows, community)
    if scoped is None:
        return None
    cutoff = retention_cutoff(now, retention.days)
    scoped = scoped.filter(**{f"{retention.starts}__lt": cutoff}, **retention.only)
    return pending(retention, scoped)


def _label_action(holding: Holding, retention: Retention) -> tuple[str, str]:
    return holding.model, str(retention.ending)


def plan(community: Any | None, now: datetime) -> Counts:
    """What a sweep would do now, without doing it: per model, how many rows it would delete or anonymise."""
    counts: Counts = {}
    for holding in holdings():
        for retention in holding.retention.rules():
            rows = due(holding, community, now, retention)
            if rows is None:
                continue
            number = rows.count()
            if number:
                label, action = _label_action(holding, retention)
                actions = counts.setdefault(label, {})
                actions[action] = actions.get(action, 0) + number
    return counts


def sweep(community: Any | None, now: datetime) -> Counts:
    """End every row of the community past its period; per model, how many rows were deleted or anonymised.
    Runs in the caller's transaction."""
    counts: Counts = {}
    for holding in holdings():
        for retention in holding.retention.rules():
            rows = due(holding, community, now, retention)
            if rows is None:
                continue
            pks = list(rows.values_list("pk", flat=True))
            manager = holding.model_class._default_manager
            number = sum(
                end_rows(retention, manager.filter(pk__in=pks[start : start + BATCH]))
                for start in range(0, len(pks), BATCH)
            )
            if number:
                label, action = _label_action(holding, retention)
                actions = counts.setdefault(label, {})
                actions[action] = actions.get(action, 0) + number
    return counts


def total(counts: Counts) -> int:
    return sum(sum(actions.values()) for actions in counts.values())
