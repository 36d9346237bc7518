"""The Redis-down test: a change saved while Redis is down still succeeds, its e-mail is
not lost, and once Redis is back the relay and a real worker deliver it exactly once."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import connections, transaction

from flexwork.accounts.models import ApiToken, User
from flexwork.accounts.services import api_token_create
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.outbox.services import outbox_relay
from tests.outbox.helpers import WORKER_REDIS_PORT, RedisServer, celery_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT_SECONDS = 20


@pytest.fixture
def redis_server():
    server = RedisServer(WORKER_REDIS_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def real_celery(settings, redis_server):
    """Celery as in production (not eager), with the broker on the test's own Redis."""
    with celery_broker(settings, redis_server.url) as app:
        yield app


@pytest.fixture
def worker_closes_connections():
    """The worker thread opens its own database connection; close it after each task."""

    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.fixture
def user():
    return User.objects.create_user(
        username="198001012006041001", email="ani@example.go.id", password="kuda-lari-kencang-42", language="en"
    )


def _deliver_with_real_worker(app, *, expected: int) -> None:
    """Publish what the outage left behind, then let a real worker consume until the e-mails
    arrive (bounded), plus a moment more so that a duplicate would show."""
    assert outbox_relay() == expected
    with start_worker(app, pool="solo", perform_ping_check=False, queues=["celery", "reports"], shutdown_timeout=15):
        deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
        while len(mail.outbox) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)


def _token_email_pending(token: ApiToken) -> OutboxMessage:
    message = OutboxMessage.objects.get(topic="notification.email")
    assert message.status == OutboxStatus.PENDING
    assert message.published_at is None
    return message


def test_a_token_made_while_redis_is_down_is_saved_and_its_email_sent_once_redis_is_back(
    redis_server, real_celery, worker_closes_connections, user
):
    redis_server.stop()

    started = time.monotonic()
    with transaction.atomic():
        token, key = api_token_create(user=user, name="script")
    assert time.monotonic() - started < 10, "a Redis outage must not make saving slow"

    assert key
    assert ApiToken.objects.filter(id=token.id, user=user, name="script").exists()
    assert mail.outbox == []
    message = _token_email_pending(token)

    redis_server.start()
    _deliver_with_real_worker(real_celery, expected=1)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ani@example.go.id"]
    assert "API token" in email.subject
    assert "script" in email.body
    assert token.prefix in email.body
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE


def test_a_token_made_on_the_profile_page_while_redis_is_down_is_emailed_once_redis_is_back(
    client, redis_server, real_celery, worker_closes_connections, user
):
    from tests.accounts.conftest import recently_signed_in

    client.force_login(user)
    recently_signed_in(client, user)  # token creation asks for a recent sign-in
    redis_server.stop()

    response = client.post("/profile/tokens/", {"name": "script", "expires_in_days": 30})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.name == "script"
    assert token.prefix in response.content.decode()  # the key was shown
    assert mail.outbox == []
    _token_email_pending(token)

    redis_server.start()
    _deliver_with_real_worker(real_celery, expected=1)

    assert len(mail.outbox) == 1
    assert "API token" in mail.outbox[0].subject
    assert token.prefix in mail.outbox[0].body
