"""A lost password, on phones, in Indonesian and in English: HR issues a reset code from the employee
page; the person sets a new password with it and still needs their authenticator app to log in. HR's
MFA reset page asks for a reason."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.accounts.conftest import totp_enrol
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "pohon-rindang-sekali-77"
WORDS = {
    "id": {
        "issue": "Terbitkan kode atur ulang kata sandi",
        "title": "Kode atur ulang kata sandi",
        "reset_title": "Buat kata sandi baru dengan kode dari Admin SDM",
        "saved": "Kata sandi baru Anda sudah disimpan",
        "mfa": "Atur ulang autentikasi dua faktor",
    },
    "en": {
        "issue": "Issue a password reset code",
        "title": "Password reset code",
        "reset_title": "Set a new password with a code from HR",
        "saved": "Your new password is set",
        "mfa": "Reset two-factor authentication",
    },
}


def look(page, name: str) -> None:
    if page.viewport_size == PHONE:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.django_db(transaction=True)
def test_hr_issues_a_code_and_the_person_resets_and_logs_in_with_totp(browser, live_server, org_world, language):
    words = WORDS[language]
    person = org_world.employee_a
    secret = totp_enrol(person)
    employee = person.employee

    hr = login(browser, live_server, org_world.hr_admin_a)
    hr.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    hr.on("dialog", lambda dialog: dialog.accept())
    hr.goto(f"{live_server.url}/hr/employees/{employee.id}/")
    assert hr.locator(f'a[href="/hr/audit/?object={employee.id}"]').count() == 1
    look(hr, f"reset-employee-page-{language}")
    hr.get_by_role("button", name=words["issue"]).click()
    hr.wait_for_load_state()
    assert hr.locator("main h1").inner_text() == words["title"]
    code = hr.locator("#new-reset-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    look(hr, f"reset-code-issued-{language}")

    # The MFA reset is a page of its own, with a reason.
    hr.goto(f"{live_server.url}/hr/employees/{employee.id}/mfa-reset/")
    assert hr.locator("main h1").inner_text() == words["mfa"]
    assert hr.locator("#id_reason").count() == 1
    look(hr, f"reset-mfa-page-{language}")
    assert not hr.csp_errors
    hr.context.close()

    context = browser.new_context(viewport=PHONE, locale="id-ID")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/reset/?nip={employee.nip}")
    assert page.locator("main h1").inner_text() == words["reset_title"]
    assert page.input_value("#id_nip") == employee.nip
    look(page, f"reset-form-{language}")
    page.fill("#id_code", code.lower())  # typed off a screen, in any case
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/login/")
    assert words["saved"] in page.locator("body").inner_text()
    look(page, f"reset-done-login-{language}")

    page.fill("#id_login", person.username)
    page.fill("#id_password", NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/authenticate/" in page.url  # the code did not replace the authenticator app
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/"
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_reset_pages_at_desktop_width(browser, live_server, org_world):
    hr = login(browser, live_server, org_world.hr_admin_a, viewport=DESKTOP, locale="en-US")
    hr.on("dialog", lambda dialog: dialog.accept())
    employee = org_world.employee_a.employee
    hr.goto(f"{live_server.url}/hr/employees/{employee.id}/")
    hr.locator("form[action$='/password-reset/'] button").click()
    hr.wait_for_load_state()
    assert hr.locator("#new-reset-code").count() == 1
    look(hr, "reset-code-issued-desktop")
    hr.goto(f"{live_server.url}/reset/")
    look(hr, "reset-form-desktop")
    hr.context.close()
