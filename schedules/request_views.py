"""The arrangement request in steps, one question a page (GOV.UK "one thing per page"): where → which
days → what you will deliver → check your answers → sent. Every step works without JavaScript
(static/js/schedules-form.js only improves it: the calendar's ranges and weekday patterns, extra work
plan rows, the live rule check).

The request is a server-side draft from the days step on (the model needs its days), so nothing typed
is lost on a refresh or a refused step; the "where" of a request without a draft yet travels to the
days step in the query string. Each step saves through the same services as the API
(schedules.services.arrangement_request_create / _update / _submit)."""

from __future__ import annotations

import calendar
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flexwork.approvals.models import EDITABLE_STATUSES, PENDING_STATUSES, ApprovalStatus
from flexwork.common.calendar import office_today
from flexwork.common.dates import date_parse
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.selectors import evidence_list_for_owner
from flexwork.common.services import evidence_upload
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Holiday
from schedules import forms, selectors, services
from schedules.apis.arrangements import build_input
from schedules.models import ArrangementRequest, Location, ScheduleDay
from schedules.policy import SUBMIT, check_proposal, proposal_from_request
from schedules.quota_display import quota_context

STEPS = ("where", "days", "plan", "check")
STEP_TITLES = {
    "where": gettext_lazy("Where"),
    "days": gettext_lazy("Which days"),
    "plan": gettext_lazy("What you will deliver"),
    "check": gettext_lazy("Check your answers"),
}
MONTHS_AHEAD = 2  # the calendar offers the rest of this month and the next two
# Where each rule is fixed: the step and the field the error summary links to (docs/rules.md §3).
RULE_FIX = {
    "LOCATION_NOT_DESIGNATED": ("where", "id_designated_location"),
    "DIRECTIVE_MODE": ("where", "id_location_0"),
    "DYN_WINDOW": ("where", "id_planned_start"),
    "DYN_CORE": ("where", "id_planned_start"),
    "DYN_WEEKLY_TOTAL": ("where", "id_planned_start"),
    "DYN_DAILY_FLOOR": ("where", "id_planned_start"),
    "CAP_WEEKLY": ("days", "days"),
    "OVERLAP": ("days", "days"),
    "LEAD_TIME": ("days", "days"),
    "MAX_SPAN": ("days", "days"),
    "COVERAGE_UNIT_SHARE": ("days", "days"),
    "PUBLIC_SERVICE_MIN_ONSITE": ("days", "days"),
    "DIRECTIVE_SHARE": ("days", "days"),
    "HOLIDAY_SKIPPED": ("days", "days"),
    "WORK_PLAN_REQUIRED": ("plan", "id_work_plan-0-description"),
    "EVIDENCE_REQUIRED": ("plan", "id_evidence_file"),
}
# Rules answered by a later step: the live check of the days step does not show them yet.
LATER_STEP_RULES = {"WORK_PLAN_REQUIRED", "EVIDENCE_REQUIRED"}


# ---------------------------------------------------------------------------- helpers


def _employee(request) -> Employee:
    scope = org_scope.require_agency(request.user)
    request.fw_scope = scope
    return Employee.objects.select_related("unit", "agency", "position", "supervisor", "user").get(id=scope.employee_id)


def _own_request(request, arrangement_id: int) -> ArrangementRequest:
    """The caller's own request (404 out of scope, 403 someone else's)."""
    ar = selectors.arrangement_get_for(user=request.user, arrangement_id=arrangement_id)
    if org_scope.scope_for(request.user).employee_id != ar.employee_id:
        raise PermissionDenied(_("Only the employee who asked can do this."))
    return ar


def _step_url(ar: ArrangementRequest | None, step: str, *, back_to_check: bool = False) -> str:
    if ar is None:
        url = reverse("schedules-request-new") if step == "where" else reverse("schedules-request-new-days")
    elif step == "where":
        url = reverse("schedules-request-edit", args=[ar.id])
    else:
        url = reverse("schedules-request-step", args=[ar.id, step])
    return url + ("?return=check" if back_to_check else "")


def _next_step(request, ar: ArrangementRequest, step: str) -> str:
    if request.POST.get("return") == "check" or step == "plan":
        return _step_url(ar, "check")
    return _step_url(ar, STEPS[STEPS.index(step) + 1])


def _error_items(*forms_) -> list[dict]:
    """The error summary: one link per field error (to the field), the form-wide ones without a link."""
    items = []
    for form in forms_:
        if form is None:
            continue
        for error in form.non_field_errors():
            items.append({"text": error, "href": ""})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            field_id = "days" if name == "dates" else form[name].auto_id
            for error in errors:
                items.append({"text": error, "href": f"#{field_id}"})
    return items


def _draft_body(ar: ArrangementRequest) -> dict:
    """The stored draft as an API body, so that a step changes only its own part."""
    return {
        "location": ar.location,
        "other_office_unit": ar.other_office_unit_id,
        "designated_location": ar.designated_location_id,
        "dates": list(ar.dates),
        "date_from": None,
        "date_to": None,
        "weekdays": None,
        "planned_start": ar.planned_start,
        "planned_end": ar.planned_end,
        "reason": ar.reason,
        "exception_basis": ar.exception_basis,
        "evidence": [],
        "work_plan": [
            {"description": i.description, "quantity": i.quantity, "unit": i.unit, "indicator": i.indicator_id}
            for i in ar.work_plan.all()
        ],
    }


def _update(request, ar: ArrangementRequest, changes: dict) -> ArrangementRequest:
    data = build_input(
        user=request.user, employee=ar.employee, data={**_draft_body(ar), **changes}, arrangement_request=ar
    )
    saved, _result = services.arrangement_request_update(
        arrangement_request=ar, data=data, actor=request.user, submit=False
    )
    return saved


def _editable_or_redirect(request, ar: ArrangementRequest):
    if ar.status in EDITABLE_STATUSES:
        return None
    if ar.status in PENDING_STATUSES:
        return redirect("schedules-request-sent", ar.id)
    messages.error(request, _("Only a draft or a returned request can be edited."))
    return redirect("schedules-request-detail", ar.id)


def _render_step(request, step: str, ar: ArrangementRequest | None, context: dict, *, status: int = 200):
    return render(
        request,
        f"schedules/request_{step}.html",
        {
            "step": step,
            "step_number": STEPS.index(step) + 1 if step in STEPS else None,
            "step_count": len(STEPS),
            "step_title": STEP_TITLES.get(step, ""),
            "arrangement_request": ar,
            "back_to_check": request.GET.get("return") == "check" or request.POST.get("return") == "check",
            **context,
        },
        status=status,
    )


# ---------------------------------------------------------------------------- step 1: where


@require_http_methods(["GET", "POST"])
@login_required
def request_new(request):
    employee = _employee(request)
    if request.method == "POST":
        form = forms.WhereForm(request.POST, employee=employee)
        if form.is_valid():
            return redirect(reverse("schedules-request-new-days") + "?" + urlencode(form.query()))
    else:
        form = forms.WhereForm(request.GET or None, employee=employee)
        if request.GET:
            form.is_valid()  # back from the days step: the choices as they were, errors included
    return _render_step(
        request,
        "where",
        None,
        {"form": form, "error_items": _error_items(form) if form.is_bound and request.method == "POST" else []},
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_edit(request, arrangement_id: int):
    """Step 1 of a stored draft (and the edit link of a draft or a returned request)."""
    ar = _own_request(request, arrangement_id)
    if (response := _editable_or_redirect(request, ar)) is not None:
        return response
    initial = {
        "location": ar.location,
        "other_office_unit": ar.other_office_unit_id,
        "designated_location": ar.designated_location_id,
        "planned_start": ar.planned_start,
        "planned_end": ar.planned_end,
    }
    form = forms.WhereForm(request.POST or None, employee=ar.employee, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _update(request, ar, form.body())
        except ApplicationError as exc:
            form_error_show(form, exc)
        else:
            return redirect(_next_step(request, saved, "where"))
    return _render_step(request, "where", ar, {"form": form, "error_items": _error_items(form)})


# ---------------------------------------------------------------------------- step 2: which days


def _window(employee: Employee, ar: ArrangementRequest | None) -> tuple[datetime.date, datetime.date]:
    today = office_today(employee)
    first = today + datetime.timedelta(days=1)
    year, month = today.year, today.month + MONTHS_AHEAD
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    if ar is not None and ar.dates:
        last = max(last, max(ar.dates))
    return first, last


def _calendar(employee: Employee, ar: ArrangementRequest | None, selected: set[datetime.date]):
    """The months of the picker: weeks of Monday–Friday cells, each with what the employee must know
    (a holiday, an approved day, a day of another pending request). Three queries, whatever the span.
    A roster employee's working days are their duty dates (docs/rules.md §8 "Flexibility on duties"):
    their weeks have seven cells, a date with a published shift duty shows its code and can be chosen,
    any other date cannot (a fourth query reads the duties)."""
    first, last = _window(employee, ar)
    rostered = _rostered(employee)
    columns = 7 if rostered else 5
    duties = _shift_duties(employee, first, last) if rostered else {}
    holidays = dict(
        Holiday.objects.filter(agency_id=employee.agency_id, date__range=(first, last)).values_list("date", "name")
    )
    approved = dict(
        ScheduleDay.objects.filter(
            employee_id=employee.id, local_date__range=(first, last), cancelled_at__isnull=True
        ).values_list("local_date", "location")
    )
    pending: set[datetime.date] = set()
    others = ArrangementRequest.objects.filter(
        employee_id=employee.id, status__in=PENDING_STATUSES, last_date__gte=first, first_date__lte=last
    )
    if ar is not None:
        others = others.exclude(id=ar.id)
    for dates in others.values_list("dates", flat=True):
        pending.update(day for day in dates if first <= day <= last)
    months, choices = [], []
    month_start = first.replace(day=1)
    while month_start <= last:
        days_in_month = calendar.monthrange(month_start.year, month_start.month)[1]
        weeks: list[list[dict | None]] = []
        for number in range(1, days_in_month + 1):
            day = month_start.replace(day=number)
            if day.weekday() >= columns:
                continue
            if not weeks or day.weekday() == 0 or number == 1:
                weeks.append([None] * columns)
            cell = {
                "date": day,
                "iso": day.isoformat(),
                "label": date_format(day, "l, j F Y"),
                "in_window": first <= day <= last,
                "holiday": holidays.get(day, ""),
                "approved": Location(approved[day]).label if day in approved else "",
                "pending": day in pending,
                "checked": day in selected,
                "duty": duties.get(day, ""),
            }
            cell["selectable"] = cell["in_window"] and not cell["holiday"] and not cell["approved"]
            if rostered:
                # A duty on a holiday stands and may be worked from elsewhere; a date without one cannot.
                cell["selectable"] = cell["in_window"] and bool(cell["duty"]) and not cell["approved"]
                cell["no_duty"] = cell["in_window"] and not cell["duty"]
            if cell["selectable"]:
                choices.append(day)
            weeks[-1][day.weekday()] = cell
        weekday_days = {
            index: [c["iso"] for week in weeks if (c := week[index]) and c["selectable"]] for index in range(columns)
        }
        months.append(
            {
                "title": date_format(month_start, "F Y"),
                "key": f"{month_start:%Y-%m}",
                "weeks": weeks,
                "columns": columns,
                "weekdays": [
                    {
                        "short": date_format(datetime.date(2024, 1, 1 + index), "D"),
                        "long": date_format(datetime.date(2024, 1, 1 + index), "l"),
                        "days": " ".join(weekday_days[index]),
                    }
                    for index in range(columns)
                ],
            }
        )
        month_start = (month_start + datetime.timedelta(days=32)).replace(day=1)
    return months, choices


def _rostered(employee: Employee) -> bool:
    from shifts.selectors import works_roster

    return works_roster(employee)


def _shift_duties(employee: Employee, first: datetime.date, last: datetime.date) -> dict[datetime.date, dict]:
    """The employee's published shift duties dated first..last: date → the shift's code and name."""
    from shifts.models import DutyKind
    from shifts.selectors import duties_between

    return {
        duty.duty_date: {"code": duty.shift_type.code, "name": duty.shift_type.name}
        for duty in duties_between(employee_id=employee.id, date_from=first, date_to=last)
        if duty.kind == DutyKind.SHIFT and duty.shift_type_id
    }


def _days_page(request, employee, ar, form, where_form, selected, *, error_items=None, status=200):
    months, _choices = _calendar(employee, ar, selected)
    return _render_step(
        request,
        "days",
        ar,
        {
            "form": form,
            "where_form": where_form,
            "months": months,
            "rostered": _rostered(employee),
            "error_items": error_items if error_items is not None else _error_items(form),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_new_days(request):
    """Step 2 of a new request: the first save makes the draft."""
    employee = _employee(request)
    where_form = forms.WhereForm(request.POST if request.method == "POST" else request.GET, employee=employee)
    if not where_form.is_valid():
        return redirect(reverse("schedules-request-new") + "?" + request.GET.urlencode())
    _months, choices = _calendar(employee, None, set())
    form = forms.DaysForm(request.POST or None, days=choices)
    if request.method == "POST" and form.is_valid():
        try:
            ar = _create_draft(request, employee, {**where_form.body(), "dates": form.cleaned_data["dates"]})
        except ApplicationError as exc:
            form_error_show(form, exc)
        else:
            return redirect(_step_url(ar, "plan"))
    selected = {datetime.date.fromisoformat(v) for v in request.POST.getlist("dates") if _is_iso(v)}
    return _days_page(request, employee, None, form, where_form, selected)


@transaction.atomic
def _create_draft(request, employee: Employee, body: dict) -> ArrangementRequest:
    """The draft of a new request. A second tap of the same button while the first is on its way finds
    the draft the first one made (the employee row lock orders them) instead of writing another."""
    Employee.objects.select_for_update().filter(id=employee.id).first()
    dates = sorted(set(body["dates"]))
    recent = ArrangementRequest.objects.filter(
        employee_id=employee.id,
        status=ApprovalStatus.DRAFT,
        location=body["location"],
        dates=dates,
        created_at__gte=timezone.now() - datetime.timedelta(minutes=2),
    ).first()
    if recent is not None:
        return recent
    data = build_input(user=request.user, employee=employee, data={**body, "reason": "", "work_plan": []})
    ar, _result = services.arrangement_request_create(employee=employee, data=data, actor=request.user, submit=False)
    return ar


def _is_iso(value: str) -> bool:
    return date_parse(value) is not None  # docs/rules.md §1 "Accepted dates"


def _days_step(request, ar: ArrangementRequest):
    employee = ar.employee
    _months, choices = _calendar(employee, ar, set())
    form = forms.DaysForm(request.POST or None, days=choices, initial={"dates": [d.isoformat() for d in ar.dates]})
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = _update(request, ar, {"dates": form.cleaned_data["dates"]})
            except ApplicationError as exc:
                form_error_show(form, exc)
            else:
                return redirect(_next_step(request, saved, "days"))
        selected = {datetime.date.fromisoformat(v) for v in request.POST.getlist("dates") if _is_iso(v)}
    else:
        selected = set(ar.dates)
    return _days_page(request, employee, ar, form, None, selected)


# ---------------------------------------------------------------------------- step 3: what you will deliver


def _plan_step(request, ar: ArrangementRequest):
    employee = ar.employee
    indicators = services.work_plan_indicators_for(employee=employee, first=ar.first_date, last=ar.last_date)
    choices = forms.indicator_choices(indicators)
    data = request.POST if request.method == "POST" else None
    form = forms.PlanForm(
        data, request.FILES or None, initial={"reason": ar.reason, "exception_basis": ar.exception_basis or ""}
    )
    rows = list(ar.work_plan.all())
    plan_initial = (
        [
            {"description": i.description, "quantity": i.quantity, "unit": i.unit, "indicator": i.indicator_id}
            for i in rows
        ]
        if data is None
        else None  # never on POST: posted rows equal to `initial` would count as unchanged, i.e. empty
    )
    work_plan = forms.WorkPlanFormSet(
        data, prefix="work_plan", initial=plan_initial, form_kwargs={"indicator_choices": choices}
    )
    if data is not None and form.is_valid() and work_plan.is_valid():
        plan_rows = forms.work_plan_rows(work_plan)
        row_forms = [f for f in work_plan.forms if f.cleaned_data.get("description")]
        changes = {
            "reason": form.cleaned_data.get("reason") or "",
            "exception_basis": form.cleaned_data.get("exception_basis") or None,
            "work_plan": plan_rows,
        }
        try:
            with transaction.atomic():
                changes["evidence"] = _evidence_ids(request, form)
                saved = _update(request, ar, changes)
        except ApplicationError as exc:
            _place_plan_error(form, row_forms, exc)
        else:
            if request.POST.get("action") == "add":
                return redirect(_step_url(saved, "plan") + ("?return=check" if request.POST.get("return") else ""))
            return redirect(_next_step(request, saved, "plan"))
    items = _error_items(form, *work_plan.forms)
    items += [{"text": e, "href": "#id_work_plan-0-description"} for e in work_plan.non_form_errors()]
    return _render_step(
        request,
        "plan",
        ar,
        {
            "form": form,
            "work_plan": work_plan,
            "evidence": list(evidence_list_for_owner(owner=ar)),
            "has_indicators": bool(choices),
            "error_items": items,
        },
    )


def _evidence_ids(request, form) -> list[int]:
    ids = list(form.cleaned_data.get("evidence_ids") or [])
    upload = form.cleaned_data.get("evidence_file")
    if upload:
        ids.append(evidence_upload(user=request.user, uploaded_file=upload).id)
    return ids


def _place_plan_error(form, row_forms, exc: ApplicationError) -> None:
    """A service's error on the plan step: `work_plan.<n>.<field>` on that row, the rest on the form."""
    rest = {}
    for key, values in (exc.fields or {}).items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "work_plan" and parts[1].isdigit() and int(parts[1]) < len(row_forms):
            row = row_forms[int(parts[1])]
            for value in values:
                row.add_error(parts[2] if parts[2] in row.fields else None, value)
        else:
            rest[key] = values
    if rest or not exc.fields or exc.violations:
        form_error_show(
            form,
            ApplicationError(exc.message, fields=rest, violations=exc.violations),
            field_names={"evidence": "evidence_file"},
        )


# ---------------------------------------------------------------------------- step 4: check your answers


def _fix_items(ar: ArrangementRequest | None, violations: list[dict]) -> list[dict]:
    """Each blocking violation as a link to the step (and field) that fixes it."""
    items = []
    for v in violations:
        if v["severity"] != "hard":
            continue
        step, field_id = RULE_FIX.get(v["code"], (None, None))
        href = f"{_step_url(ar, step, back_to_check=True)}#{field_id}" if step and ar is not None else ""
        items.append({"text": v["message"], "href": href, "code": v["code"]})
    return items


def _with_fix_links(ar, violations: list[dict]) -> list[dict]:
    out = []
    for v in violations:
        step, field_id = RULE_FIX.get(v["code"], (None, None))
        fix = f"{_step_url(ar, step, back_to_check=True)}#{field_id}" if step and ar is not None else ""
        out.append({**v, "fix_url": fix, "fix_step": STEP_TITLES.get(step, "") if step else ""})
    return out


def _check_step(request, ar: ArrangementRequest):
    result = check_proposal(proposal_from_request(ar), at=SUBMIT)
    violations = result.as_list()
    error_items: list[dict] = []
    if request.method == "POST":
        try:
            services.arrangement_request_submit(arrangement_request=ar, actor=request.user)
        except ApplicationError as exc:
            if exc.status_code == 409:  # a second tap, or the request moved meanwhile
                ar.refresh_from_db(fields=["status"])
                if ar.status in PENDING_STATUSES:
                    return redirect("schedules-request-sent", ar.id)
                messages.error(request, exc.message)
                return redirect("schedules-request-detail", ar.id)
            violations = exc.violations or violations
            error_items = [{"text": exc.message, "href": ""}] if not exc.violations else []
            error_items += _fix_items(ar, violations)
        else:
            return redirect("schedules-request-sent", ar.id)
    days = selectors.arrangement_days(arrangement_request=ar)
    return _render_step(
        request,
        "check",
        ar,
        {
            "days": [{**d, "label": date_format(d["date"], "D, j M Y")} for d in days],
            "work_plan": list(ar.work_plan.select_related("indicator")),
            "evidence": list(evidence_list_for_owner(owner=ar)),
            "violations": _with_fix_links(ar, violations),
            "has_hard": any(v["severity"] == "hard" for v in violations),
            "error_items": error_items,
            **quota_context(result.quota),
        },
        status=400 if error_items else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def request_step(request, arrangement_id: int, step: str):
    ar = _own_request(request, arrangement_id)
    if (response := _editable_or_redirect(request, ar)) is not None:
        return response
    if step == "days":
        return _days_step(request, ar)
    if step == "plan":
        return _plan_step(request, ar)
    return _check_step(request, ar)


# ---------------------------------------------------------------------------- sent


@require_GET
@login_required
def request_sent(request, arrangement_id: int):
    ar = _own_request(request, arrangement_id)
    if ar.status in EDITABLE_STATUSES:
        return redirect("schedules-request-step", ar.id, "check")
    days = selectors.arrangement_days(arrangement_request=ar)
    return _render_step(
        request,
        "sent",
        ar,
        {
            "first_day": ar.first_date,
            "day_count": sum(1 for d in days if d["state"] != "skipped"),
            "recommender": ar.recommender,
            "decider": ar.decider,
            "escalated_to": ar.escalated_to,
        },
    )


# ---------------------------------------------------------------------------- the live rule check


@require_POST
@login_required
def request_rule_check(request):
    """The days step's live check (static/js/schedules-form.js): the rule check of the posted days with
    the rest of the draft (or the "where" of a new request), as the HTML the step shows. Nothing is
    written; rules of the later steps are left for the check step."""
    employee = _employee(request)
    ar = None
    draft_id = request.POST.get("arrangement", "")
    if draft_id.isdigit():
        ar = _own_request(request, int(draft_id))
        employee = ar.employee
        body = _draft_body(ar)
    else:
        where = forms.WhereForm(request.POST, employee=employee)
        if not where.is_valid():
            return _fragment(request, errors=[str(e) for errors in where.errors.values() for e in errors])
        body = {**where.body(), "reason": "", "work_plan": []}
    dates = sorted({datetime.date.fromisoformat(v) for v in request.POST.getlist("dates") if _is_iso(v)})
    if not dates:
        return _fragment(request, empty=True)
    if len(dates) > forms.MAX_EXPLICIT_DATES:
        return _fragment(request, errors=[str(forms.ERR_TOO_MANY_DATES) % {"count": forms.MAX_EXPLICIT_DATES}])
    try:
        data = build_input(user=request.user, employee=employee, data={**body, "dates": dates}, arrangement_request=ar)
        result = services.arrangement_request_check(employee=employee, data=data)
    except ApplicationError as exc:
        messages_ = [str(m) for values in (exc.fields or {}).values() for m in values] or [str(exc.message)]
        return _fragment(request, errors=messages_)
    violations = [v for v in result.as_list() if v["code"] not in LATER_STEP_RULES]
    return _fragment(request, violations=violations, quota=result.quota, chosen=len(dates))


def _fragment(request, *, violations=None, quota=None, errors=None, empty=False, chosen=0) -> HttpResponse:
    violations = violations or []
    summary = {
        "chosen": chosen,
        "hard": sum(1 for v in violations if v["severity"] == "hard"),
        "soft": sum(1 for v in violations if v["severity"] == "soft"),
    }
    return render(
        request,
        "schedules/_rule_check.html",
        {
            "violations": violations,
            "errors": errors or [],
            "empty": empty,
            "live": True,
            "summary": summary,
            **quota_context(quota),
        },
    )
