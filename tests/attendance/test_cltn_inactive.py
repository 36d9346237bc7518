"""Unpaid leave (CLTN) makes the employee inactive for its dates (docs/rules.md §9 "CLTN"): the day is the
leave, nothing is required or credited, a check-in is refused, and the headcounts leave the person out
(coverage and the team calendar, the dashboards, the attendance report's working days); from the day
after the leave the person counts again."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from attendance.models import CheckEvent, DayStatus, LeaveRequest
from attendance.status import day_status_refresh
from flexwork.common.exceptions import ApplicationError
from flexwork.org.models import Holiday, HolidayKind
from tests.attendance.conftest import MONDAY, WITA, at, check
from tests.attendance.test_duty_checks import nurse  # noqa: F401
from tests.shifts.conftest import nurses, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db
ONE = datetime.timedelta(days=1)


def unpaid_leave(user, date_from, date_to, status="approved"):
    employee = user.employee
    return LeaveRequest.objects.create(
        agency_id=employee.agency_id, employee=employee, kind="CLTN", date_from=date_from, date_to=date_to,
        status=status, reason="Mengikuti suami tugas belajar",
    )  # fmt: skip


def status_of(user, day):
    day_status_refresh(employee_id=user.employee.id, local_date=day)
    return DayStatus.objects.get(employee=user.employee, local_date=day)


def test_a_day_of_unpaid_leave_is_the_leave_and_requires_nothing(employee_a):
    unpaid_leave(employee_a, MONDAY, MONDAY + ONE)  # Monday and Tuesday
    Holiday.objects.create(agency_id=employee_a.employee.agency_id, date=MONDAY + ONE, name="Nyepi",
                           kind=HolidayKind.LIBUR_NASIONAL)  # fmt: skip

    monday, tuesday, wednesday = (status_of(employee_a, MONDAY + ONE * i) for i in range(3))

    assert (monday.absence, monday.required_minutes, monday.credited_minutes) == ("C-CLTN", 0, 0)
    assert tuesday.absence == "C-CLTN"  # inactive on a holiday too
    # The day after the leave the person is due again: no check at all is TK.
    assert (wednesday.absence, wednesday.required_minutes > 0) == ("TK", True)


def test_a_leave_still_waiting_changes_nothing(employee_a):
    unpaid_leave(employee_a, MONDAY, MONDAY, status="submitted")
    assert status_of(employee_a, MONDAY).absence == "TK"


def test_check_in_during_unpaid_leave_is_refused_with_a_clear_message(employee_a):
    unpaid_leave(employee_a, MONDAY, MONDAY)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        check(employee_a, at(MONDAY, 7, 15))
    assert refused.value.code == "unpaid_leave"
    assert "unpaid leave" in str(refused.value.message)
    check(employee_a, at(MONDAY + ONE, 7, 15))  # the next day is a working day again


def test_the_check_in_api_answers_400(client_for, employee_a):
    today = timezone.now().astimezone(WITA).date()
    unpaid_leave(employee_a, today - ONE, today + ONE)
    client = client_for(employee_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    body = {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 10}
    response = client.post("/api/v1/attendance/check-in/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "unpaid_leave"


def test_the_check_page_shows_the_refusal(client, settings, employee_a):
    import uuid

    today = timezone.now().astimezone(WITA).date()
    unpaid_leave(employee_a, today, today)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(employee_a)
    form = {"kind": "IN", "latitude": "-5.1477", "longitude": "119.4327", "accuracy": "10", "token": str(uuid.uuid4())}
    page = client.post(reverse("attendance-check"), form)
    assert page.status_code == 400
    assert "You are on unpaid leave today" in page.content.decode()
    assert not CheckEvent.objects.filter(employee=employee_a.employee).exists()


def test_coverage_leaves_the_person_out_of_the_headcount(employee_a):
    from schedules.coverage import coverage_for

    employee = employee_a.employee
    before = coverage_for(agency_id=employee.agency_id, unit_ids=[employee.unit_id], date_from=MONDAY, date_to=MONDAY)
    unpaid_leave(employee_a, MONDAY, MONDAY)
    after = coverage_for(
        agency_id=employee.agency_id, unit_ids=[employee.unit_id], date_from=MONDAY, date_to=MONDAY + ONE
    )
    day, next_day = after.days[employee.unit_id]
    was = before.days[employee.unit_id][0]
    assert (day.headcount, day.on_leave) == (was.headcount - 1, was.on_leave)
    assert day.active_headcount == was.active_headcount - 1
    assert next_day.headcount == was.headcount  # counted again from the next day


def test_the_hr_dashboard_does_not_count_the_person(hr_admin_a, employee_a):
    from flexwork.reports.dashboards import hr_dashboard

    cache.clear()
    unit = employee_a.employee.unit_id
    before = hr_dashboard(user=hr_admin_a, unit_id=unit)["headline"]
    today = timezone.now().astimezone(WITA).date()
    unpaid_leave(employee_a, today, today)
    cache.clear()
    after = hr_dashboard(user=hr_admin_a, unit_id=unit)["headline"]
    assert after["on_leave"] == before["on_leave"]
    assert after["expected"] == before["expected"] - 1


def test_the_team_calendar_counts_nobody_in_the_office_for_the_person(unit_head_a, employee_a):
    from schedules.selectors import team_calendar_for

    unit = employee_a.employee.unit_id
    before = team_calendar_for(user=unit_head_a, unit_id=unit, date_from=MONDAY, date_to=MONDAY).days[0]
    unpaid_leave(employee_a, MONDAY, MONDAY)
    after = team_calendar_for(user=unit_head_a, unit_id=unit, date_from=MONDAY, date_to=MONDAY).days[0]
    assert after.counts["OFFICE"] == before.counts["OFFICE"] - 1
    assert after.on_leave == before.on_leave


def test_the_week_of_unpaid_leave_requires_nothing_on_its_days(employee_a):
    from attendance.status import week_summary

    full = week_summary(employee=employee_a.employee, day=MONDAY).required_minutes
    unpaid_leave(employee_a, MONDAY, MONDAY + ONE * 4)
    assert week_summary(employee=employee_a.employee, day=MONDAY).required_minutes == 0
    assert full > 0


def test_the_attendance_report_counts_no_working_day_of_unpaid_leave(employee_a):
    from django.db import connection

    from flexwork.reports import kinds
    from flexwork.reports.models import ReportKind
    from tests.reports.conftest import status_row

    employee = employee_a.employee
    DayStatus.objects.bulk_create(
        [
            status_row(employee, MONDAY),
            status_row(employee, MONDAY + ONE, absence="C-CLTN", required_minutes=0, credited_minutes=0),
        ]
    )
    params = kinds.sql_params(
        kind=ReportKind.COMPLIANCE, agency_id=employee.agency_id, scope_unit_id=employee.unit_id, start=MONDAY,
        end=MONDAY + ONE, parameters={},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(kinds.COMPLIANCE_SQL, params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    [row] = [r for r in rows if r["nip"] == employee.nip]
    assert (row["working_days"], row["leave_days"]) == (1, 1)


def test_a_published_shift_under_unpaid_leave_is_the_leave_and_counts_nothing(nurse, shift_types):  # noqa: F811
    from attendance.models import Absence, LeaveKind
    from flexwork.approvals.models import ApprovalStatus
    from tests.attendance.test_duty_checks import make_duty
    from tests.attendance.test_duty_status import refresh

    employee = nurse.employee
    make_duty(nurse, MONDAY, shift_types["P"])
    LeaveRequest.objects.create(
        agency_id=employee.agency_id, employee=employee, kind=LeaveKind.CLTN, date_from=MONDAY, date_to=MONDAY,
        status=ApprovalStatus.APPROVED,
    )  # fmt: skip
    row = refresh(nurse, MONDAY, at(MONDAY + ONE, 12, 0))
    assert (row.absence, row.required_minutes, row.credited_minutes) == (Absence.C_CLTN, 0, 0)
