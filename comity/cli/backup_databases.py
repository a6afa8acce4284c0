"""The database half of ``comity backup`` and ``comity restore``, one class per vendor.

PostgreSQL is dumped with ``pg_dump`` in its custom format from an exported snapshot, and the row counts and the
applied migrations are read in that same snapshot, so that the manifest describes exactly what the dump holds
while the site keeps writing. It is restored by piping ``pg_restore``'s script into one ``psql`` transaction that
first drops and recreates the ``public`` schema: a failure anywhere rolls the whole restore back and leaves the
database as it was.

SQLite is copied with its online backup API (a consistent copy while others write) and counted in the copy. It is
restored by checking a copy beside the live file and then renaming it over the live file: the database is either
the old one or the new one, never half of each.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import connections, transaction
from django.utils.translation import gettext as _

#: Tables that ``migrate`` fills by itself on an empty database: rows there do not make a database "have data".
#: (structure_mattercategory is the dispatch catalogue, seeded by structure/0002_seed_dispatch_catalogue.)
FILLED_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_session",
        "structure_mattercategory",
    }
)


class BackupError(Exception):
    """A refusal or a failure, with a message for the operator (the message says what was left changed, if any)."""


@dataclass(frozen=True)
class Snapshot:
    """What one dump holds, read in the same snapshot as the dump itself."""

    counts: dict[str, int]
    migrations: dict[str, list[str]]
    server_version: str


class Vendor(Protocol):
    name: str
    file_name: str

    def dump(self, destination: Path) -> Snapshot: ...

    def restore(self, source: Path) -> None: ...

    def counts(self) -> dict[str, int]: ...


def _count_rows(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations(cursor: Any, tables: Iterable[str]) -> dict[str, list[str]]:
    if "django_migrations" not in set(tables):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def tables_with_data(counts: dict[str, int]) -> list[str]:
    """The tables whose rows a restore would destroy: every table with rows, except what ``migrate`` fills."""
    return sorted(table for table, rows in counts.items() if rows and table not in FILLED_BY_MIGRATE)


def _run(command: Sequence[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BackupError(_("%(what)s failed: %(error)s") % {"what": what, "error": completed.stderr.strip()})


def _executable(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("%(name)s is not installed; install the PostgreSQL client (Debian: postgresql-client).")
            % {"name": name}
        )
    return found


class Sqlite:
    name = "sqlite"
    file_name = "database.sqlite3"

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.path = Path(str(connections[alias].settings_dict["NAME"]))

    @staticmethod
    def _tables(cursor: Any) -> list[str]:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return [row[0] for row in cursor.fetchall()]

    def dump(self, destination: Path) -> Snapshot:
        if not self.path.is_file():
            raise BackupError(_("There is no database at %(path)s.") % {"path": self.path})
        with closing(sqlite3.connect(self.path)) as source, closing(sqlite3.connect(destination)) as copy:
            source.backup(copy)
            # The copy is one self-contained file, whatever journal the live database keeps.
            copy.execute("PRAGMA journal_mode=DELETE")
            cursor = copy.cursor()
            tables = self._tables(cursor)
            return Snapshot(
                counts=_count_rows(cursor, tables),
                migrations=_applied_migrations(cursor, tables),
                server_version=sqlite3.sqlite_version,
            )

    def counts(self) -> dict[str, int]:
        if not self.path.is_file():
            return {}
        with closing(sqlite3.connect(self.path)) as database:
            cursor = database.cursor()
            return _count_rows(cursor, self._tables(cursor))

    def restore(self, source: Path) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        incoming = Path(
            tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".restoring", dir=self.path.parent)[1]
        )
        try:
            shutil.copyfile(source, incoming)
            try:
                with closing(sqlite3.connect(incoming)) as database:
                    check = database.execute("PRAGMA integrity_check").fetchone()[0]
            except sqlite3.DatabaseError as error:
                check = str(error)
            if check != "ok":
                raise BackupError(_("The archive's database is damaged (%(check)s).") % {"check": check})
            connections[self.alias].close()
            if self.path.exists():
                shutil.copymode(self.path, incoming)
                # Fold a write-ahead log into the old file first: a log left beside the new file would be replayed
                # into it.
                with closing(sqlite3.connect(self.path)) as old:
                    old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            os.replace(incoming, self.path)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        finally:
            incoming.unlink(missing_ok=True)


class Postgres:
    name = "postgresql"
    file_name = "database.pgdump"

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def _environment(self) -> dict[str, str]:
        """libpq's variables for the client tools: no password on a command line."""
        settings = connections[self.alias].settings_dict
        env = dict(os.environ)
        for variable, key in (
            ("PGHOST", "HOST"),
            ("PGPORT", "PORT"),
            ("PGUSER", "USER"),
            ("PGPASSWORD", "PASSWORD"),
            ("PGDATABASE", "NAME"),
        ):
            if settings.get(key):
                env[variable] = str(settings[key])
        if settings.get("OPTIONS", {}).get("sslmode"):
            env["PGSSLMODE"] = str(settings["OPTIONS"]["sslmode"])
        return env

    @staticmethod
    def _tables(cursor: Any) -> list[str]:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [row[0] for row in cursor.fetchall()]

    def dump(self, destination: Path) -> Snapshot:
        pg_dump = _executable("pg_dump")
        connection = connections[self.alias]
        connection.ensure_connection()
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cursor.fetchone()
            tables = self._tables(cursor)
            counts = _count_rows(cursor, tables)
            migrations = _applied_migrations(cursor, tables)
            command = [pg_dump, "--format=custom", "--schema=public", f"--snapshot={snapshot_id}"]
            _run([*command, "--no-password", f"--file={destination}"], self._environment(), "pg_dump")
        return Snapshot(counts=counts, migrations=migrations, server_version=str(server_version))

    def counts(self) -> dict[str, int]:
        with connections[self.alias].cursor() as cursor:
            return _count_rows(cursor, self._tables(cursor))

    def restore(self, source: Path) -> None:
        pg_restore, psql = _executable("pg_restore"), _executable("psql")
        env = self._environment()
        connections[self.alias].close()
        # One transaction, committed only once pg_restore has written its whole script without an error: if
        # pg_restore fails, psql reaches the end of its input inside the transaction and the server rolls it back
        # when psql disconnects. Waiting for a running server's locks would hang the restore: fail fast instead.
        # The dump (``--schema=public``) creates the schema again itself.
        begin = b"BEGIN;\nSET LOCAL lock_timeout = '15s';\nDROP SCHEMA IF EXISTS public CASCADE;\n"
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
            script = subprocess.Popen(
                [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(source)],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
                env=env,
            )
            loader = subprocess.Popen(
                [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-password", "-f", "-"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=env,
            )
            assert script.stdout is not None
            assert loader.stdin is not None
            try:
                loader.stdin.write(begin)
                shutil.copyfileobj(script.stdout, loader.stdin)
                script.stdout.close()
                script_status = script.wait()
                if script_status == 0:
                    loader.stdin.write(b"COMMIT;\n")
                loader.stdin.close()
            except BrokenPipeError:
                script.stdout.close()  # psql stopped at an error (and rolled back); its message is read below
            script_status, loader_status = script.wait(), loader.wait()
            if script_status != 0 or loader_status != 0:
                errors = (restore_errors, psql_errors)
                message = " ".join(_read_back(handle) for handle in errors).strip()
                raise BackupError(
                    _("The restore failed and was rolled back; the database is as it was. %(error)s")
                    % {"error": message}
                )


def _read_back(handle: Any) -> str:
    handle.seek(0)
    return str(handle.read().decode("utf-8", "replace"))


def vendor_for(alias: str = "default") -> Vendor:
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return Sqlite(alias)
    if vendor == "postgresql":
        return Postgres(alias)
    raise BackupError(
        _("Backups support PostgreSQL and SQLite; this database is %(vendor)s.") % {"vendor": vendor}
    )
