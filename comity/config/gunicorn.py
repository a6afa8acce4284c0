"""Gunicorn's settings for ``comity serve`` (docs/deployment.md, "The application server").

Read by gunicorn as a configuration file (``comity serve`` passes ``-c python:comity.config.gunicorn``); every value
comes from the environment with a default that suits a small server behind nginx:

``COMITY_BIND`` (``127.0.0.1:8000``), ``COMITY_WEB_WORKERS`` (2 × cores + 1, at most 8), ``COMITY_WEB_THREADS`` (1:
gunicorn's sync workers; more makes them threaded), ``COMITY_WEB_TIMEOUT`` (30 s before a stuck worker is killed and
replaced), ``COMITY_WEB_GRACEFUL_TIMEOUT`` (30 s for requests in flight to finish on a stop or a reload),
``COMITY_WEB_MAX_REQUESTS`` (1,000, with up to 10 % jitter, so that workers are recycled one at a time) and
``COMITY_LOG_JSON`` (the access and error logs as JSON lines, like Django's; text otherwise).

The application is not preloaded (``preload_app = False``): each worker imports Django itself, which costs a second
and some memory per worker, but ``systemctl reload comity`` (SIGHUP) then starts workers on the newly installed code
while the old ones finish their requests — the upgrade without downtime in docs/operations.md — and no connection or
thread opened at import time is ever shared between forked workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _json_logs() -> bool:
    return os.environ.get("COMITY_LOG_JSON", "").strip().lower() in {"1", "true", "yes", "on"}


wsgi_app = "comity.config.wsgi:application"
bind = [address.strip() for address in os.environ.get("COMITY_BIND", "127.0.0.1:8000").split(",") if address]
workers = _int("COMITY_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("COMITY_WEB_THREADS", 1)
timeout = _int("COMITY_WEB_TIMEOUT", 30)
graceful_timeout = _int("COMITY_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
max_requests = _int("COMITY_WEB_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
preload_app = False
# The workers' heartbeat files in memory, never on a disk that may stall (as gunicorn's docs advise for containers).
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# The proxy in front (nginx on the same machine by default) may say the request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "comity"
# gunicorn's control socket (gunicornc) is not used: systemd and the container runtime send signals.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("COMITY_WEB_LOG_LEVEL", "info")


class JsonLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type information
    """Gunicorn's logger, writing one JSON object a line: the access log with the request's method, path, status,
    size, duration and the request id Comity sent back (comity/config/requestlog.py)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
        for handler in [*self.error_log.handlers, *self.access_log.handlers]:
            handler.setFormatter(formatter)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        headers = {name.lower(): value for name, value in resp.headers}
        try:
            self.access_log.info(
                "request",
                extra={
                    "request_id": headers.get("x-request-id", "-"),
                    "method": environ.get("REQUEST_METHOD"),
                    "path": environ.get("PATH_INFO"),
                    "query": environ.get("QUERY_STRING") or None,
                    "status": int(status),
                    "bytes": getattr(resp, "sent", None),
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                    "remote": environ.get("REMOTE_ADDR"),
                    "user_agent": environ.get("HTTP_USER_AGENT"),
                    "pid": os.getpid(),
                },
            )
        except Exception:  # a log line must never fail a request
            logging.getLogger("gunicorn.error").exception("Could not write the access log line")


if _json_logs():
    logger_class = JsonLogger
else:
    access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s "%(a)s"'
