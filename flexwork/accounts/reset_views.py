"""Pages for a lost password or phone (flexwork/accounts/reset.py, docs/rules.md §7): the person's
reset page (anonymous) and HR's two acts on the employee page. Each HR view: scope (404 outside) →
role (403) → service → template."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from flexwork.accounts import reset
from flexwork.accounts.adapters import AccountAdapter
from flexwork.common.exceptions import ApplicationError
from flexwork.common.forms import form_error_show

# A recent sign-in or reauthentication (ACCOUNT_REAUTHENTICATION_TIMEOUT) is required, as for a new API
# token (flexwork.accounts.views.token_list): a session left open on a shared PC must not reset accounts.
HR_REAUTHENTICATION_APP = "flexwork.accounts"


class PasswordResetCodeForm(forms.Form):
    nip = forms.CharField(
        label=gettext_lazy("NIP"),
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Reset code"),
        max_length=32,
        help_text=gettext_lazy("The code HR gave you, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=reset.REASON_MAX_LENGTH,
        help_text=gettext_lazy("For example: phone lost on 1 December, reported in person."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_page(request: HttpRequest) -> HttpResponse:
    """NIP + the code from HR + a new password. Never logs in: the login that follows asks for the
    authenticator app of whoever has one."""
    if request.method == "POST":
        form = PasswordResetCodeForm(request.POST)
        if form.is_valid():
            try:
                reset.password_reset_with_code(
                    nip=form.cleaned_data["nip"],
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["password1"],
                    address=AccountAdapter(request).get_client_ip(request),
                )
            except ApplicationError as error:
                form_error_show(form, error, field_names={"password": "password1"})
                return render(request, "accounts/reset.html", {"form": form}, status=error.status_code)
            messages.success(request, _("Your new password is set. Log in with it (and your authenticator app)."))
            return redirect("account_login")
        return render(request, "accounts/reset.html", {"form": form}, status=400)
    form = PasswordResetCodeForm(initial={"nip": request.GET.get("nip", "")[:18]})
    return render(request, "accounts/reset.html", {"form": form})


def _employee_for_hr(request: HttpRequest, employee_id: int):
    from flexwork.org import scope as org_scope
    from flexwork.org import selectors as org_selectors

    scope = org_scope.require_agency(request.user)
    employee = org_selectors.employee_get_for(user=scope, employee_id=employee_id)  # 404 outside the scope
    org_scope.require_role(scope, org_scope.HR_ADMIN)  # 403 inside it
    return employee


@never_cache  # the answer carries the code
@require_POST
@login_required
@reauthentication_required(app=HR_REAUTHENTICATION_APP)
def hr_password_reset_issue(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = _employee_for_hr(request, employee_id)
    try:
        seen = int(request.POST.get("seen_latest", ""))
    except ValueError:
        seen = None
    try:
        row, code = reset.password_reset_code_issue(employee=employee, actor=request.user, seen_latest_id=seen)
    except ApplicationError as error:
        context = {"employee": employee, "error": error.message}
        return render(request, "accounts/reset_code_issued.html", context, status=error.status_code)
    context = {"employee": employee, "code": code, "row": row, "hours": reset.RESET_CODE_HOURS}
    response = render(request, "accounts/reset_code_issued.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
@reauthentication_required(allow_get=True, app=HR_REAUTHENTICATION_APP)
def hr_mfa_reset(request: HttpRequest, employee_id: int) -> HttpResponse:
    from flexwork.accounts.selectors import user_has_totp

    employee = _employee_for_hr(request, employee_id)
    status = 200
    if request.method == "POST":
        form = MfaResetForm(request.POST)
        if form.is_valid():
            try:
                reset.mfa_reset_by_hr(employee=employee, actor=request.user, reason=form.cleaned_data["reason"])
            except ApplicationError as error:
                form_error_show(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Two-factor authentication of %(name)s was reset; they were told.") % {"name": employee.name},
                )
                return redirect("hr-employee-detail", employee_id=employee.id)
        else:
            status = 400
    else:
        form = MfaResetForm()
    context = {"employee": employee, "form": form, "has_totp": user_has_totp(user=employee.user)}
    return render(request, "accounts/reset_mfa.html", context, status=status)
