"""The Pol.is import (staff who run the community's consultations): files in, a consultation with its map out.

:func:`import_polis_conversation` reads an upload (:mod:`comity.consultations.polis.upload`, which uses the
engine's readers), fills in what the staff left empty from the files, and hands the conversation to the service
:func:`~comity.consultations.services.create_imported_consultation`, which writes it in one transaction: each
Pol.is comment becomes the statement with the same number (``tid``), each vote a vote of the imported participant
``pid`` (no account here) dated by its timestamp. Either way the opinion map is the one Pol.is computes: only
taken-down statements are left out. Then the map is computed at once
(:func:`~comity.consultations.computing.compute_analysis`), outside the import's transaction, as the background
job would run it. Any problem refuses the whole upload and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import User
from comity.consultations import services
from comity.consultations.computing import compute_analysis
from comity.consultations.models import Consultation
from comity.consultations.polis.upload import EARLIEST_REAL_TIME, PolisUpload, read_polis_upload
from comity.consultations.services.imports import ImportDetails
from comity.foundation.services import require
from comity.structure.models import Community

MANAGE = "consultations.manage_consultations"


def _dates(
    upload: PolisUpload, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The period the files say: from the conversation's creation (or its first vote) to just after its last
    vote. Dates the user gave win."""
    stamps = [stamp for *_rest, stamp in upload.conversation.votes if stamp >= EARLIEST_REAL_TIME]
    created = upload.created if upload.created and upload.created >= EARLIEST_REAL_TIME else None
    first = min([*stamps, *([created] if created else [])], default=None)
    default_open = datetime.fromtimestamp(first / 1000, tz=UTC) if first else now
    default_close = datetime.fromtimestamp(max(stamps) / 1000, tz=UTC) if stamps else now
    opens = opens_at or default_open
    closes = closes_at or max(default_close, opens) + timedelta(minutes=1)
    return opens, closes


def _described(
    upload: PolisUpload, title: str, question: str, background: str
) -> tuple[str, str, str, dict[str, list[str]]]:
    """Title, question and background: as typed, else from the files (the topic; the description, or the
    topic when the description is too long for a question — it then becomes the background)."""
    description = upload.description
    title = " ".join(title.split()) or upload.topic[:160]
    question = question.strip()
    if not question and description and len(description) <= 500:
        question, description = description, ""
    question = question or upload.topic[:500] or title[:500]
    background = background.strip() or description
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the consultation a title: the files do not name one.")]
    return title, question, background, errors


def import_polis_conversation(
    actor: User,
    community: Community,
    files: Sequence[Any],
    *,
    title: str = "",
    question: str = "",
    background: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    publish: bool = False,
    vote_sign: str = "auto",
) -> Consultation:
    """Create a consultation from the files of a Pol.is conversation, and compute its opinion map.

    Title, question and dates left empty come from the files (``conversation.json`` or ``summary.csv``, the
    votes' times). The consultation stays a draft unless ``publish``; imported participants have no account,
    so they only ever appear as numbers. Refusals are ``ValidationError`` keyed by form field (``upload`` for
    the upload itself), with nothing written.
    """
    require(actor, MANAGE, community)
    upload = read_polis_upload(files, vote_sign=vote_sign)
    now = timezone.now()
    title, question, background, errors = _described(upload, title, question, background)
    opens, closes = _dates(upload, opens_at, closes_at, now)
    if closes <= opens:
        errors["closes_at"] = [_("The consultation must close after it opens.")]
    if errors:
        raise ValidationError(errors)
    details = ImportDetails(
        title=title,
        question=question,
        background=background,
        opens_at=opens,
        closes_at=closes,
        published=publish,
    )
    consultation = services.create_imported_consultation(actor, community, upload, details)
    # Outside the import's transaction, as the background job would run it.
    compute_analysis(consultation.pk)
    return consultation
