"""Attendance pages (phone first): check-in, my month, my positions, my daily log, my requests
(and those I decide), team today, logs to verify, HR exceptions and the leave import. Each view:
scope (404 outside) → role (403) → the same services as the API → template."""

from __future__ import annotations

import calendar
import datetime
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from attendance import forms, requests, selectors, services
from attendance.models import AttendanceCorrection, CheckKind, DayLocation, DayStatus, LeaveKind, LeaveRequest
from attendance.status import week_summary
from attendance.today import day_plan, duty_today
from flexwork.common import nav
from flexwork.common.calendar import office_today
from flexwork.common.dates import date_param_message, date_parse, month_parse
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.services import evidence_upload
from flexwork.common.tabular import RowsInvalid
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from leave import family as leave_family
from leave import rules as leave_rules

PER_PAGE = 50
VERIFIED_SHOWN_DAYS = 14  # the verify page keeps a fortnight of verdicts in view below the queue


def _me(request: HttpRequest) -> Employee:
    scope = org_scope.require_agency(request.user)
    return Employee.objects.select_related("unit", "agency", "supervisor").get(id=scope.employee_id)


CHECK_RESULT_ANCHOR = "check-result"


def _check_context(request: HttpRequest, employee: Employee, *, now=None) -> dict:
    """Today as the check page shows it (docs/rules.md §4): where (the fence), which hours, what is
    recorded, and the one next step (check in → check out → done)."""
    from flexwork.onboarding.selectors import home_location_summary

    now = now or timezone.now()
    today = office_today(employee, now=now)
    duty_day = duty_today(employee=employee, now=now)
    if duty_day is not None:
        # docs/rules.md §8: the page follows the duty at hand (its date, its place), not the office date.
        today = duty_day.local_date
    fence = services.fence_for(employee=employee, local_date=today)
    if duty_day is not None and duty_day.window is not None and fence.location != DayLocation.OFFICIAL_DUTY:
        unit = employee.unit
        fence = services.fence_for_duty(
            duty=duty_day.window,
            home=(employee.home_latitude, employee.home_longitude),
            office=(unit.name, unit.office_latitude, unit.office_longitude, unit.office_radius_m),
        )
    plan = day_plan(employee=employee, local_date=today)
    events = {e.kind: e for e in selectors.my_events(user=request.user, date_from=today, date_to=today)}
    check_in, check_out = events.get(CheckKind.IN), events.get(CheckKind.OUT)
    if check_in is None and check_out is None:
        state = "in"
    elif check_out is None:
        state = "out"
    else:
        state = "done"
    recorded = {"in": check_in, "out": check_out}.get(request.GET.get("recorded", ""))
    home = home_location_summary(employee=employee) if fence.location == DayLocation.HOME else None
    return {
        "employee": employee,
        "today": today,
        "fence": fence,
        "plan": plan,
        "location_label": DayLocation(fence.location).label,
        "check_in": check_in,
        "check_out": check_out,
        "state": state,
        "recorded": recorded,
        "home": home,
        "token": uuid.uuid4(),
        "duty_day": duty_day,
    }


@login_required
@require_http_methods(["GET", "POST"])
def check_page(request: HttpRequest) -> HttpResponse:
    """One screen for the thumb. The form posts here (the script adds the position), the answer
    redirects back to the recorded result (PRG), so it works the same with or without the script.
    A check-out before the scheduled end is not written until the person confirms it
    (`confirm_early`): the server refuses it first with the band it would record."""
    employee = _me(request)
    if request.method == "GET":
        return render(request, "attendance/check.html", _check_context(request, employee))
    form = forms.CheckForm(request.POST)
    if not form.is_valid():
        context = _check_context(request, employee)
        context["check_error"] = _(
            "Your position could not be read, so nothing was recorded. Allow this page to use your location "
            "(it needs JavaScript), then try again."
        )
        return render(request, "attendance/check.html", context, status=400)
    data = form.cleaned_data
    kind = data["kind"]
    now = timezone.now()
    if kind == CheckKind.OUT and not data["confirm_early"]:
        duty_day = duty_today(employee=employee, now=now)
        if duty_day is not None:
            early = duty_day.early_leave(now)
        else:
            early = day_plan(employee=employee, local_date=office_today(employee, now=now)).early_leave(now)
        if early is not None:
            context = _check_context(request, employee, now=now)
            context.update(early=early, early_form=data)
            return render(request, "attendance/check.html", context, status=400)
    done = redirect(f"{reverse('attendance-check')}?recorded={kind.lower()}#{CHECK_RESULT_ANCHOR}")
    try:
        claimed = services.idempotency_claim(user=request.user, key=data["token"], endpoint=f"page-{kind}", now=now)
    except ApplicationError:
        return done  # the same tap is still being written, or the token served another check: nothing new
    if isinstance(claimed, services.StoredResponse):
        return done  # a double tap: the first one is the record
    try:
        outcome = services.attendance_check(
            user=request.user,
            kind=kind,
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy_m=data["accuracy"],
            ip=request.META.get("REMOTE_ADDR"),
            now=now,
        )
    except ApplicationError as error:  # unpaid leave: nothing to check (docs/rules.md §9 "CLTN")
        context = _check_context(request, employee, now=now)
        context["check_error"] = error.message
        return render(request, "attendance/check.html", context, status=400)
    services.idempotency_store(key_id=claimed, status_code=302, body={"id": outcome.id, "kind": str(kind)})
    return done


def _month_bounds(value: str | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month_parse(value) or today.replace(day=1)  # docs/rules.md §1 "Accepted dates"
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@login_required
def month_page(request: HttpRequest) -> HttpResponse:
    employee = _me(request)
    today = office_today(employee)
    first, last = _month_bounds(request.GET.get("month"), today)
    if request.GET.get("month") and month_parse(request.GET["month"]) is None:
        messages.warning(request, date_param_message())
    statuses = list(
        DayStatus.objects.filter(employee_id=employee.id, local_date__range=(first, last)).order_by("local_date")
    )
    previous = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
    following = (last + datetime.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "attendance/month.html",
        {
            "statuses": statuses,
            "first": first,
            "previous": previous,
            "following": following,
            "week": week_summary(employee=employee, day=today),
            "worked_total": sum(s.worked_minutes for s in statuses),
            "required_total": sum(s.required_minutes for s in statuses),
        },
    )


@login_required
def positions_page(request: HttpRequest) -> HttpResponse:
    """UU PDP: every position stored about the person, attempt by attempt."""
    employee = _me(request)
    today = office_today(employee)
    events = selectors.my_events(user=request.user, date_from=today - datetime.timedelta(days=3660), date_to=today)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "attendance/positions.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def log_page(request: HttpRequest) -> HttpResponse:
    employee = _me(request)
    today = office_today(employee)
    from performance.selectors import indicator_choices_for

    day = today
    if request.method == "POST":
        day = date_parse(request.POST.get("local_date")) or today
    form = forms.WorkLogForm(
        request.POST or None,
        request.FILES or None,
        initial={"local_date": today},
        indicator_choices=indicator_choices_for(employee=employee, on_date=day),
    )
    once = request.POST.get("once", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        if not _once_claim(request.user, once):
            # A second tap on "Save entry" (or a resent form): the first one is saved or being saved.
            messages.info(request, _("This entry was sent twice; it is saved once."))
            return redirect("attendance-log")
        data = form.cleaned_data
        try:
            evidence_ids = []
            if data.get("evidence"):
                evidence_ids = [evidence_upload(user=request.user, uploaded_file=data["evidence"]).id]
            services.worklog_create(
                user=request.user,
                local_date=data["local_date"],
                description=data["description"],
                quantity=data["quantity"],
                unit_of_measure=data["unit_of_measure"],
                minutes_spent=data["minutes_spent"],
                link=data["link"],
                indicator_id=data["indicator"],
                evidence_ids=evidence_ids,
            )
        except ApplicationError as error:
            _once_release(request.user, once)
            form_error_show(form, error)
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect("attendance-log")
    entries = _with_evidence(
        selectors.worklog_list_for(
            user=request.user, filters={"mine": True, "date_from": today - datetime.timedelta(days=31)}
        )[:200]
    )
    return render(request, "attendance/log.html", {"form": form, "entries": entries, "once": once or uuid.uuid4().hex})


ONCE_KEEP_SECONDS = 3600


def _once_key(user, token: str) -> str:
    return f"attendance:log-form:{user.pk}:{token}"


def _once_claim(user, token: str) -> bool:
    """Whether this rendering of the log form is sent for the first time (the token is claimed
    atomically in the cache, so two taps racing each other get one True). A form without a token
    (a script, an old page) is always accepted."""
    if not token or len(token) > 64 or not token.isalnum() or not token.isascii():
        return True
    return bool(cache.add(_once_key(user, token), 1, ONCE_KEEP_SECONDS))


def _once_release(user, token: str) -> None:
    """The service refused the entry: the same form may be sent again once corrected."""
    if token and len(token) <= 64 and token.isalnum() and token.isascii():
        cache.delete(_once_key(user, token))


def _with_evidence(entries) -> list:
    """The entries, each with its attached files as `evidence_files` (one query for all of them)."""
    from flexwork.common.selectors import evidence_by_owner

    entries = list(entries)
    files = evidence_by_owner(owners=entries)
    for entry in entries:
        entry.evidence_files = files[entry.pk]
    return entries


@login_required
@require_http_methods(["GET", "POST"])
def requests_page(request: HttpRequest) -> HttpResponse:
    """My leave and corrections, with the forms to ask; and the requests waiting for my decision."""
    employee = _me(request)
    is_leave = request.POST.get("form") == "leave"
    leave_form = forms.LeaveForm(
        request.POST if is_leave else None,
        request.FILES if is_leave else None,
        prefix="leave",
        kinds=leave_rules.kinds_for(employee),
        family_ct=leave_family.offered(employee),
    )
    correction_form = forms.CorrectionForm(
        request.POST if request.POST.get("form") == "correction" else None,
        prefix="correction",
        initial={"local_date": request.GET.get("date"), "kind": request.GET.get("kind")},
    )
    leave_preview = None
    if request.method == "POST":
        form = leave_form if is_leave else correction_form
        if form is leave_form and request.POST.get("preview"):
            # Without the script: "Show my balance" answers the before/after of the dates, writing nothing.
            if form.is_valid():
                leave_preview = _leave_preview(employee, form.cleaned_data)
            return _requests_render(request, leave_form=leave_form, leave_preview=leave_preview, preview_asked=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is leave_form:
                    evidence_ids = []
                    if data.get("evidence"):
                        evidence_ids = [evidence_upload(user=request.user, uploaded_file=data["evidence"]).id]
                    requests.leave_request_create(
                        user=request.user,
                        kind=data["kind"],
                        date_from=data["date_from"],
                        date_to=data["date_to"],
                        reason=data["reason"],
                        sub_reason=data.get("sub_reason", ""),
                        abroad=data.get("abroad", False),
                        evidence_ids=evidence_ids,
                    )
                else:
                    requests.correction_create(
                        user=request.user,
                        local_date=data["local_date"],
                        kind=data["kind"],
                        corrected_time=data["corrected_time"],
                        reason=data["reason"],
                    )
            except ApplicationError as error:
                if form is leave_form:
                    leave_preview = _leave_preview(employee, data)
                form_error_show(form, error)
            else:
                messages.success(request, _("Your request was sent for approval."))
                return redirect("attendance-requests")
    return _requests_render(
        request, leave_form=leave_form, correction_form=correction_form, leave_preview=leave_preview
    )


def _leave_preview(employee: Employee, data: dict) -> dict | None:
    """The balance before and after the chosen dates (docs/rules.md §9 "Counting"), for annual leave."""
    from leave.views import preview_rows

    return preview_rows(
        employee=employee,
        kind=data["kind"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        sub_reason=data.get("sub_reason") or "",
    )


def _requests_render(
    request: HttpRequest,
    *,
    leave_form=None,
    correction_form=None,
    kept=None,
    status=200,
    leave_preview=None,
    preview_asked=False,
):
    """The requests page; `kept` is (kind, id, note, message, override reason) of a refused decision,
    shown again on its row. Each waiting leave shows its soft warnings as they stand now."""
    queue = {
        "leave": list(
            selectors.leave_list_for(user=request.user, filters={"queue": True}).select_related(
                "employee__unit", "employee__agency"
            )[:100]
        ),
        "correction": list(selectors.correction_list_for(user=request.user, filters={"queue": True})[:100]),
    }
    _leave_warnings_attach(queue["leave"])
    if kept is not None:
        kind, obj_id, note, message, reason = kept
        for item in queue.get(kind, []):
            if item.id == obj_id:
                item.kept_note, item.refusal, item.kept_reason = note, message, reason
    return render(
        request,
        "attendance/requests.html",
        {
            "leave_form": leave_form
            or forms.LeaveForm(
                prefix="leave", kinds=leave_rules.kinds_for(_me(request)), family_ct=leave_family.offered(_me(request))
            ),
            "correction_form": correction_form or forms.CorrectionForm(prefix="correction"),
            "my_leaves": selectors.leave_list_for(user=request.user, filters={"mine": True})[:50],
            "my_corrections": selectors.correction_list_for(user=request.user, filters={"mine": True})[:50],
            "queue_leaves": queue["leave"],
            "queue_corrections": queue["correction"],
            "leave_preview": leave_preview,
            "preview_asked": preview_asked,
        },
        status=status,
    )


def _leave_warnings(leave: LeaveRequest) -> list[dict]:
    """docs/rules.md §9 "Coverage": the soft warnings of a waiting leave as they stand now (a colleague
    approved away since the submission counts), the ones the decider approves over with a reason.
    These are the soft part of `requests.leave_check(leave, lead_time=False)` (the decision itself runs
    the whole check under its lock)."""
    return _leave_warnings_many([leave])[0]


def _leave_warnings_many(leaves: list[LeaveRequest]) -> list[list[dict]]:
    """The coverage warnings of many waiting leaves in one pass (leave.rules.coverage_warnings_many):
    the queue's number of queries does not grow with its rows."""
    asked = [leave for leave in leaves if leave.kind != LeaveKind.IZIN]
    found = iter(
        leave_rules.coverage_warnings_many([(leave.employee, leave.date_from, leave.date_to) for leave in asked])
    )
    return [
        [] if leave.kind == LeaveKind.IZIN else [v for v in next(found) if v["severity"] == leave_rules.SOFT]
        for leave in leaves
    ]


def _leave_warnings_attach(leaves: list[LeaveRequest]) -> None:
    """Each waiting leave with `warnings`, the whole page checked in one pass."""
    for leave, warnings in zip(leaves, _leave_warnings_many(leaves), strict=True):
        leave.checked = True
        leave.warnings = warnings


@login_required
@require_POST
def request_decide(request: HttpRequest, kind: str, request_id: int) -> HttpResponse:
    if kind == "leave":
        obj: LeaveRequest | AttendanceCorrection = selectors.leave_get_for(user=request.user, leave_id=request_id)
    else:
        obj = selectors.correction_get_for(user=request.user, correction_id=request_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("attendance-requests")
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    reason = request.POST.get("override_reason", "").strip()[:2000]
    try:
        if (
            kind == "leave"
            and action == "approve"
            and not reason
            and action in requests.allowed_actions(obj=obj, user=request.user)
        ):
            # docs/rules.md §9 "Coverage": on the page the reason has its own field, so a warning
            # present now is not approved over on the strength of the note alone.
            if _leave_warnings(obj):
                raise ApplicationError(
                    str(requests.ERR_OVERRIDE_REQUIRED), code="override_reason_required", status_code=400
                )
        requests.request_act(obj=obj, action=action, actor=request.user, note=note, override_reason=reason)
    except ApplicationError as error:
        # 409 `stale_transition` (a double click, another approver first) and 400 refusals: the page
        # again with the message and, on the row still waiting, the note and the reason typed;
        # nothing was written. Not an actor of the request stays a 403, as in the API.
        messages.error(request, error.message)
        kept = (kind, obj.id, note, str(error.message), reason)
        return _requests_render(request, kept=kept, status=error.status_code)
    messages.success(request, _("Done."))
    return redirect("attendance-requests")


@login_required
@require_POST
def requests_bulk_decide(request: HttpRequest) -> HttpResponse:
    """Recommend or approve the ticked leave and correction requests, each at its step, with one
    note (docs/rules.md §3 "Deciding"). One decided meanwhile (a repeated submit) is a 409 for it and
    nothing is written twice; a submit that changed nothing at all answers 409 with a calm message."""
    org_scope.require_agency(request.user)
    wanted: dict[str, list[int]] = {"leave": [], "correction": []}
    for value in request.POST.getlist("ids")[:200]:
        kind, _sep, pk = value.partition("-")
        if kind in wanted and pk.isdigit():
            wanted[kind].append(int(pk))
    note = request.POST.get("note", "")[:2000]
    waiting = list(selectors.leave_list_for(user=request.user, filters={"queue": True}).filter(id__in=wanted["leave"]))
    waiting += list(
        selectors.correction_list_for(user=request.user, filters={"queue": True}).filter(id__in=wanted["correction"])
    )
    done, left = 0, []
    stale = len(wanted["leave"]) + len(wanted["correction"]) - len(waiting)
    for obj in waiting:
        action = "recommend" if obj.step == "RECOMMEND" else "approve"
        if action == "approve" and isinstance(obj, LeaveRequest) and _leave_warnings(obj):
            # Each leave is checked after the ones approved before it in this submit (they count now).
            # docs/rules.md §9 "Coverage": the one note of a bulk approval is no reason to approve over a warning.
            left.append(f"{obj.employee.name}: {_('Decide this one on its own: it has a warning.')}")
            continue
        try:
            requests.request_act(obj=obj, action=action, actor=request.user, note=note)
        except ApplicationError as error:
            if error.code == "stale_transition":
                stale += 1
            else:
                left.append(f"{obj.employee.name}: {error.message}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d request decided.", "%(count)d requests decided.", done) % {"count": done},
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
    if stale and not done and not left:
        return _requests_render(request, status=409)
    return redirect("attendance-requests")


@login_required
def team_page(request: HttpRequest) -> HttpResponse:
    scope = nav.require_page(request.user, "attendance-team")
    employee = _me(request)
    today = office_today(employee)
    # A page of the team (schedules/windows.py): a unit head of a large unit sees 50 people at a time.
    from schedules import windows

    count = selectors.team_members_for(user=scope).count()
    number = min(windows.page_number(request), windows.last_page(count))
    window = windows.window_for(request, count=count, number=number)
    rows = selectors.team_today_for(user=scope, local_date=today, offset=window.offset, limit=window.size)
    return render(request, "attendance/team.html", {"rows": rows, "today": today, "window": window})


@login_required
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    scope = nav.require_page(request.user, "attendance-verify")
    if request.method == "POST":
        entry = selectors.worklog_get_for(user=request.user, worklog_id=int(request.POST.get("entry", 0) or 0))
        form = forms.VerifyForm(request.POST)
        if form.is_valid():
            services.worklog_verify(
                entry=entry,
                user=request.user,
                verification=form.cleaned_data["verification"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Verdict saved."))
        else:
            messages.error(request, _("Choose a verdict."))
        return redirect("attendance-verify")
    entries = list(selectors.worklog_list_for(user=scope, filters={"to_verify": True})[:200])
    since = office_today(_me(request)) - datetime.timedelta(days=VERIFIED_SHOWN_DAYS)
    verified = list(selectors.worklog_list_for(user=scope, filters={"verified": True, "date_from": since})[:50])
    _with_evidence(entries + verified)
    return render(
        request,
        "attendance/verify.html",
        {"entries": entries, "verified": verified, "form": forms.VerifyForm(), "verified_days": VERIFIED_SHOWN_DAYS},
    )


@login_required
def exceptions_page(request: HttpRequest) -> HttpResponse:
    # Supervisors and unit heads watch their own people's lateness and missing logs; the rows and
    # the unit filter stay within their reach (docs/rules.md §7).
    scope = nav.require_page(request.user, "attendance-exceptions")
    units = org_scope.visible_units(scope).order_by("path")
    form = forms.ExceptionFilterForm(request.GET or None, units=units)
    filters: dict = {"exceptions": True}
    if form.is_valid():
        data = form.cleaned_data
        filters.update({k: data[k] for k in ("date_from", "date_to", "unit") if data.get(k)})
        kind = data.get("kind")
        if kind == "flagged":
            filters["flagged"] = True
        elif kind == "TK":
            filters["absence"] = "TK"
        qs = selectors.day_status_list_for(user=scope, filters=filters)
        if kind == "late":
            qs = qs.filter(arrival__in=["TL1", "TL2", "TL3", "TL4", "HKD"])
        elif kind == "early":
            qs = qs.filter(departure__in=["PSW1", "PSW2", "PSW3", "PSW4", "HKP"])
        elif kind == "missing_log":
            qs = qs.filter(missing_log=True)
    else:
        qs = selectors.day_status_list_for(user=scope, filters=filters)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "attendance/exceptions.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def leave_import_page(request: HttpRequest) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    form = forms.LeaveImportForm(request.POST or None, request.FILES or None)
    errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = requests.leave_import_csv(user=request.user, content=upload.read(), name=upload.name or "")
        except RowsInvalid as error:
            errors = [row_error.as_dict() for row_error in error.errors]
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(request, _("%(count)s leave records imported.") % {"count": created})
            return redirect("attendance-leave-import")
    context = {"form": form, "errors": errors, "columns": requests.IMPORT_COLUMNS, "kinds": LeaveKind.choices}
    return render(request, "attendance/leave_import.html", context)
