import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE_URL = reverse("mfa_activate_totp")


def totp_code(secret: str, steps_back: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 - steps_back))


def allauth_login(client, user):
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_a_user_who_must_have_mfa_is_sent_to_enrol_first(client):
    user = UserFactory(mfa_required=True)
    allauth_login(client, user)
    for url in (reverse("home"), reverse("profile"), reverse("token-list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE_URL


def test_enrolling_the_authenticator_app_opens_the_site(client):
    user = UserFactory(mfa_required=True)
    allauth_login(client, user)

    page = client.get(ACTIVATE_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="site-header"' in html  # allauth's page inside our layout
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in html  # shown for typing into the app by hand

    response = client.post(ACTIVATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(response["Location"]).status_code == 200  # the recovery codes
    home = client.get(reverse("home"))
    assert home.status_code == 200


def test_a_code_that_just_rolled_over_still_enrols(client):
    """A code typed slowly on a phone belongs to the previous 30-second step; it is accepted."""
    user = UserFactory(mfa_required=True)
    allauth_login(client, user)
    client.get(ACTIVATE_URL)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE_URL, {"code": totp_code(secret, steps_back=1)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_a_code_two_minutes_old_does_not_enrol(client):
    user = UserFactory(mfa_required=True)
    allauth_login(client, user)
    client.get(ACTIVATE_URL)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE_URL, {"code": totp_code(secret, steps_back=4)})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_wrong_code_does_not_enrol(client):
    user = UserFactory(mfa_required=True)
    allauth_login(client, user)
    client.get(ACTIVATE_URL)
    response = client.post(ACTIVATE_URL, {"code": "000000"})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_staff_and_superusers_must_have_mfa_too(client, flags):
    client.force_login(UserFactory(**flags))
    response = client.get(reverse("home"))
    assert response["Location"] == ACTIVATE_URL


def test_a_session_api_call_before_enrolment_answers_403(client):
    client.force_login(UserFactory(mfa_required=True))
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 403
    assert response.json() == {
        "message": response.json()["message"],
        "code": "mfa_enrolment_required",
        "fields": {},
        "violations": [],
    }
    assert response.json()["message"]


def test_language_switch_and_logout_work_before_enrolment(client):
    user = UserFactory(mfa_required=True)
    client.force_login(user)
    response = client.post(reverse("set-language"), {"language": "en", "next": ACTIVATE_URL})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_users_without_the_duty_are_not_asked(logged_in_client):
    assert logged_in_client.get(reverse("home")).status_code == 200


def test_the_check_costs_one_query_and_only_for_users_who_must_have_mfa(
    client, user, totp_user, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as plain:
        assert client.get(reverse("token-list")).status_code == 200
    client.force_login(totp_user)
    with django_assert_num_queries(len(plain) + 1):
        assert client.get(reverse("token-list")).status_code == 200


def test_the_login_of_an_enrolled_user_asks_for_the_code(client, totp_user):
    response = allauth_login(client, totp_user)
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()


def test_turning_mfa_off_sends_a_security_notice(client, sent_notifications):
    user = UserFactory()
    allauth_login(client, user)
    client.get(ACTIVATE_URL)
    client.post(ACTIVATE_URL, {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    page = client.get(reverse("mfa_deactivate_totp"))
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()
    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user).exists()  # recovery codes went with it
    notices = [c for c in sent_notifications if c["kind"] == "mfa_disabled"]
    assert len(notices) == 1
    assert notices[0]["recipient"] == user


def test_the_recovery_codes_page_uses_our_layout(client):
    user = UserFactory()
    allauth_login(client, user)
    client.get(ACTIVATE_URL)
    client.post(ACTIVATE_URL, {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'class="site-header"' in html
    assert re.search(r"[0-9a-f]{8}", html)
    assert 'class="site-header"' in client.get(reverse("mfa_index")).content.decode()
