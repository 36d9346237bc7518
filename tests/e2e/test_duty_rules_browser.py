# ruff: noqa: F811  (the shift fixtures are imported from tests/shifts; the browser ones come from tests/e2e/conftest.py)
"""The rules on duties as a user meets them (docs/rules.md §8 "Hours", "Flexibility on duties"): the head
reads a week with leave on the roster page, the leave days counted as worked; a nurse asking to work
from home on tomorrow's duty with a day off today reads the lead time in duty days. Phone and desktop,
Indonesian and English, axe and the CSP clean. With E2E_SCREENSHOTS=<dir> each screen is kept."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, assert_fits_phone, axe, login, screenshot
from tests.shifts.conftest import (  # noqa: F401
    month_start,
    nurses,
    roster_head,
    roster_unit,
    shift_position,
    shift_types,
)

pytestmark = pytest.mark.e2e

TEXT = {
    "id": {"leave": "hari cuti dihitung sebagai hari kerja", "lead": "Ajukan paling lambat 1 hari dinas"},
    "en": {"leave": "leave days counted as worked", "lead": "Ask at least 1 duty day(s) before the first duty."},
}


def look(page, name: str, language: str) -> None:
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, f"{name}-{language}-phone")
    page.set_viewport_size(DESKTOP)
    axe(page)
    screenshot(page, f"{name}-{language}-desktop")
    page.set_viewport_size(PHONE)


def write_week(roster, unit, types, user, monday, cells) -> None:
    from shifts import rosters
    from shifts.models import Duty, DutySource

    for offset, cell in enumerate(cells):
        values = rosters.duty_write_values(
            employee=user.employee,
            unit=unit,
            duty_date=monday + datetime.timedelta(days=offset),
            shift_type=types.get(cell),
            kind=rosters.cell_kind(cell),
        )
        Duty.objects.create(roster=roster, source=DutySource.MANUAL, **values)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_head_reads_a_week_with_leave_on_the_roster(
    browser, live_server, roster_unit, roster_head, nurses, shift_types, language
):
    from attendance.models import LeaveKind, LeaveRequest
    from flexwork.approvals.models import ApprovalStatus
    from shifts import rosters

    start = month_start(1)
    roster = rosters.roster_for(unit=roster_unit, period_start=start)
    monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    sari = nurses[0]
    write_week(roster, roster_unit, shift_types, sari, monday, ["P", "P", "P", "P", "P", "OFF", "OFF"])
    LeaveRequest.objects.create(
        agency_id=roster_unit.agency_id,
        employee=sari.employee,
        kind=LeaveKind.CT,
        date_from=monday,
        date_to=monday + datetime.timedelta(days=1),
        status=ApprovalStatus.APPROVED,
    )
    roster_head.language = language
    roster_head.save(update_fields=["language"])

    page = login(browser, live_server, roster_head, locale=f"{language}-ID")
    page.goto(f"{live_server.url}/shifts/rosters/{roster.id}/")
    warnings = page.locator("#roster-warnings [data-code=SHIFT_WEEKLY_MIN]")
    expect(warnings).to_contain_text(TEXT[language]["leave"])
    expect(warnings).to_contain_text(sari.employee.name)
    warnings.scroll_into_view_if_needed()
    look(page, "roster-week-with-leave", language)
    assert not page.csp_errors
    page.context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_nurse_reads_the_lead_time_in_duty_days(browser, live_server, roster_unit, nurses, shift_types, language):
    from flexwork.common.calendar import today_in
    from tests.schedules.test_policy_shifts import put_duties

    sari = nurses[0]
    today = today_in("Asia/Makassar")
    tomorrow = today + datetime.timedelta(days=1)
    put_duties(roster_unit, shift_types, [(sari, today, "OFF"), (sari, tomorrow, "P")])
    sari.language = language
    sari.save(update_fields=["language"])

    page = login(browser, live_server, sari, locale=f"{language}-ID")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + "/arrangements/new/")
    page.check("#id_location_2")  # HOME
    page.locator("#arrangement-form button[type=submit]").click()
    page.wait_for_function("() => location.pathname.includes('/arrangements/new/days/')")
    page.wait_for_load_state()
    page.locator(f"label.sched-day:has(#day-{tomorrow.isoformat()})").click()
    lead = page.locator("#rule-check-result [data-code=LEAD_TIME]")
    expect(lead).to_contain_text(TEXT[language]["lead"])
    lead.scroll_into_view_if_needed()
    look(page, "request-lead-time-duty-days", language)
    assert not page.csp_errors
    page.context.close()
