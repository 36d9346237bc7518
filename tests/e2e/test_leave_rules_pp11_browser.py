"""The remaining leave rules of PP 11/2017 as a user meets them (docs/rules.md §9), on a 390×844 phone
in Indonesian and English, with axe: long leave for a first hajj without its statement is refused under
the file field, naming the regulation; HR sees the sick-leave and abroad numbers on the policy page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_in, look

pytestmark = pytest.mark.e2e

START = datetime.date(2027, 3, 29)
TEXT = {
    "id": {"hajj": "haji pertama", "abroad": "Hari kerja pemberitahuan sebelum cuti di luar negeri", "group": "Cuti"},
    "en": {"hajj": "first hajj", "abroad": "Working days of notice before any leave abroad", "group": "Leave"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_long_leave_for_a_first_hajj_asks_for_its_statement(live_server, browser, org_world, language):
    from attendance.models import LeaveRequest

    employee = org_world.employee_a.employee
    employee.service_start_date = datetime.date(2025, 1, 1)  # under five years: the hajj is the exception
    employee.save(update_fields=["service_start_date"])
    page = login_in(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/attendance/requests/")

    page.select_option("#id_leave-kind", "CB")
    expect(page.locator("#id_leave-sub_reason")).to_be_visible()
    expect(page.locator("#id_leave-evidence")).to_be_visible()
    page.fill("#id_leave-date_from", str(START))
    page.fill("#id_leave-date_to", str(START + datetime.timedelta(days=30)))
    page.select_option("#id_leave-sub_reason", "HAJJ")
    page.locator("#leave-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    expect(page.locator("#leave-form")).to_contain_text(TEXT[language]["hajj"])
    assert not LeaveRequest.objects.filter(kind="CB").exists()
    look(page, "leave-cb-hajj-refused", language)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_hr_sees_the_sick_leave_and_abroad_numbers_on_the_policy_page(live_server, browser, org_world, language):
    page = login_in(browser, live_server, org_world.hr_admin_a, language)
    page.goto(live_server.url + "/hr/policy/")
    page.locator("summary", has_text=TEXT[language]["group"]).click()
    expect(page.locator("body")).to_contain_text(TEXT[language]["abroad"])
    expect(page.get_by_text(TEXT[language]["abroad"])).to_be_visible()
    expect(page.locator('[name="cs_max_days"]')).to_have_value("365")
    look(page, "policy-leave-numbers", language)
