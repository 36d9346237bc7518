"""Browser journey of annual leave on a 390×844 phone, in Indonesian and in English, with axe on every
page: the employee sees her balance on the home page, asks for 3 days of annual leave (the form shows the
balance before and after as the dates are chosen) and sees the days held; the supervisor recommends, the
unit head approves; HR's balance page shows the days taken.

With E2E_SCREENSHOTS=<dir> every page is also kept at 1366×768."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_in, look

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MONDAY = datetime.date(2027, 3, 1)
TEXT = {
    "id": {"card": "Saldo cuti tahunan {year}: 12 hari", "counts": "Pengajuan ini dihitung 3 hari kerja.",
           "held": "3 hari ditahan", "sent": "Recommend", "left": "Sisa 9 hari"},
    "en": {"card": "Annual leave {year}: 12 days left", "counts": "This request counts 3 working days.",
           "held": "3 days are held", "sent": "Recommend", "left": "9 days left"},
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_annual_leave_from_the_balance_to_the_debit(live_server, browser, org_world, language):
    from leave import services
    from leave.selectors import balance_for

    employee = org_world.employee_a.employee
    for year in (MONDAY.year,):
        services.ensure_year(employee=employee, year=year)
    text = TEXT[language]

    page = login_in(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/")
    look(page, "home-balance", language)

    page.goto(live_server.url + "/attendance/requests/")
    page.select_option("#id_leave-kind", "CT")
    expect(page.locator("#id_leave-evidence")).to_be_hidden()
    page.fill("#id_leave-date_from", str(MONDAY))
    page.fill("#id_leave-date_to", str(MONDAY + datetime.timedelta(days=2)))
    page.locator("#id_leave-date_to").dispatch_event("change")
    expect(page.locator("#leave-preview-result")).to_contain_text(text["counts"])
    look(page, "leave-form-preview", language)
    page.locator("#leave-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    assert balance_for(employee_id=employee.id, year=MONDAY.year).held == 3
    page.goto(live_server.url + f"/leave/balance/?year={MONDAY.year}")
    expect(page.locator("main")).to_contain_text(text["left"])
    look(page, "my-balance-held", language)
    page.context.close()

    supervisor = login_in(browser, live_server, org_world.supervisor_a, language)
    supervisor.goto(live_server.url + "/attendance/requests/")
    supervisor.locator("button[name=action][value=recommend]").first.click()
    supervisor.wait_for_load_state()
    supervisor.context.close()
    head = login_in(browser, live_server, org_world.unit_head_a, language)
    head.goto(live_server.url + "/attendance/requests/")
    head.locator("button[name=action][value=approve]").first.click()
    head.wait_for_load_state()
    head.context.close()
    assert balance_for(employee_id=employee.id, year=MONDAY.year).used == 3

    hr = login_in(browser, live_server, org_world.hr_admin_a, language)
    hr.goto(live_server.url + f"/hr/leave-balances/?unit={org_world.sec_a.id}&year={MONDAY.year}")
    expect(hr.locator(f"#employee-{employee.id}")).to_contain_text("3")
    look(hr, "hr-balances", language)
    hr.goto(live_server.url + "/hr/leave-balances/import/")
    look(hr, "hr-import", language)
    hr.context.close()
