"""Reading and writing conversations in Pol.is's formats.

* **API format** — ``votes.json`` and ``comments.json`` as the Pol.is API serves them: ids under
  ``pid``/``tid`` or ``participant_id``/``statement_id``. The live API codes **agree as −1**, while files saved
  by red-dwarf (its test fixtures among them) are already flipped to agree = +1. The reader tells them apart by
  the ``agree_count``/``disagree_count`` the comments carry (whichever coding reproduces more of them wins)
  and otherwise assumes agree = +1; ``vote_sign`` overrides the guess.
* **Open-data export** — ``votes.csv`` (``timestamp, datetime, comment-id, voter-id, vote``, agree = +1) and
  ``comments.csv`` (``timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
  comment-body``).
* **Math output** — :func:`comity.engine.opinions.analysis.analysis_to_polis` writes the structure of the
  server's ``math-pca2.json``, in the server's own vote coding (agree = −1: centres and projections change sign,
  components do not).

Moderated-out statements are those with ``mod``/``moderated`` = −1; meta statements are left out of the
mathematics too, as the server does.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from comity.engine.opinions.votes import Conversation, VoteError


class PolisFormatError(ValueError):
    """A file that is not a Pol.is conversation; the message names the file and, for CSV, the line."""


@dataclass(frozen=True)
class PolisStatement:
    id: int
    text: str
    author: int | None = None
    moderation: int = 0  # 1 accepted, 0 not yet moderated, -1 moderated out
    is_meta: bool = False
    is_seed: bool = False
    created: int | None = None
    agree_count: int | None = None
    disagree_count: int | None = None


@dataclass(frozen=True, eq=False)
class PolisConversation:
    conversation: Conversation
    statements: dict[int, PolisStatement] = field(default_factory=dict)
    source: str = ""
    topic: str = ""
    description: str = ""

    @property
    def votes(self) -> list[tuple[int, int, int, int]]:
        conv = self.conversation
        return [
            (int(conv.participant_ids[r]), int(conv.statement_ids[c]), int(v), int(t))
            for r, c, v, t in zip(conv.rows, conv.cols, conv.values, conv.first_at, strict=True)
        ]


def _first(record: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in record and record[name] is not None:
            return record[name]
    raise KeyError(names[0])


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(float(text)) if text.replace(".", "", 1).lstrip("-").isdigit() else int(text)


def _load_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PolisFormatError(f"{path.name}: cannot be read ({error})") from error
    except json.JSONDecodeError as error:
        raise PolisFormatError(f"{path.name}: not valid JSON (line {error.lineno}: {error.msg})") from error
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise PolisFormatError(f"{path.name}: expected a JSON list of objects")
    return data


def _as_time(value: Any) -> int:
    """Milliseconds since the epoch from a number, a numeric string or an ISO 8601 time."""
    try:
        return _as_int(value)
    except (TypeError, ValueError):
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)


def _agree_is_positive(votes: list[tuple[int, int, int]], statements: dict[int, PolisStatement]) -> bool:
    """Guess the coding from the comments' own agree counts (ties and missing counts: agree = +1)."""
    counted = {sid: s for sid, s in statements.items() if s.agree_count is not None}
    if not counted:
        return True
    plus: dict[int, int] = {}
    minus: dict[int, int] = {}
    for _participant, sid, value in votes:
        if value == 1:
            plus[sid] = plus.get(sid, 0) + 1
        elif value == -1:
            minus[sid] = minus.get(sid, 0) + 1
    positive = sum(1 for sid, s in counted.items() if plus.get(sid, 0) == s.agree_count)
    negative = sum(1 for sid, s in counted.items() if minus.get(sid, 0) == s.agree_count)
    return positive >= negative


def parse_api(
    votes: list[dict[str, Any]],
    comments: list[dict[str, Any]],
    *,
    vote_sign: str = "auto",
    votes_name: str = "votes.json",
    comments_name: str = "comments.json",
) -> PolisConversation:
    """``vote_sign``: ``"auto"``, ``"agree-positive"`` (agree = +1) or ``"agree-negative"`` (the live API)."""
    if vote_sign not in ("auto", "agree-positive", "agree-negative"):
        raise PolisFormatError(f"unknown vote sign convention {vote_sign!r}")
    statements: dict[int, PolisStatement] = {}
    for index, record in enumerate(comments):
        try:
            sid = _as_int(_first(record, "tid", "statement_id"))
            moderation = _as_int(record.get("mod", record.get("moderated", 0)) or 0)
            author = record.get("pid", record.get("participant_id"))
            created = record.get("created")
            statements[sid] = PolisStatement(
                id=sid,
                text=str(record.get("txt", "")),
                author=None if author is None else _as_int(author),
                moderation=moderation,
                is_meta=bool(record.get("is_meta", False)),
                is_seed=bool(record.get("is_seed", False)),
                created=None if created is None else _as_time(created),
                agree_count=_optional_int(record.get("agree_count")),
                disagree_count=_optional_int(record.get("disagree_count")),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise PolisFormatError(
                f"{comments_name}: comment #{index + 1} is malformed ({error!r})"
            ) from error
    participants, tids, values, times = [], [], [], []
    for index, record in enumerate(votes):
        try:
            participants.append(_as_int(_first(record, "pid", "participant_id")))
            tids.append(_as_int(_first(record, "tid", "statement_id")))
            value = _as_int(_first(record, "vote"))
            times.append(_as_time(record.get("modified", record.get("created", index))))
        except (KeyError, ValueError, TypeError) as error:
            raise PolisFormatError(f"{votes_name}: vote #{index + 1} is malformed ({error!r})") from error
        if value not in (-1, 0, 1):
            raise PolisFormatError(f"{votes_name}: vote #{index + 1} has value {value}; expected -1, 0 or 1")
        values.append(value)
    if vote_sign == "auto":
        positive = _agree_is_positive(list(zip(participants, tids, values, strict=True)), statements)
    else:
        positive = vote_sign == "agree-positive"
    if not positive:
        values = [-v for v in values]
    return _build(participants, tids, values, times, statements)


def _optional_int(value: Any) -> int | None:
    try:
        return None if value is None or value == "" else _as_int(value)
    except (TypeError, ValueError):
        return None


def parse_csv(votes_text: str, comments_text: str) -> PolisConversation:
    statements: dict[int, PolisStatement] = {}
    reader = csv.DictReader(io.StringIO(comments_text))
    _require(reader.fieldnames, {"comment-id", "comment-body"}, "comments.csv")
    for record in reader:
        try:
            sid = _as_int(record["comment-id"])
            author = record.get("author-id")
            moderated = record.get("moderated") or "0"
            created = record.get("timestamp")
            statements[sid] = PolisStatement(
                id=sid,
                text=record.get("comment-body") or "",
                author=_as_int(author) if author not in (None, "") else None,
                moderation=_as_int(moderated),
                created=_as_time(created) if created else None,
            )
        except (ValueError, TypeError) as error:
            raise PolisFormatError(f"comments.csv, line {reader.line_num}: {error}") from error
    rows = csv.reader(io.StringIO(votes_text))
    header = next(rows, [])
    _require(header, {"comment-id", "voter-id", "vote"}, "votes.csv")
    voter_at, comment_at, vote_at = header.index("voter-id"), header.index("comment-id"), header.index("vote")
    stamp_at = header.index("timestamp") if "timestamp" in header else None
    participants, tids, values, times = [], [], [], []
    for row in rows:
        if not row:
            continue
        try:
            participant, tid, value = int(row[voter_at]), int(row[comment_at]), int(row[vote_at])
            stamp = row[stamp_at] if stamp_at is not None else ""
            moment = int(stamp) if stamp.isdigit() else (_as_time(stamp) if stamp else rows.line_num)
        except (ValueError, TypeError, IndexError) as error:
            raise PolisFormatError(f"votes.csv, line {rows.line_num}: {error}") from error
        if value not in (-1, 0, 1):
            raise PolisFormatError(f"votes.csv, line {rows.line_num}: vote {value}; expected -1, 0 or 1")
        participants.append(participant)
        tids.append(tid)
        values.append(value)
        times.append(moment)
    return _build(participants, tids, values, times, statements)


def _require(fieldnames: Iterable[str] | None, needed: set[str], name: str) -> None:
    missing = needed - set(fieldnames or ())
    if missing:
        raise PolisFormatError(f"{name}: missing column(s) {', '.join(sorted(missing))}")


def _build(
    participants: list[int],
    tids: list[int],
    values: list[int],
    times: list[int],
    statements: dict[int, PolisStatement],
) -> PolisConversation:
    moderated_out = {s.id for s in statements.values() if s.moderation == -1}
    meta = {s.id for s in statements.values() if s.is_meta}
    try:
        conversation = Conversation.from_votes(
            participants, tids, values, times, moderated_out=moderated_out, meta=meta
        )
    except VoteError as error:
        raise PolisFormatError(str(error)) from error
    return PolisConversation(conversation=conversation, statements=statements)


def read_conversation(path: str | Path, *, vote_sign: str = "auto") -> PolisConversation:
    """Read a directory holding either format (API JSON is preferred when both are there)."""
    folder = Path(path)
    if not folder.is_dir():
        raise PolisFormatError(f"{folder}: not a directory")
    if (folder / "votes.json").exists():
        if not (folder / "comments.json").exists():
            raise PolisFormatError(f"{folder}: votes.json without comments.json")
        parsed = parse_api(
            _load_json(folder / "votes.json"), _load_json(folder / "comments.json"), vote_sign=vote_sign
        )
    elif (folder / "votes.csv").exists():
        if not (folder / "comments.csv").exists():
            raise PolisFormatError(f"{folder}: votes.csv without comments.csv")
        try:
            votes_text = (folder / "votes.csv").read_text(encoding="utf-8-sig")
            comments_text = (folder / "comments.csv").read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise PolisFormatError(f"{folder}: cannot read the CSV files ({error})") from error
        parsed = parse_csv(votes_text, comments_text)
    else:
        raise PolisFormatError(
            f"{folder}: no votes.json/comments.json (Pol.is API) or votes.csv/comments.csv (Pol.is export)"
        )
    topic, description = "", ""
    if (folder / "conversation.json").exists():
        try:
            meta = json.loads((folder / "conversation.json").read_text(encoding="utf-8"))
            topic, description = str(meta.get("topic") or ""), str(meta.get("description") or "")
        except (OSError, ValueError, AttributeError):
            pass
    elif (folder / "summary.csv").exists():
        for row in csv.reader(io.StringIO((folder / "summary.csv").read_text(encoding="utf-8-sig"))):
            if len(row) >= 2 and row[0] == "topic":
                topic = row[1]
    return PolisConversation(
        conversation=parsed.conversation,
        statements=parsed.statements,
        source=str(folder),
        topic=topic,
        description=description,
    )


def write_api(conversation: PolisConversation) -> tuple[str, str]:
    """``votes.json`` and ``comments.json`` text in the API format, agree = +1 as red-dwarf saves them.

    The comments carry ``agree_count``/``disagree_count`` so that readers can tell the coding.
    """
    votes = [{"pid": p, "tid": t, "vote": v, "modified": stamp} for p, t, v, stamp in conversation.votes]
    conv = conversation.conversation
    agree, disagree, seen = conv.statement_counts()
    counts = {
        int(s): (int(a), int(d), int(n))
        for s, a, d, n in zip(conv.statement_ids, agree, disagree, seen, strict=True)
    }
    comments = [
        {
            "tid": s.id,
            "txt": s.text,
            "pid": s.author,
            "mod": s.moderation,
            "is_meta": s.is_meta,
            "is_seed": s.is_seed,
            "created": s.created,
            "agree_count": counts.get(s.id, (0, 0, 0))[0],
            "disagree_count": counts.get(s.id, (0, 0, 0))[1],
            "count": counts.get(s.id, (0, 0, 0))[2],
        }
        for s in sorted(conversation.statements.values(), key=lambda s: s.id)
    ]
    return json.dumps(votes, ensure_ascii=False, indent=1), json.dumps(comments, ensure_ascii=False, indent=1)


def write_csv(conversation: PolisConversation) -> tuple[str, str]:
    """``votes.csv`` and ``comments.csv`` text in the open-data export format (agree = +1)."""
    conv = conversation.conversation
    agree, disagree, _seen = conv.statement_counts()
    counts = {int(s): (int(a), int(d)) for s, a, d in zip(conv.statement_ids, agree, disagree, strict=True)}
    votes_out = io.StringIO()
    writer = csv.writer(votes_out, lineterminator="\n")
    writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    for p, t, v, stamp in sorted(conversation.votes, key=lambda vote: (vote[3], vote[0], vote[1])):
        writer.writerow([stamp, "", t, p, v])
    comments_out = io.StringIO()
    writer = csv.writer(comments_out, lineterminator="\n")
    writer.writerow(
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ]
    )
    for statement in sorted(conversation.statements.values(), key=lambda s: s.id):
        a, d = counts.get(statement.id, (0, 0))
        writer.writerow(
            [
                statement.created or "",
                "",
                statement.id,
                "" if statement.author is None else statement.author,
                a,
                d,
                statement.moderation,
                statement.text,
            ]
        )
    return votes_out.getvalue(), comments_out.getvalue()
