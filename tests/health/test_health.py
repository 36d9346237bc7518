import time

import pytest
from django.db import OperationalError, connection

from flexwork.celery import app as celery_app
from flexwork.health.heartbeat import KEY_PREFIX, MEMBERS_KEY, heartbeat_client, heartbeat_write, heartbeats_read
from tests.outbox.helpers import DEAD_BROKER_URL, DEAD_REDIS_URL, RedisServer

pytestmark = pytest.mark.django_db

HEALTH_REDIS_PORT = 6431
ALL_QUEUES = ["celery", "reports", "maintenance"]


@pytest.fixture(scope="module")
def health_redis_server():
    server = RedisServer(HEALTH_REDIS_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def health_redis(settings, health_redis_server):
    """Redis and the broker on a Redis of our own, empty: no other test's workers write heartbeats here."""
    settings.REDIS_URL = f"redis://127.0.0.1:{HEALTH_REDIS_PORT}"
    settings.CELERY_BROKER_URL = health_redis_server.url
    client = heartbeat_client()
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def no_ping(monkeypatch):
    """The health check must never ask the workers synchronously (that waited a whole second)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a synchronous Celery control call was made")

    monkeypatch.setattr(celery_app.control, "inspect", refuse)
    monkeypatch.setattr(celery_app.control, "ping", refuse)
    monkeypatch.setattr(celery_app.control, "broadcast", refuse)


def beat(client, name="celery@web1", queues=ALL_QUEUES, *, age=0.0):
    heartbeat_write(client=client, hostname=name, queues=queues, started_at=time.time() - 60, now=time.time() - age)


@pytest.fixture
def redis_down(settings):
    """Every Redis setting points at a port where nothing listens."""
    settings.REDIS_URL = DEAD_REDIS_URL
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"{DEAD_REDIS_URL}/1",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(connection, "cursor", refuse)


# ---------------------------------------------------------------------------- /healthz


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_stays_ok_while_redis_is_down(client, redis_down):
    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert time.monotonic() - started < 1


def test_healthz_answers_503_with_retry_after_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["status"] == "unavailable"


def test_healthz_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


# ---------------------------------------------------------------------------- /healthz/deps


def test_deps_is_ok_from_fresh_heartbeats_without_asking_the_workers(client, health_redis, no_ping):
    beat(health_redis, "celery@web1", ["celery", "reports"])
    beat(health_redis, "maintenance@web1", ["maintenance"])

    response = client.get("/healthz/deps")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # the public answer: no names, queues or versions
    assert "no-cache" in response["Cache-Control"]


def test_deps_costs_one_query_for_an_anonymous_caller(client, health_redis, no_ping, django_assert_num_queries):
    beat(health_redis)

    with django_assert_num_queries(1):  # SELECT 1
        assert client.get("/healthz/deps").status_code == 200


def test_deps_is_503_when_no_worker_wrote_a_heartbeat(client, health_redis, no_ping):
    response = client.get("/healthz/deps")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json() == {"status": "unavailable"}


def test_deps_is_503_when_the_only_heartbeat_is_stale(client, health_redis, no_ping, settings):
    beat(health_redis, age=settings.HEALTH_WORKER_STALE_SECONDS + 5)

    assert client.get("/healthz/deps").status_code == 503
    assert heartbeats_read(client=health_redis) == []


def test_deps_is_503_when_a_queue_has_no_live_worker(client, health_redis, no_ping, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    beat(health_redis, "celery@web1", ["celery", "reports"])
    beat(health_redis, "maintenance@web1", ["maintenance"], age=settings.HEALTH_WORKER_STALE_SECONDS + 1)

    response = client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN="monitor-secret-0123456789")

    assert response.status_code == 503
    workers = response.json()["workers"]
    assert workers["ok"] is False
    assert workers["missing_queues"] == ["maintenance"]
    assert [worker["name"] for worker in workers["workers"]] == ["celery@web1"]


def test_a_worker_whose_key_expired_leaves_the_member_set(health_redis):
    beat(health_redis, "celery@gone")
    health_redis.delete(KEY_PREFIX + "celery@gone")  # what the key's expiry does after a SIGKILL

    assert heartbeats_read(client=health_redis) == []
    assert health_redis.smembers(MEMBERS_KEY) == set()


def test_deps_shows_details_to_the_health_token(client, health_redis, no_ping, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    beat(health_redis)

    response = client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN="monitor-secret-0123456789")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is True
    assert body["workers"]["ok"] is True
    assert body["workers"]["missing_queues"] == []
    (worker,) = body["workers"]["workers"]
    assert worker["name"] == "celery@web1"
    assert worker["queues"] == ["celery", "maintenance", "reports"]
    assert worker["seconds_since_heartbeat"] < 5
    assert set(worker["versions"]) == {"flexwork", "celery", "django", "python"}


def test_deps_hides_details_from_a_wrong_health_token(client, health_redis, no_ping, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    beat(health_redis)

    for header in ("monitor-secret-012345678", "", "monitor-secret-0123456789x"):
        assert client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN=header).json() == {"status": "ok"}


def test_deps_without_a_configured_token_never_matches_an_empty_header(client, health_redis, no_ping, settings):
    settings.HEALTH_TOKEN = ""
    beat(health_redis)

    assert client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN="").json() == {"status": "ok"}


def test_deps_shows_details_to_staff_only(client, health_redis, no_ping, platform_operator, employee_a, hr_admin_a):
    beat(health_redis)

    for user in (employee_a, hr_admin_a):
        client.force_login(user)
        assert client.get("/healthz/deps").json() == {"status": "ok"}
    client.force_login(platform_operator)
    body = client.get("/healthz/deps").json()
    assert body["workers"]["workers"][0]["name"] == "celery@web1"


def test_deps_shows_details_to_a_staff_members_api_token_only(
    client, health_redis, no_ping, platform_operator, hr_admin_a
):
    from allauth.mfa.models import Authenticator

    from flexwork.accounts.services import api_token_create

    beat(health_redis)
    # Staff must have an authenticator app before any token works (flexwork.accounts.authentication).
    Authenticator.objects.create(user=platform_operator, type=Authenticator.Type.TOTP, data={"secret": "x"})
    _, staff_key = api_token_create(user=platform_operator, name="monitoring")
    _, hr_key = api_token_create(user=hr_admin_a, name="scripts")

    staff = client.get("/healthz/deps", HTTP_AUTHORIZATION=f"Token {staff_key}")
    hr = client.get("/healthz/deps", HTTP_AUTHORIZATION=f"Token {hr_key}")
    unknown = client.get("/healthz/deps", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert "workers" in staff.json()
    assert hr.json() == {"status": "ok"}
    assert (unknown.status_code, unknown.json()) == (200, {"status": "ok"})  # not a 401: probes carry no login


def test_deps_reports_redis_down_quickly_as_unavailable(client, redis_down, no_ping, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    started = time.monotonic()
    response = client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN="monitor-secret-0123456789")

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is False
    assert body["workers"] == {
        "ok": False,
        "workers": [],
        "missing_queues": sorted(ALL_QUEUES),
        "error": "broker unreachable",
    }


def test_deps_answers_503_when_the_database_is_down(client, database_down, health_redis, no_ping, settings):
    settings.HEALTH_TOKEN = "monitor-secret-0123456789"
    beat(health_redis)

    response = client.get("/healthz/deps", HTTP_X_HEALTH_TOKEN="monitor-secret-0123456789")

    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is False
    assert body["redis"]["ok"] is True
    assert body["workers"]["ok"] is True


def test_health_needs_no_login_and_writes_no_session(client):
    for url in ("/healthz", "/healthz/deps"):
        response = client.get(url)
        assert response.status_code in (200, 503)
        assert not response.cookies
