"""Check-in and check-out on roster duties (docs/rules.md §8 "Duty date", "Matching a check to a duty"):
a check's date is its duty's, windows split consecutive duties, an early check-in is kept flagged
until an in-window attempt replaces it, and Monday–Friday staff are unaffected.

The roster unit, its nurses and the shift types come from tests/shifts/conftest.py (agency A, WITA);
duties are written here directly, published, with `shifts.times.duty_times`."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from attendance.models import CheckEvent, CheckFlag, CheckKind
from flexwork.org.models import Unit
from shifts.models import Duty, DutyKind, Roster, RosterStatus, ShiftType
from shifts.times import duty_times
from tests.attendance.conftest import MONDAY, OFFICE, WIB, at, check
from tests.shifts.conftest import nurses, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db

SUNDAY = datetime.date(2026, 3, 8)
CHECK_IN = "/api/v1/attendance/check-in/"


def roster_of(unit, day: datetime.date) -> Roster:
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    roster, _created = Roster.objects.get_or_create(
        unit=unit,
        period_start=first,
        defaults={
            "agency_id": unit.agency_id,
            "period_end": last,
            "status": RosterStatus.PUBLISHED,
            "published_at": timezone.now(),
        },
    )
    return roster


def make_duty(user, day: datetime.date, shift_type: ShiftType | None, *, kind=DutyKind.SHIFT, **extra) -> Duty:
    """A published active duty of `user` on `day` (a SHIFT of `shift_type`, or OFF / POST_NIGHT)."""
    employee = user.employee
    unit = Unit.objects.select_related("agency").get(id=employee.unit_id)
    zone = unit.time_zone or unit.agency.time_zone
    values = {}
    if kind == DutyKind.SHIFT:
        times = duty_times(
            duty_date=day,
            start=shift_type.start_time,
            end=shift_type.end_time,
            break_minutes=shift_type.break_minutes,
            zone=zone,
        )
        values = {
            "shift_type": shift_type,
            "start_at": times.start_at,
            "end_at": times.end_at,
            "break_minutes": times.break_minutes,
            "net_minutes": times.net_minutes,
            "checkin_open_before": shift_type.checkin_open_before,
            "checkout_close_after": shift_type.checkout_close_after,
            "is_night": shift_type.is_night,
        }
    values.update(extra)
    return Duty.objects.create(
        agency_id=employee.agency_id,
        roster=roster_of(unit, day),
        employee=employee,
        duty_date=day,
        kind=kind,
        is_published=True,
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
        **values,
    )


def shift_type(agency_id: int, code: str, start: datetime.time, end: datetime.time, **extra) -> ShiftType:
    return ShiftType.objects.create(agency_id=agency_id, code=code, name=code, start_time=start, end_time=end, **extra)


@pytest.fixture
def nurse(nurses):  # noqa: F811
    return nurses[0]


def event(user, day: datetime.date, kind=CheckKind.IN) -> CheckEvent:
    return CheckEvent.objects.get(employee_id=user.employee.id, local_date=day, kind=kind)


# ---------------------------------------------------------------------------- duty date


def test_sunday_night_checkout_monday_0705_belongs_to_sunday(nurse, shift_types):  # noqa: F811
    duty = make_duty(nurse, SUNDAY, shift_types["M"])  # Sunday 21:00 – Monday 07:00
    arrived = check(nurse, at(SUNDAY, 20, 50))
    left = check(nurse, at(SUNDAY + datetime.timedelta(days=1), 7, 5), kind=CheckKind.OUT)
    assert arrived.local_date == left.local_date == SUNDAY
    assert arrived.duty.id == left.duty.id == duty.id
    assert left.flags == [] and arrived.flags == []
    stored = event(nurse, SUNDAY, CheckKind.OUT)
    assert stored.duty_id == duty.id
    # Sunday's ISO week (10 of 2026), not Monday's (11).
    assert stored.local_date.isocalendar()[:2] == (2026, 10)
    assert (SUNDAY + datetime.timedelta(days=1)).isocalendar()[:2] == (2026, 11)


def test_0655_wib_checkin_is_on_the_wib_date(nurse, shift_types, roster_unit):  # noqa: F811
    Unit.objects.filter(id=roster_unit.id).update(time_zone="Asia/Jakarta")
    duty = make_duty(nurse, MONDAY, shift_types["P"])  # 07:00 WIB = 00:00 UTC
    moment = at(MONDAY, 6, 55, zone=WIB)
    assert moment.astimezone(datetime.UTC).date() == MONDAY - datetime.timedelta(days=1)
    outcome = check(nurse, moment)
    assert outcome.local_date == MONDAY and outcome.duty.id == duty.id and outcome.zone == "Asia/Jakarta"


def test_2355_checkin_matches_next_dates_0000_duty(nurse, org_world):
    midnight = shift_type(org_world.agency_a.id, "N0", datetime.time(0), datetime.time(8), checkin_open_before=60)
    duty = make_duty(nurse, MONDAY, midnight)
    outcome = check(nurse, at(MONDAY - datetime.timedelta(days=1), 23, 55))
    assert outcome.local_date == MONDAY and outcome.duty.id == duty.id and outcome.flags == []


# ---------------------------------------------------------------------------- windows


def test_checkin_3h_early_stored_flagged_attached_then_superseded(nurse, shift_types):  # noqa: F811
    duty = make_duty(nurse, MONDAY, shift_types["M"])  # 21:00; the window opens at 20:00
    early = check(nurse, at(MONDAY, 18, 0))
    assert early.local_date == MONDAY and early.duty.id == duty.id
    assert early.flags == [CheckFlag.OUTSIDE_SHIFT] and early.created
    stored = event(nurse, MONDAY)
    assert stored.flagged and stored.duty_id == duty.id and stored.at == at(MONDAY, 18, 0)
    # An in-window attempt replaces it, even one flagged for its position.
    far = (OFFICE[0] + 0.05, OFFICE[1])
    later = check(nurse, at(MONDAY, 20, 30), point=far)
    assert later.id == early.id and later.attempt_count == 2
    assert later.flags == [CheckFlag.OUTSIDE_FENCE]
    stored.refresh_from_db()
    assert stored.at == at(MONDAY, 20, 30) and CheckFlag.OUTSIDE_SHIFT not in stored.flags
    # And a third, in the fence, replaces that one (the ordinary rule).
    third = check(nurse, at(MONDAY, 20, 40))
    assert third.flags == [] and third.attempt_count == 3
    # An accepted check-in stands: a later attempt changes nothing.
    fourth = check(nurse, at(MONDAY, 20, 45))
    assert fourth.attempt_count == 3 and not fourth.created
    stored.refresh_from_db()
    assert stored.at == at(MONDAY, 20, 40) and not stored.flagged


def test_checkin_more_than_attach_hours_early_has_no_duty(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, shift_types["M"])
    outcome = check(nurse, at(MONDAY, 14, 0))  # 7 h before 21:00; early_attach_hours is 6
    assert outcome.duty is None and outcome.flags == [CheckFlag.NO_DUTY] and outcome.local_date == MONDAY


def test_back_to_back_duties_split_at_boundary(nurse, shift_types, org_world):  # noqa: F811
    day = shift_type(org_world.agency_a.id, "D", datetime.time(7, 30), datetime.time(14, 30))
    night = make_duty(nurse, SUNDAY, shift_types["M"])  # Sunday 21:00 – Monday 07:00
    monday = SUNDAY + datetime.timedelta(days=1)
    morning = make_duty(nurse, monday, day)  # Monday 07:30; its check-in window opens at 07:00, not 06:30
    check(nurse, at(SUNDAY, 20, 55))
    left = check(nurse, at(monday, 7, 2), kind=CheckKind.OUT)
    assert left.duty.id == night.id and left.local_date == SUNDAY
    arrived = check(nurse, at(monday, 7, 3))
    assert arrived.duty.id == morning.id and arrived.local_date == monday and arrived.flags == []
    # The night's check-out window closes at the later start: a check-out at 07:40 is the morning's.
    late = check(nurse, at(monday, 7, 40), kind=CheckKind.OUT)
    assert late.duty.id == morning.id
    # Before the night ends, a check-in is the night's (already accepted: unchanged).
    repeat = check(nurse, at(monday, 6, 45))
    assert repeat.local_date == SUNDAY and not repeat.created


def test_unmatched_checkin_flagged_no_duty(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, None, kind=DutyKind.OFF)
    outcome = check(nurse, at(MONDAY, 10, 0))
    assert outcome.duty is None and outcome.local_date == MONDAY
    assert outcome.flags == [CheckFlag.NO_DUTY]
    assert event(nurse, MONDAY).flagged
    left = check(nurse, at(MONDAY, 16, 0), kind=CheckKind.OUT)
    assert left.flags == [CheckFlag.NO_DUTY] and left.duty is None


def test_mon_fri_employee_unchanged(employee_a, nurse, shift_types):  # noqa: F811
    # Even a stray duty row of a Monday–Friday employee is not read.
    make_duty(employee_a, MONDAY, shift_types["M"])
    outcome = check(employee_a, at(MONDAY, 18, 0))
    assert outcome.duty is None and outcome.flags == [] and outcome.local_date == MONDAY


def test_a_home_duty_uses_the_registered_home(nurse, shift_types):  # noqa: F811
    from flexwork.org.services import employee_home_location_set

    employee_home_location_set(employee=nurse.employee, latitude="-5.135000", longitude="119.420000")
    make_duty(nurse, MONDAY, shift_types["P"], location="HOME")
    outcome = check(nurse, at(MONDAY, 6, 50), point=(-5.135, 119.42))
    assert outcome.location == "HOME" and outcome.inside_fence is True and outcome.flags == []


def test_the_api_answer_names_the_duty(client_for, nurse, shift_types, monkeypatch):  # noqa: F811
    duty = make_duty(nurse, SUNDAY, shift_types["M"])
    moment = at(SUNDAY, 20, 30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    response = client_for(nurse).post(CHECK_IN, {"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy": 10})
    monkeypatch.undo()
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["local_date"] == "2026-03-08" and body["warnings"] == []
    assert body["duty"]["id"] == duty.id and body["duty"]["shift"] == "M" and body["duty"]["name"] == "Malam"
    assert body["duty"]["start"].startswith("2026-03-08T21:00:00+08:00")
    assert body["duty"]["end"].startswith("2026-03-09T07:00:00+08:00")


def test_the_check_of_a_roster_employee_is_two_statements(nurse, shift_types, django_assert_num_queries):  # noqa: F811
    make_duty(nurse, SUNDAY, shift_types["M"])
    make_duty(nurse, SUNDAY + datetime.timedelta(days=1), None, kind=DutyKind.POST_NIGHT)
    check(nurse, at(SUNDAY, 10, 0))  # prepares the statements on this connection
    with django_assert_num_queries(2):
        outcome = check(nurse, at(SUNDAY, 20, 45))
    assert outcome.duty is not None
    with django_assert_num_queries(2):
        check(nurse, at(SUNDAY + datetime.timedelta(days=1), 7, 10), kind=CheckKind.OUT)
