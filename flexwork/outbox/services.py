from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from flexwork.outbox import registry
from flexwork.outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger("flexwork.outbox")

RELAY_BATCH_SIZE = 500
LAST_ERROR_MAX_CHARS = 2000


def outbox_enqueue(*, topic: str, payload: dict) -> OutboxMessage:
    """Write a side effect in the caller's transaction; publish it once that transaction commits.

    If the caller rolls back, the row and the publication vanish together. If publishing fails
    (Redis down), the row stays PENDING and `outbox_relay` publishes it later."""
    message = OutboxMessage(topic=topic, payload=payload)
    message.full_clean()
    message.save()
    message_id = message.id
    transaction.on_commit(lambda: outbox_publish(message_ids=[message_id]), robust=True)
    return message


def outbox_publish(*, message_ids: list[int]) -> int:
    """Hand each row to Celery. Never raises: a saved change must not become a 500 because the
    broker is unreachable. Returns how many rows were handed over."""
    from flexwork.outbox.tasks import outbox_message_process_task

    published: list[int] = []
    try:
        for message_id in message_ids:
            # retry=False plus the short broker timeouts in settings: fail fast, the relay retries.
            outbox_message_process_task.apply_async(args=[message_id], retry=False)
            published.append(message_id)
    except Exception as exc:  # any broker or serialisation error; the relay will try again
        logger.warning(
            "outbox: publishing failed after %d of %d message(s), the relay will retry: %s",
            len(published),
            len(message_ids),
            exc,
        )
    if published:
        try:
            OutboxMessage.objects.filter(id__in=published).update(published_at=timezone.now())
        except DatabaseError as exc:
            # Without published_at the relay publishes the rows again: harmless, handlers are idempotent.
            logger.warning("outbox: could not record publication of %s: %s", published, exc)
    return len(published)


def outbox_message_process(*, message_id: int) -> bool:
    """Run the handler of one PENDING row. Returns True if this call handled it.

    The row is locked with SKIP LOCKED: a second delivery of the same message (at-least-once)
    either waits for nothing and finds the row DONE, or skips a row another worker holds."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(id=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            handler = registry.handler_for(message.topic)
            # A savepoint: a failing handler's writes roll back, the attempt count stays.
            with transaction.atomic():
                handler(message.payload)
        except Exception as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error(
                    "outbox: message %s (%s) failed for good after %d attempts: %s",
                    message.id,
                    message.topic,
                    message.attempts,
                    message.last_error,
                )
            else:
                logger.warning(
                    "outbox: message %s (%s) failed (attempt %d of %d), the relay will retry: %s",
                    message.id,
                    message.topic,
                    message.attempts,
                    settings.OUTBOX_MAX_ATTEMPTS,
                    message.last_error,
                    exc_info=True,
                )
            message.save(update_fields=["attempts", "last_error", "status"])
            return False
        message.status = OutboxStatus.DONE
        message.processed_at = timezone.now()
        message.save(update_fields=["attempts", "status", "processed_at"])
        return True


def outbox_relay(*, batch_size: int = RELAY_BATCH_SIZE) -> int:
    """Publish again the PENDING rows that were never published, or not recently (the broker was
    down, a worker died, or the handler failed and waits for its next attempt). Oldest first."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_RELAY_AFTER_SECONDS)
    message_ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=cutoff))
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:batch_size]
    )
    if not message_ids:
        return 0
    return outbox_publish(message_ids=message_ids)


def outbox_purge(*, keep_days: int | None = None) -> int:
    """Delete DONE rows processed more than `keep_days` ago. FAILED rows stay for inspection."""
    days = settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = OutboxMessage.objects.filter(status=OutboxStatus.DONE, processed_at__lt=cutoff).delete()
    return deleted
