"""The Pol.is export (staff who run the community's consultations).

:func:`export_polis_conversation` writes a ``.zip`` with the votes and comments in both Pol.is formats (the
engine's writers, agree = +1), the stored opinion map as ``math-pca2.json`` (recomputed first if out of date),
``conversation.json`` and a ``README.txt``. Participants and authors appear as numbers 0, 1, 2… in the order they
first voted — never user ids, names or Pol.is ids; the text of statements taken down is left out (they may have
been taken down for naming someone); and the export is audited. It is a read that leaves an audit entry, not a
write service: the map it may recompute first is computed outside any transaction, as the background job does.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.consultations.computing import compute_analysis, participant_key
from comity.consultations.models import Analysis, Consultation, Moderation, Statement, Vote
from comity.engine.opinions import Conversation
from comity.engine.opinions.polis_format import PolisConversation, PolisStatement, write_api, write_csv
from comity.engine.spreadsheet import neutralise_cell
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require

MANAGE = "consultations.manage_consultations"
POLIS_MODERATION = {Moderation.ACCEPTED: 1, Moderation.PENDING: 0, Moderation.REJECTED: -1}


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


def export_polis_conversation(actor: Actor, consultation: Consultation) -> bytes:
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
