"""Pages: first-login activation, home location (employee and deciders) and HR's organisation
pages. Each view: scope (404 outside) → role (403) → service → template."""

from __future__ import annotations

import csv
import datetime
import io

from allauth.account.internal.flows.login import record_authentication
from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flexwork.accounts.models import PasswordResetCode
from flexwork.accounts.reset import latest_reset_code_id
from flexwork.accounts.selectors import user_has_totp
from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.onboarding import forms, policy_groups, selectors, services
from flexwork.onboarding.models import AccountAction, ImportKind
from flexwork.onboarding.policy_groups import policy_warnings
from flexwork.onboarding.sample import template_file
from flexwork.org import scope as org_scope
from flexwork.org import selectors as org_selectors
from flexwork.org import services as org_services
from flexwork.org.models import (
    POLICY_FIELD_NAMES,
    POLICY_SETTINGS,
    Agency,
    DesignatedLocation,
    Employee,
    Holiday,
    PerformancePeriod,
    Position,
    Unit,
)
from flexwork.reports.exports import spreadsheet_safe
from schedules import windows

EMPLOYEES_PER_PAGE = 50


def _hr(request: HttpRequest) -> tuple[org_scope.UserScope, Agency]:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    return scope, Agency.objects.get(id=scope.agency_id)


def unconfirmed_next_month(agency: Agency) -> list[Holiday]:
    today = today_in(agency.time_zone)
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return list(Holiday.objects.filter(agency=agency, confirmed=False, date__range=(first, last)).order_by("date"))


def _holiday_banner(agency: Agency) -> dict:
    """What org/_holiday_banner.html warns about: next month's unconfirmed holidays, and from
    1 October a next year without any holiday (docs/rules.md §7)."""
    return {
        "unconfirmed": unconfirmed_next_month(agency),
        "missing_year": org_services.holidays_next_year_missing(agency=agency, today=today_in(agency.time_zone)),
    }


# ---------------------------------------------------------------------------- activation (anonymous)


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.ActivateForm(request.POST)
        if form.is_valid():
            try:
                user = services.account_activate(
                    nip=form.cleaned_data["nip"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                )
            except ApplicationError as error:
                form_error_show(form, error, field_names={"password": "password1"})
                return render(request, "onboarding/activate.html", {"form": form}, status=error.status_code)
            if user_has_totp(user=user):  # never skip the authenticator app: a full login instead
                messages.success(request, _("Your password was set. Log in with it and your authenticator app."))
                return redirect("account_login")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # allauth counts this as a sign-in with the password just chosen, so enrolling the
            # authenticator app right after does not ask for it again (AccountAdapter).
            record_authentication(request, user, method="password", username=user.get_username())
            messages.success(request, _("Your account is active. Welcome to FlexWork."))
            return redirect("home")
        return render(request, "onboarding/activate.html", {"form": form}, status=400)
    form = forms.ActivateForm(
        initial={"nip": request.GET.get("nip", "")[:18], "code": request.GET.get("code", "")[:32]}
    )
    return render(request, "onboarding/activate.html", {"form": form})


# ---------------------------------------------------------------------------- home location


@require_http_methods(["GET", "POST"])
@login_required
def home_location(request: HttpRequest) -> HttpResponse:
    employee = org_selectors.employee_for_user(request.user)
    if employee is None or not employee.is_active:
        raise Http404
    form = forms.HomeLocationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.home_location_request_submit(
                    employee=employee,
                    latitude=form.cleaned_data["latitude"],
                    longitude=form.cleaned_data["longitude"],
                    accuracy_m=form.cleaned_data.get("accuracy_m"),
                    address=form.cleaned_data["address"],
                )
            except ApplicationError as error:
                form_error_show(form, error)
            else:
                messages.success(request, _("Your home location was sent to your supervisor for approval."))
                return redirect("home-location")
        status = 400
    requests_ = list(
        selectors.home_location_requests_of(employee=employee).select_related("decided_by", "employee__unit")[:10]
    )
    for item in requests_:
        item.distance_m = selectors.distance_from_office_m(item)
    summary = selectors.home_location_summary(employee=employee)
    context = {
        "form": form,
        "employee": employee,
        "has_home": employee.home_latitude is not None,
        "home_address": summary.address,
        "home_pending": summary.pending,
        "home_distance_m": _home_distance_m(employee),
        "home_requests": requests_,
    }
    return render(request, "onboarding/home_location.html", context, status=status)


def _home_distance_m(employee) -> int | None:
    """Metres from the unit's office to the registered home in force (None without either)."""
    unit = employee.unit
    if employee.home_latitude is None or unit.office_latitude is None or unit.office_longitude is None:
        return None
    from attendance.geo import haversine_m

    return round(
        haversine_m(
            float(employee.home_latitude),
            float(employee.home_longitude),
            float(unit.office_latitude),
            float(unit.office_longitude),
        )
    )


QUEUE_SHOWN = 200


@require_GET
@login_required
def home_location_queue(request: HttpRequest) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    if not scope.roles.intersection({org_scope.HR_ADMIN, org_scope.SUPERVISOR}):
        org_scope.require_role(scope, org_scope.HR_ADMIN, org_scope.SUPERVISOR)
    queue = list(selectors.home_location_queue_for(user=scope)[:QUEUE_SHOWN])
    for item in queue:
        item.distance_m = selectors.distance_from_office_m(item)
    return render(request, "onboarding/home_location_queue.html", {"queue": queue})


@require_POST
@login_required
def home_location_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    home_request = selectors.home_location_request_get_for_decision(user=request.user, request_id=request_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.home_location_request_decide(home_request=home_request, actor=request.user, approve=approve)
    except ApplicationError as error:
        messages.warning(request, error.message)
    else:
        name = home_request.employee.name
        if approve:
            messages.success(request, _("The home location of %(name)s was approved.") % {"name": name})
        else:
            messages.success(request, _("The home location of %(name)s was rejected.") % {"name": name})
    return redirect("home-location-queue")


# ---------------------------------------------------------------------------- HR: index, units, employees


@require_GET
@login_required
def hr_index(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    context = {"agency": agency, **_holiday_banner(agency)}
    return render(request, "org/hr_index.html", context)


@require_GET
@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    scope, agency = _hr(request)
    units = (
        org_selectors.unit_list_for(user=scope)
        .annotate(employee_count=Count("employees"))
        .select_related("head", "parent")
    )
    return render(request, "org/unit_tree.html", {"agency": agency, "units": units})


@require_GET
@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    scope, agency = _hr(request)
    units = list(Unit.objects.filter(agency=agency).order_by("path").only("id", "code", "name"))
    form = forms.EmployeeFilterForm(request.GET or None, units=units)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"q": data.get("q"), "unit_subtree": data.get("unit")}
        if data.get("active") in ("0", "1"):
            filters["active"] = data["active"] == "1"
    qs = org_selectors.employee_list_for(user=scope, filters=filters)
    page = Paginator(qs, EMPLOYEES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The pager of the people lists (schedules/windows.py): "1–50 of 30,000", big targets on phones.
    window = windows.window_for(request, count=page.paginator.count, number=page.number, size=EMPLOYEES_PER_PAGE)
    context = {"form": form, "page": page, "query": query.urlencode(), "agency": agency, "window": window}
    return render(request, "org/employee_list.html", context)


def _history(employee: Employee) -> tuple[list, list]:
    from django.apps import apps

    changes = list(org_selectors.employee_changes(employee=employee)[:100])
    names = {}
    for model, kind in ((Unit, "UNIT"), (Employee, "SUPERVISOR"), (Position, "POSITION")):
        ids = {i for c in changes if c.kind == kind for i in (c.old_id, c.new_id) if i}
        names[kind] = dict(model.objects.filter(id__in=ids).values_list("id", "name")) if ids else {}
    for change in changes:
        change.old_name = names.get(change.kind, {}).get(change.old_id, "")
        change.new_name = names.get(change.kind, {}).get(change.new_id, "")
    event_model = apps.get_model("org", "EmployeeEvent")
    events = list(
        event_model.objects.filter(pgh_obj_id=employee.id)
        .select_related("pgh_context", "unit")
        .order_by("-pgh_created_at", "-pgh_id")[:50]
    )
    return changes, events


@require_http_methods(["GET", "POST"])
@login_required
def employee_detail(request: HttpRequest, employee_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    employee = org_selectors.employee_get_for(user=scope, employee_id=employee_id)
    _scope, agency = _hr(request)
    new_code = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue_code":
            try:
                [(_employee, new_code)] = services.activation_codes_issue(employees=[employee], issued_by=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect("hr-employee-detail", employee_id=employee.id)
            messages.success(request, _("A new activation code was issued; older codes no longer work."))
        elif action == "send_link":
            try:
                services.activation_link_send(
                    employee=employee,
                    issued_by=request.user,
                    activate_url=request.build_absolute_uri(reverse("activate")),
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("An activation link was e-mailed to %(email)s.") % {"email": employee.user.email}
                )
            return redirect("hr-employee-detail", employee_id=employee.id)
    changes, events = _history(employee)
    actions = AccountAction.objects.filter(agency=agency, employee=employee).select_related("actor__employee")[:50]
    context = {
        "employee": employee,
        "changes": changes,
        "events": events,
        "actions": actions,
        "new_code": new_code,
        "activated": services.account_is_activated(employee.user),
        # docs/rules.md §7 "Lost password or phone": the reset codes HR issued, and the newest one's id,
        # which the issue form sends back so that a second tap is refused (flexwork.accounts.reset).
        "reset_codes": PasswordResetCode.objects.filter(employee=employee).select_related("issued_by__employee")[:10],
        "latest_reset_code_id": latest_reset_code_id(employee=employee),
        "has_totp": user_has_totp(user=employee.user),
        "self_page": employee.user_id == request.user.pk,
    }
    response = render(request, "org/employee_detail.html", context)
    if new_code:
        response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------- HR: imports


@require_GET
@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _hr(request)
    kind = kind.upper()
    if kind not in ImportKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(template_file(kind=kind, fmt=fmt), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="template_{kind.lower()}.{fmt}"'
    return response


def _agency_policy_form(agency: Agency):
    """The agency policy form with the agency's two sign-in switches (the "security" group)."""

    class AgencyPolicyPageForm(forms.AgencyPolicyForm):
        mfa_required_for_hr = django_forms.BooleanField(
            label=_("two-factor sign-in required for HR admins"), required=False, initial=agency.mfa_required_for_hr
        )
        mfa_required_for_head = django_forms.BooleanField(
            label=_("two-factor sign-in required for the agency head"),
            required=False,
            initial=agency.mfa_required_for_head,
        )

    return AgencyPolicyPageForm


def _effective_values(agency: Agency, unit: Unit | None, form) -> dict:
    """The values the warnings judge: the effective policy, with what the form sends on top."""
    effective = org_selectors.policy_for(agency=agency, unit=unit)
    values = {setting.name: getattr(effective, setting.name) for setting in POLICY_SETTINGS}
    if form.is_bound:
        cleaned = getattr(form, "cleaned_data", {}) or {}
        for name in POLICY_FIELD_NAMES:
            if name in cleaned and cleaned[name] is not None:
                values[name] = cleaned[name]
    return values


@require_http_methods(["GET", "POST"])
@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    """The agency policy or a unit's overrides, in groups, each field with the regulation it comes
    from and a warning where a value goes beyond it (docs/rules.md §3 "Policy page"): shown while
    typing (static/js/policy.js), on a refused form and after saving. A warning never refuses."""
    _scope, agency = _hr(request)
    units = list(Unit.objects.filter(agency=agency).order_by("path").only("id", "code", "name"))
    unit = None
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    if unit_id:
        try:
            unit = next(u for u in units if u.id == int(unit_id))
        except (ValueError, StopIteration):
            raise Http404 from None
    if unit is None:
        from flexwork.org.models import AgencyPolicy

        instance = AgencyPolicy.objects.get(agency=agency)
        form_class = _agency_policy_form(agency)
    else:
        instance = org_selectors.unit_policy_override_get(unit=unit)
        form_class = forms.UnitPolicyForm
    form = form_class(request.POST or None, instance=instance)
    if unit is not None:
        for field in form.fields.values():
            field.required = False
    # Wall-clock times read "07.30" / "07:30", without seconds.
    minutes_format = next((f for f in get_format("TIME_INPUT_FORMATS") if "%S" not in f), "%H:%M")
    for field in form.fields.values():
        if isinstance(field, django_forms.TimeField):
            field.widget.format = minutes_format
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                org_services.policy_update(agency=agency, unit=unit, data=data)
            except ApplicationError as error:
                form_error_show(form, error)
                status = 400
            else:
                beyond = policy_warnings(_effective_values(agency, unit, form))
                if beyond:
                    count = sum(len(texts) for texts in beyond.values())
                    messages.warning(
                        request,
                        ngettext(
                            "The policy was saved. %(count)d value goes beyond the regulation: see the warning below.",
                            "The policy was saved. %(count)d values go beyond the regulation: see the warnings below.",
                            count,
                        )
                        % {"count": count},
                    )
                else:
                    messages.success(request, _("The policy was saved."))
                target = reverse("hr-policy") + (f"?unit={unit.id}" if unit else "")
                return redirect(target)
        else:
            status = 400
    warnings = policy_warnings(_effective_values(agency, unit, form))
    inherited = {}
    if unit is not None:
        base = org_selectors.policy_for(agency=agency)
        for setting in POLICY_SETTINGS:
            value = getattr(base, setting.name)
            if setting.kind == "bool":
                inherited[setting.name] = _("yes") if value else _("no")
            elif setting.kind == "time":
                inherited[setting.name] = value.strftime(minutes_format)
            elif setting.kind == "choice":
                inherited[setting.name] = str(PerformancePeriod(value).label)
            else:
                inherited[setting.name] = number_format(value)
    context = {
        "form": form,
        "groups": policy_groups.grouped(form, warnings=warnings, inherited=inherited),
        "units": units,
        "unit": unit,
        "agency": agency,
    }
    return render(request, "org/policy.html", context, status=status)


# ---------------------------------------------------------------------------- HR: holidays


@require_http_methods(["GET", "POST"])
@login_required
def holiday_page(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    today = today_in(agency.time_zone)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = forms.HolidayForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                if form.is_valid():
                    org_services.holiday_create(agency=agency, **form.cleaned_data)
                    messages.success(request, _("The holiday was added."))
                    return redirect(f"{reverse('hr-holidays')}?year={year}")
                status = 400
            elif action == "seed":
                added = org_services.holidays_seed(agency=agency, year=year)
                messages.success(
                    request, _("%(count)s holidays were added from the holiday calendar.") % {"count": len(added)}
                )
                return redirect(f"{reverse('hr-holidays')}?year={year}")
            elif action in ("confirm", "delete"):
                holiday = get_object_or_404(Holiday, agency=agency, id=request.POST.get("holiday"))
                if action == "confirm":
                    org_services.holiday_confirm(holiday=holiday)
                    messages.success(request, _("The date of “%(name)s” was confirmed.") % {"name": holiday.name})
                else:
                    org_services.holiday_delete(holiday=holiday)
                    messages.success(request, _("“%(name)s” was removed.") % {"name": holiday.name})
                return redirect(f"{reverse('hr-holidays')}?year={year}")
        except ApplicationError as error:
            form_error_show(form, error)
            status = error.status_code
    holidays = Holiday.objects.filter(agency=agency, date__year=year).order_by("date", "name")
    context = {
        "year": year,
        "years": [year - 1, year + 1],
        "holidays": holidays,
        "form": form,
        **_holiday_banner(agency),
    }
    return render(request, "org/holidays.html", context, status=status)


# ---------------------------------------------------------------------------- HR: designated locations


@require_http_methods(["GET", "POST"])
@login_required
def location_page(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    form = forms.LocationForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                if form.is_valid():
                    org_services.location_create(agency=agency, **form.cleaned_data)
                    messages.success(request, _("The location was added."))
                    return redirect("hr-locations")
                status = 400
            elif action == "toggle":
                location = get_object_or_404(DesignatedLocation, agency=agency, id=request.POST.get("location"))
                org_services.location_update(location=location, data={"is_active": not location.is_active})
                return redirect("hr-locations")
        except ApplicationError as error:
            form_error_show(form, error)
            status = error.status_code
    locations = DesignatedLocation.objects.filter(agency=agency).order_by("name")
    return render(request, "org/locations.html", {"form": form, "locations": locations}, status=status)


# ---------------------------------------------------------------------------- HR: activation codes


def _not_activated(unit: Unit):
    return (
        Employee.objects.filter(agency_id=unit.agency_id, unit__path__contains=[unit.id], is_active=True)
        .filter(user__password__startswith="!")
        .select_related("unit")
        .order_by("unit__path", "name", "id")
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def activation_codes(request: HttpRequest) -> HttpResponse:
    """Choose a unit; issuing prints (or downloads as CSV) a fresh code for each employee of the
    unit and its sub-units who has not activated yet. Codes are shown only in this answer."""
    _scope, agency = _hr(request)
    units = list(
        Unit.objects.filter(agency=agency)
        .order_by("path")
        .annotate(waiting=Count("employees", filter=_waiting_filter()))
        .only("id", "code", "name", "path")
    )
    if request.method == "POST":
        unit = next((u for u in units if str(u.id) == request.POST.get("unit")), None)
        if unit is None:
            raise Http404
        employees = list(_not_activated(unit))
        try:
            issued = services.activation_codes_issue(employees=employees, issued_by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("hr-activation-codes")
        expires = timezone.now() + datetime.timedelta(days=services.ACTIVATION_DAYS)
        if request.POST.get("format") == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["kode_unit", "unit", "nip", "nama", "kode_aktivasi", "berlaku_sampai"])
            for employee, code in issued:
                writer.writerow(
                    [
                        spreadsheet_safe(employee.unit.code),  # no cell is read as a formula
                        spreadsheet_safe(employee.unit.name),
                        spreadsheet_safe(employee.nip),
                        spreadsheet_safe(employee.name),
                        code,
                        expires.date().isoformat(),
                    ]
                )
            response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="activation_codes_{unit.code}.csv"'
            return response
        context = {
            "unit": unit,
            "issued": issued,
            "expires": expires,
            "activate_url": request.build_absolute_uri(reverse("activate")),
        }
        return render(request, "org/activation_codes_print.html", context)
    return render(request, "org/activation_codes.html", {"units": units})


def _waiting_filter():
    from django.db.models import Q

    return Q(employees__is_active=True, employees__user__password__startswith="!")
