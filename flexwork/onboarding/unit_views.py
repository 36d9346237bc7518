"""HR's unit page for the working week (docs/rules.md §8 "Work week of a unit"): Monday to Friday, a fixed
week or shifts, and the PPK's decree it rests on. Scope (404 outside) → role (403) → service. The form
carries the version it was shown with: a unit changed meanwhile is a 409 and nothing is written."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from flexwork.org import services as org_services
from flexwork.org.models import Unit
from flexwork.org.models.organisation import WorkWeek


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
    version = forms.CharField(widget=forms.HiddenInput, required=False)


@require_http_methods(["GET", "POST"])
@login_required
def unit_work_week(request: HttpRequest, unit_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    unit = get_object_or_404(Unit.objects.filter(agency_id=scope.agency_id), id=unit_id)  # 404 outside
    org_scope.require_role(scope, org_scope.HR_ADMIN)  # 403
    status = 200
    if request.method == "POST":
        form = WorkWeekForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = _save(unit, data)
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
            }
        )
    return render(request, "org/unit_work_week.html", {"form": form, "unit": unit}, status=status)


@transaction.atomic
def _save(unit: Unit, data: dict) -> bool:
    locked = Unit.objects.select_for_update().get(id=unit.id)
    try:
        version = datetime.datetime.fromisoformat(data["version"])
    except (TypeError, ValueError):
        version = None
    if version is None or locked.updated_at != version:
        raise ConflictError(
            _("Someone changed this unit while you were editing: nothing was saved. Check and save again."),
            code="stale",
        )
    values = {"work_week": data["work_week"], "work_week_basis": data["work_week_basis"].strip()}
    if not any(getattr(locked, name) != value for name, value in values.items()):
        return False
    org_services.unit_update(unit=locked, data=values)
    return True
