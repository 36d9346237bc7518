"""The §8 soft warnings of a roster (docs/rules.md §8 "Hours" and "Coverage")."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from shifts import rosters
from shifts.models import DayKind, Duty, DutyKind, DutySource, ShiftCoverage
from shifts.warnings import warnings_for

MONDAY = datetime.date(2027, 1, 11)
WITA = datetime.timezone(datetime.timedelta(hours=8))


def day(offset: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=offset)


@pytest.fixture
def roster(roster_unit):
    return rosters.roster_for(unit=roster_unit, period_start=MONDAY)


@pytest.fixture
def put(roster, roster_unit, shift_types):
    """put(user, offset, cell, start=None, hours=None) writes one draft duty (explicit local start/length
    when given)."""

    def write(user, offset, cell, *, start: datetime.time | None = None, hours: float | None = None) -> Duty:
        kind = rosters.cell_kind(cell)
        values = rosters.duty_write_values(
            employee=user.employee,
            unit=roster_unit,
            duty_date=day(offset),
            shift_type=shift_types.get(cell),
            kind=kind,
        )
        if start is not None:
            begin = datetime.datetime.combine(day(offset), start, tzinfo=WITA)
            values["start_at"] = begin
            values["end_at"] = begin + datetime.timedelta(hours=hours)
            values["net_minutes"] = int(hours * 60) - values["break_minutes"]
        return Duty.objects.create(roster=roster, source=DutySource.MANUAL, **values)

    return write


def week_of(put, user, cells):
    """Seven cells from MONDAY (a full ISO week)."""
    return [put(user, i, cell) for i, cell in enumerate(cells)]


def codes(found):
    return [v.code for v in found]


def check(unit, first=0, last=6, **kwargs):
    return warnings_for(unit=unit, date_from=day(first), date_to=day(last), **kwargs)


@pytest.mark.django_db
def test_rest_of_exactly_10h_not_flagged(roster_unit, nurses, put):
    put(nurses[0], 0, "S")  # 14:00–21:00
    put(nurses[0], 1, "P")  # 07:00: exactly 10 h later
    assert "SHIFT_REST" not in codes(check(roster_unit))


@pytest.mark.django_db
def test_rest_of_9h59_flagged(roster_unit, nurses, put):
    put(nurses[0], 0, "S")  # ends 21:00
    put(nurses[0], 1, "P", start=datetime.time(6, 59), hours=7)
    found = [v for v in check(roster_unit) if v.code == "SHIFT_REST"]
    assert len(found) == 1
    assert found[0].dates == (day(0), day(1))
    assert nurses[0].employee.name in found[0].message


@pytest.mark.django_db
def test_week_below_the_office_requirement_is_flagged(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h < 37.5 h
    found = [v for v in check(roster_unit) if v.code == "SHIFT_WEEKLY_MIN"]
    assert len(found) == 1
    with translation.override("en"):
        found = [v for v in check(roster_unit) if v.code == "SHIFT_WEEKLY_MIN"]
    assert "35 h" in found[0].message and "37.5 h" in found[0].message


@pytest.mark.django_db
def test_week_requirement_less_a_holiday(roster_unit, nurses, put):
    from tests.org.factories import HolidayFactory

    HolidayFactory(agency=roster_unit.agency, date=day(2), name="Libur")
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "OFF", "OFF"])  # 35 h ≥ 30 h
    assert "SHIFT_WEEKLY_MIN" not in codes(check(roster_unit))


@pytest.mark.django_db
def test_week_not_rostered_in_full_has_no_minimum(roster_unit, nurses, put):
    put(nurses[0], 0, "P")
    assert "SHIFT_WEEKLY_MIN" not in codes(check(roster_unit))


@pytest.mark.django_db
def test_week_over_the_maximum_and_long_duty(roster_unit, nurses, put):
    week_of(put, nurses[0], ["L", "L", "L", "L", "L", "OFF", "OFF"])  # 5 × 11 h = 55 h: not over 55.5
    assert "SHIFT_WEEKLY_MAX" not in codes(check(roster_unit))
    Duty.objects.filter(employee_id=nurses[0].employee.id, duty_date=day(5)).delete()
    put(nurses[0], 5, "L")  # 66 h
    found = check(roster_unit)
    assert "SHIFT_WEEKLY_MAX" in codes(found)
    assert "SHIFT_LONG" not in codes(found)
    Duty.objects.filter(employee_id=nurses[0].employee.id, duty_date=day(6)).delete()
    put(nurses[0], 6, "L", start=datetime.time(7), hours=14)  # net 13 h
    assert "SHIFT_LONG" in codes(check(roster_unit))


@pytest.mark.django_db
def test_nights_in_a_row(roster_unit, nurses, put):
    week_of(put, nurses[0], ["M", "M", "M", "POST_NIGHT", "OFF", "M", "OFF"])
    assert "SHIFT_NIGHTS" not in codes(check(roster_unit))
    Duty.objects.filter(employee_id=nurses[0].employee.id, duty_date=day(3)).delete()
    put(nurses[0], 3, "M")
    found = [v for v in check(roster_unit) if v.code == "SHIFT_NIGHTS"]
    assert len(found) == 1 and found[0].dates == tuple(day(i) for i in range(4))


@pytest.mark.django_db
def test_duty_days_in_a_row(roster_unit, nurses, put):
    week_of(put, nurses[0], ["P", "P", "P", "P", "P", "P", "OFF"])
    assert "SHIFT_WEEKLY_REST" not in codes(check(roster_unit))
    Duty.objects.filter(employee_id=nurses[0].employee.id, duty_date=day(6)).delete()
    put(nurses[0], 6, "P")
    assert "SHIFT_WEEKLY_REST" in codes(check(roster_unit))


@pytest.mark.django_db
def test_coverage_of_a_shift(roster_unit, nurses, put, shift_types):
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id, unit=roster_unit, shift_type=shift_types["M"], day_kind=DayKind.WEEKDAY,
        min_staff=2,
    )  # fmt: skip
    put(nurses[0], 0, "M")
    put(nurses[1], 0, "M")
    put(nurses[2], 1, "M")
    found = [v for v in check(roster_unit, 0, 1) if v.code == "COVERAGE_SHIFT_MIN"]
    assert [v.dates for v in found] == [(day(1),)]


@pytest.mark.django_db
def test_replacing_judges_a_change_before_it_is_written(roster_unit, nurses, put, shift_types):
    put(nurses[0], 0, "S")
    put(nurses[0], 1, "OFF")
    values = rosters.duty_write_values(
        employee=nurses[0].employee, unit=roster_unit, duty_date=day(1), shift_type=shift_types["P"]
    )
    proposed = Duty(**values)
    assert "SHIFT_REST" not in codes(check(roster_unit))
    assert "SHIFT_REST" not in codes(check(roster_unit, replacing={(nurses[0].employee.id, day(1)): proposed}))
    proposed.start_at -= datetime.timedelta(minutes=1)
    assert "SHIFT_REST" in codes(check(roster_unit, replacing={(nurses[0].employee.id, day(1)): proposed}))


@pytest.mark.django_db
def test_messages_name_the_day_in_the_readers_language(roster_unit, nurses, put):
    put(nurses[0], 0, "S")
    put(nurses[0], 1, "P", start=datetime.time(6), hours=7)
    with translation.override("id"):
        message = next(v.message for v in check(roster_unit) if v.code == "SHIFT_REST")
    assert "Senin, 11 Jan" in message and "Selasa, 12 Jan" in message


@pytest.mark.django_db
def test_off_days_are_not_shifts(roster_unit, nurses, put):
    week_of(put, nurses[0], ["OFF"] * 7)
    assert all(d.kind == DutyKind.OFF for d in Duty.objects.filter(employee_id=nurses[0].employee.id))
    found = codes(check(roster_unit))
    assert "SHIFT_WEEKLY_MIN" in found and "SHIFT_REST" not in found
