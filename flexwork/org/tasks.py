"""Periodic jobs of the organisation app (declared in CELERY_BEAT_SCHEDULE, settings/base.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def holidays_next_year_seed_task() -> None:
    from flexwork.org.services import holidays_next_year_seed

    holidays_next_year_seed()
