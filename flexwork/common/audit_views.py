"""HR's audit log page (`/hr/audit/`) and its CSV export (docs/audit.md "The audit log").

Scope: the HR admin's own agency only (flexwork/common/audit_viewer.py filters every history table on
it); a person's id from another agency is a 404; any other role is a 403 (the nav registry)."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from flexwork.common import audit_viewer
from flexwork.common.calendar import today_in
from flexwork.common.dates import FormDateField
from flexwork.common.nav import require_page
from flexwork.org.models import Employee

PAGE_SIZES = (25, 50, 100)
DEFAULT_DAYS = 30  # the page opens on the last 30 days; clearing the dates shows everything


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=gettext_lazy("Who (name or NIP)"), required=False, max_length=100)
    what = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    about = forms.CharField(label=gettext_lazy("About (name or NIP)"), required=False, max_length=100)
    date_from = FormDateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = FormDateField(label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    per_page = forms.TypedChoiceField(
        label=gettext_lazy("Rows per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[1],
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )
    actor = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    object = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [("", _("Everything"))] + audit_viewer.what_choices()

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _person(agency_id: int, employee_id: int | None) -> Employee | None:
    """The agency's employee of an `actor`/`object` id; another agency's (or an unknown) id is a 404."""
    if employee_id is None:
        return None
    employee = Employee.objects.filter(agency_id=agency_id, id=employee_id).only("id", "name").first()
    if employee is None:
        raise Http404
    return employee


def _filters(request: HttpRequest):
    """(scope, form, filters or None when the form is invalid, the actor, the person concerned)."""
    scope = require_page(request.user, "hr-audit")
    zone_name = scope.office_time_zone or settings.FLEXWORK_DEFAULT_TIME_ZONE
    data = request.GET.copy()
    if not any(key in data for key in AuditFilterForm.base_fields):
        today = today_in(zone_name)
        data["date_from"] = (today - datetime.timedelta(days=DEFAULT_DAYS)).isoformat()
        data["date_to"] = today.isoformat()
    data.setdefault("per_page", str(PAGE_SIZES[1]))
    form = AuditFilterForm(data)
    if not form.is_valid():
        return scope, form, None, None, None
    cleaned = form.cleaned_data
    actor = _person(scope.agency_id, cleaned.get("actor"))
    about = _person(scope.agency_id, cleaned.get("object"))
    filters = audit_viewer.AuditFilters(
        agency_id=scope.agency_id,
        zone_name=zone_name,
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
        what=cleaned.get("what") or "",
        actor_id=actor.id if actor else None,
        object_id=about.id if about else None,
        actor_search="" if actor else cleaned.get("who") or "",
        object_search="" if about else cleaned.get("about") or "",
    )
    return scope, form, filters, actor, about


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


@require_GET
@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _scope, form, filters, actor, about = _filters(request)
    page = None
    if filters is not None:
        per_page = form.cleaned_data.get("per_page") or PAGE_SIZES[1]
        page = Paginator(audit_viewer.AuditPage(filters), per_page).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "actor": actor,
        "about": about,
        "query": _query_without(request),
        "query_without_actor": _query_without(request, "actor", "who"),
        "query_without_object": _query_without(request, "object", "about"),
        "export_query": _query_without(request, "per_page"),
        "export_limit": audit_viewer.EXPORT_LIMIT,
    }
    return render(request, "common/audit_list.html", context)


@require_GET
@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    _scope, _form, filters, _actor, _about = _filters(request)
    back = reverse("hr-audit") + ("?" + _query_without(request, "format") if request.GET else "")
    if filters is None:
        messages.error(request, _("Correct the filter first."))
        return redirect(back)
    if audit_viewer.audit_event_count(filters) > audit_viewer.EXPORT_LIMIT:
        messages.error(
            request,
            _("The export holds at most %(limit)s rows. Narrow the filter, for example to fewer days.")
            % {"limit": audit_viewer.EXPORT_LIMIT},
        )
        return redirect(back)
    excel = request.GET.get("format") != "data"
    body = audit_viewer.audit_csv(filters, excel=excel)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = "audit_log_excel.csv" if excel else "audit_log.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
