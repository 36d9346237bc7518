"""HR's pages for one employee and for the agency's roles (docs/rules.md §7): edit every field of
the employee import with the import's checks, see what a change will do before saving it, correct
a NIP, transfer to another agency, and appoint HR admins and unit heads.

Each view: scope (404 outside) → role (403) → service → template. A stale form (the employee
changed since it was shown, or the same form sent twice) is a 409 page and writes nothing."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, Model, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from flexwork.approvals import engine
from flexwork.approvals.models import ApprovalStatus, Delegation
from flexwork.common.calendar import office_today
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from flexwork.org import selectors as org_selectors
from flexwork.org import services as org_services
from flexwork.org.models import (
    Agency,
    Employee,
    EmployeeChange,
    EmployeeChangeKind,
    EmployeeType,
    Position,
    Role,
    RoleAssignment,
    Unit,
)

# The import's bounds for a date cell are the same for a typed date (docs/rules.md §7).
YEAR_MIN, YEAR_MAX = 1900, 2100
ERR_YEAR = gettext_lazy("Enter a date between the years 1900 and 2100.")
ERR_UNKNOWN_NIP = gettext_lazy("No employee with NIP %(nip)s in this agency.")
ERR_SANCTION_ORDER = gettext_lazy("The end of the sanction cannot be before its start.")
ERR_REASON_DEACTIVATE = gettext_lazy("Give the reason for the deactivation: it is recorded on each withdrawn request.")


def _hr(request: HttpRequest) -> tuple[org_scope.UserScope, Agency]:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    return scope, Agency.objects.get(id=scope.agency_id)


def _employee_for_hr(request: HttpRequest, employee_id: int) -> tuple[org_scope.UserScope, Agency, Employee]:
    """Scope first (another agency's employee is 404), then the role (403)."""
    scope = org_scope.require_agency(request.user)
    employee = org_selectors.employee_get_for(user=scope, employee_id=employee_id)
    scope, agency = _hr(request)
    return scope, agency, employee


def _in_range(value: datetime.date | None) -> datetime.date | None:
    if value is not None and not (YEAR_MIN <= value.year <= YEAR_MAX):
        raise forms.ValidationError(ERR_YEAR)
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _version_of(employee: Employee) -> str:
    return employee.updated_at.isoformat()


def _parse_version(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _employee_by_nip(agency: Agency, nip: str) -> Employee | None:
    nip = (nip or "").strip()
    if not nip:
        return None
    found = (
        Employee.objects.select_related("unit", "user", "agency", "supervisor").filter(agency=agency, nip=nip).first()
    )
    if found is None:
        raise forms.ValidationError(ERR_UNKNOWN_NIP % {"nip": nip}, code="unknown_nip")
    return found


# ---------------------------------------------------------------------------- edit


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} {obj.name}"


class PositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Position) -> str:
        return obj.name


class EmployeeEditForm(forms.Form):
    """Every column of the employee import (flexwork/onboarding/importing.py EMPLOYEE_COLUMNS)
    plus what only a person can set (sanction, language), with the import's checks."""

    version = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(label=gettext_lazy("Full name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail address (optional)"), required=False, max_length=254)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    employee_type = forms.ChoiceField(label=gettext_lazy("Employee type"), choices=EmployeeType.choices)
    unit = UnitChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    position = PositionChoiceField(
        label=gettext_lazy("Position"), queryset=Position.objects.none(), required=False, empty_label="—"
    )
    position_start_date = forms.DateField(
        label=gettext_lazy("Start date in the position"), required=False, widget=DateInput
    )
    service_start_date = forms.DateField(
        label=gettext_lazy("Service start (TMT)"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("TMT CPNS, or the start of the first PPPK contract."),
    )
    contract_months = forms.IntegerField(
        label=gettext_lazy("Contract length in months (PPPK only)"),
        required=False,
        min_value=1,
        max_value=org_services.CONTRACT_MONTHS_MAX,
        help_text=gettext_lazy("The current contract's length. Empty for a PNS or CPNS."),
    )
    supervisor_nip = forms.CharField(
        label=gettext_lazy("Supervisor's NIP"),
        required=False,
        max_length=18,
        help_text=gettext_lazy("Empty: no direct supervisor. The name is shown when you check the changes."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sanction_start = forms.DateField(label=gettext_lazy("Disciplinary sanction from"), required=False, widget=DateInput)
    sanction_end = forms.DateField(label=gettext_lazy("Disciplinary sanction until"), required=False, widget=DateInput)
    sanction_in_process = forms.BooleanField(label=gettext_lazy("Disciplinary sanction in process"), required=False)
    is_active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        help_text=gettext_lazy(
            "Deactivating withdraws waiting requests and cancels approved days from the date below."
        ),
    )
    effective_date = forms.DateField(label=gettext_lazy("Effective from"), widget=DateInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed for a deactivation)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agency: Agency, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.employee = agency, employee
        self.fields["unit"].queryset = Unit.objects.filter(agency=agency).order_by("path")
        self.fields["position"].queryset = Position.objects.filter(agency=agency).order_by("name")

    @staticmethod
    def initial_for(employee: Employee, today: datetime.date) -> dict:
        return {
            "version": _version_of(employee),
            "name": employee.name,
            "email": employee.user.email,
            "language": employee.user.language,
            "employee_type": employee.employee_type,
            "unit": employee.unit_id,
            "position": employee.position_id,
            "position_start_date": employee.position_start_date,
            "service_start_date": employee.service_start_date,
            "contract_months": employee.contract_months,
            "supervisor_nip": employee.supervisor.nip if employee.supervisor else "",
            "sanction_start": employee.sanction_start,
            "sanction_end": employee.sanction_end,
            "sanction_in_process": employee.sanction_in_process,
            "is_active": employee.is_active,
            "effective_date": today,
        }

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_supervisor_nip(self):
        supervisor = _employee_by_nip(self.agency, self.cleaned_data.get("supervisor_nip"))
        self.cleaned_data["supervisor"] = supervisor
        return self.cleaned_data.get("supervisor_nip", "").strip()

    def clean_position_start_date(self):
        return _in_range(self.cleaned_data.get("position_start_date"))

    def clean_service_start_date(self):
        return _in_range(self.cleaned_data.get("service_start_date"))

    def clean_sanction_start(self):
        return _in_range(self.cleaned_data.get("sanction_start"))

    def clean_sanction_end(self):
        return _in_range(self.cleaned_data.get("sanction_end"))

    def clean_effective_date(self):
        return _in_range(self.cleaned_data.get("effective_date"))

    def clean(self):
        data = super().clean()
        start, end = data.get("sanction_start"), data.get("sanction_end")
        if start and end and end < start:
            self.add_error("sanction_end", ERR_SANCTION_ORDER)
        employee_type = data.get("employee_type") or self.employee.employee_type
        if data.get("contract_months") is not None and employee_type not in org_services.CONTRACT_TYPES:
            self.add_error("contract_months", org_services.ERR_CONTRACT_NOT_PPPK)
        if self.employee.is_active and "is_active" in data and not data["is_active"]:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", ERR_REASON_DEACTIVATE)
        return data

    def service_data(self) -> dict:
        """What changed, as employee_update takes it (unchanged fields are left out)."""
        data = self.cleaned_data
        employee = self.employee
        current = {
            "name": employee.name,
            "email": employee.user.email,
            "language": employee.user.language,
            "employee_type": employee.employee_type,
            "unit": employee.unit,
            "position": employee.position,
            "position_start_date": employee.position_start_date,
            "service_start_date": employee.service_start_date,
            "contract_months": employee.contract_months,
            "supervisor": employee.supervisor,
            "sanction_start": employee.sanction_start,
            "sanction_end": employee.sanction_end,
            "sanction_in_process": employee.sanction_in_process,
            "is_active": employee.is_active,
        }
        out = {}
        for name, old in current.items():
            new = data.get(name)
            if name == "email":
                new = (new or "").strip()
            if isinstance(old, Model) or isinstance(new, Model):
                if (old.pk if old else None) != (new.pk if new else None):
                    out[name] = new
            elif old != new:
                out[name] = new
        return out


FIELD_LABELS = {
    "name": gettext_lazy("Full name"),
    "email": gettext_lazy("E-mail"),
    "language": gettext_lazy("Language"),
    "employee_type": gettext_lazy("Employee type"),
    "unit": gettext_lazy("Unit"),
    "position": gettext_lazy("Position"),
    "position_start_date": gettext_lazy("Start date in the position"),
    "service_start_date": gettext_lazy("Service start (TMT)"),
    "contract_months": gettext_lazy("Contract length in months"),
    "supervisor": gettext_lazy("Supervisor"),
    "sanction_start": gettext_lazy("Disciplinary sanction from"),
    "sanction_end": gettext_lazy("Disciplinary sanction until"),
    "sanction_in_process": gettext_lazy("Disciplinary sanction in process"),
    "is_active": gettext_lazy("Active"),
}


def _shown(name: str, value) -> str:
    from django.utils.formats import date_format

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if name == "employee_type":
        return str(EmployeeType(value).label)
    if name == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    if isinstance(value, Unit):
        return f"{value.code} {value.name}"
    return getattr(value, "name", str(value))


def _current(employee: Employee, name: str):
    if name in ("email", "language"):
        return getattr(employee.user, name)
    return getattr(employee, name)


def _future_approved_days(employee: Employee, start: datetime.date) -> int:
    from attendance.models import LeaveRequest
    from schedules.models import ScheduleDay

    days = ScheduleDay.objects.filter(employee_id=employee.id, cancelled_at__isnull=True, local_date__gte=start).count()
    leave = LeaveRequest.objects.filter(
        employee_id=employee.id, status=ApprovalStatus.APPROVED, date_from__gte=start
    ).count()
    return days + leave


def _consequences(employee: Employee, data: dict, effective_date: datetime.date) -> list[str]:
    """What saving `data` will do besides writing it (docs/rules.md §3 "The approval
    engine": re-routing and closing on deactivation), as sentences for the page."""
    lines: list[str] = []
    deactivating = employee.is_active and data.get("is_active") is False
    if deactivating:
        open_count = engine.open_count(employee=employee)
        days = _future_approved_days(employee, effective_date)
        lines.append(
            ngettext(
                "%(count)s open request will be withdrawn, with your reason.",
                "%(count)s open requests will be withdrawn, with your reason.",
                open_count,
            )
            % {"count": open_count}
        )
        lines.append(
            ngettext(
                "%(count)s approved day or leave from %(date)s on will be cancelled.",
                "%(count)s approved days or leaves from %(date)s on will be cancelled.",
                days,
            )
            % {"count": days, "date": _shown("date", effective_date)}
        )
        lines.append(_("The employee can no longer sign in."))
        return lines
    moves = {name: data[name] for name in ("supervisor", "unit") if name in data}
    if moves:
        plan = engine.reroute_plan(employee=employee, changes=moves)
        names = dict(
            Employee.objects.filter(id__in={then for _obj, _now, then in plan if then}).values_list("id", "name")
        )
        by_target: dict[int | None, int] = {}
        for _obj, _now, then in plan:
            by_target[then] = by_target.get(then, 0) + 1
        for target, count in by_target.items():
            if target is None:
                lines.append(
                    ngettext(
                        "%(count)s waiting request will have nobody to decide it: appoint the unit's head.",
                        "%(count)s waiting requests will have nobody to decide them: appoint the unit's head.",
                        count,
                    )
                    % {"count": count}
                )
            else:
                lines.append(
                    ngettext(
                        "%(count)s waiting request will be re-routed to %(name)s.",
                        "%(count)s waiting requests will be re-routed to %(name)s.",
                        count,
                    )
                    % {"count": count, "name": names.get(target, "—")}
                )
        if not plan:
            lines.append(_("No waiting request changes approver."))
    if any(name in data for name in ("unit", "supervisor", "position")) and data.get("is_active", True):
        lines.append(_("The employee will be told what changed."))
    return lines


def _digest(data: dict, effective_date: datetime.date) -> str:
    """A short fingerprint of the changes shown by the check, sent back with "save"."""
    import hashlib

    parts = [f"{name}={getattr(value, 'pk', value)!r}" for name, value in sorted(data.items())]
    return hashlib.sha256("|".join([*parts, str(effective_date)]).encode()).hexdigest()[:16]


@require_http_methods(["GET", "POST"])
@login_required
def employee_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    scope, agency, employee = _employee_for_hr(request, employee_id)
    today = office_today(employee)
    status = 200
    changes: list[tuple[str, str, str]] = []
    consequences: list[str] = []
    checked = False
    digest = ""
    if request.method == "POST":
        form = EmployeeEditForm(request.POST, agency=agency, employee=employee)
        if form.is_valid():
            data = form.service_data()
            effective_date = form.cleaned_data["effective_date"]
            digest = _digest(data, effective_date)
            # A save whose values differ from the ones checked (edited after the check) is checked again.
            seen = request.POST.get("checked")
            if request.POST.get("action") == "save" and (not seen or seen == digest):
                try:
                    org_services.employee_update(
                        employee=employee,
                        data=data,
                        actor=request.user,
                        effective_date=effective_date,
                        expected_updated_at=_parse_version(form.cleaned_data["version"]),
                        reason=form.cleaned_data.get("reason", ""),
                    )
                except ApplicationError as error:
                    status = error.status_code
                    if error.code == "stale":
                        # The values typed stay; the version moves on, so checking and saving again is deliberate.
                        employee = org_selectors.employee_get_for(user=scope, employee_id=employee_id)
                        fresh = request.POST.copy()
                        fresh["version"] = _version_of(employee)
                        form = EmployeeEditForm(fresh, agency=agency, employee=employee)
                        form.is_valid()
                    form_error_show(form, error, field_names={"supervisor": "supervisor_nip"})
                else:
                    if data:
                        messages.success(request, _("The changes to %(name)s were saved.") % {"name": employee.name})
                    else:
                        messages.info(request, _("Nothing was changed."))
                    return redirect("hr-employee-detail", employee_id=employee.id)
            else:
                checked = True
                changes = [
                    (str(FIELD_LABELS[name]), _shown(name, _current(employee, name)), _shown(name, value))
                    for name, value in data.items()
                ]
                consequences = _consequences(employee, data, effective_date)
        else:
            status = 400
    else:
        form = EmployeeEditForm(initial=EmployeeEditForm.initial_for(employee, today), agency=agency, employee=employee)
    context = {
        "employee": employee,
        "form": form,
        "checked": checked,
        "digest": digest if checked else "",
        "changes": changes,
        "consequences": consequences,
        "has_home": employee.home_latitude is not None,
    }
    return render(request, "org/employee_edit.html", context, status=status)


# ---------------------------------------------------------------------------- NIP correction


class NipCorrectForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    nip = forms.CharField(
        label=gettext_lazy("Correct NIP"),
        max_length=18,
        min_length=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("18 digits. The employee signs in with the new NIP from now on."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


@require_http_methods(["GET", "POST"])
@login_required
def employee_nip(request: HttpRequest, employee_id: int) -> HttpResponse:
    _scope, _agency, employee = _employee_for_hr(request, employee_id)
    status = 200
    if request.method == "POST":
        form = NipCorrectForm(request.POST)
        if form.is_valid():
            try:
                org_services.employee_nip_correct(
                    employee=employee,
                    nip=form.cleaned_data["nip"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    expected_updated_at=_parse_version(form.cleaned_data["version"]),
                )
            except ApplicationError as error:
                status = error.status_code
                form_error_show(form, error)
            else:
                messages.success(request, _("The NIP was corrected; the employee was told to sign in with it."))
                return redirect("hr-employee-detail", employee_id=employee.id)
        else:
            status = 400
    else:
        form = NipCorrectForm(initial={"version": _version_of(employee)})
    return render(request, "org/employee_nip.html", {"employee": employee, "form": form}, status=status)


# ---------------------------------------------------------------------------- transfer


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class TransferForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    agency = AgencyChoiceField(
        label=gettext_lazy("Receiving agency"),
        queryset=Agency.objects.none(),
        empty_label=gettext_lazy("Choose an agency"),
    )
    effective_date = forms.DateField(label=gettext_lazy("Effective from"), widget=DateInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason (the decree, for instance)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=gettext_lazy("I have checked what the transfer does, listed above."))

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.exclude(id=agency.id).order_by("name")

    def clean_effective_date(self):
        return _in_range(self.cleaned_data.get("effective_date"))


def _transfer_summary(employee: Employee, start: datetime.date) -> list[str]:
    reports = Employee.objects.filter(supervisor_id=employee.id).count()
    headed = list(Unit.objects.filter(head_id=employee.id).values_list("name", flat=True))
    roles = [
        str(Role(r).label)
        for r in RoleAssignment.objects.filter(user_id=employee.user_id).values_list("role", flat=True)
    ]
    open_count = engine.open_count(employee=employee)
    days = _future_approved_days(employee, start)
    lines = [
        ngettext(
            "%(count)s open request will be withdrawn, with your reason.",
            "%(count)s open requests will be withdrawn, with your reason.",
            open_count,
        )
        % {"count": open_count},
        ngettext(
            "%(count)s approved day or leave from %(date)s on will be cancelled.",
            "%(count)s approved days or leaves from %(date)s on will be cancelled.",
            days,
        )
        % {"count": days, "date": _shown("date", start)},
    ]
    if reports:
        lines.append(
            ngettext(
                "%(count)s direct report will have no supervisor until you give them one.",
                "%(count)s direct reports will have no supervisor until you give them one.",
                reports,
            )
            % {"count": reports}
        )
    if headed:
        lines.append(_("These units will have no head: %(units)s.") % {"units": ", ".join(headed)})
    if roles:
        lines.append(_("These roles end: %(roles)s.") % {"roles": ", ".join(roles)})
    lines.append(
        _(
            "Their requests, days and attendance so far stay with this agency. The receiving agency's HR "
            "is told to place them in a unit."
        )
    )
    return lines


@require_http_methods(["GET", "POST"])
@login_required
def employee_transfer(request: HttpRequest, employee_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    try:
        employee = org_selectors.employee_get_for(user=scope, employee_id=employee_id)
    except Http404:
        # A second tap of the button after the transfer went through: say so instead of a 404.
        done = EmployeeChange.objects.filter(
            agency_id=scope.agency_id,
            employee_id=employee_id,
            kind=EmployeeChangeKind.TRANSFERRED,
            old_id=scope.agency_id,
        ).first()
        if done is None or request.method != "POST":
            raise
        org_scope.require_role(scope, org_scope.HR_ADMIN)
        messages.info(request, _("This employee was already transferred to %(agency)s.") % {"agency": done.new_value})
        return redirect("hr-employees")
    scope, agency = _hr(request)
    today = office_today(employee)
    status = 200
    if request.method == "POST":
        form = TransferForm(request.POST, agency=agency)
        if form.is_valid():
            data = form.cleaned_data
            try:
                org_services.employee_transfer(
                    employee=employee,
                    to_agency=data["agency"],
                    actor=request.user,
                    reason=data["reason"],
                    effective_date=data["effective_date"],
                    expected_updated_at=_parse_version(data["version"]),
                )
            except ApplicationError as error:
                status = error.status_code
                form_error_show(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s was transferred to %(agency)s.")
                    % {"name": employee.name, "agency": data["agency"].name},
                )
                return redirect("hr-employees")
        else:
            status = 400
        start = getattr(form, "cleaned_data", {}).get("effective_date") or today
    else:
        form = TransferForm(initial={"version": _version_of(employee), "effective_date": today}, agency=agency)
        start = today
    context = {"employee": employee, "form": form, "summary": _transfer_summary(employee, start)}
    return render(request, "org/employee_transfer.html", context, status=status)


# ---------------------------------------------------------------------------- roles


class PersonForm(forms.Form):
    nip = forms.CharField(
        label=gettext_lazy("NIP of the employee"),
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def clean_nip(self):
        return _employee_by_nip(self.agency, self.cleaned_data["nip"])


def _roles_context(agency: Agency) -> dict:
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    holders = list(
        RoleAssignment.objects.filter(agency=agency)
        .annotate(has_totp=Exists(totp))
        .select_related("user__employee__unit")
        .order_by("role", "user__employee__name")
    )
    units = list(Unit.objects.filter(agency=agency).select_related("head").order_by("path"))
    today = org_scope_today(agency)
    deputies = list(
        Delegation.objects.filter(agency=agency, revoked_at__isnull=True, date_to__gte=today)
        .select_related("delegator", "delegate")
        .order_by("date_from", "id")[:100]
    )
    return {
        "hr_admins": [h for h in holders if h.role == Role.HR_ADMIN],
        "agency_heads": [h for h in holders if h.role == Role.AGENCY_HEAD],
        "units": units,
        "deputies": deputies,
        "mfa_required": agency.mfa_required_for_hr,
    }


def org_scope_today(agency: Agency) -> datetime.date:
    from flexwork.common.calendar import today_in

    return today_in(agency.time_zone)


@require_http_methods(["GET", "POST"])
@login_required
def roles_page(request: HttpRequest) -> HttpResponse:
    scope, agency = _hr(request)
    add_form = PersonForm(request.POST if request.POST.get("action") == "hr_add" else None, agency=agency, prefix="hr")
    head_form = PersonForm(
        request.POST if request.POST.get("action") == "head_set" else None, agency=agency, prefix="head"
    )
    status = 200
    head_unit_id = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "hr_add":
                if add_form.is_valid():
                    person = add_form.cleaned_data["nip"]
                    org_services.role_assign(agency=agency, user=person.user, role=Role.HR_ADMIN, actor=request.user)
                    messages.success(request, _("%(name)s is now an HR admin.") % {"name": person.name})
                    return redirect("hr-roles")
                status = 400
            elif action == "hr_remove":
                holder = (
                    RoleAssignment.objects.filter(
                        agency=agency, role=Role.HR_ADMIN, id=_int(request.POST.get("assignment"))
                    )
                    .select_related("user__employee")
                    .first()
                )
                if holder is None:
                    raise Http404
                org_services.role_revoke(agency=agency, user=holder.user, role=Role.HR_ADMIN, actor=request.user)
                messages.success(request, _("%(name)s is no longer an HR admin.") % {"name": holder.user.employee.name})
                return redirect("hr-roles")
            elif action in ("head_set", "head_clear"):
                unit = Unit.objects.filter(agency=agency, id=_int(request.POST.get("unit"))).first()
                if unit is None:
                    raise Http404
                head_unit_id = unit.id
                if action == "head_clear":
                    org_services.unit_head_set(unit=unit, head=None, actor=request.user)
                    messages.success(request, _("%(unit)s has no head now.") % {"unit": unit.name})
                    return redirect("hr-roles")
                if head_form.is_valid():
                    person = head_form.cleaned_data["nip"]
                    org_services.unit_head_set(unit=unit, head=person, actor=request.user)
                    messages.success(
                        request, _("%(name)s now heads %(unit)s.") % {"name": person.name, "unit": unit.name}
                    )
                    return redirect("hr-roles")
                status = 400
            else:
                status = 400
        except ApplicationError as error:
            status = error.status_code
            if action == "hr_add":
                form_error_show(add_form, error, field_names={"user": "nip"})
            elif action == "head_set":
                form_error_show(head_form, error, field_names={"head": "nip", "user": "nip"})
            else:
                messages.error(request, error.message)
    context = {
        **_roles_context(agency),
        "add_form": add_form,
        "head_form": head_form,
        "head_unit_id": head_unit_id,
        "me": scope.user_id,
    }
    return render(request, "org/roles.html", context, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


__all__ = [
    "employee_edit",
    "employee_nip",
    "employee_transfer",
    "roles_page",
]
