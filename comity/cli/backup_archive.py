"""One backup archive: the database dump, the media files and a manifest, in a gzip-compressed tar.

Layout (every name under ``comity-backup/``)::

    header.json        first: format, Comity version, database vendor, created at — enough to refuse early
    database.pgdump    pg_dump's custom format (PostgreSQL), or database.sqlite3 (SQLite)
    media/…            the media folder, file by file
    manifest.json      last: the header again, the applied migrations, the rows of every table, and the SHA-256
                       and size of the dump and of every media file

The manifest comes last so that the checksums are taken of exactly the bytes written (a file uploaded while the
backup runs is either in it whole or not at all). A restore unpacks into a staging folder and checks every member
against the manifest before it touches anything: a truncated, altered or foreign archive is refused with nothing
changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

from comity import __version__
from comity.cli.backup_databases import BackupError, Vendor

FORMAT = "comity-backup"
FORMAT_VERSION = 1
ROOT = "comity-backup"
CHUNK = 1024 * 1024


@dataclass
class Manifest:
    vendor: str
    database_file: str
    created_at: str
    comity_version: str
    server_version: str = ""
    migrations: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    #: archive name (relative to the root) → {"sha256": …, "bytes": …}, the dump and every media file
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    media_included: bool = True

    def header(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "comity_version": self.comity_version,
            "vendor": self.vendor,
            "created_at": self.created_at,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            **self.header(),
            "database": {"file": self.database_file, "server_version": self.server_version},
            "migrations": self.migrations,
            "tables": self.tables,
            "media": {
                "included": self.media_included,
                "files": sum(1 for name in self.files if name.startswith("media/")),
                "bytes": sum(
                    entry["bytes"] for name, entry in self.files.items() if name.startswith("media/")
                ),
            },
            "files": self.files,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        try:
            return cls(
                vendor=data["vendor"],
                database_file=data["database"]["file"],
                created_at=data["created_at"],
                comity_version=data["comity_version"],
                server_version=data["database"].get("server_version", ""),
                migrations={app: list(names) for app, names in data["migrations"].items()},
                tables={table: int(rows) for table, rows in data["tables"].items()},
                files=dict(data["files"]),
                media_included=bool(data["media"]["included"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BackupError(
                _("The archive's manifest is incomplete (%(error)r).") % {"error": error}
            ) from error

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


class _Hashing(io.RawIOBase):
    """A file read through once for the tar, hashed on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under the media folder, by its archive name; links are not followed."""
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield f"media/{path.relative_to(media_root).as_posix()}", path


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(f"{ROOT}/{name}")
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=f"{ROOT}/{name}")
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        hashing = _Hashing(handle)
        tar.addfile(info, hashing)
    return {"sha256": hashing.digest.hexdigest(), "bytes": info.size}


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode()


def write_archive(destination: Path, vendor: Vendor, media_root: Path | None) -> Manifest:
    """Dump the database and pack it with the media; the archive appears under its name only when complete."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        vendor=vendor.name,
        database_file=vendor.file_name,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        comity_version=__version__,
        media_included=media_root is not None,
    )
    with tempfile.TemporaryDirectory(prefix=".comity-backup-", dir=destination.parent) as work:
        dump = Path(work) / vendor.file_name
        snapshot = vendor.dump(dump)
        manifest.server_version = snapshot.server_version
        manifest.migrations = snapshot.migrations
        manifest.tables = snapshot.counts
        partial = Path(work) / "archive.partial"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, "header.json", _json(manifest.header()))
            manifest.files[vendor.file_name] = _add_file(tar, vendor.file_name, dump)
            dump.unlink()
            for name, path in _media_files(media_root) if media_root else ():
                try:
                    manifest.files[name] = _add_file(tar, name, path)
                except FileNotFoundError:
                    continue  # deleted while the backup ran: not in the archive, not in the manifest
            _add_bytes(tar, "manifest.json", _json(manifest.as_json()))
        partial.replace(destination)
    return manifest


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's name below the root, refusing anything that could write outside the staging folder."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != ROOT:
        raise BackupError(_("The archive holds an unexpected entry %(name)r.") % {"name": member.name})
    return "/".join(path.parts[1:])


def _read_json(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
    handle = tar.extractfile(member)
    try:
        data = json.loads(handle.read() if handle else b"")
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(_("The archive's %(name)s is not valid JSON.") % {"name": member.name}) from error
    if not isinstance(data, dict):
        raise BackupError(_("The archive's %(name)s is not valid JSON.") % {"name": member.name})
    return data


def _check_header(header: dict[str, Any], expected_vendor: str | None) -> None:
    if header.get("format") != FORMAT:
        raise BackupError(_("This file is not a Comity backup."))
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup's format version %(found)s is not one this Comity reads (%(known)s).")
            % {"found": header.get("format_version"), "known": FORMAT_VERSION}
        )
    if header.get("vendor") not in ("sqlite", "postgresql"):
        raise BackupError(_("This file is not a Comity backup."))
    if expected_vendor is not None and header.get("vendor") != expected_vendor:
        raise BackupError(
            _(
                "This backup is of a %(archive)s database, but the configured database is %(configured)s: "
                "restore it into a %(archive)s database (set DATABASE_URL)."
            )
            % {"archive": header.get("vendor"), "configured": expected_vendor}
        )


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict[str, Any]:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    if source is None:
        raise BackupError(_("The archive holds an unexpected entry %(name)r.") % {"name": member.name})
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as output:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            output.write(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def read_archive(path: Path, staging: Path, expected_vendor: str | None) -> Manifest:
    """Unpack ``path`` into ``staging`` and check every member against the manifest; refuse anything else (and an
    archive of another database vendor than ``expected_vendor``, unless it is None: only checking)."""
    if not path.is_file():
        raise BackupError(_("There is no backup file at %(path)s.") % {"path": path})
    found: dict[str, dict[str, Any]] = {}
    manifest_data: dict[str, Any] | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            header_seen = False
            for member in tar:
                name = _member_name(member)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(
                        _("The archive holds an unexpected entry %(name)r.") % {"name": member.name}
                    )
                if not header_seen:
                    if name != "header.json":
                        raise BackupError(_("This file is not a Comity backup."))
                    _check_header(_read_json(tar, member), expected_vendor)
                    header_seen = True
                elif name == "manifest.json":
                    manifest_data = _read_json(tar, member)
                elif manifest_data is not None:
                    raise BackupError(
                        _("The archive holds an unexpected entry %(name)r.") % {"name": member.name}
                    )
                else:
                    found[name] = _extract(tar, member, staging / name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            _("The backup %(path)s is truncated or damaged (%(error)s); nothing was changed.")
            % {"path": path, "error": error}
        ) from error
    if manifest_data is None:
        raise BackupError(
            _(
                "The backup %(path)s has no manifest: it is truncated or not a Comity backup; nothing was changed."
            )
            % {"path": path}
        )
    _check_header(manifest_data, expected_vendor)
    manifest = Manifest.from_json(manifest_data)
    _check_files(manifest, found)
    return manifest


def _check_files(manifest: Manifest, found: dict[str, dict[str, Any]]) -> None:
    if manifest.database_file not in manifest.files:
        raise BackupError(
            _("The archive's manifest is incomplete (%(error)r).") % {"error": manifest.database_file}
        )
    missing = sorted(set(manifest.files) - set(found))
    extra = sorted(set(found) - set(manifest.files))
    altered = sorted(
        name for name in found.keys() & manifest.files.keys() if found[name] != manifest.files[name]
    )
    problems = [
        *(_("missing: %(name)s") % {"name": name} for name in missing),
        *(_("not in the manifest: %(name)s") % {"name": name} for name in extra),
        *(_("checksum differs: %(name)s") % {"name": name} for name in altered),
    ]
    if problems:
        shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
        raise BackupError(
            _("The archive does not match its manifest (%(problems)s); nothing was changed.")
            % {"problems": shown}
        )


def swap_media(staged: Path, media_root: Path) -> None:
    """Put the archive's media folder in place of the current one: two renames on one file system."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if not staged.exists():
        staged.mkdir(parents=True)
    previous = media_root.with_name(f".{media_root.name}.before-restore")
    shutil.rmtree(previous, ignore_errors=True)
    if media_root.exists():
        media_root.rename(previous)
    try:
        staged.rename(media_root)
    except OSError as error:
        raise BackupError(
            _(
                "The database was restored, but the media folder could not be put in place (%(error)s): the "
                "previous media are in %(previous)s and the archive's in %(staged)s."
            )
            % {"error": error, "previous": previous, "staged": staged}
        ) from error
    shutil.rmtree(previous, ignore_errors=True)
