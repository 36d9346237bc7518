"""The operator console under /operator/: a platform administrator (a Django superuser who signed in
with the authenticator app) creates agencies, appoints their HR admins and agency head and prints
their first-login codes, without a shell (docs/agency-setup.md). Everyone else gets a 403: the
console holds no agency's data, so there is nothing whose existence a 404 would hide.

Each view: operator check (403, MFA) → agency (404) → service (flexwork/org/operator.py) → template."""

from __future__ import annotations

import csv
import datetime
import functools
import io

from allauth.account.authentication import get_authentication_records
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flexwork.accounts.selectors import user_has_totp
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.onboarding.services import ACTIVATION_DAYS
from flexwork.org import operator
from flexwork.org.models import Agency, Employee, Role
from flexwork.org.operator_forms import ZONE_CHOICES, AgencyCreateForm, AppointForm
from flexwork.reports.exports import spreadsheet_safe

AGENCIES_PER_PAGE = 50
# A second submission of the create form within this time finds the agency the first one made.
REPEAT_WINDOW = datetime.timedelta(minutes=2)


def operator_required(view):
    """Superusers only (403 otherwise), and only in a session that passed the authenticator app:
    one without TOTP enrols first, one signed in without it (an old session) confirms a code."""

    @functools.wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_superuser or not user.is_active:
            raise PermissionDenied(_("Only a platform administrator can open the operator console."))
        if not user_has_totp(user=user):
            return redirect("mfa_activate_totp")
        if not any(record.get("method") == "mfa" for record in get_authentication_records(request, user)):
            back = request.get_full_path() if request.method == "GET" else reverse("operator-agencies")
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    return wrapped


# ---------------------------------------------------------------------------- agencies


@require_GET
@never_cache
@operator_required
def agency_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(operator.agency_list(), AGENCIES_PER_PAGE).get_page(request.GET.get("page"))
    zones = dict(ZONE_CHOICES)
    return render(request, "operator/agency_list.html", {"page": page, "zones": zones})


def _made_just_now_by(*, code: str, name: str, user) -> Agency | None:
    """The agency with this code if this same user created it a moment ago with this name: the
    create form sent twice (a double tap). Read from the audit trail (docs/audit.md)."""
    agency = Agency.objects.filter(code__iexact=code, name=name.strip()).first()
    if agency is None or agency.created_at < timezone.now() - REPEAT_WINDOW:
        return None
    event = apps.get_model("org", "AgencyEvent")
    inserted_by = (
        event.objects.filter(pgh_obj_id=agency.id, pgh_label="insert")
        .values_list("pgh_context__metadata__user", flat=True)
        .first()
    )
    return agency if inserted_by is not None and str(inserted_by) == str(user.pk) else None


@require_http_methods(["GET", "POST"])
@never_cache
@operator_required
def agency_create(request: HttpRequest) -> HttpResponse:
    form = AgencyCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                agency = operator.agency_setup(
                    code=data["code"],
                    name=data["name"],
                    time_zone=data["time_zone"],
                    address=data["address"],
                    root_code=data["root_code"],
                    root_name=data["root_name"] or data["name"],
                )
            except ApplicationError as error:
                earlier = error.code == "agency_code_taken" and _made_just_now_by(
                    code=data["code"], name=data["name"], user=request.user
                )
                if earlier:
                    return redirect("operator-agency", agency_id=earlier.id)
                form_error_show(form, error)
                status = error.status_code
            else:
                messages.success(
                    request, _("The agency “%(name)s” was created. Appoint its first HR admin.") % {"name": agency.name}
                )
                return redirect("operator-agency", agency_id=agency.id)
    return render(request, "operator/agency_form.html", {"form": form}, status=status)


def _detail(request: HttpRequest, agency: Agency, *, form=None, error: str = "", status: int = 200) -> HttpResponse:
    holders = operator.role_holders(agency)
    context = {
        "agency": agency,
        "root": operator.agency_root(agency),
        "zone": dict(ZONE_CHOICES).get(agency.time_zone, agency.time_zone),
        "holders": holders,
        "waiting": [h for h in holders if not h.activated and h.employee.is_active],
        "form": form or AppointForm(),
        "error": error,
    }
    return render(request, "operator/agency_detail.html", context, status=status)


@require_GET
@never_cache
@operator_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    return _detail(request, get_object_or_404(Agency, id=agency_id))


@require_POST
@operator_required
def appoint(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency, id=agency_id)
    form = AppointForm(request.POST)
    if not form.is_valid():
        return _detail(request, agency, form=form, status=400)
    data = form.cleaned_data
    try:
        done = operator.person_appoint(
            agency=agency,
            nip=data["nip"],
            role=data["role"],
            name=data["name"],
            employee_type=data["employee_type"],
            email=data["email"],
        )
    except ApplicationError as error:
        form_error_show(form, error)
        return _detail(request, agency, form=form, status=error.status_code)
    words = {"name": done.employee.name, "role": Role(data["role"]).label}
    if not done.assigned:
        messages.info(request, _("%(name)s is already %(role)s.") % words)
    elif done.created:
        messages.success(request, _("%(name)s was added to the agency and appointed %(role)s.") % words)
    else:
        messages.success(request, _("%(name)s was appointed %(role)s.") % words)
    return redirect("operator-agency", agency_id=agency.id)


@require_POST
@operator_required
def remove(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = get_object_or_404(Agency, id=agency_id)
    employee = get_object_or_404(Employee, agency=agency, id=request.POST.get("employee") or 0)
    role = request.POST.get("role")
    if role not in operator.APPOINTABLE_ROLES:
        return _detail(request, agency, error=str(operator.ERR_ROLE_UNKNOWN), status=400)
    try:
        operator.person_remove(agency=agency, employee=employee, role=role)
    except ApplicationError as error:
        return _detail(request, agency, error=error.message, status=error.status_code)
    messages.success(request, _("%(name)s is no longer %(role)s.") % {"name": employee.name, "role": Role(role).label})
    return redirect("operator-agency", agency_id=agency.id)


@require_POST
@never_cache
@operator_required
def codes(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Fresh first-login codes for the chosen role holders who never activated; shown only in this
    answer (printable), or as a CSV whose cells no spreadsheet reads as formulas."""
    agency = get_object_or_404(Agency, id=agency_id)
    ids = [value for value in request.POST.getlist("employee") if value.isdigit()]
    employees = list(Employee.objects.filter(agency=agency, id__in=ids).select_related("unit").order_by("name", "id"))
    if not employees:
        return _detail(request, agency, error=_("Choose at least one person."), status=400)
    try:
        issued = operator.holders_codes_issue(agency=agency, employees=employees, issued_by=request.user)
    except ApplicationError as error:
        return _detail(request, agency, error=error.message, status=error.status_code)
    expires = timezone.now() + datetime.timedelta(days=ACTIVATION_DAYS)
    if request.POST.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["kode_instansi", "nip", "nama", "kode_aktivasi", "berlaku_sampai"])
        for employee, code in issued:
            writer.writerow(
                [
                    spreadsheet_safe(agency.code),
                    spreadsheet_safe(employee.nip),
                    spreadsheet_safe(employee.name),
                    code,
                    expires.date().isoformat(),
                ]
            )
        response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="activation_codes_{agency.id}.csv"'
        return response
    context = {
        "agency": agency,
        "issued": issued,
        "expires": expires,
        "activate_url": request.build_absolute_uri(reverse("activate")),
    }
    return render(request, "operator/codes_print.html", context)
