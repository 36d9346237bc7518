"""Background work of organisation imports (docs/rules.md §7): the check of an uploaded file and the
write of a confirmed one. Tasks take ids only and are safe to repeat (the services claim the batch
by compare-and-swap); they are started through the outbox (handlers.py), and the beat sweeper
queues again a job whose worker died. Periodic entries are declared in CELERY_BEAT_SCHEDULE."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

IMPORT_MAX_RETRIES = 2
IMPORT_RETRY_BACKOFF = 30

_JOB_OPTIONS = {
    "bind": True,
    "ignore_result": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "autoretry_for": (Exception,),
    "dont_autoretry_for": (SoftTimeLimitExceeded,),
    "max_retries": IMPORT_MAX_RETRIES,
    "retry_backoff": IMPORT_RETRY_BACKOFF,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


@shared_task(**_JOB_OPTIONS)
def import_preview_task(self, batch_id: int) -> None:
    from flexwork.onboarding.services import import_preview_execute

    import_preview_execute(batch_id=batch_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(**_JOB_OPTIONS)
def import_confirm_task(self, batch_id: int) -> None:
    from flexwork.onboarding.services import import_confirm_execute

    import_confirm_execute(batch_id=batch_id, final_attempt=self.request.retries >= self.max_retries)


@shared_task(ignore_result=True)
def import_jobs_requeue_expired_task() -> None:
    from flexwork.onboarding.services import import_jobs_requeue_expired

    import_jobs_requeue_expired()
