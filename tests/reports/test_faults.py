"""Fault tests with real processes: a Redis of our own (port 6396) and real Celery workers
(`celery -A flexwork worker -Q celery,reports --pool prefork --concurrency 1`) started as
subprocesses on the test database. Each test is bounded (≤ 60 s) and stops only what it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from flexwork.notifications.models import Notification
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.outbox.services import outbox_relay
from flexwork.reports import services
from flexwork.reports.models import ReminderDigest, ReportRun, RunStatus, reports_storage
from tests.outbox.helpers import RedisServer, celery_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_PORT = 6396
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


@pytest.fixture
def redis_server():
    server = RedisServer(REDIS_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def real_celery(settings, redis_server):
    with celery_broker(settings, redis_server.url) as app:
        yield app


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
    """A real worker subprocess on the test database and our Redis."""

    def __init__(self, broker_url: str, **knobs: str) -> None:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "REPORTS_ROOT": str(reports_storage().location),
            **knobs,
        }
        self.log = tempfile.NamedTemporaryFile(prefix="fw-report-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "flexwork", "worker", "-Q", "celery,reports", "--pool", "prefork"]
            + ["--concurrency", "1", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill_hard(self) -> None:
        """SIGKILL the main process, then the pool child it leaves behind (both started by us)."""
        children = _children(self.process.pid)
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
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
        return Path(self.log.name).read_text(errors="replace")[-4000:]


def wait_for(condition, *, timeout: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{worker.output() if worker else ''}")


def run_state(run_id: int) -> ReportRun:
    return ReportRun.objects.get(id=run_id)


def test_a_worker_killed_mid_report_is_replaced_and_the_run_completes_once(
    march, hr_admin_a, real_celery, redis_server
):
    started = time.monotonic()
    clean, _ = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03")
    OutboxMessage.objects.all().delete()  # computed here, in-process: the checksum of a clean run
    assert services.report_run_execute(run_id=clean.id)
    clean.refresh_from_db()

    run, created = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03", refresh=True)
    assert created
    slow = {"REPORTS_CHUNK_DELAY_SECONDS": "1.0", "REPORTS_CHUNK_ROWS": "1", "REPORTS_LEASE_SECONDS": "3"}
    first = Worker(redis_server.url, **slow)
    try:
        wait_for(
            lambda: run_state(run.id).status == RunStatus.RUNNING and run_state(run.id).progress >= 40,
            timeout=25,
            what="the first worker to be midway",
            worker=first,
        )
        first.kill_hard()
    finally:
        first.stop()
    assert run_state(run.id).status == RunStatus.RUNNING  # the dead worker's claim, until its lease expires

    wait_for(lambda: services.report_runs_requeue_expired() == [run.id], timeout=10, what="the sweeper to requeue")
    second = Worker(redis_server.url, REPORTS_LEASE_SECONDS="30")
    try:
        wait_for(lambda: run_state(run.id).status == RunStatus.DONE, timeout=30, what="the rerun", worker=second)
        time.sleep(1)  # a duplicate would show now
    finally:
        second.stop()
    done = run_state(run.id)
    assert done.attempts == 2
    assert done.checksum == clean.checksum
    assert ReportRun.objects.filter(status=RunStatus.DONE).count() == 1
    assert Notification.objects.filter(kind="report_done", url=f"/reports/{run.id}/").count() == 1  # told once
    storage = reports_storage()
    assert storage.exists(done.xlsx_name)
    assert not storage.exists(done.xlsx_name.replace("-a2.", "-a1."))  # the dead attempt's file is gone
    assert time.monotonic() - started < 60


def test_a_run_asked_for_while_redis_is_down_starts_once_it_is_back(march, hr_admin_a, real_celery, redis_server):
    started = time.monotonic()
    redis_server.stop()
    run, created = services.report_run_request(user=hr_admin_a, kind="PAYROLL", period="2025-03")
    assert created  # saved: the outage delays the work, it neither loses it nor fails the request
    message = OutboxMessage.objects.get(topic="reports.run")
    assert (message.status, message.published_at) == (OutboxStatus.PENDING, None)
    assert run_state(run.id).status == RunStatus.QUEUED

    redis_server.start()
    assert outbox_relay() == 1  # what beat does every minute
    worker = Worker(redis_server.url)
    try:
        wait_for(lambda: run_state(run.id).status == RunStatus.DONE, timeout=30, what="the run", worker=worker)
    finally:
        worker.stop()
    assert run_state(run.id).attempts == 1
    assert OutboxMessage.objects.get(id=message.id).status == OutboxStatus.DONE
    assert time.monotonic() - started < 60


def test_two_beat_processes_send_one_digest_per_person(march):
    from attendance.models import MissingLogReminder
    from schedules.models import ArrangementRequest

    MissingLogReminder.objects.create(
        agency=march.agency, employee=march.p, local_date=march.p.created_at.date(), location="HOME"
    )
    ArrangementRequest.objects.create(
        agency=march.agency,
        employee=march.p,
        status="submitted",
        step="RECOMMEND",
        recommender=march.k,
        location="HOME",
        dates=["2025-04-07"],
        first_date="2025-04-07",
        last_date="2025-04-07",
    )
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def beat():
        try:
            barrier.wait(timeout=10)
            sent.append(services.daily_digests_send(zone="Asia/Makassar", today=march.p.created_at.date()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(sent) == [0, 2]  # P (missing log) and K (a decision): one process sent both, the other none
    assert ReminderDigest.objects.count() == 2
    assert Notification.objects.filter(kind="daily_digest").count() == 2
    assert django_settings.CELERY_TASK_ALWAYS_EAGER  # no broker needed: the claim is the database's
