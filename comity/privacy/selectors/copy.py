"""Reads for a resident's copy of their data: every declared holding's rows that are theirs.

A row is someone's when one of its holding's ``subject`` paths leads to their account, their entry in the
register (``Person``) or their household; a row they acted on (recorded, decided, moderated, looked at) through
one of its ``actors`` paths is in their copy too, without the fields that are about the person the row is for
(its subject fields and those its retention or a deletion blanks): a staff member's copy says what they did, not
the residents' data they did it to.

Each holding is read in one query, whatever the number of rows, and its many-to-many fields in one more each. The
objects the rows name (a community, a unit, the staff member who decided) are shown by their text: those of every
holding are read together, one query per kind of object, with what their text needs joined in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Q

from comity.foundation.personal_data import Holding, holdings
from comity.privacy.models import Consent
from comity.structure.models import Household, Person

#: Field names that are secrets: never in a copy, whatever a declaration says.
SECRET_NAMES = frozenset({"password", "session_key", "session_data", "token", "secret"})
SECRET_SUFFIXES = ("_hash", "_secret", "_token")


def is_secret(name: str) -> bool:
    return name in SECRET_NAMES or name.endswith(SECRET_SUFFIXES)


def path_target(model: type[models.Model], path: str) -> type[models.Model]:
    """The model a holding's subject or actor path leads to (``"requester"`` → Person, ``"elector__persons"`` →
    Person, ``"id"`` → the model itself). ``FieldDoesNotExist`` when the path is not the model's."""
    current = model
    parts = path.split("__")
    for index, name in enumerate(parts):
        field = current._meta.get_field(name)
        if field.is_relation and field.related_model is not None:
            related = field.related_model
            current = apps.get_model(related) if isinstance(related, str) else related
        elif getattr(field, "primary_key", False) and index == len(parts) - 1:
            return current
        else:
            raise FieldDoesNotExist(
                f"{model._meta.label}.{path}: {name} is not a relation or the primary key"
            )
    return current


def path_is_multivalued(model: type[models.Model], path: str) -> bool:
    """Whether following the path may join several rows (a many-to-many or a reverse relation on the way)."""
    current = model
    for name in path.split("__"):
        field = current._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        related = field.related_model
        current = apps.get_model(related) if isinstance(related, str) else related
    return False


@dataclass(frozen=True)
class Owner:
    """Whose copy it is: the account, and the person and household it is registered as (when it is)."""

    user_id: int
    person_id: int | None
    household_id: int | None

    def id_for(self, model: type[models.Model]) -> int | None:
        if model is apps.get_model(settings.AUTH_USER_MODEL):
            return self.user_id
        if model is Person:
            return self.person_id
        if model is Household:
            return self.household_id
        return None


def owner_of(user: Any) -> Owner:
    person = Person.objects.filter(user_id=user.pk).values("pk", "household_id").first()
    return Owner(
        user_id=user.pk,
        person_id=person["pk"] if person else None,
        household_id=person["household_id"] if person else None,
    )


def matching(holding: Holding, owner: Owner, paths: tuple[str, ...]) -> Q | None:
    """Rows where one of these paths leads to the owner (None when none can: no person, no household)."""
    model = holding.model_class
    condition: Q | None = None
    for path in paths:
        target_id = owner.id_for(path_target(model, path))
        if target_id is None:
            continue
        term = Q(**{path: target_id})
        condition = term if condition is None else condition | term
    return condition


def shown_fields(holding: Holding) -> list[models.Field[Any, Any]]:
    """The fields a copy shows, in the model's order: concrete ones and many-to-many, less the excluded and the
    secrets."""
    meta = holding.model_class._meta
    fields: list[Any] = [*meta.concrete_fields, *meta.many_to_many]
    return [field for field in fields if field.name not in holding.exclude and not is_secret(field.name)]


def about_subject(holding: Holding) -> frozenset[str]:
    """The fields about the person a row is for, left out of the copy of someone who only acted on it."""
    names = {path.split("__")[0] for path in holding.subject}
    for retention in (holding.retention, holding.on_erasure):
        names |= set(retention.fields)
    return frozenset(names)


def _joined(model: type[models.Model], depth: int = 2) -> list[str]:
    """The forward foreign keys to join so that an object's ``str()`` reads no more rows (two levels: a household
    is shown by its unit, a unit by its building)."""
    paths: list[str] = []
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None and not isinstance(field.related_model, str):
            paths.append(field.name)
            if depth > 1:
                paths += [f"{field.name}__{inner}" for inner in _joined(field.related_model, depth - 1)]
    return paths


@dataclass
class HoldingRows:
    holding: Holding
    fields: list[models.Field[Any, Any]]
    #: Each row, and whether it is the owner's own (False: they only acted on it).
    rows: list[tuple[models.Model, bool]]
    hidden: frozenset[str]


def holding_rows(holding: Holding, owner: Owner) -> HoldingRows:
    """The owner's rows of one holding, in one query (plus one per many-to-many field shown)."""
    model = holding.model_class
    fields = shown_fields(holding)
    empty = HoldingRows(holding, fields, [], about_subject(holding))
    own = matching(holding, owner, holding.subject)
    acted = matching(holding, owner, holding.actors)
    conditions = [condition for condition in (own, acted) if condition is not None]
    if not conditions:
        return empty
    condition = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    rows = model._base_manager.filter(condition)
    if own is None:
        rows = rows.annotate(copy_own=models.Value(False))
    elif acted is None:
        rows = rows.annotate(copy_own=models.Value(True))
    else:
        rows = rows.annotate(copy_own=Exists(model._base_manager.filter(own, pk=OuterRef("pk"))))
    if any(path_is_multivalued(model, path) for path in (*holding.subject, *holding.actors)):
        rows = rows.distinct()
    rows = rows.order_by("pk")
    many = [field.name for field in fields if field.many_to_many]
    if many:
        rows = rows.prefetch_related(*many)
    return HoldingRows(holding, fields, [(row, bool(row.copy_own)) for row in rows], empty.hidden)


#: The text of each object the rows name, by its model's label and the value of the key the rows hold.
Labels = dict[tuple[str, Any], str]


def _named_fields(part: HoldingRows) -> list[Any]:
    return [field for field in part.fields if field.is_relation and not field.many_to_many]


def object_labels(parts: list[HoldingRows]) -> Labels:
    """The text of every object the rows' foreign keys name (what is shown of a row the owner only acted on
    excepted): one query per kind of object."""
    wanted: dict[tuple[type[models.Model], str], set[Any]] = {}
    for part in parts:
        fields = _named_fields(part)
        for row, own in part.rows:
            for field in fields:
                value = getattr(row, field.attname)
                if value is not None and (own or field.name not in part.hidden):
                    key = (field.related_model, field.target_field.attname)
                    wanted.setdefault(key, set()).add(value)
    labels: Labels = {}
    for (related, key_name), values in wanted.items():
        objects = related._base_manager.filter(**{f"{key_name}__in": values}).select_related(
            *_joined(related)
        )
        for obj in objects:
            labels[(related._meta.label, getattr(obj, key_name))] = str(obj)
    return labels


def copy_rows(user: Any) -> tuple[list[HoldingRows], Labels]:
    """Every declared holding's rows that are the user's, in the order of the declarations (holdings without
    rows included, empty), and the text of the objects they name."""
    owner = owner_of(user)
    parts = [holding_rows(holding, owner) for holding in holdings()]
    return parts, object_labels(parts)


def standing_consents(person_id: int | None) -> dict[str, Consent]:
    """The person's consents that stand (not withdrawn), by category."""
    if person_id is None:
        return {}
    consents = Consent.objects.filter(person_id=person_id, withdrawn_at__isnull=True).select_related("notice")
    return {consent.category: consent for consent in consents}
