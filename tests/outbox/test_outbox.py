from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from flexwork.outbox import registry
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.outbox.services import outbox_enqueue, outbox_message_process, outbox_purge, outbox_relay
from flexwork.outbox.tasks import outbox_message_process_task, outbox_purge_task, outbox_relay_task
from tests.outbox.helpers import DEAD_BROKER_URL, celery_broker

pytestmark = pytest.mark.django_db

handled: list[dict] = []


@registry.register("test.record")
def record_handler(payload: dict) -> None:
    handled.append(payload)


@registry.register("test.boom")
def boom_handler(payload: dict) -> None:
    # A write that must vanish with the failure (the handler runs in a savepoint).
    OutboxMessage.objects.create(topic="test.side-effect", payload={})
    raise RuntimeError("mail server said no")


@pytest.fixture(autouse=True)
def _clear_handled():
    handled.clear()
    yield
    handled.clear()


def test_it_writes_the_row_in_the_transaction_and_publishes_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = outbox_enqueue(topic="test.record", payload={"n": 1})
        assert OutboxMessage.objects.get(id=message.id).status == OutboxStatus.PENDING
        assert handled == []

    assert len(callbacks) == 1
    message.refresh_from_db()
    assert handled == [{"n": 1}]
    assert message.status == OutboxStatus.DONE
    assert message.published_at is not None
    assert message.processed_at is not None
    assert message.attempts == 1


def test_it_publishes_nothing_when_the_change_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(topic="test.record", payload={"n": 1})
            raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert handled == []


def test_a_broker_outage_leaves_the_row_pending_and_does_not_raise(
    settings, django_capture_on_commit_callbacks, caplog
):
    with celery_broker(settings, DEAD_BROKER_URL):
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_enqueue(topic="test.record", payload={"n": 2})
        assert timezone.now() - started < timedelta(seconds=10)

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.published_at is None
    assert handled == []
    assert "publishing failed" in caplog.text


def test_the_relay_publishes_what_the_outage_left_behind(settings, django_capture_on_commit_callbacks):
    with celery_broker(settings, DEAD_BROKER_URL):
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox_enqueue(topic="test.record", payload={"n": 3})
        outbox_relay_task()  # still down: nothing happens, nothing raises
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING

    outbox_relay_task()  # broker back (eager in tests)

    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE
    assert handled == [{"n": 3}]


def test_the_relay_leaves_recently_published_and_finished_rows_alone(settings):
    settings.OUTBOX_RELAY_AFTER_SECONDS = 60
    now = timezone.now()
    recent = OutboxMessage.objects.create(topic="test.record", payload={"n": "recent"}, published_at=now)
    stale = OutboxMessage.objects.create(
        topic="test.record", payload={"n": "stale"}, published_at=now - timedelta(seconds=120)
    )
    never = OutboxMessage.objects.create(topic="test.record", payload={"n": "never"})
    OutboxMessage.objects.create(topic="test.record", payload={"n": "done"}, status=OutboxStatus.DONE)
    OutboxMessage.objects.create(topic="test.record", payload={"n": "failed"}, status=OutboxStatus.FAILED)

    assert outbox_relay() == 2

    assert handled == [{"n": "stale"}, {"n": "never"}]
    recent.refresh_from_db()
    stale.refresh_from_db()
    never.refresh_from_db()
    assert recent.status == OutboxStatus.PENDING
    assert (stale.status, never.status) == (OutboxStatus.DONE, OutboxStatus.DONE)


def test_the_relay_works_in_bounded_batches_oldest_first():
    now = timezone.now()
    for n in range(5):
        OutboxMessage.objects.create(topic="test.record", payload={"n": n}, created_at=now - timedelta(minutes=n))

    assert outbox_relay(batch_size=2) == 2

    assert handled == [{"n": 4}, {"n": 3}]


def test_processing_a_message_twice_handles_it_once():
    message = OutboxMessage.objects.create(topic="test.record", payload={"n": 4})

    assert outbox_message_process(message_id=message.id) is True
    assert outbox_message_process(message_id=message.id) is False
    outbox_message_process_task(message.id)  # a third delivery, through the task

    assert handled == [{"n": 4}]
    message.refresh_from_db()
    assert message.status == OutboxStatus.DONE
    assert message.attempts == 1


def test_processing_an_unknown_id_does_nothing():
    assert outbox_message_process(message_id=999_999) is False


def test_a_failing_handler_counts_attempts_and_finally_gives_up(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = OutboxMessage.objects.create(topic="test.boom", payload={})

    for expected_attempts in (1, 2):
        assert outbox_message_process(message_id=message.id) is False
        message.refresh_from_db()
        assert message.attempts == expected_attempts
        assert message.status == OutboxStatus.PENDING
        assert message.last_error == "RuntimeError: mail server said no"

    outbox_message_process(message_id=message.id)

    message.refresh_from_db()
    assert message.attempts == 3
    assert message.status == OutboxStatus.FAILED
    # The handler's own writes were rolled back each time.
    assert not OutboxMessage.objects.filter(topic="test.side-effect").exists()
    # A FAILED row is never picked up again.
    assert outbox_relay() == 0
    assert outbox_message_process(message_id=message.id) is False


def test_a_topic_without_a_handler_is_recorded_as_a_failure():
    message = OutboxMessage.objects.create(topic="test.nobody-listens", payload={})

    outbox_message_process(message_id=message.id)

    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "No outbox handler" in message.last_error


def test_the_purge_deletes_only_old_finished_rows(settings):
    settings.OUTBOX_KEEP_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    OutboxMessage.objects.create(topic="test.record", status=OutboxStatus.DONE, processed_at=old)
    kept_recent = OutboxMessage.objects.create(
        topic="test.record", status=OutboxStatus.DONE, processed_at=timezone.now() - timedelta(days=1)
    )
    kept_failed = OutboxMessage.objects.create(topic="test.record", status=OutboxStatus.FAILED, created_at=old)
    kept_pending = OutboxMessage.objects.create(topic="test.record", created_at=old)

    outbox_purge_task()

    assert set(OutboxMessage.objects.values_list("id", flat=True)) == {kept_recent.id, kept_failed.id, kept_pending.id}
    assert outbox_purge() == 0


def test_the_database_refuses_an_unknown_status():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(topic="test.record", status="LOST")


def test_the_beat_schedule_names_existing_tasks(settings):
    from flexwork.celery import app

    app.loader.import_default_modules()  # what a worker does at start: import every app's tasks module
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
