"""Pages of the allowances app (docs/rules.md §10): the employee's own deduction lines for a month, and HR's
scheme (clone a template, edit a version). HR's export of the whole agency is the report kind
ALLOWANCE on the reports pages (CSV, Excel CSV, XLSX, PDF through the report downloads)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allowances import labels, services
from allowances.forms import CloneForm, SchemeForm
from allowances.models import AllowanceScheme
from allowances.schemes import TEMPLATE_LABELS, scheme_in_force, template
from allowances.selectors import month_lines
from flexwork.common.calendar import today_in
from flexwork.common.dates import month_parse
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _rule_words(line) -> str:
    """What the line applies, in words: the band a missing record counts as, or the rule's kind."""
    if line.line == "THRESHOLD":
        return str(labels.RULES["THRESHOLD"])
    if line.rule == "SCORE":
        return str(labels.RULES["SCORE"])
    if line.rule == "LEAVE":
        return _("Working day %(day)s of the leave, beyond its free days") % {"day": line.leave_day}
    if line.rule != line.cause and line.rule in labels.CAUSES:
        return _("Counted as: %(band)s") % {"band": str(labels.CAUSES[line.rule]).lower()}
    return _("Per occurrence") if line.rule != "TK" else _("Per day")


@require_GET
@login_required
def my_deductions(request):
    scope = org_scope.require_agency(request.user)
    from flexwork.org.models import Employee

    employee = Employee.objects.select_related("unit").get(id=scope.employee_id)
    today = today_in(scope.office_time_zone)
    this_month = today.replace(day=1)
    asked = month_parse(request.GET.get("month"))
    month = asked if asked and asked <= this_month else _add_months(this_month, -1)
    result = month_lines(employee=employee, year=month.year, month=month.month, today=today)
    in_force = scheme_in_force(agency_id=scope.agency_id, month_start=month)
    rows = [
        {
            "date": line.local_date,
            "cause": labels.CAUSES.get(line.cause, line.cause),
            "rule": _rule_words(line),
            "component": labels.COMPONENTS.get(line.component, ""),
            "pct": line.pct,
            "allowance_pct": line.allowance_pct,
            "threshold": line.line == "THRESHOLD",
        }
        for line in result.lines
    ]
    split = in_force.data["components"][0]["code"] != "WHOLE" if in_force.data.get("components") else False
    context = {
        "month": month,
        "previous": _add_months(month, -1),
        "next": _add_months(month, 1) if month < this_month else None,
        "running": result.end >= today,
        "rows": rows,
        "total": result.total,
        "paid_pct": 100 - result.total.allowance_pct if result.total else None,
        "scheme_title": TEMPLATE_LABELS.get(in_force.template, in_force.template),
        "split": split,
    }
    return render(request, "allowances/mine.html", context)


def _notes(data: dict) -> list[str]:
    """A template's notes in the page's language (the files carry English and Indonesian)."""
    if get_language().startswith("id") and data.get("notes_id"):
        return data["notes_id"]
    return data.get("notes", [])


def _hr(user) -> org_scope.UserScope:
    return org_scope.require_role(org_scope.require_agency(user), org_scope.HR_ADMIN)


@require_GET
@login_required
def scheme_list(request):
    scope = _hr(request.user)
    schemes = list(AllowanceScheme.objects.filter(agency_id=scope.agency_id).order_by("-effective_from"))
    templates = [
        {"code": code, "label": label, "source": template(code)["source"], "notes": _notes(template(code))}
        for code, label in TEMPLATE_LABELS.items()
    ]
    return render(
        request,
        "allowances/schemes.html",
        {
            "schemes": schemes,
            "templates": templates,
            "form": CloneForm(),
            "template_labels": TEMPLATE_LABELS,
        },
    )


@require_POST
@login_required
def scheme_clone(request):
    scope = _hr(request.user)
    form = CloneForm(request.POST)
    if form.is_valid():
        try:
            scheme = services.scheme_clone(
                actor=request.user,
                agency_id=scope.agency_id,
                template_code=form.cleaned_data["template"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except ApplicationError as error:
            form_error_show(form, error)
        else:
            messages.success(
                request, _("The scheme was copied from the template. Check each number against your regulation.")
            )
            return redirect("allowances:allowance_scheme", scheme_id=scheme.id)
    schemes = list(AllowanceScheme.objects.filter(agency_id=scope.agency_id).order_by("-effective_from"))
    templates = [
        {"code": code, "label": label, "source": template(code)["source"], "notes": _notes(template(code))}
        for code, label in TEMPLATE_LABELS.items()
    ]
    return render(
        request,
        "allowances/schemes.html",
        {"schemes": schemes, "templates": templates, "form": form, "template_labels": TEMPLATE_LABELS},
        status=400,
    )


@require_http_methods(["GET", "POST"])
@login_required
def scheme_edit(request, scheme_id: int):
    scope = _hr(request.user)
    scheme = AllowanceScheme.objects.filter(agency_id=scope.agency_id, id=scheme_id).first()
    if scheme is None:
        raise Http404(_("No such scheme."))
    status = 200
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            try:
                services.scheme_update(
                    actor=request.user,
                    scheme=scheme,
                    data=form.data_for(scheme.data),
                    version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                form_error_show(form, error)
            else:
                messages.success(request, _("The scheme was saved."))
                return redirect("allowances:allowance_scheme", scheme_id=scheme.id)
        status = 400
    else:
        form = SchemeForm(initial=SchemeForm.initial_from(scheme.data, scheme.version))
    return render(
        request,
        "allowances/scheme.html",
        {
            "scheme": scheme,
            "form": form,
            "template_label": TEMPLATE_LABELS.get(scheme.template, scheme.template),
            "source": scheme.data.get("source", ""),
            "notes": _notes(scheme.data),
        },
        status=status,
    )
