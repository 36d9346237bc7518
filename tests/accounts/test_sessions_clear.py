"""Sessions live in PostgreSQL; the nightly beat entry deletes the expired ones and keeps the rest."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from flexwork.accounts.tasks import sessions_clear_task

pytestmark = pytest.mark.django_db


def test_expired_sessions_are_deleted_and_live_ones_kept():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    sessions_clear_task.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert settings.CELERY_BEAT_SCHEDULE["sessions-clear"]["task"] == sessions_clear_task.name
