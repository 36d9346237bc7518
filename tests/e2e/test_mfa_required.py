"""An HR admin already signed in when the agency starts requiring MFA for HR: the next HR page is the
authenticator enrolment, in both languages, and after enrolling the HR pages open again."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from flexwork.org import services as org_services
from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

ENROL_PATH = "/accounts/2fa/totp/activate/"


def check(page, language: str, name: str) -> None:
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, f"{name}-{language}")


@pytest.mark.django_db(transaction=True)
def test_switching_mfa_on_sends_a_signed_in_hr_admin_to_enrolment(live_server, browser, org_world):
    hr = org_world.hr_admin_a
    page = login(browser, live_server, hr)
    page.goto(live_server.url + "/hr/")
    assert page.url.endswith("/hr/")

    # Another HR admin (here: the service the policy page and API call) turns the switch on.
    org_services.policy_update(agency=org_world.agency_a, data={"mfa_required_for_hr": True})

    page.goto(live_server.url + "/hr/employees/")
    assert page.url.endswith(ENROL_PATH)
    main = page.locator("main")
    assert main.locator("h1").inner_text() == "Atur aplikasi autentikator"
    assert "Kebijakan instansi Anda mewajibkannya bagi admin SDM" in main.inner_text()
    check(page, "id", "mfa-required")

    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()
    text = page.locator("main").inner_text()
    assert "Your agency's policy requires it of HR administrators" in text
    assert page.locator("main h1").inner_text() == "Set up an authenticator app"
    check(page, "en", "mfa-required")

    desktop = page.context.browser.new_context(viewport=DESKTOP, locale="en-US")
    desktop.add_cookies(page.context.cookies())
    wide = desktop.new_page()
    wide.goto(live_server.url + "/hr/")
    assert wide.url.endswith(ENROL_PATH)
    screenshot(wide, "mfa-required-desktop-en")
    desktop.close()

    # Enrolling with the code the app shows opens the HR pages again (the desktop visit shared the
    # session, so the page is reloaded for the secret the session holds now).
    page.reload()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form.panel button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/hr/")
    assert page.url.endswith("/hr/")
    assert not page.csp_errors
    page.context.close()
