"""Check-in and check-out (docs/rules.md §4), idempotency keys, the output log, reminders and the
position purge. Leave and corrections are in attendance.requests, statuses in attendance.status.

The check path is the hottest write of the installation (a whole agency between 07:00 and 08:00):
a fixed number of queries (employee with policy, the day's schedule, official duty, one upsert),
no audit trigger, and the status is computed after commit by a task (and again by the nightly job)."""

from __future__ import annotations

import datetime
import functools
import json
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.geo import Fence, Verdict, judge
from attendance.models import (
    CheckEvent,
    CheckFlag,
    CheckKind,
    DayLocation,
    DayStatus,
    IdempotencyKey,
    LeaveKind,
    LeaveRequest,
    MissingLogReminder,
    Verification,
    WorkLog,
)
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import is_working_day, now_in, office_date_of, office_today
from flexwork.common.db import PreparedStatement, positional_placeholders, prepare_once
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.services import evidence_attach
from flexwork.org.models import Agency, AgencyPolicy, Employee, Unit, UnitPolicyOverride
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.models import Location, ScheduleDay

logger = logging.getLogger("flexwork.attendance")

# The registered home has no radius of its own on Employee or in the policy yet: this is the fence
# around it (docs/rules.md §4).
HOME_FENCE_RADIUS_M = 100
IDEMPOTENCY_KEEP = datetime.timedelta(hours=24)

ERR_NO_EMPLOYEE = _("Only active staff of an agency can check in or out.")
ERR_UNPAID_LEAVE = _(
    "You are on unpaid leave today, so there is nothing to check in or out: the days of the leave "
    "are not working days for you."
)
ERR_KEY_REUSED = _("This Idempotency-Key was already used for another operation.")
ERR_KEY_IN_FLIGHT = _("A request with this Idempotency-Key is still being processed. Try again.")
ERR_LOG_FUTURE = _("You cannot write a log for a day that has not come yet.")
ERR_LOG_VERIFIED = _("A verified entry cannot be changed.")
ERR_NOT_SUPERVISOR = _("Only the direct supervisor verifies output logs.")
ERR_NOT_OWNER = _("Only its author can change this entry.")
ERR_INDICATOR = _("Choose one of your approved indicators for that day.")
ERR_EVIDENCE = _("Unknown evidence file, or one that belongs elsewhere.")

CHECK_WARNINGS = {
    CheckFlag.OUTSIDE_FENCE: _("You are outside the fence: the check is recorded and flagged for your supervisor."),
    CheckFlag.POOR_ACCURACY: _("The position was not accurate enough; it is flagged."),
    CheckFlag.NO_FENCE: _("No coordinates are registered for this place: the check is recorded and flagged."),
    CheckFlag.OUTSIDE_SHIFT: _(
        "This check-in is outside your duty's check-in window. It is recorded for the next duty and "
        "replaced by a check-in inside the window."
    ),
    CheckFlag.NO_DUTY: _("You have no duty on the roster at this time: the check is recorded and flagged."),
}


# ---------------------------------------------------------------------------- check-in / check-out


@dataclass(frozen=True)
class CheckOutcome:
    id: int
    kind: str
    local_date: datetime.date
    at: datetime.datetime
    zone: str
    location: str
    distance_m: int | None
    inside_fence: bool | None
    flags: list[str]
    attempt_count: int
    created: bool
    fence: Fence
    duty: DutyWindow | None = None  # the duty the check counts for (docs/rules.md §8)

    @property
    def time(self) -> datetime.datetime:
        return now_in(self.zone, now=self.at)

    @property
    def warnings(self) -> list[str]:
        """The flags as sentences for the person who checked."""
        return [str(CHECK_WARNINGS.get(flag, CheckFlag(flag).label)) for flag in self.flags if flag in CheckFlag.values]


def employee_for_check(user) -> Employee:
    """The caller's employee row with unit, agency and the effective `max_accuracy_m` (the unit's
    override, else the agency's), in one query. 403 for anyone who is not active agency staff."""
    agency_value = AgencyPolicy.objects.filter(agency_id=OuterRef("agency_id")).values("max_accuracy_m")[:1]
    unit_value = UnitPolicyOverride.objects.filter(unit_id=OuterRef("unit_id")).values("max_accuracy_m")[:1]
    employee = (
        Employee.objects.select_related("unit", "agency")
        .annotate(max_accuracy_m=Coalesce(Subquery(unit_value), Subquery(agency_value)))
        .filter(user_id=user.pk, is_active=True)
        .first()
    )
    if employee is None:
        raise PermissionDenied(str(ERR_NO_EMPLOYEE))
    return employee


def _float(value) -> float | None:
    return float(value) if value is not None else None


def fence_for(*, employee: Employee, local_date: datetime.date) -> Fence:
    """docs/rules.md §4: official duty → no fence; else by the day's schedule location (no row = OFFICE):
    OFFICE the unit's office, OTHER_OFFICE that unit's office, HOME the approved home, DESIGNATED
    that location. Two queries."""
    on_duty = LeaveRequest.objects.filter(
        employee_id=employee.id,
        status=ApprovalStatus.APPROVED,
        kind=LeaveKind.DINAS_LUAR,
        date_from__lte=local_date,
        date_to__gte=local_date,
    ).exists()
    if on_duty:
        return Fence(DayLocation.OFFICIAL_DUTY, None, None, None, required=False, label=str(_("Official duty")))
    day = (
        ScheduleDay.objects.filter(employee_id=employee.id, local_date=local_date, cancelled_at__isnull=True)
        .select_related("other_office_unit", "designated_location")
        .first()
    )
    return fence_from_day(employee=employee, day=day)


def fence_from_day(*, employee: Employee, day: ScheduleDay | None) -> Fence:
    location = day.location if day is not None else Location.OFFICE
    if location == Location.HOME:
        return Fence(
            DayLocation.HOME,
            _float(employee.home_latitude),
            _float(employee.home_longitude),
            HOME_FENCE_RADIUS_M,
            label=str(_("Your registered home")),
        )
    if location == Location.DESIGNATED and day.designated_location is not None:
        place = day.designated_location
        return Fence(
            DayLocation.DESIGNATED, _float(place.latitude), _float(place.longitude), place.radius_m, label=place.name
        )
    if location == Location.OTHER_OFFICE and day.other_office_unit is not None:
        unit = day.other_office_unit
        return Fence(
            DayLocation.OTHER_OFFICE,
            _float(unit.office_latitude),
            _float(unit.office_longitude),
            unit.office_radius_m,
            label=unit.name,
        )
    if location == Location.DESIGNATED:
        return Fence(DayLocation.DESIGNATED, None, None, None)
    unit = employee.unit
    return Fence(
        DayLocation.OFFICE,
        _float(unit.office_latitude),
        _float(unit.office_longitude),
        unit.office_radius_m,
        label=unit.name,
    )


_CHOSEN = ("at", "location", "latitude", "longitude", "accuracy_m", "distance_m", "fence_radius_m", "inside_fence",
           "flags", "ip", "duty_id")  # fmt: skip
_COLUMNS = (
    "created_at", "updated_at", "agency_id", "employee_id", "kind", "local_date", *_CHOSEN, "flagged", "attempts",
    "attempt_count", "unit_id", "supervisor_id",
)  # fmt: skip
_RETURNING = (
    "id, local_date, at, location, distance_m, inside_fence, flags, attempt_count, (xmax = 0) AS inserted, duty_id"
)

# Check-in: a repeat after an accepted (unflagged) check-in changes nothing (the WHERE fails, no row
# comes back); after a flagged one it adds an attempt, and an unflagged attempt becomes the day's. An
# attempt in the duty's window also replaces one outside every window (docs/rules.md §8: an early
# check-in attached to a duty counts only if no in-window attempt follows), even when it is flagged
# for its position.
_OFF_WINDOW = "ARRAY['OUTSIDE_SHIFT', 'NO_DUTY']::varchar[]"
_KEEP_EARLIER = f"(EXCLUDED.flagged AND NOT (e.flags && {_OFF_WINDOW} AND NOT EXCLUDED.flags && {_OFF_WINDOW}))"
_CHECK_IN_SQL = f"""
INSERT INTO attendance_checkevent AS e ({", ".join(_COLUMNS)})
VALUES ({", ".join(["%s"] * len(_COLUMNS))})
ON CONFLICT (employee_id, local_date, kind) DO UPDATE SET
  {", ".join(f"{c} = CASE WHEN {_KEEP_EARLIER} THEN e.{c} ELSE EXCLUDED.{c} END" for c in _CHOSEN)},
  flagged = e.flagged AND EXCLUDED.flagged,
  attempts = e.attempts || EXCLUDED.attempts,
  attempt_count = e.attempt_count + 1,
  updated_at = EXCLUDED.updated_at
WHERE e.flagged
RETURNING {_RETURNING}
"""
# Check-out: the latest one counts; every attempt is kept.
_CHECK_OUT_SQL = f"""
INSERT INTO attendance_checkevent AS e ({", ".join(_COLUMNS)})
VALUES ({", ".join(["%s"] * len(_COLUMNS))})
ON CONFLICT (employee_id, local_date, kind) DO UPDATE SET
  {", ".join(f"{c} = EXCLUDED.{c}" for c in _CHOSEN)},
  flagged = EXCLUDED.flagged,
  attempts = e.attempts || EXCLUDED.attempts,
  attempt_count = e.attempt_count + 1,
  updated_at = EXCLUDED.updated_at
RETURNING {_RETURNING}
"""


# The check's reads in one statement (all by primary or unique keys): the active employee of the
# user with unit, office zone, effective `max_accuracy_m` (the unit's override, else the agency's),
# the office date of `now`, the official-duty flag of that date and that date's schedule day with
# its designated location / other office. Same rules as employee_for_check + fence_for. For a unit
# whose working week is not Monday–Friday (docs/rules.md §8) also the effective `early_attach_hours`
# and the published active shifts dated d−1..d+1 (the partial index shifts_duty_employee_date), as a
# JSON array of _DUTY_FIELDS; a Monday–Friday unit skips that part altogether.
_CHECK_CONTEXT_SQL = """
SELECT e.id, e.agency_id, e.unit_id, e.supervisor_id, e.home_latitude, e.home_longitude,
  u.name, u.office_latitude, u.office_longitude, u.office_radius_m, z.zone, d.local_date,
  COALESCE(
    (SELECT o.max_accuracy_m FROM org_unitpolicyoverride o WHERE o.unit_id = e.unit_id LIMIT 1),
    (SELECT p.max_accuracy_m FROM org_agencypolicy p WHERE p.agency_id = e.agency_id LIMIT 1)
  ) AS max_accuracy_m,
  EXISTS (
    SELECT 1 FROM attendance_leaverequest l
    WHERE l.employee_id = e.id AND l.status = %(approved)s::text AND l.kind = %(duty)s::text
      AND l.date_from <= d.local_date AND l.date_to >= d.local_date
  ) AS on_duty,
  s.location, s.dl_id, s.dl_name, s.dl_latitude, s.dl_longitude, s.dl_radius_m,
  s.ou_id, s.ou_name, s.ou_latitude, s.ou_longitude, s.ou_radius_m,
  r.early_attach_hours, r.duties,
  EXISTS (
    SELECT 1 FROM attendance_leaverequest l
    WHERE l.employee_id = e.id AND l.status = %(approved)s::text AND l.kind = 'CLTN'
      AND l.date_from <= d.local_date AND l.date_to >= d.local_date
  ) AS unpaid_leave
FROM org_employee e
JOIN org_unit u ON u.id = e.unit_id
JOIN org_agency a ON a.id = e.agency_id
CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(u.time_zone, ''), a.time_zone) AS zone) z
CROSS JOIN LATERAL (SELECT (%(now)s::timestamptz AT TIME ZONE z.zone)::date AS local_date) d
LEFT JOIN LATERAL (
  SELECT sd.location,
    dl.id AS dl_id, dl.name AS dl_name, dl.latitude AS dl_latitude, dl.longitude AS dl_longitude,
    dl.radius_m AS dl_radius_m,
    ou.id AS ou_id, ou.name AS ou_name, ou.office_latitude AS ou_latitude, ou.office_longitude AS ou_longitude,
    ou.office_radius_m AS ou_radius_m
  FROM schedules_scheduleday sd
  LEFT JOIN org_designatedlocation dl ON dl.id = sd.designated_location_id
  LEFT JOIN org_unit ou ON ou.id = sd.other_office_unit_id
  WHERE sd.employee_id = e.id AND sd.local_date = d.local_date AND sd.cancelled_at IS NULL
  ORDER BY sd.local_date, sd.employee_id
  LIMIT 1
) s ON TRUE
LEFT JOIN LATERAL (
  SELECT
    COALESCE(
      (SELECT o.early_attach_hours FROM org_unitpolicyoverride o WHERE o.unit_id = e.unit_id LIMIT 1),
      (SELECT p.early_attach_hours FROM org_agencypolicy p WHERE p.agency_id = e.agency_id LIMIT 1)
    ) AS early_attach_hours,
    (
      SELECT json_agg(json_build_array(
          du.id, du.duty_date, extract(epoch FROM du.start_at), extract(epoch FROM du.end_at),
          du.checkin_open_before, du.checkout_close_after, du.location, st.code, st.name, du.net_minutes,
          dl.name, dl.latitude, dl.longitude, dl.radius_m
        ) ORDER BY du.start_at)
      FROM shifts_duty du
      JOIN shifts_shifttype st ON st.id = du.shift_type_id
      LEFT JOIN org_designatedlocation dl ON dl.id = du.designated_location_id
      WHERE du.employee_id = e.id AND du.is_active AND du.is_published AND du.kind = 'SHIFT'
        AND du.duty_date BETWEEN d.local_date - 1 AND d.local_date + 1
    ) AS duties
  WHERE u.work_week <> 'MON_FRI'
) r ON TRUE
WHERE e.user_id = %(user_id)s::integer AND e.is_active
ORDER BY e.name, e.id
LIMIT 1
"""


# The check's statements (the context query, the check-in and check-out upserts) are planned once per
# database session (prepared statements): planning the context query cost several times what running it
# does, on every check. Needs session-level pooling (a pooler in transaction mode would hand a statement
# to another session; docs/deployment.md).
_CHECK_CONTEXT = PreparedStatement("fw_check_context", _CHECK_CONTEXT_SQL)


@dataclass(frozen=True)
class DutyWindow:
    """A published shift as the check path reads it (docs/rules.md §8): instants in seconds since the
    epoch, its check windows in minutes, where it is worked and the shift type's code and name."""

    id: int
    duty_date: datetime.date
    start: float
    end: float
    open_before: int
    close_after: int
    location: str
    code: str
    name: str
    net_minutes: int
    place: tuple | None = None  # DESIGNATED: (name, latitude, longitude, radius_m)

    @property
    def start_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.start, tz=datetime.UTC)

    @property
    def end_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.end, tz=datetime.UTC)


def _duty_windows(raw) -> list[DutyWindow]:
    """The context statement's JSON array of duties, ordered by start."""
    if not raw:
        return []
    if isinstance(raw, str):
        raw = json.loads(raw)
    return [
        DutyWindow(
            id=d[0],
            duty_date=datetime.date.fromisoformat(d[1]),
            start=float(d[2]),
            end=float(d[3]),
            open_before=d[4],
            close_after=d[5],
            location=d[6],
            code=d[7],
            name=d[8],
            net_minutes=d[9],
            place=None if d[10] is None else (d[10], d[11], d[12], d[13]),
        )
        for d in raw
    ]


def duty_windows_for(*, employee_id: int, local_date: datetime.date) -> list[DutyWindow]:
    """The ORM reading of the context statement's duties (published active shifts dated d−1..d+1)."""
    from shifts.models import Duty, DutyKind

    rows = (
        Duty.objects.filter(
            employee_id=employee_id,
            is_active=True,
            is_published=True,
            kind=DutyKind.SHIFT,
            duty_date__range=(local_date - datetime.timedelta(days=1), local_date + datetime.timedelta(days=1)),
        )
        .select_related("shift_type", "designated_location")
        .order_by("start_at")
    )
    return [
        DutyWindow(
            id=d.id,
            duty_date=d.duty_date,
            start=d.start_at.timestamp(),
            end=d.end_at.timestamp(),
            open_before=d.checkin_open_before,
            close_after=d.checkout_close_after,
            location=d.location,
            code=d.shift_type.code,
            name=d.shift_type.name,
            net_minutes=d.net_minutes,
            place=None
            if d.designated_location is None
            else (
                d.designated_location.name,
                d.designated_location.latitude,
                d.designated_location.longitude,
                d.designated_location.radius_m,
            ),
        )
        for d in rows
    ]


def checkin_window(duties: list[DutyWindow], index: int) -> tuple[float, float]:
    """[start − open_before, end), opening no earlier than the previous duty's end (docs/rules.md §8)."""
    duty = duties[index]
    opens = duty.start - duty.open_before * 60
    if index > 0:
        opens = max(opens, duties[index - 1].end)
    return opens, duty.end


def checkout_window(duties: list[DutyWindow], index: int) -> tuple[float, float]:
    """[start, end + close_after], closing no later than the next duty's start (docs/rules.md §8)."""
    duty = duties[index]
    closes = duty.end + duty.close_after * 60
    if index + 1 < len(duties):
        closes = min(closes, duties[index + 1].start)
    return duty.start, closes


def duty_match(
    duties: list[DutyWindow], *, kind: str, at: float, early_attach_hours: int
) -> tuple[DutyWindow | None, str | None]:
    """docs/rules.md §8 "Matching a check to a duty": (the duty, None) when `at` falls in its window;
    a check-in in no window → (the next duty starting within `early_attach_hours`, OUTSIDE_SHIFT);
    anything else → (None, NO_DUTY). `duties` are ordered by start and never overlap."""
    for index, duty in enumerate(duties):
        if kind == CheckKind.IN:
            opens, closes = checkin_window(duties, index)
            if opens <= at < closes:
                return duty, None
        else:
            opens, closes = checkout_window(duties, index)
            if opens <= at <= closes:
                return duty, None
    if kind == CheckKind.IN:
        for duty in duties:
            if at < duty.start <= at + early_attach_hours * 3600:
                return duty, CheckFlag.OUTSIDE_SHIFT
    return None, CheckFlag.NO_DUTY


def fence_for_duty(*, duty: DutyWindow, home: tuple, office: tuple) -> Fence:
    """A duty's fence by its location: OFFICE the unit's office, HOME the registered home, DESIGNATED
    that place. `home` = (latitude, longitude); `office` = (name, latitude, longitude, radius_m)."""
    if duty.location == Location.HOME:
        return Fence(
            DayLocation.HOME,
            _float(home[0]),
            _float(home[1]),
            HOME_FENCE_RADIUS_M,
            label=str(_("Your registered home")),
        )
    if duty.location == Location.DESIGNATED:
        if duty.place is None:
            return Fence(DayLocation.DESIGNATED, None, None, None)
        name, lat, lon, radius = duty.place
        return Fence(DayLocation.DESIGNATED, _float(lat), _float(lon), radius, label=name)
    name, lat, lon, radius = office
    return Fence(DayLocation.OFFICE, _float(lat), _float(lon), radius, label=name)


@dataclass(frozen=True)
class _CheckContext:
    employee_id: int
    agency_id: int
    unit_id: int
    supervisor_id: int | None
    zone: str
    local_date: datetime.date
    max_accuracy_m: int | None
    fence: Fence
    duty: DutyWindow | None = None
    shift_flag: str | None = None


def _check_context(*, user, now: datetime.datetime, kind: str = CheckKind.IN) -> _CheckContext:
    """Everything the check needs before its upsert, in one query (403 for anyone who is not
    active agency staff). Falls back to the ORM reads if PostgreSQL's and Python's time zone
    data ever disagree on the office date. For a roster employee the check is matched to a duty
    (docs/rules.md §8): its date becomes the duty's and the fence the duty's location."""
    with connection.cursor() as cursor:
        _CHECK_CONTEXT.execute(
            cursor,
            {
                "approved": ApprovalStatus.APPROVED.value,
                "duty": LeaveKind.DINAS_LUAR.value,
                "now": now,
                "user_id": user.pk,
            },
        )
        row = cursor.fetchone()
    if row is None:
        raise PermissionDenied(str(ERR_NO_EMPLOYEE))
    (employee_id, agency_id, unit_id, supervisor_id, home_lat, home_lon, unit_name, office_lat, office_lon,
     office_radius, zone, local_date, max_accuracy_m, on_duty, location, dl_id, dl_name, dl_lat, dl_lon,
     dl_radius, ou_id, ou_name, ou_lat, ou_lon, ou_radius, early_attach_hours, raw_duties, unpaid) = row  # fmt: skip
    roster = early_attach_hours is not None
    duty = shift_flag = None
    if office_date_of(now, zone) != local_date:
        employee = employee_for_check(user)
        local_date = office_date_of(now, zone)
        duties = duty_windows_for(employee_id=employee_id, local_date=local_date) if roster else []
        on_duty = LeaveRequest.objects.filter(
            employee_id=employee_id,
            status=ApprovalStatus.APPROVED,
            kind=LeaveKind.DINAS_LUAR,
            date_from__lte=local_date,
            date_to__gte=local_date,
        ).exists()
        unpaid = LeaveRequest.objects.filter(
            employee_id=employee_id,
            status=ApprovalStatus.APPROVED,
            kind=LeaveKind.CLTN,
            date_from__lte=local_date,
            date_to__gte=local_date,
        ).exists()
        location = None  # the schedule day is read by fence_for below
        fallback = True
    else:
        duties = _duty_windows(raw_duties) if roster else []
        fallback = False
    if unpaid:
        # docs/rules.md §9 "CLTN": during unpaid leave the employee is inactive and has no working day.
        raise ApplicationError(str(ERR_UNPAID_LEAVE), code="unpaid_leave")
    if roster:
        duty, shift_flag = duty_match(duties, kind=kind, at=now.timestamp(), early_attach_hours=early_attach_hours)
    if duty is not None:
        local_date = duty.duty_date
    if on_duty:
        fence = Fence(DayLocation.OFFICIAL_DUTY, None, None, None, required=False, label=str(_("Official duty")))
    elif duty is not None:
        fence = fence_for_duty(
            duty=duty, home=(home_lat, home_lon), office=(unit_name, office_lat, office_lon, office_radius)
        )
    elif fallback:
        fence = fence_for(employee=employee, local_date=local_date)
    else:
        employee = SimpleNamespace(
            home_latitude=home_lat,
            home_longitude=home_lon,
            unit=SimpleNamespace(
                name=unit_name, office_latitude=office_lat, office_longitude=office_lon, office_radius_m=office_radius
            ),
        )
        day = None
        if location is not None:
            day = SimpleNamespace(
                location=location,
                designated_location=None
                if dl_id is None
                else SimpleNamespace(name=dl_name, latitude=dl_lat, longitude=dl_lon, radius_m=dl_radius),
                other_office_unit=None
                if ou_id is None
                else SimpleNamespace(
                    name=ou_name, office_latitude=ou_lat, office_longitude=ou_lon, office_radius_m=ou_radius
                ),
            )
        fence = fence_from_day(employee=employee, day=day)
    return _CheckContext(
        employee_id=employee_id,
        agency_id=agency_id,
        unit_id=unit_id,
        supervisor_id=supervisor_id,
        zone=zone,
        local_date=local_date,
        max_accuracy_m=max_accuracy_m,
        fence=fence,
        duty=duty,
        shift_flag=shift_flag,
    )


_ACCEPTED_SQL = """
SELECT id, local_date, at, location, distance_m, inside_fence, flags, attempt_count, FALSE, duty_id
FROM attendance_checkevent WHERE employee_id = %s AND local_date = %s AND kind = %s
"""


def attendance_check(
    *,
    user,
    kind: str,
    latitude: float,
    longitude: float,
    accuracy_m: float,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> CheckOutcome:
    """Record a check-in or check-out at the server's clock. Never refused for its position:
    outside the fence or inaccurate is stored and flagged. Two queries: the context (employee,
    policy, office date, official duty, schedule day) and the upsert; three on an accepted repeat."""
    now = now or timezone.now()
    context = _check_context(user=user, now=now, kind=kind)
    fence = context.fence
    local_date = context.local_date
    verdict: Verdict = judge(
        fence=fence,
        latitude=latitude,
        longitude=longitude,
        accuracy_m=accuracy_m,
        max_accuracy_m=context.max_accuracy_m or 100,
    )
    flags = [*verdict.flags, context.shift_flag] if context.shift_flag else list(verdict.flags)
    lat, lon = Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")
    attempt = {
        "at": now.isoformat(),
        "latitude": float(lat),
        "longitude": float(lon),
        "accuracy_m": accuracy_m,
        "distance_m": verdict.distance_m,
        "inside_fence": verdict.inside_fence,
        "flags": flags,
    }
    values = {
        "created_at": now,
        "updated_at": now,
        "agency_id": context.agency_id,
        "employee_id": context.employee_id,
        "kind": kind,
        "local_date": local_date,
        "at": now,
        "location": fence.location,
        "latitude": lat,
        "longitude": lon,
        "accuracy_m": accuracy_m,
        "distance_m": verdict.distance_m,
        "fence_radius_m": fence.radius_m if fence.required else None,
        "inside_fence": verdict.inside_fence,
        "flags": flags,
        "ip": ip,
        "duty_id": context.duty.id if context.duty else None,
        "flagged": bool(flags),
        "attempts": json.dumps([attempt]),
        "attempt_count": 1,
        "unit_id": context.unit_id,
        "supervisor_id": context.supervisor_id,
    }
    name, sql = ("fw_check_in", _CHECK_IN_SQL) if kind == CheckKind.IN else ("fw_check_out", _CHECK_OUT_SQL)
    with connection.cursor() as cursor:
        prepare_once(name, positional_placeholders(sql))
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(_COLUMNS))})", [values[c] for c in _COLUMNS])
        row = cursor.fetchone()
        if row is None:
            # An accepted check-in already stands: answer it unchanged (200).
            cursor.execute(_ACCEPTED_SQL, [context.employee_id, local_date, str(kind)])
            row = cursor.fetchone()
    event_id, day, at, location, distance, inside, flags, attempts, inserted, duty_id = row
    # The home page caches the employee's day for a minute: forget it once the check is committed.
    transaction.on_commit(functools.partial(_home_forget, context.employee_id, day))
    return CheckOutcome(
        id=event_id,
        kind=kind,
        local_date=day,
        at=at,
        zone=context.zone,
        location=location,
        distance_m=distance,
        inside_fence=inside,
        flags=list(flags),
        attempt_count=attempts,
        created=bool(inserted),
        fence=fence,
        duty=context.duty if context.duty is not None and context.duty.id == duty_id else None,
    )


def _home_forget(employee_id: int, local_date: datetime.date) -> None:
    from flexwork.reports.dashboards import me_dashboard_forget

    me_dashboard_forget(employee_id=employee_id, local_date=local_date)


# ---------------------------------------------------------------------------- idempotency keys


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict


_CLAIM_SQL = """
INSERT INTO attendance_idempotencykey AS k (user_id, key, endpoint, status_code, body, created_at)
VALUES (%s, %s, %s, NULL, NULL, %s)
ON CONFLICT (user_id, key) DO UPDATE SET endpoint = EXCLUDED.endpoint, status_code = NULL, body = NULL,
  created_at = EXCLUDED.created_at
WHERE k.created_at < %s
RETURNING id
"""


def idempotency_claim(*, user, key: uuid.UUID, endpoint: str, now=None) -> int | StoredResponse:
    """Claim `key` for this user, or get the response stored under it (kept 24 h). A concurrent
    request with the same key waits on the unique index until the first commits, then replays it.
    Returns the claimed row id, or the StoredResponse to replay."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, [user.pk, key, endpoint, now, now - IDEMPOTENCY_KEEP])
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    stored = IdempotencyKey.objects.filter(user_id=user.pk, key=key).values("endpoint", "status_code", "body").first()
    if stored is None or stored["status_code"] is None:
        raise ConflictError(str(ERR_KEY_IN_FLIGHT), code="idempotency_in_flight")
    if stored["endpoint"] != endpoint:
        raise ApplicationError(
            str(ERR_KEY_REUSED), code="idempotency_key_reused", fields={"Idempotency-Key": [str(ERR_KEY_REUSED)]}
        )
    return StoredResponse(status_code=stored["status_code"], body=stored["body"])


def idempotency_store(*, key_id: int, status_code: int, body: dict) -> None:
    IdempotencyKey.objects.filter(id=key_id).update(status_code=status_code, body=body)


def idempotency_keys_purge(*, now=None) -> int:
    now = now or timezone.now()
    deleted, _detail = IdempotencyKey.objects.filter(created_at__lt=now - IDEMPOTENCY_KEEP).delete()
    return deleted


# ---------------------------------------------------------------------------- output log


def day_location(*, employee: Employee, local_date: datetime.date) -> str:
    return fence_for(employee=employee, local_date=local_date).location


def _resolve_indicator(*, employee: Employee, local_date: datetime.date, indicator_id: int | None):
    if indicator_id is None:
        return None
    from performance.selectors import indicator_choices_for

    indicator = indicator_choices_for(employee=employee, on_date=local_date).filter(id=indicator_id).first()
    if indicator is None:
        raise ApplicationError(str(ERR_INDICATOR), fields={"indicator": [str(ERR_INDICATOR)]})
    return indicator


def _attach(*, user, entry: WorkLog, evidence_ids: list[int]) -> None:
    from flexwork.common.selectors import evidence_list_attachable_for

    ids = list(dict.fromkeys(evidence_ids or []))
    if not ids:
        return
    files = list(evidence_list_attachable_for(user=user).filter(id__in=ids))
    if len(files) != len(ids):
        raise ApplicationError(str(ERR_EVIDENCE), fields={"evidence": [str(ERR_EVIDENCE)]})
    for evidence in files:
        evidence_attach(evidence=evidence, owner=entry)


@transaction.atomic
def worklog_create(
    *,
    user,
    local_date: datetime.date,
    description: str,
    quantity: Decimal,
    unit_of_measure: str,
    minutes_spent: int,
    link: str = "",
    indicator_id: int | None = None,
    evidence_ids: list[int] | None = None,
) -> WorkLog:
    """An output-log entry of the caller for one of their days (never a future one); the day's
    location comes from the schedule (official duty, else the schedule day, else the office)."""
    employee = employee_for_check(user)
    if local_date > office_today(employee):
        raise ApplicationError(str(ERR_LOG_FUTURE), fields={"local_date": [str(ERR_LOG_FUTURE)]})
    entry = WorkLog(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=local_date,
        location=day_location(employee=employee, local_date=local_date),
        description=description.strip(),
        quantity=quantity,
        unit_of_measure=unit_of_measure.strip(),
        minutes_spent=minutes_spent,
        link=link or "",
        indicator=_resolve_indicator(employee=employee, local_date=local_date, indicator_id=indicator_id),
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
    )
    entry.full_clean()
    entry.save()
    _attach(user=user, entry=entry, evidence_ids=evidence_ids or [])
    # A late log lifts the day's missing-log flag; the reminder row stays for the digest's history.
    DayStatus.objects.filter(employee_id=employee.id, local_date=local_date, missing_log=True).update(missing_log=False)
    return entry


@transaction.atomic
def worklog_delete(*, entry: WorkLog, user) -> None:
    if entry.employee.user_id != user.pk:
        raise PermissionDenied(str(ERR_NOT_OWNER))
    if entry.verification:
        raise ConflictError(str(ERR_LOG_VERIFIED), code="verified")
    entry.delete()


def can_verify(*, entry: WorkLog, user) -> bool:
    supervisor = entry.employee.supervisor
    return supervisor is not None and supervisor.user_id == user.pk


@transaction.atomic
def worklog_verify(*, entry: WorkLog, user, verification: str, note: str = "") -> WorkLog:
    """The direct supervisor's verdict on one entry (sesuai / kurang / tidak sesuai) with a note.
    Verifying again replaces the verdict."""
    if not can_verify(entry=entry, user=user):
        raise PermissionDenied(str(ERR_NOT_SUPERVISOR))
    if verification not in Verification.values:
        raise ApplicationError(_("Unknown verdict."), fields={"verification": [str(_("Unknown verdict."))]})
    entry.verification = verification
    entry.verification_note = note or ""
    entry.verified_by = user
    entry.verified_at = timezone.now()
    entry.save(update_fields=["verification", "verification_note", "verified_by", "verified_at", "updated_at"])
    return entry


# ---------------------------------------------------------------------------- missing logs


AWAY_LOCATIONS = (Location.HOME, Location.DESIGNATED)
MISSING_LOG_LOOKBACK_DAYS = 14


def _next_working_day(day: datetime.date, holidays: set[datetime.date]) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day, holidays):
        day += datetime.timedelta(days=1)
    return day


def missing_logs_flag(*, agency: Agency, today: datetime.date) -> int:
    """WFH/WFA days whose next working day has ended (is before `today`, an office date) without
    any log entry: set the day's `missing_log` and create one reminder row each. Idempotent."""
    first = today - datetime.timedelta(days=MISSING_LOG_LOOKBACK_DAYS)
    holidays = holiday_dates(agency_id=agency.id, date_from=first, date_to=today + datetime.timedelta(days=14))
    days = (
        ScheduleDay.objects.filter(
            agency_id=agency.id,
            cancelled_at__isnull=True,
            location__in=AWAY_LOCATIONS,
            local_date__gte=first,
            local_date__lt=today,
        )
        .annotate(
            has_log=Exists(
                WorkLog.objects.filter(employee_id=OuterRef("employee_id"), local_date=OuterRef("local_date"))
            )
        )
        .filter(has_log=False, employee__is_active=True)
        .values_list("employee_id", "local_date", "location")
    )
    due = [
        (employee_id, day, location)
        for employee_id, day, location in days
        if day not in holidays and _next_working_day(day, holidays) < today
    ]
    if not due:
        return 0
    MissingLogReminder.objects.bulk_create(
        [MissingLogReminder(agency_id=agency.id, employee_id=e, local_date=d, location=loc) for e, d, loc in due],
        ignore_conflicts=True,
    )
    condition = Q()
    for employee_id, day, _location in due:
        condition |= Q(employee_id=employee_id, local_date=day)
    DayStatus.objects.filter(condition).update(missing_log=True)
    return len(due)


# ---------------------------------------------------------------------------- privacy


POSITION_FIELDS = {"latitude": None, "longitude": None, "accuracy_m": None, "ip": None, "attempts": []}


def positions_purge(*, now: datetime.datetime | None = None) -> int:
    """UU PDP: clear positions (and IP addresses) of check events older than the policy's
    `location_retention_days` (the unit's override, else the agency's, by the event's unit
    snapshot). Statuses, times, distances and flags stay."""
    now = now or timezone.now()
    purged = 0
    for agency in Agency.objects.all().only("id"):
        default_days = policy_for(agency=agency.id).location_retention_days
        overrides = dict(
            UnitPolicyOverride.objects.filter(
                unit__agency_id=agency.id, location_retention_days__isnull=False
            ).values_list("unit_id", "location_retention_days")
        )
        kept = CheckEvent.objects.filter(agency_id=agency.id, positions_purged_at__isnull=True)
        for unit_id, days in overrides.items():
            purged += kept.filter(unit_id=unit_id, at__lt=now - datetime.timedelta(days=days)).update(
                positions_purged_at=now, **POSITION_FIELDS
            )
        purged += (
            kept.exclude(unit_id__in=list(overrides))
            .filter(at__lt=now - datetime.timedelta(days=default_days))
            .update(positions_purged_at=now, **POSITION_FIELDS)
        )
    return purged


def units_in_zone(zone: str):
    return Unit.objects.annotate(zone=Coalesce("time_zone", "agency__time_zone")).filter(zone=zone)
