"""An employee's first login on a phone and on an office PC, in Indonesian and in English: the login
page names the NIP and links to activation, the greeting names the person, the home page's first
steps are ticked as they are done and close for good; the profile shows the name."""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, assert_fits_phone, axe, screenshot

pytestmark = pytest.mark.e2e


def look(page, name: str, viewport: dict) -> None:
    if viewport == PHONE:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("language, words", [("id", "Langkah awal"), ("en", "First steps")])
@pytest.mark.django_db(transaction=True)
def test_first_login_shows_the_name_and_the_first_steps(browser, live_server, org_world, viewport, language, words):
    user = org_world.employee_a
    name = user.employee.name
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    tag = f"{language}-{'phone' if viewport == PHONE else 'desktop'}"

    page.goto(live_server.url + "/accounts/login/")
    label = "NIP atau email" if language == "id" else "NIP or e-mail"
    assert page.locator("label[for=id_login]").inner_text().startswith(label)
    activate = page.locator("#login-activate a")
    assert activate.get_attribute("href") == "/activate/"
    look(page, f"login-{tag}", viewport)

    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert name in main and user.username not in main  # "Berhasil masuk sebagai Pegawai A."
    steps = page.locator("#first-steps")
    assert words in steps.inner_text()
    assert "Pasal 13(1)" in steps.inner_text()
    look(page, f"home-first-steps-{tag}", viewport)

    page.goto(live_server.url + "/profile/")
    assert page.locator("#profile-name").inner_text() == name
    look(page, f"profile-{tag}", viewport)

    # Choosing the language ticks its step; closing the box keeps it closed.
    page.goto(live_server.url + "/profile/")
    page.locator("section[aria-labelledby=profile-language] button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/")
    assert page.locator("#first-steps li.done").count() == 1
    page.locator("#first-steps button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#first-steps").count() == 0
    page.reload()
    assert page.locator("#first-steps").count() == 0
    context.close()
