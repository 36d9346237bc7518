"""The check page's reading of one office day (docs/rules.md §2 and §4): is it a working day, is the
employee on leave or official duty, which hours are scheduled (normal, Ramadan or the planned dynamic
hours), and what a check-out at a given moment would record as early leave (PSW1–PSW4).

The bands are those of attendance.status (the same `day_schedule` and `band`), so the warning shown
before an early check-out names the band the day's status will store."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from attendance.models import LeaveKind, LeaveRequest
from attendance.status import DEPARTURE_BANDS, DaySchedule, band, day_schedule
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import is_working_day, now_in, office_zone_name
from flexwork.org.models import Employee, RamadanRange
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.models import ScheduleDay


def _clock(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60 % 24, minutes % 60)


@dataclass(frozen=True)
class EarlyLeave:
    """A check-out `minutes` before the scheduled end, recorded as `band`, whose range is
    [low, high] minutes (high None: "or more")."""

    minutes: int
    band: str
    low: int
    high: int | None


@dataclass(frozen=True)
class DayPlan:
    local_date: datetime.date
    zone: str
    working: bool
    leave_kind: str | None
    schedule: DaySchedule | None  # None on a non-working day or a day of leave / official duty
    band_width: int

    @property
    def on_duty(self) -> bool:
        return self.leave_kind == LeaveKind.DINAS_LUAR

    @property
    def start(self) -> datetime.time | None:
        return _clock(self.schedule.start) if self.schedule else None

    @property
    def end(self) -> datetime.time | None:
        return _clock(self.schedule.end) if self.schedule else None

    def early_leave(self, now: datetime.datetime) -> EarlyLeave | None:
        """docs/rules.md §4: a check-out at `now` before the scheduled end is early leave, banded like
        lateness (PSW1 1–w, PSW2 w+1–2w, PSW3 2w+1–3w, PSW4 over 3w). None when on time, on a
        non-working day or on leave / official duty (they take precedence over the schedule)."""
        if self.schedule is None:
            return None
        local = now_in(self.zone, now=now)
        if local.date() != self.local_date:
            return None
        at = local.hour * 60 + local.minute + local.second / 60
        minutes = int((self.schedule.end - at) // 1)
        found = band(minutes, self.band_width, DEPARTURE_BANDS)
        if found is None:
            return None
        index = DEPARTURE_BANDS.index(found)
        low = index * self.band_width + 1
        high = None if index == len(DEPARTURE_BANDS) - 1 else (index + 1) * self.band_width
        return EarlyLeave(minutes=minutes, band=str(found), low=low, high=high)


def day_plan(*, employee: Employee, local_date: datetime.date) -> DayPlan:
    """The employee's `local_date` (an office date): working day, leave, scheduled hours. Five
    queries (policy, holidays, Ramadan, leave, schedule day)."""
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=local_date, date_to=local_date)
    working = is_working_day(local_date, holidays)
    ramadan = RamadanRange.objects.filter(
        agency_id=employee.agency_id, start__lte=local_date, end__gte=local_date
    ).exists()
    leave_kind = (
        LeaveRequest.objects.filter(
            employee_id=employee.id,
            status=ApprovalStatus.APPROVED,
            date_from__lte=local_date,
            date_to__gte=local_date,
        )
        .order_by("-date_from", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    planned = (
        ScheduleDay.objects.filter(employee_id=employee.id, local_date=local_date, cancelled_at__isnull=True)
        .values("planned_start", "planned_end")
        .first()
    ) or {}
    schedule = None
    if working and leave_kind is None:
        schedule = day_schedule(
            policy=policy,
            day=local_date,
            ramadan=ramadan,
            planned_start=planned.get("planned_start"),
            planned_end=planned.get("planned_end"),
        )
    return DayPlan(
        local_date=local_date,
        zone=office_zone_name(employee),
        working=working,
        leave_kind=leave_kind,
        schedule=schedule,
        band_width=policy.lateness_band_minutes,
    )
