"""The ``comity`` command-line program.

Subcommands that only need the engine run without Django; the others set up Django first. Each capability
adds its subcommands in :func:`build_parser`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from comity import __version__

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
    _setup_django()
    from django.core.management import call_command

    options: dict[str, object] = {"seed": args.seed}
    if args.reset:
        options["reset"] = True
    call_command("generate_demo", **options)
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from comity.engine.catalogue import iter_catalogue

    for spec, parent in iter_catalogue():
        indent = "  " if parent else ""
        name = spec.name_zh if args.language.startswith("zh") else spec.name_en
        print(f"{indent}{spec.code:<32} {name}  ({spec.hours} h)")
    return 0


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
    demo.set_defaults(handler=_demo)

    catalogue = sub.add_parser("catalogue", help="print the default dispatch catalogue of matter categories")
    catalogue.add_argument("--language", default="en", choices=["en", "zh-hans"], help="language of the names")
    catalogue.set_defaults(handler=_catalogue)

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
