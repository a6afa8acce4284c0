"""The running code as one archive, built once and then served as a file (``/source.tar.gz``, AGPL section 13).

Packing the package costs about 300 ms of CPU, and the link is in every page's footer, open to anyone: packed on
every request, one crawler would keep every server worker busy. So the archive is built the first time it is asked
for, into ``DATA_DIR/source/``, under a name that holds a digest of the package's files (their paths, sizes and
modification times): a deployment that changes its code gets a new archive, and every worker of every server that
runs the same code serves the same file. Within a process the digest is computed once.

The archive is reproducible from the same files: entries in sorted order, owned by nobody, the gzip header without
a time, so the digest doubles as the archive's ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

import comity


@dataclass(frozen=True)
class SourceArchive:
    path: Path
    digest: str
    #: When the files it packs were last changed.
    modified: datetime

    @property
    def filename(self) -> str:
        return f"comity-{comity.__version__}-source.tar.gz"


_lock = threading.Lock()
_built: SourceArchive | None = None


def _members() -> list[tuple[Path, str]]:
    """The files to pack, as (path, name in the archive): the licence and the package without bytecode."""
    package = Path(comity.__file__).resolve().parent
    members: list[tuple[Path, str]] = []
    licence = package.parent / "LICENSE"
    if licence.exists():
        members.append((licence, "comity/LICENSE"))
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            members.append((path, f"comity/{path.relative_to(package.parent)}"))
    return members


def _digest(members: list[tuple[Path, str]]) -> tuple[str, float]:
    digest = hashlib.sha256(comity.__version__.encode())
    newest = 0.0
    for path, name in members:
        stat = path.stat()
        newest = max(newest, stat.st_mtime)
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20], newest


def _reset(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _pack(members: list[tuple[Path, str]], target: Path) -> None:
    """Write the archive next to ``target`` and rename it into place, so a reader never sees half a file and two
    workers building at once both end with a whole one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".building-", suffix=".tar.gz")
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
            tarfile.open(fileobj=zipped, mode="w") as archive,
        ):
            for path, name in members:
                archive.add(path, arcname=name, recursive=False, filter=_reset)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def source_archive() -> SourceArchive:
    """The archive of the running code, built on the first call of the process when no worker has built it."""
    global _built
    with _lock:
        if _built is not None and _built.path.exists():
            return _built
        members = _members()
        digest, newest = _digest(members)
        path = Path(settings.DATA_DIR) / "source" / f"comity-{comity.__version__}-{digest}.tar.gz"
        if not path.exists():
            _pack(members, path)
        _built = SourceArchive(path, digest, datetime.fromtimestamp(newest, tz=UTC))
        return _built
