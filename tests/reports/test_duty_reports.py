"""The reports of roster employees (docs/rules.md §8 "Calendar, iCal, reports, API"; §6).

October 2026 in agency A (WITA) with the ROSTER unit A-IGD of tests/shifts/conftest.py. Holidays:
Mon 19 October (a national holiday) and Fri 23 October (cuti bersama). An office colleague's October:
the 22 Monday–Fridays less the two holidays = 20 days × 7.5 h = 150 h.

`october`: nurse Sari's duties and statuses, written directly (attendance computes them in production):
- Thu 1 P 07:00–14:00, worked 15 min late; Fri 2 M 21:00–07:00 (+1), worked (9 h net, a night);
  Sat 3 POST_NIGHT; Sun 4 OFF;
- Mon 5 P missed (TK); Tue 6 OFF; Wed 7 P missed (TK);
- Thu 8 S 14:00–21:00 from a swap, worked;
- Mon 19 P on the national holiday and Fri 23 S on the cuti bersama, both worked;
- a replaced duty on the 9th and a draft one on the 10th, which never count.
The other nurses and the head have no duty that month unless a test gives them some."""

from __future__ import annotations

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.translation import override

from flexwork.org.models import Holiday, HolidayKind
from flexwork.reports.kinds import DUTY, KINDS
from tests.reports.test_kinds import rows_of, run_report
from tests.shifts import conftest as shifts_fixtures

# The shift tests' fixtures (tests/shifts/conftest.py), for this module too.
shift_position = shifts_fixtures.shift_position
roster_unit = shifts_fixtures.roster_unit
shift_types = shifts_fixtures.shift_types
nurses = shifts_fixtures.nurses

pytestmark = pytest.mark.django_db

D = datetime.date
WITA = datetime.timezone(datetime.timedelta(hours=8))
NATIONAL, CUTI_BERSAMA = D(2026, 10, 19), D(2026, 10, 23)
OCTOBER = (D(2026, 10, 1), D(2026, 10, 31))


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WITA)


def roster(unit, *, period=OCTOBER):
    from shifts.models import Roster, RosterStatus

    return Roster.objects.create(
        agency_id=unit.agency_id,
        unit=unit,
        period_start=period[0],
        period_end=period[1],
        status=RosterStatus.PUBLISHED,
        published_at=timezone.now(),
    )


def duty(the_roster, employee, day, cell, types, *, source="PATTERN", published=True, active=True):
    """A duty row as the roster writes it: SHIFT with its instants in WITA, or OFF / POST_NIGHT."""
    from shifts.models import Duty

    values = {
        "agency_id": the_roster.agency_id,
        "roster": the_roster,
        "employee": employee,
        "duty_date": day,
        "unit_id": the_roster.unit_id,
        "supervisor_id": employee.supervisor_id,
        "source": source,
        "is_published": published,
        "is_active": active,
        "holiday_worked": day in (NATIONAL, CUTI_BERSAMA),
    }
    if cell in ("OFF", "POST_NIGHT"):
        return Duty.objects.create(kind=cell, **values)
    shift = types[cell]
    start = _at(day, shift.start_time.hour, shift.start_time.minute)
    end_day = day + datetime.timedelta(days=1) if shift.end_time <= shift.start_time else day
    end = _at(end_day, shift.end_time.hour, shift.end_time.minute)
    net = int((end - start).total_seconds() // 60) - shift.break_minutes
    return Duty.objects.create(
        kind="SHIFT",
        shift_type=shift,
        start_at=start,
        end_at=end,
        break_minutes=shift.break_minutes,
        net_minutes=net,
        is_night=shift.is_night,
        **values,
    )


def duty_status(d, *, absence=None, worked=True, late=0):
    """The decided DayStatus of a duty: worked in full (late by `late` minutes), TK, or a leave code."""
    from attendance.models import DayStatus

    values = {
        "agency_id": d.agency_id,
        "employee_id": d.employee_id,
        "local_date": d.duty_date,
        "location": d.location,
        "is_working_day": True,
        "required_minutes": d.net_minutes,
        "unit_id": d.unit_id,
        "supervisor_id": d.supervisor_id,
        "computed_at": timezone.now(),
        "duty_id": d.id,
        "holiday_worked": d.holiday_worked,
    }
    if absence == "TK":
        values.update(absence="TK")
    elif absence:
        values.update(absence=absence, credited_minutes=d.net_minutes)
    elif worked:
        minutes = d.net_minutes - late
        values.update(
            check_in_at=d.start_at + datetime.timedelta(minutes=late),
            check_out_at=d.end_at,
            arrival="TL1" if late else "H",
            lateness_minutes=late,
            departure="ON_TIME",
            worked_minutes=minutes,
            credited_minutes=minutes,
        )
    return DayStatus.objects.create(**values)


@pytest.fixture
def october(org_world, roster_unit, shift_types, nurses):
    Holiday.objects.create(agency=org_world.agency_a, date=NATIONAL, name="Libur uji", kind=HolidayKind.LIBUR_NASIONAL)
    Holiday.objects.create(
        agency=org_world.agency_a, date=CUTI_BERSAMA, name="Cuti bersama uji", kind=HolidayKind.CUTI_BERSAMA
    )
    month = roster(roster_unit)
    sari = nurses[0].employee
    plan = [
        (D(2026, 10, 1), "P", None),
        (D(2026, 10, 2), "M", None),
        (D(2026, 10, 3), "POST_NIGHT", None),
        (D(2026, 10, 4), "OFF", None),
        (D(2026, 10, 5), "P", "TK"),
        (D(2026, 10, 6), "OFF", None),
        (D(2026, 10, 7), "P", "TK"),
        (D(2026, 10, 8), "S", None),
        (NATIONAL, "P", None),
        (CUTI_BERSAMA, "S", None),
    ]
    for day, cell, absence in plan:
        row = duty(month, sari, day, cell, shift_types, source="SWAP" if day == D(2026, 10, 8) else "PATTERN")
        if row.kind == "SHIFT":
            duty_status(row, absence=absence, late=15 if day == D(2026, 10, 1) else 0)
    # Neither a replaced duty nor a draft counts.
    duty(month, sari, D(2026, 10, 9), "L", shift_types, active=False)
    duty(month, sari, D(2026, 10, 10), "L", shift_types, published=False)
    return SimpleNamespace(roster=month, sari=sari, nurses=[n.employee for n in nurses])


def _by_nip(rows):
    return {row["nip"]: row for row in rows}


def test_compliance_counts_duties_of_roster_employees(october, hr_admin_a, org_world):
    run = run_report(hr_admin_a, "COMPLIANCE", "2026-10")
    rows = rows_of(run)
    got = _by_nip(rows)
    sari = got[october.sari.nip]
    assert sari["unit_code"] == "A-IGD"
    # 7 SHIFT duties (1, 2, 5, 7, 8, 19, 23); 5 worked; TK on 5 and 7; one night (the 2nd)
    assert {k: sari[k] for k in DUTY} == {
        "duties_rostered": "7",
        "duties_worked": "5",
        "tk_duties": "2",
        "night_duties": "1",
        # 7 h − 15 min + 9 h + 7 h + 7 h + 7 h = 36.75 h against an office colleague's 150 h
        "duty_hours": "36.75",
        "office_hours_required": "150.00",
        "hours_over_requirement": "-113.25",
        "holiday_duties": "2",
        "national_holiday_duties": "1",
        "swap_duties": "1",
        # 31 days less the 10 dates with a published duty (9 October's was replaced, 10 October's a draft)
        "unrostered_days": "21",
    }
    # The working days are the SHIFT duty dates, never Monday–Friday; the TK days are the missed duties.
    assert (sari["working_days"], sari["tk"], sari["late"], sari["on_time"], sari["holidays"]) == (
        "7",
        "2",
        "1",
        "4",
        "0",
    )
    assert (sari["planned_office_days"], sari["planned_flexible_days"], sari["open_days"]) == ("7", "0", "0")
    # Her weeks with duties fall short of an office colleague's week (W43: 3 working days, 22.5 h).
    assert sari["weeks_below_requirement"] == "2026-W40 2026-W41 2026-W43"

    # A nurse without a duty in October: every date unrostered, nothing else.
    budi = got[october.nurses[1].nip]
    assert (budi["duties_rostered"], budi["unrostered_days"], budi["working_days"], budi["open_days"]) == (
        "0",
        "31",
        "0",
        "0",
    )
    # A Monday–Friday employee: the duty columns are empty and the rest as before.
    office = got[org_world.employee_a.employee.nip]
    assert {k: office[k] for k in DUTY} == dict.fromkeys(DUTY, "")
    assert office["open_days"] == "20"  # no daily row in October: its 20 working days not yet closed

    # The unit summary sums the duty columns of the roster unit, and leaves them empty elsewhere.
    units = {row[0]: dict(zip(run.summary["unit_columns"], row, strict=True)) for row in run.summary["units"]}
    igd = units["A-IGD"]
    assert (igd["duties_rostered"], igd["tk_duties"], igd["holiday_duties"], igd["national_holiday_duties"]) == (
        7,
        2,
        2,
        1,
    )
    assert igd["unrostered_days"] == 31 * 5 - 10  # the head and four nurses
    assert units["A-SEC"]["duties_rostered"] is None


def test_payroll_recap_counts_duties(october, hr_admin_a):
    got = _by_nip(rows_of(run_report(hr_admin_a, "PAYROLL", "2026-10")))
    sari = got[october.sari.nip]
    assert (sari["working_days"], sari["present_days"], sari["tl1"], sari["tk"]) == ("7", "5", "1", "2")
    assert (sari["duties_rostered"], sari["night_duties"], sari["national_holiday_duties"], sari["swap_duties"]) == (
        "7",
        "1",
        "1",
        "1",
    )
    assert (sari["duty_hours"], sari["office_hours_required"]) == ("36.75", "150.00")


def test_leave_counts_the_duties_it_covers(org_world, roster_unit, shift_types, nurses, hr_admin_a):
    month = roster(roster_unit)
    dewi = nurses[2].employee
    for offset in range(5):  # 1–5 October: P, P, M on annual leave; OFF; P worked
        day = D(2026, 10, 1) + datetime.timedelta(days=offset)
        cell = ("P", "P", "M", "OFF", "P")[offset]
        row = duty(month, dewi, day, cell, shift_types)
        if row.kind == "SHIFT":
            duty_status(row, absence="C-CT" if offset < 3 else None)
    got = _by_nip(rows_of(run_report(hr_admin_a, "COMPLIANCE", "2026-10")))[dewi.nip]
    assert (got["duties_rostered"], got["duties_worked"], got["leave_days"], got["tk_duties"]) == ("4", "1", "3", "0")
    assert got["duty_hours"] == "30.00"  # 7 + 7 + 9 credited for the leave, 7 worked
    assert got["unrostered_days"] == "26"


def test_open_duties_are_not_yet_closed(org_world, roster_unit, shift_types, nurses, hr_admin_a):
    """A duty without a decided status (running, or not yet computed) is open, never TK."""
    from attendance.models import DayStatus

    month = roster(roster_unit)
    rahmat = nurses[3].employee
    decided = duty(month, rahmat, D(2026, 10, 1), "P", shift_types)
    duty_status(decided)
    duty(month, rahmat, D(2026, 10, 2), "P", shift_types)  # no status yet
    running = duty(month, rahmat, D(2026, 10, 3), "M", shift_types)
    DayStatus.objects.create(
        agency_id=running.agency_id,
        employee_id=rahmat.id,
        local_date=running.duty_date,
        location="OFFICE",
        is_working_day=True,
        required_minutes=running.net_minutes,
        unit_id=running.unit_id,
        computed_at=timezone.now(),
        duty_id=running.id,
        check_in_at=running.start_at,
        arrival="H",
    )
    got = _by_nip(rows_of(run_report(hr_admin_a, "COMPLIANCE", "2026-10")))[rahmat.nip]
    assert (got["working_days"], got["open_days"], got["tk_duties"], got["duties_worked"]) == ("3", "2", "0", "2")


def test_pp94_run_continues_across_off_days(org_world, roster_unit, shift_types, nurses, hr_admin_a):
    """One TK per missed duty, whatever its length; missed duties separated only by OFF / POST_NIGHT
    days or dates without a duty are one run (10 of them: dismissal); a worked duty ends a run."""
    month = roster(roster_unit)
    sari, budi = nurses[0].employee, nurses[1].employee
    # Sari: M, POST_NIGHT, OFF, then missed duties on 1, 4, 5, 8, 9 (after a date without a duty), ...
    day, missed = D(2026, 10, 1), 0
    cycle = ["M", "POST_NIGHT", "OFF", "L"]
    while missed < 10:
        cell = cycle[(day - D(2026, 10, 1)).days % 4]
        if day.day % 7 == 6:  # now and then a date without any duty
            day += datetime.timedelta(days=1)
            continue
        row = duty(month, sari, day, cell, shift_types)
        if row.kind == "SHIFT":
            duty_status(row, absence="TK")
            missed += 1
        day += datetime.timedelta(days=1)
    # Budi: the same 10 missed duties, but a worked duty after the fifth.
    for index in range(11):
        row = duty(month, budi, D(2026, 10, 1) + datetime.timedelta(days=2 * index), "L", shift_types)
        duty_status(row, absence=None if index == 5 else "TK")
        if index < 10:
            duty(month, budi, D(2026, 10, 2) + datetime.timedelta(days=2 * index), "OFF", shift_types)

    run = run_report(hr_admin_a, "DISCIPLINE", "2026-10")
    got = _by_nip(rows_of(run))
    assert (got[sari.nip]["tk_days"], got[sari.nip]["longest_consecutive_tk"], got[sari.nip]["band"]) == (
        "10",
        "10",
        "DISMISSAL",
    )
    assert (got[budi.nip]["tk_days"], got[budi.nip]["longest_consecutive_tk"], got[budi.nip]["band"]) == (
        "10",
        "5",
        "PERNYATAAN_TIDAK_PUAS",
    )


def test_duty_columns_have_labels_in_both_languages():
    for kind in ("COMPLIANCE", "PAYROLL"):
        spec = KINDS[kind]
        assert spec.column_names[-len(DUTY) :] == DUTY
        for name in DUTY:
            for language in ("en", "id"):
                with override(language):
                    label = str(spec.column_label(name))
                assert label != name and "_" not in label, (kind, name, language)
    with override("id"):
        assert str(KINDS["COMPLIANCE"].column_label("unrostered_days")) == "Hari tanpa jadwal dinas"


def test_the_duty_columns_reach_the_xlsx_and_the_excel_csv(october, hr_admin_a):
    import zipfile

    from flexwork.reports.models import reports_storage

    with override("id"):
        run = run_report(hr_admin_a, "COMPLIANCE", "2026-10")
    with reports_storage().open(run.excel_name, "rb") as fh:
        header = next(csv.reader(io.StringIO(fh.read().decode("utf-8-sig")), delimiter=";"))
    assert header[-2:] == ["Dinas hasil tukar", "Hari tanpa jadwal dinas"]
    with reports_storage().open(run.xlsx_name, "rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as book:
        strings = book.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in book.namelist() else ""
        sheets = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "Dinas malam" in strings + sheets


def test_a_unit_averaging_over_the_period_lists_no_week_below(october, roster_unit, hr_admin_a):
    """With `shift_hours_averaged_over_period` the unit's duty hours are judged over the month only
    (docs/rules.md §8 "Hours"): no week is listed, the month's difference still is."""
    from flexwork.org.models import UnitPolicyOverride

    UnitPolicyOverride.objects.create(
        agency_id=roster_unit.agency_id, unit=roster_unit, shift_hours_averaged_over_period=True
    )
    sari = _by_nip(rows_of(run_report(hr_admin_a, "COMPLIANCE", "2026-10")))[october.sari.nip]
    assert (sari["weeks_below_requirement"], sari["hours_over_requirement"]) == ("", "-113.25")
