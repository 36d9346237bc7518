from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    DONE = "DONE", _("Done")
    FAILED = "FAILED", _("Failed")


class OutboxMessage(models.Model):
    """A side effect (an e-mail, a report run, a reminder) written in the same transaction as the
    change that causes it, then handed to Celery after commit (docs/architecture.md). A Redis outage only
    delays the work: the relay re-publishes rows still PENDING."""

    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, help_text="Last time the row was handed to the broker.")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OutboxStatus.values),
                name="outbox_message_status_valid",
            ),
        ]
        indexes = [
            # The relay reads PENDING rows oldest first; a partial index keeps it small however
            # many DONE rows wait for the purge.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status=OutboxStatus.PENDING),
                name="outbox_pending_idx",
            ),
            # The purge deletes old DONE rows.
            models.Index(fields=["status", "processed_at"], name="outbox_done_processed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.status})"
