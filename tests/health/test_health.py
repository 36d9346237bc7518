import time

import pytest
from django.db import OperationalError, connection

from tests.outbox.helpers import DEAD_BROKER_URL, DEAD_REDIS_URL

pytestmark = pytest.mark.django_db


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


def test_deps_reports_a_working_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379"

    response = client.get("/healthz/deps")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is True
    assert isinstance(body["celery"]["workers"], list)


def test_deps_reports_redis_down_quickly_and_stays_200(client, redis_down):
    started = time.monotonic()
    response = client.get("/healthz/deps")

    assert time.monotonic() - started < 3
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["redis"]["ok"] is False
    assert body["celery"] == {"ok": False, "workers": [], "error": "broker unreachable"}


def test_deps_answers_503_when_the_database_is_down(client, database_down, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379"

    response = client.get("/healthz/deps")

    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["database"]["ok"] is False
    assert body["redis"]["ok"] is True


def test_health_needs_no_login_and_writes_no_session(client):
    for url in ("/healthz", "/healthz/deps"):
        response = client.get(url)
        assert response.status_code in (200, 503)
        assert not response.cookies
