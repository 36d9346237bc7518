"""Health, request ids and the requeue sweep with real Celery workers (subprocesses on a Redis of our
own, port 6432, and the test database). Each test is bounded and stops only what it started."""

from __future__ import annotations

import datetime
import json
import re
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from flexwork.celery import app as celery_app
from flexwork.common.request_id import RequestIdMiddleware
from flexwork.outbox.models import OutboxMessage
from flexwork.reports import services
from flexwork.reports.models import ReportRun, RunStatus
from tests.health.helpers import Worker, wait_for
from tests.outbox.helpers import RedisServer, celery_broker

pytestmark = pytest.mark.worker

REDIS_PORT = 6432
TOKEN = "monitor-secret-0123456789"
ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def redis_server():
    server = RedisServer(REDIS_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def real_celery(settings, redis_server):
    settings.REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}"
    settings.HEALTH_TOKEN = TOKEN
    settings.HEALTH_WORKER_STALE_SECONDS = 3
    with celery_broker(settings, redis_server.url) as app:
        yield app


def deps(client):
    response = client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN=TOKEN)
    return response.status_code, response.json()


def worker_names(body) -> list[str]:
    return sorted(worker["name"] for worker in body["workers"]["workers"])


@pytest.mark.django_db
def test_deps_follows_real_workers_heartbeats(client, real_celery, redis_server, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a synchronous Celery control call was made")

    monkeypatch.setattr(celery_app.control, "inspect", refuse)
    started = time.monotonic()
    assert deps(client)[0] == 503  # no worker yet

    first = Worker(redis_server.url, queues="celery,reports,maintenance", name="health-a@%h")
    try:
        status, body = wait_for(
            lambda: (r := deps(client))[0] == 200 and r, timeout=30, what="a heartbeat", worker=first
        )
        assert worker_names(body)[0].startswith("health-a@")
        assert body["workers"]["workers"][0]["queues"] == ["celery", "maintenance", "reports"]
        first.stop()  # a clean stop removes its heartbeat at once
        status, body = deps(client)
        assert (status, body["workers"]["workers"]) == (503, [])
    finally:
        first.stop()

    second = Worker(redis_server.url, queues="celery,reports,maintenance", name="health-b@%h")
    try:
        wait_for(lambda: deps(client)[0] == 200, timeout=30, what="the second heartbeat", worker=second)
        second.kill_hard()  # no goodbye: the heartbeat goes stale
        killed = time.monotonic()
        wait_for(lambda: deps(client)[0] == 503, timeout=10, what="the stale heartbeat")
        assert time.monotonic() - killed <= 3 + 2
    finally:
        second.stop()
    assert time.monotonic() - started < 90


@pytest.mark.django_db
def test_a_request_id_reaches_the_task_and_the_task_it_starts(real_celery, redis_server):
    from tests.health.tasks import log_line

    request_id = "req-0123456789abcdef"

    def view(request):
        log_line.delay("from the request", child=True)
        return HttpResponse("ok")

    worker = Worker(redis_server.url, queues="celery", name="health-log@%h")
    try:
        response = RequestIdMiddleware(view)(RequestFactory().get("/x", HTTP_X_REQUEST_ID=request_id))
        assert response["X-Request-ID"] == request_id

        def task_lines():
            lines = []
            for raw in worker.output().splitlines():
                if raw.startswith("{"):
                    entry = json.loads(raw)
                    if entry["logger"] == "flexwork.tests.health":
                        lines.append(entry)
            return len(lines) == 2 and lines

        lines = wait_for(task_lines, timeout=30, what="both task lines", worker=worker)
    finally:
        worker.stop()
    assert [line["message"] for line in lines] == [
        "health test task: from the request",
        "health test task: from the request (child)",
    ]
    assert {line["request_id"] for line in lines} == {request_id}
    assert all(line["task_name"] == "tests.health.log_line" and line["task_id"] for line in lines)
    assert lines[0]["task_id"] != lines[1]["task_id"]
    # The worker's own lines outside a task ("Task … received") carry no id left over from a task.
    received = [
        entry
        for raw in worker.output().splitlines()
        if raw.startswith("{") and (entry := json.loads(raw))["logger"] == "celery.worker.strategy"
    ]
    assert len(received) == 2
    assert all("request_id" not in entry for entry in received)


@pytest.mark.django_db(transaction=True)
def test_the_maintenance_worker_requeues_a_dead_reports_workers_run(hr_admin_a, real_celery, redis_server):
    """No reports worker at all (it was killed): the sweep still runs, on its own queue and worker."""
    from flexwork.reports.tasks import report_runs_requeue_expired_task

    started = time.monotonic()
    run, _ = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03")
    OutboxMessage.objects.all().delete()
    # What a reports worker killed mid-run leaves: RUNNING, its lease expired.
    ReportRun.objects.filter(id=run.id).update(
        status=RunStatus.RUNNING, attempts=1, lease_expires_at=timezone.now() - datetime.timedelta(seconds=5)
    )
    worker = Worker(redis_server.url, queues="maintenance", name="maintenance@%h", pool="prefork")
    try:
        report_runs_requeue_expired_task.apply_async()  # what beat sends every minute
        wait_for(
            lambda: ReportRun.objects.get(id=run.id).status == RunStatus.QUEUED,
            timeout=30,
            what="the sweep to requeue the run",
            worker=worker,
        )
    finally:
        worker.stop()
    message = OutboxMessage.objects.get(topic=services.RUN_TOPIC)
    assert message.payload == {"run_id": run.id}
    assert message.published_at is not None  # handed to the broker for the next reports worker
    assert time.monotonic() - started < 60


def test_the_sweep_has_its_own_queue_and_beat_entry(settings):
    route = celery_app.amqp.router.route({}, "flexwork.reports.tasks.report_runs_requeue_expired_task")
    assert route["queue"].name == "maintenance"
    assert celery_app.amqp.router.route({}, "flexwork.reports.tasks.report_run_execute_task")["queue"].name == "reports"
    entry = settings.CELERY_BEAT_SCHEDULE["reports-requeue-expired"]
    assert entry["task"] == "flexwork.reports.tasks.report_runs_requeue_expired_task"
    # A dead worker's run is back in the queue within its lease plus one sweep: under 5 minutes.
    assert services.lease_seconds() + entry["schedule"] <= 5 * 60


def test_the_procfile_starts_a_worker_for_every_queue_and_keeps_the_sweep_apart(settings):
    queues_by_process = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if " worker " in command:
            queues_by_process[name] = set(re.search(r"--queues (\S+)", command).group(1).split(","))
    consumed = set().union(*queues_by_process.values())
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert consumed == routed == set(settings.HEALTH_WORKER_QUEUES)
    sweep_workers = [queues for queues in queues_by_process.values() if "maintenance" in queues]
    assert sweep_workers == [{"maintenance"}]  # no reports task can hold up the sweep
