"""Periodic work of the approval engine (declared in CELERY_BEAT_SCHEDULE, settings/base.py): one
task per sweep runs it for every registered approvable kind."""

from celery import shared_task


@shared_task(ignore_result=True)
def approvals_expire_due_task() -> None:
    """Expire undecided requests of every kind at 00:00 office time of their expiry day."""
    from flexwork.approvals.engine import expire_due

    expire_due()


@shared_task(ignore_result=True)
def approvals_escalate_due_task() -> None:
    """Escalate requests of every kind that waited too long at their step, and remind the approvers."""
    from flexwork.approvals.engine import escalate_due

    escalate_due()
