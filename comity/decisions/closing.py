"""Closing decisions whose voting time is over, and checking ballot logs, for Celery beat and for cron.

A decision closes by itself once ``closes_at`` has passed — unless paper ballots still wait for their second
check, which staff must finish first (the decision stays open and is reported). Each decision is closed in its own
transaction, so one that cannot close does not hold back the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from comity.decisions.models import Decision, DecisionStatus, Elector, LogEntry
from comity.decisions.permissions import may_see_named_record
from comity.decisions.services.running import close_now
from comity.engine.decisions.ballot_log import LogEntry as ChainEntry
from comity.engine.decisions.ballot_log import Verification, verify
from comity.foundation.personal_data import Read
from comity.foundation.services import Actor, lock
from comity.structure.reads import note_reads_by


@dataclass
class Sweep:
    closed: list[int] = field(default_factory=list)
    waiting: dict[int, str] = field(default_factory=dict)


def close_due_decisions() -> Sweep:
    sweep = Sweep()
    due = Decision.objects.filter(status=DecisionStatus.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            with transaction.atomic():
                decision = lock(Decision(pk=pk), "community__street", "area", "subject")
                close_now(decision)
        except ValidationError as error:
            sweep.waiting[pk] = " ".join(error.messages)
        else:
            sweep.closed.append(pk)
    return sweep


def chain_of(decision: Decision) -> list[ChainEntry]:
    """The decision's ballot log as the engine's entries, in order."""
    return [
        ChainEntry(e.sequence, e.content, e.previous, e.hash)
        for e in LogEntry.objects.filter(decision=decision).order_by("sequence")
    ]


def own_pseudonyms(viewer: Actor, decision: Decision) -> dict[str, str]:
    """The viewer's own electors' pseudonyms and units: how each elector finds their entries in the log."""
    if not getattr(viewer, "is_authenticated", False):
        return {}
    rows = Elector.objects.filter(decision=decision, persons__user__pk=viewer.pk).exclude(pseudonym="")
    return dict(rows.values_list("pseudonym", "units").distinct())


def named_record(decision: Decision) -> dict[str, dict[str, str]]:
    """Who each pseudonym in the log is, for those who may inspect the named record (ADR 0012)."""
    return {
        e.pseudonym: {"who": e.name, "units": e.units}
        for e in Elector.objects.filter(decision=decision, participations__isnull=False)
        .exclude(pseudonym="")
        .order_by("pseudonym")
    }


def named_person_ids(decision: Decision) -> list[int]:
    """The persons behind the named record's electors (who looked: reading it is reading who voted)."""
    return list(
        Elector.persons.through.objects.filter(
            elector__decision=decision, elector__participations__isnull=False
        )
        .exclude(elector__pseudonym="")
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def unvoted_person_ids(decision: Decision) -> list[int]:
    """The persons behind the electors who have not voted: the paper-ballot, proxy and simulator pages name them."""
    return list(
        Elector.persons.through.objects.filter(
            elector__decision=decision, elector__participations__isnull=True
        )
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )


def log_document(decision: Decision, viewer: Actor | None = None) -> dict[str, Any]:
    """The log as published (page download and API): what ``comity decide verify-log`` checks.

    The entries are the chain itself, the same for everyone; electors appear in it by pseudonym. Outside the
    chain (so the hashes do not depend on who reads it) come the viewer's own pseudonyms, and the named record
    for those who may inspect it (``decisions.see_named_ballots``).
    """
    document: dict[str, Any] = {
        "decision": decision.pk,
        "title": decision.title,
        "head": decision.log_head,
        "entries": [
            {"sequence": e.sequence, "content": dict(e.content), "previous": e.previous, "hash": e.hash}
            for e in chain_of(decision)
        ],
    }
    if viewer is not None:
        document["yours"] = sorted(own_pseudonyms(viewer, decision))
        if may_see_named_record.test(viewer, decision):
            document["named"] = named_record(decision)
            note_reads_by(viewer, decision.community_id, named_person_ids(decision), Read.VOTERS)
    return document


def verify_decision_log(decision: Decision) -> Verification:
    """Recompute a decision's chain from the database and compare its end with the decision's recorded head."""
    entries = chain_of(decision)
    result = verify(entries)
    if result.ok and entries and entries[-1].hash != decision.log_head:
        return Verification(
            False, len(entries), len(entries), "the last entry is not the decision's recorded head"
        )
    if result.ok and len(entries) != decision.log_length:
        return Verification(False, len(entries), len(entries), "entries are missing at the end of the log")
    return result
