"""``comity backup`` and ``comity restore``: the database and the media files in one archive, and back.

``comity backup [PATH]`` writes ``comity-backup-YYYYMMDD-HHMMSS.tar.gz`` (into ``PATH`` if it is a folder, by
default ``$COMITY_DATA_DIR/backups/``), or to ``PATH`` itself; ``--keep N`` then deletes all but the N newest
archives of that folder. ``comity restore ARCHIVE`` checks the whole archive first, refuses a database that has
data unless ``--force``, restores, and prints the rows of every table against the manifest and whether every
decision's ballot log verifies. ``comity restore --check ARCHIVE`` only checks the archive.

Exit codes — backup: 0 written, 1 failed (no archive left behind). Restore: 0 restored and checked; 1 refused
or failed with nothing changed; 3 the database was replaced but a check after it failed (the message says what).
The format and the guarantees are in ``comity/cli/backup_archive.py`` and ``docs/operations.md``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from comity.cli.backup_archive import Manifest
    from comity.cli.backup_databases import Vendor

ARCHIVE_GLOB = "comity-backup-*.tar.gz"
#: Exit code: the database was replaced, but what came after (media, counts, ballot logs) did not all succeed.
REPLACED_BUT_FAILED = 3


def _setup(language: str) -> None:
    from comity.cli import _setup_django

    _setup_django()
    from django.utils import translation

    translation.activate(language)


def _media_root() -> Path | None:
    """The media folder, when uploads are on this machine's file system (not on S3-compatible storage)."""
    from django.core.files.storage import FileSystemStorage, storages

    storage = storages["default"]
    return Path(storage.location) if isinstance(storage, FileSystemStorage) else None


def _destination(output: str | None) -> Path:
    from django.conf import settings

    target = Path(output) if output else Path(settings.DATA_DIR) / "backups"
    if output is None or target.is_dir() or output.endswith(("/", "\\")):
        return target / f"comity-backup-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    return target


def _prune(folder: Path, keep: int) -> list[Path]:
    archives = sorted(folder.glob(ARCHIVE_GLOB), key=lambda path: path.name, reverse=True)
    for old in archives[keep:]:
        old.unlink()
    return archives[keep:]


def _backup(args: argparse.Namespace) -> int:
    _setup(args.language)
    from django.db import Error as DatabaseError
    from django.utils.translation import gettext as _

    from comity.cli.backup_archive import write_archive
    from comity.cli.backup_databases import BackupError, vendor_for

    try:
        vendor = vendor_for()
        destination = _destination(args.output)
        media_root = _media_root()
        manifest = write_archive(destination, vendor, media_root)
    except (BackupError, DatabaseError, OSError) as error:
        print(_("Backup failed: %(error)s") % {"error": error}, file=sys.stderr)
        return 1
    media = [name for name in manifest.files if name.startswith("media/")]
    print(
        _(
            "Backup written to %(path)s: %(vendor)s database, %(tables)d tables, %(rows)d rows, %(files)d media files."
        )
        % {
            "path": destination,
            "vendor": manifest.vendor,
            "tables": len(manifest.tables),
            "rows": manifest.rows,
            "files": len(media),
        }
    )
    if media_root is None:
        print(_("The media files are not on this machine's disk: back them up with the storage's own tools."))
    if args.keep:
        for old in _prune(destination.parent, args.keep):
            print(_("Deleted the older backup %(path)s.") % {"path": old})
    return 0


def _print_counts(manifest: Manifest, restored: dict[str, int]) -> list[str]:
    """Each table's rows in the manifest and in the restored database; the tables that differ."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    tables = sorted(set(manifest.tables) | set(restored))
    width = max((len(table) for table in tables), default=10)
    print(f"{_('table'):<{width}}  {_('archive'):>9}  {_('restored'):>9}")
    differing = []
    for table in tables:
        expected, found = manifest.tables.get(table), restored.get(table)
        if expected != found:
            differing.append(table)
        if expected or found or expected != found:
            mark = "" if expected == found else "  " + _("DIFFERS")
            print(
                f"{table:<{width}}  {expected if expected is not None else '-':>9}  {found if found is not None else '-':>9}{mark}"
            )
    if differing:
        message = ngettext(
            "%(count)d table differs from the manifest.",
            "%(count)d tables differ from the manifest.",
            len(differing),
        )
        print(message % {"count": len(differing)}, file=sys.stderr)
    else:
        print(
            _("Every table matches the manifest: %(tables)d tables, %(rows)d rows.")
            % {"tables": len(tables), "rows": manifest.rows}
        )
    return differing


def _migrate_if_behind() -> list[str]:
    """A backup from an older Comity: bring its schema up to this version's migrations."""
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=1)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _unknown_migrations(manifest: Manifest) -> list[str]:
    """Migrations the backup's database had applied that this version of Comity does not have: a newer backup."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest.migrations.items()
        for name in names
        if (app, name) not in known
    )


def _verify_ballot_logs() -> tuple[int, list[str]]:
    from comity.decisions.closing import verify_decision_log
    from comity.decisions.models import Decision

    failures = []
    decisions = list(Decision.objects.order_by("pk"))
    for decision in decisions:
        result = verify_decision_log(decision)
        if not result.ok:
            failures.append(f"#{decision.pk} {decision.title}: {result.reason}")
    return len(decisions), failures


def _restore(args: argparse.Namespace) -> int:
    _setup(args.language)
    from django.conf import settings
    from django.db import Error as DatabaseError
    from django.utils.translation import gettext as _

    from comity.cli.backup_databases import BackupError, tables_with_data, vendor_for

    try:
        vendor = vendor_for()
        if not args.check and not args.force and (tables := tables_with_data(vendor.counts())):
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise BackupError(
                _(
                    "The database already has data (%(tables)s): a restore would replace it. Restore into an "
                    "empty database, or pass --force to replace it."
                )
                % {"tables": shown}
            )
        media_root = _media_root()
        beside = (media_root or Path(settings.DATA_DIR)).parent
        beside.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".comity-restore-", dir=beside))
    except (BackupError, DatabaseError, OSError) as error:
        print(_("Nothing was restored: %(error)s") % {"error": error}, file=sys.stderr)
        return 1
    try:
        return _restore_from(args, vendor, staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _restore_from(args: argparse.Namespace, vendor: Vendor, staging: Path, media_root: Path | None) -> int:
    from django.utils.translation import gettext as _

    from comity.cli.backup_archive import read_archive
    from comity.cli.backup_databases import BackupError

    try:
        manifest = read_archive(Path(args.archive), staging, None if args.check else vendor.name)
        if unknown := _unknown_migrations(manifest):
            raise BackupError(
                _(
                    "This backup was made by a newer Comity (%(version)s) with migrations this version does not "
                    "have (%(migrations)s): install that version to restore it."
                )
                % {"version": manifest.comity_version, "migrations": ", ".join(unknown[:5])}
            )
        summary = _(
            "%(vendor)s database of %(created)s, Comity %(version)s, %(tables)d tables, %(rows)d rows."
        ) % {
            "vendor": manifest.vendor,
            "created": manifest.created_at,
            "version": manifest.comity_version,
            "tables": len(manifest.tables),
            "rows": manifest.rows,
        }
        if args.check:
            print(_("The archive is complete and matches its manifest: %(summary)s") % {"summary": summary})
            return 0
        vendor.restore(staging / manifest.database_file)
    except (BackupError, OSError) as error:
        print(_("Nothing was restored: %(error)s") % {"error": error}, file=sys.stderr)
        return 1
    print(_("Database restored from %(path)s: %(summary)s") % {"path": args.archive, "summary": summary})
    return _after_replacing(manifest, vendor, staging, media_root)


def _after_replacing(manifest: Manifest, vendor: Vendor, staging: Path, media_root: Path | None) -> int:
    """The database is the archive's now: put the media in place, then compare and verify; 3 if anything fails."""
    from django.db import Error as DatabaseError
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from comity.cli.backup_archive import swap_media
    from comity.cli.backup_databases import BackupError

    status = 0
    if media_root is not None and manifest.media_included:
        try:
            swap_media(staging / "media", media_root)
            print(_("Media files restored into %(path)s.") % {"path": media_root})
        except BackupError as error:
            print(str(error), file=sys.stderr)
            status = REPLACED_BUT_FAILED
    try:
        if _print_counts(manifest, vendor.counts()):
            status = REPLACED_BUT_FAILED
        if migrated := _migrate_if_behind():
            message = ngettext(
                "The backup predates %(count)d migration of this version; it was applied.",
                "The backup predates %(count)d migrations of this version; they were applied.",
                len(migrated),
            )
            print(message % {"count": len(migrated)})
        decisions, failures = _verify_ballot_logs()
    except DatabaseError as error:
        print(
            _("The database was restored, but checking it failed: %(error)s") % {"error": error},
            file=sys.stderr,
        )
        return REPLACED_BUT_FAILED
    for failure in failures:
        print(_("Ballot log does not verify: %(decision)s") % {"decision": failure}, file=sys.stderr)
    if failures:
        return REPLACED_BUT_FAILED
    message = ngettext(
        "Ballot logs: %(count)d decision, its log verifies.",
        "Ballot logs: %(count)d decisions, every log verifies.",
        decisions,
    )
    print(message % {"count": decisions})
    return status


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def add_parsers(sub: Any) -> None:
    languages = {"default": "en", "choices": ["en", "zh-hans"], "help": "language of the messages"}
    backup = sub.add_parser("backup", help="back up the database and the media files into one archive")
    backup.add_argument(
        "output",
        nargs="?",
        help="the archive to write, or a folder for a dated one (default: $COMITY_DATA_DIR/backups/)",
    )
    backup.add_argument(
        "--keep", type=_positive, metavar="N", help="then delete all but the N newest archives of that folder"
    )
    backup.add_argument("--language", **languages)
    backup.set_defaults(handler=_backup)

    restore = sub.add_parser(
        "restore", help="restore the database and the media files from an archive of `comity backup`"
    )
    restore.add_argument("archive", help="the .tar.gz written by `comity backup`")
    restore.add_argument("--force", action="store_true", help="replace a database that already has data")
    restore.add_argument(
        "--check", action="store_true", help="only check the archive against its manifest; change nothing"
    )
    restore.add_argument("--language", **languages)
    restore.set_defaults(handler=_restore)
