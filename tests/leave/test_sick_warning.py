"""HR's warning at 12 consecutive months of sick leave (docs/rules.md §9 "Kinds and their reasons"):
a daily task tells the agency's HR administrators in the app, once per employee and run."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from attendance.models import LeaveRequest
from flexwork.notifications.models import Notification
from leave import sick, tasks
from tests.leave.rules_helpers import MONDAY, approve, emp
from tests.leave.test_kinds_rules import ask

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def sick_year(employee, supervisor, decider, start, days):
    leave = ask(employee, "CS", start, start + D(days=days - 1), letter=True)
    approve(leave, supervisor, decider)
    return leave


def warnings_for(user):
    return Notification.objects.filter(kind=sick.KIND, recipient=user)


def test_hr_is_told_once_when_sick_leave_reaches_twelve_months(employee_a, supervisor_a, unit_head_a, hr_admin_a):
    first = sick_year(employee_a, supervisor_a, unit_head_a, MONDAY, 300)
    second = sick_year(employee_a, supervisor_a, unit_head_a, first.date_to + D(days=1), 200)
    agency_id = emp(employee_a).agency_id
    eleven = MONDAY + D(days=330)
    twelve = datetime.date(2028, 2, 29)  # the last day of the 12 calendar months from 1 March 2027

    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=eleven) == 0
    with translation.override("id"):
        assert sick.sick_leave_warn_hr(agency_id=agency_id, today=twelve) >= 1
    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=twelve) == 0  # the same run: not again
    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=twelve + D(days=1)) == 0

    notice = warnings_for(hr_admin_a).get()
    assert emp(employee_a).name in notice.title
    assert notice.context == {
        "employee_id": emp(employee_a).id,
        "run_start": MONDAY.isoformat(),
        "name": emp(employee_a).name,
        "since": notice.context["since"],
    }
    assert "2027" in notice.body and "tim penguji kesehatan" in notice.body
    assert second.status == "approved"


def test_the_daily_task_is_idempotent_and_a_new_run_warns_again(employee_a, supervisor_a, unit_head_a, hr_admin_a):
    begin = datetime.date(2028, 3, 6)  # 365 days to 5 March 2029: exactly 12 calendar months
    sick_year(employee_a, supervisor_a, unit_head_a, begin, 365)
    agency_id = emp(employee_a).agency_id
    day = begin + D(days=364)

    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=day) >= 1
    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=day) == 0
    assert warnings_for(hr_admin_a).count() == 1

    # A later run, after a day back at work, is another episode.
    start = begin + D(days=366)
    leave = ask(employee_a, "CS", start, start + D(days=364), letter=True)
    approve(leave, supervisor_a, unit_head_a)
    assert sick.sick_leave_warn_hr(agency_id=agency_id, today=start + D(days=364)) >= 1
    assert warnings_for(hr_admin_a).count() == 2


def test_the_task_runs_for_every_agency_on_its_own_today(employee_a, supervisor_a, unit_head_a, hr_admin_a):
    """Today no one has been sick for a year: the task sends nothing (its dates are the agencies' today)."""
    sick_year(employee_a, supervisor_a, unit_head_a, MONDAY, 30)
    assert tasks.sick_leave_twelve_months_task() == 0
    assert LeaveRequest.objects.filter(kind="CS", status="approved").count() == 1
    assert not warnings_for(hr_admin_a).exists()


def test_the_task_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["leave-sick-twelve-months"]
    assert entry["task"] == "leave.tasks.sick_leave_twelve_months_task"
