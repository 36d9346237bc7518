import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.conftest import totp_enrol

pytestmark = pytest.mark.django_db


def test_home_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_greets_the_user_with_the_office_time(logged_in_client, user):
    user.first_name, user.last_name = "Siti", "Rahma"
    user.save()
    html = logged_in_client.get(reverse("home")).content.decode()
    assert "Siti Rahma" in html
    assert "WIB" in html  # the default office zone (Asia/Jakarta)
    assert reverse("profile") in html  # the API tokens are reached from the profile
    assert reverse("mfa_index") in html


def test_profile_shows_the_user_and_the_mfa_state(logged_in_client, user):
    html = logged_in_client.get(reverse("profile")).content.decode()
    assert user.username in html
    assert user.email in html
    assert reverse("mfa_activate_totp") in html

    totp_enrol(user)
    html = logged_in_client.get(reverse("profile")).content.decode()
    assert reverse("mfa_view_recovery_codes") in html


def test_switching_to_english_renders_pages_in_english_and_saves_the_choice(logged_in_client, user):
    assert '<html lang="id">' in logged_in_client.get(reverse("profile")).content.decode()

    response = logged_in_client.post(reverse("set-language"), {"language": "en", "next": reverse("profile")})

    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    html = logged_in_client.get(reverse("profile")).content.decode()
    assert '<html lang="en">' in html
    assert "Profile" in html


def test_the_saved_language_applies_on_another_device(client, user):
    user.language = "en"
    user.save()
    client.force_login(user)  # a fresh browser: no language cookie
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_an_anonymous_visitor_can_switch_the_login_page_to_english(client):
    client.post(reverse("set-language"), {"language": "en", "next": reverse("account_login")})
    assert '<html lang="en">' in client.get(reverse("account_login")).content.decode()


def test_set_language_refuses_an_unknown_language(logged_in_client, user):
    response = logged_in_client.post(reverse("set-language"), {"language": "fr", "next": reverse("home")})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == "id"


def test_set_language_never_redirects_to_another_site(logged_in_client):
    response = logged_in_client.post(reverse("set-language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_set_language_answers_only_post(client):
    assert client.get(reverse("set-language")).status_code == 405


@pytest.mark.parametrize("url_name", ["account_login", "account_reset_password", "account_reset_password_done"])
def test_allauth_entrance_pages_use_our_layout(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


def test_allauth_password_reset_from_a_bad_key_uses_our_layout(client):
    response = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


def test_the_logout_confirmation_page_uses_our_layout(logged_in_client):
    response = logged_in_client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


def test_the_password_reset_link_opens_a_page_in_our_layout(client, user):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    response = client.get(url, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert 'name="password1"' in html
