"""Browser journey of annual leave on a 390×844 phone, in Indonesian and in English, with axe on every
page: the employee sees her balance on the home page, asks for 3 days of annual leave (the form shows the
balance before and after as the dates are chosen) and sees the days held; the supervisor recommends, the
unit head approves; HR's balance page shows the days taken; at last the employee opens her allowance
deductions from the menu and reads last month's cuts, line by line, in words.

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
           "held": "3 hari ditahan", "sent": "Recommend", "left": "Sisa 9 hari",
           "menu": "Potongan tunjangan saya", "late": "Terlambat 31–60 menit", "none": "Tidak presensi masuk"},
    "en": {"card": "Annual leave {year}: 12 days left", "counts": "This request counts 3 working days.",
           "held": "3 days are held", "sent": "Recommend", "left": "9 days left",
           "menu": "My allowance deductions", "late": "Late 31–60 minutes", "none": "No check-in"},
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

    # Last month, as the office calendar has it: one day late (TL2) and one without a check-in.
    from flexwork.common.calendar import office_today
    from tests.allowances.conftest import month_write

    first = (office_today(employee).replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    days = [first + datetime.timedelta(days=n) for n in range(31)]
    working = [day for day in days if day.month == first.month and day.isoweekday() <= 5]
    month_write(employee, {working[1]: {"arrival": "TL2"}, working[3]: {"arrival": "HKD"}}, days=working)
    page = login_in(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/")
    page.locator(".tabbar details.menu summary, .tabbar details summary").first.click()
    page.get_by_role("link", name=text["menu"]).first.click()
    page.wait_for_load_state()
    lines = page.locator(".allowance-lines")
    expect(lines).to_be_visible()
    expect(lines).to_contain_text(text["late"])
    expect(lines).to_contain_text(text["none"])
    look(page, "allowance-last-month", language)
    page.context.close()
