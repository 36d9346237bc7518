"""Dependency checks for the health endpoints. Each returns a small dict and never raises."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger("flexwork.health")

REDIS_TIMEOUT_SECONDS = 1.0
CELERY_PING_TIMEOUT_SECONDS = 1.0


def _elapsed_ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("health: database unavailable: %s", exc)
        return {"ok": False, "error": type(exc).__name__, "latency_ms": _elapsed_ms(started)}
    return {"ok": True, "latency_ms": _elapsed_ms(started)}


def check_redis() -> dict:
    """PING through a fresh client (never the cache's or broker's pool), with a 1 s limit."""
    import redis

    started = time.monotonic()
    client = None
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry_on_timeout=False,
        )
        ok = bool(client.ping())
    except Exception as exc:  # redis.RedisError, OSError, a bad URL
        logger.warning("health: redis unavailable: %s", exc)
        return {"ok": False, "error": type(exc).__name__, "latency_ms": _elapsed_ms(started)}
    finally:
        if client is not None:
            try:
                client.close()
            except Exception:  # closing a dead connection must not fail the check
                pass
    return {"ok": ok, "latency_ms": _elapsed_ms(started)}


def check_celery(*, broker_reachable: bool = True) -> dict:
    """Which workers answer a ping within 1 s. Skipped when the broker is known to be down,
    because connecting to a dead broker is what makes inspect() slow."""
    if not broker_reachable:
        return {"ok": False, "workers": [], "error": "broker unreachable"}
    from flexwork.celery import app

    try:
        replies = app.control.inspect(timeout=CELERY_PING_TIMEOUT_SECONDS).ping() or {}
    except Exception as exc:
        logger.warning("health: celery inspect failed: %s", exc)
        return {"ok": False, "workers": [], "error": type(exc).__name__}
    workers = sorted(replies)
    return {"ok": bool(workers), "workers": workers}
