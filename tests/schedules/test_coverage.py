"""schedules.coverage: the one reading of unit coverage (docs/rules.md §3) behind the rule check, the team
calendar and the HR dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from flexwork.org import services as org_services
from flexwork.org.models import Unit
from flexwork.org.selectors import policy_for
from schedules.coverage import allowed_away, coverage_for, unit_share_percent
from schedules.models import DaySource, Location, ScheduleDay
from tests.org.factories import EmployeeFactory, UnitFactory
from tests.schedules.conftest import create, days

pytestmark = pytest.mark.django_db


def day_row(person, day, location=Location.HOME, **extra):
    return ScheduleDay.objects.create(
        agency_id=person.agency_id,
        employee=person,
        local_date=day,
        location=location,
        unit_id=person.unit_id,
        source=extra.pop("source", DaySource.INDIVIDUAL),
        **extra,
    )


def leave(person, first, last=None, *, status=ApprovalStatus.APPROVED):
    return LeaveRequest.objects.create(
        agency_id=person.agency_id,
        employee=person,
        kind=LeaveKind.CT,
        date_from=first,
        date_to=last or first,
        status=status,
    )


def one_day(unit, day, **kwargs):
    return coverage_for(agency_id=unit.agency_id, unit_ids=[unit.id], date_from=day, date_to=day, **kwargs).on(
        unit.id, day
    )


def test_the_formula_is_unchanged():
    assert [allowed_away(n, 30) for n in (0, 1, 2, 3, 6, 7, 10, 19)] == [1, 1, 1, 1, 1, 2, 3, 5]
    assert allowed_away(10, 0) == 0


def test_only_approved_days_away_of_the_units_own_people_count(org_world, monday):
    sec, employee, supervisor = org_world.sec_a, org_world.employee_a.employee, org_world.supervisor_a.employee
    day_row(employee, monday, Location.OTHER_OFFICE, other_office_unit=org_world.hr_unit_a)
    day_row(supervisor, monday, cancelled_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))  # cancelled
    day_row(supervisor, monday, Location.OFFICE, source=DaySource.RECALL)  # recalled: an office day
    day_row(org_world.unit_head_a.employee, monday)  # the parent unit: not this unit's coverage
    create(org_world.supervisor_a, days(monday, 1))  # pending: does not count

    first, second = (one_day(sec, day) for day in days(monday, 0, 1))

    assert (first.headcount, first.active_headcount, first.away, first.allowed_away) == (2, 2, 1, 1)
    assert second.away == 0 and not first.warning
    assert one_day(sec, monday, exclude_employee_id=employee.id).away == 0


def test_approved_leave_leaves_the_headcount_and_the_away_count(org_world, monday):
    sec, employee, supervisor = org_world.sec_a, org_world.employee_a.employee, org_world.supervisor_a.employee
    day_row(employee, monday)
    day_row(supervisor, monday)
    leave(supervisor, monday)
    leave(employee, monday, status=ApprovalStatus.SUBMITTED)  # pending leave: still in the headcount

    day = one_day(sec, monday)

    assert (day.headcount, day.on_leave, day.active_headcount, day.away, day.onsite) == (2, 1, 1, 1, 0)


def test_the_unit_share_is_policy_fors(org_world):
    agency = org_world.agency_a
    public = UnitFactory(agency=agency, parent=org_world.root_a, is_public_service=True, min_onsite_headcount=2)
    overridden = UnitFactory(agency=agency, parent=org_world.root_a)
    public_overridden = UnitFactory(agency=agency, parent=org_world.root_a, is_public_service=True)
    org_services.policy_update(agency=agency, unit=overridden, data={"coverage_share_percent": 50})
    org_services.policy_update(agency=agency, unit=public_overridden, data={"coverage_share_percent": 20})
    units = Unit.objects.filter(id__in=[org_world.sec_a.id, public.id, overridden.id, public_overridden.id])

    for unit in units.select_related("policy_override"):
        expected = policy_for(agency=agency.id, unit=unit).coverage_share_percent
        assert unit_share_percent(unit, 30) == expected
    assert [policy_for(agency=agency.id, unit=u).coverage_share_percent for u in (public, overridden)] == [0, 50]


def test_a_fixed_number_of_queries_whatever_the_units_people_and_days(org_world, monday):
    agency = org_world.agency_a

    def count(unit_ids, last):
        with CaptureQueriesContext(connection) as captured:
            coverage_for(agency_id=agency.id, unit_ids=unit_ids, date_from=monday, date_to=last)
        return len(captured)

    few = count([org_world.sec_a.id], monday + datetime.timedelta(days=4))
    units = [UnitFactory(agency=agency, parent=org_world.root_a) for _ in range(3)]
    for offset, unit in enumerate(units):
        for n in range(4):
            person = EmployeeFactory(agency=agency, unit=unit, position=org_world.position_a)
            day_row(person, monday + datetime.timedelta(days=n))
            leave(person, monday + datetime.timedelta(days=offset + n), monday + datetime.timedelta(days=30))

    assert count([org_world.sec_a.id, *(u.id for u in units)], monday + datetime.timedelta(days=40)) == few == 6
