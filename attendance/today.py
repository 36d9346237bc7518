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


# ---------------------------------------------------------------------------- roster duties (docs/rules.md §8)


def my_duties_url() -> str | None:
    """The staff page of upcoming duties, when it is installed."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("shifts:my_duties")
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class DutyToday:
    """A roster employee's duty as the home and check pages show it: `duty` is the shift a check now
    counts for (running, about to start, or just ended with its check-out window open), else None;
    `today` is the duty dated today (also a day off or a rest day after nights), `upcoming` the next
    shift after now. Times are instants; templates show them in `zone`."""

    zone: str
    office_date: datetime.date  # today in the office zone
    local_date: datetime.date  # the date the page's check events belong to
    duty: object | None
    window: object | None  # `duty` as attendance.services reads it (DutyWindow)
    today: object | None
    upcoming: object | None
    running: bool
    opens_at: datetime.datetime | None  # the check-in window of `duty` opens
    closes_at: datetime.datetime | None  # the check-out window of `duty` closes
    band_width: int
    grace: int
    my_duties_url: str | None
    now: datetime.datetime

    @property
    def before_window(self) -> bool:
        return self.duty is not None and self.opens_at is not None and not self.running and self.now < self.opens_at

    @property
    def ended(self) -> bool:
        return self.duty is not None and self.now >= self.duty.end_at

    def _clock(self, moment: datetime.datetime | None) -> str:
        return now_in(self.zone, now=moment).strftime("%H:%M") if moment is not None else ""

    @property
    def opens_clock(self) -> str:
        return self._clock(self.opens_at)

    @property
    def closes_clock(self) -> str:
        return self._clock(self.closes_at)

    @property
    def end_clock(self) -> str:
        return self._clock(self.duty.end_at if self.duty is not None else None)

    @property
    def open_now(self) -> bool:
        """The check-in window of `duty` is open."""
        return self.duty is not None and self.opens_at is not None and self.opens_at <= self.now < self.duty.end_at

    @property
    def day_kind(self) -> str | None:
        """OFF / POST_NIGHT when today is one and no shift is at hand."""
        if self.duty is None and self.today is not None:
            return self.today.kind
        return None

    def early_leave(self, now: datetime.datetime) -> EarlyLeave | None:
        """A check-out at `now` before the duty's end, banded like lateness (PSW1–PSW4)."""
        if self.duty is None or now >= self.duty.end_at or now < self.duty.start_at:
            return None
        minutes = int((self.duty.end_at - now).total_seconds() // 60)
        found = band(minutes, self.band_width, DEPARTURE_BANDS)
        if found is None:
            return None
        index = DEPARTURE_BANDS.index(found)
        low = index * self.band_width + 1
        high = None if index == len(DEPARTURE_BANDS) - 1 else (index + 1) * self.band_width
        return EarlyLeave(minutes=minutes, band=str(found), low=low, high=high)


def duty_today(*, employee: Employee, now: datetime.datetime | None = None) -> DutyToday | None:
    """None for a Monday–Friday employee (no query). For a roster employee: the duties dated
    yesterday..tomorrow and the next shift, matched like a check (attendance.services.duty_match).
    Three or four queries (duties, policy)."""
    from django.utils import timezone

    from attendance.models import CheckKind
    from attendance.services import checkin_window, checkout_window, duty_match, duty_windows_for
    from flexwork.common.calendar import office_date_of
    from shifts.selectors import duties_between, next_shift, works_roster

    if not works_roster(employee):
        return None
    now = now or timezone.now()
    zone = office_zone_name(employee)
    today = office_date_of(now, zone)
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    duties = list(
        duties_between(
            employee_id=employee.id,
            date_from=today - datetime.timedelta(days=1),
            date_to=today + datetime.timedelta(days=1),
        )
    )
    by_id = {d.id: d for d in duties}
    windows = duty_windows_for(employee_id=employee.id, local_date=today)
    at = now.timestamp()
    found, _flag = duty_match(windows, kind=CheckKind.IN, at=at, early_attach_hours=policy.early_attach_hours)
    if found is None or at >= found.end:
        leaving, _flag = duty_match(windows, kind=CheckKind.OUT, at=at, early_attach_hours=0)
        found = leaving or found
    duty = by_id.get(found.id) if found is not None else None
    opens = closes = None
    if found is not None:
        index = windows.index(found)
        opens = datetime.datetime.fromtimestamp(checkin_window(windows, index)[0], tz=datetime.UTC)
        closes = datetime.datetime.fromtimestamp(checkout_window(windows, index)[1], tz=datetime.UTC)
    dated_today = next((d for d in duties if d.duty_date == today), None)
    upcoming = next_shift(employee_id=employee.id, now=now)
    if upcoming is not None and upcoming.start_at <= now:
        upcoming = None
    return DutyToday(
        zone=zone,
        office_date=today,
        local_date=duty.duty_date if duty is not None else today,
        duty=duty,
        window=found if duty is not None else None,
        today=dated_today,
        upcoming=upcoming if upcoming is not None and (duty is None or upcoming.id != duty.id) else None,
        running=duty is not None and duty.start_at <= now < duty.end_at,
        opens_at=opens,
        closes_at=closes,
        band_width=policy.lateness_band_minutes,
        grace=policy.late_grace_minutes,
        my_duties_url=my_duties_url(),
        now=now,
    )
