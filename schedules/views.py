"""Arrangement pages: the request form with the live rule check, my requests, a request's detail
and actions, my calendar (with iCal feeds), the approval queue, the team calendar, recall, and
all requests and delegations (HR's directives: schedules/directive_views.py). They call the same selectors and services as the
API (schedules/apis/), and every list renders in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance.models import LeaveKind
from flexwork.approvals import services as engine
from flexwork.approvals.models import PENDING_STATUSES, ApprovalKind, ApprovalStep
from flexwork.common.dates import date_param_message, date_parse, month_parse
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.i18n import user_language
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Holiday
from flexwork.org.models.organisation import WorkWeek
from schedules import forms, ical, recheck, roster_calendar, selectors, services, windows
from schedules.models import ArrangementRequest, Location
from schedules.nav import APPROVER_ROLES, may_approve

PAGE_SIZE = 25
QUEUE_PAGE_SIZE = 50
CALENDAR_ROLES = (*APPROVER_ROLES, org_scope.HR_ADMIN, org_scope.AGENCY_HEAD)
AGENCY_ROLES = (org_scope.HR_ADMIN, org_scope.AGENCY_HEAD)
SHORT_LABELS = {
    Location.OFFICE: "WFO",
    Location.OTHER_OFFICE: "WFO-L",
    Location.HOME: "WFH",
    Location.DESIGNATED: "WFA",
}


def _scope(request) -> org_scope.UserScope:
    scope = org_scope.require_agency(request.user)
    request.fw_scope = scope
    return scope


def _employee(scope) -> Employee:
    return Employee.objects.select_related("unit", "agency", "position", "supervisor", "user").get(id=scope.employee_id)


def _page(request, queryset, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _place_error(form, exc: ApplicationError) -> None:
    """A service's error in the form (the evidence upload is the form's `evidence_file`)."""
    form_error_show(form, exc, field_names={"evidence": "evidence_file"})


# ---------------------------------------------------------------------------- employee: request form
# The request in steps lives in schedules/request_views.py.


# ---------------------------------------------------------------------------- employee: lists and detail


@require_GET
@login_required
def my_requests(request):
    scope = _scope(request)
    filter_form = forms.RequestFilterForm(request.GET or None)
    page = _page(request, selectors.my_requests_for(user=scope, filters=filter_form.filters()), PAGE_SIZE)
    return render(request, "schedules/my_requests.html", {"filter_form": filter_form, "page": page})


# ---------------------------------------------------------------------------- deciding
# The detail page and the queue run the decision's rule check again when they render (the rules as
# they stand now: docs/rules.md §3 "Deciding"); the engine runs it once more, under the lock, when
# the decision is written. A refused decision re-renders the page with what was typed.

# Where each field a service may name sits on the detail page (the error summary links to it).
FIELD_ANCHORS = {
    "override_reason": "id_override_reason",
    "note": "id_note_decide",
    "dates": "end-dates",
}


def _waiting_for(ar: ArrangementRequest) -> str:
    """Whom a pending request waits for, by name (the recommender, or the decider)."""
    if ar.status not in PENDING_STATUSES or not ar.step:
        return ""
    if ar.step == ApprovalStep.RECOMMEND:
        line = _("Waiting for the recommendation of %(name)s") % {
            "name": ar.recommender.name if ar.recommender else "—"
        }
    else:
        line = _("Waiting for the decision of %(name)s") % {"name": ar.decider.name if ar.decider else "—"}
    if ar.escalated_to_id and ar.escalated_to:
        line += " · " + _("escalated to %(name)s") % {"name": ar.escalated_to.name}
    return line


def _refusal(exc: ApplicationError, action: str) -> dict:
    """A refused action as the page shows it: a calm notice for a stale or repeated transition
    (409), an error summary whose items link to their fields otherwise."""
    fields = exc.fields or {}
    items = []
    for name, texts in fields.items():
        anchor = FIELD_ANCHORS.get(name)
        if name == "note" and action in ("cancel", "revoke"):
            anchor = "id_note_end"
        items += [{"text": str(text), "anchor": anchor} for text in texts]
    if not items:
        items.append({"text": str(exc.message), "anchor": None})
    return {
        "stale": exc.status_code == 409,
        "message": str(exc.message),
        "items": items,
        "violations": list(exc.violations or []),
    }


def _detail_page(request, scope, ar: ArrangementRequest, *, typed: dict | None = None, refusal=None, status=200):
    actions = services.allowed_actions(arrangement_request=ar, user=scope)
    days = selectors.arrangement_days(arrangement_request=ar)
    today = selectors.today_for(scope)
    future = [d["date"] for d in days if d["state"] == "scheduled" and d["date"] > today]
    current = recheck.requests_check([ar]).get(ar.id) if ar.status in PENDING_STATUSES else None
    typed = typed or {}
    decides = "approve" in actions or "recommend" in actions
    return render(
        request,
        "schedules/request_detail.html",
        {
            "ar": ar,
            "days": days,
            "transitions": list(selectors.arrangement_transitions(arrangement_request=ar)),
            "work_plan": list(ar.work_plan.all()),
            "actions": actions,
            "future_days": future,
            "chosen_dates": typed.get("dates") or [],
            "current": current,
            # A hard violation now refuses the step (the engine's check): only return or reject remain.
            "blocked": bool(current and current.hard and decides),
            "needs_override": bool(current and current.soft and "approve" in actions),
            "waiting_for": _waiting_for(ar),
            "is_owner": scope.employee_id == ar.employee_id,
            "typed": typed,
            "refusal": refusal,
            "next": typed.get("next", ""),
        },
        status=status,
    )


@require_GET
@login_required
def request_detail(request, arrangement_id: int):
    scope = _scope(request)
    ar = selectors.arrangement_get_for(user=scope, arrangement_id=arrangement_id)
    return _detail_page(request, scope, ar, typed={"next": request.GET.get("next", "")})


TRANSITIONS = {
    "submit": lambda ar, user, data: services.arrangement_request_submit(
        arrangement_request=ar, actor=user, note=data["note"]
    ),
    "recommend": lambda ar, user, data: services.arrangement_request_recommend(
        arrangement_request=ar, actor=user, note=data["note"]
    ),
    "approve": lambda ar, user, data: services.arrangement_request_approve(
        arrangement_request=ar, actor=user, note=data["note"], override_reason=data["override_reason"]
    ),
    "reject": lambda ar, user, data: services.arrangement_request_reject(
        arrangement_request=ar, actor=user, note=data["note"]
    ),
    "return": lambda ar, user, data: services.arrangement_request_return(
        arrangement_request=ar, actor=user, note=data["note"]
    ),
    "withdraw": lambda ar, user, data: services.arrangement_request_withdraw(
        arrangement_request=ar, actor=user, note=data["note"]
    ),
    "cancel": lambda ar, user, data: services.arrangement_request_cancel(
        arrangement_request=ar, actor=user, dates=data.get("dates") or None, note=data["note"]
    ),
    "revoke": lambda ar, user, data: services.arrangement_request_revoke(
        arrangement_request=ar, actor=user, dates=data.get("dates") or None, note=data["note"]
    ),
}
DONE_MESSAGES = {
    "submit": gettext_lazy("Your request was submitted."),
    "recommend": gettext_lazy("The request was recommended."),
    "approve": gettext_lazy("The request was approved."),
    "reject": gettext_lazy("The request was rejected."),
    "return": gettext_lazy("The request was returned for revision."),
    "withdraw": gettext_lazy("The request was withdrawn."),
    "cancel": gettext_lazy("The days were cancelled."),
    "revoke": gettext_lazy("The days were revoked."),
}


@require_POST
@login_required
def request_action(request, arrangement_id: int, action: str):
    if action not in TRANSITIONS:
        raise Http404
    scope = _scope(request)
    ar = selectors.arrangement_get_for(user=scope, arrangement_id=arrangement_id)
    back = _next_url(request, reverse("schedules-request-detail", args=[ar.id]))
    data = {
        "note": request.POST.get("note", "")[:2000],
        "override_reason": request.POST.get("override_reason", "")[:2000],
    }
    if action in ("cancel", "revoke"):
        future = [datetime.date.fromisoformat(v) for v in request.POST.getlist("dates") if _is_iso(v)]
        data["dates"] = future
    try:
        TRANSITIONS[action](ar, request.user, data)
    except ApplicationError as exc:
        # A missing override reason, a rule broken now, a stale or repeated transition (409: a
        # double tap, another approver first): the page again, with what was typed and why; nothing
        # was written. Not an actor of the request stays a 403 (PermissionDenied), as in the API.
        fresh = selectors.arrangement_get_for(user=scope, arrangement_id=ar.id)
        typed = {"action": action, "next": request.POST.get("next", ""), **data}
        return _detail_page(request, scope, fresh, typed=typed, refusal=_refusal(exc, action), status=exc.status_code)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(back)


def _is_iso(value: str) -> bool:
    return date_parse(value) is not None  # docs/rules.md §1 "Accepted dates"


# ---------------------------------------------------------------------------- approvers


def _require_approver(scope) -> None:
    if not may_approve(scope):
        raise PermissionDenied(_("Your role does not allow this."))


def _queue_rows(scope, arrangements: list[ArrangementRequest]) -> list[dict]:
    """Each card of the queue: the check as of now, the work plan, who else of the unit is away on
    each covered day. A fixed number of queries for the page (schedules/recheck.py)."""
    if not arrangements:
        return []
    checks = recheck.requests_check(arrangements)
    away = recheck.people_away(
        agency_id=scope.agency_id,
        unit_ids={ar.employee.unit_id for ar in arrangements},
        date_from=min(ar.first_date for ar in arrangements),
        date_to=max(ar.last_date for ar in arrangements),
    )
    rows = []
    for ar in arrangements:
        check = checks.get(ar.id)
        action = "recommend" if ar.step == ApprovalStep.RECOMMEND else "approve"
        working = check.result.working_dates if check else list(ar.dates)
        flagged = {day for v in (check.blocking if check else []) for day in v["dates"]}
        day_rows = [
            {
                "date": day,
                "coverage": check.coverage.get(day) if check else None,
                "away": [a for a in away.get((ar.employee.unit_id, day), []) if a.employee_id != ar.employee_id],
                "flagged": day.isoformat() in flagged,
            }
            for day in working
        ]
        if check is None or check.hard:
            why_not = _("A rule is broken now: decide it on its own.")
        elif action == "approve" and check.soft:
            why_not = _("A warning applies now: approving needs a reason, on its own.")
        else:
            why_not = ""
        rows.append(
            {
                "ar": ar,
                "action": action,
                "check": check,
                "days": day_rows,
                "work_plan": list(ar.work_plan.all()),
                "waiting_for": _waiting_for(ar),
                "bulk": not why_not,
                "why_not": why_not,
                "needs_override": bool(check and check.soft and action == "approve"),
            }
        )
    return rows


def _queue_page(request, scope, *, status=200):
    filter_form = forms.RequestFilterForm(
        request.GET or None, units=org_scope.visible_units(scope).order_by("name"), with_status=False
    )
    # The page of requests with two small joins, then their people in one query (the ten-table join of
    # every relation took longer to plan than the whole read; docs/performance.md "Pages at scale").
    queue = selectors.arrangement_list_for(
        user=scope, filters={**filter_form.filters(), "queue": True}, with_people=False
    ).prefetch_related("work_plan")
    page = _page(request, queue, QUEUE_PAGE_SIZE)
    rows = _queue_rows(scope, selectors.arrangement_people_attach(list(page.object_list)))
    bulk_actions = sorted({row["action"] for row in rows if row["bulk"]})
    from shifts.swaps import waiting_for_decision  # duty swaps wait for the unit head too (docs/rules.md §8)

    return render(
        request,
        "schedules/queue.html",
        {
            "swaps": list(waiting_for_decision(user=scope)[:QUEUE_PAGE_SIZE]),
            "filter_form": filter_form,
            "page": page,
            "rows": rows,
            "bulk_actions": bulk_actions,
            "back": request.get_full_path(),
        },
        status=status,
    )


@require_GET
@login_required
def approval_queue(request):
    scope = _scope(request)
    _require_approver(scope)
    return _queue_page(request, scope)


@require_POST
@login_required
def queue_bulk_approve(request):
    """Recommend or approve the ticked requests, each at its step, with one note. A request that
    needs an override reason now, or breaks a rule now, is left for its own page; one decided
    meanwhile (a repeated submit) is a 409 for it, and nothing is written twice."""
    scope = _scope(request)
    _require_approver(scope)
    ids = list(dict.fromkeys(int(v) for v in request.POST.getlist("ids") if v.isdigit()))[:QUEUE_PAGE_SIZE]
    note = request.POST.get("note", "")[:2000]
    waiting = {
        ar.id: ar
        for ar in selectors.approval_queue_for(user=scope)
        .filter(id__in=ids)
        .select_related("employee__position")
        .order_by("first_date", "id")
    }
    done = Counter()
    left: list[str] = []
    stale = len(set(ids) - set(waiting))  # decided meanwhile, or never this viewer's to act on
    for ar in waiting.values():
        action = "recommend" if ar.step == ApprovalStep.RECOMMEND else "approve"
        try:
            TRANSITIONS[action](ar, request.user, {"note": note, "override_reason": ""})
        except (ApplicationError, PermissionDenied) as exc:
            if getattr(exc, "status_code", None) == 409 and getattr(exc, "code", "") == "stale_transition":
                stale += 1
            else:
                left.append(_("%(name)s: %(reason)s") % {"name": ar.employee.name, "reason": _bulk_reason(exc)})
        else:
            done[action] += 1
    if done["approve"]:
        messages.success(
            request,
            ngettext("%(count)d request approved.", "%(count)d requests approved.", done["approve"])
            % {"count": done["approve"]},
        )
    if done["recommend"]:
        messages.success(
            request,
            ngettext("%(count)d request recommended.", "%(count)d requests recommended.", done["recommend"])
            % {"count": done["recommend"]},
        )
    for line in left:
        messages.warning(request, line)
    if stale:
        messages.info(
            request,
            ngettext(
                "%(count)d request had been decided already: nothing was changed for it.",
                "%(count)d requests had been decided already: nothing was changed for them.",
                stale,
            )
            % {"count": stale},
        )
    if not done and not left and stale:
        # A repeated submit (a double tap): 409, the queue as it is now, and a calm message.
        return _queue_page(request, scope, status=409)
    return redirect(_next_url(request, reverse("schedules-queue")))


def _bulk_reason(exc) -> str:
    if getattr(exc, "code", "") == "override_reason_required":
        return str(_("a warning applies now; approve it on its own page with a reason."))
    return str(getattr(exc, "message", None) or exc)


@require_GET
@login_required
def all_requests(request):
    scope = _scope(request)
    org_scope.require_role(scope, *AGENCY_ROLES)
    filter_form = forms.RequestFilterForm(request.GET or None, units=org_scope.visible_units(scope).order_by("name"))
    page = _page(request, selectors.arrangement_list_for(user=scope, filters=filter_form.filters()), PAGE_SIZE)
    return render(request, "schedules/all_requests.html", {"filter_form": filter_form, "page": page})


# ---------------------------------------------------------------------------- calendars


def _month_of(request, today: datetime.date) -> datetime.date:
    value = request.GET.get("month")
    first = month_parse(value)
    if first is None:
        if value:  # docs/rules.md §1 "Accepted dates": an unusable month shows this one, and says so
            messages.warning(request, date_param_message())
        return today.replace(day=1)
    return first


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@require_GET
@login_required
def my_calendar(request):
    scope = _scope(request)
    today = selectors.today_for(scope)
    first = _month_of(request, today)
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    start, end = weeks[0][0], weeks[-1][-1]
    days = {d.local_date: d for d in selectors.my_schedule_days_for(user=scope, date_from=start, date_to=end)}
    holidays = dict(
        Holiday.objects.filter(agency_id=scope.agency_id, date__range=(start, end)).values_list("date", "name")
    )
    grid = [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "weekend": day.weekday() >= 5,
                "holiday": holidays.get(day),
                "item": days.get(day),
                "today": day == today,
            }
            for day in week
        ]
        for week in weeks
    ]
    new_token = request.session.pop("fw_new_feed_token", None)
    feeds = list(ical.calendar_feed_list_for(user=request.user))
    feed_units = org_scope.visible_units(scope).order_by("name") if scope.agency_wide or scope.headed_unit_ids else None
    return render(
        request,
        "schedules/my_calendar.html",
        {
            "month": first,
            "previous": _shift_month(first, -1),
            "next": _shift_month(first, 1),
            "grid": grid,
            "short_labels": SHORT_LABELS,
            "feeds": feeds,
            "feed_units": feed_units,
            "new_feed_url": request.build_absolute_uri(reverse("schedules-ical", args=[new_token]))
            if new_token
            else "",
            "may_see_team": bool(scope.roles & set(CALENDAR_ROLES)),
        },
    )


@require_POST
@login_required
def feed_create(request):
    scope = _scope(request)
    unit = None
    if request.POST.get("unit"):
        unit = (
            org_scope.visible_units(scope).filter(id=request.POST["unit"]).first()
            if request.POST["unit"].isdigit()
            else None
        )
        if unit is None:
            raise Http404
    _feed, token = ical.calendar_feed_create(owner=request.user, unit=unit)
    request.session["fw_new_feed_token"] = token
    messages.success(request, _("Your calendar feed is ready. Copy its address now: it is shown only once."))
    return redirect("schedules-my-calendar")


@require_POST
@login_required
def feed_revoke(request, feed_id: int):
    ical.calendar_feed_revoke(owner=request.user, feed_id=feed_id)
    messages.success(request, _("The calendar feed was revoked; its address no longer works."))
    return redirect("schedules-my-calendar")


@require_GET
def ical_feed(request, token: str):
    feed, name, zone, days = ical.calendar_feed_days(token=token)
    # No session here: the feed speaks its owner's language.
    with translation.override(user_language(feed.owner) or settings.LANGUAGE_CODE):
        body = ical.render_calendar(days, name=name, zone=zone, host=request.get_host(), with_name=bool(feed.unit_id))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="flexwork.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _team_range(request, today: datetime.date) -> tuple[str, datetime.date, datetime.date, datetime.date]:
    view = "month" if request.GET.get("view") == "month" else "week"
    anchor = date_parse(request.GET.get("date"))
    if anchor is None:
        if request.GET.get("date"):  # docs/rules.md §1 "Accepted dates"
            messages.warning(request, date_param_message())
        anchor = today
    if view == "month":
        first = anchor.replace(day=1)
        last = _shift_month(first, 1) - datetime.timedelta(days=1)
        return view, first, last, anchor
    monday = anchor - datetime.timedelta(days=anchor.weekday())
    return view, monday, monday + datetime.timedelta(days=6), anchor


def _team_cells(grid, keep, *, today, may_recall):
    """Each shown row's cells as the page draws them: leave or official duty (its kind's label) over the
    schedule day, the location and hours, a recall mark, and the pending requests' days."""
    leave_labels = {value: str(label) for value, label in LeaveKind.choices}
    location_labels = {value: str(label) for value, label in Location.choices}
    pending_labels = {
        value: _("%(location)s (pending)") % {"location": SHORT_LABELS[value]} for value in Location.values
    }
    rows = []
    for row in grid.rows:
        cells = []
        for i in keep:
            day, cell, kind, pending = grid.days[i], row.cells[i], row.leave[i], row.pending[i]
            if kind is not None:
                css = "leave"
            elif cell is not None:
                css = f"loc-{cell.location}"
            else:
                css = "loc-plain"
            cells.append(
                {
                    "day": day,
                    "css": css,
                    "leave": leave_labels.get(kind) if kind else "",
                    "cell": cell if kind is None else None,
                    "location_label": location_labels[cell.location] if cell else "",
                    "pending": [
                        (pending_labels[p.location], location_labels[p.location]) for p in pending if day.working
                    ],
                    "recall": may_recall
                    and kind is None
                    and day.working
                    and day.date >= today
                    and cell is not None
                    and cell.location != Location.OFFICE,
                }
            )
        rows.append({"employee": row.employee, "cells": cells})
    return rows


@require_GET
@login_required
def team_calendar(request):
    scope = _scope(request)
    org_scope.require_role(scope, *CALENDAR_ROLES)
    today = selectors.today_for(scope)
    units = list(org_scope.visible_units(scope).order_by("name"))
    if not units:
        raise Http404
    unit_id = request.GET.get("unit")
    default = next((u.id for u in units if u.id in scope.headed_unit_ids), None) or scope.unit_id or units[0].id
    unit_id = int(unit_id) if unit_id and unit_id.isdigit() else default
    view, date_from, date_to, anchor = _team_range(request, today)
    chosen = next((u for u in units if u.id == unit_id), None)
    if chosen is not None and chosen.work_week != WorkWeek.MON_FRI:
        return _roster_team_calendar(
            request, scope, units=units, unit_id=unit_id, view=view, date_from=date_from, date_to=date_to, anchor=anchor
        )
    # A page of the people (docs/rules.md §3 "Team calendar"); the counts and coverage are the whole unit's.
    search = request.GET.get("q", "").strip()[:100]
    number = windows.page_number(request)
    size = windows.PEOPLE_PAGE_SIZE

    def read(number):
        return selectors.team_calendar_for(
            user=scope,
            unit_id=unit_id,
            date_from=date_from,
            date_to=date_to,
            offset=(number - 1) * size,
            limit=size,
            q=search,
        )

    grid = read(number)
    if not grid.rows and number > 1 and grid.count:  # past the last page: show the last one
        number = windows.last_page(grid.count, size)
        grid = read(number)
    window = windows.window_for(request, count=grid.count, number=number, size=size)
    keep = [i for i, day in enumerate(grid.days) if day.date.weekday() < 5]
    days = [grid.days[i] for i in keep]
    may_recall = bool(scope.roles & APPROVER_ROLES)
    rows = _team_cells(grid, keep, today=today, may_recall=may_recall)
    # The phone's day list: the same cells, one card per day (no query of its own).
    day_cards = [
        {"day": day, "people": [(row["employee"], row["cells"][i]) for row in rows]} for i, day in enumerate(days)
    ]
    here = request.get_full_path()
    step = datetime.timedelta(days=7)
    previous = _shift_month(date_from, -1) if view == "month" else date_from - step
    following = _shift_month(date_from, 1) if view == "month" else date_from + step
    return render(
        request,
        "schedules/team_calendar.html",
        {
            "grid": grid,
            "days": days,
            "rows": rows,
            "units": units,
            "unit_id": unit_id,
            "view": view,
            "anchor": anchor,
            "previous": previous,
            "following": following,
            "today": today,
            "short_labels": SHORT_LABELS,
            "locations": [(value, SHORT_LABELS[value], label) for value, label in Location.choices],
            "warnings": [day for day in days if day.coverage_warning],
            "holidays": [day for day in days if day.holiday is not None],
            "may_recall": may_recall,
            "day_cards": day_cards,
            "here": here,
            "window": window,
            "search": search,
        },
    )


def _duty_cell(cell, *, leave_labels: dict, location_labels: dict) -> dict:
    """How one person's duty date reads: a short mark ("P", "LM", "L", a leave kind's label), its
    full name, the hours in the unit's zone with "+1" when it ends the next day, and where."""
    from shifts.models import DutyKind

    if cell.kind == DutyKind.SHIFT and cell.shift is not None:
        mark, title, css = cell.shift.code, cell.shift.name, f"shift-t{cell.shift.id}"
    elif cell.kind == DutyKind.POST_NIGHT:
        mark, title, css = pgettext("roster cell: rest after night duties", "RN"), _("Rest after nights"), "duty-rest"
    elif cell.kind == DutyKind.OFF:
        mark, title, css = pgettext("roster cell: day off", "Off"), _("Day off"), "duty-off"
    else:
        mark, title, css = "", _("No duty"), "duty-none"
    hours = f"{cell.start:%H:%M}–{cell.end:%H:%M}" if cell.start is not None and cell.end is not None else ""
    return {
        "day": cell.date,
        "mark": mark,
        "title": title,
        "css": css,
        "hours": hours,
        "next_day": cell.ends_next_day,
        "leave": leave_labels.get(cell.leave, "") if cell.leave else "",
        "away": location_labels[cell.location] if cell.kind and cell.location != Location.OFFICE else "",
    }


def _hours_text(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def _roster_team_calendar(request, scope, *, units, unit_id, view, date_from, date_to, anchor):
    """The team calendar of a unit that works shifts (docs/rules.md §8 "Calendar"): people × duty dates
    with the shift codes, a count row per shift against its minimum and the weekly hours; on a phone
    one card per day. The same reading of coverage as the rule check."""
    from schedules.quota_display import week_label

    grid = roster_calendar.roster_calendar_for(user=scope, unit_id=unit_id, date_from=date_from, date_to=date_to)
    leave_labels = {value: str(label) for value, label in LeaveKind.choices}
    location_labels = {value: str(label) for value, label in Location.choices}
    rows = [
        {
            "employee": row.employee,
            "cells": [_duty_cell(c, leave_labels=leave_labels, location_labels=location_labels) for c in row.cells],
            "weeks": [
                {"label": week_label(*week), "hours": _hours_text(minutes)}
                for week, minutes in zip(grid.weeks, row.week_minutes, strict=True)
            ],
        }
        for row in grid.rows
    ]
    counts = [
        {
            "shift": shift,
            "days": [
                {"day": day, "entry": day.shifts[i], "short": day.shifts[i] is not None and day.shifts[i].short}
                for day in grid.days
            ],
        }
        for i, shift in enumerate(grid.shift_types)
    ]
    day_cards = [
        {
            "day": day,
            "counts": [{"shift": shift, "entry": day.shifts[i]} for i, shift in enumerate(grid.shift_types)],
            "people": [(row["employee"], row["cells"][d]) for row in rows],
        }
        for d, day in enumerate(grid.days)
    ]
    step = datetime.timedelta(days=7)
    previous = _shift_month(date_from, -1) if view == "month" else date_from - step
    following = _shift_month(date_from, 1) if view == "month" else date_from + step
    return render(
        request,
        "schedules/team_calendar_roster.html",
        {
            "grid": grid,
            "rows": rows,
            "counts": counts,
            "day_cards": day_cards,
            "units": units,
            "unit_id": unit_id,
            "view": view,
            "anchor": anchor,
            "previous": previous,
            "following": following,
            "short_days": [day for day in grid.days if day.short],
            "holidays": [day for day in grid.days if day.holiday is not None],
            "week_labels": [week_label(*week) for week in grid.weeks],
            "rest_mark": pgettext("roster cell: rest after night duties", "RN"),
            "off_mark": pgettext("roster cell: day off", "Off"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def recall(request):
    scope = _scope(request)
    org_scope.require_role(scope, *APPROVER_ROLES)
    employees = org_scope.visible_employees(scope).filter(is_active=True).exclude(id=scope.employee_id).order_by("name")
    initial = {"employee": request.GET.get("employee"), "local_date": request.GET.get("date")}
    form = forms.RecallForm(request.POST or None, employees=employees, initial=initial)
    if request.method == "POST" and form.is_valid():
        employee = Employee.objects.select_related("unit", "agency", "user", "supervisor").get(
            id=form.cleaned_data["employee"].id
        )
        try:
            services.recall_create(
                employee=employee,
                local_date=form.cleaned_data["local_date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except (ApplicationError, PermissionDenied) as exc:
            _place_error(form, exc) if isinstance(exc, ApplicationError) else form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s was recalled to the office.") % {"name": employee.name})
            # Back to the week that was edited, not to this week.
            week = f"{reverse('schedules-team-calendar')}?date={form.cleaned_data['local_date'].isoformat()}"
            return redirect(_next_url(request, week))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "schedules/recall.html", {"form": form, "next": next_url})


# ---------------------------------------------------------------------------- HR


@require_http_methods(["GET", "POST"])
@login_required
def delegations(request):
    scope = _scope(request)
    is_hr = org_scope.HR_ADMIN in scope.roles
    if not is_hr:
        org_scope.require_role(scope, *APPROVER_ROLES)
    agency_people = Employee.objects.filter(agency_id=scope.agency_id, is_active=True).order_by("name")
    delegators = agency_people if is_hr else agency_people.filter(id=scope.employee_id)
    form = forms.DelegationForm(
        request.POST or None,
        delegators=delegators,
        delegates=agency_people,
        initial={"delegator": scope.employee_id, "kinds": [ApprovalKind.ARRANGEMENT]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            engine.delegation_create(
                delegator=data["delegator"],
                delegate=data["delegate"],
                date_from=data["date_from"],
                date_to=data["date_to"],
                kinds=data["kinds"],
                note=data["note"],
                created_by=request.user,
            )
        except ApplicationError as exc:
            _place_error(form, exc)
        else:
            messages.success(request, _("The delegation was recorded."))
            return redirect("schedules-delegations")
    page = _page(request, selectors.delegation_list_for(user=scope), PAGE_SIZE)
    return render(
        request,
        "schedules/delegations.html",
        {"form": form, "page": page, "is_hr": is_hr, "me": scope.employee_id},
    )


@require_POST
@login_required
def delegation_revoke(request, delegation_id: int):
    scope = _scope(request)
    delegation = selectors.delegation_get_for(user=scope, delegation_id=delegation_id)
    if scope.employee_id != delegation.delegator_id:
        org_scope.require_role(scope, org_scope.HR_ADMIN)
    engine.delegation_revoke(delegation=delegation)
    messages.success(request, _("The delegation was revoked."))
    return redirect("schedules-delegations")
