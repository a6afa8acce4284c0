"""Pages under load: the main pages of each role with 50 concurrent clients, against a bare one-query Django view.

Everything runs on throwaway services on ports ``--port-base`` (7540) + 1 (PostgreSQL, its own ``initdb`` cluster in a
temporary folder) and + 3 (Redis), with the demo street generated and a community of ``--units`` (10,000) built
beside it (``bench_pages.build_community``). The site is served as in production — ``comity serve`` (gunicorn with
comity/config/gunicorn.py), ``COMITY_DEBUG=false``, Redis as the cache, the collected static files — with one
difference: ``benchmarks/bare_settings.py`` adds a bare view (one query, a few bytes; ``benchmarks/bare_urls.py``)
to the URLconf, so the bare view and every page are served by the same workers in the same run.

For each page, ``--clients`` threads (one signed-in session per role, as the tabs of one browser) request it in a
loop for ``--seconds`` after a short warm-up; the bare view is measured before the first page and again after every
five, and each page is compared with the mean of the bare view's figures just before and after it. Printed per page: requests a second, the share of the bare view's, the median and the 95th percentile
latency. Then the registry of the ``--units`` community, one request at a time (median of 7).

The load generator is this process: threads with ``http.client`` (a new connection per request, as gunicorn's sync
workers close each one), on the same two cores as the server; its own CPU time is printed so that the figures can
be read with it in mind. Nothing is asserted: the figures are printed (docs/benchmarks.md, "Pages under load").

    .venv/bin/python benchmarks/bench_load.py [--clients 50] [--seconds 10] [--workers N] [--only registry]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy" / "smoke"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import VENV_BIN, Redis, SmokeError, Stack, make_primary, wait_for_port  # noqa: E402
from web import PASSWORD, sign_in  # noqa: E402

DATABASE = "comity"
#: The targets of issue 15, printed beside each figure (never asserted).
SHARE_TARGET = 0.15
P95_TARGET = 0.5
REGISTRY_TARGET = 1.0
#: The bare view is measured again after this many pages.
BARE_EVERY = 5


@dataclass
class Figure:
    label: str
    path: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    #: requests a second of the bare view measured just before and just after this page (their mean)
    bare: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def share(self) -> float:
        return self.rate / self.bare if self.bare else float("nan")

    @property
    def met(self) -> bool:
        return self.share >= SHARE_TARGET and self.percentile(0.95) < P95_TARGET and not self.errors

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(
    port: int, path: str, cookie: str, clients: int, seconds: float, warmup: float, label: str
) -> Figure:
    """``clients`` threads requesting ``path`` for ``warmup`` + ``seconds``; the requests that end in the last
    ``seconds`` count."""
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    start = time.monotonic()
    counting_from = start + warmup
    stop_at = counting_from + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client() -> None:
        mine: list[float] = []
        failed = 0
        while True:
            began = time.monotonic()
            if began >= stop_at:
                break
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            ended = time.monotonic()
            # A request counts when it ends inside the measured window (its latency whenever it began).
            if counting_from <= ended <= stop_at:
                if ok:
                    mine.append(ended - began)
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Figure(label, path, len(latencies), errors[0], seconds, latencies)


def timed(port: int, path: str, cookie: str, repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` sequential requests (after one untimed), and the page's size."""
    headers = {"Host": "127.0.0.1", "Cookie": f"sessionid={cookie}", "Accept-Encoding": "gzip"}
    samples = []
    size = 0
    for attempt in range(repeat + 1):
        began = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise SmokeError(f"{path} answers HTTP {response.status}")
        if attempt:
            samples.append(time.monotonic() - began)
        size = len(body)
    return statistics.median(samples), size


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per page (default 10)")
    parser.add_argument(
        "--warmup", type=float, default=2, help="unmeasured seconds before each page (default 2)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: comity/config/gunicorn.py's)")
    parser.add_argument(
        "--units", type=int, default=10_000, help="units of the large community (default 10,000)"
    )
    parser.add_argument("--only", help="only the pages whose label contains this text")
    parser.add_argument(
        "--port-base", type=int, default=int(os.environ.get("COMITY_BENCH_PORT_BASE", "7540"))
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (server log) afterwards"
    )
    return parser.parse_args()


def _environment(stack: Stack, pg_port: int, redis: Redis) -> dict[str, str]:
    data = stack.folder / "data"
    data.mkdir()
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}}
    return {
        **keep,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "benchmarks.bare_settings",
        "COMITY_DEBUG": "false",
        "COMITY_SECRET_KEY": secrets.token_urlsafe(50),
        "COMITY_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "COMITY_HTTPS": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{DATABASE}",
        "REDIS_URL": redis.url(0),
        "COMITY_DATA_DIR": str(data),
        "COMITY_EMAIL_BACKEND": "comity.demo.mail.OutboxEmailBackend",
        # Workers are not recycled during the run: a recycle (a second of imports) would cost the bare view,
        # with its thousands of requests, far more than the pages.
        "COMITY_WEB_MAX_REQUESTS": "0",
        "COMITY_WEB_LOG_LEVEL": "warning",
    }


def _run(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SmokeError(f"{' '.join(command[:3])} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def _prepare(env: dict[str, str], units: int) -> dict[str, object]:
    """Migrate, collect static files, generate the demo and build the large community (in this process)."""
    comity = str(VENV_BIN / "comity")
    started = time.monotonic()
    _run([comity, "manage", "migrate", "--no-input", "-v", "0"], env)
    _run([comity, "manage", "collectstatic", "--no-input", "-v", "0"], env)
    _run([comity, "demo"], env)
    print(f"migrated, static files collected, demo street generated ({time.monotonic() - started:.0f} s)")
    os.environ.update(env)
    import django

    django.setup()
    from bench_pages import build_community
    from checks import main_pages

    started = time.monotonic()
    built = build_community(units, code="bench-load")
    staff = built["staff"]
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    print(f"a community of {units:,} units built ({time.monotonic() - started:.0f} s)")
    from django.db import connections

    pages = main_pages()
    registry = f"/c/{built['community'].pk}/registry/"
    connections.close_all()
    return {"pages": pages, "registry": registry, "staff": staff.username}


def _table(figures: list[Figure]) -> list[str]:
    rows = [
        f"| page | requests/s | share of the bare view | median | p95 | targets (≥ {SHARE_TARGET:.0%}, p95 < "
        f"{P95_TARGET * 1000:.0f} ms) |",
        "|---|---|---|---|---|---|",
    ]
    for figure in figures:
        errors = f", {figure.errors} errors" if figure.errors else ""
        rows.append(
            f"| {figure.label} | {figure.rate:.0f} | {figure.share:.1%} | {figure.percentile(0.5) * 1000:.0f} ms | "
            f"{figure.percentile(0.95) * 1000:.0f} ms | {'met' if figure.met else '**missed**'}{errors} |"
        )
    return rows


def main() -> int:
    args = _arguments()
    port = args.port_base + 10
    with Stack.temporary("comity-bench-load-", keep=args.keep) as stack:
        primary = make_primary(stack.folder, args.port_base + 1)
        stack.postgres.append(primary)
        primary.start()
        primary.sql(f"CREATE DATABASE {DATABASE}")
        redis = Redis(args.port_base + 3, stack.folder)
        stack.redis.append(redis)
        redis.start()
        env = _environment(stack, primary.port, redis)
        prepared = _prepare(env, args.units)
        serve = [str(VENV_BIN / "comity"), "serve", "--bind", f"127.0.0.1:{port}"]
        if args.workers:
            serve += ["--workers", str(args.workers)]
        server = stack.process("web", serve, env)
        wait_for_port(port, 60)
        time.sleep(2)
        workers = len(Path(f"/proc/{server.popen.pid}/task/{server.popen.pid}/children").read_text().split())  # type: ignore[union-attr]
        host = f"http://127.0.0.1:{port}"
        pages: dict[str, list[list[str]]] = prepared["pages"]  # type: ignore[assignment]
        cookies = {login: (sign_in(host, login) if login else "") for login in pages}
        cpu_started = time.process_time()
        wall_started = time.monotonic()

        def measure(label: str, path: str, cookie: str) -> Figure:
            figure = load(port, path, cookie, args.clients, args.seconds, args.warmup, label)
            print(
                f"  {label:<42} {figure.rate:7.1f} req/s  median {figure.percentile(0.5) * 1000:6.0f} ms  "
                f"p95 {figure.percentile(0.95) * 1000:6.0f} ms"
                + (f"  {figure.errors} errors" if figure.errors else ""),
                flush=True,
            )
            return figure

        print(f"\n{args.clients} clients, {args.seconds:.0f} s per page after {args.warmup:.0f} s of warm-up; "
              f"comity serve with {workers} workers")  # fmt: skip
        jobs = [
            (label, path, cookies[login])
            for login, entries in pages.items()
            for label, path in entries
            if not args.only or args.only in label
        ]
        # The bare view before the first page, after the last, and after every few pages between: each page is
        # compared with the mean of the bare view's figures just before and just after it, so that the other work
        # on the machine changes both sides of a ratio alike.
        bares = [measure("bare one-query view", "/bench/bare/", "")]
        figures: list[Figure] = []
        for start in range(0, len(jobs), BARE_EVERY):
            chunk = [measure(*job) for job in jobs[start : start + BARE_EVERY]]
            bares.append(measure("bare one-query view", "/bench/bare/", ""))
            for figure in chunk:
                figure.bare = (bares[-2].rate + bares[-1].rate) / 2
            figures += chunk
        client_cpu = time.process_time() - cpu_started
        wall = time.monotonic() - wall_started
        staff_cookie = sign_in(host, str(prepared["staff"]))
        registry, size = timed(port, str(prepared["registry"]), staff_cookie, 7)

    machine = f"{os.cpu_count()} cores"
    rates = ", ".join(f"{b.rate:.0f}" for b in bares)
    print(f"\nPages under load — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}, {workers} gunicorn workers, "
          f"{args.clients} clients; the bare view: {rates} req/s across the run")  # fmt: skip
    print("\n".join(_table(figures)))
    print(
        f"\nRegistry of a {args.units:,}-unit community, one request at a time: median {registry * 1000:.0f} ms "
        f"({size:,} bytes gzipped) — target < {REGISTRY_TARGET:.0f} s: "
        f"{'met' if registry < REGISTRY_TARGET else 'MISSED'}"
    )
    missed = [f.label for f in figures if not f.met]
    print(f"Pages that miss a target: {', '.join(missed) if missed else 'none'}")
    print(
        f"The load generator (this process) used {client_cpu:.0f} s of CPU in {wall:.0f} s "
        f"({client_cpu / wall:.0%} of one core of the {os.cpu_count()})."
    )
    summary = {
        "bare": [b.rate for b in bares],
        "pages": {
            f.label: {"rate": f.rate, "share": f.share, "p95": f.percentile(0.95), "errors": f.errors}
            for f in figures
        },
        "registry": registry,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
