"""The database, cache and upload storage settings, built from the environment (ADR 0015).

``settings.py`` names what each variable does; the shapes Django and its libraries want are built here, so that a
deployment on several servers (a streaming replica, a connection pool, Redis, S3-compatible storage) reads as
settings rather than code.
"""

from __future__ import annotations

import os
from typing import Any

import dj_database_url


def database(url: str, *, pool: bool) -> dict[str, Any]:
    """One ``DATABASES`` entry: SQLite with queued writers, or PostgreSQL with persistent or pooled connections.

    Django's own pool (psycopg_pool: one pool per process, ``COMITY_DB_POOL_MIN_SIZE``..``COMITY_DB_POOL_MAX_SIZE``
    connections, a request waits at most ``COMITY_DB_POOL_TIMEOUT`` seconds for one) requires ``CONN_MAX_AGE=0``.
    """
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=int(os.environ.get("COMITY_DB_CONN_MAX_AGE", "60")))
    )
    options: dict[str, Any] = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options.update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
        config["CONN_MAX_AGE"] = 0
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # A connection kept from before the database restarted is dead: check it before a request uses it, so
        # that the first request after a restart does not fail (the production smoke run restarts PostgreSQL). With
        # the pool, Django gives the pool the same check (psycopg_pool's check_connection) as it hands one out.
        config["CONN_HEALTH_CHECKS"] = True
        if pool:
            config["CONN_MAX_AGE"] = 0
            options["pool"] = {
                "min_size": int(os.environ.get("COMITY_DB_POOL_MIN_SIZE", "2")),
                "max_size": int(os.environ.get("COMITY_DB_POOL_MAX_SIZE", "8")),
                "timeout": float(os.environ.get("COMITY_DB_POOL_TIMEOUT", "10")),
            }
    return config


def cache(redis_url: str) -> dict[str, Any]:
    """The default cache: Redis, tolerant of an outage (``comity.foundation.redis_cache``), or local memory."""
    if not redis_url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    timeout = float(os.environ.get("COMITY_REDIS_TIMEOUT", "0.5"))
    return {
        "BACKEND": "comity.foundation.redis_cache.TolerantRedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "retry_seconds": float(os.environ.get("COMITY_REDIS_RETRY_SECONDS", "5")),
        },
    }


def media_storage(bucket: str, *, url_seconds: int) -> dict[str, Any]:
    """The default storage of uploads: the local file system, or the S3-compatible bucket ``bucket``."""
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("COMITY_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("COMITY_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("COMITY_S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("COMITY_S3_REGION") or None,
            "location": os.environ.get("COMITY_S3_PREFIX", "media"),
            # "path" for most self-hosted stores (MinIO); "virtual" for a cloud's bucket subdomains.
            "addressing_style": os.environ.get("COMITY_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # Objects stay private: readers get signed URLs from the permission-checked views only.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": url_seconds,
            "file_overwrite": False,
        },
    }
