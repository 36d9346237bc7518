"""Browser journey of reports and dashboards on a 360 px phone, axe on every page: HR asks
for last month's compliance report, watches it finish, downloads the XLSX and looks at the
dashboard's charts; a unit head sees only their subtree."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone

from flexwork.common.calendar import today_in
from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e


def check(page, name: str) -> None:
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def last_month_rows(org_world):
    from attendance.models import DayStatus

    first = today_in(org_world.agency_a.time_zone).replace(day=1)  # the office month
    day = (first - datetime.timedelta(days=1)).replace(day=1)
    rows = []
    while day < first:
        if day.isoweekday() <= 5:
            for user in (org_world.employee_a, org_world.supervisor_a, org_world.hr_admin_a):
                employee = user.employee
                rows.append(
                    DayStatus(
                        agency=employee.agency,
                        employee=employee,
                        local_date=day,
                        location="OFFICE",
                        required_minutes=450,
                        credited_minutes=450 if day.day % 7 else 0,
                        worked_minutes=450 if day.day % 7 else 0,
                        absence=None if day.day % 7 else "TK",
                        arrival="H" if day.day % 7 else None,
                        unit=employee.unit,
                        computed_at=timezone.now(),
                    )
                )
        day += datetime.timedelta(days=1)
    DayStatus.objects.bulk_create(rows)


@pytest.mark.django_db(transaction=True)
def test_hr_runs_the_monthly_report_and_a_unit_head_sees_only_their_subtree(live_server, browser, org_world):
    last_month_rows(org_world)

    hr = login(browser, live_server, org_world.hr_admin_a, accept_downloads=True)
    hr.goto(live_server.url + "/reports/")
    hr.wait_for_url("**/reports/")
    check(hr, "reports-list")
    hr.locator("main form button[type=submit]").click()  # defaults: compliance, last month, whole agency
    hr.wait_for_url("**/reports/*/")
    hr.wait_for_selector(".status-done", timeout=20000)
    check(hr, "reports-detail")
    hr.set_viewport_size({"width": 1366, "height": 768})  # HR on an office PC
    axe(hr)
    screenshot(hr, "reports-detail-desktop")
    hr.set_viewport_size({"width": 390, "height": 844})
    assert hr.locator("a[href$='/download/xlsx/']").count() == 1
    with hr.expect_download() as info:
        hr.locator("a[href$='/download/xlsx/']").click()
    data = open(info.value.path(), "rb").read()  # noqa: SIM115, PTH123
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/detail.xml").decode()
    assert org_world.employee_a.employee.nip in sheet and "A-HR" in sheet
    assert "Checksum" not in hr.locator("main").inner_text()  # small print of the PDF and the API only
    assert hr.locator("a[href$='/download/excel/']").count() == 1

    hr.goto(live_server.url + "/dashboard/")
    assert hr.locator("svg.chart").count() >= 3
    compliance = hr.locator("#p-compliance").locator("..")
    compliance.locator("summary").click()  # the chart's numbers, in a table under it
    assert "Subbagian Kepegawaian A" in compliance.inner_text()
    check(hr, "dashboard-hr")
    assert not hr.csp_errors

    head = login(browser, live_server, org_world.unit_head_a, accept_downloads=True)
    head.goto(live_server.url + "/reports/")
    options = head.locator("#id_unit option").all_inner_texts()
    # Names in tree order, the section indented under its division; no codes.
    assert [o.strip() for o in options] == [org_world.div_a.name, org_world.sec_a.name]
    assert options[1].startswith("\u2003")
    check(head, "reports-unit-head")
    head.goto(live_server.url + "/dashboard/")
    body = head.locator("main").inner_text()
    assert "Bidang A" in body and "Subbagian Kepegawaian A" not in body
    check(head, "dashboard-unit-head")
    assert not head.csp_errors
