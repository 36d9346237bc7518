"""Dependency checks for the health endpoints. Each returns a small dict and never raises."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connection

logger = logging.getLogger("flexwork.health")

# Short: /healthz/deps answers within 100 ms when everything works, and about 0.5 s when Redis hangs.
REDIS_TIMEOUT_SECONDS = 0.5


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
    """PING through a fresh client (never the cache's or broker's pool), with a short limit."""
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


def check_workers(*, redis_reachable: bool = True) -> dict:
    """Which workers wrote a heartbeat within HEALTH_WORKER_STALE_SECONDS (flexwork.health.heartbeat),
    and whether every queue in HEALTH_WORKER_QUEUES has one of them. Reads two Redis keys: no ping,
    no waiting for workers to answer. Skipped when Redis is known to be down."""
    from flexwork.health.heartbeat import heartbeat_client, heartbeats_read

    required = sorted(settings.HEALTH_WORKER_QUEUES)
    if not redis_reachable:
        return {"ok": False, "workers": [], "missing_queues": required, "error": "broker unreachable"}
    started = time.monotonic()
    client = None
    try:
        client = heartbeat_client()
        beats = heartbeats_read(client=client)
    except Exception as exc:  # redis.RedisError, OSError, a bad URL
        logger.warning("health: worker heartbeats unreadable: %s", exc)
        return {"ok": False, "workers": [], "missing_queues": required, "error": type(exc).__name__}
    finally:
        if client is not None:
            try:
                client.close()
            except Exception:
                pass
    now = time.time()
    workers = [
        {
            "name": beat.get("worker"),
            "queues": beat.get("queues", []),
            "seconds_since_heartbeat": round(max(0.0, now - float(beat.get("at", now))), 1),
            "versions": beat.get("versions", {}),
        }
        for beat in beats
    ]
    served = {queue for worker in workers for queue in worker["queues"]}
    missing = [queue for queue in required if queue not in served]
    return {
        "ok": bool(workers) and not missing,
        "workers": workers,
        "missing_queues": missing,
        "latency_ms": _elapsed_ms(started),
    }
