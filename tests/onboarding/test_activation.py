"""First login with NIP + activation code; HR reissues codes, e-mails links and resets MFA."""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.utils import timezone

from flexwork.onboarding import services
from flexwork.onboarding.models import AccountAction, ActivationCode
from flexwork.onboarding.services import activation_code_normalise
from flexwork.outbox.models import OutboxMessage
from tests.accounts.conftest import recently_signed_in
from tests.onboarding.conftest import employees_csv

NEW_PASSWORD = "kopi-susu-hangat-77"


@pytest.fixture
def imported(org_world, good_rows):
    batch = services.import_preview(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=employees_csv(good_rows),
        name="p.csv",
        uploaded_by=org_world.hr_admin_a,
    )
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    from flexwork.org.models import Employee

    return Employee.objects.select_related("user").get(nip=good_rows[0][0])


def activate(client, nip, code, password=NEW_PASSWORD):
    return client.post("/activate/", {"nip": nip, "code": code, "password1": password, "password2": password})


def test_a_good_code_sets_the_password_and_logs_in(client, org_world, imported):
    [(_employee, code)] = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)
    response = activate(client, imported.nip, code.lower().replace("-", " "))
    assert response.status_code == 302
    assert response["Location"] == "/"
    imported.user.refresh_from_db()
    assert imported.user.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # logged in
    assert AccountAction.objects.filter(employee=imported, kind="ACTIVATED").exists()
    # The code is used up.
    client.logout()
    again = activate(client, imported.nip, code, password="another-long-pass-99")
    assert again.status_code == 400
    assert "already used" in again.content.decode() or "sudah" in again.content.decode()


def test_wrong_codes_change_nothing(client, org_world, imported):
    activation = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)[0][1]
    response = activate(client, imported.nip, "AAAA-BBBB-CCCC")
    assert response.status_code == 400
    imported.user.refresh_from_db()
    assert not imported.user.has_usable_password()
    assert ActivationCode.objects.get(employee=imported).used_at is None
    # A weak password is refused and the code stays usable.
    weak = activate(client, imported.nip, activation, password="12345")
    assert weak.status_code == 400
    assert ActivationCode.objects.get(employee=imported).used_at is None


def test_expired_and_replaced_codes_are_refused(client, org_world, imported):
    [(_e, old)] = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)
    [(_e, new)] = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)
    assert activate(client, imported.nip, old).status_code == 400
    ActivationCode.objects.filter(employee=imported).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
        created_at=timezone.now() - datetime.timedelta(days=8),
    )
    response = activate(client, imported.nip, new)
    assert response.status_code == 400
    assert "expired" in response.content.decode() or "kedaluwarsa" in response.content.decode()
    imported.user.refresh_from_db()
    assert not imported.user.has_usable_password()


def test_wrong_tries_are_rate_limited_per_nip(client, org_world, imported):
    [(_e, code)] = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)
    for _ in range(5):
        assert activate(client, imported.nip, "WRONG-CODE-0000").status_code == 400
    response = activate(client, imported.nip, code)
    assert response.status_code == 429
    imported.user.refresh_from_db()
    assert not imported.user.has_usable_password()


def test_mfa_required_users_are_sent_to_enrolment_after_activation(client, org_world, imported):
    imported.user.mfa_required = True
    imported.user.save(update_fields=["mfa_required"])
    [(_e, code)] = services.activation_codes_issue(employees=[imported], issued_by=org_world.hr_admin_a)
    assert activate(client, imported.nip, code).status_code == 302
    assert client.get("/").url.endswith("/accounts/2fa/totp/activate/")


def test_hr_emails_a_link_and_resets_mfa_with_an_audit_row(
    client, org_world, imported, django_capture_on_commit_callbacks
):
    client.force_login(org_world.hr_admin_a)
    url = f"/hr/employees/{imported.id}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "send_link"}).status_code == 302
    assert AccountAction.objects.get(employee=imported, kind="LINK_SENT").actor == org_world.hr_admin_a
    [message] = [m for m in mail.outbox if imported.user.email in m.to]
    link = re.search(r"http://testserver/activate/\?\S+", message.body).group(0)
    code = parse_qs(urlparse(link).query)["code"][0]
    # The code is in the e-mail only: not in the stored notification, its context or the outbox row.
    notice = imported.user.notifications.get(kind="activation_link")
    stored = f"{notice.title} {notice.body} {notice.context}"
    assert code not in stored and activation_code_normalise(code) not in stored
    assert "/activate/?" not in stored
    assert not any(code in str(payload) for payload in OutboxMessage.objects.values_list("payload", flat=True))

    Authenticator.objects.create(user=imported.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    recently_signed_in(client, org_world.hr_admin_a)  # the MFA reset asks for a recent sign-in
    assert client.post(f"{url}mfa-reset/", {"reason": "lost phone"}).status_code == 302
    assert not Authenticator.objects.filter(user=imported.user).exists()
    assert AccountAction.objects.get(employee=imported, kind="MFA_RESET").actor == org_world.hr_admin_a
    assert imported.user.notifications.filter(kind="mfa_reset_by_hr").exists()

    # The link's code activates the account once.
    client.logout()
    assert activate(client, imported.nip, code).status_code == 302
    imported.user.refresh_from_db()
    assert imported.user.check_password(NEW_PASSWORD)
    assert activate(client, imported.nip, code, password="another-long-pass-99").status_code == 400


def test_hr_prints_and_exports_codes_for_a_unit(client, org_world, imported):
    client.force_login(org_world.hr_admin_a)
    page = client.post("/hr/activation-codes/", {"unit": org_world.sec_a.id, "format": "html"})
    assert page.status_code == 200
    html = page.content.decode()
    assert imported.nip in html and imported.name in html
    assert org_world.employee_a.employee.nip not in html  # already has a password
    assert ActivationCode.objects.filter(employee__unit=org_world.sec_a, invalidated_at__isnull=True).count() == 3
    export = client.post("/hr/activation-codes/", {"unit": org_world.sec_a.id, "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("kode_unit,unit,nip,nama,kode_aktivasi")
    assert len(lines) == 4
    # Reissuing invalidated the printed codes: one live code each.
    assert ActivationCode.objects.filter(employee=imported, invalidated_at__isnull=True).count() == 1
