"""Background work of the reports app. Tasks take ids only and are safe to repeat; every task here
is routed to the "reports" queue (CELERY_TASK_ROUTES "flexwork.reports.*") except the requeue sweep,
which has the "maintenance" queue and its own worker. Periodic entries are declared in
CELERY_BEAT_SCHEDULE (settings/base.py)."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

# The report task's own limits: a soft limit to fail cleanly, a hard one the broker's
# visibility_timeout (2 × CELERY_TASK_TIME_LIMIT) stays above.
REPORT_SOFT_TIME_LIMIT = settings.CELERY_TASK_SOFT_TIME_LIMIT
REPORT_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
# A failed attempt (storage unwritable, a database error) is retried with exponential backoff
# (about 30 s, 60 s, 120 s, jittered); the last one fails the run with a message for people.
REPORT_MAX_RETRIES = 3
REPORT_RETRY_BACKOFF = 30


def _on_report_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from flexwork.reports.services import ERROR_FILES, report_run_failed

    if args:
        report_run_failed(run_id=args[0], error=ERROR_FILES)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=REPORT_SOFT_TIME_LIMIT,
    time_limit=REPORT_TIME_LIMIT,
    on_failure=_on_report_failure,
    autoretry_for=(Exception,),
    dont_autoretry_for=(SoftTimeLimitExceeded,),
    max_retries=REPORT_MAX_RETRIES,
    retry_backoff=REPORT_RETRY_BACKOFF,
    retry_backoff_max=600,
    retry_jitter=True,
)
def report_run_execute_task(self, run_id: int) -> None:
    from flexwork.reports.services import report_run_execute

    report_run_execute(run_id=run_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(ignore_result=True)
def report_runs_requeue_expired_task() -> None:
    """Every minute from beat, on the "maintenance" queue: a run whose reports worker died is back in
    the queue within its lease (REPORTS_LEASE_SECONDS) plus a minute, whether or not any reports
    worker is alive to take it."""
    from flexwork.reports.services import report_runs_requeue_expired

    report_runs_requeue_expired()


@shared_task(ignore_result=True)
def monthly_runs_create_task() -> None:
    from flexwork.reports.services import monthly_runs_create

    monthly_runs_create()


@shared_task(ignore_result=True)
def daily_digests_send_task() -> None:
    from flexwork.reports.services import daily_digests_due

    daily_digests_due()
