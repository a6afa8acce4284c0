"""``comity backup`` and ``comity restore``: a round trip on the database the suite runs on, and bad archives.

The round trips run the real command in a child process, as an operator would, against a copy of the test
database (SQLite) or the test database itself and a throwaway one (PostgreSQL): a street with a decision and its
ballots, and media files, are backed up, wiped, restored, and compared table by table and file by file.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection

from comity.cli.backup import _destination, _prune, _unknown_migrations
from comity.cli.backup_archive import Manifest, read_archive, write_archive
from comity.cli.backup_databases import BackupError, Snapshot, tables_with_data
from comity.decisions.closing import verify_decision_log
from comity.decisions.models import Ballot, Decision

from ..cast import World
from .decisions import make_decision, make_estate, vote_for

#: The console script an operator runs, installed beside this Python.
COMITY = Path(sys.executable).with_name("comity")
MEDIA = {
    "appeals/2026/photo.jpg": b"\xff\xd8\xff\xe0 not really a photo",
    "receipts/收据 1.txt": "收据".encode(),
}


def comity(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COMITY), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def make_street(world: World) -> Decision:
    """The cast's street with stairwell 5-1, a decision on it and four ballots."""
    estate = make_estate(world)
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners[number] for number in ("201", "301", "302", "401")])
    assert Ballot.objects.filter(decision=decision).count() == 4
    decision.refresh_from_db()
    assert verify_decision_log(decision).ok
    return decision


def write_media(root: Path) -> None:
    for name, data in MEDIA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def media_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


# --- Round trips ------------------------------------------------------------------------------------------------


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {table: database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_round_trip_restores_every_row_and_file_and_the_ballot_logs_verify(
    world: World, tmp_path: Path
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs when the suite runs on SQLite")
    make_street(world)
    database, media, archive = tmp_path / "comity.sqlite3", tmp_path / "media", tmp_path / "nightly.tar.gz"
    connection.ensure_connection()
    with closing(sqlite3.connect(database)) as copy:
        connection.connection.backup(copy)
    write_media(media)
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "COMITY_MEDIA_ROOT": str(media),
        "COMITY_DATA_DIR": str(tmp_path),
    }
    before = _sqlite_rows(database)

    backup = comity("backup", str(archive), env=env)
    assert backup.returncode == 0, backup.stderr
    assert f"Backup written to {archive}: sqlite database" in backup.stdout

    refused = comity("restore", str(archive), env=env)
    assert refused.returncode == 1
    assert "The database already has data" in refused.stderr
    assert "--force" in refused.stderr

    database.unlink()
    for path in sorted(media.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    restored = comity("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Every table matches the manifest" in restored.stdout
    assert "Ballot logs: 1 decision, its log verifies." in restored.stdout
    assert _sqlite_rows(database) == before
    assert media_of(media) == MEDIA
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")], "staging left behind"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_restore_of_a_bad_archive_changes_nothing(world: World, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("runs when the suite runs on SQLite")
    make_street(world)
    database, media, archive = tmp_path / "comity.sqlite3", tmp_path / "media", tmp_path / "b.tar.gz"
    connection.ensure_connection()
    with closing(sqlite3.connect(database)) as copy:
        connection.connection.backup(copy)
    write_media(media)
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "COMITY_MEDIA_ROOT": str(media),
        "COMITY_DATA_DIR": str(tmp_path),
    }
    assert comity("backup", str(archive), env=env).returncode == 0
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    before = database.read_bytes()

    result = comity("restore", "--force", str(truncated), env=env)
    assert result.returncode == 1
    assert "is truncated or damaged" in result.stderr
    assert "nothing was changed" in result.stderr
    assert database.read_bytes() == before
    assert media_of(media) == MEDIA
    missing = comity("restore", "--force", str(tmp_path / "nowhere.tar.gz"), env=env)
    assert missing.returncode == 1
    assert "There is no backup file at" in missing.stderr
    # A database file that is no database (its checksum in the manifest is right): refused before the rename.
    broken = tmp_path / "broken.tar.gz"
    write_archive(broken, FakeVendor("sqlite", b"not a database " * 100), None)
    damaged = comity("restore", "--force", str(broken), env=env)
    assert damaged.returncode == 1
    assert "The archive's database is damaged" in damaged.stderr
    assert comity("restore", "--check", str(archive), env=env).returncode == 0
    assert database.read_bytes() == before
    assert media_of(media) == MEDIA
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")], "staging left behind"


def _pg_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def _pg_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as database:
        tables = [
            row[0] for row in database.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {table: database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_round_trip_restores_every_row_and_file_and_the_ballot_logs_verify(
    world: World, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL round trip runs when the suite runs on PostgreSQL")
    make_street(world)
    media, archive = tmp_path / "media", tmp_path / "b.tar.gz"
    write_media(media)
    source = _pg_url(connection.settings_dict["NAME"])
    target_name = f"{connection.settings_dict['NAME']}_restore"
    target = _pg_url(target_name)
    env = {"COMITY_MEDIA_ROOT": str(media), "COMITY_DATA_DIR": str(tmp_path)}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        before = _pg_rows(source)
        backup = comity("backup", str(archive), env={**env, "DATABASE_URL": source})
        assert backup.returncode == 0, backup.stderr
        assert "postgresql database" in backup.stdout
        for path in sorted(media.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()

        restored = comity("restore", str(archive), env={**env, "DATABASE_URL": target})
        assert restored.returncode == 0, restored.stderr
        assert "Every table matches the manifest" in restored.stdout
        assert "Ballot logs: 1 decision, its log verifies." in restored.stdout
        assert _pg_rows(target) == before
        assert media_of(media) == MEDIA

        again = comity("restore", str(archive), env={**env, "DATABASE_URL": target})
        assert again.returncode == 1
        assert "The database already has data" in again.stderr
        with psycopg.connect(target, autocommit=True) as database:
            database.execute("DELETE FROM decisions_logentry WHERE sequence = 2")
        assert comity("restore", "--force", str(archive), env={**env, "DATABASE_URL": target}).returncode == 0
        assert _pg_rows(target) == before

        # A dump pg_restore cannot read (its checksum in the manifest is right): rolled back, nothing changed.
        broken = tmp_path / "broken.tar.gz"
        write_archive(broken, FakeVendor("postgresql", b"PGDMP but not really"), None)
        failed = comity("restore", "--force", str(broken), env={**env, "DATABASE_URL": target})
        assert failed.returncode == 1
        assert "rolled back; the database is as it was" in failed.stderr
        assert _pg_rows(target) == before
        sqlite_archive = tmp_path / "sqlite.tar.gz"
        write_archive(sqlite_archive, FakeVendor("sqlite", b"SQLite format 3\x00"), None)
        foreign = comity("restore", "--force", str(sqlite_archive), env={**env, "DATABASE_URL": target})
        assert foreign.returncode == 1
        assert (
            "This backup is of a sqlite database, but the configured database is postgresql" in foreign.stderr
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


# --- The archive, without a database ------------------------------------------------------------------------------


class FakeVendor:
    """A vendor whose dump is given bytes, to build archives for the archive's own checks."""

    def __init__(self, name: str, dump: bytes, migrations: dict[str, list[str]] | None = None) -> None:
        self.name = name
        self.file_name = "database.pgdump" if name == "postgresql" else "database.sqlite3"
        self.data = dump
        self.migrations = migrations or {"decisions": ["0001_initial"]}

    def dump(self, destination: Path) -> Snapshot:
        destination.write_bytes(self.data)
        return Snapshot(counts={"decisions_decision": 1}, migrations=self.migrations, server_version="test")

    def restore(self, source: Path) -> None:
        raise AssertionError("not restored here")

    def counts(self) -> dict[str, int]:
        return {}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    media = tmp_path / "media"
    write_media(media)
    path = tmp_path / "b.tar.gz"
    manifest = write_archive(path, FakeVendor("sqlite", b"x" * 50_000), media)
    assert sorted(manifest.files) == ["database.sqlite3", *sorted(f"media/{name}" for name in MEDIA)]
    return path


def test_a_sound_archive_reads_back_with_its_manifest(archive: Path, tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    manifest = read_archive(archive, staging, "sqlite")
    assert manifest.vendor == "sqlite"
    assert manifest.tables == {"decisions_decision": 1}
    assert manifest.migrations == {"decisions": ["0001_initial"]}
    assert (staging / "database.sqlite3").read_bytes() == b"x" * 50_000
    assert media_of(staging / "media") == MEDIA


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_a_truncated_archive_is_refused(archive: Path, tmp_path: Path, keep: float) -> None:
    data = archive.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(BackupError, match=r"truncated or damaged|has no manifest"):
        read_archive(cut, tmp_path / "staging", "sqlite")


def test_a_missing_file_and_a_file_that_is_no_archive_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="There is no backup file at"):
        read_archive(tmp_path / "nowhere.tar.gz", tmp_path / "staging", "sqlite")
    junk = tmp_path / "junk.tar.gz"
    junk.write_text("not an archive")
    with pytest.raises(BackupError, match="not a gzip file"):
        read_archive(junk, tmp_path / "staging", "sqlite")


def test_an_archive_of_another_vendor_is_refused_before_it_is_unpacked(archive: Path, tmp_path: Path) -> None:
    with pytest.raises(
        BackupError, match="This backup is of a sqlite database, but the configured database is postgresql"
    ):
        read_archive(archive, tmp_path / "staging", "postgresql")
    assert not (tmp_path / "staging").exists()
    assert read_archive(archive, tmp_path / "checked", None).vendor == "sqlite"


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy an archive member by member, letting ``change(name, data)`` alter, drop (None) or add members."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        members = [(member, old.extractfile(member)) for member in old]
        for member, handle in [*members, (None, None)]:
            for name, data in change(member.name if member else None, handle.read() if handle else None):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda name, data: (
                [(name, b"altered" if name and name.endswith("photo.jpg") else data)] if name else []
            ),
            "checksum differs: media/appeals/2026/photo.jpg",
        ),
        (
            lambda name, data: (
                [] if name and name.endswith("photo.jpg") else ([(name, data)] if name else [])
            ),
            "missing: media/appeals/2026/photo.jpg",
        ),
        (
            lambda name, data: [(name, data)] if name else [],
            None,
        ),
        (
            lambda name, data: (
                [("comity-backup/../../evil.txt", b"x")]
                if name and name.endswith("photo.jpg")
                else ([(name, data)] if name else [])
            ),
            "unexpected entry",
        ),
        (
            lambda name, data: (
                [] if name and name.endswith("header.json") else ([(name, data)] if name else [])
            ),
            "not a Comity backup",
        ),
        (
            lambda name, data: (
                [] if name and name.endswith("manifest.json") else ([(name, data)] if name else [])
            ),
            "has no manifest",
        ),
        (
            lambda name, data: (
                [(name, b"{not json")]
                if name and name.endswith("manifest.json")
                else ([(name, data)] if name else [])
            ),
            "is not valid JSON",
        ),
    ],
    ids=["altered", "missing", "untouched", "escape", "no-header", "no-manifest", "bad-manifest"],
)
def test_an_archive_that_does_not_match_its_manifest_is_refused(
    archive: Path, tmp_path: Path, change: Any, message: str | None
) -> None:
    changed = tmp_path / "changed.tar.gz"
    _rewrite(archive, changed, change)
    staging = tmp_path / "staging"
    if message is None:
        assert read_archive(changed, staging, "sqlite").vendor == "sqlite"
        return
    with pytest.raises(BackupError, match=message):
        read_archive(changed, staging, "sqlite")
    assert not (tmp_path / "evil.txt").exists()


def test_an_extra_member_is_refused(archive: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed.tar.gz"

    def add(name: str | None, data: bytes | None) -> list[tuple[str, bytes]]:
        if name and name.endswith("manifest.json"):
            return [("comity-backup/media/smuggled.txt", b"x"), (name, data or b"")]
        return [(name, data or b"")] if name else []

    _rewrite(archive, changed, add)
    with pytest.raises(BackupError, match=r"not in the manifest: media/smuggled\.txt"):
        read_archive(changed, tmp_path / "staging", "sqlite")


@pytest.mark.django_db
def test_a_backup_with_migrations_this_version_lacks_is_from_a_newer_comity() -> None:
    manifest = Manifest(
        vendor="sqlite", database_file="database.sqlite3", created_at="", comity_version="9.0"
    )
    manifest.migrations = {"decisions": ["0001_initial", "9999_from_the_future"], "auth": ["0001_initial"]}
    assert _unknown_migrations(manifest) == ["decisions.9999_from_the_future"]


def test_a_database_has_data_when_a_table_migrate_does_not_fill_has_rows() -> None:
    assert (
        tables_with_data({"django_migrations": 54, "structure_mattercategory": 45, "auth_permission": 9})
        == []
    )
    assert tables_with_data({"django_migrations": 54, "accounts_user": 1, "decisions_ballot": 0}) == [
        "accounts_user"
    ]


def test_backups_into_a_folder_are_dated_and_keep_prunes_the_oldest(tmp_path: Path) -> None:
    assert _destination(str(tmp_path)).parent == tmp_path
    assert _destination(str(tmp_path)).name.startswith("comity-backup-")
    assert _destination(str(tmp_path / "x.tar.gz")) == tmp_path / "x.tar.gz"
    for day in range(1, 6):
        (tmp_path / f"comity-backup-2026120{day}-020000.tar.gz").write_bytes(b"")
    (tmp_path / "unrelated.tar.gz").write_bytes(b"")
    deleted = _prune(tmp_path, 2)
    assert sorted(path.name for path in deleted) == [
        f"comity-backup-2026120{day}-020000.tar.gz" for day in (1, 2, 3)
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "comity-backup-20261204-020000.tar.gz",
        "comity-backup-20261205-020000.tar.gz",
        "unrelated.tar.gz",
    ]


def test_the_manifest_says_what_the_archive_holds(archive: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        handle = tar.extractfile("comity-backup/manifest.json")
        assert handle is not None
        manifest = json.loads(handle.read())
    assert names[0] == "comity-backup/header.json"
    assert names[-1] == "comity-backup/manifest.json"
    assert manifest["format"] == "comity-backup"
    assert manifest["vendor"] == "sqlite"
    assert manifest["media"] == {
        "included": True,
        "files": 2,
        "bytes": sum(len(data) for data in MEDIA.values()),
    }
    assert set(manifest) >= {"comity_version", "created_at", "migrations", "tables", "files", "database"}
