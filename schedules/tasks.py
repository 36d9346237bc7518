"""Periodic work of the arrangements app (declared in CELERY_BEAT_SCHEDULE, settings/base.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def arrangement_requests_expire_due_task() -> None:
    """Expire undecided requests at 00:00 office time of their first covered day."""
    from schedules.services import arrangement_requests_expire_due

    arrangement_requests_expire_due()


@shared_task(ignore_result=True)
def arrangement_requests_escalate_due_task() -> None:
    """Escalate requests that waited too long for a decision, and remind the approvers."""
    from schedules.services import arrangement_requests_escalate_due

    arrangement_requests_escalate_due()
