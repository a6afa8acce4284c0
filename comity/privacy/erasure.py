"""Carrying out a granted deletion: every declared holding's ``on_erasure`` applied to the rows that are the
person's (or their account's) own.

Generic over the apps' declarations (:mod:`comity.foundation.personal_data`): a row is someone's own through the
holding's ``subject`` paths (a path leads to an account, a person or a household). All the rows are found first,
then each holding's ending is applied — delete, anonymise (blank ``fields`` in one UPDATE), the holding's eraser,
or keep (counted, with the reason said) — so unlinking one table does not hide the rows of the next. Rows matching
the ending's ``hold`` (a vote still open, an appeal still being handled) are kept for now and said so. A person
taken off a row shared through a many-to-many subject (an elector of co-owners) is removed from it before the
ending applies.

:func:`erase_person_data` writes without recording an audit entry and without its own transaction: the deletion
request's service (``services/requests.py``) calls it inside its own and records the entry with the outcome.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, holding_for, holdings
from comity.privacy.retention import Counts, end_rows, pending
from comity.privacy.selectors.copy import path_target
from comity.structure.models import Household, Person


def _subjects(person: Person | None, user: Any | None) -> dict[type[models.Model], Any]:
    """The primary keys of the account, the person and their household, by model."""
    found: dict[type[models.Model], Any] = {}
    if person is None and user is not None:
        person = Person.objects.filter(user=user).first()
    if user is None and person is not None and person.user_id:
        user = person.user
    if person is not None:
        found[Person] = person.pk
        if person.household_id:
            found[Household] = person.household_id
    if user is not None:
        found[get_user_model()] = user.pk
    return found


def _own_rows(holding: Holding, subjects: dict[type[models.Model], Any]) -> list[Any]:
    model = holding.model_class
    conditions = models.Q()
    matched = False
    for path in holding.subject:
        value = subjects.get(path_target(model, path))
        if value is not None:
            conditions |= models.Q(**{path: value})
            matched = True
    if not matched:
        return []
    return list(model._default_manager.filter(conditions).values_list("pk", flat=True).distinct())


def _take_off(holding: Holding, pks: list[Any], subjects: dict[type[models.Model], Any]) -> int:
    """Remove the person (or account) from the rows' many-to-many subject fields; how many rows lost them."""
    model = holding.model_class
    taken: set[Any] = set()
    for path in holding.subject:
        if "__" in path:
            continue
        field = model._meta.get_field(path)
        if not isinstance(field, models.ManyToManyField):
            continue
        value = subjects.get(path_target(model, path))
        if value is None:
            continue
        through = field.remote_field.through
        assert through is not None
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = through._default_manager.filter(**{f"{source}__in": pks, target: value})
        taken.update(links.values_list(f"{source}_id", flat=True))
        links.delete()
    return len(taken)


def erase_person_data(
    *, person: Person | None, user: Any | None, categories: set[str] | None = None
) -> Counts:
    """Apply each declared holding's ending on deletion to the rows that are this person's or account's own (only
    the register categories given, or all; of a holding in another category, only the fields it lists under a
    given one in ``fields_by_category`` are blanked). Returns what was done per model: ``{"appeals.Appeal": {"anonymise":
    2}, "decisions.Elector": {"keep": 1}}``. Runs in the caller's transaction; records no audit entry."""
    subjects = _subjects(person, user)
    if not subjects:
        return {}
    found = [
        (holding, ending, _own_rows(holding, subjects))
        for holding in holdings()
        if (ending := _ending(holding, categories)) is not None
    ]
    outcome: Counts = {}
    for holding, retention, pks in found:
        if pks:
            actions = _erase(holding, retention, pks, subjects)
            if actions:
                outcome[holding.model] = actions
    return outcome


def _ending(holding: Holding, categories: set[str] | None) -> Retention | None:
    """What a deletion of these categories does to the holding: its whole ending on erasure when the row's
    category is asked for (or all are), blanking just the fields of the asked categories it holds otherwise
    (``fields_by_category``: a person's phone is "contact"), or nothing."""
    if categories is None or holding.category in categories:
        return holding.on_erasure
    fields = tuple(
        name for code in sorted(categories) for name in holding.fields_by_category.get(code, ()) if name
    )
    if not fields:
        return None
    return Retention(None, ending=Ending.ANONYMISE, fields=fields, reason=holding.on_erasure.reason)


def _erase(
    holding: Holding, retention: Retention, pks: list[Any], subjects: dict[type[models.Model], Any]
) -> dict[str, int]:
    actions: dict[str, int] = {}
    if retention.ending == Ending.KEEP:
        return {"keep": len(pks)}
    rows = holding.model_class._default_manager.filter(pk__in=pks)
    if retention.hold:
        held = set(rows.filter(**retention.hold).values_list("pk", flat=True))
        if held:
            actions["keep"] = len(held)
            pks = [pk for pk in pks if pk not in held]
            rows = holding.model_class._default_manager.filter(pk__in=pks)
    if pks:
        taken = _take_off(holding, pks, subjects) if retention is holding.on_erasure else 0
        changed = max(end_rows(retention, pending(retention, rows)), taken)
        if changed:
            actions[str(retention.ending)] = changed
    return actions


def _text(reason: str | Promise) -> str:
    return str(reason) if isinstance(reason, Promise) else gettext(reason)


def kept_reasons(outcome: Counts) -> list[str]:
    """The reasons, in the reader's language, for what a deletion kept: each kept model's reason (or, for rows
    kept for now, its ``hold_reason``), and why an anonymised or pseudonymised record stays. Each reason
    once, in the outcome's order."""
    reasons: list[str] = []
    for label, actions in outcome.items():
        holding = holding_for(label)
        if holding is None:
            continue
        retention = holding.on_erasure
        texts: list[str | Promise] = []
        if actions.get("keep"):
            texts.append(retention.reason if retention.ending == Ending.KEEP else retention.hold_reason)
        if retention.ending == Ending.ANONYMISE and actions.get(str(Ending.ANONYMISE)):
            texts.append(retention.reason)
        for reason in texts:
            text = _text(reason) if reason else ""
            if text and text not in reasons:
                reasons.append(text)
    return reasons
