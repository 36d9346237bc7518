import hashlib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from flexwork.accounts.models import ApiToken
from flexwork.accounts.services import api_token_create, api_token_revoke
from tests.accounts.factories import UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

LIST_API = "/api/v1/tokens/"


def revoke_api(token_id: int) -> str:
    return f"/api/v1/tokens/{token_id}/revoke/"


@pytest.fixture
def token_and_key(user, sent_notifications):
    return api_token_create(user=user, name="laptop script")


def create_on_page(client, **data):
    return client.post(reverse("token-list"), {"name": "skrip absensi", "expires_in_days": 90, **data})


def test_a_token_made_on_the_page_is_shown_once_and_stored_hashed(logged_in_client, user, sent_notifications):
    response = create_on_page(logged_in_client)

    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r'id="new-token-key">(fw_[^<]+)<', html).group(1)
    assert f"Authorization: Token {key}" in html  # the curl example
    assert 'data-copy-target="new-token-key"' in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert token.name == "skrip absensi"
    assert token.key_hash != key
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 90
    assert [c["kind"] for c in sent_notifications] == ["api_token_created"]
    # Shown once: the list page afterwards names the token but never shows the key again.
    again = logged_in_client.get(reverse("token-list")).content.decode()
    assert "skrip absensi" in again
    assert key not in again
    assert token.prefix in again


def test_the_page_defaults_to_90_days(logged_in_client):
    html = logged_in_client.get(reverse("token-list")).content.decode()
    assert 'name="expires_in_days" value="90"' in html


def test_the_page_shows_form_errors(logged_in_client, user, sent_notifications):
    response = create_on_page(logged_in_client, name="   ", expires_in_days=0)
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_page_shows_errors_raised_by_the_service(logged_in_client, user, monkeypatch):
    from flexwork.accounts import views
    from flexwork.common.exceptions import ApplicationError

    def refuse(**kwargs):
        raise ApplicationError("Nope.", fields={"name": ["Name already used."]})

    monkeypatch.setattr(views, "api_token_create", refuse)
    response = create_on_page(logged_in_client)
    assert response.status_code == 400
    assert "Name already used." in response.content.decode()


def test_the_page_lists_only_my_tokens(logged_in_client, other_user, sent_notifications):
    api_token_create(user=other_user, name="someone else's")
    html = logged_in_client.get(reverse("token-list")).content.decode()
    assert "someone else" not in html


def test_the_key_authenticates_api_calls(api_client, token_and_key):
    token, key = token_and_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.get(LIST_API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert set(body) == {"count", "next", "previous", "results"}
    result = body["results"][0]
    assert result["id"] == token.id
    assert result["prefix"] == token.prefix
    assert result["status"] == "active"
    assert key not in response.content.decode()
    assert "key_hash" not in result
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Using a token is not a change to it: the history holds its making, not every call.
    assert [event.pgh_label for event in token.events.all()] == ["insert"]
    api_token_revoke(token=token)
    assert sorted(event.pgh_label for event in token.events.all()) == ["insert", "update"]


def assert_401(response, code):
    assert_error(response, 401, code)
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_answers_401(api_client, token_and_key):
    token, key = token_and_key
    now = timezone.now()
    ApiToken.objects.filter(id=token.id).update(created_at=now - timedelta(days=91), expires_at=now - timedelta(days=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_401(api_client.get(LIST_API), "token_expired")
    token.refresh_from_db()
    assert token.last_used_at is None  # a refused key is not a use


def test_a_deactivated_users_token_answers_401_and_is_not_marked_used(api_client, token_and_key):
    token, key = token_and_key
    type(token.user).objects.filter(id=token.user_id).update(is_active=False)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_401(api_client.get(LIST_API), "invalid_token")
    token.refresh_from_db()
    assert token.last_used_at is None


def test_last_used_is_written_at_most_every_five_minutes(api_client, token_and_key):
    token, key = token_and_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(LIST_API).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert api_client.get(LIST_API).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(id=token.id).update(last_used_at=first - timedelta(minutes=6))
    assert api_client.get(LIST_API).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_revoked_token_answers_401(api_client, token_and_key):
    token, key = token_and_key
    api_token_revoke(token=token)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_401(api_client.get(LIST_API), "token_revoked")
    token.refresh_from_db()
    assert token.last_used_at is None


def test_an_unknown_token_answers_401(api_client, db):
    api_client.credentials(HTTP_AUTHORIZATION="Token fw_not-a-real-key")
    assert_401(api_client.get(LIST_API), "invalid_token")


def test_no_credentials_answer_401(api_client, db):
    assert_401(api_client.get(LIST_API), "not_authenticated")


def test_i_can_revoke_my_token_through_the_api(api_client, user, token_and_key, sent_notifications):
    token, _key = token_and_key
    second, second_key = api_token_create(user=user, name="second")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")

    response = api_client.post(revoke_api(token.id))

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_twice_answers_409(api_client, user, token_and_key, sent_notifications):
    token, _key = token_and_key
    _second, second_key = api_token_create(user=user, name="second")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    assert api_client.post(revoke_api(token.id)).status_code == 200

    response = api_client.post(revoke_api(token.id))

    assert_error(response, 409, "already_revoked")


def test_it_hides_other_users_tokens(api_client, other_user, token_and_key, sent_notifications):
    theirs, _ = api_token_create(user=other_user, name="theirs")
    _token, key = token_and_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = api_client.post(revoke_api(theirs.id))

    assert_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert [r["id"] for r in api_client.get(LIST_API).json()["results"]] == [_token.id]


def test_there_is_no_api_to_create_a_token(api_client, token_and_key):
    _token, key = token_and_key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.post(LIST_API, {"name": "x"}).status_code == 405


def test_a_session_user_can_list_tokens_too(logged_in_client, token_and_key):
    response = logged_in_client.get(LIST_API)
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_costs_a_fixed_number_of_queries(api_client, user, count, django_assert_num_queries):
    from flexwork.accounts.models import ApiToken as Model
    from flexwork.accounts.tokens import generate_key, hash_key

    now = timezone.now()
    keys = [generate_key() for _ in range(count)]
    Model.objects.bulk_create(
        Model(user=user, name=f"t{i}", prefix=k[:10], key_hash=hash_key(k), expires_at=now + timedelta(days=5))
        for i, k in enumerate(keys)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
    # token + user lookup with its last_used_at write (one statement), count, page; the rest are the
    # request's savepoints.
    with django_assert_num_queries(5):
        response = api_client.get(LIST_API)
    assert response.json()["count"] == count


def test_revoking_on_the_page(logged_in_client, token_and_key):
    token, _ = token_and_key
    response = logged_in_client.post(reverse("token-revoke", args=[token.id]), follow=True)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    # The second time the page says so instead of failing.
    response = logged_in_client.post(reverse("token-revoke", args=[token.id]), follow=True)
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1


def test_revoking_someone_elses_token_on_the_page_is_404(logged_in_client, other_user, sent_notifications):
    theirs, _ = api_token_create(user=other_user, name="theirs")
    response = logged_in_client.post(reverse("token-revoke", args=[theirs.id]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_needs_post(logged_in_client, token_and_key):
    token, _ = token_and_key
    assert logged_in_client.get(reverse("token-revoke", args=[token.id])).status_code == 405


def test_the_list_shows_status_and_times_in_the_office_zone(logged_in_client, user, token_and_key):
    token, _ = token_and_key
    api_token_revoke(token=token)
    html = logged_in_client.get(reverse("token-list")).content.decode()
    assert "WIB" in html
    assert "Dicabut" in html or "Revoked" in html


def test_a_new_user_factory_works(db):
    assert UserFactory().check_password("kuda-lari-kencang-42")
