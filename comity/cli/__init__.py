"""The ``comity`` command-line program.

Subcommands that only need the engine run without Django; the others set up Django first. Each capability
adds its subcommands in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from comity import __version__

if TYPE_CHECKING:
    from comity.structure.importing import ImportReport

Handler = Callable[[argparse.Namespace], int]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django

    django.setup()


def _manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comity manage", *args.django_args])
    return 0


def _demo(args: argparse.Namespace) -> int:
    # The demo runs as a user sees it: DEBUG off, friendly error pages, e-mails on the outbox page.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.demo.settings")
    _setup_django()
    from django.core.management import call_command

    options: dict[str, object] = {"seed": args.seed}
    if args.reset:
        options["reset"] = True
    if args.as_of:
        options["as_of"] = args.as_of
    call_command("generate_demo", **options)
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from comity.engine.catalogue import iter_catalogue

    for spec, parent in iter_catalogue():
        indent = "  " if parent else ""
        name = spec.name_zh if args.language.startswith("zh") else spec.name_en
        print(f"{indent}{spec.code:<32} {name}  ({spec.hours} h)")
    return 0


def _registry_template(args: argparse.Namespace) -> int:
    """The CSV template needs only the engine; the XLSX one has a translated instructions sheet, so Django."""
    if args.format == "csv":
        from comity.engine.registry_import import template_csv_bytes

        data = template_csv_bytes(args.language)
    else:
        _setup_django()
        from comity.structure.importing import registry_template_xlsx

        data = registry_template_xlsx(args.language)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        with open(args.output, "wb") as output:
            output.write(data)
    return 0


def _registry_import(args: argparse.Namespace) -> int:
    _setup_django()
    from django.utils import translation

    with translation.override(args.language):
        return _run_registry_import(args)


def _community_and_actor(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The community named by ``--community`` and the user named by ``--as`` (default: a superuser)."""
    from django.contrib.auth import get_user_model

    from comity.structure.models import Community

    community = Community.objects.filter(code=args.community).first()
    if community is None:
        print(f"No community with the code {args.community!r}.", file=sys.stderr)
        return None
    users = get_user_model().objects
    actor = (
        users.filter(username=args.as_user).first()
        if args.as_user
        else users.filter(is_superuser=True).first()
    )
    if actor is None:
        who = (
            f"user {args.as_user!r}"
            if args.as_user
            else "superuser (create one with `comity manage createsuperuser`)"
        )
        print(f"No {who}; pass --as USERNAME of someone who may import.", file=sys.stderr)
        return None
    return community, actor


def _run_registry_import(args: argparse.Namespace) -> int:
    from django.core.exceptions import PermissionDenied
    from django.core.files import File

    from comity.structure.services import import_registry

    found = _community_and_actor(args)
    if found is None:
        return 1
    community, actor = found
    try:
        handle = open(args.file, "rb")  # noqa: SIM115 - closed below, after the import read it
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        report = import_registry(actor, community, File(handle, name=args.file), dry_run=args.dry_run)
    except PermissionDenied:
        print(f"{actor} may not import the registry of {community}.", file=sys.stderr)
        return 1
    finally:
        handle.close()
    _print_import_report(report)
    return 0 if report.ok else 1


def _registry_export(args: argparse.Namespace) -> int:
    _setup_django()
    from comity.structure.registry_export import export_registry_csv, export_registry_xlsx

    found = _community_and_actor(args)
    if found is None:
        return 1
    community, actor = found
    if not actor.has_perm("structure.import_registry", community):
        print(f"{actor} may not export the registry of {community}.", file=sys.stderr)
        return 1
    export = export_registry_csv if args.format == "csv" else export_registry_xlsx
    data = export(actor, community, args.language)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        with open(args.output, "wb") as output:
            output.write(data)
    return 0


def _print_import_report(report: ImportReport) -> None:
    for problem in report.errors:
        where = ", ".join(
            part for part in (f"row {problem.row}" if problem.row else "", problem.column) if part
        )
        print(f"{where}: {problem.message}" if where else problem.message, file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} problem(s); nothing was imported.", file=sys.stderr)
        return
    state = "checked (dry run, nothing written)" if report.dry_run else "imported"
    print(f"{report.file_name}: {report.rows} rows {state}.")
    for label, created, updated in report.counts():
        print(f"  {label:<24} created {created:>6}   updated {updated:>6}")
    if report.ended_ownerships:
        print(f"  ownerships ended: {report.ended_ownerships}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="comity",
        description="Comity: urban community governance built on interest coordination.",
    )
    parser.add_argument("--version", action="version", version=f"comity {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    manage = sub.add_parser("manage", help="run a Django management command (migrate, runserver, …)")
    manage.add_argument("django_args", nargs=argparse.REMAINDER, help="the command and its arguments")
    manage.set_defaults(handler=_manage)

    demo = sub.add_parser("demo", help="generate the demo street (deterministic for a seed)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default: 2026)")
    demo.add_argument("--reset", action="store_true", help="delete the existing demo street first")
    demo.add_argument(
        "--as-of", metavar="DATETIME", help="end the year of appeals at this ISO date and time instead of now"
    )
    demo.set_defaults(handler=_demo)

    catalogue = sub.add_parser("catalogue", help="print the default dispatch catalogue of matter categories")
    catalogue.add_argument(
        "--language", default="en", choices=["en", "zh-hans"], help="language of the names"
    )
    catalogue.set_defaults(handler=_catalogue)

    registry = sub.add_parser(
        "registry", help="import or export the registry as a spreadsheet, or get its template"
    )
    registry_sub = registry.add_subparsers(dest="registry_command", metavar="ACTION", required=True)
    template = registry_sub.add_parser("template", help="write the spreadsheet template")
    template.add_argument(
        "--format", default="csv", choices=["csv", "xlsx"], help="file format (default: csv)"
    )
    template.add_argument(
        "--language", default="en", choices=["en", "zh-hans"], help="language of the headers"
    )
    template.add_argument("-o", "--output", help="file to write (default: standard output)")
    template.set_defaults(handler=_registry_template)
    registry_import = registry_sub.add_parser(
        "import", help="import a CSV or XLSX file: every row, or nothing"
    )
    registry_import.add_argument("file", help="the CSV or XLSX file")
    registry_import.add_argument("--community", required=True, help="code of the community")
    registry_import.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    registry_import.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="act as this user (default: a superuser)"
    )
    registry_import.add_argument(
        "--language", default="en", choices=["en", "zh-hans"], help="language of the report"
    )
    registry_import.set_defaults(handler=_registry_import)
    registry_export = registry_sub.add_parser(
        "export", help="write a community's registry in the template's format (edit it and import it again)"
    )
    registry_export.add_argument("--community", required=True, help="code of the community")
    registry_export.add_argument("--format", default="csv", choices=["csv", "xlsx"], help="file format")
    registry_export.add_argument("--language", default="en", choices=["en", "zh-hans"], help="language")
    registry_export.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="act as this user (default: a superuser)"
    )
    registry_export.add_argument("-o", "--output", help="file to write (default: standard output)")
    registry_export.set_defaults(handler=_registry_export)

    from comity.cli.backup import add_parsers as add_backup
    from comity.cli.budgeting import add_parser as add_budgeting
    from comity.cli.decisions import add_parsers as add_decisions
    from comity.cli.opinions import add_parser as add_opinions
    from comity.cli.serve import add_parser as add_serve

    add_serve(sub)
    add_opinions(sub)
    add_decisions(sub)
    add_budgeting(sub)
    add_backup(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
