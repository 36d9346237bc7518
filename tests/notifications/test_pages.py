from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.notifications.models import Notification
from tests.notifications.conftest import make_user

pytestmark = pytest.mark.django_db

PAGE = "/notifications/"


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_my_notifications_with_unread_in_bold_and_office_time(client, settings):
    settings.FLEXWORK_DEFAULT_TIME_ZONE = "Asia/Makassar"
    user = make_user(language="en")
    Notification.objects.create(
        recipient=user, kind="mfa_disabled", title="Old news", read_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    Notification.objects.create(
        recipient=user, kind="api_token_created", title="Fresh news", created_at=datetime(2026, 11, 27, 1, tzinfo=UTC)
    )
    Notification.objects.create(recipient=make_user(), kind="mfa_disabled", title="Not mine")
    client.force_login(user)

    response = client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Fresh news</strong>" in html
    assert "<strong>Old news</strong>" not in html and "Old news" in html
    assert "Not mine" not in html
    assert "27 Nov 2026 09:00 WITA" in html
    assert 'class="badge"' in html  # the header counts the one unread
    assert "Mark all as read" in html


def test_mark_all_read_clears_the_unread_count(client, user):
    Notification.objects.create(recipient=user, kind="mfa_disabled", title="A")
    Notification.objects.create(recipient=user, kind="mfa_disabled", title="B")
    theirs = Notification.objects.create(recipient=make_user(), kind="mfa_disabled", title="C")
    client.force_login(user)

    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get(PAGE).content.decode()
    assert 'class="badge"' not in html
    assert "Mark all as read" not in html


def test_mark_all_read_needs_a_post(client, user):
    client.force_login(user)

    assert client.get("/notifications/read-all/").status_code == 405


def test_it_paginates(client, user):
    for n in range(25):
        Notification.objects.create(recipient=user, kind="mfa_disabled", title=f"Notice {n:02d}")
    client.force_login(user)

    first = client.get(PAGE).content.decode()
    second = client.get(PAGE, {"page": 2}).content.decode()

    assert "Notice 24" in first and "Notice 04" not in first
    assert "Notice 04" in second
    assert "Page 2 of 2" in second


def test_the_unread_count_costs_one_count_query_per_page(client, user):
    Notification.objects.create(recipient=user, kind="mfa_disabled", title="A")
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        client.get(PAGE)

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "notifications_notification" in q["sql"]]
    unread_counts = [sql for sql in counts if '"read_at" IS NULL' in sql]
    assert len(unread_counts) == 1
