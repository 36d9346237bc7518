import pytest
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def login(client, login_name, password=PASSWORD):
    return client.post(LOGIN_URL, {"login": login_name, "password": password})


def test_it_logs_in_with_username(client, user):
    response = login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_it_logs_in_with_email_in_any_case(client, user):
    response = login(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_it_shows_an_error_for_a_wrong_password(client, user):
    response = login(client, user.username, "salah-sandi-123")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert b'class="errorlist' in response.content


def test_the_login_page_is_in_indonesian_with_our_layout(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert 'class="site-header"' in html  # base.html, not allauth's bare layout
    assert "sign up" not in html.lower()  # no self sign-up


def test_five_failed_logins_stop_that_account_from_that_address_but_not_the_office(client, user, other_user):
    for _ in range(5):
        assert login(client, user.username, "salah-sandi-123").status_code == 200
    # The sixth attempt from the same address is refused even with the right password (the owner's
    # own address still works: tests/accounts/test_takeover.py).
    response = login(client, user.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # A colleague behind the same office NAT address still gets in.
    response = login(client, other_user.username)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_user.pk)


REDIS_DOWN = {
    "default": {
        "BACKEND": "flexwork.common.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:6399/1",  # nothing listens here
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
        },
    }
}


def test_the_rate_limiter_fails_open_when_redis_is_down(client, user):
    with override_settings(CACHES=REDIS_DOWN):
        login(client, user.username, "salah-sandi-123")
        response = login(client, user.username)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_an_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = login(client, user.username)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
