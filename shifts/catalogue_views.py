"""HR's shift setup pages (docs/rules.md §8): shift types, patterns (the cycle drawn and a 14-day preview),
and per unit the people with their pattern and the fewest people per shift.

Each view: scope (404 outside the agency) → role (403 for anyone but HR) → service → template. A form
carries a one-time token, so a double tap writes once; an edit also carries the version it was shown
with, so a change made meanwhile is a 409 and writes nothing."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from flexwork.common.calendar import today_in, unit_zone_name
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency, Employee, Position, Unit
from flexwork.org.models.organisation import WorkWeek
from shifts import catalogue
from shifts.catalogue_forms import (
    AssignmentEndForm,
    AssignmentForm,
    CoverageForm,
    PatternEditForm,
    PatternForm,
    PreviewForm,
    ShiftTypeEditForm,
    ShiftTypeForm,
)
from shifts.models import RosterAssignment, ShiftCoverage, ShiftPattern, ShiftType

ONCE_KEEP_SECONDS = 3600
# How a pattern's reserved cells are written back into its form (the words parse_cells reads).
CELL_TYPED = {catalogue.CELL_OFF: "LIBUR", catalogue.CELL_POST_NIGHT: "LM"}


def _hr(request: HttpRequest) -> tuple[org_scope.UserScope, Agency]:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    return scope, Agency.objects.get(id=scope.agency_id)


def _once_claim(user, token: str) -> bool:
    if not (token and len(token) <= 64 and token.isascii() and token.isalnum()):
        return True
    return bool(cache.add(f"shifts:hr-form:{user.pk}:{token}", 1, ONCE_KEEP_SECONDS))


def _once_release(user, token: str) -> None:
    if token and len(token) <= 64 and token.isascii() and token.isalnum():
        cache.delete(f"shifts:hr-form:{user.pk}:{token}")


def _version(obj) -> str:
    return obj.updated_at.isoformat()


def _parse_version(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _duration(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    return _("%(hours)s h") % {"hours": hours}


def _describe(shift_type: ShiftType) -> ShiftType:
    """Attach what a page shows of a shift type: its hours ("21:00–07:00 (+1)"), span and net."""
    span = catalogue.span_minutes(shift_type.start_time, shift_type.end_time)
    hours = f"{shift_type.start_time:%H:%M}–{shift_type.end_time:%H:%M}"
    if shift_type.end_time <= shift_type.start_time:
        hours += " (+1)"
    shift_type.hours_label = hours
    shift_type.net_label = _duration(max(0, span - shift_type.break_minutes))
    shift_type.break_label = _duration(shift_type.break_minutes) if shift_type.break_minutes else "—"
    if shift_type.ramadan_start_time:
        ramadan = f"{shift_type.ramadan_start_time:%H:%M}–{shift_type.ramadan_end_time:%H:%M}"
        if shift_type.ramadan_end_time <= shift_type.ramadan_start_time:
            ramadan += " (+1)"
        shift_type.ramadan_label = ramadan
    else:
        shift_type.ramadan_label = ""
    return shift_type


def _types_of(agency: Agency) -> list[ShiftType]:
    return [_describe(t) for t in ShiftType.objects.filter(agency=agency).order_by("-is_active", "start_time", "code")]


def _cell_label(cell: str) -> str:
    if cell == catalogue.CELL_OFF:
        return _("Day off")
    if cell == catalogue.CELL_POST_NIGHT:
        return _("Rest after nights")
    return cell


def _cell_short(cell: str) -> str:
    """The marks the roster and the team calendar use for the same cells."""
    if cell == catalogue.CELL_OFF:
        return pgettext("roster cell: day off", "Off")
    if cell == catalogue.CELL_POST_NIGHT:
        return pgettext("roster cell: rest after night duties", "RN")
    return cell


def _drawn(pattern: ShiftPattern, by_code: dict) -> list[dict]:
    """The cycle as a row of cells: day number, short text, full name, shift type (for its colour)."""
    cells = []
    for index, cell in enumerate(pattern.cells, start=1):
        shift_type = by_code.get(cell)
        cells.append(
            {
                "day": index,
                "short": _cell_short(cell),
                "title": f"{shift_type.code} {shift_type.name}" if shift_type else _cell_label(cell),
                "shift_type": shift_type,
                "kind": "shift" if shift_type else cell.lower(),
            }
        )
    return cells


def _show(form, error: ApplicationError) -> None:
    form_error_show(form, error)


# ---------------------------------------------------------------------------- shift types


@require_http_methods(["GET", "POST"])
@login_required
def hr_shifts(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    form = ShiftTypeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        once = request.POST.get("once", "")
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This shift was sent twice; it is saved once."))
                return redirect("shifts:hr_shifts")
            try:
                shift_type = catalogue.shift_type_create(agency=agency, data=form.service_data())
            except ApplicationError as error:
                _once_release(request.user, once)
                _show(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The shift “%(name)s” was added.") % {"name": shift_type.name})
                return redirect("shifts:hr_shifts")
        else:
            status = 400
    context = {"form": form, "shift_types": _types_of(agency), "once": uuid.uuid4().hex, "tab": "types"}
    return render(request, "shifts/hr_shift_types.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def hr_shift_type(request: HttpRequest, shift_type_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    shift_type = catalogue.shift_type_get_for(user=scope, shift_type_id=shift_type_id)  # 404 outside
    _scope, agency = _hr(request)  # 403
    status = 200
    form = None
    if request.method == "POST":
        once = request.POST.get("once", "")
        version = _parse_version(request.POST.get("version", ""))
        if request.POST.get("action") in ("deactivate", "activate"):
            active = request.POST["action"] == "activate"
            try:
                catalogue.shift_type_set_active(shift_type=shift_type, active=active, expected_updated_at=version)
            except ConflictError as error:
                messages.error(request, error.message)
                return redirect("shifts:hr_shift_type", shift_type_id=shift_type.id)
            if active:
                messages.success(request, _("The shift “%(name)s” is active again.") % {"name": shift_type.name})
            else:
                messages.success(
                    request,
                    _("The shift “%(name)s” was deactivated: no new pattern can use it; duties already written stay.")
                    % {"name": shift_type.name},
                )
            return redirect("shifts:hr_shifts")
        form = ShiftTypeEditForm(request.POST)
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This shift was sent twice; it is saved once."))
                return redirect("shifts:hr_shifts")
            try:
                _saved, changed = catalogue.shift_type_update(
                    shift_type=shift_type, data=form.service_data(), expected_updated_at=version
                )
            except ApplicationError as error:
                _once_release(request.user, once)
                status = error.status_code
                if isinstance(error, ConflictError):
                    shift_type = ShiftType.objects.get(id=shift_type.id)
                    fresh = request.POST.copy()
                    fresh["version"] = _version(shift_type)
                    form = ShiftTypeEditForm(fresh)
                    form.is_valid()
                _show(form, error)
            else:
                if changed:
                    messages.success(request, _("The shift “%(name)s” was saved.") % {"name": _saved.name})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("shifts:hr_shifts")
        else:
            status = 400
    if form is None:
        initial = {name: getattr(shift_type, name) for name in catalogue.SHIFT_TYPE_FIELDS}
        form = ShiftTypeEditForm(initial={**initial, "version": _version(shift_type)})
    context = {
        "form": form,
        "shift_type": _describe(shift_type),
        "version": _version(shift_type),
        "in_use": catalogue.shift_type_in_use(shift_type),
        "once": uuid.uuid4().hex,
        "tab": "types",
        "agency": agency,
    }
    return render(request, "shifts/hr_shift_type.html", context, status=status)


# ---------------------------------------------------------------------------- patterns


@require_http_methods(["GET", "POST"])
@login_required
def hr_patterns(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    form = PatternForm(request.POST or None)
    status = 200
    if request.method == "POST":
        once = request.POST.get("once", "")
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This pattern was sent twice; it is saved once."))
                return redirect("shifts:hr_patterns")
            try:
                pattern = catalogue.pattern_create(agency=agency, data=form.service_data())
            except ApplicationError as error:
                _once_release(request.user, once)
                _show(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The pattern “%(name)s” was added.") % {"name": pattern.name})
                return redirect("shifts:hr_pattern", pattern_id=pattern.id)
        else:
            status = 400
    by_code = {t.code: t for t in ShiftType.objects.filter(agency=agency)}
    patterns = list(ShiftPattern.objects.filter(agency=agency).order_by("-is_active", "name"))
    rows = [{"pattern": p, "cells": _drawn(p, by_code), "fixed_week": catalogue.is_fixed_week(p)} for p in patterns]
    context = {
        "form": form,
        "rows": rows,
        "shift_types": list(by_code.values()),
        "once": uuid.uuid4().hex,
        "tab": "patterns",
    }
    return render(request, "shifts/hr_patterns.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def hr_pattern(request: HttpRequest, pattern_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    pattern = catalogue.pattern_get_for(user=scope, pattern_id=pattern_id)  # 404 outside
    _scope, agency = _hr(request)  # 403
    status = 200
    form = None
    if request.method == "POST":
        once = request.POST.get("once", "")
        version = _parse_version(request.POST.get("version", ""))
        if request.POST.get("action") in ("deactivate", "activate"):
            active = request.POST["action"] == "activate"
            try:
                catalogue.pattern_set_active(pattern=pattern, active=active, expected_updated_at=version)
            except ConflictError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    (
                        _("The pattern “%(name)s” is active again.")
                        if active
                        else _("The pattern “%(name)s” was deactivated.")
                    )
                    % {"name": pattern.name},
                )
            return redirect("shifts:hr_pattern", pattern_id=pattern.id)
        form = PatternEditForm(request.POST)
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This pattern was sent twice; it is saved once."))
                return redirect("shifts:hr_pattern", pattern_id=pattern.id)
            try:
                saved, changed = catalogue.pattern_update(
                    pattern=pattern, data=form.service_data(), expected_updated_at=version
                )
            except ApplicationError as error:
                _once_release(request.user, once)
                status = error.status_code
                if isinstance(error, ConflictError):
                    pattern = ShiftPattern.objects.get(id=pattern.id)
                    fresh = request.POST.copy()
                    fresh["version"] = _version(pattern)
                    form = PatternEditForm(fresh)
                    form.is_valid()
                _show(form, error)
            else:
                if changed:
                    messages.success(request, _("The pattern “%(name)s” was saved.") % {"name": saved.name})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("shifts:hr_pattern", pattern_id=pattern.id)
        else:
            status = 400
    if form is None:
        form = PatternEditForm(
            initial={
                "name": pattern.name,
                "anchor_date": pattern.anchor_date,
                "cells": " ".join(CELL_TYPED.get(cell, cell) for cell in pattern.cells),
                "version": _version(pattern),
            }
        )
    by_code = {t.code: t for t in ShiftType.objects.filter(agency=agency)}
    preview_form = PreviewForm(request.GET or None)
    start = today_in(agency.time_zone)
    offset = 0
    if preview_form.is_valid():
        start = preview_form.cleaned_data["start"] or start
        offset = preview_form.cleaned_data["offset"] or 0
    preview = [
        {
            "day": day.day,
            "short": _cell_short(day.cell),
            "title": f"{day.shift_type.code} {day.shift_type.name}" if day.shift_type else _cell_label(day.cell),
            "shift_type": day.shift_type,
            "kind": "shift" if day.shift_type else day.cell.lower(),
        }
        for day in catalogue.pattern_preview(pattern=pattern, date_from=start, offset=offset, types=by_code)
    ]
    context = {
        "form": form,
        "pattern": pattern,
        "version": _version(pattern),
        "cells": _drawn(pattern, by_code),
        "fixed_week": catalogue.is_fixed_week(pattern),
        "preview_form": preview_form,
        "preview": preview,
        "preview_start": start,
        "preview_offset": offset,
        "shift_types": list(by_code.values()),
        "assigned": RosterAssignment.objects.filter(pattern=pattern).count(),
        "once": uuid.uuid4().hex,
        "tab": "patterns",
    }
    return render(request, "shifts/hr_pattern.html", context, status=status)


# ---------------------------------------------------------------------------- units: people and coverage


@require_GET
@login_required
def hr_shift_units(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    units = list(
        Unit.objects.filter(agency=agency).exclude(work_week=WorkWeek.MON_FRI).select_related("head").order_by("path")
    )
    counts = {}
    for row in (
        RosterAssignment.objects.filter(agency=agency, employee__unit__in=units)
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=today_in(agency.time_zone)))
        .values_list("employee__unit_id", flat=True)
    ):
        counts[row] = counts.get(row, 0) + 1
    for unit in units:
        unit.assigned_count = counts.get(unit.id, 0)
    context = {"units": units, "tab": "units"}
    return render(request, "shifts/hr_shift_units.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def hr_shift_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    unit = get_object_or_404(
        Unit.objects.filter(agency_id=scope.agency_id).select_related("head", "agency"), id=unit_id
    )
    _scope, agency = _hr(request)
    today = today_in(unit_zone_name(unit))
    people = list(Employee.objects.filter(unit=unit, is_active=True).order_by("name").only("id", "name", "unit_id"))
    patterns = list(ShiftPattern.objects.filter(agency=agency, is_active=True).order_by("name"))
    shift_types = list(ShiftType.objects.filter(agency=agency, is_active=True).order_by("start_time", "code"))
    positions = list(Position.objects.filter(agency=agency).order_by("name").only("id", "name"))
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    post = request.POST if request.method == "POST" else None
    add_form = AssignmentForm(
        post if action == "assign" else None,
        employees=people,
        patterns=patterns,
        initial={"date_from": today},
    )
    end_form = AssignmentEndForm(post if action == "end" else None)
    current = {(row.shift_type_id, row.day_kind): row for row in ShiftCoverage.objects.filter(unit=unit)}
    coverage_form = CoverageForm(
        post if action == "coverage" else None, shift_types=shift_types, positions=positions, current=current
    )
    if request.method == "POST":
        once = request.POST.get("once", "")
        form = {"assign": add_form, "end": end_form, "coverage": coverage_form}.get(action)
        if form is None:
            status = 400
        elif not form.is_valid():
            status = 400
        elif not _once_claim(request.user, once):
            messages.info(request, _("This form was sent twice; it is saved once."))
            return redirect("shifts:hr_shift_unit", unit_id=unit.id)
        else:
            try:
                message = _save_unit_form(action, form, agency=agency, unit=unit, people=people, positions=positions)
            except ApplicationError as error:
                _once_release(request.user, once)
                status = error.status_code
                _show(form, error)
            else:
                messages.success(request, message)
                return redirect("shifts:hr_shift_unit", unit_id=unit.id)
    assignments = list(
        RosterAssignment.objects.filter(employee__unit=unit)
        .select_related("employee", "pattern")
        .order_by("employee__name", "-date_from")
    )
    for assignment in assignments:
        assignment.version = _version(assignment)
        assignment.is_current = assignment.date_from <= today and (
            assignment.date_to is None or assignment.date_to >= today
        )
        assignment.is_past = assignment.date_to is not None and assignment.date_to < today
    followed = {a.employee_id for a in assignments if not a.is_past}
    context = {
        "unit": unit,
        "today": today,
        "people": people,
        "unassigned": [p for p in people if p.id not in followed],
        "assignments": assignments,
        "add_form": add_form,
        "end_form": end_form,
        "end_for": end_form.data.get("assignment") if action == "end" else None,
        "coverage_form": coverage_form,
        "shift_types": shift_types,
        "patterns": patterns,
        "once": uuid.uuid4().hex,
        "tab": "units",
    }
    return render(request, "shifts/hr_shift_unit.html", context, status=status)


def _save_unit_form(action: str, form, *, agency: Agency, unit: Unit, people: list, positions: list) -> str:
    data = form.cleaned_data
    if action == "assign":
        employee = next((p for p in people if p.id == data["employee"]), None)
        pattern = ShiftPattern.objects.filter(agency=agency, id=data["pattern"]).first()
        if employee is None or pattern is None:
            raise ApplicationError(_("Choose a person of this unit and an active pattern."), code="invalid")
        catalogue.assignment_create(
            agency=agency,
            employee=employee,
            pattern=pattern,
            offset=data["offset"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        return _("%(name)s follows “%(pattern)s” from %(date)s.") % {
            "name": employee.name,
            "pattern": pattern.name,
            "date": date_format(data["date_from"], "SHORT_DATE_FORMAT"),
        }
    if action == "end":
        assignment = get_object_or_404(
            RosterAssignment.objects.filter(agency=agency, employee__unit=unit).select_related("employee"),
            id=data["assignment"],
        )
        catalogue.assignment_end(
            assignment=assignment, date_to=data["date_to"], expected_updated_at=_parse_version(data["version"])
        )
        return _("The assignment of %(name)s ends on %(date)s.") % {
            "name": assignment.employee.name,
            "date": date_format(data["date_to"], "SHORT_DATE_FORMAT"),
        }
    lead = next((p for p in positions if p.id == data.get("lead_position")), None)
    with transaction.atomic():
        for shift_type, kind, staff, leads in form.values():
            catalogue.coverage_set(
                agency=agency,
                unit=unit,
                shift_type=shift_type,
                day_kind=kind,
                min_staff=staff,
                lead_position=lead if leads else None,
                min_lead=leads,
            )
    return _("The fewest people per shift of %(unit)s were saved.") % {"unit": unit.name}
