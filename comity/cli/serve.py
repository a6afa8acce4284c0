"""``comity serve``: the production application server (docs/deployment.md).

Checks that the deployment can serve — Django's system checks pass and, with the manifest storage a deployment uses
(``COMITY_DEBUG=false``), ``comity manage collectstatic`` has been run — and then *replaces itself* with gunicorn
configured by ``comity/config/gunicorn.py``. Replacing (``exec``) rather than starting a child keeps gunicorn's
master the process systemd or the container runtime watches and signals (SIGTERM: a graceful stop; SIGHUP: new
workers on newly installed code), and keeps the checks' imports out of the master, so the workers load the code
fresh.

    comity serve [--bind ADDRESS] [--workers N] [--threads N] [-- GUNICORN OPTIONS…]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import Any

CONFIG = "python:comity.config.gunicorn"


def add_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the production server (gunicorn) with the deployment's settings",
        description=(
            "Run Comity under gunicorn with comity/config/gunicorn.py. Settings come from the environment "
            "(docs/deployment.md): COMITY_DEBUG=false, COMITY_SECRET_KEY, COMITY_ALLOWED_HOSTS, DATABASE_URL, "
            "REDIS_URL, … Run `comity manage migrate` and `comity manage collectstatic` first."
        ),
    )
    serve.add_argument("--bind", help="address to listen on (default: COMITY_BIND or 127.0.0.1:8000)")
    serve.add_argument(
        "--workers", type=int, help="worker processes (default: COMITY_WEB_WORKERS or 2 × cores + 1)"
    )
    serve.add_argument("--threads", type=int, help="threads per worker (default: COMITY_WEB_THREADS or 1)")
    serve.add_argument(
        "gunicorn_args", nargs=argparse.REMAINDER, help="after --: further gunicorn options, passed through"
    )
    serve.set_defaults(handler=serve_command)


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    """The command line ``comity serve`` runs."""
    argv = [sys.executable, "-m", "gunicorn", "-c", CONFIG]
    if args.bind:
        argv += ["--bind", args.bind]
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    if args.threads is not None:
        argv += ["--threads", str(args.threads)]
    extra = list(args.gunicorn_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return argv + extra


def preflight() -> str | None:
    """Why the server would not work, or ``None``. Runs Django's system checks and looks for the static manifest."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")
    import django
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        django.setup()
        call_command("check", fail_level="ERROR", stdout=io.StringIO())
    except SystemCheckError as exc:
        return str(exc)
    storage: Any = staticfiles_storage
    if (
        isinstance(storage, ManifestFilesMixin)
        and not (Path(settings.STATIC_ROOT) / storage.manifest_name).exists()
    ):
        return (
            f"The static files are not collected: {Path(settings.STATIC_ROOT) / storage.manifest_name} is missing.\n"
            "Run `comity manage collectstatic --no-input` (with the same environment) after every install or "
            "upgrade, then start the server again."
        )
    if settings.DEBUG:
        print(
            "comity serve: COMITY_DEBUG is on — fine for a try, never for a server others can reach.",
            file=sys.stderr,
        )
    return None


def serve_command(args: argparse.Namespace) -> int:
    problem = preflight()
    if problem is not None:
        print(f"comity serve: {problem}", file=sys.stderr)
        return 2
    argv = gunicorn_argv(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)
    return 0  # not reached: exec replaced this process
