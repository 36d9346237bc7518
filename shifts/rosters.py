"""Rosters (docs/rules.md §8 "Patterns and rosters", "Changes and swaps"): a unit's month is generated
from the assignments as a draft, edited cell by cell, published by the unit head (or a delegate for
rosters) and changed after publishing with a reason.

A duty's instants are fixed from the unit's zone when it is written (`duty_write_values`); it carries
its own copy of the type's breaks and windows, so a later change of the type leaves it as it was."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from flexwork.approvals.models import ApprovalKind
from flexwork.approvals.services import active_delegations
from flexwork.common.calendar import today_in, unit_zone_name
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, RamadanRange, Unit
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.policy import SOFT, Violation
from shifts.models import (
    CELL_OFF,
    CELL_POST_NIGHT,
    MAX_SPAN,
    Duty,
    DutyKind,
    DutyLocation,
    DutySource,
    Roster,
    RosterAssignment,
    RosterStatus,
    ShiftType,
)
from shifts.times import ERR_SPAN, SPAN_MIN, duty_times

ERR_NOT_MANAGER = _("Only the unit's head or their delegate for rosters may do this.")
ERR_STALE = _("The roster changed meanwhile (or this was already sent). Reload the page and try again.")
ERR_ALREADY_PUBLISHED = _("This roster is already published.")
ERR_PUBLISHED_NO_GENERATE = _("A published roster is not generated again; change its duties one by one.")
ERR_OVERRIDE_REQUIRED = _("Give a reason to publish over the warnings.")
ERR_REASON_REQUIRED = _("Give a reason for the change: the person concerned is told.")
ERR_OVERLAP = _(
    "This duty overlaps another duty of the same person (or they already have one that day). Change or "
    "free the other duty first."
)
ERR_UNKNOWN_CELL = _("Choose a shift, a day off or rest after nights.")
ERR_OUTSIDE_PERIOD = _("The date is outside the roster's period.")
ERR_NOT_IN_UNIT = _("This person does not work in the roster's unit.")
ERR_DUTY_INACTIVE = _("This duty was already changed or swapped. Reload the page.")
ERR_DUTY_DRAFT = _("The roster is still a draft: edit the cell instead.")
ERR_OTHER_ROSTER = _("This day belongs to another roster of this person.")
ERR_TIMES_PAIR = _("Give both the start and the end.")
ERR_LOCATION = _("Choose the own office, home or a designated location.")
ERR_NOT_A_SHIFT = _("A day off has no times.")


# ---------------------------------------------------------------------------- who may act


def manager_ids(unit: Unit, *, on: datetime.date | None = None) -> set[int]:
    """The employees who may generate, publish and change the unit's rosters: its head and the head's
    active delegates for rosters (Plt./Plh.)."""
    if unit.head_id is None:
        return set()
    from flexwork.approvals.models import Delegation

    on = on or today_in(unit_zone_name(unit))
    ids = set(
        Delegation.objects.filter(
            delegator_id=unit.head_id,
            kinds__contains=[ApprovalKind.ROSTER],
            date_from__lte=on,
            date_to__gte=on,
            revoked_at__isnull=True,
            delegate__is_active=True,
        ).values_list("delegate_id", flat=True)
    )
    return {unit.head_id, *ids}


def can_manage(user, unit: Unit) -> bool:
    scope = org_scope.scope_for(user)
    if scope.employee_id is None or scope.agency_id != unit.agency_id:
        return False
    if unit.head_id == scope.employee_id:
        return True
    return (
        unit.head_id is not None
        and active_delegations(
            delegate_id=scope.employee_id, kind=ApprovalKind.ROSTER, on=today_in(unit_zone_name(unit))
        )
        .filter(delegator_id=unit.head_id)
        .exists()
    )


def require_manager(user, unit: Unit) -> None:
    if not can_manage(user, unit):
        raise PermissionDenied(str(ERR_NOT_MANAGER))


def managed_unit_ids(user) -> list[int]:
    """Units whose rosters `user` manages: the units they head and those whose head delegated rosters to
    them today."""
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return []
    delegators = active_delegations(
        delegate_id=scope.employee_id, kind=ApprovalKind.ROSTER, on=today_in(scope.office_time_zone)
    ).values("delegator_id")
    from django.db.models import Q

    return list(
        Unit.objects.filter(agency_id=scope.agency_id)
        .filter(Q(head_id=scope.employee_id) | Q(head_id__in=delegators))
        .order_by("path")
        .values_list("id", flat=True)
    )


# ---------------------------------------------------------------------------- periods and values


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def ramadan_days(*, agency_id: int, date_from: datetime.date, date_to: datetime.date) -> set[datetime.date]:
    days: set[datetime.date] = set()
    for start, end in RamadanRange.objects.filter(
        agency_id=agency_id, start__lte=date_to, end__gte=date_from
    ).values_list("start", "end"):
        day = max(start, date_from)
        while day <= min(end, date_to):
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


def cell_kind(cell: str) -> str:
    if cell == CELL_OFF:
        return DutyKind.OFF
    if cell == CELL_POST_NIGHT:
        return DutyKind.POST_NIGHT
    return DutyKind.SHIFT


def duty_write_values(
    *,
    employee: Employee,
    unit: Unit,
    duty_date: datetime.date,
    shift_type: ShiftType | None = None,
    kind: str = DutyKind.SHIFT,
    ramadan: bool | None = None,
    holidays: set[datetime.date] | None = None,
) -> dict:
    """The column values of a duty of `employee` in `unit` on `duty_date`: the type's times laid on the
    unit's zone (its Ramadan variant on a Ramadan day), the copies of breaks and windows, the unit and
    supervisor snapshots and `holiday_worked`. `ramadan` and `holidays` may be given to save queries."""
    values = {
        "agency_id": unit.agency_id,
        "employee_id": employee.id,
        "duty_date": duty_date,
        "kind": kind,
        "shift_type": None,
        "start_at": None,
        "end_at": None,
        "break_minutes": 0,
        "net_minutes": 0,
        "checkin_open_before": 60,
        "checkout_close_after": 240,
        "is_night": False,
        "unit_id": unit.id,
        "supervisor_id": employee.supervisor_id,
        "holiday_worked": False,
    }
    if kind != DutyKind.SHIFT:
        return values
    if shift_type is None:
        raise ApplicationError(str(ERR_UNKNOWN_CELL), code="invalid", fields={"cell": [str(ERR_UNKNOWN_CELL)]})
    if ramadan is None:
        ramadan = bool(ramadan_days(agency_id=unit.agency_id, date_from=duty_date, date_to=duty_date))
    if holidays is None:
        holidays = holiday_dates(agency_id=unit.agency_id, date_from=duty_date, date_to=duty_date)
    start, end, breaks = shift_type.start_time, shift_type.end_time, shift_type.break_minutes
    if ramadan and shift_type.ramadan_start_time is not None:
        start, end = shift_type.ramadan_start_time, shift_type.ramadan_end_time
        if shift_type.ramadan_break_minutes is not None:
            breaks = shift_type.ramadan_break_minutes
    times = duty_times(duty_date=duty_date, start=start, end=end, break_minutes=breaks, zone=unit_zone_name(unit))
    values.update(
        shift_type=shift_type,
        start_at=times.start_at,
        end_at=times.end_at,
        break_minutes=times.break_minutes,
        net_minutes=times.net_minutes,
        checkin_open_before=shift_type.checkin_open_before,
        checkout_close_after=shift_type.checkout_close_after,
        is_night=shift_type.is_night,
        holiday_worked=duty_date in holidays,
    )
    return values


COMPARED = (
    "kind", "shift_type_id", "start_at", "end_at", "break_minutes", "net_minutes", "checkin_open_before",
    "checkout_close_after", "is_night", "unit_id", "supervisor_id", "holiday_worked",
)  # fmt: skip


def _differs(duty: Duty, values: dict) -> bool:
    for name in COMPARED:
        wanted = values["shift_type"].id if name == "shift_type_id" and values["shift_type"] else values.get(name)
        if getattr(duty, name) != wanted:
            return True
    return False


def overlap_error() -> ApplicationError:
    return ApplicationError(str(ERR_OVERLAP), code="DUTY_OVERLAP", fields={"cell": [str(ERR_OVERLAP)]})


# ---------------------------------------------------------------------------- roster


@transaction.atomic
def roster_for(*, unit: Unit, period_start: datetime.date) -> Roster:
    """The unit's roster for the calendar month of `period_start` (a new DRAFT if there is none)."""
    first, last = month_of(period_start)
    roster, _created = Roster.objects.get_or_create(
        unit=unit, period_start=first, defaults={"agency_id": unit.agency_id, "period_end": last}
    )
    return roster


def _lock_roster(roster: Roster) -> Roster:
    return Roster.objects.select_for_update(of=("self",)).select_related("unit__agency").get(id=roster.id)


def _check_version(roster: Roster, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != roster.version:
        raise ConflictError(str(ERR_STALE), code="stale")


def _unit_employees(unit: Unit) -> list[Employee]:
    return list(Employee.objects.filter(unit_id=unit.id, is_active=True).order_by("name", "id"))


@transaction.atomic
def roster_generate(*, roster: Roster, actor=None, expected_version: int | None = None) -> int:
    """Fill the draft from the active assignments of the unit's employees: each day's cell of their
    pattern (the cycle runs on across months). Idempotent: a PATTERN duty is rewritten only when it
    differs; MANUAL duties, duties of other rosters and published duties are never touched. Returns
    the number of duties written or removed."""
    roster = _lock_roster(roster)
    if actor is not None:
        require_manager(actor, roster.unit)
    if roster.status != RosterStatus.DRAFT:
        raise ConflictError(str(ERR_PUBLISHED_NO_GENERATE), code="published")
    _check_version(roster, expected_version)
    unit, first, last = roster.unit, roster.period_start, roster.period_end
    employees = {e.id: e for e in _unit_employees(unit)}
    assignments = (
        RosterAssignment.objects.filter(employee_id__in=employees, date_from__lte=last, pattern__is_active=True)
        .exclude(date_to__lt=first)
        .select_related("pattern")
        .order_by("employee_id", "date_from", "id")
    )
    types = {t.code: t for t in ShiftType.objects.filter(agency_id=unit.agency_id)}
    holidays = holiday_dates(agency_id=unit.agency_id, date_from=first, date_to=last)
    ramadan = ramadan_days(agency_id=unit.agency_id, date_from=first, date_to=last)
    wanted: dict[tuple[int, datetime.date], dict] = {}
    for assignment in assignments:
        day = max(first, assignment.date_from)
        end = min(last, assignment.date_to or last)
        while day <= end:
            cell = assignment.pattern.cell_on(day, assignment.offset)
            kind = cell_kind(cell)
            shift_type = types.get(cell) if kind == DutyKind.SHIFT else None
            if kind != DutyKind.SHIFT or shift_type is not None:
                wanted[(assignment.employee_id, day)] = duty_write_values(
                    employee=employees[assignment.employee_id],
                    unit=unit,
                    duty_date=day,
                    shift_type=shift_type,
                    kind=kind,
                    ramadan=day in ramadan,
                    holidays=holidays,
                )
            day += datetime.timedelta(days=1)
    existing = {
        (d.employee_id, d.duty_date): d
        for d in Duty.objects.filter(employee_id__in=employees, duty_date__range=(first, last), is_active=True)
    }
    stale_ids, new_values = [], []
    for key, duty in existing.items():
        mine = duty.roster_id == roster.id and not duty.is_published and duty.source == DutySource.PATTERN
        if mine and (key not in wanted or _differs(duty, wanted[key])):
            stale_ids.append(duty.id)
    for key, values in wanted.items():
        duty = existing.get(key)
        if duty is None or duty.id in stale_ids:
            new_values.append(values)
    if not stale_ids and not new_values:
        if roster.generated_at is None:
            Roster.objects.filter(id=roster.id).update(generated_at=timezone.now())
        return 0
    try:
        with transaction.atomic():
            Duty.objects.filter(id__in=stale_ids).delete()
            Duty.objects.bulk_create(
                [Duty(roster=roster, source=DutySource.PATTERN, is_published=False, **v) for v in new_values]
            )
    except IntegrityError as exc:
        raise overlap_error() from exc
    Roster.objects.filter(id=roster.id).update(
        generated_at=timezone.now(), version=roster.version + 1, updated_at=timezone.now()
    )
    return len(stale_ids) + len(new_values)


def _type_for_cell(*, agency_id: int, cell: str) -> ShiftType | None:
    if cell_kind(cell) != DutyKind.SHIFT:
        return None
    shift_type = ShiftType.objects.filter(agency_id=agency_id, code=cell, is_active=True).first()
    if shift_type is None:
        raise ApplicationError(str(ERR_UNKNOWN_CELL), code="invalid", fields={"cell": [str(ERR_UNKNOWN_CELL)]})
    return shift_type


def _check_location(location: str) -> str:
    location = location or DutyLocation.OFFICE
    if location not in (DutyLocation.OFFICE, DutyLocation.HOME):
        # DESIGNATED needs a designated location: set through a location request, not here.
        raise ApplicationError(str(ERR_LOCATION), code="invalid", fields={"location": [str(ERR_LOCATION)]})
    return location


@transaction.atomic
def duty_set(
    *,
    roster: Roster,
    employee: Employee,
    duty_date: datetime.date,
    cell: str,
    actor,
    reason: str = "",
    location: str = DutyLocation.OFFICE,
    expected_version: int | None = None,
) -> Duty:
    """Set one cell of the roster by hand (a shift type's code, OFF or POST_NIGHT). On a draft the duty is
    MANUAL (regenerating keeps it); on a published roster this is a change (`duty_change`): a reason is
    required and the person is told."""
    roster = _lock_roster(roster)
    require_manager(actor, roster.unit)
    _check_version(roster, expected_version)
    if not (roster.period_start <= duty_date <= roster.period_end):
        raise ApplicationError(str(ERR_OUTSIDE_PERIOD), code="invalid", fields={"duty_date": [str(ERR_OUTSIDE_PERIOD)]})
    employee = Employee.objects.select_for_update(of=("self",)).get(id=employee.id)
    if employee.unit_id != roster.unit_id:
        raise ApplicationError(str(ERR_NOT_IN_UNIT), code="invalid", fields={"employee": [str(ERR_NOT_IN_UNIT)]})
    location = _check_location(location)
    current = Duty.objects.filter(employee_id=employee.id, duty_date=duty_date, is_active=True).first()
    if current is not None and current.roster_id != roster.id:
        raise ApplicationError(str(ERR_OTHER_ROSTER), code="invalid", fields={"cell": [str(ERR_OTHER_ROSTER)]})
    if roster.is_published:
        if current is not None:
            return duty_change(duty=current, actor=actor, reason=reason, cell=cell, location=location)
        return _duty_add_published(
            roster=roster, employee=employee, duty_date=duty_date, cell=cell, actor=actor, reason=reason,
            location=location,
        )  # fmt: skip
    shift_type = _type_for_cell(agency_id=roster.agency_id, cell=cell)
    values = duty_write_values(
        employee=employee, unit=roster.unit, duty_date=duty_date, shift_type=shift_type, kind=cell_kind(cell)
    )
    values["location"] = location if values["kind"] == DutyKind.SHIFT else DutyLocation.OFFICE
    if (
        current is not None
        and current.source == DutySource.MANUAL
        and not _differs(current, values)
        and current.location == values["location"]
    ):
        return current  # the same cell again (a repeated tap): nothing to write
    try:
        with transaction.atomic():
            if current is not None:
                current.delete()
            duty = Duty.objects.create(
                roster=roster, source=DutySource.MANUAL, is_published=False, reason=(reason or "").strip(), **values
            )
    except IntegrityError as exc:
        raise overlap_error() from exc
    Roster.objects.filter(id=roster.id).update(version=roster.version + 1, updated_at=timezone.now())
    return duty


def roster_warnings(roster: Roster) -> list[Violation]:
    """The §8 warnings of the roster's period, and ROSTER_LATE while it is a draft past the lead time."""
    from shifts.warnings import warnings_for

    found = list(warnings_for(unit=roster.unit, date_from=roster.period_start, date_to=roster.period_end))
    if not roster.is_published:
        late = roster_late(roster)
        if late is not None:
            found.insert(0, late)
    return found


def roster_late(roster: Roster) -> Violation | None:
    policy = policy_for(agency=roster.agency_id, unit=roster.unit)
    lead = int(policy.roster_publish_lead_days)
    today = today_in(unit_zone_name(roster.unit))
    due = roster.period_start - datetime.timedelta(days=lead)
    if today <= due:
        return None
    message = gettext("The roster is published %(late)d days before its period instead of at least %(lead)d.") % {
        "late": max(0, (roster.period_start - today).days),
        "lead": lead,
    }
    return Violation("ROSTER_LATE", SOFT, message, (roster.period_start,))


@transaction.atomic
def roster_publish(*, roster: Roster, actor, expected_version: int, override_reason: str = "") -> list[Violation]:
    """Publish the draft: its duties become published (check-ins match them), `version` goes up and the
    rostered people are told. Soft warnings need `override_reason` (stored on the roster). A stale
    `expected_version` or a second publish is a 409."""
    roster = _lock_roster(roster)
    require_manager(actor, roster.unit)
    if roster.status != RosterStatus.DRAFT:
        raise ConflictError(str(ERR_ALREADY_PUBLISHED), code="stale")
    _check_version(roster, expected_version if expected_version is not None else -1)
    found = roster_warnings(roster)
    soft = [v for v in found if v.severity == SOFT]
    override_reason = (override_reason or "").strip()
    if soft and not override_reason:
        raise ApplicationError(
            str(ERR_OVERRIDE_REQUIRED),
            code="override_reason_required",
            fields={"override_reason": [str(ERR_OVERRIDE_REQUIRED)]},
            violations=[v.as_dict() for v in soft],
        )
    now = timezone.now()
    Duty.objects.filter(roster=roster, is_active=True).update(is_published=True, updated_at=now)
    Roster.objects.filter(id=roster.id).update(
        status=RosterStatus.PUBLISHED,
        published_at=now,
        published_by=actor,
        version=roster.version + 1,
        override_reason=override_reason if soft else "",
        updated_at=now,
    )
    roster.refresh_from_db()
    from shifts import handlers

    handlers.tell_roster_published(roster=roster, actor=actor)
    return found


# ---------------------------------------------------------------------------- after publishing


def _explicit_times(values: dict, start_at, end_at) -> None:
    if (start_at is None) != (end_at is None):
        raise ApplicationError(str(ERR_TIMES_PAIR), code="invalid", fields={"end_at": [str(ERR_TIMES_PAIR)]})
    if start_at is None:
        return
    if values["kind"] != DutyKind.SHIFT:
        raise ApplicationError(str(ERR_NOT_A_SHIFT), code="invalid", fields={"start_at": [str(ERR_NOT_A_SHIFT)]})
    span = end_at - start_at
    if not (SPAN_MIN <= span <= MAX_SPAN):
        raise ApplicationError(str(ERR_SPAN), code="SHIFT_SPAN", fields={"end_at": [str(ERR_SPAN)]})
    values["start_at"], values["end_at"] = start_at, end_at
    values["net_minutes"] = max(0, int(span.total_seconds() // 60) - values["break_minutes"])


@transaction.atomic
def duty_change(
    *,
    duty: Duty,
    actor,
    reason: str,
    cell: str | None = None,
    location: str | None = None,
    start_at: datetime.datetime | None = None,
    end_at: datetime.datetime | None = None,
    expected_sequence: int | None = None,
) -> Duty:
    """Change a published duty: the old one becomes inactive (`replaced_by` the new CHANGE duty, its
    `sequence` raised so calendars cancel it), the new one carries the next sequence; the person is
    told. A reason is required. An overlap with another duty of the person is refused (DUTY_OVERLAP).
    The soft warnings of the change are on the returned duty's `warnings`."""
    old = Duty.objects.select_for_update(of=("self",)).select_related("roster__unit__agency").get(id=duty.id)
    roster = old.roster
    require_manager(actor, roster.unit)
    if not old.is_active or (expected_sequence is not None and int(expected_sequence) != old.sequence):
        raise ConflictError(str(ERR_DUTY_INACTIVE), code="stale")
    if not old.is_published:
        raise ApplicationError(str(ERR_DUTY_DRAFT), code="invalid")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            str(ERR_REASON_REQUIRED), code="reason_required", fields={"reason": [str(ERR_REASON_REQUIRED)]}
        )
    employee = Employee.objects.select_for_update(of=("self",)).get(id=old.employee_id)
    if cell is None:
        cell = old.shift_type.code if old.kind == DutyKind.SHIFT else old.kind
    shift_type = (
        _type_for_cell(agency_id=old.agency_id, cell=cell)
        if cell != getattr(old.shift_type, "code", None)
        else old.shift_type
    )
    values = duty_write_values(
        employee=employee, unit=roster.unit, duty_date=old.duty_date, shift_type=shift_type, kind=cell_kind(cell)
    )
    if start_at is None and cell_kind(cell) == DutyKind.SHIFT and shift_type.id == old.shift_type_id:
        # The same shift keeps its own times (a later change of the type does not move it).
        values.update(
            start_at=old.start_at, end_at=old.end_at, break_minutes=old.break_minutes, net_minutes=old.net_minutes
        )
    _explicit_times(values, start_at, end_at)
    if location is None or location == old.location:
        values["location"], values["designated_location_id"] = old.location, old.designated_location_id
    else:
        values["location"] = _check_location(location)
    if values["kind"] != DutyKind.SHIFT:
        values["location"], values["designated_location_id"] = DutyLocation.OFFICE, None
    now = timezone.now()
    try:
        with transaction.atomic():
            Duty.objects.filter(id=old.id).update(
                is_active=False, cancelled_at=now, sequence=old.sequence + 1, updated_at=now
            )
            new = Duty.objects.create(
                roster=roster,
                source=DutySource.CHANGE,
                is_published=True,
                reason=reason,
                sequence=old.sequence + 1,
                **values,
            )
            Duty.objects.filter(id=old.id).update(replaced_by=new)
    except IntegrityError as exc:
        raise overlap_error() from exc
    old.refresh_from_db()
    _bump(roster)
    from shifts import handlers

    handlers.tell_duty_changed(old=old, new=new, actor=actor)
    new.warnings = _change_warnings(old=old, new=new)
    return new


def _duty_add_published(*, roster, employee, duty_date, cell, actor, reason, location) -> Duty:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            str(ERR_REASON_REQUIRED), code="reason_required", fields={"reason": [str(ERR_REASON_REQUIRED)]}
        )
    shift_type = _type_for_cell(agency_id=roster.agency_id, cell=cell)
    values = duty_write_values(
        employee=employee, unit=roster.unit, duty_date=duty_date, shift_type=shift_type, kind=cell_kind(cell)
    )
    values["location"] = location if values["kind"] == DutyKind.SHIFT else DutyLocation.OFFICE
    try:
        with transaction.atomic():
            new = Duty.objects.create(
                roster=roster, source=DutySource.CHANGE, is_published=True, reason=reason, sequence=0, **values
            )
    except IntegrityError as exc:
        raise overlap_error() from exc
    _bump(roster)
    from shifts import handlers

    handlers.tell_duty_changed(old=None, new=new, actor=actor)
    new.warnings = _change_warnings(old=None, new=new)
    return new


def _bump(roster: Roster) -> None:
    """A change after publishing raises the roster's version too: a page read before is stale."""
    Roster.objects.filter(id=roster.id).update(version=F("version") + 1, updated_at=timezone.now())


def _change_warnings(*, old: Duty | None, new: Duty) -> list[Violation]:
    from shifts.warnings import warnings_for

    return warnings_for(
        unit=new.roster.unit,
        date_from=new.duty_date - datetime.timedelta(days=1),
        date_to=new.duty_date + datetime.timedelta(days=1),
        employee_ids=[new.employee_id],
    )


def format_day(day: datetime.date) -> str:
    """ "Senin, 14 Des" / "Monday, 14 Dec" in the active language."""
    return formats.date_format(day, "l, j M")


def format_days(days: Iterable[datetime.date]) -> str:
    return ", ".join(format_day(d) for d in sorted(set(days)))


def in_language(language: str | None):
    return translation.override(language) if language else translation.override(translation.get_language())
