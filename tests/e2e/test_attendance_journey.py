"""Attendance journey in Chromium with a granted, faked geolocation (phone size, axe on every page):
on a home day an employee checks in from home and is inside the fence; the supervisor sees them in
"team today"; a colleague's check-in 5 km from the office is recorded and flagged, the colleague asks
for a correction and the supervisor (their decider) approves it."""

import zoneinfo

import pytest
from django.utils import timezone

from attendance.models import AttendanceCorrection, CheckEvent
from flexwork.org import services as org_services
from schedules.models import Location
from tests.attendance.conftest import OFFICE, north_of, schedule_day
from tests.e2e.conftest import PASSWORD, PHONE, assert_fits_phone, axe, screenshot
from tests.org.factories import EmployeeFactory

pytestmark = pytest.mark.e2e
HOME = (-5.135, 119.42)


def new_page(browser, live_server, position):
    context = browser.new_context(viewport=PHONE, locale="id-ID", geolocation=position)
    context.grant_permissions(["geolocation"], origin=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_errors = errors
    return page


def login(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def visit(page, live_server, path: str, name: str) -> None:
    page.goto(live_server.url + path)
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


@pytest.mark.django_db(transaction=True)
def test_check_in_team_today_flag_and_correction(live_server, browser, org_world):
    employee, supervisor = org_world.employee_a, org_world.supervisor_a
    # The supervisor heads the section as a decision level: they decide their staff's requests.
    org_services.unit_update(unit=org_world.sec_a, data={"head": supervisor.employee, "is_decision_level": True})
    org_services.employee_home_location_set(employee=employee.employee, latitude="-5.135000", longitude="119.420000")
    colleague = EmployeeFactory(
        agency=org_world.agency_a,
        unit=org_world.sec_a,
        position=org_world.position_a,
        supervisor=supervisor.employee,
        name="Pegawai A Dua",
    ).user
    today = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar")).date()
    schedule_day(employee, today, Location.HOME)

    # 1. On a home day the employee checks in from home: inside the fence.
    page = new_page(browser, live_server, {"latitude": HOME[0] + 0.0002, "longitude": HOME[1], "accuracy": 12})
    login(page, live_server, employee)
    visit(page, live_server, "/attendance/", "attendance-check")
    page.click("#check-button")
    page.wait_for_url("**/attendance/?recorded=in*")
    result = page.locator("#check-result.ok")
    assert "22 m" in result.inner_text() or "23 m" in result.inner_text()
    axe(page)
    event = CheckEvent.objects.get(employee=employee.employee)
    assert event.location == "HOME" and event.inside_fence and not event.flagged
    for path, name in (("/attendance/month/", "month"), ("/attendance/positions/", "positions"),
                       ("/attendance/log/", "log"), ("/attendance/requests/", "requests")):  # fmt: skip
        visit(page, live_server, path, f"attendance-{name}")
    assert not page.csp_errors
    page.context.close()

    # 2. The supervisor sees them in "team today".
    boss = new_page(browser, live_server, {"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy": 10})
    login(boss, live_server, supervisor)
    visit(boss, live_server, "/attendance/team/", "attendance-team")
    row = boss.locator(f"tr.team-row[data-employee='{employee.employee.id}']")
    assert row.locator("time, td").nth(2).inner_text().strip()[:2].isdigit()
    assert row.locator(".flag").count() == 0

    # 3. A colleague checks in 5 km from the office: recorded and flagged; they ask for a correction.
    far = north_of(OFFICE, 5000)
    page = new_page(browser, live_server, {"latitude": far[0], "longitude": far[1], "accuracy": 10})
    login(page, live_server, colleague)
    page.goto(live_server.url + "/attendance/")
    page.click("#check-button")
    page.wait_for_url("**/attendance/?recorded=in*")
    page.locator("#check-result.flagged").wait_for()
    axe(page)
    flagged = CheckEvent.objects.get(employee=colleague.employee)
    assert flagged.flagged and flagged.flags == ["OUTSIDE_FENCE"] and 4990 <= flagged.distance_m <= 5010
    page.locator("#check-result a").click()
    page.wait_for_url("**/attendance/requests/**")
    axe(page)
    page.fill("#id_correction-corrected_time", "07:25")
    page.fill("#id_correction-reason", "GPS ponsel salah membaca posisi di kantor")
    page.locator("input[name=form][value=correction] ~ button[type=submit]").click()
    page.wait_for_url("**/attendance/requests/")
    correction = AttendanceCorrection.objects.get(employee=colleague.employee)
    assert correction.status == "submitted" and correction.decider_id == supervisor.employee.id
    assert not page.csp_errors
    page.context.close()

    # 4. The supervisor approves it: the original stays, marked corrected.
    visit(boss, live_server, "/attendance/requests/", "attendance-requests-queue")
    boss.locator(f"form[action$='/correction/{correction.id}/decide/'] button[value=approve]").click()
    boss.wait_for_url("**/attendance/requests/")
    axe(boss)
    correction.refresh_from_db()
    flagged.refresh_from_db()
    assert correction.status == "approved" and flagged.corrected_by_id == correction.id
    visit(boss, live_server, "/attendance/verify/", "attendance-verify")
    assert not boss.csp_errors
    boss.context.close()


@pytest.mark.django_db(transaction=True)
def test_hr_exceptions_page(live_server, browser, org_world):
    hr = org_world.hr_admin_a
    hr.mfa_required = False
    hr.save(update_fields=["mfa_required"])
    page = new_page(browser, live_server, None)
    login(page, live_server, hr)
    visit(page, live_server, "/attendance/exceptions/?kind=flagged", "attendance-exceptions")
    visit(page, live_server, "/attendance/leave-import/", "attendance-leave-import")
    assert not page.csp_errors
    page.context.close()
