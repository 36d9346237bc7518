"""Bad input on pages, in a 390×844 phone browser (and 1366×768), with axe: an address with an unusable
date shows today with a message (docs/rules.md §1 "Accepted dates"); a file over the evidence limit is
refused in the daily log form at once, and a page that sends one anyway gets a page naming the limit."""

import pytest

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

MESSAGES = {
    "id": {"date": "Masukkan tanggal antara tahun 1900 dan 2100.", "size": "lebih besar dari 10,0"},
    "en": {"date": "Enter a date between the years 1900 and 2100.", "size": "larger than 10.0"},
}


def _page(browser, live_server, user, language, **options):
    page = login(browser, live_server, user, locale="id-ID" if language == "id" else "en-GB", **options)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


def check(page, name: str, *, phone: bool = True) -> None:
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)
    assert not page.csp_errors, page.csp_errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_unusable_dates_in_the_address_show_today_with_a_message(live_server, browser, org_world, language):
    words = MESSAGES[language]
    employee = _page(browser, live_server, org_world.employee_a, language)
    for path in ("/schedule/?month=0001-01", "/attendance/month/?month=9999-12"):
        employee.goto(live_server.url + path)
        assert employee.locator("body").inner_text().count(words["date"]) >= 1, path
        check(employee, f"{language}-{path.strip('/').split('?')[0].replace('/', '-')}-bad-month")

    boss = _page(browser, live_server, org_world.supervisor_a, language)
    boss.goto(live_server.url + "/schedule/team/?date=9999-12-31&view=month")
    assert words["date"] in boss.locator("body").inner_text()
    check(boss, f"{language}-team-bad-date")

    hr = _page(browser, live_server, org_world.hr_admin_a, language, viewport=DESKTOP)
    hr.goto(live_server.url + "/dashboard/?date_to=9999-12-31")
    assert words["date"] in hr.locator("body").inner_text()
    check(hr, f"{language}-dashboard-bad-date-desktop", phone=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_file_over_the_limit_is_refused_in_the_log_form(live_server, browser, org_world, language):
    words = MESSAGES[language]
    page = _page(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/attendance/log/")
    evidence = page.locator("input[type=file][name=evidence]")
    assert evidence.get_attribute("data-max-bytes") == str(10 * 1024 * 1024)
    evidence.set_input_files(
        files=[{"name": "scan besar.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * (11 << 20)}]
    )
    alert = page.locator("[data-size-error]")
    alert.wait_for()
    assert words["size"] in alert.inner_text()
    assert evidence.evaluate("input => input.files.length") == 0  # nothing big is sent
    check(page, f"{language}-log-file-too-large")

    # A browser without the script (or a crafted form) still gets a page that says what to do.
    page.evaluate(
        """() => {
            const input = document.querySelector('input[type=file][name=evidence]');
            input.removeAttribute('data-max-bytes');
        }"""
    )
    evidence.set_input_files(
        files=[{"name": "scan besar.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * (12 << 20)}]
    )
    page.fill("#id_description", "Notulen")
    page.fill("#id_quantity", "1")
    page.fill("#id_unit_of_measure", "dokumen")
    page.fill("#id_minutes_spent", "30")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert words["size"] in page.locator("main").inner_text()
    check(page, f"{language}-log-413-page")

    desk = _page(browser, live_server, org_world.employee_a, language, viewport=DESKTOP)
    desk.goto(live_server.url + "/attendance/log/")
    desk.locator("input[type=file][name=evidence]").set_input_files(
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"0" * (11 << 20)}]
    )
    desk.locator("[data-size-error]").wait_for()
    check(desk, f"{language}-log-file-too-large-desktop", phone=False)
