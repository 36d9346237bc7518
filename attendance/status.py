"""Daily status (docs/rules.md §2 and §4): arrival, departure and absence kept apart, minutes worked,
and the day's and week's requirement. Hours and bands come from `policy_for` (the unit's override,
else the agency's). One batch function, `day_statuses_compute`, serves the refresh after an event
and the nightly job per office zone; it reads in a fixed number of queries per batch (plus two per
distinct unit for the policy) and writes with one upsert."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.db.models.functions import Coalesce
from django.utils import timezone

from attendance.models import (
    LEAVE_ABSENCE,
    Absence,
    Arrival,
    AttendanceCorrection,
    CheckEvent,
    CheckKind,
    DayLocation,
    DayStatus,
    Departure,
    LeaveKind,
    LeaveRequest,
)
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import is_working_day, office_today, office_zone
from flexwork.org.models import Employee, RamadanRange
from flexwork.org.models.organisation import WorkWeek
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.models import ScheduleDay

# When the break starts, by weekday (the policy holds its length, not its place in the day).
BREAK_START = datetime.time(12, 0)
FRIDAY_BREAK_START = datetime.time(11, 30)
ARRIVAL_BANDS = (Arrival.TL1, Arrival.TL2, Arrival.TL3, Arrival.TL4)
DEPARTURE_BANDS = (Departure.PSW1, Departure.PSW2, Departure.PSW3, Departure.PSW4)


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass(frozen=True)
class DaySchedule:
    """One day's hours in wall-clock minutes since midnight (office zone)."""

    start: int
    end: int
    break_start: int
    break_minutes: int
    clamp_start: int  # worked minutes count inside [clamp_start, clamp_end]
    clamp_end: int
    is_ramadan: bool
    is_dynamic: bool

    @property
    def break_end(self) -> int:
        return self.break_start + self.break_minutes

    @property
    def required_minutes(self) -> int:
        return int(self.end - self.start - _overlap(self.start, self.end, self.break_start, self.break_end))

    def worked_minutes(self, first: float, last: float) -> int:
        """Check times clamped to the span, minus the part of the break the span covers."""
        begin, finish = max(first, self.clamp_start), min(last, self.clamp_end)
        if finish <= begin:
            return 0
        return int(finish - begin - _overlap(begin, finish, self.break_start, self.break_end))


def day_schedule(
    *,
    policy,
    day: datetime.date,
    ramadan: bool,
    planned_start: datetime.time | None = None,
    planned_end: datetime.time | None = None,
) -> DaySchedule:
    friday = day.isoweekday() == 5
    prefix = ("ramadan_" if ramadan else "") + ("fri" if friday else "mon_thu")
    break_minutes = getattr(policy, f"{prefix}_break_minutes")
    break_start = _minutes(FRIDAY_BREAK_START if friday else BREAK_START)
    if planned_start is not None and planned_end is not None:
        return DaySchedule(
            start=_minutes(planned_start),
            end=_minutes(planned_end),
            break_start=break_start,
            break_minutes=break_minutes,
            clamp_start=_minutes(policy.dynamic_window_start),
            clamp_end=_minutes(policy.dynamic_window_end),
            is_ramadan=ramadan,
            is_dynamic=True,
        )
    start, end = _minutes(getattr(policy, f"{prefix}_start")), _minutes(getattr(policy, f"{prefix}_end"))
    return DaySchedule(start, end, break_start, break_minutes, start, end, ramadan, False)


def band(minutes: int, width: int, bands) -> str | None:
    """0 or less → None (on time); 1..w → first band; … ; over 3w → the last band."""
    if minutes <= 0:
        return None
    return bands[min(len(bands) - 1, (minutes - 1) // width)]


def _local_minutes(moment: datetime.datetime, zone: zoneinfo.ZoneInfo, day: datetime.date) -> float:
    local = moment.astimezone(zone)
    midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    return (local - midnight).total_seconds() / 60


@dataclass
class DayInputs:
    employee: Employee
    policy: object
    zone: zoneinfo.ZoneInfo
    holidays: set
    ramadan: bool
    schedule_day: ScheduleDay | None
    leave: LeaveRequest | None
    events: dict
    corrections: dict


def status_values(inputs: DayInputs, day: datetime.date) -> dict | None:
    """The DayStatus columns for one employee and day, or None for a weekend without anything."""
    employee, policy = inputs.employee, inputs.policy
    working = is_working_day(day, inputs.holidays)
    if day.isoweekday() > 5:
        return None
    sd = inputs.schedule_day
    schedule = day_schedule(
        policy=policy,
        day=day,
        ramadan=inputs.ramadan,
        planned_start=sd.planned_start if sd else None,
        planned_end=sd.planned_end if sd else None,
    )
    location = sd.location if sd else DayLocation.OFFICE
    event_in, event_out = inputs.events.get(CheckKind.IN), inputs.events.get(CheckKind.OUT)
    fix_in, fix_out = inputs.corrections.get(CheckKind.IN), inputs.corrections.get(CheckKind.OUT)
    check_in = fix_in.corrected_at if fix_in else (event_in.at if event_in else None)
    check_out = fix_out.corrected_at if fix_out else (event_out.at if event_out else None)
    flagged = any(e is not None and e.flagged and e.kind not in inputs.corrections for e in (event_in, event_out))
    values = {
        "agency_id": employee.agency_id,
        "employee_id": employee.id,
        "local_date": day,
        "location": location,
        "is_working_day": working,
        "is_ramadan": schedule.is_ramadan,
        "is_dynamic": schedule.is_dynamic,
        "scheduled_start": datetime.time(schedule.start // 60, schedule.start % 60),
        "scheduled_end": datetime.time(schedule.end // 60, schedule.end % 60),
        "check_in_at": check_in,
        "check_out_at": check_out,
        "arrival": None,
        "lateness_minutes": 0,
        "departure": None,
        "early_minutes": 0,
        "absence": None,
        "worked_minutes": 0,
        "required_minutes": schedule.required_minutes,
        "credited_minutes": 0,
        "flagged": flagged,
        "corrected": bool(inputs.corrections),
        "unit_id": employee.unit_id,
        "supervisor_id": employee.supervisor_id,
        "computed_at": timezone.now(),
    }
    if inputs.leave is not None and inputs.leave.kind == LeaveKind.CLTN:
        return _inactive(values)
    if not working:
        values.update(absence=Absence.LIBUR, credited_minutes=schedule.required_minutes)
        return values
    if inputs.leave is not None:
        # Leave and official duty take precedence over the schedule and count as fulfilled.
        values.update(absence=LEAVE_ABSENCE[inputs.leave.kind], credited_minutes=schedule.required_minutes)
        if inputs.leave.kind == LeaveKind.DINAS_LUAR:
            values["location"] = DayLocation.OFFICIAL_DUTY
        return values
    if check_in is None and check_out is None:
        values["absence"] = Absence.TK
        return values
    zone = inputs.zone
    if check_in is not None:
        late = int((_local_minutes(check_in, zone, day) - schedule.start) // 1)
        values["lateness_minutes"] = max(0, late)
        values["arrival"] = band(late, policy.lateness_band_minutes, ARRIVAL_BANDS) or Arrival.H
    else:
        values["arrival"] = Arrival.HKD
    if check_out is not None:
        early = int((schedule.end - _local_minutes(check_out, zone, day)) // 1)
        values["early_minutes"] = max(0, early)
        values["departure"] = band(early, policy.lateness_band_minutes, DEPARTURE_BANDS) or Departure.ON_TIME
    else:
        values["departure"] = Departure.HKP
    if check_in is not None and check_out is not None:
        worked = schedule.worked_minutes(_local_minutes(check_in, zone, day), _local_minutes(check_out, zone, day))
        values["worked_minutes"] = worked
        values["credited_minutes"] = worked
    return values


def _inactive(values: dict) -> dict:
    """docs/rules.md §9 "CLTN": during unpaid leave the employee is inactive. The day is the leave
    (C-CLTN, also on a holiday or over a shift), nothing is required or credited, so the hours of
    reports and dashboards leave the person out; checks stored anyway do not make it a worked day."""
    values.update(
        absence=Absence.C_CLTN,
        required_minutes=0,
        credited_minutes=0,
        worked_minutes=0,
        arrival=None,
        departure=None,
        lateness_minutes=0,
        early_minutes=0,
    )
    return values


# ---------------------------------------------------------------------------- duties (docs/rules.md §8)


def duty_closes_at(duty) -> datetime.datetime:
    """When a duty's check-out window closes: its status is decided from then on, never before."""
    return duty.end_at + datetime.timedelta(minutes=duty.checkout_close_after)


def duty_break_span(duty) -> tuple[datetime.datetime, datetime.datetime]:
    """The duty's break, counted in the middle of the duty (the shift type holds its length only)."""
    span = duty.end_at - duty.start_at
    pause = datetime.timedelta(minutes=duty.break_minutes)
    begin = duty.start_at + (span - pause) / 2
    return begin, begin + pause


def duty_worked_minutes(duty, first: datetime.datetime, last: datetime.datetime) -> int:
    """Check times clamped to the duty, minus the part of its break they cover."""
    begin, finish = max(first, duty.start_at), min(last, duty.end_at)
    if finish <= begin:
        return 0
    pause_begin, pause_end = duty_break_span(duty)
    covered = max(datetime.timedelta(0), min(finish, pause_end) - max(begin, pause_begin))
    return int((finish - begin - covered).total_seconds() // 60)


def _whole_minutes(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def duty_status_values(
    inputs: DayInputs, day: datetime.date, duty, *, now: datetime.datetime | None = None
) -> dict | None:
    """The DayStatus columns of a roster employee on `day` (a duty date), or None for no row.

    A published SHIFT duty is a working day (also on a holiday: it stands and counts as worked, with
    `holiday_worked`); leave and official duty take precedence. Bands are against the duty's start and
    end (lateness within `late_grace_minutes` is on time). Nothing is missing (TK, HKD, HKP) until the
    duty's check-out window has closed. OFF, POST_NIGHT and dates without a duty are never working days:
    no row, unless a check was stored on the date (then a row without absence, flagged)."""
    from shifts.models import DutyKind

    employee, policy = inputs.employee, inputs.policy
    now = now or timezone.now()
    event_in, event_out = inputs.events.get(CheckKind.IN), inputs.events.get(CheckKind.OUT)
    fix_in, fix_out = inputs.corrections.get(CheckKind.IN), inputs.corrections.get(CheckKind.OUT)
    check_in = fix_in.corrected_at if fix_in else (event_in.at if event_in else None)
    check_out = fix_out.corrected_at if fix_out else (event_out.at if event_out else None)
    flagged = any(e is not None and e.flagged and e.kind not in inputs.corrections for e in (event_in, event_out))
    shift = duty is not None and duty.kind == DutyKind.SHIFT
    if not shift and check_in is None and check_out is None:
        return None
    zone = inputs.zone
    values = {
        "agency_id": employee.agency_id,
        "employee_id": employee.id,
        "local_date": day,
        "location": duty.location if shift else DayLocation.OFFICE,
        "is_working_day": shift,
        "is_ramadan": False,
        "is_dynamic": False,
        "scheduled_start": duty.start_at.astimezone(zone).time().replace(second=0, microsecond=0) if shift else None,
        "scheduled_end": duty.end_at.astimezone(zone).time().replace(second=0, microsecond=0) if shift else None,
        "check_in_at": check_in,
        "check_out_at": check_out,
        "arrival": None,
        "lateness_minutes": 0,
        "departure": None,
        "early_minutes": 0,
        "absence": None,
        "worked_minutes": 0,
        "required_minutes": duty.net_minutes if shift else 0,
        "credited_minutes": 0,
        "flagged": flagged or not shift,
        "corrected": bool(inputs.corrections),
        "unit_id": employee.unit_id,
        "supervisor_id": employee.supervisor_id,
        "computed_at": now,
        "duty_id": duty.id if duty is not None else None,
        "holiday_worked": shift and (duty.holiday_worked or day in inputs.holidays),
    }
    if inputs.leave is not None and inputs.leave.kind == LeaveKind.CLTN:
        return _inactive(values)
    if not shift:
        return values
    if inputs.leave is not None:
        values.update(absence=LEAVE_ABSENCE[inputs.leave.kind], credited_minutes=duty.net_minutes)
        if inputs.leave.kind == LeaveKind.DINAS_LUAR:
            values["location"] = DayLocation.OFFICIAL_DUTY
        return values
    decided = now >= duty_closes_at(duty)
    if check_in is None and check_out is None:
        if not decided:
            return None  # nothing to say yet: no TK while the duty runs or its window is open
        values["absence"] = Absence.TK
        return values
    grace = getattr(policy, "late_grace_minutes", 0) or 0
    if check_in is not None:
        late = _whole_minutes(check_in - duty.start_at)
        if late <= grace:
            late = 0
        values["lateness_minutes"] = max(0, late)
        values["arrival"] = band(late, policy.lateness_band_minutes, ARRIVAL_BANDS) or Arrival.H
    elif decided:
        values["arrival"] = Arrival.HKD
    if check_out is not None:
        early = _whole_minutes(duty.end_at - check_out)
        values["early_minutes"] = max(0, early)
        values["departure"] = band(early, policy.lateness_band_minutes, DEPARTURE_BANDS) or Departure.ON_TIME
    elif decided:
        values["departure"] = Departure.HKP
    if check_in is not None and check_out is not None:
        worked = duty_worked_minutes(duty, check_in, check_out)
        values["worked_minutes"] = worked
        values["credited_minutes"] = worked
    return values


UPDATE_FIELDS = [
    "location", "is_working_day", "is_ramadan", "is_dynamic", "scheduled_start", "scheduled_end", "check_in_at",
    "check_out_at", "arrival", "lateness_minutes", "departure", "early_minutes", "absence", "worked_minutes",
    "required_minutes", "credited_minutes", "flagged", "corrected", "unit_id", "supervisor_id", "computed_at",
    "updated_at", "duty_id", "holiday_worked",
]  # fmt: skip


class _Context:
    """Per-batch caches: the policy per unit, holidays and Ramadan per agency."""

    def __init__(self, day: datetime.date):
        self.day = day
        self.policies: dict[int, object] = {}
        self.holidays: dict[int, set] = {}
        self.ramadan: dict[int, bool] = {}

    def policy(self, employee: Employee):
        if employee.unit_id not in self.policies:
            self.policies[employee.unit_id] = policy_for(agency=employee.agency_id, unit=employee.unit)
        return self.policies[employee.unit_id]

    def agency_holidays(self, agency_id: int) -> set:
        if agency_id not in self.holidays:
            self.holidays[agency_id] = holiday_dates(agency_id=agency_id, date_from=self.day, date_to=self.day)
        return self.holidays[agency_id]

    def is_ramadan(self, agency_id: int) -> bool:
        if agency_id not in self.ramadan:
            self.ramadan[agency_id] = RamadanRange.objects.filter(
                agency_id=agency_id, start__lte=self.day, end__gte=self.day
            ).exists()
        return self.ramadan[agency_id]


def day_statuses_compute(*, employee_ids: list[int], local_date: datetime.date) -> int:
    """Compute and upsert the statuses of `employee_ids` on `local_date` (an office date). Safe to
    repeat (the upsert overwrites); `missing_log` is left as the log job set it."""
    if not employee_ids:
        return 0
    employees = list(Employee.objects.select_related("unit", "agency").filter(id__in=employee_ids))
    schedule_days = {
        sd.employee_id: sd
        for sd in ScheduleDay.objects.filter(
            employee_id__in=employee_ids, local_date=local_date, cancelled_at__isnull=True
        )
    }
    leaves = {
        leave.employee_id: leave
        for leave in LeaveRequest.objects.filter(
            employee_id__in=employee_ids,
            status=ApprovalStatus.APPROVED,
            date_from__lte=local_date,
            date_to__gte=local_date,
        ).order_by("-date_from", "-id")
    }
    events: dict[int, dict] = defaultdict(dict)
    for event in CheckEvent.objects.filter(employee_id__in=employee_ids, local_date=local_date).defer(
        "attempts", "latitude", "longitude", "ip"
    ):
        events[event.employee_id][event.kind] = event
    corrections: dict[int, dict] = defaultdict(dict)
    for fix in AttendanceCorrection.objects.filter(
        employee_id__in=employee_ids, local_date=local_date, status=ApprovalStatus.APPROVED
    ).order_by("decided_at", "id"):
        corrections[fix.employee_id][fix.kind] = fix  # the latest approved one wins
    roster_ids = [e.id for e in employees if e.unit.work_week != WorkWeek.MON_FRI]
    roster_set = set(roster_ids)
    duties = {}
    if roster_ids:
        from shifts.models import Duty

        duties = {
            duty.employee_id: duty
            for duty in Duty.objects.filter(
                employee_id__in=roster_ids, duty_date=local_date, is_active=True, is_published=True
            )
        }
    now = timezone.now()
    context = _Context(local_date)
    rows = []
    for employee in employees:
        inputs = DayInputs(
            employee=employee,
            policy=context.policy(employee),
            zone=office_zone(employee),
            holidays=context.agency_holidays(employee.agency_id),
            ramadan=context.is_ramadan(employee.agency_id),
            schedule_day=schedule_days.get(employee.id),
            leave=leaves.get(employee.id),
            events=events.get(employee.id, {}),
            corrections=corrections.get(employee.id, {}),
        )
        if employee.id in roster_set:
            values = duty_status_values(inputs, local_date, duties.get(employee.id), now=now)
        else:
            values = status_values(inputs, local_date)
        if values is not None:
            rows.append(DayStatus(**values, updated_at=timezone.now()))
    DayStatus.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["employee", "local_date"], update_fields=UPDATE_FIELDS
    )
    return len(rows)


# The window the minute job looks back over: three runs' worth, so that a check whose transaction
# committed late, or a run that was skipped, is still picked up by the next one.
RECENT_CHECKS_WINDOW = datetime.timedelta(minutes=3)


def day_statuses_refresh_recent(*, now: datetime.datetime | None = None, batch_size: int = 2000) -> int:
    """Every minute (beat): the statuses of the days with a check-in or check-out recorded in the
    last few minutes. The check request itself publishes nothing (it is the hottest write), so a
    status trails its check by about a minute; the nightly close recomputes every day anyway."""
    now = now or timezone.now()
    recent = (
        CheckEvent.objects.filter(at__gte=now - RECENT_CHECKS_WINDOW, positions_purged_at__isnull=True)
        .order_by()
        .values_list("local_date", "employee_id")
        .distinct()
    )
    by_date: dict[datetime.date, list[int]] = defaultdict(list)
    for local_date, employee_id in recent:
        by_date[local_date].append(employee_id)
    return sum(
        _compute_in_batches(sorted(ids), local_date=local_date, batch_size=batch_size)
        for local_date, ids in sorted(by_date.items())
    )


def _compute_in_batches(employee_ids: list[int], *, local_date: datetime.date, batch_size: int) -> int:
    return sum(
        day_statuses_compute(employee_ids=employee_ids[start : start + batch_size], local_date=local_date)
        for start in range(0, len(employee_ids), batch_size)
    )


def day_status_refresh(*, employee_id: int, local_date: datetime.date) -> int:
    return day_statuses_compute(employee_ids=[employee_id], local_date=local_date)


def day_statuses_refresh_range(*, employee_id: int, date_from: datetime.date, date_to: datetime.date) -> None:
    """After a leave or correction decision: recompute the days it covers that have begun."""
    employee = Employee.objects.select_related("unit", "agency").get(id=employee_id)
    today = office_today(employee)
    day = date_from
    while day <= min(date_to, today):
        day_statuses_compute(employee_ids=[employee_id], local_date=day)
        day += datetime.timedelta(days=1)


def zone_day_close(*, zone: str, local_date: datetime.date, batch_size: int = 2000) -> int:
    """The nightly job of one office zone: every active employee whose office zone is `zone` gets
    a status for `local_date`, also those who never checked in (TK)."""
    ids = list(
        Employee.objects.filter(is_active=True)
        .annotate(zone=Coalesce("unit__time_zone", "agency__time_zone"))
        .filter(zone=zone)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return _compute_in_batches(ids, local_date=local_date, batch_size=batch_size)


# ---------------------------------------------------------------------------- weekly requirement


@dataclass(frozen=True)
class WeekSummary:
    iso_year: int
    iso_week: int
    required_minutes: int
    credited_minutes: int

    @property
    def fulfilled(self) -> bool:
        return self.credited_minutes >= self.required_minutes


def week_summary(*, employee: Employee, day: datetime.date) -> WeekSummary:
    """docs/rules.md §2: the week's requirement is the sum of its working days' requirements (holidays,
    leave and official duty count as fulfilled; days of unpaid leave require nothing); credited minutes
    come from the stored statuses."""
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    friday = monday + datetime.timedelta(days=4)
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    ramadan = list(RamadanRange.objects.filter(agency_id=employee.agency_id, start__lte=friday, end__gte=monday))
    planned = {
        sd.local_date: sd
        for sd in ScheduleDay.objects.filter(
            employee_id=employee.id, local_date__range=(monday, friday), cancelled_at__isnull=True
        )
    }
    unpaid = list(
        LeaveRequest.objects.filter(
            employee_id=employee.id,
            kind=LeaveKind.CLTN,
            status=ApprovalStatus.APPROVED,
            date_from__lte=friday,
            date_to__gte=monday,
        ).values_list("date_from", "date_to")
    )
    required = 0
    for offset in range(5):
        current = monday + datetime.timedelta(days=offset)
        if any(first <= current <= last for first, last in unpaid):
            continue  # inactive on unpaid leave: the day requires nothing (docs/rules.md §9 "CLTN")
        sd = planned.get(current)
        required += day_schedule(
            policy=policy,
            day=current,
            ramadan=any(r.start <= current <= r.end for r in ramadan),
            planned_start=sd.planned_start if sd else None,
            planned_end=sd.planned_end if sd else None,
        ).required_minutes
    credited = sum(
        DayStatus.objects.filter(employee_id=employee.id, local_date__range=(monday, friday)).values_list(
            "credited_minutes", flat=True
        )
    )
    year, week, _weekday = day.isocalendar()
    return WeekSummary(iso_year=year, iso_week=week, required_minutes=required, credited_minutes=credited)


# ---------------------------------------------------------------------------- deciding duties


# The sweep looks back over three of its runs, so a skipped run or a late commit is still decided.
DUTY_DECIDE_LOOKBACK = datetime.timedelta(minutes=15)


def duty_statuses_decide(*, now: datetime.datetime | None = None, batch_size: int = 2000) -> int:
    """Every five minutes (beat): the statuses of the published shifts whose check-out window closed
    in the last few runs (docs/rules.md §8: a duty is decided when its check-out window closes, so
    TK, HKD and HKP appear then and not at the nightly close). Safe to repeat."""
    from django.db.models import DurationField, ExpressionWrapper, F

    from shifts.models import Duty, DutyKind

    now = now or timezone.now()
    closes = ExpressionWrapper(
        F("end_at") + F("checkout_close_after") * datetime.timedelta(minutes=1), output_field=DurationField()
    )
    due = (
        Duty.objects.filter(
            kind=DutyKind.SHIFT,
            is_active=True,
            is_published=True,
            # a duty closes at most 24 h + 12 h after its start, and starts on its duty date
            duty_date__gte=(now - datetime.timedelta(days=3)).date(),
            duty_date__lte=(now + datetime.timedelta(days=1)).date(),
            end_at__lte=now,
        )
        .annotate(closes_at=closes)
        .filter(closes_at__gt=now - DUTY_DECIDE_LOOKBACK, closes_at__lte=now)
        .order_by()
        .values_list("duty_date", "employee_id")
    )
    by_date: dict[datetime.date, list[int]] = defaultdict(list)
    for duty_date, employee_id in due:
        by_date[duty_date].append(employee_id)
    return sum(
        _compute_in_batches(sorted(set(ids)), local_date=duty_date, batch_size=batch_size)
        for duty_date, ids in sorted(by_date.items())
    )
