# ruff: noqa: F811  (the roster fixtures are imported from tests/shifts/test_warnings.py)
"""The weekly-hours warning and the person's own leave (docs/rules.md §8 "Hours"): a shift duty under
approved leave or official duty is a leave day, fulfilled like an office colleague's (its own net, at
least the standard day's), so a week of leave is never short and leave never makes a week shorter;
leave over a day off consumes and credits nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from tests.shifts.test_warnings import check, codes, day, put, roster, week_of  # noqa: F401

pytestmark = pytest.mark.django_db


def leave(user, first: int, last: int, *, kind=LeaveKind.CT, status=ApprovalStatus.APPROVED) -> LeaveRequest:
    employee = user.employee
    return LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=kind,
        date_from=day(first),
        date_to=day(last),
        status=status,
    )


def weekly_min(unit):
    with translation.override("en"):
        return [v for v in check(unit) if v.code == "SHIFT_WEEKLY_MIN"]


def test_a_full_week_of_leave_gives_no_weekly_minimum(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h < 37.5 h worked
    assert len(weekly_min(roster_unit)) == 1
    leave(nurses[0], 0, 6)
    assert weekly_min(roster_unit) == []


def test_a_full_week_of_leave_over_fewer_duties_gives_none_either(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "OFF", "P", "OFF", "P", "OFF", "OFF"])  # 21 h
    leave(nurses[0], 0, 6)
    assert weekly_min(roster_unit) == []


def test_two_days_of_leave_count_a_standard_day_each(roster_unit, nurses, put):
    """P is 7 h net: as a leave day it counts the office colleague's 7.5 h."""
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "S", "OFF"])  # 42 h: no warning
    leave(nurses[0], 0, 1)
    assert weekly_min(roster_unit) == []  # 5 × 7 + 2 × 7.5 = 43 h
    week_of(put, nurses[1], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h
    leave(nurses[1], 0, 1)
    found = weekly_min(roster_unit)
    assert len(found) == 1
    assert nurses[1].employee.name in found[0].message
    assert "36 h" in found[0].message and "37.5 h" in found[0].message  # 3 × 7 + 2 × 7.5
    assert "leave days counted as worked" in found[0].message


def test_a_long_duty_under_leave_counts_its_own_hours(roster_unit, nurses, put):
    """L is 11 h net: leave on it never makes the week shorter than working it."""
    week_of(put, nurses[0], ["L", "L", "L", "P", "OFF", "OFF", "OFF"])  # 40 h
    leave(nurses[0], 0, 0)
    assert weekly_min(roster_unit) == []


def test_leave_over_days_off_credits_nothing(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h
    leave(nurses[0], 5, 6)  # the days off: leave consumes nothing there
    found = weekly_min(roster_unit)
    assert len(found) == 1 and "35 h" in found[0].message
    assert "leave days" not in found[0].message


def test_pending_leave_changes_nothing(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])
    leave(nurses[0], 0, 6, status=ApprovalStatus.SUBMITTED)
    assert len(weekly_min(roster_unit)) == 1


def test_official_duty_counts_like_leave(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])
    leave(nurses[0], 0, 4, kind=LeaveKind.DINAS_LUAR)
    assert weekly_min(roster_unit) == []


def test_the_averaging_switch_credits_leave_the_same_way(roster_unit, nurses, put):
    from flexwork.org import services as org_services

    org_services.policy_update(agency=roster_unit.agency, data={"shift_hours_averaged_over_period": True})
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h over one week
    assert len(weekly_min(roster_unit)) == 1
    leave(nurses[0], 3, 4)
    assert len(weekly_min(roster_unit)) == 1  # 3 × 7 + 2 × 7.5 = 36 h
    leave(nurses[0], 0, 2)
    assert weekly_min(roster_unit) == []  # 5 × 7.5 h
