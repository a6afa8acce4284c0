"""The database, cache and storage settings a deployment gets from its environment (comity/config/backends.py)."""

from __future__ import annotations

import runpy
from typing import Any

import pytest

from comity.config import settings as settings_module
from comity.config.backends import cache, database, media_storage

POSTGRES = "postgres://comity:secret@db.example.org:5432/comity"


def _settings(monkeypatch: Any, **environment: str) -> dict[str, Any]:
    for name in (
        "DATABASE_URL",
        "COMITY_REPLICA_DATABASE_URL",
        "COMITY_DB_POOL",
        "REDIS_URL",
        "COMITY_S3_BUCKET",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_postgresql_keeps_connections_without_the_pool() -> None:
    config = database(POSTGRES, pool=False)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] == 60
    assert (
        config["CONN_HEALTH_CHECKS"] is True
    )  # a connection from before a database restart is not reused dead
    assert "pool" not in config["OPTIONS"]


def test_the_pool_is_djangos_own_and_turns_persistent_connections_off(monkeypatch: Any) -> None:
    monkeypatch.setenv("COMITY_DB_POOL_MAX_SIZE", "12")
    config = database(POSTGRES, pool=True)
    assert config["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 12, "timeout": 10.0}
    # Django then has the pool check a connection as it hands it out.
    assert config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_queues_writers_and_never_pools() -> None:
    config = database("sqlite:////tmp/x.sqlite3", pool=True)
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_a_replica_is_an_alias_that_mirrors_the_primary_in_tests(monkeypatch: Any) -> None:
    configured = _settings(
        monkeypatch,
        DATABASE_URL=POSTGRES,
        COMITY_REPLICA_DATABASE_URL="postgres://comity:secret@replica.example.org:5432/comity",
        COMITY_DB_POOL="true",
    )
    replica = configured["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.example.org"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert "pool" in replica["OPTIONS"]
    assert configured["DATABASE_ROUTERS"] == ["comity.foundation.replica.ReplicaRouter"]


def test_without_a_replica_there_is_one_database(monkeypatch: Any) -> None:
    assert set(_settings(monkeypatch)["DATABASES"]) == {"default"}


def test_the_cache_is_redis_only_with_redis_url_and_tolerates_an_outage() -> None:
    assert cache("")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = cache("redis://127.0.0.1:6379/0")
    assert redis["BACKEND"] == "comity.foundation.redis_cache.TolerantRedisCache"
    assert redis["OPTIONS"]["socket_connect_timeout"] == 0.5


def test_sessions_are_cached_and_kept_in_the_database(monkeypatch: Any) -> None:
    configured = _settings(monkeypatch)
    assert configured["SESSION_ENGINE"] == "comity.accounts.session_store"
    assert configured["CELERY_BEAT_SCHEDULE"]["sessions-clear"]["schedule"] == 3600.0


@pytest.mark.parametrize(("bucket", "backend"), [("", "FileSystemStorage"), ("comity-media", "S3Storage")])
def test_uploads_go_to_s3_only_when_a_bucket_is_named(bucket: str, backend: str) -> None:
    storage = media_storage(bucket, url_seconds=60)
    assert storage["BACKEND"].endswith(backend)
    if bucket:
        assert storage["OPTIONS"]["default_acl"] is None  # private objects: readers get signed URLs
        assert storage["OPTIONS"]["querystring_expire"] == 60
