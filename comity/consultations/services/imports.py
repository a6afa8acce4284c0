"""Creating a consultation from a Pol.is conversation (staff who run the community's consultations).

Pol.is moderation maps as follows: ``1`` → accepted; ``-1`` → taken down with the reason “Moderated out in
Pol.is”; ``0`` (not yet moderated) → accepted, because Pol.is shows unmoderated comments to participants and counts
them in its mathematics — except in a conversation that ``conversation.json`` says was strictly moderated, where
Pol.is hid them, so they wait for review here (and the consultation keeps strict moderation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.consultations.models import Analysis, Consultation, Moderation, Statement, Vote
from comity.consultations.polis.upload import EARLIEST_REAL_TIME, PolisUpload, moment_of
from comity.consultations.services.common import MANAGE
from comity.foundation.audit import record_audit
from comity.foundation.services import require, service
from comity.structure.models import Community

BATCH = 5000
#: Pol.is moderation codes and ours.
MODERATION_OF = {1: Moderation.ACCEPTED, -1: Moderation.REJECTED}


@dataclass(frozen=True)
class ImportDetails:
    """What the staff typed or the files said about the imported consultation (already checked)."""

    title: str
    question: str
    background: str
    opens_at: datetime
    closes_at: datetime
    published: bool = False


def _statements(consultation: Consultation, upload: PolisUpload) -> list[Statement]:
    unmoderated = Moderation.PENDING if upload.strict else Moderation.ACCEPTED
    reason = _("Moderated out in Pol.is")
    return [
        Statement(
            community_id=consultation.community_id,
            consultation=consultation,
            number=s.id,
            text=s.text.replace("\x00", ""),  # PostgreSQL cannot store NUL characters
            is_seed=s.is_seed,
            is_meta=s.is_meta,
            moderation=MODERATION_OF.get(s.moderation, unmoderated),
            moderation_reason=reason if s.moderation == -1 else "",
        )
        for s in sorted(upload.conversation.statements.values(), key=lambda s: s.id)
    ]


def _votes(consultation: Consultation, upload: PolisUpload, now: datetime) -> list[Vote]:
    ids = dict(Statement.objects.filter(consultation=consultation).values_list("number", "pk"))
    votes = upload.conversation.votes
    undated = [stamp for *_rest, stamp in votes if stamp < EARLIEST_REAL_TIME]
    undated_base = now - timedelta(milliseconds=max(undated, default=0) + 1)
    rows = []
    for participant, number, value, stamp in votes:
        moment = moment_of(stamp, undated_base)
        rows.append(
            Vote(
                community_id=consultation.community_id,
                consultation=consultation,
                statement_id=ids[number],
                imported_participant=participant,
                value=value,
                created_at=moment,
                updated_at=moment,
            )
        )
    return rows


@service
def create_imported_consultation(
    actor: User, community: Community, upload: PolisUpload, details: ImportDetails
) -> Consultation:
    """Create the consultation of a Pol.is conversation already read and checked (:mod:`comity.consultations
    .polis.importing` reads the files and computes the map afterwards): its statements with their Pol.is numbers,
    the votes of its participants (numbers, no accounts), a dirty opinion map, and the audit entry."""
    require(actor, MANAGE, community)
    now = timezone.now()
    consultation = Consultation.objects.create(
        community=community,
        imported_from=upload.source,
        strict_moderation=upload.strict,
        created_by=actor,
        title=details.title,
        question=details.question,
        background=details.background,
        opens_at=details.opens_at,
        closes_at=details.closes_at,
        published=details.published,
        published_at=now if details.published else None,
    )
    Statement.objects.bulk_create(_statements(consultation, upload), batch_size=BATCH)
    Vote.objects.bulk_create(_votes(consultation, upload, now), batch_size=BATCH)
    Analysis.objects.create(community=community, consultation=consultation, dirty=True, requested_at=now)
    conversation = upload.conversation.conversation
    record_audit(
        actor=actor,
        action="consultation.import",
        obj=consultation,
        community=community,
        summary=gettext_noop(
            "Imported the consultation “%(title)s” from %(source)s: %(statements)s statements, %(votes)s votes"
        ),
        params={
            "title": consultation.title,
            "source": upload.source,
            "statements": len(upload.conversation.statements),
            "votes": conversation.n_votes,
        },
        changes={
            "source": upload.source,
            "statements": len(upload.conversation.statements),
            "votes": conversation.n_votes,
            "participants": conversation.n_participants,
        },
    )
    return consultation
