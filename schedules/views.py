"""Arrangement pages: the request form with the live rule check, my requests, a request's detail
and actions, my calendar (with iCal feeds), the approval queue, the team calendar, recall, and
HR's directives, all requests and delegations. They call the same selectors and services as the
API (schedules/apis/), and every list renders in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance.models import LeaveKind
from flexwork.approvals import services as engine
from flexwork.approvals.models import EDITABLE_STATUSES, ApprovalKind, ApprovalStep
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.i18n import user_language
from flexwork.common.services import evidence_upload
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Holiday
from schedules import forms, ical, selectors, services
from schedules.apis.arrangements import build_input
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
BLOCKING = ("hard", "soft")


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


def _has_blocking(arrangement_request: ArrangementRequest) -> bool:
    return any(v.get("severity") in BLOCKING for v in arrangement_request.violations or [])


def _has_soft(arrangement_request: ArrangementRequest) -> bool:
    return any(v.get("severity") == "soft" for v in arrangement_request.violations or [])


# ---------------------------------------------------------------------------- employee: request form


def _form_page(request, *, arrangement_request: ArrangementRequest | None = None):
    scope = _scope(request)
    employee = arrangement_request.employee if arrangement_request else _employee(scope)
    initial = _initial(arrangement_request) if arrangement_request else {}
    data = request.POST if request.method == "POST" else None
    form = forms.ArrangementForm(data, request.FILES or None, employee=employee, initial=initial)
    plan_initial = (
        [
            {"description": i.description, "quantity": i.quantity, "unit": i.unit}
            for i in arrangement_request.work_plan.all()
        ]
        if arrangement_request and data is None
        else None  # never on POST: posted rows equal to `initial` would count as unchanged, i.e. empty
    )
    work_plan = forms.WorkPlanFormSet(data, prefix="work_plan", initial=plan_initial)
    violations: list[dict] = []
    if request.method == "POST":
        action = request.POST.get("action", "draft")
        if form.is_valid() and work_plan.is_valid():
            body = form.api_body(forms.work_plan_rows(work_plan))
            try:
                if action == "check":
                    result = _check(request, employee, form, body)
                    violations = result.as_list()
                    quota = result.quota
                    for violation in result.hard:
                        if violation.code == "NO_APPROVER":  # nothing in the form fixes it: HR must act
                            form.add_error(None, violation.message)
                    return _render_form(request, form, work_plan, arrangement_request, violations, quota)
                saved = _save(request, employee, form, body, arrangement_request, submit=action == "submit")
            except ApplicationError as exc:
                _place_error(form, exc)
                violations = exc.violations
            else:
                if action == "submit":
                    messages.success(request, _("Your request was submitted."))
                else:
                    messages.success(request, _("Your request was saved as a draft."))
                return redirect("schedules-request-detail", saved.id)
    return _render_form(request, form, work_plan, arrangement_request, violations, None)


def _render_form(request, form, work_plan, arrangement_request, violations, quota):
    return render(
        request,
        "schedules/request_form.html",
        {
            "form": form,
            "work_plan": work_plan,
            "arrangement_request": arrangement_request,
            "violations": violations,
            "quota": quota,
            "quota_texts": range(0, 6),
        },
    )


def _initial(ar: ArrangementRequest) -> dict:
    if ar.requested_from:
        mode = "pattern" if ar.weekdays else "range"
    else:
        mode = "dates"
    return {
        "location": ar.location,
        "other_office_unit": ar.other_office_unit_id,
        "designated_location": ar.designated_location_id,
        "date_mode": mode,
        "dates": ", ".join(day.isoformat() for day in ar.dates) if mode == "dates" else "",
        "date_from": ar.requested_from,
        "date_to": ar.requested_to,
        "weekdays": ar.weekdays or [],
        "planned_start": ar.planned_start,
        "planned_end": ar.planned_end,
        "reason": ar.reason,
        "exception_basis": ar.exception_basis or "",
    }


def _evidence_ids(request, form) -> list[int]:
    ids = list(form.cleaned_data.get("evidence_ids") or [])
    upload = form.cleaned_data.get("evidence_file")
    if upload:
        ids.append(evidence_upload(user=request.user, uploaded_file=upload).id)
    return ids


def _check(request, employee, form, body):
    data = build_input(
        user=request.user, employee=employee, data={**body, "evidence": form.cleaned_data["evidence_ids"]}
    )
    if not data.requested_dates:
        raise ApplicationError(
            _("The request covers no working day."), fields={"dates": [_("The request covers no working day.")]}
        )
    return services.arrangement_request_check(employee=employee, data=data)


@transaction.atomic
def _save(request, employee, form, body, arrangement_request, *, submit: bool) -> ArrangementRequest:
    body = {**body, "evidence": _evidence_ids(request, form)}
    if arrangement_request is None:
        data = build_input(user=request.user, employee=employee, data=body)
        saved, _result = services.arrangement_request_create(
            employee=employee, data=data, actor=request.user, submit=submit
        )
        return saved
    data = build_input(user=request.user, employee=employee, data=body, arrangement_request=arrangement_request)
    saved, _result = services.arrangement_request_update(
        arrangement_request=arrangement_request, data=data, actor=request.user, submit=submit
    )
    return saved


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request):
    return _form_page(request)


@require_http_methods(["GET", "POST"])
@login_required
def request_edit(request, arrangement_id: int):
    ar = selectors.arrangement_get_for(user=request.user, arrangement_id=arrangement_id)
    if org_scope.scope_for(request.user).employee_id != ar.employee_id:
        raise PermissionDenied(_("Only the employee who asked can do this."))
    if ar.status not in EDITABLE_STATUSES:
        messages.error(request, _("Only a draft or a returned request can be edited."))
        return redirect("schedules-request-detail", ar.id)
    return _form_page(request, arrangement_request=ar)


# ---------------------------------------------------------------------------- employee: lists and detail


@require_GET
@login_required
def my_requests(request):
    scope = _scope(request)
    filter_form = forms.RequestFilterForm(request.GET or None)
    page = _page(request, selectors.my_requests_for(user=scope, filters=filter_form.filters()), PAGE_SIZE)
    return render(request, "schedules/my_requests.html", {"filter_form": filter_form, "page": page})


@require_GET
@login_required
def request_detail(request, arrangement_id: int):
    scope = _scope(request)
    ar = selectors.arrangement_get_for(user=scope, arrangement_id=arrangement_id)
    actions = services.allowed_actions(arrangement_request=ar, user=scope)
    days = selectors.arrangement_days(arrangement_request=ar)
    today = selectors.today_for(scope)
    future = [d["date"] for d in days if d["state"] == "scheduled" and d["date"] > today]
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
            "end_form": forms.EndDaysForm(days=future),
            "decision_form": forms.DecisionForm(),
            "needs_override": _has_soft(ar),
            "is_owner": scope.employee_id == ar.employee_id,
        },
    )


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
    "submit": _("Your request was submitted."),
    "recommend": _("The request was recommended."),
    "approve": _("The request was approved."),
    "reject": _("The request was rejected."),
    "return": _("The request was returned for revision."),
    "withdraw": _("The request was withdrawn."),
    "cancel": _("The days were cancelled."),
    "revoke": _("The days were revoked."),
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
        # 409 `stale_transition` (a double click, another approver first) and 400 rule refusals are
        # shown as a message; not an actor of the request stays a 403, as in the API.
        messages.error(request, exc.message)
        for violation in exc.violations:
            messages.error(request, f"{violation['code']}: {violation['message']}")
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(back)


def _is_iso(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------- approvers


def _require_approver(scope) -> None:
    if not may_approve(scope):
        raise PermissionDenied(_("Your role does not allow this."))


@require_GET
@login_required
def approval_queue(request):
    scope = _scope(request)
    _require_approver(scope)
    filter_form = forms.RequestFilterForm(
        request.GET or None, units=org_scope.visible_units(scope).order_by("name"), with_status=False
    )
    filters = filter_form.filters()
    page = _page(request, selectors.approval_queue_for(user=scope, filters=filters), QUEUE_PAGE_SIZE)
    rows = [
        {
            "ar": ar,
            "action": "recommend" if ar.step == ApprovalStep.RECOMMEND else "approve",
            "bulk": ar.step == ApprovalStep.DECIDE and not _has_blocking(ar),
            "needs_override": _has_soft(ar),
        }
        for ar in page.object_list
    ]
    return render(
        request,
        "schedules/queue.html",
        {"filter_form": filter_form, "page": page, "rows": rows, "back": request.get_full_path()},
    )


@require_POST
@login_required
def queue_bulk_approve(request):
    scope = _scope(request)
    _require_approver(scope)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:QUEUE_PAGE_SIZE]
    requests = selectors.approval_queue_for(user=scope).filter(id__in=ids)
    approved = 0
    for ar in requests:
        if ar.step != ApprovalStep.DECIDE or _has_blocking(ar):
            continue
        try:
            services.arrangement_request_approve(
                arrangement_request=ar, actor=request.user, note=request.POST.get("note", "")
            )
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, f"#{ar.id} {ar.employee.name}: {getattr(exc, 'message', None) or exc}")
        else:
            approved += 1
    if approved:
        messages.success(
            request,
            ngettext("%(count)d request approved.", "%(count)d requests approved.", approved) % {"count": approved},
        )
    left = len(ids) - approved
    if left:
        text = ngettext(
            "%(count)d request was not approved: decide it on its own.",
            "%(count)d requests were not approved: decide them one by one.",
            left,
        )
        messages.warning(request, text % {"count": left})
    return redirect(_next_url(request, reverse("schedules-queue")))


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
    try:
        return datetime.date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        return today.replace(day=1)


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
    try:
        anchor = datetime.date.fromisoformat(request.GET.get("date") or "")
    except ValueError:
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
    grid = selectors.team_calendar_for(user=scope, unit_id=unit_id, date_from=date_from, date_to=date_to)
    keep = [i for i, day in enumerate(grid.days) if day.date.weekday() < 5]
    days = [grid.days[i] for i in keep]
    may_recall = bool(scope.roles & APPROVER_ROLES)
    rows = _team_cells(grid, keep, today=today, may_recall=may_recall)
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
            return redirect(_next_url(request, reverse("schedules-team-calendar")))
    return render(request, "schedules/recall.html", {"form": form, "next": request.GET.get("next", "")})


# ---------------------------------------------------------------------------- HR


@require_http_methods(["GET", "POST"])
@login_required
def directives(request):
    scope = _scope(request)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    units = org_scope.visible_units(scope).order_by("name")
    form = forms.DirectiveForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.directive_create(
                agency_id=scope.agency_id,
                unit=data.get("unit"),
                date_from=data["date_from"],
                date_to=data["date_to"],
                allowed_locations=data["allowed_locations"],
                max_share_percent=data.get("max_share_percent"),
                message=data["message"],
                actor=request.user,
            )
        except ApplicationError as exc:
            _place_error(form, exc)
        else:
            messages.success(request, _("The directive was declared and announced."))
            return redirect("schedules-directives")
    page = _page(request, selectors.directive_list_for(user=scope), PAGE_SIZE)
    return render(request, "schedules/directives.html", {"form": form, "page": page})


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
