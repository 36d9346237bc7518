"""The status of a roster duty (docs/rules.md §8 "Status of a duty", "Holidays"): bands against the
duty's instants, decided only when its check-out window closes, OFF days never TK, leave over duties,
holidays worked. Duties are written directly (tests/attendance/test_duty_checks.py)."""

from __future__ import annotations

import datetime

import pytest

from attendance.models import Absence, Arrival, CheckKind, DayStatus, Departure, LeaveKind, LeaveRequest
from attendance.status import day_status_refresh, day_statuses_compute, duty_statuses_decide, zone_day_close
from flexwork.approvals.models import ApprovalStatus
from shifts.models import DutyKind
from tests.attendance.conftest import MONDAY, at, check
from tests.attendance.test_duty_checks import SUNDAY, make_duty, nurse  # noqa: F401
from tests.shifts.conftest import nurses, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + datetime.timedelta(days=1)
NEXT_MONDAY = SUNDAY + datetime.timedelta(days=1)  # the night of SUNDAY ends then


def status(user, day: datetime.date) -> DayStatus | None:
    return DayStatus.objects.filter(employee_id=user.employee.id, local_date=day).first()


def refresh(user, day: datetime.date, now: datetime.datetime) -> DayStatus | None:
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=now):
        day_status_refresh(employee_id=user.employee.id, local_date=day)
    return status(user, day)


def test_a_worked_night_duty(nurse, shift_types):  # noqa: F811
    duty = make_duty(nurse, SUNDAY, shift_types["M"])  # 21:00–07:00, 60 min break, net 540
    check(nurse, at(SUNDAY, 21, 12))
    check(nurse, at(NEXT_MONDAY, 7, 5), kind=CheckKind.OUT)
    row = refresh(nurse, SUNDAY, at(NEXT_MONDAY, 7, 6))
    assert row.duty_id == duty.id and row.is_working_day
    assert row.arrival == Arrival.TL1 and row.lateness_minutes == 12
    assert row.departure == Departure.ON_TIME
    assert row.required_minutes == 540
    # 21:12–07:00 is 588 min, less the 60-min break in the middle of the duty
    assert row.worked_minutes == 528 and row.credited_minutes == 528
    assert row.scheduled_start == datetime.time(21) and row.scheduled_end == datetime.time(7)


def test_night_duty_without_checkout_hkp_only_after_close_window(nurse, shift_types):  # noqa: F811
    make_duty(nurse, SUNDAY, shift_types["M"])  # check-out window closes Monday 11:00
    check(nurse, at(SUNDAY, 20, 55))
    running = refresh(nurse, SUNDAY, at(NEXT_MONDAY, 3, 0))
    assert running.arrival == Arrival.H and running.departure is None and running.absence is None
    # The nightly close of Sunday (Monday 00:20) must not decide it either.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: at(NEXT_MONDAY, 0, 20))
        zone_day_close(zone="Asia/Makassar", local_date=SUNDAY)
    assert status(nurse, SUNDAY).departure is None
    before = refresh(nurse, SUNDAY, at(NEXT_MONDAY, 10, 59))
    assert before.departure is None
    # The sweep decides it once the window has closed.
    assert duty_statuses_decide(now=at(NEXT_MONDAY, 11, 2)) == 1
    assert status(nurse, SUNDAY).departure == Departure.HKP
    assert duty_statuses_decide(now=at(NEXT_MONDAY, 11, 30)) == 0  # long past its close: not swept again


def test_a_duty_without_any_check_is_tk_only_after_it_closes(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, shift_types["P"])  # 07:00–14:00, closes 18:00
    assert refresh(nurse, MONDAY, at(MONDAY, 15, 0)) is None
    assert refresh(nurse, MONDAY, at(MONDAY, 18, 0)).absence == Absence.TK


def test_no_checkin_is_hkd_after_close(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, shift_types["P"])
    check(nurse, at(MONDAY, 13, 30), kind=CheckKind.OUT)
    assert refresh(nurse, MONDAY, at(MONDAY, 14, 0)).arrival is None
    row = refresh(nurse, MONDAY, at(MONDAY, 18, 1))
    assert row.arrival == Arrival.HKD and row.departure == Departure.PSW1 and row.early_minutes == 30


def test_off_days_never_tk(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, None, kind=DutyKind.OFF)
    make_duty(nurse, TUESDAY, None, kind=DutyKind.POST_NIGHT)
    wednesday = TUESDAY + datetime.timedelta(days=1)  # no duty at all
    later = at(wednesday + datetime.timedelta(days=2), 12, 0)
    for day in (MONDAY, TUESDAY, wednesday):
        assert refresh(nurse, day, later) is None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: later)
        for day in (MONDAY, TUESDAY, wednesday):
            zone_day_close(zone="Asia/Makassar", local_date=day)
    assert not DayStatus.objects.filter(employee_id=nurse.employee.id).exists()


def test_a_check_on_an_off_day_is_a_flagged_row_not_a_working_day(nurse, shift_types):  # noqa: F811
    make_duty(nurse, MONDAY, None, kind=DutyKind.OFF)
    check(nurse, at(MONDAY, 9, 0))
    row = refresh(nurse, MONDAY, at(MONDAY, 23, 0))
    assert row is not None and not row.is_working_day and row.absence is None and row.flagged


def test_leave_over_duties(nurse, shift_types):  # noqa: F811
    employee = nurse.employee
    make_duty(nurse, MONDAY, shift_types["P"])
    make_duty(nurse, TUESDAY, None, kind=DutyKind.OFF)
    LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=LeaveKind.SAKIT,
        date_from=MONDAY,
        date_to=TUESDAY,
        status=ApprovalStatus.APPROVED,
    )
    later = at(TUESDAY + datetime.timedelta(days=1), 12, 0)
    row = refresh(nurse, MONDAY, later)
    assert row.absence == Absence.S and row.credited_minutes == 420 and row.is_working_day
    assert refresh(nurse, TUESDAY, later) is None  # an OFF day consumes nothing


def test_duty_on_holiday_counts_as_worked(nurse, shift_types, org_world):  # noqa: F811
    from flexwork.org.models import Holiday

    Holiday.objects.create(agency=org_world.agency_a, date=MONDAY, name="Hari Raya Nyepi", kind="LIBUR_NASIONAL")
    make_duty(nurse, MONDAY, shift_types["P"])
    check(nurse, at(MONDAY, 6, 58))
    check(nurse, at(MONDAY, 14, 1), kind=CheckKind.OUT)
    row = refresh(nurse, MONDAY, at(MONDAY, 18, 30))
    assert row.absence is None and row.is_working_day and row.holiday_worked
    assert row.arrival == Arrival.H and row.worked_minutes == 420


def test_a_roster_employee_without_a_published_roster_has_no_status(nurse, shift_types):  # noqa: F811
    duty = make_duty(nurse, MONDAY, shift_types["P"])
    type(duty).objects.filter(id=duty.id).update(is_published=False)
    assert refresh(nurse, MONDAY, at(TUESDAY, 12, 0)) is None


def test_late_grace_minutes(nurse, shift_types, org_world):  # noqa: F811
    from flexwork.org.models import AgencyPolicy

    AgencyPolicy.objects.filter(agency_id=org_world.agency_a.id).update(late_grace_minutes=5)
    make_duty(nurse, MONDAY, shift_types["P"])
    check(nurse, at(MONDAY, 7, 4))
    assert refresh(nurse, MONDAY, at(MONDAY, 8, 0)).arrival == Arrival.H


def test_the_sweep_is_on_the_beat():
    from django.conf import settings

    from attendance.tasks import duty_statuses_decide_task

    entry = settings.CELERY_BEAT_SCHEDULE["attendance-duty-statuses"]
    assert entry["task"] == duty_statuses_decide_task.name and entry["schedule"] == 300.0


def test_a_batch_of_roster_statuses_reads_in_a_fixed_number_of_queries(
    nurses,  # noqa: F811
    shift_types,  # noqa: F811
    django_assert_max_num_queries,
):
    for user in nurses:
        make_duty(user, MONDAY, shift_types["P"])
        check(user, at(MONDAY, 6, 55))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.now", lambda: at(MONDAY, 19, 0))
        # employees, schedule days, leave, events, corrections, duties, policy (2), holidays, Ramadan, upsert
        with django_assert_max_num_queries(11):
            day_statuses_compute(employee_ids=[u.employee.id for u in nurses], local_date=MONDAY)
    assert DayStatus.objects.filter(employee_id__in=[u.employee.id for u in nurses], arrival=Arrival.H).count() == 4
