"""Fault runs with real processes. Each test is bounded (≤ 60 s), listens on
loopback only and stops only the processes it started:

- Redis (our own, port 6420) stopped while arrangements are submitted through the API;
- two beat-like callers of the escalation task at once;
- PostgreSQL (our own cluster, port 55450) restarted under steady load on gunicorn (port 8130).

The PostgreSQL run needs FW_FAULTS=1 (`make faults`); the default suite skips it."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections
from django.utils import timezone

from flexwork.accounts.services import api_token_create
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.outbox.services import outbox_relay
from tests.outbox.helpers import RedisServer, celery_broker

pytestmark = [pytest.mark.worker]

ROOT = Path(__file__).resolve().parents[2]
REDIS_PORT = 6420
GUNICORN_REDIS_PORT = 6421
PG_PORT = 55450
GUNICORN_PORT = 8130
EMAIL_TOPIC = "notification.email"


# ---------------------------------------------------------------------------- Redis stopped during submissions


@pytest.fixture
def redis_server():
    server = RedisServer(REDIS_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_everywhere(settings, redis_server):
    """Broker and cache both on our Redis, as in production (the cache fails open)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "flexwork.common.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/1",
            "KEY_PREFIX": "fw-faults",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    with celery_broker(settings, redis_server.url) as app:
        yield app


@pytest.fixture
def worker_closes_connections():
    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.mark.django_db(transaction=True)
def test_arrangements_submitted_while_redis_is_down_succeed_and_are_notified_once_it_is_back(
    org_world, api_client, client, redis_server, redis_everywhere, worker_closes_connections
):
    from tests.schedules.conftest import next_monday

    started = time.monotonic()
    w = org_world
    _token, key = api_token_create(user=w.employee_a, name="script")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    w.supervisor_a.email = "kasi.a@example.go.id"
    w.supervisor_a.save(update_fields=["email"])
    client.force_login(w.supervisor_a)  # a browser session that must survive the outage
    OutboxMessage.objects.all().delete()  # the token's own e-mail is not what this test is about
    mail.outbox.clear()

    redis_server.stop()
    monday = next_monday(2, employee_user=w.employee_a)
    created = []
    for offset in range(3):
        day = monday + datetime.timedelta(days=offset)
        response = api_client.post(
            "/api/v1/arrangements/",
            {
                "location": "HOME",
                "dates": [day.isoformat()],
                "reason": "Menyusun laporan",
                "work_plan": [{"description": "Draf", "quantity": 1, "unit": "dokumen", "indicator": None}],
                "submit": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        created.append(response.json()["id"])
    page = client.get("/arrangements/queue/")
    assert page.status_code == 200  # still logged in: sessions live in PostgreSQL
    assert client.get("/api/v1/tokens/").status_code == 200
    assert time.monotonic() - started < 20, "a Redis outage must not make submissions slow"

    pending = list(OutboxMessage.objects.filter(topic=EMAIL_TOPIC).values_list("id", "status"))
    assert pending and all(status == OutboxStatus.PENDING for _id, status in pending)
    assert mail.outbox == []

    redis_server.start()
    assert outbox_relay() == len(pending)  # what beat does every minute
    with start_worker(
        redis_everywhere, pool="solo", perform_ping_check=False, queues=["celery", "reports"], shutdown_timeout=15
    ):
        deadline = time.monotonic() + 20
        while len(mail.outbox) < len(pending) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # a duplicate would show now

    assert len(mail.outbox) == len(pending)  # exactly one e-mail per outbox row
    assert set(OutboxMessage.objects.filter(topic=EMAIL_TOPIC).values_list("status", flat=True)) == {OutboxStatus.DONE}
    assert all(message.to == ["kasi.a@example.go.id"] for message in mail.outbox)  # the recommender is told
    assert len({message.body for message in mail.outbox}) == len(pending)  # three different requests
    assert outbox_relay() == 0  # nothing left to publish twice
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------------------- two beats escalating at once


@pytest.mark.django_db(transaction=True)
def test_two_beats_escalating_at_once_make_one_transition_and_one_reminder(org_world):
    from flexwork.approvals.models import Transition
    from flexwork.notifications.models import Notification
    from schedules import services, tasks
    from schedules.models import ArrangementRequest
    from tests.schedules.conftest import create, fetch, next_monday

    started = time.monotonic()
    w = org_world
    monday = next_monday(2, employee_user=w.employee_a)
    requests = [create(w.employee_a, [monday + datetime.timedelta(days=offset)]) for offset in range(3)]
    services.arrangement_request_recommend(arrangement_request=fetch(requests[0]), actor=w.supervisor_a)
    ArrangementRequest.objects.filter(id__in=[ar.id for ar in requests]).update(
        step_since=timezone.now() - datetime.timedelta(days=14)
    )
    Notification.objects.all().delete()

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat():
        try:
            barrier.wait(timeout=10)
            tasks.arrangement_requests_escalate_due_task()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors

    escalations = Transition.objects.filter(action="escalate")
    assert escalations.count() == 3
    assert sorted(escalations.values_list("object_id", flat=True)) == sorted(ar.id for ar in requests)
    assert Notification.objects.filter(kind="arrangement_reminder").count() == 3  # one per request
    assert Notification.objects.filter(kind="arrangement_escalated").count() == 3
    assert ArrangementRequest.objects.filter(escalated_at__isnull=False).count() == 3
    assert time.monotonic() - started < 60


# ---------------------------------------------------------------------------- PostgreSQL restarted under load


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return str(found)


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + args, check=True, capture_output=True, text=True, **kwargs)


class Cluster:
    """A PostgreSQL cluster of our own in a temporary directory, on PG_PORT, loopback only."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="fw-faults-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = f"{self.dir}/data"
        self.pg_ctl = _pg_bin("pg_ctl")
        self.log = f"{self.dir}/postgres.log"
        _as_postgres([_pg_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"])
        self.options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"

    def start(self) -> None:
        _as_postgres([self.pg_ctl, "-D", self.data, "-l", self.log, "-o", self.options, "-w", "-t", "20", "start"])

    def restart(self) -> None:
        _as_postgres(
            [
                self.pg_ctl,
                "-D",
                self.data,
                "-l",
                self.log,
                "-m",
                "fast",
                "-w",
                "-t",
                "20",
                "-o",
                self.options,
                "restart",
            ]
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_postgres([self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "-t", "20", "stop"])
        shutil.rmtree(self.dir, ignore_errors=True)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
    return found


def _get(url: str, headers: dict | None = None) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:
            response.read()
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as exc:
        exc.read()
        return exc.code, exc.headers.get("Retry-After")
    except (urllib.error.URLError, OSError) as exc:
        return -1, repr(exc)


@pytest.mark.skipif(os.environ.get("FW_FAULTS") != "1", reason="process-level run: `make faults`")
def test_a_postgresql_restart_under_load_answers_only_200_or_503_and_recovers():
    started = time.monotonic()
    database_url = f"postgres://postgres@127.0.0.1:{PG_PORT}/flexwork_faults"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "flexwork.settings.production",
        "DJANGO_SECRET_KEY": "faults-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{GUNICORN_REDIS_PORT}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{GUNICORN_REDIS_PORT}/0",
        "WEB_CONCURRENCY": "2",
    }
    python = sys.executable
    cluster = Cluster()
    redis = RedisServer(GUNICORN_REDIS_PORT)
    gunicorn = None
    log = tempfile.NamedTemporaryFile(prefix="fw-faults-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    try:
        cluster.start()
        redis.start()
        subprocess.run(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "flexwork_faults"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        made = subprocess.run(
            [python, "manage.py", "shell", "-c", _MAKE_TOKEN], cwd=ROOT, env=env, check=True, capture_output=True
        )
        key = made.stdout.decode().strip().splitlines()[-1]
        migrated = time.monotonic()

        gunicorn = subprocess.Popen(
            [str(Path(python).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{GUNICORN_PORT}"]
            + ["--max-requests", "0", "flexwork.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{GUNICORN_PORT}"
        deadline = time.monotonic() + 20
        while _get(f"{base}/healthz")[0] != 200:
            assert time.monotonic() < deadline, Path(log.name).read_text()[-3000:]
            time.sleep(0.2)
        workers_before = _children(gunicorn.pid)
        assert workers_before

        results: list[tuple[float, float, str, int, str | None]] = []
        stop = threading.Event()
        targets = [("/healthz", {}), ("/api/v1/tokens/", {"Authorization": f"Token {key}"})]

        def load(path: str, headers: dict) -> None:
            while not stop.is_set():
                sent = time.monotonic()
                status, retry_after = _get(base + path, headers)
                results.append((sent, time.monotonic(), path, status, retry_after))
                time.sleep(0.05)

        threads = [threading.Thread(target=load, args=target) for target in targets]
        for thread in threads:
            thread.start()
        time.sleep(7)
        restart_from = time.monotonic()
        cluster.restart()
        restart_to = time.monotonic()
        time.sleep(13)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)

        statuses = {status for *_times, status, _r in results}
        assert statuses <= {200, 503}, (statuses, [r for r in results if r[3] not in (200, 503)][:5])
        margin = 3.0
        unavailable = [r for r in results if r[3] == 503]
        for sent, answered, path, _status, retry_after in unavailable:
            assert retry_after, f"503 without Retry-After on {path}"
            assert answered >= restart_from and sent <= restart_to + margin, (path, sent - restart_from)
        after = [r for r in results if r[0] > restart_to + margin]
        assert after and all(r[3] == 200 for r in after)
        assert {path for *_t, path, status, _r in after if status == 200} == {t[0] for t in targets}
        assert sum(1 for r in results if r[0] < restart_from and r[3] == 200) > 10  # load really ran before
        assert gunicorn.poll() is None  # the master never restarted
        assert _children(gunicorn.pid) == workers_before  # nor did its workers
        print(  # noqa: T201 - the run's numbers for docs/reliability.md
            f"\nrequests={len(results)} 503s={len(unavailable)} restart={restart_to - restart_from:.2f}s "
            f"setup={migrated - started:.1f}s total={time.monotonic() - started:.1f}s"
        )
        assert time.monotonic() - migrated < 60  # the run itself; migrating a new database comes before
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait(timeout=5)
        redis.stop()
        cluster.stop()
        with contextlib.suppress(OSError):
            os.unlink(log.name)


_MAKE_TOKEN = """
from flexwork.accounts.models import User
from flexwork.accounts.services import api_token_create
user = User.objects.create_user(username="faults", email="faults@example.go.id", password=None)
_token, key = api_token_create(user=user, name="faults")
print(key)
"""
