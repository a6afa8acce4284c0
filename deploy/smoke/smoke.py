"""The production smoke run: Comity deployed as docs/deployment.md says, on throwaway services, then broken on purpose.

In a temporary folder: a PostgreSQL primary and a streaming replica (``initdb``, ``pg_basebackup -R``), a Redis,
then the deployment's steps (migrate, collectstatic, the demo street, ``comity serve`` with 2 workers, a Celery
worker and beat), and the stages:

1. load: Locust, 50 users for 30 s over the main pages of each demo role — no failed request;
2. the broker away: Redis and the worker stopped in the middle of load while residents submit appeals and vote —
   no request fails, and once they are back every queued notification and opinion-map recomputation is done,
   none twice;
3. a server worker killed (SIGKILL) while owners cast ballots, then the database restarted — every ballot the
   server confirmed is there, the counts are equal before and after the restart, the ballot logs verify;
4. a dashboard read from the replica;
5. backup, wipe and restore — counts equal, ballot logs verify, the site serves again.

Ports: ``COMITY_SMOKE_PORT_BASE`` (default 7500) + 1 primary, + 2 replica, + 3 Redis, + 10 the web server; the
machine's own PostgreSQL and Redis are never touched. Everything started is stopped at the end, on failure and on
Ctrl-C too. A stage whose piece of the product is missing prints ``NOT CHECKED: <why>`` and counts as a failure
unless ``--allow-not-checked``. Exit status: 0 when every stage passed.

    deploy/smoke/run [--keep] [--users 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import requests  # noqa: E402
from services import ROOT, VENV_BIN, Postgres, Redis, SmokeError, Stack, make_primary, make_replica  # noqa: E402
from web import form_data, signed_in_session  # noqa: E402

DATABASE = "comity"


@dataclass
class Result:
    stage: str
    status: str  # "passed", "FAILED", "NOT CHECKED"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Run:
    args: argparse.Namespace
    stack: Stack
    env: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    primary: Postgres | None = None
    replica: Postgres | None = None
    redis: Redis | None = None
    host: str = ""
    pages_file: Path | None = None
    sessions_file: Path | None = None

    # --- helpers ---------------------------------------------------------------------------------------------

    def comity(self, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run ``comity …`` with the deployment's environment; raise with its output when it fails."""
        return self.command([str(VENV_BIN / "comity"), *argv], timeout=timeout)

    def command(
        self, argv: list[str], timeout: float = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(argv, env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise SmokeError(
                f"`{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}` exited "
                f"{result.returncode}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result

    def check(self, *argv: str) -> Any:
        """``checks.py …`` (the database, read through Django), parsed from its JSON."""
        result = self.command([str(VENV_BIN / "python"), str(HERE / "checks.py"), *argv])
        return json.loads(result.stdout.strip().splitlines()[-1])

    def has_command(self, *argv: str) -> bool:
        return self.command([str(VENV_BIN / "comity"), *argv, "--help"], check=False).returncode == 0

    def locust(self, users: int, seconds: int, name: str) -> subprocess.Popen[str]:
        argv = [
            str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(users),
            "-r", str(max(1, users // 2)), "-t", f"{seconds}s", "--host", self.host, "--only-summary",
            "--json-file", str(self.stack.folder / f"locust-{name}"), "--stop-timeout", "10",
        ]  # fmt: skip
        env = {
            **self.env,
            "COMITY_SMOKE_PAGES": str(self.pages_file),
            "COMITY_SMOKE_SESSIONS": str(self.sessions_file),
        }
        log = open(self.stack.folder / f"locust-{name}.log", "w")  # noqa: SIM115 - the child keeps it
        return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)

    def locust_result(self, process: subprocess.Popen[str], name: str) -> tuple[int, int, list[str]]:
        """(requests, failures, error lines) of a finished Locust run."""
        process.wait(timeout=300)
        try:
            stats = json.loads((self.stack.folder / f"locust-{name}.json").read_text())
        except (OSError, ValueError) as error:
            log = (self.stack.folder / f"locust-{name}.log").read_text(errors="replace")[-3000:]
            raise SmokeError(f"Locust left no statistics ({error}):\n{log}") from error
        total = sum(entry["num_requests"] for entry in stats)
        failed = sum(entry["num_failures"] for entry in stats)
        if not total:
            log = (self.stack.folder / f"locust-{name}.log").read_text(errors="replace")[-2000:]
            raise SmokeError(f"Locust made no request:\n{log}")
        errors = []
        if failed:
            log = (self.stack.folder / f"locust-{name}.log").read_text(errors="replace")
            errors = [line for line in log.splitlines() if "HTTP" in line or "Error" in line][:15]
        return total, failed, errors

    def get(self, path: str, session: requests.Session | None = None) -> requests.Response:
        return (session or requests).get(self.host + path, allow_redirects=False, timeout=60)

    def wait_until(self, what: str, test: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if test():
                return
            time.sleep(1)
        raise SmokeError(f"{what}: not within {timeout:.0f} s")

    def web_workers(self) -> list[int]:
        master = self.stack.processes[0].popen
        assert master is not None
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


def say(text: str) -> None:
    print(f"   {text}", flush=True)


# --- the services and the deployment's steps --------------------------------------------------------------------


def start_services(run: Run) -> None:
    base = run.args.port_base
    heading(f"services: PostgreSQL primary :{base + 1}, streaming replica :{base + 2}, Redis :{base + 3}")
    run.primary = make_primary(run.stack.folder, base + 1)
    run.stack.postgres.append(run.primary)
    run.primary.start()
    run.primary.sql(f"CREATE DATABASE {DATABASE}")
    run.replica = make_replica(run.stack.folder, run.primary, base + 2)
    run.stack.postgres.append(run.replica)
    run.replica.start()
    streaming = run.primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
    say(f"replica streaming: {streaming == '1'} (pg_stat_replication)")
    if streaming != "1":
        time.sleep(2)
        if run.primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != "1":
            raise SmokeError("the replica does not stream from the primary")
    run.redis = Redis(base + 3, run.stack.folder)
    run.stack.redis.append(run.redis)
    run.redis.start()


def deployment_environment(run: Run) -> None:
    """The variables docs/deployment.md has an operator set, pointed at the throwaway services."""
    assert run.primary is not None and run.replica is not None and run.redis is not None  # noqa: PT018
    data = run.stack.folder / "data"
    data.mkdir()
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TERM"}}
    run.env = {
        **keep,
        "COMITY_DEBUG": "false",
        "COMITY_SECRET_KEY": secrets.token_urlsafe(50),
        "COMITY_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on this machine's own address (no proxy in front): no SSL redirect, no Secure cookies.
        "COMITY_HTTPS": "false",
        "DATABASE_URL": run.primary.url(DATABASE),
        "COMITY_REPLICA_DATABASE_URL": run.replica.url(DATABASE),
        "COMITY_DATABASE_HEADER": "true",
        "REDIS_URL": run.redis.url(0),
        "COMITY_DATA_DIR": str(data),
        # E-mails kept in the database (the staff outbox), so the run can count each one.
        "COMITY_EMAIL_BACKEND": "comity.demo.mail.OutboxEmailBackend",
        "COMITY_SMS_BACKEND": "comity.notifications.channels.FakeSmsChannel",
        "COMITY_LOG_LEVEL": "WARNING",
        # This Redis keeps nothing on disk (like one that crashed): the jobs it held when it stopped are gone, and
        # the deliveries they carried stay pending until beat's retry sends them again as stale (docs/jobs.md: ten
        # and five minutes by default). Shorter here, so that the run sees it happen within two minutes.
        "COMITY_NOTIFICATIONS_STALE_SECONDS": "60",
        "COMITY_NOTIFICATIONS_RETRY_SECONDS": "30",
        "COMITY_BROKER_VISIBILITY_SECONDS": "60",
    }
    run.host = f"http://127.0.0.1:{run.args.port_base + 10}"


def deploy(run: Run) -> None:
    heading(
        "deployment steps (docs/deployment.md): migrate, collectstatic, the demo street, serve, worker, beat"
    )
    started = time.monotonic()
    run.comity("manage", "migrate", "--no-input", "-v", "0")
    run.comity("manage", "collectstatic", "--no-input", "-v", "0")
    say(f"migrated and collected static files ({time.monotonic() - started:.0f} s)")
    demo = run.comity("demo", timeout=600)
    say(demo.stdout.strip().splitlines()[0] if demo.stdout.strip() else "demo generated")
    start_web(run)
    start_jobs(run)
    pages = run.check("pages")
    run.pages_file = run.stack.folder / "pages.json"
    run.pages_file.write_text(json.dumps(pages, ensure_ascii=False))
    sessions = {}
    for login, entries in pages.items():
        session = signed_in_session(run.host, login) if login else None
        if session is not None:
            sessions[login] = session.cookies["sessionid"]
        for label, path in entries:
            answer = run.get(path, session)
            if answer.status_code != 200:
                raise SmokeError(f"{label} ({path}) answers HTTP {answer.status_code}")
    run.sessions_file = run.stack.folder / "sessions.json"
    run.sessions_file.write_text(json.dumps(sessions))
    count = sum(len(entries) for entries in pages.values())
    say(f"{count} main pages of {len(pages)} roles answer 200 ({time.monotonic() - started:.0f} s in all)")


def start_web(run: Run) -> None:
    bind = f"127.0.0.1:{run.args.port_base + 10}"
    argv = [str(VENV_BIN / "comity"), "serve", "--bind", bind, "--workers", "2"]
    web = run.stack.process("web", argv, run.env)
    if run.stack.processes[0] is not web:
        raise SmokeError("the web server must be the first process started")
    try:
        from services import wait_for_port

        wait_for_port(run.args.port_base + 10, 60)
    except SmokeError as error:
        raise SmokeError(f"{error}\n{web.tail()}") from error
    say(f"web server: {' '.join(argv[1:])} (pid {web.popen.pid if web.popen else '?'})")


def start_jobs(run: Run) -> None:
    worker = run.stack.process("worker", _worker_argv(), run.env)
    beat = run.stack.process(
        "beat",
        [str(VENV_BIN / "celery"), "-A", "comity.config", "beat", "--loglevel=INFO", "--schedule",
         str(run.stack.folder / "data" / "celerybeat-schedule")],
        run.env,
    )  # fmt: skip
    time.sleep(3)
    for child in (worker, beat):
        if not child.running:
            raise SmokeError(f"the Celery {child.name} stopped at once:\n{child.tail()}")
    say("Celery worker and beat running")


def _worker_argv() -> list[str]:
    return [str(VENV_BIN / "celery"), "-A", "comity.config", "worker", "--loglevel=INFO", "--concurrency=2"]


# --- the stages ---------------------------------------------------------------------------------------------------


def stage_load(run: Run) -> str:
    users, seconds = run.args.users, run.args.seconds
    process = run.locust(users, seconds, "load")
    total, failed, errors = run.locust_result(process, "load")
    if failed or not total:
        raise SmokeError(f"{failed} of {total} requests failed:\n" + "\n".join(errors))
    pages = json.loads(run.pages_file.read_text()) if run.pages_file else {}
    loaded = {entry["name"] for entry in json.loads((run.stack.folder / "locust-load.json").read_text())}
    missed = [label for entries in pages.values() for label, _ in entries if label not in loaded]
    if missed:
        raise SmokeError(f"pages never loaded: {', '.join(missed)}")
    count = sum(len(entries) for entries in pages.values())
    return f"{total} requests by {users} users in {seconds} s over all {count} pages, 0 failed"


def _photo() -> bytes:
    """A small JPEG, as a phone would send (Pillow is one of Comity's dependencies)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 160, 120)).save(buffer, "JPEG")
    return buffer.getvalue()


def _media(folder: Path) -> dict[str, str]:
    """Every file under the media folder with its SHA-256."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def submit_appeal(
    session: requests.Session, host: str, community: str, number: int, photo: bool
) -> int | str:
    """A resident's appeal through the form: its number, or what went wrong."""
    form = form_data(session.get(f"{host}{community}appeals/new/", timeout=60).text, "once_token")
    form["description"] = f"Smoke run {number}: the stairwell light of my building is out again."
    files = {"photos": ("stairwell.jpg", _photo(), "image/jpeg")} if photo else None
    answer = session.post(
        f"{host}{community}appeals/new/", data=form, files=files, allow_redirects=False, timeout=60
    )
    location = answer.headers.get("Location", "")
    if answer.status_code != 302 or "/appeals/" not in location:
        return f"appeal {number}: HTTP {answer.status_code} {location}"
    return int(location.rstrip("/").rsplit("/", 1)[1])


class Writer(threading.Thread):
    """A resident submitting appeals and voting on statements in a loop, through the pages, until stopped."""

    def __init__(self, run: Run, community_path: str, consultation_path: str) -> None:
        super().__init__(daemon=True)
        self.run_ = run
        self.community = community_path
        self.consultation = consultation_path
        self.stop = threading.Event()
        self.appeals: list[int] = []
        self.votes = 0
        self.failures: list[str] = []

    def run(self) -> None:
        host = self.run_.host
        session = signed_in_session(host, "resident")
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                # The first appeal carries a photo, so that the media folder has an upload to back up and restore.
                appeal = submit_appeal(session, host, self.community, number, photo=number == 1)
                if isinstance(appeal, str):
                    self.failures.append(appeal)
                else:
                    self.appeals.append(appeal)
                page = session.get(f"{host}{self.consultation}", timeout=60).text
                if 'name="step" value="vote"' in page:
                    vote = form_data(page, 'name="step" value="vote"')
                    answer = session.post(
                        f"{host}{self.consultation}", data=vote, allow_redirects=False, timeout=60
                    )
                    if answer.status_code != 302:
                        self.failures.append(f"vote {number}: HTTP {answer.status_code}")
                    else:
                        self.votes += 1
            except (requests.RequestException, RuntimeError) as error:
                self.failures.append(f"step {number}: {error}")
            self.stop.wait(0.5)


def stage_broker_outage(run: Run) -> str:
    assert run.redis
    pages = json.loads(run.pages_file.read_text()) if run.pages_file else {}
    consultation = next(path for label, path in pages["resident"] if label.endswith("consultation"))
    community = consultation.split("consultations/")[0]
    since = datetime.now(UTC).isoformat()
    load = run.locust(run.args.users, 45, "outage")
    writer = Writer(run, community, consultation)
    writer.start()
    time.sleep(12)
    worker = next(child for child in run.stack.processes if child.name == "worker")
    say("Redis and the Celery worker stopped")
    worker.stop()
    run.redis.stop()
    time.sleep(15)
    run.redis.start()
    worker.argv = _worker_argv()
    worker.start()
    say("Redis and the Celery worker started again")
    total, failed, errors = run.locust_result(load, "outage")
    writer.stop.set()
    writer.join(60)
    if failed or writer.failures:
        raise SmokeError(
            f"requests failed while the broker was away: {failed} of {total} page loads; writes: "
            + "; ".join(writer.failures[:10])
            + ("\n" + "\n".join(errors) if errors else "")
        )
    if not writer.appeals:
        raise SmokeError("no appeal was submitted during the outage")
    say(f"{total} page loads, {len(writer.appeals)} appeals and {writer.votes} votes written, none failed")
    state: dict[str, Any] = {}

    waiting_since = time.monotonic()

    def drained() -> bool:
        state.update(run.check("delivered", since, *map(str, writer.appeals)))
        return (
            not state["jobs unpublished"]
            and state["deliveries not sent"] == 0
            and not state["appeals without a notification"]
            and state["opinion maps out of date"] == 0
        )

    try:
        run.wait_until("the queued work was not all done", drained, run.args.drain_seconds)
    except SmokeError as error:
        raise SmokeError(f"{error}: {json.dumps(state, ensure_ascii=False)}") from error
    say(f"queued work done {time.monotonic() - waiting_since:.0f} s after the broker came back")
    status = run.comity("manage", "jobs_status", "--check").stdout.strip()
    say(f"comity manage jobs_status --check: {status.splitlines()[-1] if status else 'OK'}")
    twice = state["sms twice"] + state["notifications twice"]
    if twice or state["e-mails kept"] != state["e-mails sent"]:
        raise SmokeError(f"work done twice: {json.dumps(state, ensure_ascii=False)}")
    return (
        f"0 of {total} requests failed; afterwards no job unpublished, {sum(state['deliveries'].values())} deliveries "
        f"({state['deliveries']}), e-mails {state['e-mails kept']} = sent {state['e-mails sent']}, "
        f"no SMS or notification twice, no opinion map out of date"
    )


def stage_kill_and_restart(run: Run) -> str:
    assert run.primary
    voters = run.check("voters", "12")
    if not voters["usernames"]:
        raise SmokeError("no elector of the open vote is left to vote")
    confirmed: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def vote(username: str) -> None:
        try:
            session = signed_in_session(run.host, username)
            page = session.get(run.host + voters["page"], timeout=60).text
            ballot = form_data(page, 'class="ballot"')
            answer = session.post(run.host + voters["page"], data=ballot, allow_redirects=False, timeout=60)
            with lock:
                (confirmed.append(username) if answer.status_code == 302 else failures.append(
                    f"{username}: HTTP {answer.status_code}"))  # fmt: skip
        except (requests.RequestException, RuntimeError) as error:
            with lock:
                failures.append(f"{username}: {error}")

    threads = [threading.Thread(target=vote, args=(name,), daemon=True) for name in voters["usernames"]]
    load = run.locust(run.args.users, 20, "kill")
    time.sleep(4)
    for thread in threads:
        thread.start()
        time.sleep(0.1)
    victim = run.web_workers()[0]
    os.kill(victim, signal.SIGKILL)
    say(f"server worker {victim} killed (SIGKILL) while {len(threads)} owners vote under load")
    for thread in threads:
        thread.join(120)
    total, failed, _ = run.locust_result(load, "kill")
    # The requests the killed worker was serving fail with it (sync workers: one at a time); nothing else may.
    if failed > 2:
        raise SmokeError(f"{failed} of {total} page loads failed (at most those the killed worker held)")
    say(f"{total} page loads, {failed} lost with the killed worker; {len(confirmed)} ballots confirmed")
    stored = run.check("participations", str(voters["decision"]), *confirmed)
    missing = sorted(set(confirmed) - set(stored["voted"]))
    if missing:
        raise SmokeError(f"ballots confirmed to the voter but not stored: {missing}")
    before = run.check("counts")
    run.primary.restart()
    say("database restarted (pg_ctl restart -m fast)")
    after = run.check("counts")
    if before != after:
        raise SmokeError(f"counts changed across the restart: {before} → {after}")
    if after["broken ballot logs"]:
        raise SmokeError(f"ballot logs broken: {after['broken ballot logs']}")
    pages = json.loads(run.pages_file.read_text()) if run.pages_file else {}
    refused = []
    for login in pages:
        if login:
            try:
                signed_in_session(run.host, login)
            except (requests.RequestException, RuntimeError) as error:
                refused.append(f"{login}: {error}")
    if refused:
        raise SmokeError("signing in after the database restart failed: " + "; ".join(refused))
    load = run.locust(20, 10, "after-restart")
    total, failed, errors = run.locust_result(load, "after-restart")
    if failed:
        raise SmokeError(f"after the restart {failed} of {total} page loads failed:\n" + "\n".join(errors))
    return (
        f"{len(confirmed)} ballots confirmed and stored ({len(failures)} lost with the worker: "
        f"{'; '.join(failures) or 'none'}); counts equal across the restart "
        f"({after['decision ballots']} ballots, {after['appeals']} appeals), {after['ballot logs']} ballot logs "
        f"verify; every role signs in and {total} page loads after the restart, 0 failed"
    )


def stage_replica(run: Run) -> str:
    assert run.replica is not None
    pages = json.loads(run.pages_file.read_text()) if run.pages_file else {}
    dashboard = next(path for label, path in pages["committee-staff"] if "rates dashboard" in label)
    scans = (
        "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables "
        "WHERE relname = 'appeals_appeal'"
    )
    # A resident's appeal first: the dashboard's cached figures belong to the community's data version, which the
    # appeal changes, so the next view computes them again — from the replica.
    community = dashboard.split("appeals/")[0]
    appeal = submit_appeal(signed_in_session(run.host, "resident"), run.host, community, 0, photo=False)
    if isinstance(appeal, str):
        raise SmokeError(appeal)
    time.sleep(1)
    before = int(run.replica.sql(scans, DATABASE))
    # A fresh session: signing in is a POST, after which that browser reads from the primary for a few seconds.
    session = requests.Session()
    session.cookies.set("sessionid", signed_in_session(run.host, "committee-staff").cookies["sessionid"])
    answer = run.get(dashboard, session)
    header = answer.headers.get("X-Comity-Database", "")
    if answer.status_code != 200:
        raise SmokeError(f"the dashboard answers HTTP {answer.status_code}")
    if header != "replica":
        raise SmokeError(
            f"the dashboard was read from {header or 'the primary (no X-Comity-Database header)'}"
        )
    after = before
    deadline = time.monotonic() + 15  # a standby's backends report their statistics within about ten seconds
    while after == before and time.monotonic() < deadline:
        time.sleep(1)
        after = int(run.replica.sql(scans, DATABASE))
    if after == before:
        raise SmokeError(
            "the replica's statistics show no read of the appeals after the dashboard was served"
        )
    return (
        f"after appeal {appeal}, {dashboard} answered with X-Comity-Database: replica, and the replica counted "
        f"{after - before} scans "
        "of appeals_appeal (pg_stat_user_tables on the standby)"
    )


def stage_backup_restore(run: Run) -> str:
    assert run.primary
    before = run.check("counts")
    backup = run.stack.folder / "backup.tar.gz"
    run.comity("backup", str(backup), timeout=300)
    say(f"backed up to {backup}")
    for child in run.stack.processes:
        child.stop()
    run.primary.sql(f"DROP DATABASE {DATABASE} WITH (FORCE)")
    run.primary.sql(f"CREATE DATABASE {DATABASE}")
    media = Path(run.env["COMITY_DATA_DIR"]) / "media"
    files = _media(media)
    if not files:
        raise SmokeError(f"no upload in {media} to back up (the photo sent with the first appeal of the run)")
    if media.exists():
        shutil.rmtree(media)
    say(f"wiped: database dropped and created empty, media folder removed ({len(files)} files)")
    restored = run.comity("restore", str(backup), timeout=300).stdout.strip().splitlines()
    say(f"comity restore: {restored[-1] if restored else ''}")
    after = run.check("counts")
    if _media(media) != files:
        raise SmokeError(
            f"media files differ after the restore: {len(files)} before, {len(_media(media))} after"
        )
    if before != after:
        raise SmokeError(f"counts differ after the restore: {before} → {after}")
    if after["broken ballot logs"]:
        raise SmokeError(f"ballot logs broken after the restore: {after['broken ballot logs']}")
    run.stack.processes.clear()
    start_web(run)
    start_jobs(run)
    pages = json.loads(run.pages_file.read_text()) if run.pages_file else {}
    session = signed_in_session(run.host, "committee-staff")
    for label, path in pages["committee-staff"]:
        if run.get(path, session).status_code != 200:
            raise SmokeError(f"after the restore {label} does not answer 200")
    return (
        f"counts equal after the restore ({after['appeals']} appeals, {after['decision ballots']} ballots, "
        f"{after['notifications']} notifications), {len(files)} media files back byte for byte, "
        f"{after['ballot logs']} ballot logs verify, the site serves again"
    )


STAGES: list[tuple[str, Callable[[Run], str], Callable[[Run], str | None]]] = [
    ("load: 50 users over the main pages of each role", stage_load, lambda run: None),
    ("Redis and the worker stopped under load", stage_broker_outage, lambda run: None),
    ("a server worker killed, the database restarted", stage_kill_and_restart, lambda run: None),
    (
        "a dashboard read from the replica",
        stage_replica,
        lambda run: None,
    ),
    (
        "backup, wipe, restore",
        stage_backup_restore,
        lambda run: (
            None
            if run.has_command("backup") and run.has_command("restore")
            else "`comity backup` / `comity restore` do not exist yet"
        ),
    ),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) afterwards")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--drain-seconds", type=int, default=180, help="how long queued work may take to finish"
    )
    parser.add_argument(
        "--port-base", type=int, default=int(os.environ.get("COMITY_SMOKE_PORT_BASE", "7500"))
    )
    parser.add_argument(
        "--allow-not-checked", action="store_true", help="a stage not checked is not a failure"
    )
    args = parser.parse_args()
    started = time.monotonic()

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    results: list[Result] = []
    with Stack.temporary("comity-smoke-", keep=args.keep) as stack:
        run = Run(args, stack, results=results)
        print(f"Comity production smoke run in {stack.folder}", flush=True)
        try:
            start_services(run)
            deployment_environment(run)
            deploy(run)
        except (SmokeError, subprocess.TimeoutExpired, KeyboardInterrupt) as error:
            results.append(Result("deployment", "FAILED", str(error)))
        else:
            results.append(
                Result("deployment", "passed", "migrate, collectstatic, demo, serve, worker, beat")
            )
            for title, stage, missing in STAGES:
                heading(title)
                why = missing(run)
                if why:
                    print(f"   NOT CHECKED: {why}", flush=True)
                    results.append(Result(title, "NOT CHECKED", why))
                    continue
                begun = time.monotonic()
                try:
                    detail = stage(run)
                    results.append(Result(title, "passed", detail, time.monotonic() - begun))
                    say(f"passed: {detail}")
                except (SmokeError, subprocess.TimeoutExpired, requests.RequestException, RuntimeError, OSError,
                        ValueError, KeyError) as error:  # fmt: skip
                    results.append(Result(title, "FAILED", str(error), time.monotonic() - begun))
                    say(f"FAILED: {error}")
                    for child in stack.processes:
                        if child.tail(5):
                            print(f"   --- {child.name} (last lines)\n{child.tail(8)}", flush=True)
                except KeyboardInterrupt:
                    results.append(Result(title, "FAILED", "interrupted"))
                    break
        heading("stopping everything this run started")
    heading(f"summary ({time.monotonic() - started:.0f} s)")
    for result in results:
        took = f" [{result.seconds:.0f} s]" if result.seconds else ""
        print(f"   {result.status:<11} {result.stage}{took}")
        if result.status != "passed":
            print(f"               {result.detail.splitlines()[0] if result.detail else ''}")
    failed = [
        r
        for r in results
        if r.status == "FAILED" or (r.status == "NOT CHECKED" and not args.allow_not_checked)
    ]
    print("SMOKE " + ("FAILED" if failed else "PASSED"), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
