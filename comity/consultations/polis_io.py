"""Pol.is import and export of consultations (staff who run the community's consultations).

**Import.** :func:`import_polis_conversation` reads an upload (:mod:`comity.consultations.polis_files`, which
uses the engine's readers) and creates a new consultation in one transaction: each Pol.is comment becomes the
statement with the same number (``tid``), each vote a vote of the imported participant ``pid`` (no account
here) dated by its timestamp. Pol.is moderation maps as follows: ``1`` → accepted; ``-1`` → taken down with the
reason “Moderated out in Pol.is”; ``0`` (not yet moderated) → accepted, because Pol.is shows unmoderated
comments to participants and counts them in its mathematics — except in a conversation that
``conversation.json`` says was strictly moderated, where Pol.is hid them, so they wait for review here (and the
consultation keeps strict moderation). Either way the opinion map is the one Pol.is computes: only taken-down
statements are left out. Then the map is computed at once
(:func:`~comity.consultations.computing.compute_analysis`). Any problem refuses the whole upload and nothing is
written.

**Export.** :func:`export_polis_conversation` writes a ``.zip`` with the votes and comments in both Pol.is
formats (the engine's writers, agree = +1), the stored opinion map as ``math-pca2.json`` (recomputed first if
out of date), ``conversation.json`` and a ``README.txt``. Participants and authors appear as numbers 0, 1, 2…
in the order they first voted — never user ids, names or Pol.is ids; the text of statements taken down is left
out (they may have been taken down for naming someone); and the export is audited.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.consultations.computing import compute_analysis, participant_key
from comity.consultations.models import Analysis, Consultation, Moderation, Statement, Vote
from comity.consultations.polis_files import PolisUpload, read_polis_upload
from comity.consultations.services.common import require
from comity.engine.opinions import Conversation
from comity.engine.opinions.polis_format import PolisConversation, PolisStatement, write_api, write_csv
from comity.engine.spreadsheet import neutralise_cell
from comity.foundation.audit import record_audit
from comity.structure.models import Community

MANAGE = "consultations.manage_consultations"
BATCH = 5000
#: Timestamps below this (milliseconds; early 1973) are not times: the engine numbers undated votes 0, 1, 2…
EARLIEST_REAL_TIME = 10**11
#: Pol.is moderation codes and ours.
MODERATION_OF = {1: Moderation.ACCEPTED, -1: Moderation.REJECTED}
POLIS_MODERATION = {Moderation.ACCEPTED: 1, Moderation.PENDING: 0, Moderation.REJECTED: -1}


@dataclass(frozen=True)
class ImportedCounts:
    statements: int
    votes: int
    participants: int


# --- import -------------------------------------------------------------------------------------------------


def _moment(stamp: int, undated_base: datetime) -> datetime:
    if stamp >= EARLIEST_REAL_TIME:
        return datetime.fromtimestamp(stamp / 1000, tz=UTC)
    return undated_base + timedelta(milliseconds=stamp)


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
        moment = _moment(stamp, undated_base)
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


@transaction.atomic
def _write(actor: Any, community: Community, upload: PolisUpload, fields: dict[str, Any]) -> Consultation:
    now = timezone.now()
    consultation = Consultation.objects.create(
        community=community,
        imported_from=upload.source,
        strict_moderation=upload.strict,
        created_by=actor,
        published_at=now if fields["published"] else None,
        **fields,
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


def import_polis_conversation(
    actor: Any,
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
    fields = {
        "title": title,
        "question": question,
        "background": background,
        "opens_at": opens,
        "closes_at": closes,
        "published": publish,
    }
    consultation = _write(actor, community, upload, fields)
    # Outside the import's transaction, as the background job would run it.
    compute_analysis(consultation.pk)
    return consultation


def imported_counts(consultation: Consultation) -> ImportedCounts:
    votes = Vote.objects.filter(consultation=consultation)
    return ImportedCounts(
        statements=Statement.objects.filter(consultation=consultation).count(),
        votes=votes.count(),
        participants=votes.values("imported_participant").distinct().count(),
    )


# --- export -------------------------------------------------------------------------------------------------


def _milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _pseudonyms(first_votes: dict[int, datetime], authors: Sequence[int]) -> dict[int, int]:
    """Engine participant keys → 0, 1, 2… in the order of the first vote (ties by key); authors who never
    voted follow. Nothing of a user id or a Pol.is id survives."""
    order = sorted(first_votes, key=lambda key: (first_votes[key], key))
    numbers = {key: index for index, key in enumerate(order)}
    for key in authors:
        numbers.setdefault(key, len(numbers))
    return numbers


def _fresh_polis(consultation: Consultation, keys: set[int]) -> dict[str, Any]:
    """The stored ``math-pca2.json`` structure, recomputed first when out of date or about other voters."""
    row = Analysis.objects.filter(consultation=consultation).first()
    stale = row is None or row.dirty or row.computed_at is None
    if not stale:
        assert row is not None
        stale = not set(row.polis.get("in-conv", [])) <= keys
    if stale:
        row = compute_analysis(consultation.pk)
    return dict(row.polis) if row is not None else {}


def _pseudonymous_polis(polis: dict[str, Any], numbers: dict[int, int]) -> dict[str, Any]:
    """The participant ids of the Pol.is structure (``in-conv``, ``user-vote-counts``, base-cluster members)
    replaced by the export's numbers; a participant without one (none, once fresh) is left out."""
    out = copy.deepcopy(polis)
    if "in-conv" in out:
        out["in-conv"] = [numbers[int(p)] for p in out["in-conv"] if int(p) in numbers]
    if "user-vote-counts" in out:
        out["user-vote-counts"] = {
            str(numbers[int(p)]): n for p, n in out["user-vote-counts"].items() if int(p) in numbers
        }
    base = out.get("base-clusters")
    if isinstance(base, dict) and "members" in base:
        base["members"] = [
            [numbers[int(p)] for p in members if int(p) in numbers] for members in base["members"]
        ]
    return out


def _readme(consultation: Consultation, conversation: Conversation, statements: int, now: datetime) -> str:
    lines = [
        _("Consultation: %(title)s") % {"title": consultation.title},
        _("Question: %(question)s") % {"question": consultation.question},
        _("Community: %(community)s") % {"community": consultation.community.name},
        _("Exported from Comity on %(date)s (UTC).")
        % {"date": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M")},
        _("%(statements)d statements, %(participants)d participants, %(votes)d votes.")
        % {
            "statements": statements,
            "participants": conversation.n_participants,
            "votes": conversation.n_votes,
        },
    ]
    if consultation.imported_from:
        lines.append(_("Imported into Comity from: %(source)s") % {"source": consultation.imported_from})
    lines += [
        "",
        _("Files"),
        _("votes.json, comments.json — the Pol.is API format."),
        _("votes.csv, comments.csv — the Pol.is open-data export format."),
        _("math-pca2.json — the opinion map in the structure of the Pol.is server's math output."),
        _("conversation.json — the title (topic), the question (description) and the moderation setting."),
        "",
        _("Vote coding"),
        _(
            "In votes.json and votes.csv: 1 = agree, -1 = disagree, 0 = pass (the live Pol.is API codes agree "
            "as -1; these files do not). comments.json carries agree_count and disagree_count so that readers "
            "can tell."
        ),
        _(
            "math-pca2.json follows the Pol.is server's own coding, agree = -1: its centres and projections "
            "have the opposite sign."
        ),
        _("Moderation (mod, moderated): 1 = accepted, 0 = not yet reviewed, -1 = taken down."),
        "",
        _("Privacy"),
        _(
            "Participants and authors are numbered 0, 1, 2… in the order they first voted. The numbers are "
            "made for this export: they are not account numbers, names or Pol.is ids, and another export may "
            "number people differently. The text of a statement that was taken down is left out (it may have "
            "been taken down because it named someone); its number and its votes are kept, as in Pol.is."
        ),
        "",
    ]
    return "\n".join(lines)


def _conversation_json(consultation: Consultation) -> str:
    return json.dumps(
        {
            "topic": consultation.title,
            "description": consultation.question,
            "strict_moderation": consultation.strict_moderation,
            "created": _milliseconds(consultation.opens_at),
        },
        ensure_ascii=False,
        indent=1,
    )


def export_polis_conversation(actor: Any, consultation: Consultation) -> bytes:
    """The consultation as a ``.zip`` of Pol.is files (see the module's docstring); the export is audited."""
    require(actor, MANAGE, consultation)
    rows = list(
        Vote.objects.filter(consultation=consultation).values_list(
            "participant_id", "imported_participant", "statement__number", "value", "created_at"
        )
    )
    statements = list(
        Statement.objects.filter(consultation=consultation)
        .order_by("number")
        .values_list("number", "text", "author_id", "moderation", "is_meta", "is_seed", "created_at")
    )
    first_votes: dict[int, datetime] = {}
    for user, imported, _number, _value, created in rows:
        key = participant_key(user, imported)
        first_votes[key] = min(created, first_votes.get(key, created))
    authors = [author for _n, _t, author, *_rest in statements if author is not None]
    numbers = _pseudonyms(first_votes, authors)
    conversation = Conversation.from_votes(
        [numbers[participant_key(user, imported)] for user, imported, *_rest in rows],
        [number for _u, _i, number, _v, _c in rows],
        [value for _u, _i, _n, value, _c in rows],
        [_milliseconds(created) for *_rest, created in rows],
        moderated_out=[
            n for n, _t, _a, moderation, *_rest in statements if moderation == Moderation.REJECTED
        ],
        meta=[n for n, _t, _a, _m, is_meta, *_rest in statements if is_meta],
    )
    polis = PolisConversation(
        conversation=conversation,
        statements={
            number: PolisStatement(
                id=number,
                text="" if moderation == Moderation.REJECTED else text,
                author=numbers[author] if author is not None else None,
                moderation=POLIS_MODERATION[Moderation(moderation)],
                is_meta=is_meta,
                is_seed=is_seed,
                created=_milliseconds(created),
            )
            for number, text, author, moderation, is_meta, is_seed, created in statements
        },
    )
    math = _pseudonymous_polis(_fresh_polis(consultation, set(first_votes)), numbers)
    votes_json, comments_json = write_api(polis)
    # The CSV files open in spreadsheets: a statement such as "=HYPERLINK(…)" must not run as a formula there.
    votes_csv, comments_csv = write_csv(
        dataclasses.replace(
            polis,
            statements={
                number: dataclasses.replace(statement, text=str(neutralise_cell(statement.text)))
                for number, statement in polis.statements.items()
            },
        )
    )
    now = timezone.now()
    files = {
        "README.txt": _readme(consultation, conversation, len(statements), now),
        "conversation.json": _conversation_json(consultation),
        "votes.json": votes_json,
        "comments.json": comments_json,
        "votes.csv": votes_csv,
        "comments.csv": comments_csv,
        "math-pca2.json": json.dumps(math, ensure_ascii=False),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    record_audit(
        actor=actor,
        action="consultation.export",
        obj=consultation,
        community=consultation.community,
        summary=gettext_noop(
            "Exported the consultation “%(title)s” in Pol.is formats (%(participants)s participants, "
            "%(votes)s votes)"
        ),
        params={
            "title": consultation.title,
            "participants": conversation.n_participants,
            "votes": conversation.n_votes,
        },
        changes={
            "statements": len(statements),
            "participants": conversation.n_participants,
            "votes": conversation.n_votes,
            "files": sorted(files),
        },
    )
    return buffer.getvalue()
