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
from flexwork.common.calendar import add_months, is_working_day, now_in, office_zone, today_in
from flexwork.org.models import Agency, DesignatedLocation, Employee
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
    employees = list(
        Employee.objects.filter(agency=agency, is_active=True)
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
