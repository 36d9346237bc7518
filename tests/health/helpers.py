"""A real Celery worker subprocess for tests/health, on our own Redis, stopped only by the test that
started it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


class Worker:
    def __init__(self, broker_url: str, *, queues: str, name: str, pool: str = "solo", **env: str) -> None:
        database = connection.settings_dict
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix="fw-health-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "flexwork", "worker", "-Q", queues, "-n", name, "--pool", pool, "--concurrency", "1"]
            + ["-l", "info", "--include", "tests.health.tasks", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.health.worker_settings",
                "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}",
                "CELERY_BROKER_URL": broker_url,
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill_hard(self) -> None:
        children = _children(self.process.pid)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        children = _children(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


def wait_for(condition, *, timeout: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{worker.output()[-4000:] if worker else ''}")
