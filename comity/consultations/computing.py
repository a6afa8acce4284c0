"""Computing a consultation's opinion map in the background.

This is the adapter between the database and the engine (:mod:`comity.engine.opinions`): votes in, the opinion
map out. A vote or a moderation marks the consultation's :class:`~comity.consultations.models.Analysis` dirty
in the services) and, in the same transaction, queues the Celery task
``comity.consultations.recompute_analysis`` through the jobs outbox (:func:`comity.jobs.services.enqueue`,
docs/jobs.md) — run inline after the commit where there is no broker (the embedded demo, the tests). Celery beat
also sweeps any dirty analysis every minute, so a lost task only delays an update. The
engine warm-starts from the state stored by the last run, so opinion groups stay stable as votes arrive; the
report records when it was computed and from how many votes.

Computing happens outside any transaction: the votes are read, the engine runs, and the result is written only if
no newer request arrived meanwhile (otherwise the row stays dirty and the next run picks it up).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from comity.consultations.models import Analysis, Consultation, Moderation, Statement, Vote
from comity.engine.opinions import AnalysisState, Conversation, analyze

logger = logging.getLogger("comity.consultations")


def _milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def participant_key(user_id: int | None, imported: int | None) -> int:
    """The engine's participant id: a user's id, or the negative of an imported Pol.is participant's number + 1."""
    if user_id is not None:
        return int(user_id)
    if imported is None:
        raise ValueError("a vote without a participant")
    return -(int(imported) + 1)


def conversation_of(consultation: Consultation) -> Conversation:
    """The consultation's votes in the engine's terms: participants are user ids, statements their numbers."""
    statements = Statement.objects.filter(consultation=consultation).values_list(
        "number", "moderation", "is_meta"
    )
    moderated_out = [number for number, moderation, _meta in statements if moderation == Moderation.REJECTED]
    meta = [number for number, _moderation, is_meta in statements if is_meta]
    rows = Vote.objects.filter(consultation=consultation).values_list(
        "participant_id", "imported_participant", "statement__number", "value", "created_at"
    )
    participants, numbers, values, stamps = [], [], [], []
    for participant, imported, number, value, created in rows.iterator(chunk_size=10_000):
        participants.append(participant_key(participant, imported))
        numbers.append(number)
        values.append(value)
        stamps.append(_milliseconds(created))
    return Conversation.from_votes(
        participants, numbers, values, stamps, moderated_out=moderated_out, meta=meta
    )


def compute_analysis(consultation_id: int) -> Analysis | None:
    """Recompute one consultation's analysis now; returns the row (``None`` if the consultation is gone).

    The row is marked clean *before* the votes are read, so a vote that arrives during the computation marks it
    dirty again and queues the next run. Of two runs that overlap, the one that started last wins.
    """
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return None
    row, _created = Analysis.objects.get_or_create(
        consultation=consultation, defaults={"community_id": consultation.community_id}
    )
    started = timezone.now()
    Analysis.objects.filter(pk=row.pk).update(dirty=False)
    conversation = conversation_of(consultation)
    try:
        result = analyze(
            conversation, previous=AnalysisState.from_dict(row.state), k=consultation.group_count or None
        )
        report, state, polis, error = result.report(), result.state.to_dict(), result.to_polis(), ""
    except Exception as exc:  # an engine failure must never lose the previous map or break a vote
        logger.exception("opinion map of consultation %s failed", consultation_id)
        report, state, polis, error = row.report, row.state, row.polis, f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        locked = Analysis.objects.select_for_update().get(pk=row.pk)
        if locked.computed_at is not None and locked.computed_at > started:
            return locked  # a run that started later has already written a newer map
        locked.report, locked.state, locked.polis, locked.error = report, state, polis, error
        locked.computed_at = timezone.now()
        locked.votes_seen = conversation.n_votes
        locked.save(update_fields=["report", "state", "polis", "error", "computed_at", "votes_seen"])
    return locked


def compute_dirty_analyses(limit: int | None = None) -> int:
    """Recompute every analysis marked dirty (oldest request first); returns how many ran."""
    pending = (
        Analysis.objects.filter(dirty=True)
        .order_by("requested_at", "pk")
        .values_list("consultation_id", flat=True)
    )
    ids = list(pending[:limit] if limit else pending)
    for consultation_id in ids:
        compute_analysis(consultation_id)
    return len(ids)
