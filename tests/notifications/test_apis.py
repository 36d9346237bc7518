import pytest
from django.utils import timezone

from flexwork.accounts.services import api_token_create
from flexwork.notifications.models import Notification
from tests.helpers import assert_error
from tests.notifications.conftest import make_user

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/notifications/"


def read_url(notification_id: int) -> str:
    return f"/api/v1/notifications/{notification_id}/read/"


def make_notifications(user, count: int, *, read: int = 0) -> list[Notification]:
    rows = [
        Notification.objects.create(
            recipient=user,
            kind="api_token_created",
            title=f"Notice {n}",
            body="Body",
            read_at=timezone.now() if n < read else None,
        )
        for n in range(count)
    ]
    return rows


@pytest.mark.parametrize("count", [1, 5])
def test_it_lists_my_notifications_in_a_fixed_number_of_queries(api_client, user, count, django_assert_num_queries):
    make_notifications(user, count)
    make_notifications(make_user(), 2)  # someone else's
    api_client.force_authenticate(user)

    # SAVEPOINT + the caller's office zone (datetimes are rendered in it; a token request reads it
    # with the token) + COUNT + page + RELEASE SAVEPOINT (ATOMIC_REQUESTS), whatever the page holds.
    with django_assert_num_queries(5):
        response = api_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count
    assert len(body["results"]) == count
    first = body["results"][0]
    assert set(first) == {"id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"}
    assert first["title"] == f"Notice {count - 1}"  # newest first


def test_it_filters_unread_and_read(api_client, user):
    make_notifications(user, 5, read=2)
    api_client.force_authenticate(user)

    unread = api_client.get(LIST_URL, {"unread": "true"}).json()
    read = api_client.get(LIST_URL, {"unread": "false"}).json()

    assert unread["count"] == 3
    assert all(item["read_at"] is None and not item["is_read"] for item in unread["results"])
    assert read["count"] == 2
    assert all(item["is_read"] for item in read["results"])


def test_it_rejects_a_bad_filter(api_client, user):
    api_client.force_authenticate(user)

    response = api_client.get(LIST_URL, {"unread": "perhaps"})

    assert_error(response, 400, "invalid", fields=["unread"])


def test_it_paginates(api_client, user):
    make_notifications(user, 5)
    api_client.force_authenticate(user)

    body = api_client.get(LIST_URL, {"limit": 2, "offset": 2}).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"]


def test_it_marks_a_notification_read(api_client, user):
    notification = make_notifications(user, 1)[0]
    api_client.force_authenticate(user)

    response = api_client.post(read_url(notification.id))

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    notification.refresh_from_db()
    first_read_at = notification.read_at
    assert first_read_at is not None
    # Marking again is harmless and keeps the first time.
    assert api_client.post(read_url(notification.id)).status_code == 200
    notification.refresh_from_db()
    assert notification.read_at == first_read_at


def test_it_hides_other_users_notifications(api_client, user, other_user):
    theirs = make_notifications(other_user, 1)[0]
    api_client.force_authenticate(user)

    response = api_client.post(read_url(theirs.id))

    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api_client.post(read_url(999_999)).status_code == 404


def test_it_refuses_anonymous_callers(api_client, user):
    notification = make_notifications(user, 1)[0]

    for response in (api_client.get(LIST_URL), api_client.post(read_url(notification.id))):
        assert_error(response, 401, "not_authenticated")
        assert response.has_header("WWW-Authenticate")


def test_it_works_with_a_personal_token_in_the_callers_language(api_client):
    user = make_user(language="id")
    _token, key = api_token_create(user=user, name="script")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 1  # the token's own security notice
    assert response.json()["results"][0]["kind"] == "api_token_created"


def test_the_schema_documents_both_operations(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "get" in paths["/api/v1/notifications/"]
    assert "post" in paths["/api/v1/notifications/{notification_id}/read/"]
