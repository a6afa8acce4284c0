"""Throwaway services for the production smoke run and the page benchmark.

A PostgreSQL primary (and optionally a streaming replica made with ``pg_basebackup -R``), a Redis, and the
processes Comity runs in production (the web server, a Celery worker, Celery beat), each on a port of the
caller's choosing and in a temporary folder, so that the machine's own PostgreSQL (5432) and Redis (6379) are
never touched. Every process started here is recorded in a :class:`Stack`, whose ``close()`` stops them all —
callers use it as a context manager so that a failure still cleans up.

Standard library only: the smoke script runs this module with the project's virtual environment's Python, but
nothing here imports Django.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PG_BIN = Path(os.environ.get("COMITY_SMOKE_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get("COMITY_SMOKE_VENV_BIN", ROOT / ".venv" / "bin"))


class SmokeError(RuntimeError):
    """A step of the run failed; the message says which and why."""


def wait_for_port(port: int, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise SmokeError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) != 0


def _as_postgres(*command: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program as the postgres user (PostgreSQL refuses to run as root)."""
    argv = [str(part) for part in command]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise SmokeError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


@dataclass
class Postgres:
    """One PostgreSQL server in ``data`` on ``port`` (a primary, or a replica that streams from one)."""

    data: Path
    port: int
    log: Path

    def start(self) -> None:
        if not port_is_free(self.port):
            raise SmokeError(
                f"port {self.port} is taken: another PostgreSQL? (stop it or choose other ports)"
            )
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            _as_postgres(
                PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False
            )

    def restart(self) -> None:
        _as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-m", "fast", "-w", "-t", "60", "restart"
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement through psql and return its unaligned output."""
        result = _as_postgres(
            PG_BIN / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-d", database, "-XAtq", "-v",
            "ON_ERROR_STOP=1", "-c", statement,
        )  # fmt: skip
        return result.stdout.strip()


def _owned_by_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def make_primary(folder: Path, port: int) -> Postgres:
    """initdb a primary that accepts replication from 127.0.0.1 and tuned for a throwaway run."""
    data = folder / "primary"
    data.mkdir()
    data.chmod(0o700)
    _owned_by_postgres(data)
    _as_postgres(
        PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(
            f"\n# the smoke run\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{folder}'\nwal_level = replica\nmax_wal_senders = 5\n"
            "hot_standby = on\nmax_connections = 200\nshared_buffers = 256MB\nfsync = on\n"
        )
    server = Postgres(data, port, folder / "primary.log")
    _touch_log(server.log)
    return server


def make_replica(folder: Path, primary: Postgres, port: int) -> Postgres:
    """A streaming replica of ``primary`` (``pg_basebackup -R`` writes its standby.signal and connection)."""
    data = folder / "replica"
    _as_postgres(
        PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", data,
        "-R", "-X", "stream", "-c", "fast",
    )  # fmt: skip
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(f"\n# the replica\nport = {port}\n")
    server = Postgres(data, port, folder / "replica.log")
    _touch_log(server.log)
    return server


def _touch_log(path: Path) -> None:
    path.touch()
    _owned_by_postgres(path)


@dataclass
class Redis:
    port: int
    folder: Path

    def start(self) -> None:
        if not port_is_free(self.port):
            raise SmokeError(f"port {self.port} is taken")
        subprocess.run(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                "no", "--daemonize", "yes", "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log"),
                "--pidfile", str(self.folder / f"redis-{self.port}.pid"),
            ],
            check=True,
        )  # fmt: skip
        wait_for_port(self.port, 15)

    def stop(self) -> None:
        if port_is_free(self.port):
            return
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, check=False
        )
        deadline = time.monotonic() + 10
        while not port_is_free(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@dataclass
class Process:
    """A long-running child (web server, worker, beat) in its own process group, with its output in a file."""

    name: str
    argv: list[str]
    env: Mapping[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        handle = open(self.log, "ab")  # noqa: SIM115 - the child keeps it; closed in stop()
        self.popen = subprocess.Popen(
            self.argv,
            env=dict(self.env),
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        handle.close()

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Stack:
    """Everything one run started; ``close()`` stops it in reverse order and removes the folder."""

    folder: Path
    keep: bool = False
    processes: list[Process] = field(default_factory=list)
    postgres: list[Postgres] = field(default_factory=list)
    redis: list[Redis] = field(default_factory=list)

    @classmethod
    @contextlib.contextmanager
    def temporary(cls, prefix: str, keep: bool = False) -> Iterator[Stack]:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        folder.chmod(0o755)
        _owned_by_postgres(folder)
        stack = cls(folder, keep)
        try:
            yield stack
        finally:
            stack.close()

    def process(self, name: str, argv: list[str], env: Mapping[str, str]) -> Process:
        child = Process(name, argv, env, self.folder / f"{name}.log")
        self.processes.append(child)
        child.start()
        return child

    def close(self) -> None:
        for child in reversed(self.processes):
            with contextlib.suppress(Exception):
                child.stop()
        for server in reversed(self.redis):
            with contextlib.suppress(Exception):
                server.stop()
        for pg in reversed(self.postgres):
            with contextlib.suppress(Exception):
                pg.stop("immediate" if pg.data.name == "replica" else "fast")
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
