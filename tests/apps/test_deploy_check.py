"""``comity manage check --deploy`` with the documented production settings (``deploy/comity.env.example``).

Each check runs in a fresh interpreter with a fresh environment holding only the example file's variables (and a
real random secret key in place of its ``change-me``), so the settings are evaluated as a deployment evaluates them.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

# The production settings and `check --deploy`: nothing here depends on the database engine.
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = ROOT / "deploy" / "comity.env.example"
COMITY = Path(sys.executable).with_name("comity")


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The example file's variables as systemd's EnvironmentFile= reads them, the secrets made real."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        value = shlex.split(value)[0] if value.startswith(('"', "'")) else value
        environment[name] = value
    environment["COMITY_SECRET_KEY"] = secrets.token_urlsafe(50)
    # Where collectstatic would write: the test machine has no /var/lib/comity.
    environment["COMITY_DATA_DIR"] = environment["COMITY_STATIC_ROOT"] = environment["COMITY_MEDIA_ROOT"] = (
        str(tmp_path)
    )
    environment.update(overrides)
    return environment


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COMITY), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd=environment["HOME"],
    )


def test_the_example_file_sets_every_secret_placeholder_the_test_replaces() -> None:
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert "COMITY_DEBUG=false" in text
    assert "COMITY_SECRET_KEY=change-me" in text


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    result = check_deploy(production_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_when_https_is_turned_off(tmp_path: Path) -> None:
    """The check is not vacuous: without the HTTPS defaults it names what is missing."""
    result = check_deploy(production_environment(tmp_path, COMITY_HTTPS="false"))
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_check_deploy_refuses_a_short_secret_key(tmp_path: Path) -> None:
    result = check_deploy(production_environment(tmp_path, COMITY_SECRET_KEY="short-but-not-the-default"))
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {},
            {
                "DEBUG": False,
                "SECURE_SSL_REDIRECT": True,
                "SECURE_HSTS_SECONDS": 31536000,
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                "SECURE_HSTS_PRELOAD": True,
                "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True,
                "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                "STORAGES": "whitenoise.storage.CompressedManifestStaticFilesStorage",
                "WHITENOISE_USE_FINDERS": False,
                "ADMINS": [["Comity operators", "ops@example.org"]],
                "SERVER_EMAIL": "comity-errors@example.org",
                "console_formatter": "json",
            },
        ),
        (
            {"COMITY_HTTPS": "false", "COMITY_HSTS_SECONDS": "600", "COMITY_LOG_JSON": "false"},
            {
                "SECURE_SSL_REDIRECT": False,
                "SECURE_HSTS_SECONDS": 600,
                "SESSION_COOKIE_SECURE": False,
                "console_formatter": "plain",
            },
        ),
    ],
)
def test_production_settings_follow_the_environment(
    tmp_path: Path, overrides: dict[str, str], expected: dict[str, object]
) -> None:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "names = " + repr([name for name in expected if name.isupper()]) + "; "
        "values = {n: getattr(s, n, None) for n in names}; "
        "values['STORAGES'] = s.STORAGES['staticfiles']['BACKEND']; "
        "values['console_formatter'] = s.LOGGING['handlers']['console']['formatter']; "
        "print(json.dumps(values))"
    )
    environment = production_environment(tmp_path, **overrides)
    environment["DJANGO_SETTINGS_MODULE"] = "comity.config.settings"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    values = json.loads(out.stdout)
    assert {name: values[name] for name in expected} == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, ["'self'", "data:"]),
        (
            {"COMITY_S3_BUCKET": "uploads", "COMITY_S3_ENDPOINT_URL": "https://s3.example.org:9000"},
            ["'self'", "data:", "https://s3.example.org:9000"],
        ),
        (
            {
                "COMITY_S3_BUCKET": "uploads",
                "COMITY_S3_ENDPOINT_URL": "https://s3.example.org",
                "COMITY_S3_ADDRESSING_STYLE": "virtual",
                "COMITY_CSP_MEDIA_SOURCES": "https://cdn.example.org",
            },
            ["'self'", "data:", "https://cdn.example.org", "https://uploads.s3.example.org"],
        ),
        ({"COMITY_S3_BUCKET": "uploads"}, ["'self'", "data:", "https://*.amazonaws.com"]),
    ],
)
def test_images_may_come_from_the_upload_store(
    tmp_path: Path, overrides: dict[str, str], expected: list[str]
) -> None:
    """Uploads in an S3-compatible store are shown from its signed URLs: the policy allows its origin."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    environment = production_environment(tmp_path, **overrides)
    environment["DJANGO_SETTINGS_MODULE"] = "comity.config.settings"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert json.loads(out.stdout) == expected
