"""Zones and leave around duties (docs/rules.md §8): a move within the same zone leaves the instants as
they are; leave shows on the roster over the duty and is not counted for coverage."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in
from flexwork.org.models import Unit
from shifts import rosters
from shifts.models import DayKind, Duty, DutyKind, ShiftCoverage
from shifts.warnings import warnings_for
from tests.shifts.conftest import ROSTER_ZONE, fetch_employee

JAN = datetime.date(2027, 1, 1)


@pytest.mark.django_db
def test_transfer_within_the_same_zone_keeps_the_duties(roster_unit, published_roster, nurses):
    from flexwork.org import services
    from tests.org.factories import UnitFactory

    roster = published_roster(today_in(ROSTER_ZONE))
    user = nurses[0]
    before = dict(Duty.objects.filter(roster=roster, employee_id=user.employee.id).values_list("id", "start_at"))
    other = UnitFactory(agency=roster_unit.agency, code="A-ICU", name="ICU", parent=roster_unit.parent)
    services.employee_update(employee=fetch_employee(user.employee.id), data={"unit": Unit.objects.get(id=other.id)})
    after = dict(Duty.objects.filter(id__in=before).values_list("id", "start_at"))
    assert after == before
    assert not Duty.objects.filter(id__in=before, sequence__gt=0).exists()


def leave(user, day, kind=LeaveKind.CT):
    employee = user.employee
    return LeaveRequest.objects.create(
        agency_id=employee.agency_id, employee=employee, kind=kind, date_from=day, date_to=day,
        status=ApprovalStatus.APPROVED,
    )  # fmt: skip


@pytest.mark.django_db
def test_leave_is_not_counted_for_coverage_and_shows_on_the_roster(
    roster_unit, roster_head, assigned, nurses, shift_types
):
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id, unit=roster_unit, shift_type=shift_types["P"], day_kind=DayKind.WEEKDAY,
        min_staff=1,
    )  # fmt: skip
    roster = rosters.roster_for(unit=roster_unit, period_start=JAN)
    rosters.roster_generate(roster=roster)
    day = datetime.date(2027, 1, 12)  # a Tuesday
    morning = Duty.objects.get(roster=roster, duty_date=day, kind=DutyKind.SHIFT, shift_type__code="P")
    codes = [v.code for v in warnings_for(unit=roster_unit, date_from=day, date_to=day)]
    assert "COVERAGE_SHIFT_MIN" not in codes
    person = next(n for n in nurses if n.employee.id == morning.employee_id)
    leave(person, day)
    found = [v for v in warnings_for(unit=roster_unit, date_from=day, date_to=day) if v.code == "COVERAGE_SHIFT_MIN"]
    assert [v.dates for v in found] == [(day,)]
    client = Client()
    client.force_login(roster_head)
    html = client.get(reverse("shifts:roster", args=[roster.id])).content.decode()
    assert str(LeaveKind.CT.label)[:6] in html
