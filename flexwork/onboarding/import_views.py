"""HR's organisation import pages (docs/rules.md §7): upload → the check runs on a worker while the
page shows how far it got → preview → confirm, written on a worker too. Each view: scope (404
outside) → role (403) → service → template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.onboarding import forms, importing, selectors, services
from flexwork.onboarding.importing import row_error
from flexwork.onboarding.models import ImportKind, ImportStatus
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency

PREVIEW_ERRORS_SHOWN = 500
ROWS_SHOWN = 200

# What a changed row's compared values are called in the file: the template's headers.
COMPARED_HEADERS = {
    ImportKind.EMPLOYEES: {
        "name": "nama",
        "employee_type": "jenis",
        "unit_id": "kode_unit",
        "position_id": "kode_jabatan",
        "position_start_date": "tmt_jabatan",
        "supervisor_nip": "nip_atasan",
        "is_active": "status_aktif",
        "email": "email",
        "service_start_date": "tmt",
        "contract_months": "masa_kontrak_bulan",
    },
    ImportKind.UNITS: {
        "name": "nama",
        "parent_code": "kode_induk",
        "is_public_service": "layanan_publik",
        "time_zone": "zona_waktu",
        "latitude": "lat",
        "longitude": "lon",
        "radius_m": "radius_m",
        "work_week": "hari_kerja",
        "work_week_basis": "dasar_hari_kerja",
    },
    ImportKind.POSITIONS: {
        "name": "nama",
        "type": "jenis_jabatan",
        "shift_eligible": "sif",
        "shift_criterion": "kriteria_sif",
    },
}


def _hr(request: HttpRequest) -> Agency:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    return Agency.objects.get(id=scope.agency_id)


def import_caps_shown() -> dict:
    caps = importing.import_caps()
    return {**caps, "max_size": filesizeformat(caps["max_bytes"])}


@require_http_methods(["GET", "POST"])
@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    agency = _hr(request)
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_upload(
                    agency=agency,
                    kind=form.cleaned_data["kind"],
                    data=upload.read(),
                    name=upload.name or "",
                    uploaded_by=request.user,
                )
            except ApplicationError as error:
                form_error_show(form, error)
                status = error.status_code
            else:
                return redirect("hr-import-detail", batch_id=batch.id)
        else:
            status = 400
    batches = selectors.import_batch_list_for(user=request.user)[:20]
    context = {
        "form": form,
        "batches": batches,
        "employee_columns": importing.EMPLOYEE_COLUMNS,
        "unit_columns": importing.UNIT_COLUMNS,
        "position_columns": importing.POSITION_COLUMNS,
        "caps": import_caps_shown(),
    }
    return render(request, "org/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def import_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.import_batch_detail_for(
        user=request.user, batch_id=batch_id, errors_shown=PREVIEW_ERRORS_SHOWN, rows_shown=ROWS_SHOWN
    )
    if request.method == "POST":
        try:
            services.import_confirm_request(batch=batch, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The import was started. This page shows when it is done."))
        return redirect("hr-import-detail", batch_id=batch.id)
    errors = [row_error(error).as_dict() for error in batch.errors_head or []]
    headers = COMPARED_HEADERS.get(batch.kind, {})
    changed = [
        {**item, "columns": [headers.get(name, name) for name in item.get("fields", [])]}
        for item in batch.changed_head or []
    ]
    total = batch.row_count
    context = {
        "batch": batch,
        "errors": errors,
        "errors_hidden": max(0, (batch.errors_total or 0) - len(errors)),
        "changed": changed,
        "new_rows": batch.new_head or [],
        "failure": services.import_failure_text(batch) if batch.status == ImportStatus.FAILED else "",
        "progress_percent": min(100, round(100 * batch.progress_rows / total)) if total else 0,
        "status_url": reverse("api-import-detail", args=[batch.id]),
    }
    return render(request, "org/import_detail.html", context)
