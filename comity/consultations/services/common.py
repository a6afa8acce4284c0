"""What the consultation services share: the permission check, statement texts, numbering, the dirty flag."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comity.consultations.computing import schedule_analysis
from comity.consultations.models import (
    STATEMENT_MAX_LENGTH,
    Analysis,
    Consultation,
    ConsultationStatus,
    Statement,
)
from comity.consultations.permissions import may_take_part


def require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def require_participant(actor: Any, consultation: Consultation) -> None:
    """Residents and owners (of the area, when scoped) only; superusers pass ``has_perm`` but are not residents."""
    require(actor, "consultations.take_part", consultation)
    if not may_take_part(actor, consultation):
        raise PermissionDenied


def when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def require_open(consultation: Consultation, *, doing: str) -> None:
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


def normalised(text: str) -> str:
    """The form compared for duplicates: spacing and letter case do not make a statement new."""
    return " ".join(text.split()).casefold()


def clean_statement_text(text: str, *, taken: Iterable[str] = ()) -> str:
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
    if normalised(cleaned) in {normalised(t) for t in taken}:
        raise ValidationError(
            _("“%(text)s” is already a statement of this consultation.") % {"text": cleaned},
            code="duplicate",
        )
    return cleaned


def existing_texts(consultation: Consultation) -> list[str]:
    return list(Statement.objects.filter(consultation=consultation).values_list("text", flat=True))


def next_number(consultation: Consultation) -> int:
    """The next statement number; the caller holds the consultation's row lock, so numbers never collide."""
    last = (
        Statement.objects.filter(consultation=consultation)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def lock(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("community__street", "area")
        .get(pk=consultation.pk)
    )


def mark_analysis_dirty(consultation: Consultation) -> None:
    """Ask the background job to compute the opinion map again.

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
        # The first change since the last map queues one recomputation; later ones ride along with it.
        consultation_id = consultation.pk
        transaction.on_commit(lambda: schedule_analysis(consultation_id))
