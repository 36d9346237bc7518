"""The demo agency's history (`manage.py seed_demo`): the last three full months and the current
month up to today, in the office calendar. Check-ins with lateness (TL) and early leave (PSW),
a few missing check-outs and flagged fences, approved home and designated-location days within
two per week (docs/rules.md §1) with some rejected and withdrawn requests, leave and official duty,
daily output logs verified or sent back by supervisors, and a few requests awaiting a decision.

Rows are inserted in bulk; the daily statuses are then computed by the product's own batch
function (`attendance.status.day_statuses_compute`), day by day. Deterministic: every choice
comes from a random generator seeded with the person and the day. Idempotent: a day that already
has daily statuses, check-ins or days away in the demo agency is left as it is."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from attendance.models import (
    CheckEvent,
    CheckFlag,
    DayLocation,
    DayStatus,
    LeaveKind,
    LeaveRequest,
    Verification,
    WorkLog,
)
from attendance.status import day_schedule, day_statuses_compute
from flexwork.approvals.models import ApprovalStatus, ApprovalStep
from flexwork.common.calendar import add_months, is_working_day, now_in, office_zone, today_in, unit_zone_name
from flexwork.org.models import Agency, DesignatedLocation, Employee
from flexwork.org.models.organisation import WorkWeek
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.models import ArrangementRequest, DaySource, Location, ScheduleDay, WorkPlanItem

SEED = "flexwork-demo-2026"

OUTPUTS = [
    ("Menyusun draf siaran pers kegiatan dinas", "dokumen"),
    ("Memperbarui konten laman layanan informasi publik", "halaman"),
    ("Menanggapi permohonan informasi publik", "permohonan"),
    ("Memeriksa log server dan jaringan kantor", "laporan"),
    ("Menguji modul aplikasi presensi daerah", "skenario uji"),
    ("Memperbaiki galat pada aplikasi layanan perizinan", "perbaikan"),
    ("Menyusun notulen rapat koordinasi bidang", "notulen"),
    ("Memverifikasi data pegawai untuk laporan kepegawaian", "berkas"),
    ("Mengunggah dataset ke portal satu data", "dataset"),
    ("Menyiapkan bahan paparan pimpinan", "bahan paparan"),
]
REASONS_HOME = "Menyelesaikan penyusunan dokumen yang membutuhkan konsentrasi penuh."
REASONS_REJECT = "Rapat koordinasi tatap muka dengan pimpinan pada hari tersebut."
STREETS = ["Jl. Perintis Kemerdekaan", "Jl. Urip Sumoharjo", "Jl. Pettarani", "Jl. Sultan Alauddin", "Jl. Veteran"]


def _rng(*parts) -> random.Random:
    return random.Random("|".join(str(p) for p in (SEED, *parts)))


def _at(day: datetime.date, minutes: float, zone) -> datetime.datetime:
    local = datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=zone) + datetime.timedelta(minutes=minutes)
    return local.astimezone(datetime.UTC)


def seed_homes(*, agency: Agency, eligible_keys: set[int]) -> int:
    """Everyone who may work from home has a home location their supervisor approved a month before
    the history starts, so their home days are checked against it (docs/rules.md §4)."""
    from flexwork.onboarding.models import HomeLocationRequest, HomeLocationStatus

    decided = now_in(agency.time_zone) - datetime.timedelta(days=130)
    have = set(
        HomeLocationRequest.objects.filter(agency=agency, employee_id__in=eligible_keys).values_list(
            "employee_id", flat=True
        )
    )
    made = 0
    people = Employee.objects.filter(id__in=eligible_keys - have).select_related("unit", "supervisor__user")
    for employee in people.order_by("id"):
        rng = _rng(employee.nip, "home")
        latitude = (employee.unit.office_latitude + Decimal(rng.randint(-400, 400)) / 10000).quantize(Decimal("1e-6"))
        longitude = (employee.unit.office_longitude + Decimal(rng.randint(-400, 400)) / 10000).quantize(Decimal("1e-6"))
        address = f"{rng.choice(STREETS)} No. {rng.randint(1, 180)}, Makassar"
        supervisor = employee.supervisor.user if employee.supervisor else None
        HomeLocationRequest.objects.create(
            agency=agency,
            employee=employee,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=rng.randint(5, 20),
            address=address,
            status=HomeLocationStatus.APPROVED,
            decided_by=supervisor,
            decided_at=decided,
        )
        Employee.objects.filter(id=employee.id).update(home_latitude=latitude, home_longitude=longitude)
        made += 1
    return made


def seed_history(*, agency: Agency, eligible_keys: set[int]) -> int:
    """Seed the history of `agency`; returns the number of rows made. `eligible_keys` are the ids
    of the people who may work away from the office (eligible position, a supervisor, not new)."""
    today = today_in(agency.time_zone)
    first = add_months(today.replace(day=1), -3)
    # A day is done once it has statuses, check-ins or approved days away (today may have only some).
    done = set()
    for model in (DayStatus, CheckEvent, ScheduleDay):
        done |= set(model.objects.filter(agency=agency, local_date__gte=first).values_list("local_date", flat=True))
    holidays = holiday_dates(agency_id=agency.id, date_from=first, date_to=today)
    days = []
    day = first
    while day <= today:
        if day not in done and is_working_day(day, holidays):
            days.append(day)
        day += datetime.timedelta(days=1)
    if not days:
        return 0
    # The people of a unit that works a roster have their duties' history instead (seed_shifts).
    employees = list(
        Employee.objects.filter(agency=agency, is_active=True, unit__work_week=WorkWeek.MON_FRI)
        .select_related("unit", "agency", "supervisor__user")
        .order_by("id")
    )
    designated = list(DesignatedLocation.objects.filter(agency=agency).order_by("name"))
    policies = {}
    for employee in employees:
        if employee.unit_id not in policies:
            policies[employee.unit_id] = policy_for(agency=agency.id, unit=employee.unit)
    now = timezone.now()
    rows = defaultdict(list)
    day_set = set(days)

    for employee in employees:
        zone = office_zone(employee)
        supervisor = employee.supervisor
        decider = supervisor.supervisor_id if supervisor and supervisor.supervisor_id else None
        leave_days: set[datetime.date] = set()
        # Leave and official duty: a few blocks per month.
        for month_start in sorted({d.replace(day=1) for d in days}):
            rng = _rng(employee.nip, "leave", month_start)
            month_days = [d for d in days if d.replace(day=1) == month_start and d < today]
            if not month_days:
                continue
            for kind, chance, length in (
                (LeaveKind.CT, 0.25, 3),
                (LeaveKind.SAKIT, 0.12, 1),
                (LeaveKind.DINAS_LUAR, 0.2, 2),
            ):
                if rng.random() >= chance:
                    continue
                start_index = rng.randrange(len(month_days))
                block = month_days[start_index : start_index + rng.randint(1, length)]
                if leave_days & set(block):
                    continue
                leave_days |= set(block)
                decided = _at(block[0], 8 * 60, zone) - datetime.timedelta(days=2)
                rows[LeaveRequest].append(
                    LeaveRequest(
                        agency=agency,
                        employee=employee,
                        kind=kind,
                        date_from=block[0],
                        date_to=block[-1],
                        reason={
                            LeaveKind.CT: "Keperluan keluarga.",
                            LeaveKind.SAKIT: "Demam, surat keterangan dokter menyusul.",
                            LeaveKind.DINAS_LUAR: "Koordinasi program dengan pemerintah kabupaten.",
                        }[kind],
                        status=ApprovalStatus.APPROVED,
                        recommender=None,
                        decider_id=supervisor.id if supervisor else None,
                        submitted_at=decided - datetime.timedelta(days=1),
                        decided_at=decided,
                        created_by=employee.user,
                    )
                )
        # Days away from the office: at most two a week, each through an approved request.
        away: dict[datetime.date, tuple[str, DesignatedLocation | None]] = {}
        if employee.id in eligible_keys:
            weeks = defaultdict(list)
            for d in days:
                if d not in leave_days:
                    weeks[d.isocalendar()[:2]].append(d)
            for week, week_days in sorted(weeks.items()):
                rng = _rng(employee.nip, "away", week)
                count = rng.choices((0, 1, 2), weights=(3, 4, 3))[0]
                for d in sorted(rng.sample(week_days, min(count, len(week_days)))):
                    if designated and rng.random() < 0.2:
                        away[d] = (Location.DESIGNATED, designated[rng.randrange(len(designated))])
                    else:
                        away[d] = (Location.HOME, None)
                spare = [d for d in week_days if d not in away]
                if spare and rng.random() < 0.15:
                    d = spare[rng.randrange(len(spare))]
                    withdrawn = rng.random() < 0.4
                    status = ApprovalStatus.WITHDRAWN if withdrawn else ApprovalStatus.REJECTED
                    rows[ArrangementRequest].append(
                        ArrangementRequest(
                            agency=agency,
                            employee=employee,
                            location=Location.HOME,
                            first_date=d,
                            dates=[d],
                            last_date=d,
                            requested_from=d,
                            requested_to=d,
                            reason=REASONS_HOME,
                            status=status,
                            recommender_id=supervisor.id,
                            decider_id=decider or supervisor.id,
                            submitted_at=_at(d, 9 * 60, zone) - datetime.timedelta(days=3),
                            decided_at=_at(d, 10 * 60, zone) - datetime.timedelta(days=2),
                        )
                    )
        requests = {}
        for d, (location, place) in sorted(away.items()):
            request = ArrangementRequest(
                agency=agency,
                employee=employee,
                location=location,
                designated_location=place,
                first_date=d,
                dates=[d],
                last_date=d,
                requested_from=d,
                requested_to=d,
                reason=REASONS_HOME,
                status=ApprovalStatus.APPROVED,
                recommender_id=supervisor.id if decider else None,
                decider_id=decider or supervisor.id,
                submitted_at=_at(d, 9 * 60, zone) - datetime.timedelta(days=4),
                decided_at=_at(d, 10 * 60, zone) - datetime.timedelta(days=3),
            )
            requests[d] = request
            rows[ArrangementRequest].append(request)

        policy = policies[employee.unit_id]
        for d in days:
            if d in leave_days:
                continue
            rng = _rng(employee.nip, "day", d)
            schedule = day_schedule(policy=policy, day=d, ramadan=False)
            location, place = away.get(d, (Location.OFFICE, None))
            if d == today and rng.random() < 0.25:
                continue  # not yet checked in today
            if rng.random() < 0.02:
                continue  # absent without reason (TK)
            roll = rng.random()
            if roll < 0.80:
                late = -rng.randint(5, 30)
            elif roll < 0.92:
                late = rng.randint(1, 30)
            elif roll < 0.97:
                late = rng.randint(31, 60)
            else:
                late = rng.randint(61, 100)
            check_in = _at(d, schedule.start + late, zone)
            if check_in > now:
                continue
            flagged = location == Location.OFFICE and rng.random() < 0.02
            fence = {
                Location.OFFICE: (
                    employee.unit.office_radius_m,
                    employee.unit.office_latitude,
                    employee.unit.office_longitude,
                ),
            }.get(location)
            if place is not None:
                fence = (place.radius_m, place.latitude, place.longitude)
            base = {
                "agency": agency,
                "employee": employee,
                "local_date": d,
                "location": location,
                "unit_id": employee.unit_id,
                "supervisor_id": employee.supervisor_id,
                "accuracy_m": float(rng.randint(5, 30)),
                "latitude": fence[1] if fence else None,
                "longitude": fence[2] if fence else None,
                "fence_radius_m": fence[0] if fence else None,
            }
            distance = rng.randint(180, 600) if flagged else rng.randint(3, 90)
            rows[CheckEvent].append(
                CheckEvent(
                    **base,
                    kind="IN",
                    at=check_in,
                    distance_m=distance if fence else None,
                    inside_fence=(not flagged) if fence else None,
                    flags=[CheckFlag.OUTSIDE_FENCE] if flagged else ([] if fence else [CheckFlag.NO_FENCE]),
                    flagged=flagged,
                )
            )
            out_roll = rng.random()
            if d == today or out_roll < 0.04:
                pass  # no check-out (yet)
            else:
                early = rng.randint(5, 90) if out_roll < 0.12 else -rng.randint(0, 40)
                rows[CheckEvent].append(
                    CheckEvent(
                        **base,
                        kind="OUT",
                        at=_at(d, schedule.end - early, zone),
                        distance_m=rng.randint(3, 90) if fence else None,
                        inside_fence=True if fence else None,
                        flags=[] if fence else [CheckFlag.NO_FENCE],
                        flagged=False,
                    )
                )
            if d == today or rng.random() < 0.12:
                continue
            old = (today - d).days > 3
            for n in range(rng.choice((1, 1, 2))):
                description, measure = OUTPUTS[rng.randrange(len(OUTPUTS))]
                verdict, note, verified_at = None, "", None
                if old and supervisor is not None:
                    v = rng.random()
                    # Supervisors verify within days: few older logs are still waiting.
                    if v < 0.80:
                        verdict = Verification.SESUAI
                    elif v < 0.93:
                        verdict, note = Verification.KURANG, "Lengkapi lampiran hasil kerja."
                    elif v < 0.98:
                        verdict, note = Verification.TIDAK_SESUAI, "Hasil belum sesuai rencana kerja; mohon diperbaiki."
                    if verdict:
                        verified_at = _at(d, 17 * 60, zone) + datetime.timedelta(days=1)
                rows[WorkLog].append(
                    WorkLog(
                        agency=agency,
                        employee=employee,
                        local_date=d,
                        location=DayLocation(location),
                        description=description,
                        quantity=Decimal(rng.randint(1, 4)),
                        unit_of_measure=measure,
                        minutes_spent=rng.choice((60, 90, 120, 180, 240)),
                        link=(
                            f"https://drive.diskominfo.sulselprov.go.id/berkas/{employee.nip[-4:]}-{d:%Y%m%d}-{n}"
                            if rng.random() < 0.3
                            else ""
                        ),
                        verification=verdict,
                        verification_note=note,
                        verified_by=supervisor.user if verdict else None,
                        verified_at=verified_at,
                        unit_id=employee.unit_id,
                        supervisor_id=employee.supervisor_id,
                    )
                )
        employee._demo_requests = requests  # noqa: SLF001 (schedule days below link to them)

    made = 0
    for model in (LeaveRequest, ArrangementRequest, CheckEvent, WorkLog):
        made += len(model.objects.bulk_create(rows[model], batch_size=1000))
    schedule_days = [
        ScheduleDay(
            agency=agency,
            employee=employee,
            local_date=d,
            location=request.location,
            designated_location=request.designated_location,
            source=DaySource.INDIVIDUAL,
            arrangement=request,
            unit_id=employee.unit_id,
            supervisor_id=employee.supervisor_id,
        )
        for employee in employees
        for d, request in employee._demo_requests.items()  # noqa: SLF001
    ]
    made += len(ScheduleDay.objects.bulk_create(schedule_days, batch_size=1000))
    made += _pending(agency=agency, employees=employees, eligible_keys=eligible_keys, today=today)
    ids = [e.id for e in employees]
    for d in sorted(day_set):
        if d == today:
            # Today is not closed: like the check refresh, only those who checked in have a status yet.
            checked = {event.employee_id for event in rows[CheckEvent] if event.local_date == today}
            made += day_statuses_compute(employee_ids=[i for i in ids if i in checked], local_date=d)
        else:
            made += day_statuses_compute(employee_ids=ids, local_date=d)
    return made


def _pending(*, agency: Agency, employees: list[Employee], eligible_keys: set[int], today: datetime.date) -> int:
    """One request for next week awaiting each supervisor, so no approval queue of the demo is empty."""
    if ArrangementRequest.objects.filter(agency=agency, status=ApprovalStatus.SUBMITTED).exists():
        return 0
    monday = today + datetime.timedelta(days=7 - today.weekday())
    rows = []
    waiting: set[int] = set()
    for index, employee in enumerate(e for e in employees if e.id in eligible_keys):
        if employee.supervisor_id in waiting:
            continue
        waiting.add(employee.supervisor_id)
        d = monday + datetime.timedelta(days=index % 5)
        supervisor = employee.supervisor
        rows.append(
            ArrangementRequest(
                agency=agency,
                employee=employee,
                location=Location.HOME,
                first_date=d,
                dates=[d],
                last_date=d,
                requested_from=d,
                requested_to=d,
                reason=REASONS_HOME,
                status=ApprovalStatus.SUBMITTED,
                step=ApprovalStep.RECOMMEND if supervisor.supervisor_id else ApprovalStep.DECIDE,
                recommender_id=supervisor.id if supervisor.supervisor_id else None,
                decider_id=supervisor.supervisor_id or supervisor.id,
                submitted_at=now_in(agency.time_zone) - datetime.timedelta(hours=20),
                step_since=now_in(agency.time_zone) - datetime.timedelta(hours=20),
            )
        )
    made = ArrangementRequest.objects.bulk_create(rows)
    plans = []
    for request in made:
        rng = _rng(request.employee_id, "plan", request.first_date)
        for position, (description, unit) in enumerate(rng.sample(OUTPUTS, 2)):
            plans.append(
                WorkPlanItem(
                    arrangement_request=request,
                    description=description,
                    quantity=Decimal(rng.randint(1, 4)),
                    unit=unit,
                    position=position,
                )
            )
    WorkPlanItem.objects.bulk_create(plans)
    return len(made) + len(plans)


# Per position: the planned work result and its two indicators (description, unit, annual target).
SKP_PLANS = {
    "PRAKOM": (
        "Tersedianya layanan aplikasi dan infrastruktur TIK yang andal",
        [("Jumlah modul aplikasi yang diuji dan diperbaiki", "modul", 48), ("Laporan pemeliharaan", "laporan", 12)],
    ),
    "PRAKOMHUMAS": (
        "Tersebarnya informasi kegiatan pemerintah daerah kepada publik",
        [("Jumlah siaran pers yang terbit", "siaran pers", 96), ("Konten media sosial", "konten", 240)],
    ),
    "ANALIS": (
        "Tersusunnya bahan analisis kebijakan bidang",
        [("Jumlah kajian kebijakan", "kajian", 12), ("Notulen rapat koordinasi", "notulen", 24)],
    ),
    "PENGADM": (
        "Tertibnya administrasi perkantoran unit kerja",
        [("Jumlah berkas yang diarsipkan", "berkas", 600), ("Surat keluar yang diproses", "surat", 360)],
    ),
}


def seed_skps(*, agency: Agency) -> int:
    """An approved SKP for each staff member in a planned position (drawn up and approved by the
    direct supervisor, through the performance services), with realisations for the periods that
    have ended: most on track, some short; the current period mostly not yet entered, so some
    targets are at risk. Idempotent: an employee with an SKP of the year is left alone."""
    from performance import services as perf
    from performance.models import IndicatorAspect, RhkKind, Skp

    today = today_in(agency.time_zone)
    have = set(Skp.objects.filter(agency=agency, year=today.year).values_list("employee_id", flat=True))
    staff = (
        Employee.objects.filter(agency=agency, is_active=True, supervisor__isnull=False, headed_units__isnull=True)
        .exclude(id__in=have)
        .select_related("position", "supervisor__user", "user", "agency")
        .order_by("nip")
    )
    made = 0
    for employee in staff:
        plan = SKP_PLANS.get(employee.position.code if employee.position else "")
        if plan is None:
            continue
        supervisor = employee.supervisor.user
        skp = perf.skp_create(actor=supervisor, employee=employee, year=today.year)
        rhk = perf.rhk_create(skp=skp, actor=supervisor, kind=RhkKind.MAIN, description=plan[0])
        indicators = [
            perf.indicator_create(
                rhk=rhk,
                actor=supervisor,
                aspect=IndicatorAspect.QUANTITY,
                description=description,
                target_min=target,
                unit=measure,
            )
            for description, measure, target in plan[1]
        ]
        perf.skp_approve(skp=skp, actor=supervisor)
        made += 3 + len(indicators)
        rng = _rng(employee.nip, "skp", today.year)
        behind = rng.random() < 0.25
        for indicator in indicators:
            for period_plan in indicator.period_plans.order_by("number"):
                current = period_plan.period_start <= today <= period_plan.period_end
                if period_plan.period_end >= today and not current:
                    break
                if current and not behind and rng.random() < 0.5:
                    continue
                share = rng.uniform(0.3, 0.6) if behind or current else rng.uniform(0.85, 1.15)
                value = (Decimal(period_plan.target_min) * Decimal(str(round(share, 2)))).quantize(Decimal("1"))
                perf.realisation_record(
                    indicator=indicator, actor=employee.user, period_date=period_plan.period_start, value=value
                )
                made += 1
    return made


def seed_reports(*, agency: Agency, user) -> int:
    """Last month's report of each kind that takes a month, requested by HR and made at once
    (the report service's own run, synchronously). A kind already run for that month is skipped."""
    from flexwork.reports.kinds import KINDS
    from flexwork.reports.models import ReportRun
    from flexwork.reports.services import report_run_execute, report_run_request

    today = today_in(agency.time_zone)
    last_month = add_months(today.replace(day=1), -1)
    period = f"{last_month:%Y-%m}"
    made = 0
    for kind, spec in KINDS.items():
        if "month" not in spec.period_formats:
            continue
        if ReportRun.objects.filter(agency=agency, kind=kind, period_end__gte=last_month).exists():
            continue
        run, created = report_run_request(user=user, kind=kind, period=period)
        if created:
            report_run_execute(run_id=run.id)
            made += 1
    return made


# ---------------------------------------------------------------------------- the 24/7 unit
# docs/rules.md §8: the emergency call centre works a roster. Four shifts a day around the clock, an
# eight-day rotation that every operator follows a day apart (so each day has two operators on each
# shift), and office hours for the head. Last month and this month published, next month a draft.

SHIFT_TYPES = [  # code, name, colour, start, end, breaks (min), night
    ("P", "Pagi", "#2e7d32", datetime.time(7), datetime.time(14), 0, False),
    ("S", "Siang", "#f9a825", datetime.time(14), datetime.time(21), 0, False),
    ("M", "Malam", "#3949ab", datetime.time(21), datetime.time(7), 60, True),
    ("L", "Panjang", "#c62828", datetime.time(7), datetime.time(19), 60, False),
    ("K", "Jam kantor", "#6d4c41", datetime.time(7, 30), datetime.time(16), 60, False),
]
ROTATION_NAME = "Rotasi 4 sif Layanan 112"
ROTATION = ["P", "P", "S", "S", "M", "M", "POST_NIGHT", "OFF"]
OFFICE_WEEK_NAME = "Jam kantor Senin–Jumat"
OFFICE_WEEK = ["K", "K", "K", "K", "K", "OFF", "OFF"]
PATTERN_ANCHOR = datetime.date(2026, 1, 5)  # a Monday
COVERAGE_MIN = {"P": 2, "S": 2, "M": 2}
SWAP_REASON = "Menghadiri pernikahan saudara di Kabupaten Bone."
PENDING_SWAP_REASON = "Mengikuti ujian penyesuaian ijazah di BKD Provinsi pada sore hari."
CHANGE_REASON = "Menutup sif pagi dan siang karena dua operator mengikuti pelatihan penanganan panggilan darurat."
PUBLISH_REASON = "Jam mingguan mengikuti rotasi empat sif yang ditetapkan Kepala Dinas."


def _duty_row(*, roster, employee, day: datetime.date, cell: str, types: dict, zone: str, holidays: set, **extra):
    from shifts.models import Duty, DutyKind
    from shifts.times import duty_times

    base = {
        "agency_id": roster.agency_id,
        "roster": roster,
        "employee": employee,
        "duty_date": day,
        "unit_id": employee.unit_id,
        "supervisor_id": employee.supervisor_id,
        "is_published": roster.status == "PUBLISHED",
        **extra,
    }
    if cell in (DutyKind.OFF, DutyKind.POST_NIGHT):
        return Duty(**base, kind=cell)
    shift = types[cell]
    times = duty_times(
        duty_date=day, start=shift.start_time, end=shift.end_time, break_minutes=shift.break_minutes, zone=zone
    )
    return Duty(
        **base,
        kind=DutyKind.SHIFT,
        shift_type=shift,
        start_at=times.start_at,
        end_at=times.end_at,
        break_minutes=times.break_minutes,
        net_minutes=times.net_minutes,
        checkin_open_before=shift.checkin_open_before,
        checkout_close_after=shift.checkout_close_after,
        is_night=shift.is_night,
        holiday_worked=day in holidays,
    )


def _shift_catalogue(*, agency: Agency, unit, head: Employee, operators: list[Employee]) -> tuple[dict, int]:
    """The shift types, the two patterns, the coverage minimums and everyone's assignment (once)."""
    from shifts.models import DayKind, RosterAssignment, ShiftCoverage, ShiftPattern, ShiftType

    made = 0
    types = {t.code: t for t in ShiftType.objects.filter(agency=agency)}
    for code, name, colour, start, end, breaks, night in SHIFT_TYPES:
        if code not in types:
            types[code] = ShiftType.objects.create(
                agency=agency,
                code=code,
                name=name,
                colour=colour,
                start_time=start,
                end_time=end,
                break_minutes=breaks,
                is_night=night,
            )
            made += 1
    patterns = {p.name: p for p in ShiftPattern.objects.filter(agency=agency)}
    for name, cells in ((ROTATION_NAME, ROTATION), (OFFICE_WEEK_NAME, OFFICE_WEEK)):
        if name not in patterns:
            patterns[name] = ShiftPattern.objects.create(
                agency=agency, name=name, anchor_date=PATTERN_ANCHOR, cells=cells
            )
            made += 1
    if not ShiftCoverage.objects.filter(unit=unit).exists():
        ShiftCoverage.objects.bulk_create(
            ShiftCoverage(agency=agency, unit=unit, shift_type=types[code], day_kind=kind, min_staff=minimum)
            for code, minimum in COVERAGE_MIN.items()
            for kind in DayKind.values
        )
        made += len(COVERAGE_MIN) * len(DayKind.values)
    assigned = set(
        RosterAssignment.objects.filter(employee__in=[head, *operators]).values_list("employee_id", flat=True)
    )
    wanted = [(head, patterns[OFFICE_WEEK_NAME], 0)] + [
        (operator, patterns[ROTATION_NAME], offset) for offset, operator in enumerate(operators)
    ]
    rows = [
        RosterAssignment(agency=agency, employee=e, pattern=p, offset=o, date_from=PATTERN_ANCHOR)
        for e, p, o in wanted
        if e.id not in assigned
    ]
    made += len(RosterAssignment.objects.bulk_create(rows))
    return types, made


def _roster_month(*, unit, head, start: datetime.date, published: bool, zone: str) -> tuple:
    """A month's roster generated from the patterns by the product's own services; a published one
    as if published ten days before the month began (over its warnings, with the head's reason)."""
    from shifts import rosters
    from shifts.models import Duty, Roster

    roster = rosters.roster_for(unit=unit, period_start=start)
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    if published:
        rosters.roster_publish(
            roster=roster, actor=head.user, expected_version=roster.version, override_reason=PUBLISH_REASON
        )
        published_at = _at(start, 10 * 60, zoneinfo.ZoneInfo(zone)) - datetime.timedelta(days=10)
        Roster.objects.filter(id=roster.id).update(
            published_at=published_at, generated_at=published_at - datetime.timedelta(days=2)
        )
        roster.refresh_from_db()
    return roster, Duty.objects.filter(roster=roster).count() + 1


def _replace(old, new, *, at: datetime.datetime) -> None:
    """`new` takes the place of the active duty `old` (a swap or a change after publishing)."""
    from shifts.models import Duty

    Duty.objects.filter(id=old.id).update(is_active=False, cancelled_at=at)
    new.sequence = old.sequence + 1
    new.save()
    Duty.objects.filter(id=old.id).update(replaced_by=new)


def _swap_and_change(*, roster, head: Employee, types: dict, zone: str) -> int:
    """One approved swap (an operator gives a morning duty to the colleague who had the day off) and
    one duty changed by the head with a reason, in the published `roster`."""
    from shifts.models import Duty, DutyKind, DutySource, DutySwap, SwapAnswer

    duties = Duty.objects.filter(roster=roster, is_active=True).select_related("employee", "shift_type")
    by_day = defaultdict(list)
    for duty in duties:
        by_day[duty.duty_date].append(duty)
    holidays = holiday_dates(agency_id=roster.agency_id, date_from=roster.period_start, date_to=roster.period_end)
    made = 0

    swap_day = roster.period_start + datetime.timedelta(days=9)
    giver = min((d for d in by_day[swap_day] if d.shift_type and d.shift_type.code == "P"), key=lambda d: d.employee_id)
    taker = next(d for d in by_day[swap_day] if d.kind == DutyKind.OFF and d.employee_id != head.id)
    submitted = giver.start_at - datetime.timedelta(days=6)
    swap = DutySwap.objects.create(
        agency_id=roster.agency_id,
        employee=giver.employee,
        duty=giver,
        colleague=taker.employee,
        answer=SwapAnswer.ACCEPTED,
        answered_at=submitted + datetime.timedelta(hours=5),
        reason=SWAP_REASON,
        expires_at=giver.start_at,
        status=ApprovalStatus.APPROVED,
        decider=head,
        submitted_at=submitted,
        step_since=submitted + datetime.timedelta(hours=5),
        decided_at=submitted + datetime.timedelta(days=1),
    )
    decided = swap.decided_at
    common = {"types": types, "zone": zone, "holidays": holidays, "source": DutySource.SWAP, "reason": SWAP_REASON}
    _replace(giver, _duty_row(roster=roster, employee=giver.employee, day=swap_day, cell="OFF", **common), at=decided)
    _replace(taker, _duty_row(roster=roster, employee=taker.employee, day=swap_day, cell="P", **common), at=decided)
    made += 3

    change_day = roster.period_start + datetime.timedelta(days=16)
    changed = min(
        (
            d
            for d in by_day[change_day]
            if d.shift_type and d.shift_type.code == "S" and d.employee_id != giver.employee_id
        ),
        key=lambda d: d.employee_id,
    )
    # Only the first of two afternoon duties in a row (the day before was a morning), so the long
    # duty keeps the rest before and after it.
    _replace(
        changed,
        _duty_row(
            roster=roster,
            employee=changed.employee,
            day=change_day,
            cell="L",
            types=types,
            zone=zone,
            holidays=holidays,
            source=DutySource.CHANGE,
            reason=CHANGE_REASON,
        ),
        at=changed.start_at - datetime.timedelta(days=3),
    )
    return made + 1


def _duty_checks(*, agency: Agency, unit, rosters: list, now: datetime.datetime) -> list:
    """Check-ins and check-outs of the published duties that have begun: most a little early, a few
    late, a few leaving early, one night duty missed outright."""
    from shifts.models import Duty, DutyKind

    duties = list(
        Duty.objects.filter(roster__in=rosters, is_active=True, kind=DutyKind.SHIFT, start_at__lte=now)
        .select_related("employee")
        .order_by("duty_date", "employee_id")
    )
    nights = [d for d in duties if d.is_night and d.end_at < now and d.duty_date.day >= 20]
    missed = nights[0].id if nights else None
    events = []
    for duty in duties:
        if duty.id == missed:
            continue
        rng = _rng(duty.employee.nip, "duty", duty.duty_date)
        roll = rng.random()
        late = rng.randint(3, 25) if roll < 0.07 else -rng.randint(4, 25)
        base = {
            "agency": agency,
            "employee": duty.employee,
            "local_date": duty.duty_date,
            "location": DayLocation.OFFICE,
            "duty": duty,
            "unit_id": duty.unit_id,
            "supervisor_id": duty.supervisor_id,
            "accuracy_m": float(rng.randint(5, 25)),
            "latitude": unit.office_latitude,
            "longitude": unit.office_longitude,
            "fence_radius_m": unit.office_radius_m,
            "inside_fence": True,
            "flags": [],
            "flagged": False,
        }
        events.append(
            CheckEvent(
                **base, kind="IN", at=duty.start_at + datetime.timedelta(minutes=late), distance_m=rng.randint(3, 60)
            )
        )
        early = rng.randint(10, 45) if rng.random() < 0.04 else -rng.randint(0, 15)
        out = duty.end_at - datetime.timedelta(minutes=early)
        if out <= now:
            events.append(CheckEvent(**base, kind="OUT", at=out, distance_m=rng.randint(3, 60)))
    return events


def _pending_swap(*, agency: Agency, unit, today: datetime.date) -> int:
    """One swap waiting for the head: an operator's afternoon duty in a few days, which the colleague
    who is off that day has accepted (through the swap services, so everyone is told)."""
    from flexwork.approvals.models import ApprovalStatus as S
    from flexwork.common.exceptions import ApplicationError, ConflictError
    from shifts import swaps
    from shifts.models import Duty, DutyKind, DutySwap

    if DutySwap.objects.filter(agency=agency, status__in=(S.DRAFT, S.SUBMITTED)).exists():
        return 0
    for ahead in range(3, 10):
        day = today + datetime.timedelta(days=ahead)
        duties = list(
            Duty.objects.filter(unit=unit, duty_date=day, is_active=True, is_published=True)
            .select_related("employee__user", "shift_type")
            .order_by("employee_id")
        )
        given = next((d for d in duties if d.shift_type and d.shift_type.code == "S"), None)
        off = next((d for d in duties if d.kind == DutyKind.OFF and d.employee_id != unit.head_id), None)
        if given is None or off is None:
            continue
        try:
            swap = swaps.swap_request(
                duty=given, colleague=off.employee, reason=PENDING_SWAP_REASON, actor=given.employee.user
            )
            swaps.swap_accept(swap=swap, actor=off.employee.user)
        except (ApplicationError, ConflictError):
            continue
        return 1
    return 0


def seed_shifts(*, agency: Agency, unit, head: Employee, operators: list[Employee]) -> int:
    """The 24/7 unit's shift catalogue, rosters, a swap, a changed duty, and the checks and statuses of
    its published duties so far. Idempotent: a month that already has a roster is left as it is."""
    from shifts.models import Roster

    types, made = _shift_catalogue(agency=agency, unit=unit, head=head, operators=operators)
    zone = unit_zone_name(unit)
    today = today_in(zone)
    this_month = today.replace(day=1)
    have = set(Roster.objects.filter(unit=unit).values_list("period_start", flat=True))
    new_published = []
    for months, published in ((-1, True), (0, True), (1, False)):
        start = add_months(this_month, months)
        if start in have:
            continue
        roster, count = _roster_month(unit=unit, head=head, start=start, published=published, zone=zone)
        made += count
        if published:
            new_published.append(roster)
            if months == -1:
                made += _swap_and_change(roster=roster, head=head, types=types, zone=zone)
    made += _pending_swap(agency=agency, unit=unit, today=today)
    if not new_published:
        return made
    now = timezone.now()
    events = _duty_checks(agency=agency, unit=unit, rosters=new_published, now=now)
    made += len(CheckEvent.objects.bulk_create(events, batch_size=1000))
    ids = [head.id, *(o.id for o in operators)]
    first = min(r.period_start for r in new_published)
    last = min(today, max(r.period_end for r in new_published))
    for day in (first + datetime.timedelta(days=n) for n in range((last - first).days + 1)):
        if day < today:
            made += day_statuses_compute(employee_ids=ids, local_date=day)
        else:
            checked = sorted({e.employee_id for e in events if e.local_date == day})
            made += day_statuses_compute(employee_ids=checked, local_date=day)
    return made
