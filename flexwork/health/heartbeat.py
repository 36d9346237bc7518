"""Worker heartbeats: each Celery worker writes a Redis key with the time, its queues and versions
every HEALTH_HEARTBEAT_SECONDS; /healthz/deps reads the keys (two Redis round trips) instead of
pinging the workers and waiting for answers. A key expires after HEALTH_WORKER_STALE_SECONDS, so a
worker killed without a goodbye disappears by itself; a worker that stops cleanly deletes its key.

The keys live on the broker's Redis: a worker that can write there can also receive tasks."""

from __future__ import annotations

import json
import logging
import os
import platform
import time

from celery import bootsteps
from django.conf import settings

logger = logging.getLogger("flexwork.health")

KEY_PREFIX = "fw-health:worker:"
MEMBERS_KEY = "fw-health:workers"
SOCKET_TIMEOUT_SECONDS = 0.5


def heartbeat_redis_url() -> str:
    broker = settings.CELERY_BROKER_URL or ""
    return broker if broker.startswith(("redis://", "rediss://", "unix://")) else settings.REDIS_URL


def heartbeat_client():
    import redis

    return redis.Redis.from_url(
        heartbeat_redis_url(),
        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )


def _versions() -> dict:
    import celery
    import django

    from flexwork.health.version import code_version

    return {
        "flexwork": code_version(),
        "celery": celery.__version__,
        "django": django.get_version(),
        "python": platform.python_version(),
    }


def heartbeat_write(*, client, hostname: str, queues: list[str], started_at: float, now: float | None = None) -> None:
    payload = {
        "worker": hostname,
        "queues": sorted(queues),
        "at": now if now is not None else time.time(),
        "started_at": started_at,
        "pid": os.getpid(),
        "versions": _versions(),
    }
    pipe = client.pipeline(transaction=False)
    pipe.set(KEY_PREFIX + hostname, json.dumps(payload), ex=max(1, int(settings.HEALTH_WORKER_STALE_SECONDS)))
    pipe.sadd(MEMBERS_KEY, hostname)
    pipe.execute()


def heartbeat_remove(*, client, hostname: str) -> None:
    pipe = client.pipeline(transaction=False)
    pipe.delete(KEY_PREFIX + hostname)
    pipe.srem(MEMBERS_KEY, hostname)
    pipe.execute()


def heartbeats_read(*, client, now: float | None = None) -> list[dict]:
    """The fresh heartbeats, by worker name. Names whose key has expired are dropped from the set."""
    now = now if now is not None else time.time()
    names = sorted(name.decode() if isinstance(name, bytes) else name for name in client.smembers(MEMBERS_KEY))
    if not names:
        return []
    values = client.mget([KEY_PREFIX + name for name in names])
    fresh, gone = [], []
    for name, raw in zip(names, values, strict=True):
        if raw is None:
            gone.append(name)
            continue
        try:
            beat = json.loads(raw)
        except ValueError:
            gone.append(name)
            continue
        if now - float(beat.get("at", 0)) <= settings.HEALTH_WORKER_STALE_SECONDS:
            fresh.append(beat)
    if gone:
        client.srem(MEMBERS_KEY, *gone)
    return fresh


class HeartbeatStep(bootsteps.StartStopStep):
    """A worker bootstep (flexwork.celery adds it). The beat runs on the worker's own timer, the one
    that drives its event loop: a worker whose main loop is stuck stops beating, as it should."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.client = None
        self.started_at = time.time()

    def _queues(self, worker) -> list[str]:
        return list(worker.app.amqp.queues.consume_from or worker.app.amqp.queues)

    def beat(self, worker) -> None:
        try:
            if self.client is None:
                self.client = heartbeat_client()
            heartbeat_write(
                client=self.client, hostname=worker.hostname, queues=self._queues(worker), started_at=self.started_at
            )
        except Exception as exc:  # Redis down: the broker connection has the same trouble; try again later
            logger.warning("health: worker heartbeat not written: %s", exc)
            self.client = None

    def start(self, worker) -> None:
        self.beat(worker)
        self.tref = worker.timer.call_repeatedly(settings.HEALTH_HEARTBEAT_SECONDS, self.beat, (worker,), priority=10)

    def stop(self, worker) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        try:
            heartbeat_remove(client=self.client or heartbeat_client(), hostname=worker.hostname)
        except Exception as exc:
            logger.warning("health: worker heartbeat not removed: %s", exc)

    def shutdown(self, worker) -> None:
        self.stop(worker)
