"""What the consultation services share (private to the services): the open period, statement texts,
numbering, the consultation's row lock and the opinion map's dirty flag."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.consultations.models import (
    STATEMENT_MAX_LENGTH,
    Analysis,
    Consultation,
    ConsultationStatus,
    Statement,
)
from comity.consultations.tasks import recompute_analysis
from comity.foundation.services import lock, when
from comity.jobs.services import enqueue

MANAGE = "consultations.manage_consultations"


def _require_open(consultation: Consultation, *, doing: str) -> None:
    """Refuse, in words, anything residents do outside the consultation's open period.

    ``doing`` is ``"vote"`` or ``"statement"``: the messages name what was refused.
    """
    status = consultation.status
    if status == ConsultationStatus.OPEN:
        return
    if status == ConsultationStatus.DRAFT:
        message = _("This consultation has not been published yet.")
    elif status == ConsultationStatus.UPCOMING:
        message = _("This consultation opens on %(date)s.") % {"date": when(consultation.opens_at)}
    elif doing == "vote":
        message = _("This consultation closed on %(date)s; votes can no longer be cast or changed.") % {
            "date": when(consultation.closes_at)
        }
    else:
        message = _("This consultation closed on %(date)s; it takes no more statements.") % {
            "date": when(consultation.closes_at)
        }
    raise ValidationError(message, code=f"consultation_{status}")


def _normalised(text: str) -> str:
    """The form compared for duplicates: spacing and letter case do not make a statement new."""
    return " ".join(text.split()).casefold()


def _clean_statement_text(text: str, *, taken: Iterable[str] = ()) -> str:
    """The statement as stored (trimmed, one line), or a ``ValidationError`` saying what is wrong with it."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValidationError(_("Write a statement."), code="empty")
    if len(cleaned) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            _("A statement can have at most %(max)d characters; this one has %(n)d.")
            % {"max": STATEMENT_MAX_LENGTH, "n": len(cleaned)},
            code="too_long",
        )
    if _normalised(cleaned) in {_normalised(t) for t in taken}:
        raise ValidationError(
            _("“%(text)s” is already a statement of this consultation.") % {"text": cleaned},
            code="duplicate",
        )
    return cleaned


def _existing_texts(consultation: Consultation) -> list[str]:
    return list(Statement.objects.filter(consultation=consultation).values_list("text", flat=True))


def _next_number(consultation: Consultation) -> int:
    """The next statement number; the caller holds the consultation's row lock, so numbers never collide."""
    last = (
        Statement.objects.filter(consultation=consultation)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def _lock(consultation: Consultation) -> Consultation:
    return lock(consultation, "community__street", "area")


def _mark_analysis_dirty(consultation: Consultation) -> None:
    """Ask the background job to compute the opinion map again (through the outbox, ``docs/jobs.md``).

    Only a clean row is written, so a busy consultation does not make every vote queue on the same row. A map
    never computed yet (a new consultation's row is created dirty) is queued on every change until it exists,
    so the first votes show a map without waiting for the periodic sweep.
    """
    now = timezone.now()
    updated = Analysis.objects.filter(consultation=consultation, dirty=False).update(
        dirty=True, requested_at=now
    )
    created = never_computed = False
    if not updated:
        row, created = Analysis.objects.get_or_create(
            consultation=consultation,
            defaults={"community_id": consultation.community_id, "dirty": True, "requested_at": now},
        )
        never_computed = row.computed_at is None
    if updated or created or never_computed:
        # The first change since the last map queues one recomputation; later ones ride along with it. The job is
        # written in this transaction (the outbox) and published once it commits.
        enqueue(
            recompute_analysis,
            consultation.pk,
            community=consultation.community_id,
            dedupe_key=f"analysis:{consultation.pk}",
        )
