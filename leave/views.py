"""Leave balance pages (docs/rules.md §9 "Buckets"): my balance and its ledger ("Riwayat saldo"), the
before/after preview of a leave request (the live check of the leave form), HR's balances per unit with
corrections and the opening-balance import, and the printable leave form. Each view: scope (404
outside) → role (403) → the same services as the API → template."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attendance.models import LeaveKind
from flexwork.common.calendar import office_today
from flexwork.common.dates import date_parse
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from leave import corrections, forms
from leave.models import DEBIT_ORDER, Bucket, LeaveBalance, LeaveBalanceEntry
from leave.selectors import balance_for, balances_for

PER_PAGE = 50
LEDGER_MAX = 300
IMPORT_KEEP_SECONDS = 3600
ONCE_KEEP_SECONDS = 3600
# The kinds whose request shows the balance before and after (only annual leave has a balance).
BALANCE_KINDS = frozenset({LeaveKind.CT})
# The kinds the official leave form (formulir permintaan dan pemberian cuti) is printed for.
FORM_KINDS = frozenset(
    {LeaveKind.CT, LeaveKind.CB, LeaveKind.CS, LeaveKind.CM, LeaveKind.CAP, LeaveKind.CLTN, LeaveKind.SAKIT}
)


def _me(request: HttpRequest) -> Employee:
    scope = org_scope.require_agency(request.user)
    return Employee.objects.select_related("unit", "agency").get(id=scope.employee_id)


def _year(value, default: int) -> int:
    form = forms.YearForm({"year": value})
    if value and form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return default


# ---------------------------------------------------------------------------- the preview


def preview_rows(*, employee: Employee, kind: str, date_from, date_to, sub_reason: str = "") -> dict | None:
    """The before/after of a request as the official form prints it, per year and bucket (N-2, N-1, N,
    then the days deferred to the year, when there are any): {"days", "short", "years": [{"year", "days",
    "short", "lines": [{"bucket", "label", "before", "taken", "after"}]}]}; None for a kind without a
    balance or dates that do not make a request (`leave.services.preview`, which writes nothing). A
    PPPK's family days (docs/rules.md §9 "Family days") take no balance: {"days", "family": True}."""
    if kind not in BALANCE_KINDS or not date_from or not date_to or date_to < date_from:
        return None
    if (date_to - date_from).days > 366:
        return None
    from leave import family
    from leave import services as leave_services

    if family.is_family_ct(employee, kind, sub_reason or "", date_from):
        days = len(leave_services.counted_dates(employee=employee, date_from=date_from, date_to=date_to))
        return {"days": days, "family": True, "short": 0, "years": []}

    preview = leave_services.preview(employee=employee, kind=kind, date_from=date_from, date_to=date_to)
    years = []
    for part in preview.years:
        lines = []
        for line in sorted(part.lines, key=lambda line: FORM_ORDER.index(line.bucket)):
            if line.bucket == Bucket.DEFERRED and not (line.before or line.taken):
                continue  # no deferred days: the official form has no such row
            lines.append({"bucket": line.bucket, "label": FORM_LABELS[line.bucket], "before": line.before,
                          "taken": line.taken, "after": line.after})  # fmt: skip
        years.append({"year": part.year, "days": part.days, "short": part.short, "lines": lines})
    return {"days": preview.days, "short": preview.short, "years": years}


# The official form's rows: N-2, N-1, N (and, where there are any, the days deferred to this year).
FORM_ORDER = (Bucket.N2, Bucket.N1, Bucket.N, Bucket.DEFERRED)
FORM_LABELS = {Bucket.N2: "N-2", Bucket.N1: "N-1", Bucket.N: "N", Bucket.DEFERRED: gettext_lazy("Deferred")}


@login_required
@require_http_methods(["GET", "POST"])
def preview_fragment(request: HttpRequest) -> HttpResponse:
    """The leave form's live check (static/js/leave-form.js): the balance before and after the chosen
    dates, as HTML. Writes nothing. Reads the leave form's own fields (prefix `leave-`)."""
    employee = _me(request)
    data = request.POST if request.method == "POST" else request.GET
    kind, sub_reason = data.get("leave-kind", ""), data.get("leave-sub_reason", "")[:32]
    date_from, date_to = date_parse(data.get("leave-date_from")), date_parse(data.get("leave-date_to"))
    context = {"preview": None, "kind": kind, "empty": False, "error": ""}
    if kind in BALANCE_KINDS:
        if not date_from or not date_to:
            context["empty"] = True
        elif date_to < date_from:
            context["error"] = _("The end date is before the start date.")
        else:
            context["preview"] = preview_rows(
                employee=employee, kind=kind, date_from=date_from, date_to=date_to, sub_reason=sub_reason
            )
    return render(request, "leave/_preview.html", context)


# ---------------------------------------------------------------------------- my balance


@login_required
@require_GET
def balance_page(request: HttpRequest) -> HttpResponse:
    """My annual leave of a year, bucket by bucket, and every change to it ("Riwayat saldo")."""
    employee = _me(request)
    this_year = office_today(employee).year
    year = _year(request.GET.get("year"), this_year)
    balance = balance_for(employee_id=employee.id, year=year)
    entries = list(
        LeaveBalanceEntry.objects.filter(balance__employee_id=employee.id, balance__year=year)
        .select_related("balance", "leave_request", "created_by__employee")
        .order_by("-created_at", "-id")[:LEDGER_MAX]
    )
    years = sorted(
        set(LeaveBalance.objects.filter(employee_id=employee.id).values_list("year", flat=True)) | {this_year, year},
        reverse=True,
    )
    return render(
        request,
        "leave/balance.html",
        {"balance": balance, "year": year, "years": years, "entries": entries, "employee": employee},
    )


# ---------------------------------------------------------------------------- HR


def _hr(request: HttpRequest) -> org_scope.UserScope:
    scope = org_scope.require_agency(request.user)
    return org_scope.require_role(scope, org_scope.HR_ADMIN)


def _hr_context(request: HttpRequest, scope: org_scope.UserScope, *, query=None, failed=None) -> dict:
    """The balance page of one unit (its subtree) and year: a page of employees × buckets and the
    unit's totals. `failed` is (employee id, bound CorrectionForm) of a refused correction."""
    query = query if query is not None else request.GET
    units = list(org_scope.visible_units(scope).order_by("path").only("id", "name", "path"))
    form = forms.BalanceFilterForm(query or None, units=units)
    me = Employee.objects.select_related("unit", "agency").get(id=scope.employee_id)
    year, unit = office_today(me).year, None
    if form.is_valid():
        year = form.cleaned_data["year"] or year
        if form.cleaned_data["unit"]:
            unit = next((u for u in units if u.id == form.cleaned_data["unit"]), None)
    people = Employee.objects.filter(agency_id=scope.agency_id, is_active=True)
    if unit is not None:
        people = people.filter(unit__path__contains=[unit.id])
    page = Paginator(people.select_related("unit").order_by("name", "id"), PER_PAGE).get_page(query.get("page"))
    balances = balances_for(employee_ids=[e.id for e in page.object_list], year=year)
    sums = {
        row["bucket"]: row
        for row in LeaveBalance.objects.filter(employee__in=people, year=year)
        .values("bucket")
        .annotate(granted=Sum("granted"), held=Sum("held"), used=Sum("used"))
    }
    totals = []
    for bucket in DEBIT_ORDER:
        row = sums.get(bucket, {"granted": 0, "held": 0, "used": 0})
        totals.append(
            {"bucket": bucket, "granted": row["granted"], "held": row["held"], "used": row["used"],
             "available": row["granted"] - row["held"] - row["used"]}
        )  # fmt: skip
    rows = []
    for employee in page.object_list:
        if failed is not None and failed[0] == employee.id:
            correction = failed[1]
        else:
            correction = forms.CorrectionForm(
                initial={"employee": employee.id, "year": year, "once": uuid.uuid4().hex, "bucket": Bucket.N},
                auto_id=f"c{employee.id}-%s",
            )
        rows.append({"employee": employee, "balance": balances[employee.id], "form": correction})
    filters = {"year": year, **({"unit": unit.id} if unit else {})}
    return {
        "form": form,
        "unit": unit,
        "year": year,
        "page": page,
        "rows": rows,
        "totals": totals,
        "total_available": sum(t["available"] for t in totals),
        "buckets": [(b, Bucket(b).label) for b in DEBIT_ORDER],
        "query": urlencode(filters),
        "filters": filters,
    }


@login_required
@require_GET
def hr_balances_page(request: HttpRequest) -> HttpResponse:
    scope = _hr(request)
    return render(request, "leave/hr_balances.html", _hr_context(request, scope))


def _once_claim(user, token: str, purpose: str) -> bool:
    """Whether this rendering of a form is sent for the first time (claimed atomically in the cache, so two
    taps racing each other get one True). A form without a token (a script) is always accepted."""
    if not token or len(token) > 64 or not token.isalnum() or not token.isascii():
        return True
    return bool(cache.add(f"leave:{purpose}:{user.pk}:{token}", 1, ONCE_KEEP_SECONDS))


def _once_release(user, token: str, purpose: str) -> None:
    if token and len(token) <= 64 and token.isalnum() and token.isascii():
        cache.delete(f"leave:{purpose}:{user.pk}:{token}")


@login_required
@require_POST
def hr_balance_correct(request: HttpRequest) -> HttpResponse:
    """One correction of one bucket (signed days, a reason) through `leave.services.balance_adjust`."""
    scope = _hr(request)
    form = forms.CorrectionForm(request.POST, auto_id=f"c{request.POST.get('employee', '')}-%s"[:40])
    back = {k: v for k, v in (("unit", request.POST.get("unit", "")), ("year", request.POST.get("year", ""))) if v}
    if not form.is_valid():
        employee_id = form.cleaned_data.get("employee") if hasattr(form, "cleaned_data") else None
        if employee_id:
            get_object_or_404(Employee, id=employee_id, agency_id=scope.agency_id)
        context = _hr_context(request, scope, query=back, failed=(employee_id, form))
        context["failed_employee"] = employee_id
        return render(request, "leave/hr_balances.html", context, status=400)
    data = form.cleaned_data
    employee = get_object_or_404(
        Employee.objects.select_related("unit", "agency"), id=data["employee"], agency_id=scope.agency_id
    )
    target = f"{reverse('hr-leave-balances')}?{urlencode(back)}#employee-{employee.id}"
    if not _once_claim(request.user, data["once"], "correct"):
        messages.info(request, _("This correction was sent twice; it is saved once."))
        return redirect(target)
    try:
        corrections.correction_apply(
            user=request.user,
            employee=employee,
            year=data["year"],
            bucket=data["bucket"],
            days=data["days"],
            reason=data["reason"],
        )
    except ApplicationError as error:
        _once_release(request.user, data["once"], "correct")
        form_error_show(form, error)
        context = _hr_context(request, scope, query=back, failed=(employee.id, form))
        context["failed_employee"] = employee.id
        return render(request, "leave/hr_balances.html", context, status=error.status_code)
    messages.success(
        request,
        _("%(name)s's balance of %(year)s is corrected.") % {"name": employee.name, "year": data["year"]},
    )
    return redirect(target)


def _import_key(user, token) -> str:
    return f"leave:opening-import:{user.pk}:{token}"


@login_required
@require_http_methods(["GET", "POST"])
def hr_balance_import_page(request: HttpRequest) -> HttpResponse:
    """Opening balances from CSV/XLSX: upload → preview (rows, row errors) → confirm. The preview waits an
    hour in the cache; confirming twice writes once (and a file imported again changes nothing)."""
    _hr(request)
    context: dict = {"columns": corrections.IMPORT_COLUMNS, "form": forms.OpeningImportForm()}
    status = 200
    if request.method == "POST" and "token" in request.POST:
        confirm = forms.OpeningConfirmForm(request.POST)
        stored = cache.get(_import_key(request.user, confirm.data.get("token"))) if confirm.is_valid() else None
        if stored is None:
            messages.info(request, _("This import was confirmed already, or its preview is more than an hour old."))
            return redirect("hr-leave-balance-import")
        if not cache.add(_import_key(request.user, confirm.cleaned_data["token"]) + ":done", 1, IMPORT_KEEP_SECONDS):
            messages.info(request, _("This import was confirmed already."))
            return redirect("hr-leave-balances")
        changed = corrections.opening_apply(user=request.user, rows=stored["rows"], source=stored["name"])
        cache.delete(_import_key(request.user, confirm.cleaned_data["token"]))
        messages.success(request, _("Opening balances imported: %(count)s buckets changed.") % {"count": changed})
        return redirect("hr-leave-balances")
    if request.method == "POST":
        form = forms.OpeningImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = corrections.opening_preview(user=request.user, content=upload.read(), name=upload.name or "")
            except ApplicationError as error:
                form_error_show(form, error)
                status = error.status_code
            else:
                token = uuid.uuid4()
                if not preview.errors:
                    cache.set(
                        _import_key(request.user, token),
                        {"rows": preview.stored(), "name": (upload.name or "")[:100]},
                        IMPORT_KEEP_SECONDS,
                    )
                context.update(preview=preview, token=token, row_errors=[e.as_dict() for e in preview.errors])
                if preview.errors:
                    status = 400
        else:
            status = 400
    return render(request, "leave/hr_import.html", context, status=status)


# ---------------------------------------------------------------------------- the printable form


@login_required
@require_GET
def leave_form_pdf(request: HttpRequest, leave_id: int) -> HttpResponse:
    """The official leave form of one request (whoever may see the request may print it)."""
    from attendance.selectors import leave_get_for
    from leave import pdf

    leave = leave_get_for(user=request.user, leave_id=leave_id)
    if leave.kind not in FORM_KINDS:
        raise Http404
    body = pdf.leave_form_pdf(leave=leave, viewer=request.user)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="formulir-cuti-{leave.id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
