"""Helpers for tests that need a real (or a dead) Redis broker. Used by tests/outbox,
tests/notifications and tests/health."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator

import redis

# Ports reserved for these tests (nothing else listens there).
WORKER_REDIS_PORT = 6391
DEAD_BROKER_URL = "redis://127.0.0.1:6393/0"
DEAD_REDIS_URL = "redis://127.0.0.1:6394"


class RedisServer:
    """A throw-away redis-server on `port`, without persistence, that a test can stop and start."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 5.0) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.is_up():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def is_up(self) -> bool:
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


def reset_celery_connections(app) -> None:
    """Forget pooled broker connections, so the next publish connects to the current broker_url
    (what Celery itself does after a fork)."""
    from kombu import pools

    with contextlib.suppress(Exception):
        app.pool.force_close_all()
    # kombu keeps pools in a global registry keyed by connection: drop the closed ones too.
    pools.reset()
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def celery_broker(settings, url: str) -> Iterator:
    """Run Celery for real (not eagerly) against the broker at `url`; restore everything afterwards.
    `settings` is pytest-django's settings fixture. The Celery app reads Django's CELERY_* settings
    live and they win over `app.conf` keys, so both are set (and put back on exit)."""
    from flexwork.celery import app

    saved_settings = (settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)
    saved_conf = {key: app.conf.changes.get(key) for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    reset_celery_connections(app)
    try:
        yield app
    finally:
        settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = saved_settings
        for key, value in saved_conf.items():
            if value is None:
                app.conf.changes.pop(key, None)
            else:
                app.conf.changes[key] = value
        reset_celery_connections(app)
