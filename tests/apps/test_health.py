"""``/health/``: 200 or 503 for every caller, the checks' details only for platform staff or a token's holder."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.urls import reverse
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from comity.config.celery import app as celery_app

from ..conftest import CAST
from ..factories import UserFactory

DETAILED = {"platform_staff"}
TOKEN = "s3cret-health-token"

pytestmark = pytest.mark.django_db


@dataclasses.dataclass
class Failing(HealthCheck):
    """A check that always fails, standing in for a database or broker that went away."""

    def run(self) -> None:
        raise ServiceUnavailable("secret-host.internal:5432 is down")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMITY_HEALTH_TOKEN = TOKEN


@pytest.mark.parametrize("role", CAST)
def test_every_role_gets_the_status_and_only_staff_the_details(client_for: Any, role: str) -> None:
    client = client_for(role)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    if role in DETAILED:
        report = json.loads(response.content)
        assert set(report.values()) == {"OK"}
        names = " ".join(report)
        for check in ("Database", "Cache", "Storage", "Broker", "WorkerHeartbeatCheck", "OutboxBacklogCheck"):
            assert check in names
    else:
        assert response["Content-Type"].startswith("text/plain")
        assert response.content.decode() == "Comity is working.\n"


@pytest.mark.parametrize("role", CAST)
def test_a_failing_check_is_a_503_for_every_role_and_named_only_for_staff(
    client_for: Any, role: str, settings: Any
) -> None:
    settings.HEALTH_CHECKS = ["health_check.checks.Database", "tests.apps.test_health.Failing"]
    response = client_for(role).get(reverse("health"))
    assert response.status_code == 503
    body = response.content.decode()
    if role in DETAILED:
        report = json.loads(body)
        assert report["Database(alias='default')"] == "OK"
        assert report["Failing()"] == "Unavailable: secret-host.internal:5432 is down"
    else:
        assert body == "Comity is not working properly: a service it needs is unavailable.\n"
        assert "secret-host" not in body
        assert "Failing" not in body


def test_the_token_shows_the_details_in_each_format(client: Any) -> None:
    url = reverse("health")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert "Database(alias='default')" in json.loads(client.get(url, **auth).content)
    text = client.get(url, {"format": "text"}, **auth).content.decode()
    assert "Database(alias='default'): OK\n" in text
    metrics = client.get(url, {"format": "openmetrics"}, **auth).content.decode()
    assert "django_health_check_overall_status 1" in metrics
    plain = client.get(url, HTTP_ACCEPT="text/plain", **auth).content.decode()
    assert plain == text


@pytest.mark.parametrize("header", ["Bearer wrong", f"Basic {TOKEN}", "Bearer", ""])
def test_a_wrong_or_missing_token_gets_the_status_only(client: Any, header: str) -> None:
    response = client.get(reverse("health"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    assert response.content.decode() == "Comity is working.\n"


def test_without_a_configured_token_an_empty_bearer_is_no_key(client: Any, settings: Any) -> None:
    settings.COMITY_HEALTH_TOKEN = ""
    response = client.get(reverse("health"), HTTP_AUTHORIZATION="Bearer ")
    assert response.content.decode() == "Comity is working.\n"


def test_a_load_balancer_may_ask_with_head(client: Any) -> None:
    response = client.head(reverse("health"))
    assert response.status_code == 200


def test_in_eager_mode_the_broker_check_passes_and_says_tasks_run_inline(client: Any) -> None:
    response = client.get(reverse("health"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    broker = next(name for name in json.loads(response.content) if name.startswith("Broker("))
    assert "inline" in broker
    assert "CELERY_TASK_ALWAYS_EAGER" in broker


def test_an_unreachable_broker_is_a_503(client: Any, settings: Any) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTH_CHECKS = ["comity.config.health.Broker"]
    configured = celery_app.conf.broker_url
    # Nothing listens there: a port of this project's own range, never the machine's Redis.
    celery_app.conf.broker_url = "redis://127.0.0.1:7399/0"
    try:
        response = client.get(reverse("health"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    finally:
        celery_app.conf.broker_url = configured
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "Broker(mode='redis broker')": "Unavailable: the broker refused or did not answer the connection"
    }


def test_media_storage_that_cannot_be_written_is_a_503(client: Any, settings: Any, tmp_path: Any) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    settings.HEALTH_CHECKS = ["health_check.checks.Storage"]
    response = client.get(reverse("health"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 503
    assert "OK" not in json.loads(response.content).values()


def test_without_a_worker_heartbeat_the_endpoint_is_a_503(client: Any, settings: Any) -> None:
    """The jobs' checks are wired: with a broker (tasks not inline) and no worker ever heard from, 503."""
    settings.HEALTH_CHECKS = [
        "comity.jobs.health.WorkerHeartbeatCheck",
        "comity.jobs.health.OutboxBacklogCheck",
    ]
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        response = client.get(reverse("health"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 503
    report = json.loads(response.content)
    heartbeat = next(value for name, value in report.items() if name.startswith("WorkerHeartbeatCheck"))
    assert "no worker heartbeat yet" in heartbeat
    assert next(value for name, value in report.items() if name.startswith("OutboxBacklogCheck")) == "OK"


def test_an_admin_site_account_that_is_not_platform_staff_gets_the_status_only(client: Any) -> None:
    user = UserFactory(username="clerk", is_staff=True, is_superuser=False)
    client.force_login(user)
    response = client.get(reverse("health"))
    assert response.content.decode() == "Comity is working.\n"
