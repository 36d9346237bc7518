"""docs/rules.md §7: schedule days on a newly declared holiday are kept but ignored, and their people are told."""

import datetime

import pytest

from flexwork.notifications.models import Notification
from flexwork.org.models import HolidayKind
from flexwork.org.services import holiday_create
from schedules.models import DaySource, Location, ScheduleDay
from tests.schedules.conftest import emp, next_monday

pytestmark = pytest.mark.django_db


def away_day(person, day, **extra):
    return ScheduleDay.objects.create(
        agency_id=person.agency_id,
        employee=person,
        local_date=day,
        location=Location.HOME,
        unit_id=person.unit_id,
        source=DaySource.INDIVIDUAL,
        **extra,
    )


def test_people_with_a_day_on_a_new_holiday_are_told_and_their_day_is_kept(
    employee_a, supervisor_a, employee_b, django_capture_on_commit_callbacks
):
    day = next_monday()
    planned = away_day(emp(employee_a), day)
    away_day(emp(supervisor_a), day + datetime.timedelta(days=1))  # another day: not told
    away_day(emp(employee_b), day)  # another agency: not told
    away_day(emp(supervisor_a), day, cancelled_at=datetime.datetime.now(datetime.UTC))  # cancelled: not told

    with django_capture_on_commit_callbacks(execute=True):
        holiday_create(agency=emp(employee_a).agency, date=day, name="Hari Libur Baru", kind=HolidayKind.LIBUR_NASIONAL)

    told = Notification.objects.filter(kind="holiday_declared")
    assert list(told.values_list("recipient_id", flat=True)) == [employee_a.id]
    assert "Hari Libur Baru" in told.get().body
    assert told.get().url == "/schedule/"
    planned.refresh_from_db()
    assert planned.cancelled_at is None  # kept in the calendar


def test_a_holiday_nobody_planned_for_tells_nobody(employee_a):
    holiday_create(agency=emp(employee_a).agency, date=next_monday(), name="Libur", kind=HolidayKind.CUTI_BERSAMA)

    assert not Notification.objects.filter(kind="holiday_declared").exists()
