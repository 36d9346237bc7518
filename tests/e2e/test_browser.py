import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.accounts.factories import PASSWORD, UserFactory
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, assert_fits_phone, axe, screenshot

pytestmark = pytest.mark.e2e


def test_chromium_launches(playwright_instance):
    # Fails, never skips: without the browser no page of FlexWork has been looked at.
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.set_content("<title>ok</title><p>ok</p>")
        assert page.title() == "ok"
    finally:
        browser.close()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def html_lang(page) -> str:
    return page.get_attribute("html", "lang")


def check(page, language: str) -> None:
    assert html_lang(page) == language, page.url
    assert_fits_phone(page)
    axe(page)
    path = page.url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
    screenshot(page, f"{path}-{language}")


def check_both_languages(page, live_server, language: str) -> None:
    """axe on this page in the current language, then in the other one (through the language
    cookie, as the switch sets it), then back. For pages reached by GET only."""
    other = "en" if language == "id" else "id"
    check(page, language)
    for lang in (other, language):
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
        page.reload()
        check(page, lang)


@pytest.mark.django_db(transaction=True)
def test_a_new_hr_admin_enrols_mfa_makes_a_token_and_logs_out(live_server, phone_page):
    user = UserFactory(mfa_required=True, first_name="Dewi", last_name="Lestari")
    page = phone_page

    # 1. The start page sends an anonymous visitor to the login page, in Indonesian.
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    check_both_languages(page, live_server, "id")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()

    # 2. Logged in, but MFA is compulsory for her: she lands on the authenticator set-up.
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    check(page, "id")

    # 3. She switches to English with the switch of the "More" menu and stays on the same page.
    page.locator("nav.tabbar details.more summary").click()
    page.locator("nav.tabbar .language-switch button[value=en]").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    check(page, "en")
    assert page.get_by_role("heading", level=1).is_visible()

    # 4. Any other page still sends her back here.
    page.goto(live_server.url + "/profile/")
    assert page.url.endswith("/accounts/2fa/totp/activate/")
    check(page, "en")

    # 5. She types the secret into her app and enters the code it shows.
    secret = page.locator("#authenticator-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret)
    page.fill("#id_code", totp_code(secret))
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    check_both_languages(page, live_server, "en")

    # 6. Now the site is open: start page, profile, tokens.
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/"
    assert "Dewi Lestari" in page.content()
    check_both_languages(page, live_server, "en")
    page.goto(live_server.url + "/profile/")
    check_both_languages(page, live_server, "en")
    page.goto(live_server.url + "/accounts/2fa/")
    check_both_languages(page, live_server, "en")
    page.goto(live_server.url + "/profile/tokens/")
    check_both_languages(page, live_server, "en")

    # 7. She makes a token and sees its key once.
    page.fill("#id_name", "attendance script")
    page.locator("#id_expires_in_days").fill("30")
    page.get_by_role("button", name="Create token").click()
    key = page.locator("#new-token-key").inner_text().strip()
    assert key.startswith("fw_")
    assert page.locator("#new-token-curl").inner_text().count(key) == 1
    check(page, "en")
    page.goto(live_server.url + "/profile/tokens/")
    assert key not in page.content()
    assert "attendance script" in page.content()

    # 8. She logs out from the "More" menu.
    page.locator("nav.tabbar details.more summary").click()
    page.locator("nav.tabbar").get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/**")
    check(page, "en")
    page.goto(live_server.url + "/profile/")
    assert "/accounts/login/" in page.url


@pytest.mark.django_db(transaction=True)
def test_the_other_allauth_pages_are_accessible_in_both_languages(live_server, phone_page):
    from tests.accounts.conftest import totp_enrol

    user = UserFactory()
    secret = totp_enrol(user)
    page = phone_page

    # Password reset: request, then "sent".
    page.goto(live_server.url + "/accounts/password/reset/")
    check_both_languages(page, live_server, "id")
    page.fill("#id_email", user.email)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    check_both_languages(page, live_server, "id")

    # Login of an enrolled user asks for the code.
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    check_both_languages(page, live_server, "id")
    page.fill("#id_code", totp_code(secret))
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")

    # Turning the app off, and the logout confirmation page.
    page.goto(live_server.url + "/accounts/2fa/totp/deactivate/")
    check_both_languages(page, live_server, "id")
    page.goto(live_server.url + "/accounts/logout/")
    check_both_languages(page, live_server, "id")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + "/**")
    assert "/accounts/login/" in page.url
