"""Reading an upload of Pol.is files: which files came, in which format, and whether they can be trusted.

Staff upload either the two files of the Pol.is API (``votes.json`` and ``comments.json``) or of the Pol.is
open-data export (``votes.csv`` and ``comments.csv``), optionally with the conversation's own description
(``conversation.json``, or the export's ``summary.csv``), or one ``.zip`` holding them. The formats themselves
are the engine's (:mod:`comity.engine.opinions.polis_format`); this module only gathers the bytes, refuses what
is not a Pol.is conversation (unknown files, archives that unpack to more than the limit, too many files) and
turns every problem into a message in the user's language that names the file and, from the engine, the line
or record. Everything raises :class:`~django.core.exceptions.ValidationError` keyed by the form field
``upload``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from comity.engine.opinions.polis_format import PolisConversation, PolisFormatError, parse_api, parse_csv

API_FILES = ("votes.json", "comments.json")
CSV_FILES = ("votes.csv", "comments.csv")
#: The conversation's own description: its topic (and, from the API, its description and moderation).
METADATA_FILES = ("conversation.json", "summary.csv")
#: Other files of a Pol.is export, or of Comity's own, that an archive may hold; they are not read.
OTHER_FILES = (
    "math-pca2.json",
    "participants-votes.csv",
    "comment-groups.csv",
    "readme.txt",
    "readme.md",
)
KNOWN_FILES = frozenset(API_FILES + CSV_FILES + METADATA_FILES + OTHER_FILES)
#: A Pol.is export has at most nine files; anything much larger is not one.
MAX_ARCHIVE_MEMBERS = 20
#: The largest id a PositiveIntegerField holds on every database.
MAX_ID = 2_147_483_647
VOTE_SIGNS = ("auto", "agree-positive", "agree-negative")
#: Timestamps below this (milliseconds; early 1973) are not times: the engine numbers undated votes 0, 1, 2…
EARLIEST_REAL_TIME = 10**11


@dataclass(frozen=True)
class PolisUpload:
    """A conversation read from an upload, with what the files say about it."""

    conversation: PolisConversation
    #: How the import describes its source (stored in ``Consultation.imported_from``).
    source: str
    topic: str = ""
    description: str = ""
    #: ``conversation.json`` says the conversation was strictly moderated (unmoderated comments were hidden).
    strict: bool = False
    #: When the conversation was created, in milliseconds since the epoch, if the files say.
    created: int | None = None


def moment_of(stamp: int, undated_base: datetime) -> datetime:
    """A vote's time from its Pol.is timestamp; an undated vote's number counts on from ``undated_base``."""
    if stamp >= EARLIEST_REAL_TIME:
        return datetime.fromtimestamp(stamp / 1000, tz=UTC)
    return undated_base + timedelta(milliseconds=stamp)


def problem(message: str) -> ValidationError:
    return ValidationError({"upload": [message]}, code="polis_file")


def max_bytes() -> int:
    return int(settings.COMITY_POLIS_IMPORT_MAX_BYTES)


def _too_large(limit: int) -> ValidationError:
    return problem(
        _("The upload is too large: a conversation may have at most %(size)s of files, unpacked.")
        % {"size": filesizeformat(limit)}
    )


def _read_bounded(upload: Any, limit: int) -> bytes:
    """At most ``limit`` bytes of an uploaded file; more is refused without reading it all."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(max_bytes())
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(max_bytes())
    return bytes(data)


def _base_name(name: str) -> str:
    return PurePosixPath(str(name).replace("\\", "/")).name


def _not_polis(name: str, archive: str = "") -> ValidationError:
    expected = _(
        "A conversation is votes.json and comments.json (Pol.is API) or votes.csv and comments.csv "
        "(Pol.is open-data export), with conversation.json or summary.csv if you have them."
    )
    if archive:
        message = _("%(archive)s holds %(file)s, which is not a file of a Pol.is conversation.") % {
            "archive": archive,
            "file": name,
        }
    else:
        message = _("%(file)s is not a file of a Pol.is conversation.") % {"file": name}
    return problem(f"{message} {expected}")


def _skipped(path: str) -> bool:
    """Folders and the litter of desktop archivers (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``)."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return not parts or parts[0] == "__MACOSX" or parts[-1].startswith(".") or parts[-1] == "Thumbs.db"


def _unpack(data: bytes, archive_name: str) -> dict[str, bytes]:
    """The Pol.is files of a ``.zip``; a member may sit in a folder. Sizes are checked as they are read, not
    only as the archive declares them, so an archive that unpacks to more than the limit is refused."""
    limit = max_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise problem(
            _("%(file)s is not a .zip archive that can be opened.") % {"file": archive_name}
        ) from error
    contents: dict[str, bytes] = {}
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir() and not _skipped(info.filename)]
        if len(members) > MAX_ARCHIVE_MEMBERS:
            raise problem(
                _("%(archive)s holds %(n)d files; a Pol.is conversation has at most %(max)d.")
                % {"archive": archive_name, "n": len(members), "max": MAX_ARCHIVE_MEMBERS}
            )
        total = 0
        for info in members:
            name = _base_name(info.filename).lower()
            if name not in KNOWN_FILES:
                raise _not_polis(_base_name(info.filename), archive_name)
            if name in contents:
                raise problem(
                    _("%(archive)s holds more than one %(file)s.") % {"archive": archive_name, "file": name}
                )
            if info.flag_bits & 0x1:
                raise problem(
                    _("%(archive)s is protected by a password; upload it without one.")
                    % {"archive": archive_name}
                )
            if info.file_size > limit - total:
                raise _too_large(limit)
            try:
                with archive.open(info) as member:
                    content = member.read(limit - total + 1)
            except (
                zipfile.BadZipFile,
                RuntimeError,
                NotImplementedError,
                OSError,
                EOFError,
                zlib.error,
            ) as err:
                raise problem(
                    _("%(file)s in %(archive)s could not be unpacked.")
                    % {"file": name, "archive": archive_name}
                ) from err
            if len(content) > limit - total:
                raise _too_large(limit)
            total += len(content)
            contents[name] = content
    return contents


def gather(files: Sequence[Any]) -> tuple[dict[str, bytes], str]:
    """The uploaded files by lower-case name, and the name of the archive they came in (or ``""``)."""
    if not files:
        raise problem(_("Choose the files of the conversation to import."))
    limit = max_bytes()
    archives = [upload for upload in files if _base_name(upload.name).lower().endswith(".zip")]
    if archives:
        if len(files) > 1:
            raise problem(_("Upload either one .zip archive or the files themselves, not both."))
        name = _base_name(archives[0].name)
        return _unpack(_read_bounded(archives[0], limit), name), name
    contents: dict[str, bytes] = {}
    total = 0
    for upload in files:
        name = _base_name(upload.name).lower()
        if name not in KNOWN_FILES:
            raise _not_polis(_base_name(upload.name))
        if name in contents:
            raise problem(_("%(file)s was uploaded twice.") % {"file": name})
        contents[name] = _read_bounded(upload, limit - total)
        total += len(contents[name])
    return contents, ""


def _text(contents: dict[str, bytes], name: str) -> str:
    try:
        return contents[name].decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise problem(
            _("%(file)s is not UTF-8 text (the byte at position %(position)d cannot be read).")
            % {"file": name, "position": error.start}
        ) from error


def _json(contents: dict[str, bytes], name: str) -> Any:
    try:
        return json.loads(_text(contents, name))
    except json.JSONDecodeError as error:
        raise problem(
            _("%(file)s is not valid JSON: line %(line)d, column %(column)d (%(problem)s).")
            % {"file": name, "line": error.lineno, "column": error.colno, "problem": error.msg}
        ) from error


def _records(contents: dict[str, bytes], name: str) -> list[dict[str, Any]]:
    data = _json(contents, name)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise problem(
            _("%(file)s should hold a JSON list of records, as the Pol.is API gives.") % {"file": name}
        )
    return data


def _engine_problem(error: Exception) -> ValidationError:
    if isinstance(error, PolisFormatError):
        return problem(_("The files are not a Pol.is conversation: %(problem)s") % {"problem": str(error)})
    return problem(
        _("The files could not be read as a Pol.is conversation (%(problem)s).") % {"problem": str(error)}
    )


def _pair(contents: dict[str, bytes]) -> tuple[str, str]:
    """The pair of files to read: the API's if both are there (as the CLI prefers), else the export's."""
    for pair in (API_FILES, CSV_FILES):
        if all(name in contents for name in pair):
            return pair
    for votes, comments in (API_FILES, CSV_FILES):
        if (votes in contents) != (comments in contents):
            present, missing = (votes, comments) if votes in contents else (comments, votes)
            raise problem(
                _("%(present)s is there but %(missing)s is missing: a Pol.is conversation needs both.")
                % {"present": present, "missing": missing}
            )
    raise problem(
        _(
            "No Pol.is conversation found: upload votes.json and comments.json (Pol.is API), or votes.csv "
            "and comments.csv (Pol.is open-data export), or one .zip holding either pair."
        )
    )


def _check_ids(parsed: PolisConversation, votes_name: str, comments_name: str) -> None:
    """Ids the database can hold, and no vote on a statement the comments file does not have."""
    statements = parsed.statements
    if not statements:
        raise problem(_("%(file)s holds no comments: there is nothing to vote on.") % {"file": comments_name})
    for sid in statements:
        if not 0 <= sid <= MAX_ID:
            raise problem(
                _("%(file)s: statement ids must be whole numbers from 0 to %(max)d; found %(id)d.")
                % {"file": comments_name, "max": MAX_ID, "id": sid}
            )
    voted = {int(s) for s in parsed.conversation.statement_ids}
    unknown = sorted(voted - set(statements))
    if unknown:
        shown = ", ".join(str(sid) for sid in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise problem(
            _("%(votes)s has votes on statements that %(comments)s does not have: %(ids)s.")
            % {"votes": votes_name, "comments": comments_name, "ids": shown}
        )
    participants = parsed.conversation.participant_ids
    lowest, highest = (int(participants.min()), int(participants.max())) if len(participants) else (0, 0)
    if lowest < 0 or highest > MAX_ID:
        found = lowest if lowest < 0 else highest
        raise problem(
            _("%(file)s: participant ids must be whole numbers from 0 to %(max)d; found %(id)d.")
            % {"file": votes_name, "max": MAX_ID, "id": found}
        )


def _metadata(contents: dict[str, bytes]) -> dict[str, Any]:
    """Topic, description, strict moderation and creation time from ``conversation.json`` or ``summary.csv``."""
    if "conversation.json" in contents:
        meta = _json(contents, "conversation.json")
        if not isinstance(meta, dict):
            raise problem(_("%(file)s should hold one JSON object.") % {"file": "conversation.json"})
        try:
            created_ms: int | None = int(float(str(meta["created"])))
        except (KeyError, TypeError, ValueError, OverflowError):
            created_ms = None
        return {
            "topic": " ".join(str(meta.get("topic") or "").replace("\x00", "").split()),
            "description": str(meta.get("description") or "").replace("\x00", "").strip(),
            "strict": meta.get("strict_moderation") is True,
            "created": created_ms,
        }
    if "summary.csv" in contents:
        try:
            rows = list(csv.reader(io.StringIO(_text(contents, "summary.csv"))))
        except csv.Error as error:
            raise problem(
                _("summary.csv could not be read (%(problem)s).") % {"problem": str(error)}
            ) from error
        topic = next((row[1] for row in rows if len(row) >= 2 and row[0] == "topic"), "")
        return {"topic": " ".join(topic.replace("\x00", "").split())}
    return {}


def _describe(pair: tuple[str, str], contents: dict[str, bytes], archive: str) -> str:
    files = ", ".join(name for name in (*pair, *METADATA_FILES) if name in contents)
    if pair == API_FILES:
        source = _("Pol.is API files (%(files)s)") % {"files": files}
    else:
        source = _("Pol.is open-data export (%(files)s)") % {"files": files}
    if archive:
        source = _("%(source)s from %(archive)s") % {"source": source, "archive": archive}
    return source[:255]


def read_polis_upload(files: Sequence[Any], *, vote_sign: str = "auto") -> PolisUpload:
    """Read uploaded files (Django ``UploadedFile`` objects, or anything with ``name`` and ``read``).

    ``vote_sign`` is the engine's: ``auto`` tells the live API's coding (agree = −1) from saved files' (agree =
    +1) by the comments' own agree counts.
    """
    if vote_sign not in VOTE_SIGNS:
        raise ValidationError({"vote_sign": [_("Choose how votes.json codes agreement.")]}, code="vote_sign")
    contents, archive = gather(files)
    pair = _pair(contents)
    try:
        if pair == API_FILES:
            parsed = parse_api(
                _records(contents, "votes.json"), _records(contents, "comments.json"), vote_sign=vote_sign
            )
        else:
            parsed = parse_csv(_text(contents, "votes.csv"), _text(contents, "comments.csv"))
    except ValidationError:
        raise
    except (
        PolisFormatError,
        csv.Error,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        OverflowError,
    ) as error:
        raise _engine_problem(error) from error
    _check_ids(parsed, *pair)
    return PolisUpload(conversation=parsed, source=_describe(pair, contents, archive), **_metadata(contents))
