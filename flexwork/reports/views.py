"""Report and dashboard pages. They call the same services and selectors as the API."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.labels import label
from flexwork.common.tabular import RowsInvalid
from flexwork.org import scope as org_scope
from flexwork.reports import baselines, charts, dashboards, selectors, services
from flexwork.reports.forms import BaselineUploadForm, DashboardFilterForm, ReportRequestForm
from flexwork.reports.kinds import KINDS, READER_ROLES
from flexwork.reports.models import ReportKind, RunStatus

HISTORY_LIMIT = 50

# Why a finished report has no rows (docs/rules.md §6): said on the page instead of empty downloads.
EMPTY_REASONS = {
    ReportKind.DISCIPLINE: gettext_lazy(
        "No rows: nobody in this unit and its sub-units has a day absent without reason (TK) or converted "
        "lateness in this year so far."
    ),
    ReportKind.PERFORMANCE: gettext_lazy(
        "No rows: no submitted SKP of this unit and its sub-units has a target in this period."
    ),
    ReportKind.FWA_MONITORING: gettext_lazy(
        "No rows: neither this unit nor the agency has a flexible work start date, so there is nothing to compare."
    ),
    "*": gettext_lazy(
        "No rows: this unit and its sub-units have no active employees and no attendance in this period."
    ),
}
BASELINE_LIMIT = 500


def _last_month(scope: org_scope.UserScope) -> str:
    first = today_in(scope.office_time_zone).replace(day=1)
    previous = first - datetime.timedelta(days=1)
    return f"{previous:%Y-%m}"


@require_http_methods(["GET", "POST"])
@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    if not scope.roles & READER_ROLES:
        raise PermissionDenied(_("Your role does not allow reports."))
    units = list(dashboards.dashboard_units_for(scope))
    status = 200
    if request.method == "POST":
        form = ReportRequestForm(request.POST, units=units)
        if form.is_valid():
            data = form.cleaned_data
            parameters = (
                {"months": data["months"]} if data["kind"] == ReportKind.FWA_MONITORING and data["months"] else {}
            )
            try:
                run, created = services.report_run_request(
                    user=request.user,
                    kind=data["kind"],
                    period=data["period"],
                    unit_id=data["unit"],
                    parameters=parameters,
                    refresh=data["refresh"],
                )
            except ApplicationError as error:
                form_error_show(form, error)
            else:
                if not created:
                    messages.info(request, _("This report was already asked for: here is the existing run."))
                return redirect("reports-detail", run_id=run.id)
        status = 400
    else:
        form = ReportRequestForm(
            units=units,
            initial={
                "kind": ReportKind.COMPLIANCE,
                "period": _last_month(scope),
                "unit": units[0].id if units else None,
            },
        )
    runs = selectors.report_run_list_for(user=scope)[:HISTORY_LIMIT]
    context = {"form": form, "runs": runs, "may_import_baselines": org_scope.HR_ADMIN in scope.roles}
    return render(request, "reports/list.html", context, status=status)


@require_GET
@login_required
def report_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.report_run_get_for(user=request.user, run_id=run_id)
    changed_at = selectors.source_changed_at(run=run)
    summary = run.summary or {}
    exceptions = summary.get("exceptions", [])
    columns = summary.get("exception_columns", [])
    spec = KINDS[run.kind]
    numeric = [c not in spec.text_columns for c in columns]
    exceptions = [
        [services.display(spec.value_label(c, v), numeric=n) for c, v, n in zip(columns, row, numeric, strict=True)]
        for row in exceptions
    ]
    count_label = _("Employees") if spec.employee_rows else _("Rows")
    unit_columns = summary.get("unit_columns", [])
    unit_numeric = [c == "n" or c not in spec.text_columns for c in unit_columns]
    units = [
        [services.display(v, numeric=n) for v, n in zip(row, unit_numeric, strict=True)]
        for row in summary.get("units", [])
    ]
    context = {
        "run": run,
        "changed_at": changed_at,
        "finished": run.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.SUPERSEDED),
        "unit_columns": [count_label if c == "n" else spec.column_label(c) for c in unit_columns],
        "units": units,
        "exception_columns": [spec.column_label(c) for c in columns],
        "exceptions": exceptions,
        "exception_total": summary.get("exception_total", 0),
        "refresh_period": _period_text(run),
        "empty": run.status == RunStatus.DONE and not run.row_count,
        "empty_reason": EMPTY_REASONS.get(run.kind, EMPTY_REASONS["*"]),
        "error_text": _(run.error) if run.error in services.ERROR_MESSAGES else _("The report could not be made."),
        "others": selectors.report_run_successors(run=run),
    }
    return render(request, "reports/detail.html", context)


def _period_text(run) -> str:
    if KINDS[run.kind].year_to_date:
        return f"{run.period_end:%Y-%m}"
    if run.period_start.month == run.period_end.month and run.period_start.year == run.period_end.year:
        return f"{run.period_start:%Y-%m}"
    if run.period_start.month == 1 and run.period_end.month == 12:
        return f"{run.period_start:%Y}"
    months = run.period_end.month - run.period_start.month + 1
    if months == 3:
        return f"{run.period_start:%Y}-Q{run.period_end.month // 3}"
    return f"{run.period_start:%Y}-S{run.period_end.month // 6}"


@require_GET
@login_required
def dashboard_hr(request: HttpRequest) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    if not scope.roles & dashboards.DASHBOARD_ROLES:
        raise PermissionDenied(_("Your role does not allow this dashboard."))
    units = list(dashboards.dashboard_units_for(scope))
    form = DashboardFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    data, error = None, None
    try:
        data = dashboards.hr_dashboard(
            user=scope,
            unit_id=filters.get("unit") or None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
    except ApplicationError as exc:
        error = exc.message
    context = {"form": form, "data": data, "error": error}
    if data:
        context["charts"] = {
            "today": charts.hbars([(c["label"], c["checked_in"] + c["not_yet"]) for c in data["today_by_location"]]),
            "coverage": charts.hbars([(c["name"], c["present_pct"] or 0) for c in data["coverage"]], suffix="%"),
            "trends": charts.columns(
                [(t["week"].split("-W")[1], t["attendance_pct"] or 0) for t in data["trends"]], suffix="%"
            ),
            "compliance": charts.hbars([(c["name"], c["hours_pct"] or 0) for c in data["compliance"]], suffix="%"),
            "predikat": charts.hbars([(p["label"], p["count"]) for p in data["predikat"]["rows"]]),
            "output": charts.hbars([(label(o["location"], "location"), o["hours"]) for o in data["output"]]),
        }
    return render(request, "dashboards/hr.html", context, status=400 if error else 200)


@require_GET
@login_required
def dashboard_supervisor(request: HttpRequest) -> HttpResponse:
    data = dashboards.supervisor_dashboard(user=request.user)
    return render(request, "dashboards/supervisor.html", {"data": data})


def _require_hr(request: HttpRequest) -> None:
    try:
        baselines.require_hr(request.user)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error


@require_http_methods(["GET", "POST"])
@login_required
def baseline_import(request: HttpRequest) -> HttpResponse:
    """HR imports the "before" figures of FWA monitoring (docs/rules.md §6) from a CSV file."""
    _require_hr(request)
    status = 200
    row_errors: list[dict] = []
    if request.method == "POST":
        form = BaselineUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = baselines.baselines_import_csv(user=request.user, data=upload.read(), name=upload.name or "")
            except RowsInvalid as error:
                form.add_error(None, error.message)
                row_errors = [row_error.as_dict() for row_error in error.errors]
            except ApplicationError as error:
                form_error_show(form, error)
            else:
                messages.success(
                    request,
                    _("Baselines imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                )
                return redirect("reports-baselines")
        status = 400
    else:
        form = BaselineUploadForm()
    context = {
        "form": form,
        "row_errors": row_errors,
        "baselines": baselines.baseline_list_for(user=request.user)[:BASELINE_LIMIT],
        "headers": baselines.TEMPLATE_HEADERS,
        "columns": baselines.COLUMNS,
    }
    return render(request, "reports/baselines.html", context, status=status)


@require_GET
@login_required
def baseline_template(request: HttpRequest) -> HttpResponse:
    _require_hr(request)
    response = HttpResponse(baselines.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fwa-baseline-template.csv"'
    return response
