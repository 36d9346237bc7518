"""HR's shift setup (docs/rules.md §8 "Shift types", "Patterns and rosters", "Coverage"): the agency's shift
types, the patterns they form, who follows which pattern, and the fewest people per shift of a unit.

Every rule is checked here first, with a message for the person and a code (ApplicationError, 400);
PostgreSQL's constraints on the models stay the last line. An edit names the `updated_at` it was shown
with: a row changed meanwhile is a 409 (ConflictError) and nothing is written."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org.models import Agency, Employee, Position, Unit
from flexwork.org.models.organisation import WorkWeek
from shifts.models import (
    CELL_OFF,
    CELL_POST_NIGHT,
    MAX_PATTERN_CELLS,
    RESERVED_CELLS,
    DayKind,
    Duty,
    RosterAssignment,
    ShiftCoverage,
    ShiftPattern,
    ShiftType,
)
from shifts.times import SPAN_MAX, SPAN_MIN, shift_span

# Words a pattern may be typed with on the HR page besides the reserved cells; no shift type may take them.
CELL_WORDS = {
    "OFF": CELL_OFF,
    "LIBUR": CELL_OFF,
    "-": CELL_OFF,
    "POST_NIGHT": CELL_POST_NIGHT,
    "LM": CELL_POST_NIGHT,
    "LEPAS_MALAM": CELL_POST_NIGHT,
}
RESERVED_CODES = frozenset(CELL_WORDS)
CODE_RE = re.compile(r"^[A-Z0-9]{1,12}$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
WINDOW_MAX_MINUTES = 720
MAX_MIN_STAFF = 999
PREVIEW_DAYS = 14
SHIFT_WEEKS = (WorkWeek.FIXED_WEEK, WorkWeek.ROSTER)

SHIFT_TYPE_FIELDS = [
    "code",
    "name",
    "colour",
    "start_time",
    "end_time",
    "break_minutes",
    "checkin_open_before",
    "checkout_close_after",
    "ramadan_start_time",
    "ramadan_end_time",
    "ramadan_break_minutes",
    "is_night",
]
PATTERN_FIELDS = ["name", "anchor_date", "cells"]


def _refuse(message: str, *, code: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]} if field else None)


def _check_version(obj, expected_updated_at: datetime.datetime | None, message: str) -> None:
    if expected_updated_at is not None and obj.updated_at != expected_updated_at:
        raise ConflictError(message, code="stale")


def _stale_message() -> str:
    return _("Someone changed this while you were editing: nothing was saved. Check the current values and save again.")


# ---------------------------------------------------------------------------- shift types


def span_minutes(start: datetime.time, end: datetime.time) -> int:
    return int(shift_span(start, end).total_seconds() // 60)


def shift_type_validate(*, agency_id: int, data: dict[str, Any], instance: ShiftType | None = None) -> dict:
    """The checked, normalised values of a shift type (every rule of §8 "Shift types")."""
    values = {name: getattr(instance, name) for name in SHIFT_TYPE_FIELDS} if instance else {}
    unknown = set(data) - set(SHIFT_TYPE_FIELDS)
    if unknown:
        message = _("Some fields are not valid.")
        raise ApplicationError(message, fields={name: [_("This field cannot be set.")] for name in sorted(unknown)})
    values.update(data)
    values.setdefault("colour", "#1f6feb")
    values.setdefault("break_minutes", 0)
    values.setdefault("checkin_open_before", 60)
    values.setdefault("checkout_close_after", 240)
    values.setdefault("is_night", False)
    for name in ("ramadan_start_time", "ramadan_end_time", "ramadan_break_minutes"):
        values.setdefault(name, None)

    code = str(values.get("code") or "").strip().upper()
    if not code:
        raise _refuse(_("Give the shift a short code, such as P, S or M."), code="SHIFT_TYPE_CODE", field="code")
    if code in RESERVED_CODES:
        raise _refuse(
            _("“%(code)s” marks a day off or a rest day after nights in a pattern; choose another code.")
            % {"code": code},
            code="SHIFT_TYPE_CODE",
            field="code",
        )
    if not CODE_RE.match(code):
        raise _refuse(
            _("A shift code has 1 to 12 letters or digits, without spaces."), code="SHIFT_TYPE_CODE", field="code"
        )
    taken = ShiftType.objects.filter(agency_id=agency_id, code=code)
    if instance is not None:
        taken = taken.exclude(id=instance.id)
    if taken.exists():
        raise _refuse(
            _("The agency already has a shift with the code “%(code)s”.") % {"code": code},
            code="SHIFT_TYPE_CODE_TAKEN",
            field="code",
        )
    values["code"] = code
    values["name"] = str(values.get("name") or "").strip()
    if not values["name"]:
        raise _refuse(_("Give the shift a name, such as Pagi."), code="SHIFT_TYPE_NAME", field="name")
    if not COLOUR_RE.match(str(values["colour"] or "")):
        raise _refuse(_("Choose the colour as #RRGGBB, for example #2e7d32."), code="SHIFT_TYPE_COLOUR", field="colour")
    start, end = values.get("start_time"), values.get("end_time")
    if start is None or end is None:
        field = "start_time" if start is None else "end_time"
        raise _refuse(_("Give the start and the end of the shift."), code="SHIFT_SPAN", field=field)
    span = shift_span(start, end)
    if not (SPAN_MIN <= span <= SPAN_MAX):
        raise _refuse(_("A shift lasts between 1 minute and 24 hours."), code="SHIFT_SPAN", field="end_time")
    minutes = int(span.total_seconds() // 60)
    if not 0 <= int(values["break_minutes"]) < minutes:
        raise _refuse(
            _("The breaks must be shorter than the shift (%(minutes)s minutes).") % {"minutes": minutes},
            code="SHIFT_BREAK",
            field="break_minutes",
        )
    for name in ("checkin_open_before", "checkout_close_after"):
        if not 0 <= int(values[name]) <= WINDOW_MAX_MINUTES:
            raise _refuse(
                _("Give between 0 and %(max)s minutes.") % {"max": WINDOW_MAX_MINUTES},
                code="SHIFT_WINDOW",
                field=name,
            )
    r_start, r_end, r_break = values["ramadan_start_time"], values["ramadan_end_time"], values["ramadan_break_minutes"]
    if (r_start is None) != (r_end is None) or (r_start is None and r_break not in (None, 0)):
        field = "ramadan_end_time" if r_end is None else "ramadan_start_time"
        raise _refuse(
            _("The Ramadan hours need both a start and an end, or neither."), code="SHIFT_RAMADAN", field=field
        )
    if r_start is not None:
        r_span = shift_span(r_start, r_end)
        if not (SPAN_MIN <= r_span <= SPAN_MAX):
            raise _refuse(
                _("A shift lasts between 1 minute and 24 hours."), code="SHIFT_SPAN", field="ramadan_end_time"
            )
        r_break = int(r_break or 0)
        if r_break >= int(r_span.total_seconds() // 60):
            raise _refuse(
                _("The Ramadan breaks must be shorter than the Ramadan shift."),
                code="SHIFT_BREAK",
                field="ramadan_break_minutes",
            )
        values["ramadan_break_minutes"] = r_break
    else:
        values["ramadan_break_minutes"] = None
    return values


def _code_taken_error(code: str) -> ConflictError:
    message = _("The agency already has a shift with the code “%(code)s”.") % {"code": code}
    return ConflictError(message, code="SHIFT_TYPE_CODE_TAKEN", fields={"code": [message]})


@transaction.atomic
def shift_type_create(*, agency: Agency, data: dict[str, Any]) -> ShiftType:
    values = shift_type_validate(agency_id=agency.id, data=data)
    shift_type = ShiftType(agency=agency, **values)
    try:
        with transaction.atomic():
            shift_type.save()
    except IntegrityError as exc:  # the same code sent twice at once
        raise _code_taken_error(values["code"]) from exc
    return shift_type


def _codes_in_patterns(agency_id: int, code: str) -> bool:
    return ShiftPattern.objects.filter(agency_id=agency_id, cells__contains=[code]).exists()


@transaction.atomic
def shift_type_update(
    *, shift_type: ShiftType, data: dict[str, Any], expected_updated_at: datetime.datetime | None = None
) -> tuple[ShiftType, bool]:
    """Change a shift type. Published duties keep the times they were written with (§8)."""
    locked = ShiftType.objects.select_for_update().get(id=shift_type.id)
    _check_version(locked, expected_updated_at, _stale_message())
    values = shift_type_validate(agency_id=locked.agency_id, data=data, instance=locked)
    if values["code"] != locked.code and _codes_in_patterns(locked.agency_id, locked.code):
        raise _refuse(
            _("Patterns use the code “%(code)s”: change those patterns first, or add a new shift.")
            % {"code": locked.code},
            code="SHIFT_TYPE_CODE_USED",
            field="code",
        )
    changed = [name for name in SHIFT_TYPE_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        return locked, False
    for name in changed:
        setattr(locked, name, values[name])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:
        raise _code_taken_error(values["code"]) from exc
    return locked, True


def shift_type_in_use(shift_type: ShiftType) -> bool:
    return (
        Duty.objects.filter(shift_type=shift_type).exists()
        or ShiftCoverage.objects.filter(shift_type=shift_type).exists()
        or _codes_in_patterns(shift_type.agency_id, shift_type.code)
    )


@transaction.atomic
def shift_type_set_active(
    *, shift_type: ShiftType, active: bool, expected_updated_at: datetime.datetime | None = None
) -> ShiftType:
    """Deactivate (no new pattern may use it; duties already written stand) or bring back a shift type."""
    locked = ShiftType.objects.select_for_update().get(id=shift_type.id)
    _check_version(locked, expected_updated_at, _stale_message())
    if locked.is_active == active:
        raise ConflictError(
            _("This shift is already active.") if active else _("This shift is already inactive."), code="stale"
        )
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    return locked


@transaction.atomic
def shift_type_delete(*, shift_type: ShiftType, expected_updated_at: datetime.datetime | None = None) -> None:
    """Remove a shift type no duty, pattern or coverage names; a used one can only be deactivated."""
    locked = ShiftType.objects.select_for_update().get(id=shift_type.id)
    _check_version(locked, expected_updated_at, _stale_message())
    if shift_type_in_use(locked):
        raise _refuse(
            _("This shift is used by patterns, duties or coverage: deactivate it instead of deleting it."),
            code="SHIFT_TYPE_IN_USE",
        )
    locked.delete()


# ---------------------------------------------------------------------------- patterns


def parse_cells(text: str) -> list[str]:
    """A pattern typed on the HR page ("P, P, S, S, M, M, LM, LIBUR" or with spaces) as its cells."""
    tokens = [token for token in re.split(r"[\s,;]+", (text or "").strip().upper()) if token]
    return [CELL_WORDS.get(token.replace(" ", "_"), token) for token in tokens]


def pattern_validate(*, agency_id: int, data: dict[str, Any], instance: ShiftPattern | None = None) -> dict:
    values = {name: getattr(instance, name) for name in PATTERN_FIELDS} if instance else {}
    unknown = set(data) - set(PATTERN_FIELDS)
    if unknown:
        message = _("Some fields are not valid.")
        raise ApplicationError(message, fields={name: [_("This field cannot be set.")] for name in sorted(unknown)})
    values.update(data)
    name = str(values.get("name") or "").strip()
    if not name:
        raise _refuse(_("Give the pattern a name."), code="PATTERN_NAME", field="name")
    taken = ShiftPattern.objects.filter(agency_id=agency_id, name=name)
    if instance is not None:
        taken = taken.exclude(id=instance.id)
    if taken.exists():
        raise _refuse(
            _("The agency already has a pattern named “%(name)s”.") % {"name": name},
            code="PATTERN_NAME_TAKEN",
            field="name",
        )
    if values.get("anchor_date") is None:
        raise _refuse(_("Give the first day of the cycle."), code="PATTERN_ANCHOR", field="anchor_date")
    cells = [str(cell).strip().upper() for cell in (values.get("cells") or [])]
    if not 1 <= len(cells) <= MAX_PATTERN_CELLS:
        raise _refuse(
            _("A pattern has between 1 and %(max)s days.") % {"max": MAX_PATTERN_CELLS},
            code="PATTERN_LENGTH",
            field="cells",
        )
    known = set(ShiftType.objects.filter(agency_id=agency_id, is_active=True).values_list("code", flat=True))
    unknown_cells = sorted({cell for cell in cells if cell not in known and cell not in RESERVED_CELLS})
    if unknown_cells:
        raise _refuse(
            _("The agency has no active shift with the code %(codes)s.")
            % {"codes": ", ".join(f"“{cell}”" for cell in unknown_cells)},
            code="PATTERN_CELLS",
            field="cells",
        )
    values["name"], values["cells"] = name, cells
    return values


@transaction.atomic
def pattern_create(*, agency: Agency, data: dict[str, Any]) -> ShiftPattern:
    values = pattern_validate(agency_id=agency.id, data=data)
    pattern = ShiftPattern(agency=agency, **values)
    try:
        with transaction.atomic():
            pattern.save()
    except IntegrityError as exc:
        message = _("The agency already has a pattern named “%(name)s”.") % {"name": values["name"]}
        raise ConflictError(message, code="PATTERN_NAME_TAKEN", fields={"name": [message]}) from exc
    return pattern


@transaction.atomic
def pattern_update(
    *, pattern: ShiftPattern, data: dict[str, Any], expected_updated_at: datetime.datetime | None = None
) -> tuple[ShiftPattern, bool]:
    """Change a pattern. Its assignments follow the new cycle at the next generation of a draft;
    published duties stay as they are."""
    locked = ShiftPattern.objects.select_for_update().get(id=pattern.id)
    _check_version(locked, expected_updated_at, _stale_message())
    values = pattern_validate(agency_id=locked.agency_id, data=data, instance=locked)
    longest_offset = max(RosterAssignment.objects.filter(pattern=locked).values_list("offset", flat=True), default=None)
    if longest_offset is not None and longest_offset >= len(values["cells"]):
        raise _refuse(
            _("An assignment starts this pattern on day %(day)s: the cycle cannot be shorter than that.")
            % {"day": longest_offset + 1},
            code="ASSIGNMENT_OFFSET",
            field="cells",
        )
    changed = [name for name in PATTERN_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        return locked, False
    for name in changed:
        setattr(locked, name, values[name])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:
        message = _("The agency already has a pattern named “%(name)s”.") % {"name": values["name"]}
        raise ConflictError(message, code="PATTERN_NAME_TAKEN", fields={"name": [message]}) from exc
    return locked, True


@transaction.atomic
def pattern_set_active(
    *, pattern: ShiftPattern, active: bool, expected_updated_at: datetime.datetime | None = None
) -> ShiftPattern:
    locked = ShiftPattern.objects.select_for_update().get(id=pattern.id)
    _check_version(locked, expected_updated_at, _stale_message())
    if locked.is_active == active:
        raise ConflictError(
            _("This pattern is already active.") if active else _("This pattern is already inactive."), code="stale"
        )
    locked.is_active = active
    locked.save(update_fields=["is_active", "updated_at"])
    return locked


def is_fixed_week(pattern: ShiftPattern) -> bool:
    """A FIXED_WEEK pattern: 7 cells from a Monday (§8)."""
    return len(pattern.cells) == 7 and pattern.anchor_date.weekday() == 0


@dataclass(frozen=True)
class PreviewDay:
    day: datetime.date
    cell: str
    shift_type: ShiftType | None


def pattern_preview(
    *, pattern: ShiftPattern, date_from: datetime.date, offset: int = 0, days: int = PREVIEW_DAYS, types=None
) -> list[PreviewDay]:
    """The cells of `days` days from `date_from` (offset as an assignment would give it)."""
    by_code = types if types is not None else {t.code: t for t in ShiftType.objects.filter(agency_id=pattern.agency_id)}
    result = []
    for index in range(days):
        day = date_from + datetime.timedelta(days=index)
        cell = pattern.cell_on(day, offset)
        result.append(PreviewDay(day, cell, by_code.get(cell)))
    return result


# ---------------------------------------------------------------------------- assignments


def _overlap_q(date_from: datetime.date, date_to: datetime.date | None):
    from django.db.models import Q

    q = Q(date_to__isnull=True) | Q(date_to__gte=date_from)
    if date_to is not None:
        q &= Q(date_from__lte=date_to)
    return q


@transaction.atomic
def assignment_create(
    *,
    agency: Agency,
    employee: Employee,
    pattern: ShiftPattern,
    offset: int = 0,
    date_from: datetime.date,
    date_to: datetime.date | None = None,
) -> RosterAssignment:
    """The employee follows `pattern` from `date_from`: only in a unit whose week is not Mon–Fri, with an
    offset inside the cycle, and never two assignments of one person on the same day."""
    employee = Employee.objects.select_for_update().select_related("unit").get(id=employee.id)
    pattern = ShiftPattern.objects.get(id=pattern.id)  # fresh: its cells and whether it is active
    if employee.agency_id != agency.id or pattern.agency_id != agency.id:
        raise _refuse(_("Choose an employee and a pattern of this agency."), code="other_agency", field="employee")
    if not employee.is_active:
        raise _refuse(_("This employee is no longer active."), code="ASSIGNMENT_EMPLOYEE", field="employee")
    if employee.unit.work_week not in SHIFT_WEEKS:
        raise _refuse(
            _("%(unit)s works Monday to Friday: record its shift or fixed working week on the unit first.")
            % {"unit": employee.unit.name},
            code="ASSIGNMENT_UNIT",
            field="employee",
        )
    if not pattern.is_active:
        raise _refuse(_("This pattern is inactive."), code="ASSIGNMENT_PATTERN", field="pattern")
    if employee.unit.work_week == WorkWeek.FIXED_WEEK and not is_fixed_week(pattern):
        raise _refuse(
            _("%(unit)s has a fixed working week: choose a pattern of 7 days that starts on a Monday.")
            % {"unit": employee.unit.name},
            code="ASSIGNMENT_PATTERN",
            field="pattern",
        )
    if not 0 <= int(offset) < len(pattern.cells):
        raise _refuse(
            _("The offset must be between 0 and %(last)s: the cycle has %(days)s days.")
            % {"last": len(pattern.cells) - 1, "days": len(pattern.cells)},
            code="ASSIGNMENT_OFFSET",
            field="offset",
        )
    if date_from is None:
        raise _refuse(_("Give the first day."), code="ASSIGNMENT_DATES", field="date_from")
    if date_to is not None and date_to < date_from:
        raise _refuse(_("The last day cannot be before the first."), code="ASSIGNMENT_DATES", field="date_to")
    clash = (
        RosterAssignment.objects.filter(employee=employee)
        .filter(_overlap_q(date_from, date_to))
        .select_related("pattern")
        .first()
    )
    if clash is not None:
        raise _refuse(
            _("%(name)s already follows “%(pattern)s” from %(date)s: end that assignment first.")
            % {
                "name": employee.name,
                "pattern": clash.pattern.name,
                "date": date_format(clash.date_from, "SHORT_DATE_FORMAT"),
            },
            code="ASSIGNMENT_OVERLAP",
            field="date_from",
        )
    return RosterAssignment.objects.create(
        agency=agency, employee=employee, pattern=pattern, offset=int(offset), date_from=date_from, date_to=date_to
    )


@transaction.atomic
def assignment_end(
    *,
    assignment: RosterAssignment,
    date_to: datetime.date,
    expected_updated_at: datetime.datetime | None = None,
) -> RosterAssignment:
    """The assignment's last day (never before its first). Duties already published stay."""
    locked = RosterAssignment.objects.select_for_update().get(id=assignment.id)
    _check_version(locked, expected_updated_at, _stale_message())
    if date_to is None:
        raise _refuse(_("Give the last day."), code="ASSIGNMENT_DATES", field="date_to")
    if date_to < locked.date_from:
        raise _refuse(_("The last day cannot be before the first."), code="ASSIGNMENT_DATES", field="date_to")
    if locked.date_to == date_to:
        raise ConflictError(_("The assignment already ends on that day."), code="stale")
    if locked.date_to is not None and date_to > locked.date_to:
        raise _refuse(
            _("An assignment can only end earlier; add a new assignment to continue it."),
            code="ASSIGNMENT_DATES",
            field="date_to",
        )
    locked.date_to = date_to
    locked.save(update_fields=["date_to", "updated_at"])
    return locked


# ---------------------------------------------------------------------------- coverage


@transaction.atomic
def coverage_set(
    *,
    agency: Agency,
    unit: Unit,
    shift_type: ShiftType,
    day_kind: str,
    min_staff: int,
    lead_position: Position | None = None,
    min_lead: int = 0,
) -> ShiftCoverage | None:
    """The fewest people on `shift_type` in `unit` on a kind of day (and optionally the fewest holders of
    `lead_position`). Zero people and zero leads removes the minimum. Returns the row (None: removed)."""
    if unit.agency_id != agency.id or shift_type.agency_id != agency.id:
        raise _refuse(_("Choose a unit and a shift of this agency."), code="other_agency", field="unit")
    if lead_position is not None and lead_position.agency_id != agency.id:
        raise _refuse(_("Choose a position of this agency."), code="other_agency", field="lead_position")
    if unit.work_week not in SHIFT_WEEKS:
        raise _refuse(
            _("%(unit)s works Monday to Friday: record its shift or fixed working week on the unit first.")
            % {"unit": unit.name},
            code="COVERAGE_UNIT",
            field="unit",
        )
    if day_kind not in DayKind.values:
        raise _refuse(_("Choose the kind of day."), code="COVERAGE_DAY", field="day_kind")
    min_staff, min_lead = int(min_staff or 0), int(min_lead or 0)
    if not 0 <= min_staff <= MAX_MIN_STAFF:
        raise _refuse(
            _("Give between 0 and %(max)s people.") % {"max": MAX_MIN_STAFF}, code="COVERAGE_STAFF", field="min_staff"
        )
    if min_lead < 0 or min_lead > min_staff:
        raise _refuse(
            _("The shift leads are counted among the people: give at most %(count)s.") % {"count": min_staff},
            code="COVERAGE_LEAD",
            field="min_lead",
        )
    if min_lead and lead_position is None:
        raise _refuse(_("Choose the position of the shift lead."), code="COVERAGE_LEAD", field="lead_position")
    if not min_lead:
        lead_position = None
    Unit.objects.select_for_update().filter(id=unit.id).first()  # one writer per unit at a time
    existing = ShiftCoverage.objects.filter(unit=unit, shift_type=shift_type, day_kind=day_kind).first()
    if min_staff == 0 and min_lead == 0:
        if existing is not None:
            existing.delete()
        return None
    if existing is None:
        return ShiftCoverage.objects.create(
            agency=agency,
            unit=unit,
            shift_type=shift_type,
            day_kind=day_kind,
            min_staff=min_staff,
            lead_position=lead_position,
            min_lead=min_lead,
        )
    existing.min_staff, existing.lead_position, existing.min_lead = min_staff, lead_position, min_lead
    existing.save(update_fields=["min_staff", "lead_position", "min_lead", "updated_at"])
    return existing


# ---------------------------------------------------------------------------- reads (scoped: 404 outside)


def shift_types_for(*, user):
    from flexwork.org import scope as org_scope

    return ShiftType.objects.filter(org_scope.agency_q(user)).order_by("start_time", "code")


def patterns_for(*, user):
    from flexwork.org import scope as org_scope

    return ShiftPattern.objects.filter(org_scope.agency_q(user)).order_by("name", "id")


def assignments_for(*, user):
    """Assignments of the employees the user may see (HR: the agency; a unit head: the units they head)."""
    from flexwork.org import scope as org_scope

    return (
        RosterAssignment.objects.filter(org_scope.employee_q(user, prefix="employee__"))
        .select_related("employee__unit", "pattern")
        .order_by("employee__name", "date_from", "id")
    )


def _get_or_404(queryset, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(queryset, id=pk)


def shift_type_get_for(*, user, shift_type_id: int) -> ShiftType:
    return _get_or_404(shift_types_for(user=user), shift_type_id)


def pattern_get_for(*, user, pattern_id: int) -> ShiftPattern:
    return _get_or_404(patterns_for(user=user), pattern_id)


def assignment_get_for(*, user, assignment_id: int) -> RosterAssignment:
    return _get_or_404(assignments_for(user=user), assignment_id)
