"""Pages of the accounts app: start page, profile, language switch and personal API tokens.
They call the same services and selectors as the token API."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from flexwork.accounts.forms import ApiTokenCreateForm, LanguageForm
from flexwork.accounts.selectors import (
    api_token_get_for,
    api_token_list_for,
    first_steps_for,
    user_has_totp,
    user_must_have_mfa,
)
from flexwork.accounts.services import api_token_create, api_token_revoke, user_first_steps_dismiss, user_language_set
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.forms import form_error_show


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    from flexwork.org.models import Employee
    from flexwork.org.scope import AGENCY_HEAD, SUPERVISOR, UNIT_HEAD, scope_for
    from flexwork.reports.dashboards import hr_dashboard, me_dashboard

    scope = scope_for(request.user)
    display_name = request.user.get_full_name() or request.user.get_username()
    if scope.employee_id is not None:  # staff are greeted by the name HR recorded, not by their NIP
        display_name = (
            Employee.objects.filter(id=scope.employee_id).values_list("name", flat=True).first() or display_name
        )
    context = {"now": timezone.now(), "display_name": display_name}
    if scope.agency_id is not None:  # staff of an agency: their day, schedule, requests and targets
        context["me"] = me_dashboard(user=scope)
        context["leads_team"] = bool(scope.roles & {SUPERVISOR, UNIT_HEAD})
        context["first_steps"] = first_steps_for(user=request.user)
        if AGENCY_HEAD in scope.roles:  # the head of the agency starts from the agency's day
            context["agency_view"] = hr_dashboard(user=scope)
    return render(request, "home.html", context)


@require_POST
@login_required
def first_steps_dismiss(request: HttpRequest) -> HttpResponse:
    """Close the home page's first steps (a plain form POST: no script needed)."""
    user_first_steps_dismiss(user=request.user)
    return redirect("home")


@require_GET
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    context = {
        "language_form": LanguageForm(initial={"language": request.user.language}),
        "has_totp": user_has_totp(user=request.user),
        "mfa_required": user_must_have_mfa(user=request.user),
        "active_token_count": api_token_list_for(user=request.user)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .count(),
    }
    return render(request, "accounts/profile.html", context)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.headers.get("Referer") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: a cookie (read first by UserLanguageMiddleware) and, when logged in,
    the profile, so that e-mails and API answers follow the same choice."""
    form = LanguageForm(request.POST)
    response = HttpResponseRedirect(_safe_next(request))
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered languages."))
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# Creating a token asks for the password (or the authenticator app) again unless the user signed in or
# confirmed it within ACCOUNT_REAUTHENTICATION_TIMEOUT (AccountAdapter.is_reauthentication_required):
# a session left open on a shared PC must not be turned into a key that outlives it. allauth keeps the
# POST while the user confirms and then replays it, so the token is made and shown once as usual.
TOKEN_REAUTHENTICATION_APP = "flexwork.accounts"


@never_cache  # the POST answer carries a key that must never be cached
@require_http_methods(["GET", "POST"])
@login_required
@reauthentication_required(allow_get=True, app=TOKEN_REAUTHENTICATION_APP)
def token_list(request: HttpRequest) -> HttpResponse:
    new_token = new_key = None
    status = 200
    if request.method == "POST":
        form = ApiTokenCreateForm(request.POST)
        if form.is_valid():
            try:
                new_token, new_key = api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except ApplicationError as error:
                form_error_show(form, error)
        if new_token is None:
            status = 400
        else:
            # The key is shown once, in this very answer; a fresh form for the next token.
            form = ApiTokenCreateForm()
    else:
        form = ApiTokenCreateForm()
    context = {
        "form": form,
        "tokens": api_token_list_for(user=request.user),
        "new_token": new_token,
        "new_key": new_key,
        "api_url": request.build_absolute_uri(reverse("api-token-list")),
    }
    return render(request, "accounts/token_list.html", context, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get_for(user=request.user, token_id=token_id)
    try:
        api_token_revoke(token=token)
    except ConflictError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("token-list")


def rate_limited(request: HttpRequest, exception=None) -> HttpResponse:
    """handler429, used by allauth's rate limits (failed logins, password resets)."""
    from flexwork.api.errors import json_error
    from flexwork.common.middleware import is_api_path

    message = _("Too many attempts. Wait a few minutes, then try again.")
    if is_api_path(request.path):
        return json_error(429, message, "rate_limited")
    context = {"title": _("Too many attempts"), "message": message}
    return render(request, "errors/error.html", context, status=429)
