"""Background work of the accounts app. Periodic entries are declared in CELERY_BEAT_SCHEDULE
(settings/base.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def sessions_clear_task() -> None:
    """Sessions live in PostgreSQL; expired ones are deleted nightly (Django's clearsessions)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
