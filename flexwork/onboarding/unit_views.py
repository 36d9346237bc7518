"""HR's unit page for the working week (docs/rules.md §8 "Work week of a unit"): Monday to Friday, a fixed
week or shifts, and the PPK's decree it rests on, with the decree's file. Scope (404 outside) → role (403) →
service. The form carries the version it was shown with: a unit changed meanwhile (or the same form sent
twice) is a 409 and nothing is written."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.common.views import evidence_file_response
from flexwork.org import scope as org_scope
from flexwork.org import services as org_services
from flexwork.org.models import Unit
from flexwork.org.models.organisation import WorkWeek

FILE_TYPES = ".pdf,.jpg,.jpeg,.png,.docx"


class WorkWeekForm(forms.Form):
    work_week = forms.ChoiceField(label=gettext_lazy("Working week"), choices=WorkWeek.choices)
    work_week_basis = forms.CharField(
        label=gettext_lazy("Decree it rests on"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Needed for anything but Monday to Friday: the PPK's decree number and date, "
            "e.g. “Keputusan Kepala Dinas No. 800/12/2026”."
        ),
    )
    work_week_basis_file = forms.FileField(
        label=gettext_lazy("The decree's file (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_TYPES}),
    )
    remove_file = forms.BooleanField(label=gettext_lazy("Remove the decree's file"), required=False)
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_week_basis_file"].help_text = _(
            "A scan or the document of the decree: PDF, JPEG, PNG or DOCX, at most %(size)s. "
            "A new file replaces the one kept now."
        ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        if not has_file:
            del self.fields["remove_file"]


def _unit_for_hr(request: HttpRequest, unit_id: int) -> Unit:
    scope = org_scope.require_agency(request.user)
    unit = get_object_or_404(
        Unit.objects.filter(agency_id=scope.agency_id).select_related("work_week_basis_file"), id=unit_id
    )  # 404 outside
    org_scope.require_role(scope, org_scope.HR_ADMIN)  # 403
    return unit


def _version(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        # No usable version: older than any row, so the service answers 409 and writes nothing.
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


@require_http_methods(["GET", "POST"])
@login_required
def unit_work_week(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_hr(request, unit_id)
    has_file = unit.work_week_basis_file_id is not None
    status = 200
    if request.method == "POST":
        form = WorkWeekForm(request.POST, request.FILES, has_file=has_file)
        if form.is_valid():
            data = form.cleaned_data
            values = {"work_week": data["work_week"], "work_week_basis": data["work_week_basis"]}
            if data.get("remove_file") and not data.get("work_week_basis_file"):
                values["work_week_basis_file"] = None
            try:
                _unit, changed = org_services.unit_work_week_set(
                    unit=unit,
                    actor=request.user,
                    data=values,
                    upload=data.get("work_week_basis_file"),
                    expected_updated_at=_version(data.get("version")),
                )
            except ApplicationError as error:
                status = error.status_code
                form_error_show(form, error)
            else:
                if changed:
                    messages.success(request, _("The working week of %(unit)s was saved.") % {"unit": unit.name})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("hr-units")
        else:
            status = 400
    else:
        form = WorkWeekForm(
            initial={
                "work_week": unit.work_week,
                "work_week_basis": unit.work_week_basis,
                "version": unit.updated_at.isoformat(),
            },
            has_file=has_file,
        )
    context = {"form": form, "unit": unit, "basis_file": unit.work_week_basis_file}
    return render(request, "org/unit_work_week.html", context, status=status)


@require_GET
@login_required
def unit_work_week_file(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The decree's file, for the agency's HR admins only (the unit's own rule, `Unit.evidence_visible_to`)."""
    unit = _unit_for_hr(request, unit_id)
    evidence = unit.work_week_basis_file
    if evidence is None or not unit.evidence_visible_to(request.user):
        raise Http404
    return evidence_file_response(evidence, inline=request.GET.get("inline") == "1")
