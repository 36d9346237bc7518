"""The unit head's roster pages (docs/rules.md §8): the rosters of the units they head (or manage as the
head's delegate), and a roster's grid (employee × day on a desktop, one card per day on a phone) with
generate, publish (over the warnings with a reason) and per-cell edits (after publishing: a change with
a reason, the person is told). Every POST carries the roster's `version`: a double tap writes once and
the second answers 409 with a message on the page. Each page renders in a fixed number of queries."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from flexwork.common.calendar import add_months, iso_week, today_in, unit_zone_name, week_bounds
from flexwork.common.exceptions import ApplicationError
from flexwork.common.nav import require_page
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import holiday_dates
from schedules.policy import SOURCES
from shifts import rosters, selectors
from shifts.models import DutyKind, DutyLocation, Roster, RosterAssignment, RosterStatus, ShiftCoverage, ShiftType
from shifts.roster_forms import CellForm, CreateForm, GenerateForm, PublishForm
from shifts.warnings import day_kind, leave_days

ONE_DAY = datetime.timedelta(days=1)


def _hours(minutes: int) -> str:
    from shifts.warnings import _hours as hours

    return hours(minutes)


# ---------------------------------------------------------------------------- list


@require_GET
@login_required
def roster_list(request):
    scope = require_page(request.user, "shifts:rosters")
    unit_ids = rosters.managed_unit_ids(scope)
    units = list(Unit.objects.filter(id__in=unit_ids).select_related("agency", "head").order_by("path"))
    cards = []
    today = today_in(scope.office_time_zone)
    this_month = today.replace(day=1)
    months = [this_month, add_months(this_month, 1)]
    found = {
        (r.unit_id, r.period_start): r
        for r in Roster.objects.filter(unit_id__in=unit_ids, period_start__in=months).select_related("published_by")
    }
    for unit in units:
        cards.append(
            {
                "unit": unit,
                "months": [{"start": m, "roster": found.get((unit.id, m))} for m in months],
            }
        )
    return render(request, "shifts/rosters.html", {"cards": cards})


@require_POST
@login_required
def roster_create(request):
    scope = require_page(request.user, "shifts:rosters")
    form = CreateForm(request.POST)
    if not form.is_valid():
        raise Http404
    unit_id = form.cleaned_data["unit"]
    if unit_id not in rosters.managed_unit_ids(scope):
        raise PermissionDenied(str(rosters.ERR_NOT_MANAGER))
    unit = Unit.objects.select_related("agency").get(id=unit_id)
    roster = rosters.roster_for(unit=unit, period_start=form.cleaned_data["period_start"])
    return redirect("shifts:roster", roster_id=roster.id)


# ---------------------------------------------------------------------------- the grid


def _mark(duty) -> tuple[str, str, str]:
    """(mark, css class, title) of a duty cell."""
    if duty.kind == DutyKind.OFF:
        return pgettext("roster cell: day off", "Off"), "duty-off", str(DutyKind.OFF.label)
    if duty.kind == DutyKind.POST_NIGHT:
        return pgettext("roster cell: rest after night duties", "RN"), "duty-rest", str(DutyKind.POST_NIGHT.label)
    shift = duty.shift_type
    return shift.code, f"shift-t{shift.id}", shift.name


def roster_grid(*, roster: Roster, user, can_manage: bool) -> dict:
    """Everything the roster page draws, in a fixed number of queries."""
    from attendance.models import LeaveKind

    unit = roster.unit
    zone = zoneinfo.ZoneInfo(unit_zone_name(unit))
    days = []
    day = roster.period_start
    while day <= roster.period_end:
        days.append(day)
        day += ONE_DAY
    show_duties = roster.is_published or can_manage
    duties = list(selectors.duty_list_for(user=user, filters={"roster": roster.id})) if show_duties else []
    people_ids = {d.employee_id for d in duties}
    # The grid shows who is on the roster: a duty in the period or an assignment covering a date of it. The
    # unit's other people (a head on office hours without a pattern) get no row of empty cells; they stay in
    # the "not rostered" list with every date of the period, and the head can still give them a duty there.
    assigned_ids = set(
        RosterAssignment.objects.filter(
            agency_id=roster.agency_id, employee__unit_id=unit.id, date_from__lte=roster.period_end
        )
        .filter(Q(date_to__isnull=True) | Q(date_to__gte=roster.period_start))
        .values_list("employee_id", flat=True)
    )
    people = list(
        Employee.objects.filter(agency_id=roster.agency_id)
        .filter(Q(id__in=people_ids) | Q(unit_id=unit.id, is_active=True))
        .order_by("name", "id")
        .only("id", "name", "position_id")
    )
    shift_types = list(
        ShiftType.objects.filter(agency_id=roster.agency_id, is_active=True).order_by("start_time", "code")
    )
    holidays = holiday_dates(agency_id=roster.agency_id, date_from=roster.period_start, date_to=roster.period_end)
    leave = leave_days(employee_ids=[p.id for p in people], date_from=roster.period_start, date_to=roster.period_end)
    coverage = defaultdict(dict)
    for rule in ShiftCoverage.objects.filter(unit_id=unit.id):
        coverage[rule.shift_type_id][rule.day_kind] = rule.min_staff
    by_cell = {(d.employee_id, d.duty_date): d for d in duties}
    weeks = []
    for day in days:
        monday, sunday = week_bounds(day)
        if not weeks or weeks[-1]["key"] != iso_week(day):
            weeks.append({"key": iso_week(day), "first": max(monday, days[0]), "last": min(sunday, days[-1])})
    rows = []
    counts = {(t.id, day): 0 for t in shift_types for day in days}
    for person in people:
        cells, week_minutes = [], defaultdict(int)
        for day in days:
            duty = by_cell.get((person.id, day))
            cell = {"day": day, "duty": duty, "employee": person}
            if duty is not None:
                cell["mark"], cell["css"], cell["title"] = _mark(duty)
                if duty.kind == DutyKind.SHIFT:
                    start, end = duty.start_at.astimezone(zone), duty.end_at.astimezone(zone)
                    cell["hours"] = f"{start:%H:%M}–{end:%H:%M}"
                    cell["next_day"] = end.date() > start.date()
                    cell["away"] = duty.location != DutyLocation.OFFICE
                    week_minutes[iso_week(day)] += duty.net_minutes
                    if duty.location == DutyLocation.OFFICE and (person.id, day) not in leave:
                        counts[(duty.shift_type_id, day)] = counts.get((duty.shift_type_id, day), 0) + 1
            if (person.id, day) in leave:
                cell["leave"] = str(LeaveKind(leave[(person.id, day)]).label)
            if can_manage:
                cell["edit"] = "?" + urlencode({"edit": person.id, "date": day.isoformat()}) + "#cell-edit"
            cells.append(cell)
        rows.append(
            {
                "employee": person,
                "cells": cells,
                # docs/rules.md §8: dates of a roster employee without a duty show as unrostered to the unit head.
                "unrostered": sum(1 for cell in cells if cell["duty"] is None),
                "weeks": [{"label": w, "hours": _hours(week_minutes.get(w["key"], 0))} for w in weeks],
                "on_roster": person.id in people_ids or person.id in assigned_ids,
                "edit_first": cells[0].get("edit", ""),
            }
        )
    all_rows, rows = rows, [row for row in rows if row["on_roster"]]
    count_rows = []
    for shift in shift_types:
        entries = []
        for day in days:
            minimum = coverage.get(shift.id, {}).get(day_kind(day, holidays), 0)
            count = counts.get((shift.id, day), 0)
            entries.append({"day": day, "count": count, "minimum": minimum, "short": count < minimum})
        if any(e["count"] or e["minimum"] for e in entries):
            count_rows.append({"shift": shift, "days": entries})
    day_cards = []
    for index, day in enumerate(days):
        on_day = [row["cells"][index] for row in rows]
        on_day.sort(key=lambda c: (c["duty"] is None, c["duty"].kind != DutyKind.SHIFT if c["duty"] else True,
                                   c["duty"].start_at if c["duty"] and c["duty"].start_at else datetime.datetime.max.replace(tzinfo=datetime.UTC),
                                   c["employee"].name))  # fmt: skip
        shorts = [r["shift"] for r in count_rows if r["days"][index]["short"]]
        day_cards.append(
            {
                "day": day,
                "holiday": day in holidays,
                "people": on_day,
                "short": shorts,
                "counts": [(r["shift"], r["days"][index]) for r in count_rows],
            }  # fmt: skip
        )
    return {
        "days": [{"date": d, "holiday": d in holidays, "weekend": d.isoweekday() > 5} for d in days],
        "rows": rows,
        "all_rows": all_rows,
        "unrostered": [row for row in all_rows if row["unrostered"]] if duties else [],
        "count_rows": count_rows,
        "day_cards": day_cards,
        "shift_types": shift_types,
        "weeks": weeks,
        "shown": show_duties,
        "has_duties": bool(duties),
        "off_mark": pgettext("roster cell: day off", "Off"),
        "rest_mark": pgettext("roster cell: rest after night duties", "RN"),
    }


def _warnings(roster: Roster) -> list[dict]:
    return [
        {"code": v.code, "message": v.message, "source": SOURCES.get(v.code, "")}
        for v in rosters.roster_warnings(roster)
    ]


def _edit_context(request, roster, grid, *, form=None) -> dict | None:
    """The cell being edited (`?edit=<employee>&date=<day>`), with its form."""
    data = request.POST if form is not None else request.GET
    employee_id = data.get("employee") if form is not None else data.get("edit")
    day = data.get("duty_date") if form is not None else data.get("date")
    if not employee_id or not str(employee_id).isdigit() or not day:
        return None
    try:
        day = datetime.date.fromisoformat(day)
    except ValueError:
        return None
    row = next((r for r in grid["all_rows"] if r["employee"].id == int(employee_id)), None)
    if row is None or not (roster.period_start <= day <= roster.period_end):
        return None
    cell = row["cells"][(day - roster.period_start).days]
    duty = cell["duty"]
    if form is None:
        initial = {"employee": row["employee"].id, "duty_date": day, "version": roster.version}
        if duty is not None:
            initial["cell"] = duty.shift_type.code if duty.kind == DutyKind.SHIFT else duty.kind
            initial["location"] = duty.location if duty.location != DutyLocation.DESIGNATED else DutyLocation.OFFICE
        form = CellForm(initial=initial, shift_types=grid["shift_types"], published=roster.is_published)
    return {"employee": row["employee"], "day": day, "cell": cell, "form": form}


def _page(request, roster, *, status=200, error=None, publish_form=None, cell_form=None):
    can_manage = rosters.can_manage(request.user, roster.unit)
    grid = roster_grid(roster=roster, user=request.user, can_manage=can_manage)
    warnings = _warnings(roster) if grid["shown"] else []
    edit = _edit_context(request, roster, grid, form=cell_form) if can_manage else None
    error_items = []
    if error is not None:
        error_items.append({"text": error.message, "code": error.code})
        for name, texts in (error.fields or {}).items():
            if name in ("override_reason", "reason", "cell"):
                continue  # shown at the field
            error_items += [{"text": str(t)} for t in texts if str(t) != error.message]
    context = {
        "roster": roster,
        "unit": roster.unit,
        "zone_name": unit_zone_name(roster.unit),
        "grid": grid,
        "warnings": warnings,
        "can_manage": can_manage,
        "edit": edit,
        "generate_form": GenerateForm(initial={"version": roster.version}),
        "publish_form": publish_form or PublishForm(initial={"version": roster.version}),
        "error_items": error_items,
        "is_draft": roster.status == RosterStatus.DRAFT,
    }
    return render(request, "shifts/roster.html", context, status=status)


@require_GET
@login_required
def roster_detail(request, roster_id: int):
    roster = selectors.roster_get_for(user=request.user, roster_id=roster_id)
    return _page(request, roster)


def _back(roster, **params) -> str:
    url = reverse("shifts:roster", args=[roster.id])
    return f"{url}?{urlencode(params)}" if params else url


@require_POST
@login_required
def roster_generate(request, roster_id: int):
    roster = selectors.roster_get_for(user=request.user, roster_id=roster_id)
    rosters.require_manager(request.user, roster.unit)
    form = GenerateForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else -1
    try:
        written = rosters.roster_generate(roster=roster, actor=request.user, expected_version=version)
    except ApplicationError as exc:
        return _page(request, selectors.roster_get_for(user=request.user, roster_id=roster_id), status=exc.status_code,
                     error=exc)  # fmt: skip
    if written:
        messages.success(
            request, _("The roster was filled from the patterns: %(count)d days written.") % {"count": written}
        )
    else:
        messages.info(request, _("The roster already follows the patterns: nothing changed."))
    return redirect(_back(roster))


@require_POST
@login_required
def roster_publish(request, roster_id: int):
    roster = selectors.roster_get_for(user=request.user, roster_id=roster_id)
    rosters.require_manager(request.user, roster.unit)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _page(request, roster, status=400, publish_form=form)
    try:
        found = rosters.roster_publish(
            roster=roster,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            override_reason=form.cleaned_data["override_reason"],
        )
    except ApplicationError as exc:
        fresh = selectors.roster_get_for(user=request.user, roster_id=roster_id)
        if exc.fields.get("override_reason"):
            form.add_error("override_reason", exc.fields["override_reason"][0])
        return _page(request, fresh, status=exc.status_code, error=exc, publish_form=form)
    if found:
        messages.success(
            request,
            _("The roster is published over %(count)d warnings; the people on it are told.") % {"count": len(found)},
        )
    else:
        messages.success(request, _("The roster is published; the people on it are told."))
    return redirect(_back(roster))


@require_POST
@login_required
def roster_cell(request, roster_id: int):
    roster = selectors.roster_get_for(user=request.user, roster_id=roster_id)
    rosters.require_manager(request.user, roster.unit)
    shift_types = list(
        ShiftType.objects.filter(agency_id=roster.agency_id, is_active=True).order_by("start_time", "code")
    )
    form = CellForm(request.POST, shift_types=shift_types, published=roster.is_published)
    if not form.is_valid():
        return _page(request, roster, status=400, cell_form=form)
    values = form.cleaned_data
    employee = Employee.objects.filter(id=values["employee"], agency_id=roster.agency_id).first()
    if employee is None:
        raise Http404
    try:
        duty = rosters.duty_set(
            roster=roster,
            employee=employee,
            duty_date=values["duty_date"],
            cell=values["cell"],
            actor=request.user,
            reason=values["reason"],
            location=values["location"],
            expected_version=values["version"],
        )
    except ApplicationError as exc:
        for name in ("reason", "cell"):
            if exc.fields.get(name):
                form.add_error(name, exc.fields[name][0])
        fresh = selectors.roster_get_for(user=request.user, roster_id=roster_id)
        return _page(request, fresh, status=exc.status_code, error=exc, cell_form=form)
    from shifts.rosters import format_day

    text = _("%(name)s, %(day)s: saved.") % {"name": employee.name, "day": format_day(values["duty_date"])}
    if roster.is_published:
        text = _("%(name)s, %(day)s: changed; they are told.") % {
            "name": employee.name,
            "day": format_day(values["duty_date"]),
        }
    messages.success(request, text)
    for warning in getattr(duty, "warnings", [])[:5]:
        messages.warning(request, warning.message)
    return redirect(_back(roster))
