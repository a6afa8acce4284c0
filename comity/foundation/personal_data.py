"""What every app declares about the personal information it holds, and the "who looked" call.

Each app with tables that name a person, a household or an account declares them in its ``personal_data.py``
(imported by its ``AppConfig.ready()``): for each model, the register category it belongs to, the fields that say
whose data a row is and who acted on it, what leaves the data copy, and what the retention sweep and a granted
deletion do with it. ``comity.privacy`` reads these declarations to build a resident's copy of their data, to run
the retention job and to carry out deletions; ``tests/apps/test_privacy_walk.py`` walks every model and fails when
one that names a person is not declared, so a new app cannot forget.

``record_access`` writes the "who looked" log: reads of personal data by staff. The table is ``privacy``'s, above
every app that records reads, so it is reached through Django's app registry (as ``record_audit`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise

from comity.engine.privacy import BY_CODE, Ending

#: A hook that erases what the generic actions cannot: it gets the rows to erase, returns how many it changed.
Eraser = Callable[[models.QuerySet[Any]], int]


@dataclass(frozen=True)
class Retention:
    """How long a model's rows are kept and what happens then.

    ``days`` counts from the date-time field ``starts`` (``None``: kept while the record it belongs to lives, or as
    a legal record — ``reason`` says which). ``only`` limits the sweep to rows in that state (e.g. closed appeals);
    ``ending`` deletes the rows or blanks ``fields`` (anonymise); ``eraser`` replaces both where a row needs more
    care (a ballot's elector is pseudonymised, and the ballot log still verifies)."""

    days: int | None
    starts: str = ""
    ending: Ending = Ending.DELETE
    fields: tuple[str, ...] = ()
    only: dict[str, Any] = field(default_factory=dict)
    eraser: Eraser | None = None
    #: Why the rows are kept (translatable: ``gettext_lazy``), said to a resident whose deletion keeps them.
    reason: str | Promise = ""
    #: A granted deletion only: the person's rows matching ``hold`` are kept for now (a vote still open, an
    #: appeal still being handled) and the request is told ``hold_reason``; the others get the ending.
    hold: dict[str, Any] = field(default_factory=dict)
    hold_reason: str | Promise = ""
    #: The retention sweep only: further rules for rows this one does not reach, each with its own period, start,
    #: state and ending (withdrawn appeals, which have no closing time, counted from when they were received).
    also: tuple[Retention, ...] = ()

    def rules(self) -> tuple[Retention, ...]:
        """This rule and its ``also``: every period the sweep applies to the model."""
        return (self, *self.also)


@dataclass(frozen=True)
class Holding:
    """One model's personal information.

    ``subject`` names the fields (paths of foreign keys, e.g. ``"requester"`` or ``"elector__persons"``) that make
    a row someone's own data; ``actors`` the fields naming who acted on it (staff who recorded, decided, checked):
    a row is in the data copy of both. ``exclude`` leaves fields out of the copy (secrets: hashes of codes).
    ``erasure`` is what a granted deletion request does with the person's rows (by default the retention's
    ending; ``Ending.KEEP`` with a ``reason`` when the law needs the record)."""

    model: str
    category: str
    subject: tuple[str, ...]
    retention: Retention
    actors: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    erasure: Retention | None = None
    #: Fields of the row that belong to another category than the row's: ``{"contact": ("phone",)}`` on a
    #: person. The copy names each field's category; withdrawing consent to such a category (or a deletion
    #: limited to it) blanks just those fields.
    fields_by_category: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in (self.category, *self.fields_by_category):
            if code not in BY_CODE:
                raise ValueError(f"{self.model}: {code!r} is not a category of the processing register")
        if self.retention.ending == Ending.ANONYMISE and not (self.retention.fields or self.retention.eraser):
            raise ValueError(f"{self.model}: anonymising needs the fields to blank or an eraser")

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def on_erasure(self) -> Retention:
        return self.erasure or self.retention


_HOLDINGS: dict[str, Holding] = {}


def declare(*holdings: Holding) -> None:
    """Declare models' personal information (an app's ``personal_data.py``, at ``ready()``). Declaring a model
    twice replaces the declaration (a test may reload an app)."""
    for holding in holdings:
        _HOLDINGS[holding.model] = holding


def holdings() -> list[Holding]:
    """Every declared holding, in the order of the apps' models."""
    return list(_HOLDINGS.values())


def holding_for(label: str) -> Holding | None:
    return _HOLDINGS.get(label)


# --- Who looked ----------------------------------------------------------------------------------------------------


class Read:
    """What a staff member read (``AccessRecord.what``)."""

    REGISTRY = "registry"  # a building's units and their people, a unit's page, the registry search
    PERSON = (
        "person"  # one person's page or record (a claim, a correction request beside the registry record)
    )
    CASE_CONTACT = "case_contact"  # the requester and contact of an appeal
    EXPORT = "export"  # a spreadsheet or file holding people's data
    API = "api"  # the same read through the REST API
    VOTERS = "voters"  # a decision's register of electors


def record_access(
    *,
    viewer: Any,
    community_id: int,
    person_ids: Iterable[int],
    what: str,
    role: str,
    path: str = "",
) -> int:
    """Record that ``viewer`` (in ``role``) read the personal data of these persons of one community. One row per
    person, written in one statement; nothing for a viewer who is not signed in or reads no one. Returns how many
    rows were written."""
    ids = sorted({int(pk) for pk in person_ids if pk is not None})
    if not ids or not getattr(viewer, "is_authenticated", False):
        return 0
    record = apps.get_model("privacy", "AccessRecord")
    now = timezone.now()
    rows = [
        record(
            community_id=community_id,
            viewer_id=viewer.pk,
            role=role[:40],
            person_id=pk,
            what=what,
            path=path[:200],
            at=now,
        )
        for pk in ids
    ]
    record.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
