"""Sessions in the cache and the database; a Redis that is down never fails a page.

A closed port in this test's range stands for a Redis that is down; the machine's own Redis (6379) for one
that is up, under a key prefix of this test's own.
"""

from __future__ import annotations

import socket
import time
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from comity.accounts.session_store import SessionStore, _CappedCache
from comity.accounts.tasks import clear_expired_sessions
from comity.foundation.redis_cache import TolerantRedisCache

pytestmark = pytest.mark.django_db

CLOSED_PORT = 7401


def _redis_up(port: int = 6379) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _tolerant(port: int, **options: Any) -> TolerantRedisCache:
    return TolerantRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {
            "KEY_PREFIX": f"comity-test-{time.monotonic_ns()}",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, **options},
        },
    )


def test_a_redis_that_is_down_answers_as_an_empty_cache(caplog: Any) -> None:
    assert not _redis_up(CLOSED_PORT)
    down = _tolerant(CLOSED_PORT, retry_seconds=60)
    down.set("a", 1)
    assert down.get("a") is None
    assert down.get("a", "fallback") == "fallback"
    assert down.add("a", 1) is True  # a one-time token protects nothing, rather than refusing every form
    assert down.get_or_set("b", 2) == 2
    assert down.get_many(["a", "b"]) == {}
    assert down.delete("a") is False
    with pytest.raises(ValueError, match="not found"):
        down.incr("n")
    assert "Redis" in caplog.text
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1  # logged once per outage


def test_a_redis_that_is_down_is_left_alone_until_the_retry_time() -> None:
    down = _tolerant(CLOSED_PORT, retry_seconds=60)
    assert down.get("a") is None
    assert not down.available
    tried: list[str] = []

    class Client:
        def __getattr__(self, name: str) -> Any:
            tried.append(name)
            raise ConnectionRefusedError

    down.__dict__["_cache"] = Client()  # the client Django's RedisCache keeps (a cached property)
    for _ in range(50):
        down.get("a")
    assert tried == []


@pytest.mark.skipif(not _redis_up(), reason="needs the machine's Redis on 6379")
def test_a_redis_that_is_up_stores_and_counts() -> None:
    up = _tolerant(6379)
    try:
        up.set("a", {"x": 1})
        assert up.get("a") == {"x": 1}
        assert up.add("a", 2) is False
        up.set("n", 1)
        assert up.incr("n") == 2
        assert up.available
    finally:
        up.delete_many(["a", "n"])


@pytest.mark.skipif(not _redis_up(), reason="needs the machine's Redis on 6379")
def test_writes_lost_in_an_outage_are_undone_when_redis_answers_again() -> None:
    """A sign-out or a bumped version that could not reach Redis must not leave the old value to be read later."""
    cache = _tolerant(6379, retry_seconds=60)
    try:
        cache.set("session", "signed in")
        cache.set("version", 7)
        cache.set("figure", "old")
        cache._down_until = time.monotonic() + 60  # Redis away (the process leaves it alone meanwhile)
        cache.delete("session")  # signing out
        with pytest.raises(ValueError, match="not found"):
            cache.incr("version")  # a write that makes cached figures stale
        cache.set("figure", "new")
        assert cache.add("lock", 1) is True
        cache._down_until = 0.0  # Redis answers again
        assert cache.get("session") is None
        assert cache.get("version") == 8
        assert cache.get("figure") is None
        assert cache._lost == {}
    finally:
        cache._down_until = 0.0
        cache.delete_many(["session", "version", "figure", "lock"])


def test_pages_work_while_the_cache_is_down(world: Any, client_for: Any, settings: Any) -> None:
    assert client_for("anonymous").get("/health/").status_code == 200
    settings.CACHES = {
        "default": {
            "BACKEND": "comity.foundation.redis_cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{CLOSED_PORT}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    caches["default"].close()
    client = client_for("committee_staff")
    for url in (
        reverse("web:home"),
        reverse("appeal_rates:community", args=[world.harmony.pk]),
        reverse("appeals:queue", args=[world.harmony.pk]),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert response.wsgi_request.user == world.user("committee_staff")
    # The health check still tells the monitors.
    assert client.get("/health/").status_code == 503


def test_a_session_survives_the_cache_losing_it(world: Any, client_for: Any) -> None:
    client = client_for("committee_staff")
    assert client.get(reverse("web:home")).wsgi_request.user == world.user("committee_staff")
    cache.clear()  # Redis restarted without its data
    assert client.get(reverse("web:home")).wsgi_request.user == world.user("committee_staff")
    assert Session.objects.count() == 1


def test_a_session_is_cached_for_at_most_the_configured_time(settings: Any) -> None:
    stored: dict[str, Any] = {}

    class Recorder:
        def set(self, key: str, value: Any, timeout: Any = None) -> None:
            stored[key] = timeout

    capped = _CappedCache(Recorder(), 300)
    capped.set("a", 1, 14 * 24 * 3600)
    capped.set("b", 1, 60)
    capped.set("c", 1)
    assert stored == {"a": 300, "b": 60, "c": 300}

    settings.COMITY_SESSION_CACHE_SECONDS = 120
    session = SessionStore()
    assert isinstance(session._cache, _CappedCache)
    assert session._cache._cap == 120


def test_expired_sessions_are_cleared_by_the_beat_task(world: Any, client_for: Any, settings: Any) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["sessions-clear"]["task"] == "comity.accounts.clear_expired_sessions"
    client_for("committee_staff")
    current = Session.objects.get()
    old = SessionStore()
    old["x"] = 1
    old.save()
    Session.objects.filter(pk=old.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    clear_expired_sessions.delay()
    assert list(Session.objects.values_list("pk", flat=True)) == [current.pk]
