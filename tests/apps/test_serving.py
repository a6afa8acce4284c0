"""The production server: the Content-Security-Policy, request ids and logs, error e-mails, gunicorn's settings and
``comity serve`` serving compressed, cache-busted static files (docs/deployment.md)."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.http import HttpResponse
from django.test import RequestFactory

from comity.cli import build_parser
from comity.cli.serve import gunicorn_argv
from comity.config.requestlog import RequestIdFilter, RequestIdMiddleware, current_request_id

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "comity").glob("**/templates/**/*.html"))
COMITY = Path(sys.executable).with_name("comity")


# --- Content-Security-Policy -----------------------------------------------------------------------------------


def _policy(header: str) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_no_inline_script(client: Any) -> None:
    response = client.get("/")
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_htmx_is_told_it_may_not_eval_or_inject_its_indicator_style(client: Any) -> None:
    page = client.get("/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert meta is not None
    assert json.loads(meta.group(1)) == {
        "includeIndicatorStyles": False,
        "allowEval": False,
        "allowScriptTags": False,
    }
    assert page.index('name="htmx-config"') < page.index("htmx-2.min.js")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "comity")))
def test_no_template_has_an_inline_script_an_event_handler_or_a_javascript_url(template: Path) -> None:
    """What the policy would block: every script is a file of an app's static folder."""
    text = template.read_text(encoding="utf-8")
    assert INLINE_SCRIPT.findall(text) == []
    assert EVENT_HANDLER.findall(text) == []
    assert JAVASCRIPT_URL.findall(text) == []
    assert "<style" not in text.lower()


def test_the_template_scan_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.findall('<script>alert(1)</script><script src="/a.js"></script>') == ["<script>"]
    assert EVENT_HANDLER.findall('<button onclick="x()" hx-on:click="y()">') == ["onclick", "hx-on:click"]


# --- Request ids, logs and error e-mails ----------------------------------------------------------------------------


def _logging_view(request: Any) -> HttpResponse:
    record = logging.LogRecord("comity.test", logging.WARNING, __file__, 1, "inside", None, None)
    RequestIdFilter().filter(record)
    return HttpResponse(record.request_id)  # type: ignore[attr-defined]


def test_a_request_id_is_made_sent_back_and_on_every_log_record() -> None:
    middleware = RequestIdMiddleware(_logging_view)
    response = middleware(RequestFactory().get("/"))
    made = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert response.content.decode() == made
    assert current_request_id() == "-"  # reset after the request


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("nginx-0123456789abcdef", True),
        ("short", False),
        ("bad id\nwith a newline", False),
        ("x" * 65, False),
    ],
)
def test_the_proxy_s_request_id_is_kept_when_it_is_plain(sent: str, kept: bool) -> None:
    response = RequestIdMiddleware(_logging_view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=sent))
    assert (response["X-Request-ID"] == sent) is kept


def test_json_logs_are_one_object_a_line_with_the_request_id() -> None:
    formatter_config = dict(django_settings.LOGGING["formatters"]["json"])
    factory = formatter_config.pop("()")
    module, _, name = factory.rpartition(".")
    formatter = getattr(__import__(module, fromlist=[name]), name)(**formatter_config)
    record = logging.LogRecord("comity.x", logging.ERROR, __file__, 1, "went %s", ("wrong",), None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert {key: line[key] for key in ("level", "logger", "message", "request_id")} == {
        "level": "ERROR",
        "logger": "comity.x",
        "message": "went wrong",
        "request_id": "-",
    }
    assert line["time"].endswith("+00:00")


def test_server_errors_are_e_mailed_to_the_admins(settings: Any) -> None:
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.SERVER_EMAIL = "errors@example.org"
    settings.DEBUG = False
    request = RequestFactory().get("/broken/")
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", "/broken/", extra={"status_code": 500, "request": request}
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.org"]
    assert mail.outbox[0].from_email == "errors@example.org"
    assert "/broken/" in mail.outbox[0].subject


# --- gunicorn and comity serve ---------------------------------------------------------------------------------------


def _gunicorn_settings(**env: str) -> dict[str, Any]:
    script = (
        "import json, comity.config.gunicorn as g; print(json.dumps({n: getattr(g, n, None) for n in "
        "['bind', 'workers', 'threads', 'timeout', 'graceful_timeout', 'max_requests', 'max_requests_jitter', "
        "'preload_app', 'worker_tmp_dir', 'accesslog', 'wsgi_app']} | {'json': hasattr(g, 'logger_class')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")}
    out = subprocess.run(
        [sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def test_gunicorn_settings_come_from_the_environment_with_sane_defaults() -> None:
    default = _gunicorn_settings()
    assert default["bind"] == ["127.0.0.1:8000"]
    assert 3 <= default["workers"] <= 8
    assert default["threads"] == 1
    assert (default["timeout"], default["graceful_timeout"]) == (30, 30)
    assert (default["max_requests"], default["max_requests_jitter"]) == (1000, 100)
    assert default["preload_app"] is False
    assert default["accesslog"] == "-"
    assert default["wsgi_app"] == "comity.config.wsgi:application"
    assert default["json"] is False
    if Path("/dev/shm").is_dir():
        assert default["worker_tmp_dir"] == "/dev/shm"
    chosen = _gunicorn_settings(
        COMITY_BIND="0.0.0.0:8000", COMITY_WEB_WORKERS="2", COMITY_WEB_THREADS="4", COMITY_LOG_JSON="true"
    )
    assert (chosen["bind"], chosen["workers"], chosen["threads"], chosen["json"]) == (
        ["0.0.0.0:8000"],
        2,
        4,
        True,
    )


def test_gunicorn_access_log_is_a_json_line_with_the_request_id() -> None:
    from gunicorn.config import Config

    from comity.config.gunicorn import JsonLogger

    config = Config()
    config.set("accesslog", "-")
    logger = JsonLogger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)  # type: ignore[attr-defined]
    response = SimpleNamespace(status="404 Not Found", headers=[("X-Request-ID", "abc123abc123")], sent=17)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/missing/",
        "QUERY_STRING": "a=1",
        "REMOTE_ADDR": "10.0.0.1",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12.5))
    line = json.loads(stream.getvalue())
    assert {
        k: line[k] for k in ("method", "path", "query", "status", "bytes", "duration_ms", "request_id")
    } == {
        "method": "GET",
        "path": "/missing/",
        "query": "a=1",
        "status": 404,
        "bytes": 17,
        "duration_ms": 12.5,
        "request_id": "abc123abc123",
    }


def test_comity_serve_runs_gunicorn_with_the_config_and_the_options() -> None:
    args = build_parser().parse_args(
        ["serve", "--bind", "127.0.0.1:7601", "--workers", "2", "--", "--log-level", "debug"]
    )
    assert gunicorn_argv(args) == [
        sys.executable,
        *("-m", "gunicorn", "-c", "python:comity.config.gunicorn"),
        *("--bind", "127.0.0.1:7601", "--workers", "2", "--log-level", "debug"),
    ]


def _production(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMITY_", "DJANGO_", "DATABASE_URL"))}
    return {
        **clean,
        "COMITY_DEBUG": "false",
        "COMITY_SECRET_KEY": "s" * 20 + "-serving-test-" + "k" * 30,
        "COMITY_ALLOWED_HOSTS": "127.0.0.1",
        "COMITY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


@pytest.mark.once
def test_comity_serve_refuses_to_start_before_collectstatic(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(COMITY), "serve", "--bind", "127.0.0.1:7699"],
        env=_production(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "comity manage collectstatic --no-input" in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, **headers: str) -> Any:
    request = urllib.request.Request(url, headers=headers)
    return urllib.request.urlopen(request, timeout=30)


@pytest.mark.once
def test_comity_serve_serves_hashed_compressed_static_files_for_a_year(tmp_path: Path) -> None:
    environment = _production(tmp_path)
    subprocess.run(
        [str(COMITY), "manage", "collectstatic", "--no-input", "-v", "0"],
        env=environment,
        check=True,
        timeout=300,
    )
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    hashed = manifest["comity/comity.css"]
    assert hashed != "comity/comity.css"
    port = _free_port()
    server = subprocess.Popen(
        [str(COMITY), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env={**environment, "COMITY_HTTPS": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120  # the checks, then workers importing Django on a busy machine
        while True:
            try:
                health = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("comity serve did not answer")
                time.sleep(0.3)
        assert health.read() == b"ok"
        static = _get(f"http://127.0.0.1:{port}/static/{hashed}", **{"Accept-Encoding": "gzip"})
        assert static.headers["Content-Encoding"] == "gzip"
        assert "immutable" in static.headers["Cache-Control"]
        assert "max-age=315360000" in static.headers["Cache-Control"]
        assert static.headers["X-Request-ID"]
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0].decode()
    assert server.returncode == 0, output
    assert "Listening at: http://127.0.0.1:" in output
