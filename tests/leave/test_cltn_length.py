"""Unpaid leave (CLTN) lasts at most 3 years, extendable by 1 year (docs/rules.md §9 "CLTN"; PP 11/2017
Pasal 331): a run of approved CLTN without a day between, with the request that continues it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from attendance.models import LeaveRequest
from leave import rules
from tests.leave.rules_helpers import MONDAY, emp
from tests.leave.test_kinds_rules import ask, codes, refused

pytestmark = pytest.mark.django_db
D = datetime.timedelta
START = MONDAY + D(days=70)  # 10 May 2027


def _approved_year(user, first: datetime.date) -> datetime.date:
    """One approved CLTN of a year from `first`; returns the day after it."""
    last = first.replace(year=first.year + 1) - D(days=1)
    leave = ask(user, "CLTN", first, last, letter=True)
    LeaveRequest.objects.filter(id=leave.id).update(status="approved")
    return last + D(days=1)


def test_a_run_of_unpaid_leave_stops_four_years_after_its_first_day(employee_a):
    day = START
    for _year in range(3):
        day = _approved_year(employee_a, day)
    assert rules.cltn_run_start(emp(employee_a), day) == START
    last = START.replace(year=START.year + 4) - D(days=1)  # 9 May 2031
    with translation.override("id"):
        error = refused(employee_a, "CLTN", day, last + D(days=1), letter=True)
    assert codes(error) == ["LEAVE_TOO_LONG"]
    assert error.fields["date_to"]
    assert "9 Mei 2031" in error.violations[0]["message"]
    assert "329, 331;" in error.violations[0]["source"]
    assert ask(employee_a, "CLTN", day, last, letter=True).status == "submitted"


def test_unpaid_leave_after_a_day_back_starts_a_new_run(employee_a):
    day = START
    for _year in range(3):
        day = _approved_year(employee_a, day)
    later = day + D(days=1)
    assert rules.cltn_run_start(emp(employee_a), later) == later
    assert ask(employee_a, "CLTN", later, later + D(days=300), letter=True).status == "submitted"
