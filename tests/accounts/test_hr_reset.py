"""Lost password or phone (docs/rules.md §7): HR's password reset code and HR's MFA reset, as attacks
and as the person who needs them."""

from __future__ import annotations

import re
import threading

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flexwork.accounts.models import ApiToken, PasswordResetCode
from flexwork.accounts.reset import RESET_MAX_FAILURES, password_reset_code_issue, reset_code_hash
from flexwork.accounts.services import api_token_create
from flexwork.onboarding.models import AccountAction
from flexwork.onboarding.services import activation_codes_issue
from flexwork.org import services as org_services
from flexwork.org.models import Role
from flexwork.outbox.models import OutboxMessage
from tests.accounts.conftest import recently_signed_in, totp_enrol
from tests.accounts.test_mfa import totp_code

pytestmark = pytest.mark.django_db

RESET_URL = reverse("password-reset-code")
NEW_PASSWORD = "pohon-rindang-sekali-77"
PERSONA_PASSWORD = "demo-pass-123"


def issue_url(employee) -> str:
    return reverse("hr-employee-password-reset", args=[employee.id])


def mfa_url(employee) -> str:
    return reverse("hr-employee-mfa-reset", args=[employee.id])


def hr_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return recently_signed_in(client, user)


def issue(client, employee) -> tuple[object, str | None]:
    seen = PasswordResetCode.objects.filter(employee=employee).order_by("-id").values_list("id", flat=True).first()
    response = client.post(issue_url(employee), {"seen_latest": seen or 0})
    match = re.search(r'id="new-reset-code">([A-Z0-9-]+)<', response.content.decode())
    return response, (match.group(1) if match else None)


def use(client, nip, code, password=NEW_PASSWORD, again=None):
    return client.post(RESET_URL, {"nip": nip, "code": code, "password1": password, "password2": again or password})


# ---------------------------------------------------------------------------- issuing a code


def test_hr_issues_a_code_shown_once_stored_hashed_and_told_to_the_person(org_world, sent_notifications):
    client = hr_client(org_world.hr_admin_a)
    employee = org_world.employee_a.employee
    response, code = issue(client, employee)
    assert response.status_code == 200
    assert code and "no-store" in response["Cache-Control"]
    row = PasswordResetCode.objects.get(employee=employee)
    assert row.code_hash == reset_code_hash(code) and code not in row.code_hash
    assert row.issued_by == org_world.hr_admin_a
    assert 23 * 3600 < (row.expires_at - row.created_at).total_seconds() <= 24 * 3600
    [notice] = [c for c in sent_notifications if c["kind"] == "password_reset_code_issued"]
    assert notice["recipient"] == org_world.employee_a
    assert code not in str(notice["context"])
    # Audited with the real actor: the history row's context names HR.
    event = row.events.order_by("pgh_id").first()
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata.get("user") == org_world.hr_admin_a.pk
    # The employee page lists the code without showing it.
    page = client.get(reverse("hr-employee-detail", args=[employee.id])).content.decode()
    assert code not in page and "Admin SDM A" in page


def test_a_new_code_replaces_the_old_one(org_world):
    client = hr_client(org_world.hr_admin_a)
    employee = org_world.employee_a.employee
    _response, first = issue(client, employee)
    _response, second = issue(client, employee)
    assert first != second
    anonymous = Client()
    response = use(anonymous, employee.nip, first)
    assert response.status_code == 400
    assert "replaced" in response.content.decode() or "diganti" in response.content.decode()
    assert use(anonymous, employee.nip, second).status_code == 302


def test_a_double_tap_issues_one_code(org_world):
    client = hr_client(org_world.hr_admin_a)
    employee = org_world.employee_a.employee
    first = client.post(issue_url(employee), {"seen_latest": 0})
    second = client.post(issue_url(employee), {"seen_latest": 0})
    assert first.status_code == 200 and second.status_code == 409
    assert PasswordResetCode.objects.filter(employee=employee).count() == 1


def test_it_hides_other_agencies(org_world):
    client = hr_client(org_world.hr_admin_b)
    employee = org_world.employee_a.employee
    assert client.post(issue_url(employee), {"seen_latest": 0}).status_code == 404
    assert client.get(mfa_url(employee)).status_code == 404
    assert client.post(mfa_url(employee), {"reason": "x"}).status_code == 404
    assert not PasswordResetCode.objects.filter(employee=employee).exists()


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a"])
def test_it_forbids_non_hr(org_world, persona):
    user = getattr(org_world, persona)
    client = hr_client(user)
    target = org_world.employee_a.employee  # in each one's scope (the employee's scope is themself)
    assert client.post(issue_url(target), {"seen_latest": 0}).status_code == 403
    assert client.get(mfa_url(target)).status_code == 403
    assert not PasswordResetCode.objects.filter(employee=target).exists()


def test_nobody_resets_themselves_here(org_world):
    hr = org_world.hr_admin_a
    client = hr_client(hr)
    assert client.post(issue_url(hr.employee), {"seen_latest": 0}).status_code == 403
    totp_enrol(hr)
    assert client.post(mfa_url(hr.employee), {"reason": "lost"}).status_code == 403
    assert Authenticator.objects.filter(user=hr).exists()


def test_a_second_hr_admin_resets_an_hr_admin_and_the_agency_head(org_world):
    second = org_world.supervisor_a
    org_services.role_assign(agency=org_world.agency_a, user=second, role=Role.HR_ADMIN)
    client = hr_client(second)
    assert client.post(issue_url(org_world.hr_admin_a.employee), {"seen_latest": 0}).status_code == 200
    assert client.post(issue_url(org_world.agency_head_a.employee), {"seen_latest": 0}).status_code == 200


def test_a_code_needs_a_recent_reauthentication(org_world):
    client = Client()
    client.force_login(org_world.hr_admin_a)  # no sign-in record: a session left open
    response = client.post(issue_url(org_world.employee_a.employee), {"seen_latest": 0})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not PasswordResetCode.objects.filter(employee=org_world.employee_a.employee).exists()
    response = client.post(mfa_url(org_world.employee_a.employee), {"reason": "lost"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_an_account_never_activated_gets_an_activation_code_instead(org_world):
    user = org_world.employee_a
    user.set_unusable_password()
    user.save(update_fields=["password"])
    response = hr_client(org_world.hr_admin_a).post(issue_url(user.employee), {"seen_latest": 0})
    assert response.status_code == 409


# ---------------------------------------------------------------------------- using a code


def test_the_code_sets_the_password_revokes_tokens_and_other_sessions_and_tells_the_person(
    org_world, sent_notifications
):
    person = org_world.employee_a
    _token, _key = api_token_create(user=person, name="script")
    elsewhere = Client()
    elsewhere.force_login(person)
    assert elsewhere.get(reverse("profile")).status_code == 200
    _response, code = issue(hr_client(org_world.hr_admin_a), person.employee)

    anonymous = Client()
    response = use(anonymous, person.employee.nip, code)
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in anonymous.session  # never logged in by the code
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert elsewhere.get(reverse("profile")).status_code == 302  # the other session ended
    assert any(c["kind"] == "password_changed" and c["recipient"] == person for c in sent_notifications)
    row = PasswordResetCode.objects.get(employee=person.employee)
    assert row.used_at is not None


def test_a_used_code_is_409_and_changes_nothing(org_world):
    person = org_world.employee_a
    _response, code = issue(hr_client(org_world.hr_admin_a), person.employee)
    anonymous = Client()
    assert use(anonymous, person.employee.nip, code).status_code == 302
    assert use(anonymous, person.employee.nip, code, password="another-long-pass-99").status_code == 409
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)


def test_bad_input_is_a_form_error(org_world):
    person = org_world.employee_a
    _response, code = issue(hr_client(org_world.hr_admin_a), person.employee)
    anonymous = Client()
    assert use(anonymous, person.employee.nip, code, again="something-else-88").status_code == 400
    response = use(anonymous, person.employee.nip, code, password="12345678901")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert PasswordResetCode.objects.get(employee=person.employee).used_at is None


def test_an_expired_code_is_refused(org_world):
    person = org_world.employee_a
    _response, code = issue(hr_client(org_world.hr_admin_a), person.employee)
    PasswordResetCode.objects.filter(employee=person.employee).update(expires_at=timezone.now())
    assert use(Client(), person.employee.nip, code).status_code == 400
    person.refresh_from_db()
    assert person.check_password(PERSONA_PASSWORD)


def test_wrong_codes_are_rate_limited_per_nip_and_address(org_world):
    person = org_world.employee_a
    _response, code = issue(hr_client(org_world.hr_admin_a), person.employee)
    guesser = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(RESET_MAX_FAILURES):
        assert use(guesser, person.employee.nip, "AAAA-BBBB-CCCC").status_code == 400
    assert use(guesser, person.employee.nip, code).status_code == 429  # even the right code, from there
    # The owner, from another address, is not locked out.
    assert use(Client(REMOTE_ADDR="10.1.1.1"), person.employee.nip, code).status_code == 302


def test_attack_hr_cannot_get_into_an_enrolled_account_with_its_own_code(org_world):
    person = org_world.employee_a
    secret = totp_enrol(person)
    hr = hr_client(org_world.hr_admin_a)
    _response, code = issue(hr, person.employee)
    attacker = Client()
    assert use(attacker, person.employee.nip, code).status_code == 302
    assert "_auth_user_id" not in attacker.session
    # The new password alone is not a login: allauth asks for the authenticator app.
    response = attacker.post(reverse("account_login"), {"login": person.username, "password": NEW_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert attacker.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in attacker.session
    # The owner, with their phone, gets in.
    owner = Client()
    owner.post(reverse("account_login"), {"login": person.username, "password": NEW_PASSWORD})
    response = owner.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(person.pk)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_resets_with_one_code_write_once(org_world):
    person = org_world.employee_a
    row, code = password_reset_code_issue(employee=person.employee, actor=org_world.hr_admin_a)
    results = []

    def attempt(password):
        try:
            results.append(use(Client(), person.employee.nip, code, password=password).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(f"kata-sandi-baru-{n}-xyz",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [302, 409]


# ---------------------------------------------------------------------------- HR resets MFA


def test_hr_resets_mfa_with_a_reason_audited_and_told(org_world, sent_notifications):
    person = org_world.employee_a
    person.email = "pegawai.a@example.go.id"
    person.save(update_fields=["email"])
    totp_enrol(person)
    RecoveryCodes.activate(person)
    assert Authenticator.objects.filter(user=person).count() == 2
    client = hr_client(org_world.hr_admin_a)
    assert client.get(mfa_url(person.employee)).status_code == 200
    response = client.post(mfa_url(person.employee), {"reason": "Ponsel hilang, datang langsung"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=person).exists()
    action = AccountAction.objects.get(employee=person.employee, kind="MFA_RESET")
    assert action.actor == org_world.hr_admin_a
    assert action.detail["reason"] == "Ponsel hilang, datang langsung"
    [notice] = [c for c in sent_notifications if c["kind"] == "mfa_reset_by_hr"]
    assert notice["recipient"] == person
    notification = person.notifications.get(kind="mfa_reset_by_hr")
    assert "Ponsel hilang" in notification.body and "Admin SDM A" in notification.body
    # ... and by e-mail, since the person has an address (the outbox sends it).
    assert OutboxMessage.objects.filter(payload__notification_id=notification.id).exists()


def test_mfa_reset_needs_a_reason_and_a_repeat_is_409(org_world):
    person = org_world.employee_a
    totp_enrol(person)
    client = hr_client(org_world.hr_admin_a)
    assert client.post(mfa_url(person.employee), {"reason": "  "}).status_code == 400
    assert Authenticator.objects.filter(user=person).exists()
    assert client.post(mfa_url(person.employee), {"reason": "lost phone"}).status_code == 302
    assert client.post(mfa_url(person.employee), {"reason": "lost phone"}).status_code == 409
    assert AccountAction.objects.filter(employee=person.employee, kind="MFA_RESET").count() == 1


def test_after_an_mfa_reset_a_person_who_must_have_mfa_enrols_again(org_world):
    person = org_world.hr_admin_a  # HR admins of agency A must have MFA when the agency says so
    second = org_world.supervisor_a
    org_services.role_assign(agency=org_world.agency_a, user=second, role=Role.HR_ADMIN)
    person.mfa_required = True
    person.save(update_fields=["mfa_required"])
    totp_enrol(person)
    assert hr_client(second).post(mfa_url(person.employee), {"reason": "new phone"}).status_code == 302
    client = Client()
    response = client.post(reverse("account_login"), {"login": person.username, "password": PERSONA_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")


def test_the_employee_page_lists_its_history_in_words_and_links_to_the_audit_log(org_world):
    client = hr_client(org_world.hr_admin_a)
    employee = org_world.employee_a.employee
    page = client.get(reverse("hr-employee-detail", args=[employee.id])).content.decode()
    assert f'href="{reverse("hr-audit")}?object={employee.id}"' in page
    assert "Data pegawai dibuat" in page or "Employee record created" in page


# ---------------------------------------------------------------------------- activation, then enrolment


def test_enrolling_right_after_activation_does_not_ask_for_the_password_again(org_world):
    person = org_world.employee_a
    person.set_unusable_password()
    person.save(update_fields=["password"])
    [(_employee, code)] = activation_codes_issue(employees=[person.employee], issued_by=org_world.hr_admin_a)
    client = Client()
    response = client.post(
        reverse("activate"),
        {"nip": person.employee.nip, "code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # the enrolment form, not a reauthentication
    assert 'name="code"' in page.content.decode()
