"""HR's directive pages: the list with the form to declare one, and a directive's page to edit or
withdraw it (docs/rules.md §3, "Directives"). They call the same services as the API
(schedules/directives.py). Scope first (another agency's directive is 404), then the role (403);
a stale or repeated change answers 409 and writes nothing."""

from __future__ import annotations

import datetime
import uuid

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from schedules import forms, selectors
from schedules.directives import directive_create, directive_today, directive_update, directive_withdraw

PAGE_SIZE = 25
ONCE_KEEP_SECONDS = 3600
EDITABLE = ("unit", "date_from", "date_to", "allowed_locations", "max_share_percent", "message")


class DirectiveWithdrawForm(django_forms.Form):
    reason = django_forms.CharField(
        label=gettext_lazy("Why is it withdrawn?"),
        max_length=2000,
        widget=django_forms.Textarea({"rows": 2}),
        help_text=gettext_lazy("Everyone it covers is told, with this reason."),
    )


def _hr(request) -> org_scope.UserScope:
    scope = org_scope.require_agency(request.user)
    request.fw_scope = scope
    return scope


def _valid_token(token: str) -> bool:
    return bool(token) and len(token) <= 64 and token.isascii() and token.isalnum()


def _once_claim(user, token: str) -> bool:
    """Whether this rendering of the form is sent for the first time: the token is claimed atomically
    in the cache, so a double tap declares one directive. A form without a token is accepted."""
    if not _valid_token(token):
        return True
    return bool(cache.add(f"schedules:directive-form:{user.pk}:{token}", 1, ONCE_KEEP_SECONDS))


def _once_release(user, token: str) -> None:
    if _valid_token(token):
        cache.delete(f"schedules:directive-form:{user.pk}:{token}")


def _version(directive) -> str:
    return directive.updated_at.isoformat()


def _parse_version(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@login_required
def directives(request):
    scope = _hr(request)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    units = org_scope.visible_units(scope).order_by("name")
    form = forms.DirectiveForm(request.POST or None, units=units)
    once = request.POST.get("once", "") if request.method == "POST" else ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This directive was sent twice; it is declared once."))
                return redirect("schedules-directives")
            data = form.cleaned_data
            try:
                directive_create(
                    agency_id=scope.agency_id,
                    unit=data.get("unit"),
                    date_from=data["date_from"],
                    date_to=data["date_to"],
                    allowed_locations=data["allowed_locations"],
                    max_share_percent=data.get("max_share_percent"),
                    message=data["message"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                _once_release(request.user, once)
                form_error_show(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The directive was declared. Everyone it covers is being told."))
                return redirect("schedules-directives")
        else:
            status = 400
    page = Paginator(selectors.directive_list_for(user=scope), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "once": once or uuid.uuid4().hex}
    return render(request, "schedules/directives.html", context, status=status)


def _detail_context(directive, *, form, withdraw_form, today) -> dict:
    return {
        "directive": directive,
        "form": form,
        "withdraw_form": withdraw_form,
        "version": _version(directive),
        "ended": directive.date_to < today,
        "started": directive.date_from <= today,
        "withdrawn": directive.withdrawn_at is not None,
    }


def _edit_form(request, directive, *, units, started: bool, data=None):
    initial = {name: getattr(directive, name) for name in EDITABLE}
    form = forms.DirectiveForm(data, units=units, initial=initial)
    if started:
        # The first day of a running directive stays (docs/rules.md §3, "Directives").
        form.fields["date_from"].disabled = True
    return form


@require_http_methods(["GET", "POST"])
@login_required
def directive_detail(request, directive_id: int):
    scope = _hr(request)
    directive = selectors.directive_get_for(user=scope, directive_id=directive_id)  # 404 outside the agency
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    units = org_scope.visible_units(scope).order_by("name")
    today = directive_today(directive)
    started = directive.date_from <= today
    form = _edit_form(request, directive, units=units, started=started, data=request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in EDITABLE if name in form.changed_data}
            try:
                directive = directive_update(
                    directive=directive,
                    data=data,
                    actor=request.user,
                    expected_updated_at=_parse_version(request.POST.get("version")),
                )
            except ApplicationError as exc:
                form_error_show(form, exc)
                status = exc.status_code
                directive.refresh_from_db()
            else:
                messages.success(request, _("The directive was changed. Everyone it covers is being told."))
                return redirect("schedules-directive", directive_id=directive.id)
        else:
            status = 400
    context = _detail_context(directive, form=form, withdraw_form=DirectiveWithdrawForm(), today=today)
    return render(request, "schedules/directive_detail.html", context, status=status)


@require_POST
@login_required
def directive_withdraw_view(request, directive_id: int):
    scope = _hr(request)
    directive = selectors.directive_get_for(user=scope, directive_id=directive_id)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    withdraw_form = DirectiveWithdrawForm(request.POST)
    status = 400
    if withdraw_form.is_valid():
        try:
            directive_withdraw(
                directive=directive,
                reason=withdraw_form.cleaned_data["reason"],
                actor=request.user,
                expected_updated_at=_parse_version(request.POST.get("version")),
            )
        except ConflictError as exc:
            if directive.withdrawn_at is None:
                directive.refresh_from_db()
            withdraw_form.add_error(None, exc.message)
            status = 409
        except ApplicationError as exc:
            form_error_show(withdraw_form, exc)
            status = exc.status_code
        else:
            messages.success(
                request,
                _("The directive was withdrawn. Everyone it covered is being told; their own plans apply again."),
            )
            return redirect("schedules-directives")
    today = directive_today(directive)
    units = org_scope.visible_units(scope).order_by("name")
    form = _edit_form(request, directive, units=units, started=directive.date_from <= today)
    context = _detail_context(directive, form=form, withdraw_form=withdraw_form, today=today)
    return render(request, "schedules/directive_detail.html", context, status=status)
