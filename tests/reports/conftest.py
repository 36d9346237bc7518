"""A small, hand-checkable month for the report tests: March 2025 in agency A (WITA) with a unit in
WIT (Asia/Jayapura), Ramadan from 1 to 30 March (6.5 h days) and two holidays (Fri 28 March, cuti
bersama, in Ramadan; Mon 31 March, Idul Fitri, a normal 7.5 h day).

Working days of March 2025: 3–7, 10–14, 17–21, 24–27 = 19 (28 and 31 are holidays). ISO weeks whose
Thursday falls in March: W10–W13 (3–30 March).

- P = Pegawai A (A-SEC): present on time all month, full hours; Mon 3 March still snapshotted in
  A-DIV (moved on the 4th); TK on Wed 12 (W11 below); TL2 on Mon 17, 45 min short (W12 below);
  HOME days planned on 5 and 19 March (the 19th approved with an override, without an output log).
  February: 3–7 with TK on the 4th and 6th (the FWA "before" window).
- K = Kasi A (A-SEC): present all month except TK on Tue 4 March; TK on 6, 8 and 10 January.
- W = a WIT employee (A-PAPUA): TK on the 10 working days 10–21 March (10 consecutive), HKP on the 3rd.
- B = Pegawai B (agency B): one TK row in March, which must never show in agency A's reports.
DayStatus rows are written directly (attendance computes them in production) so that the oracle
numbers below are independent of the attendance code."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

D = datetime.date
RAMADAN = (D(2025, 3, 1), D(2025, 3, 30))
HOLIDAYS = {D(2025, 3, 28), D(2025, 3, 31)}
MARCH = [D(2025, 3, d) for d in range(1, 32)]


def required(day: datetime.date) -> int:
    if day.isoweekday() > 5:
        return 0
    if RAMADAN[0] <= day <= RAMADAN[1]:
        return 390  # Mon–Thu 08:00–15:00 − 30; Fri 08:00–15:30 − 60
    return 450  # Mon–Thu 07:30–16:00 − 60; Fri 07:30–16:30 − 90


def status_row(employee, day, *, unit=None, absence=None, arrival="H", departure="ON_TIME", worked=None, **extra):
    from attendance.models import DayStatus

    req = required(day)
    working = day not in HOLIDAYS
    values = {
        "agency_id": employee.agency_id,
        "employee_id": employee.id,
        "local_date": day,
        "location": extra.pop("location", "OFFICE"),
        "is_working_day": working,
        "is_ramadan": RAMADAN[0] <= day <= RAMADAN[1],
        "required_minutes": req,
        "unit_id": (unit or employee.unit).id,
        "supervisor_id": employee.supervisor_id,
        "computed_at": timezone.now(),
    }
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(1, 0)), datetime.UTC)
    if not working:
        values.update(absence="LIBUR", credited_minutes=req)
    elif absence == "TK":
        values.update(absence="TK")
    elif absence:
        values.update(absence=absence, credited_minutes=req)
    else:
        done = req if worked is None else worked
        values.update(
            arrival=arrival,
            departure=departure,
            check_in_at=moment if arrival != "HKD" else None,
            check_out_at=moment if departure != "HKP" else None,
            worked_minutes=done,
            credited_minutes=done,
        )
    values.update(extra)
    return DayStatus(**values)


def weekdays(days):
    return [d for d in days if d.isoweekday() <= 5]


@pytest.fixture
def march(org_world):
    from attendance.models import DayStatus
    from flexwork.org import services as org_services
    from flexwork.org.models import Holiday, HolidayKind, RamadanRange
    from schedules.models import ArrangementRequest, ScheduleDay
    from tests.org.factories import EmployeeFactory, UnitFactory

    w = org_world
    agency = w.agency_a
    org_services.agency_update(agency=agency, data={"fwa_start_date": D(2025, 3, 1)})
    RamadanRange.objects.create(agency=agency, start=RAMADAN[0], end=RAMADAN[1])
    for day, name, kind in (
        (D(2025, 3, 28), "Cuti bersama Nyepi", HolidayKind.CUTI_BERSAMA),
        (D(2025, 3, 31), "Idul Fitri", HolidayKind.LIBUR_NASIONAL),
    ):
        Holiday.objects.create(agency=agency, date=day, name=name, kind=kind, confirmed=True)
    papua = UnitFactory(agency=agency, code="A-PAPUA", name="UPT Papua", parent=w.root_a, time_zone="Asia/Jayapura")
    wit = EmployeeFactory(agency=agency, unit=papua, position=w.position_a, supervisor=None, name="Pegawai WIT")

    p = w.employee_a.employee
    k = w.supervisor_a.employee
    b = w.employee_b.employee
    rows = []
    for day in weekdays(MARCH):
        if day == D(2025, 3, 3):
            rows.append(status_row(p, day, unit=w.div_a))
        elif day == D(2025, 3, 12):
            rows.append(status_row(p, day, absence="TK"))
        elif day == D(2025, 3, 17):
            rows.append(status_row(p, day, arrival="TL2", worked=345, lateness_minutes=45))
        elif day in (D(2025, 3, 5), D(2025, 3, 19)):
            rows.append(status_row(p, day, location="HOME", missing_log=day == D(2025, 3, 19)))
        else:
            rows.append(status_row(p, day))
        rows.append(status_row(k, day, absence="TK" if day == D(2025, 3, 4) else None))
        if D(2025, 3, 10) <= day <= D(2025, 3, 21):
            rows.append(status_row(wit, day, absence="TK"))
        elif day == D(2025, 3, 3):
            rows.append(status_row(wit, day, departure="HKP", worked=0))
        else:
            rows.append(status_row(wit, day))
    for day in weekdays([D(2025, 2, d) for d in range(3, 8)]):
        rows.append(status_row(p, day, absence="TK" if day.day in (4, 6) else None))
    for day in weekdays([D(2025, 1, d) for d in range(6, 11)]):
        rows.append(status_row(k, day, absence="TK" if day.day in (6, 8, 10) else None))
    rows.append(status_row(b, D(2025, 3, 4), absence="TK"))
    DayStatus.objects.bulk_create(rows)

    arrangement = ArrangementRequest.objects.create(
        agency=agency,
        employee=p,
        status="approved",
        location="HOME",
        dates=[D(2025, 3, 19)],
        first_date=D(2025, 3, 19),
        last_date=D(2025, 3, 19),
        reason="Menyusun laporan",
        override_reason="Coverage accepted by the head",
    )
    for day, arr in ((D(2025, 3, 5), None), (D(2025, 3, 19), arrangement)):
        ScheduleDay.objects.create(
            agency=agency, employee=p, local_date=day, location="HOME", arrangement=arr, unit=p.unit
        )
    return SimpleNamespace(world=w, agency=agency, papua=papua, p=p, k=k, wit=wit, b=b)


@pytest.fixture
def performance_data(march):
    from performance.models import Indicator, PeriodPlan, Realisation, Rhk, Skp

    w = march.world
    p = march.p
    skp = Skp.objects.create(
        agency=march.agency,
        employee=p,
        position=w.position_a,
        year=2025,
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        status="APPROVED",
        assessor=march.k,
        approved_at=timezone.now(),
        created_by=w.supervisor_a,
    )
    rhk = Rhk.objects.create(agency=march.agency, skp=skp, description="Laporan pelayanan")
    made = []
    for description, tmin, tmax, direction, value in (
        ("Jumlah laporan", 10, 10, "HIGHER", 8),  # 80.00
        ("Keluhan", 5, 5, "LOWER", 6),  # 83.33
        ("Dokumen", 10, 20, "HIGHER", 25),  # 125.00
        ("Rapat", 4, 4, "HIGHER", None),  # no realisation yet
    ):
        indicator = Indicator.objects.create(
            agency=march.agency,
            rhk=rhk,
            aspect="QUANTITY",
            description=description,
            target_min=tmin,
            target_max=tmax,
            unit="dokumen",
            direction=direction,
        )
        plan = PeriodPlan.objects.create(
            agency=march.agency,
            indicator=indicator,
            number=3,
            period_start=D(2025, 3, 1),
            period_end=D(2025, 3, 31),
            target_min=tmin,
            target_max=tmax,
        )
        if value is not None:
            Realisation.objects.create(
                agency=march.agency, period_plan=plan, indicator=indicator, value=value, entered_by=w.employee_a
            )
        made.append(indicator)
    return made
