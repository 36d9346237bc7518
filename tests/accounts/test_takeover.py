"""Account takeover, tried the ways an insider or a guesser would: an activation code for an account
that is already active, a password reset past the authenticator app, an HR admin without MFA after
the agency required it, old tokens after a new password, a NIP locked by five wrong passwords."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from flexwork.accounts.models import ApiToken, User
from flexwork.accounts.services import api_token_create
from flexwork.common.exceptions import ConflictError
from flexwork.notifications.models import Notification
from flexwork.onboarding import services as onboarding
from flexwork.onboarding.models import AccountAction, ActivationCode
from flexwork.org import services as org_services
from flexwork.org.models import Role
from tests.accounts.conftest import password_login, recently_signed_in, totp_enrol
from tests.accounts.test_mfa import totp_code
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PERSONA_PASSWORD = "demo-pass-123"  # tests/org/factories.py EmployeeFactory
NEW_PASSWORD = "kopi-susu-hangat-77"
ACTIVATE_TOTP = reverse("mfa_activate_totp")


def activate(client, nip, code, password=NEW_PASSWORD):
    return client.post("/activate/", {"nip": nip, "code": code, "password1": password, "password2": password})


def token_call(key, path="/api/v1/tokens/"):
    from rest_framework.test import APIClient

    return APIClient().get(path, HTTP_AUTHORIZATION=f"Token {key}")


# ---------------------------------------------------------------------------- activation codes


@pytest.mark.parametrize("victim", ["hr_admin_a", "agency_head_a", "employee_a"])
def test_hr_cannot_issue_an_activation_code_for_an_active_account(client, org_world, victim):
    target = getattr(org_world, victim)
    with pytest.raises(ConflictError) as refused:
        onboarding.activation_codes_issue(employees=[target.employee], issued_by=org_world.hr_admin_a)
    assert refused.value.code == "already_activated"
    assert refused.value.status_code == 409

    # Nor through the page (the button is not there, and posting it anyway is refused).
    client.force_login(org_world.hr_admin_a)
    url = f"/hr/employees/{target.employee.id}/"
    assert 'value="issue_code"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "issue_code"}, follow=True)
    assert "already active" in response.content.decode() or "sudah aktif" in response.content.decode()
    assert not ActivationCode.objects.filter(employee=target.employee).exists()
    assert not AccountAction.objects.filter(employee=target.employee).exists()
    target.refresh_from_db()
    assert target.check_password(PERSONA_PASSWORD)


def test_an_old_code_does_not_replace_the_password_of_an_account_activated_since(client, org_world):
    """A code printed while the account was new, typed after the owner set a password another way."""
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a, password=""
    )
    [(_employee, code)] = onboarding.activation_codes_issue(employees=[newcomer], issued_by=org_world.hr_admin_a)
    newcomer.user.set_password("the-owners-own-pass-1")
    newcomer.user.save(update_fields=["password"])

    response = activate(client, newcomer.nip, code)

    assert response.status_code == 409
    assert "_auth_user_id" not in client.session
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password("the-owners-own-pass-1")
    assert not AccountAction.objects.filter(employee=newcomer, kind="ACTIVATED").exists()


def test_activation_names_the_issuer_of_the_code_not_the_account_as_actor(client, org_world):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a, password=""
    )
    [(_employee, code)] = onboarding.activation_codes_issue(employees=[newcomer], issued_by=org_world.hr_admin_a)
    assert activate(client, newcomer.nip, code).status_code == 302

    issued = AccountAction.objects.get(employee=newcomer, kind="CODE_ISSUED")
    activated = AccountAction.objects.get(employee=newcomer, kind="ACTIVATED")
    assert issued.actor == org_world.hr_admin_a
    assert activated.actor is None
    assert activated.detail["code_issued_by"] == org_world.hr_admin_a.pk


def test_activation_never_skips_the_authenticator_app(client, org_world):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a, password=""
    )
    totp_enrol(newcomer.user)
    [(_employee, code)] = onboarding.activation_codes_issue(employees=[newcomer], issued_by=org_world.hr_admin_a)

    response = activate(client, newcomer.nip, code)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    login = client.post(reverse("account_login"), {"login": newcomer.nip, "password": NEW_PASSWORD})
    assert login["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_by_email_never_logs_in_past_the_authenticator_app(client, org_world):
    victim = org_world.hr_admin_a
    victim.email = "sdm.a@example.go.id"
    victim.save(update_fields=["email"])
    totp_enrol(victim)

    client.post(reverse("account_reset_password"), {"email": victim.email})
    [message] = [m for m in mail.outbox if victim.email in m.to]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert "_auth_user_id" not in client.session
    victim.refresh_from_db()
    assert victim.check_password(NEW_PASSWORD)
    login = client.post(reverse("account_login"), {"login": victim.username, "password": NEW_PASSWORD})
    assert login["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_codes_appear_in_no_notification(client, org_world, django_capture_on_commit_callbacks):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=org_world.agency_a,
        unit=org_world.sec_a,
        position=org_world.position_a,
        password="",
        email="baru@example.go.id",
    )
    client.force_login(org_world.hr_admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/hr/employees/{newcomer.id}/", {"action": "send_link"})
    page = client.post(f"/hr/employees/{newcomer.id}/", {"action": "issue_code"})
    printed = re.search(r'id="new-activation-code">([A-Z0-9-]+)<', page.content.decode()).group(1)
    [message] = [m for m in mail.outbox if newcomer.user.email in m.to]
    emailed = re.search(r"code=([A-Z0-9-]+)", message.body).group(1)
    for notification in Notification.objects.filter(recipient=newcomer.user):
        text = f"{notification.title} {notification.body} {notification.context}"
        for code in (printed, emailed):
            assert code not in text and code.replace("-", "") not in text
    # The e-mail was rendered when sent: the code issued afterwards replaced the link's code.
    assert activate(client, newcomer.nip, emailed).status_code == 400


# ---------------------------------------------------------------------------- MFA required for HR and heads


def test_switching_mfa_on_blocks_a_current_hr_admin_until_enrolment(client, client_for, org_world):
    hr = org_world.hr_admin_a
    _token, key = api_token_create(user=hr, name="skrip SDM")
    password_login(client, hr, PERSONA_PASSWORD)
    assert client.get("/hr/").status_code == 200

    response = client_for(hr).patch("/api/v1/policy/", {"mfa_required_for_hr": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["effective"]["mfa_required_for_hr"] is True

    # The same session, the next request: enrolment first, for HR pages and token creation alike.
    assert client.get("/hr/")["Location"] == ACTIVATE_TOTP
    assert client.get("/hr/employees/")["Location"] == ACTIVATE_TOTP
    created = client.post(reverse("token-list"), {"name": "baru", "expires_in_days": 30})
    assert created["Location"] == ACTIVATE_TOTP
    assert not ApiToken.objects.filter(user=hr, name="baru").exists()
    # The token made before the switch does not get round it.
    assert_error(token_call(key), 403, "mfa_enrolment_required")
    assert_error(token_call(key, "/api/v1/employees/"), 403, "mfa_enrolment_required")

    # Enrolment opens everything again.
    client.get(ACTIVATE_TOTP)
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    assert client.post(ACTIVATE_TOTP, {"code": totp_code(client.session[SECRET_SESSION_KEY])}).status_code == 302
    assert client.get("/hr/").status_code == 200
    assert token_call(key).status_code == 200


def test_the_switch_reaches_every_hr_admin_and_leaves_employees_alone(client_for, org_world):
    second_hr = org_world.employee_a
    org_services.role_assign(agency=org_world.agency_a, user=second_hr, role=Role.HR_ADMIN)
    second_hr.refresh_from_db()
    assert not second_hr.mfa_required_by_policy  # the switch is still off

    client_for(org_world.hr_admin_a).patch("/api/v1/policy/", {"mfa_required_for_hr": True}, format="json")

    for user, due in ((org_world.hr_admin_a, True), (second_hr, True), (org_world.supervisor_a, False)):
        user.refresh_from_db()
        assert user.mfa_required_by_policy is due, user
    assert not User.objects.get(pk=org_world.hr_admin_b.pk).mfa_required_by_policy
    second_hr.refresh_from_db()
    assert client_for(second_hr).get("/api/v1/me/").json()["user"]["mfa_required"] is True

    # Losing the role, or the switch going off, lifts the duty again.
    org_services.role_revoke(agency=org_world.agency_a, user=second_hr, role=Role.HR_ADMIN)
    second_hr.refresh_from_db()
    assert not second_hr.mfa_required_by_policy
    client_for(org_world.hr_admin_a).patch("/api/v1/policy/", {"mfa_required_for_hr": False}, format="json")
    org_world.hr_admin_a.refresh_from_db()
    assert not org_world.hr_admin_a.mfa_required_by_policy


def test_the_agency_head_switch(client, client_for, org_world):
    head = org_world.agency_head_a
    password_login(client, head, PERSONA_PASSWORD)
    assert client.get("/").status_code == 200

    response = client_for(org_world.hr_admin_a).patch("/api/v1/policy/", {"mfa_required_for_head": True}, format="json")

    assert response.json()["effective"]["mfa_required_for_head"] is True
    assert client.get("/")["Location"] == ACTIVATE_TOTP
    page = client.get(ACTIVATE_TOTP).content.decode()
    assert "agency's policy" in page or "Kebijakan instansi Anda" in page


def test_only_hr_turns_the_switches(client_for, org_world):
    response = client_for(org_world.employee_a).patch("/api/v1/policy/", {"mfa_required_for_head": True}, format="json")
    assert_error(response, 403)
    org_world.agency_a.refresh_from_db()
    assert not org_world.agency_a.mfa_required_for_head


# ---------------------------------------------------------------------------- a new password


def test_a_password_change_revokes_old_tokens_and_other_sessions(client, org_world, django_capture_on_commit_callbacks):
    from django.test import Client

    user = org_world.employee_a
    _token, key = api_token_create(user=user, name="skrip")
    assert token_call(key).status_code == 200
    elsewhere = password_login(Client(), user, PERSONA_PASSWORD)
    password_login(client, user, PERSONA_PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PERSONA_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )

    assert response.status_code == 302
    assert_error(token_call(key), 401, "token_revoked")
    assert client.get("/").status_code == 200  # this session stays
    assert elsewhere.get("/")["Location"].startswith(reverse("account_login"))  # the other one is gone
    notice = Notification.objects.get(recipient=user, kind="password_changed")
    assert "1" in notice.body


def test_activation_revokes_tokens_too(client, org_world):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(
        agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a, password=""
    )
    _token, key = api_token_create(user=newcomer.user, name="dibuat operator")
    [(_employee, code)] = onboarding.activation_codes_issue(employees=[newcomer], issued_by=org_world.hr_admin_a)

    assert activate(client, newcomer.nip, code).status_code == 302

    assert_error(token_call(key), 401, "token_revoked")
    assert Notification.objects.filter(recipient=newcomer.user, kind="password_changed").exists()


def test_a_new_user_with_a_password_is_not_told_of_a_change(org_world):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    assert not Notification.objects.filter(recipient=user, kind="password_changed").exists()


# ---------------------------------------------------------------------------- failed logins


def login_from(client, address, login, password):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_do_not_lock_the_owner_out(client, org_world, settings, monkeypatch):
    from django.test import Client

    settings.LOGIN_FAILURE_DELAY_SECONDS = 0.5
    slept = []
    monkeypatch.setattr(time, "sleep", slept.append)
    owner = org_world.employee_a
    for _ in range(5):
        assert login_from(client, "198.51.100.66", owner.username, "tebak-tebakan-1").status_code == 200
    assert slept == [0.5] * 5  # each wrong password was answered late

    # The guesser's address is stopped, even with the right password ...
    assert login_from(client, "198.51.100.66", owner.username, PERSONA_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # ... the owner, from their own address, is not.
    owner_client = Client()
    response = login_from(owner_client, "203.0.113.10", owner.username, PERSONA_PASSWORD)
    assert response.status_code == 302
    assert owner_client.session["_auth_user_id"] == str(owner.pk)


def test_the_owner_is_told_once_after_five_failures(client, org_world):
    owner = org_world.employee_a
    for n in range(8):
        login_from(client, f"198.51.100.{n}", owner.username, "tebak-tebakan-1")
    [notice] = Notification.objects.filter(recipient=owner, kind="login_failures")
    assert "198.51.100.4" in notice.body
    assert "5" in notice.body


def test_failures_for_an_unknown_login_tell_nobody(client, org_world):
    before = Notification.objects.filter(kind="login_failures").count()
    for _ in range(5):
        login_from(client, "198.51.100.7", "tidak-ada-orangnya", "tebak-tebakan-1")
    assert Notification.objects.filter(kind="login_failures").count() == before


# ---------------------------------------------------------------------------- token creation asks again


def test_creating_a_token_asks_for_the_password_again_after_an_old_sign_in(client, org_world):
    user = org_world.employee_a
    client.force_login(user)  # a session without a recent sign-in

    response = client.post(reverse("token-list"), {"name": "skrip", "expires_in_days": 30})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=user).exists()
    # The password again: allauth replays the kept request and the key is shown once.
    done = client.post(response["Location"], {"password": PERSONA_PASSWORD})
    assert done.status_code == 200
    assert 'id="new-token-key">fw_' in done.content.decode()
    assert ApiToken.objects.filter(user=user, name="skrip").count() == 1


def test_a_recent_sign_in_counts_as_recent(client, org_world):
    user = org_world.employee_a
    client.force_login(user)
    recently_signed_in(client, user)
    response = client.post(reverse("token-list"), {"name": "skrip", "expires_in_days": 30})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=user, name="skrip").exists()


def test_the_list_itself_asks_for_nothing(client, org_world):
    client.force_login(org_world.employee_a)
    assert client.get(reverse("token-list")).status_code == 200


def test_an_enrolled_user_may_confirm_with_the_authenticator_app(client, org_world):
    user = org_world.employee_a
    secret = totp_enrol(user)
    client.force_login(user)
    response = client.post(reverse("token-list"), {"name": "skrip", "expires_in_days": 30})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert reverse("mfa_reauthenticate") in page  # the authenticator app is offered besides the password

    done = client.post(f"{reverse('mfa_reauthenticate')}?next={reverse('token-list')}", {"code": totp_code(secret)})

    assert done.status_code == 200
    assert ApiToken.objects.filter(user=user, name="skrip").count() == 1
