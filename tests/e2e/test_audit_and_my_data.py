"""Browser journey on a phone (390×844), in Indonesian and English, with axe on every page: HR filters
the agency's audit log and exports it; Pegawai A opens My data from the profile and downloads the JSON;
HR then finds that download in the log."""

from __future__ import annotations

import csv
import io
import json

import pghistory
import pytest

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e


def look(page, name: str, language: str) -> None:
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def set_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _hr_renames(org_world) -> None:
    employee = org_world.employee_a.employee
    employee.name = "Pegawai A Putri"
    with pghistory.context(user=org_world.hr_admin_a.pk, url=f"/hr/employees/{employee.id}/"):
        employee.save(update_fields=["name", "updated_at"])


@pytest.mark.django_db(transaction=True)
def test_hr_filters_and_exports_the_log_and_an_employee_downloads_their_data(live_server, browser, org_world):
    _hr_renames(org_world)

    # 1. HR filters the log, in Indonesian: changes of employee records about Pegawai A.
    hr = login(browser, live_server, org_world.hr_admin_a)
    hr.goto(f"{live_server.url}/hr/")
    hr.locator('main a[href="/hr/audit/"]').first.click()
    hr.wait_for_load_state()
    look(hr, "audit-phone-id", "id")
    hr.locator("summary", has_text="Saring log").click()  # folded on a phone while it shows rows
    hr.fill("#id_about", "Pegawai A")
    hr.select_option("#id_what", "org.employee:update")
    hr.get_by_role("button", name="Saring").click()
    hr.wait_for_load_state()
    table = hr.locator("#audit-table").inner_text()
    assert "Data pegawai diubah" in table and "Pegawai A Putri" in table and "Admin SDM A" in table
    look(hr, "audit-filtered-phone-id", "id")

    with hr.expect_download() as download_info:
        hr.locator("#audit-export-excel").click()
    raw = open(download_info.value.path(), "rb").read()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Waktu" and any(row[1] == "Data pegawai diubah" for row in rows[1:])

    # The same page in English.
    set_language(hr, live_server, "en")
    hr.reload()
    assert "Employee record changed" in hr.locator("#audit-table").inner_text()
    look(hr, "audit-filtered-phone-en", "en")

    # 2. Pegawai A opens My data from the profile (English) and downloads the JSON.
    employee = login(browser, live_server, org_world.employee_a)
    set_language(employee, live_server, "en")
    employee.goto(f"{live_server.url}/profile/")
    employee.locator("#profile-my-data").click()
    employee.wait_for_load_state()
    assert employee.locator("h1").inner_text() == "My data"
    assert "Pegawai A Putri" in employee.locator("main").inner_text()
    look(employee, "my-data-phone-en", "en")
    with employee.expect_download() as download_info:
        employee.locator("#my-data-download").click()
    body = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert body["employee"]["name"] == "Pegawai A Putri"
    assert body["generated_at"].endswith("+08:00")

    set_language(employee, live_server, "id")
    employee.reload()
    assert employee.locator("h1").inner_text() == "Data saya"
    look(employee, "my-data-phone-id", "id")

    # 3. HR finds the download in the log (Indonesian).
    set_language(hr, live_server, "id")
    hr.goto(f"{live_server.url}/hr/audit/?what=accounts.personaldatadownload:insert")
    table = hr.locator("#audit-table").inner_text()
    assert "Data pribadi diunduh" in table and "Pegawai A Putri" in table
    look(hr, "audit-download-phone-id", "id")

    # The wide screen, to look at.
    wide = login(browser, live_server, org_world.hr_admin_a, viewport=DESKTOP)
    wide.goto(f"{live_server.url}/hr/audit/")
    axe(wide)
    screenshot(wide, "audit-desktop-id")
    for page in (hr, employee, wide):
        assert not page.csp_errors, page.csp_errors
