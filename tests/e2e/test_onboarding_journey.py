"""HR imports employees (fixing a bad row first), finds them, prints activation codes; an
employee activates their account with a code. Indonesian, phone-sized, axe on every page."""

import pytest

from tests.e2e.conftest import assert_fits_phone, axe
from tests.onboarding.conftest import employee_row, employees_csv, nip

pytestmark = pytest.mark.e2e

HR_PASSWORD = "demo-pass-123"  # tests.org.factories.EmployeeFactory
NEW_PASSWORD = "teh-manis-dingin-58"


def check(page) -> None:
    assert page.get_attribute("html", "lang") == "id", page.url
    assert_fits_phone(page)
    axe(page)


def upload(page, live_server, data: bytes) -> None:
    page.goto(live_server.url + "/hr/imports/")
    check(page)
    page.select_option("#id_kind", "EMPLOYEES")
    page.set_input_files("#id_file", files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": data}])
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_url("**/hr/imports/*/")
    check(page)


@pytest.mark.django_db(transaction=True)
def test_hr_imports_fixes_confirms_prints_codes_and_an_employee_activates(live_server, phone_page, org_world):
    page = phone_page
    hr = org_world.hr_admin_a

    # 1. HR logs in, in Indonesian.
    page.goto(live_server.url + "/accounts/login/")
    check(page)
    page.fill("#id_login", hr.username)
    page.fill("#id_password", HR_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.locator("nav.tabbar details.more summary").click()  # on a phone, HR is in the "More" menu
    page.locator("nav.tabbar a[href='/hr/']").click()
    page.wait_for_url("**/hr/")
    check(page)

    # 2. A file with a bad row: the preview names the row and the reason; nothing is imported.
    rows = [employee_row(1, name="Rina Impor"), employee_row(2, name="Sari Impor", unit="SALAH")]
    upload(page, live_server, employees_csv(rows))
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert "3" in errors.first.inner_text() and "SALAH" in errors.first.inner_text()
    assert page.locator("main form button[type=submit]").count() == 0  # no confirm button

    # 3. The corrected file previews clean and is confirmed.
    rows[1][4] = "A-SEC"
    upload(page, live_server, employees_csv(rows))
    assert page.locator("#import-errors").count() == 0
    page.locator("main form[action$='/'] button[type=submit]").last.click()
    page.wait_for_url("**/hr/imports/*/")
    check(page)
    assert page.locator(".message.success").count() == 1

    # 4. HR finds the new employees.
    page.goto(live_server.url + "/hr/employees/?q=Impor")
    check(page)
    assert page.get_by_text("Rina Impor").is_visible()
    assert page.get_by_text("Sari Impor").is_visible()

    # 5. HR prints the activation codes of the unit.
    page.goto(live_server.url + "/hr/activation-codes/")
    check(page)
    page.select_option("#codes-unit", str(org_world.sec_a.id))
    page.locator("main button[value=html]").click()
    page.wait_for_selector("#activation-codes")
    check(page)
    row = page.locator("#activation-codes tbody tr", has_text=nip(1))
    code = row.locator("code").inner_text().strip()
    assert len(code) == 14

    # 6. The employee activates the account with the code on their own phone.
    page.context.clear_cookies()
    page.goto(live_server.url + "/activate/")
    check(page)
    page.fill("#id_nip", nip(1))
    page.fill("#id_code", code)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    check(page)
    assert page.locator(".message.success").count() == 1
