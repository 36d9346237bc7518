"""Periodic work of the arrangements app. Expiry and escalation are the approval engine's, for
every kind (flexwork/approvals/tasks.py, declared in CELERY_BEAT_SCHEDULE); these names stay so
that messages queued under them before an upgrade still run."""

from celery import shared_task


@shared_task(ignore_result=True)
def arrangement_requests_expire_due_task() -> None:
    from flexwork.approvals.engine import expire_due

    expire_due()


@shared_task(ignore_result=True)
def arrangement_requests_escalate_due_task() -> None:
    from flexwork.approvals.engine import escalate_due

    escalate_due()
