"""HR's positions page (docs/rules.md §3 "Eligibility of a position", §7): the agency's positions
(jabatan) with their type, their eligibility for flexible work and how many employees hold them;
create and edit with the checks of the API (`position_create`, `position_update`).

Each view: scope (404 outside) → role (403) → service → template. A form carries a one-time token,
so a double tap writes once; the edit form also carries the version it was shown with, so an edit
of a position changed meanwhile (another tab, another HR admin) is a 409 and writes nothing."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.forms import form_error_show
from flexwork.org import scope as org_scope
from flexwork.org import selectors as org_selectors
from flexwork.org import services as org_services
from flexwork.org.models import TASK_CRITERIA, Agency, Position, PositionType
from flexwork.org.models.organisation import ShiftCriterion

POSITIONS_PER_PAGE = 100
ONCE_KEEP_SECONDS = 3600
# The rule catalogue's source (schedules.policy.SOURCES["ELIG_POSITION"]), in the reader's language.
CRITERIA_SOURCE = gettext_lazy("PermenPANRB 4/2025 (task criteria)")

ERR_POSITION_STALE = gettext_lazy(
    "Someone changed this position while you were editing: nothing was saved. Check the current values and save again."
)

# What each task criterion means in practice (docs/rules.md §3 "Eligibility of a position").
CRITERIA_HELP = {
    "task_outside_office": gettext_lazy("The work does not depend on being at the office the employee is placed in."),
    "task_no_special_equipment": gettext_lazy(
        "No counter, laboratory, archive room or machine that exists only at the office is needed."
    ),
    "task_ict_feasible": gettext_lazy("The work and its results can be done and sent with a computer and the network."),
    "task_minimal_face_to_face": gettext_lazy("Little meeting in person with the public or colleagues is needed."),
    "task_no_continuous_supervision": gettext_lazy(
        "The results can be checked afterwards: nobody has to watch the work while it is done."
    ),
}


def _hr(request: HttpRequest) -> tuple[org_scope.UserScope, Agency]:
    scope = org_scope.require_agency(request.user)
    org_scope.require_role(scope, org_scope.HR_ADMIN)
    return scope, Agency.objects.get(id=scope.agency_id)


def _valid_token(token: str) -> bool:
    return bool(token) and len(token) <= 64 and token.isascii() and token.isalnum()


def _once_claim(user, token: str) -> bool:
    """Whether this rendering of the form is sent for the first time: the token is claimed atomically
    in the cache, so a double tap writes once. A form without a token is accepted."""
    if not _valid_token(token):
        return True
    return bool(cache.add(f"org:position-form:{user.pk}:{token}", 1, ONCE_KEEP_SECONDS))


def _once_release(user, token: str) -> None:
    if _valid_token(token):
        cache.delete(f"org:position-form:{user.pk}:{token}")


def _version_of(position: Position) -> str:
    return position.updated_at.isoformat()


def _parse_version(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


class PositionForm(forms.Form):
    """Every field `position_create` and `position_update` take, with the API's bounds."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("Each row of the employee import names its position by this code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=[("", "—"), *PositionType.choices])
    task_outside_office = forms.BooleanField(required=False)
    task_no_special_equipment = forms.BooleanField(required=False)
    task_ict_feasible = forms.BooleanField(required=False)
    task_minimal_face_to_face = forms.BooleanField(required=False)
    task_no_continuous_supervision = forms.BooleanField(required=False)
    is_fwa_eligible = forms.BooleanField(
        label=gettext_lazy("Eligible for flexible work"),
        required=False,
        help_text=gettext_lazy("Only when the task meets all five criteria above."),
    )
    shift_eligible = forms.BooleanField(
        label=gettext_lazy("Works shifts"),
        required=False,
        help_text=gettext_lazy("Holders may be rostered on shifts (PermenPANRB 4/2025, flexible shift work)."),
    )
    shift_criterion = forms.ChoiceField(
        label=gettext_lazy("Why the position works shifts"),
        required=False,
        choices=[("", "—"), *ShiftCriterion.choices],
        help_text=gettext_lazy("Required when the position works shifts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TASK_CRITERIA:
            field = self.fields[name]
            field.label = Position._meta.get_field(name).verbose_name
            field.help_text = CRITERIA_HELP[name]

    def clean(self):
        data = super().clean()
        if data.get("shift_eligible") and not data.get("shift_criterion"):
            self.add_error(
                "shift_criterion",
                _("A position that works shifts names why: over 8 h 30 min a day, or over 5 days a week."),
            )
        elif not data.get("shift_eligible"):
            data["shift_criterion"] = ""
        return data

    def criteria(self) -> list[forms.BoundField]:
        return [self[name] for name in TASK_CRITERIA]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in org_services.POSITION_FIELDS}


class PositionEditForm(PositionForm):
    version = forms.CharField(widget=forms.HiddenInput)


def _show_error(form: PositionForm, error: ApplicationError) -> None:
    # The only error of a whole Position row is its unique code in the agency (the eligibility
    # constraint is reported on is_fwa_eligible by Position.clean): put it on the code field.
    form_error_show(form, error, field_names={"__all__": "code"})


@require_http_methods(["GET", "POST"])
@login_required
def position_list(request: HttpRequest) -> HttpResponse:
    _scope, agency = _hr(request)
    form = PositionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        once = request.POST.get("once", "")
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This position was sent twice; it is saved once."))
                return redirect("hr-positions")
            data = form.service_data()
            try:
                position = org_services.position_create(
                    agency=agency, code=data.pop("code"), name=data.pop("name"), type=data.pop("type"), **data
                )
            except ApplicationError as error:
                _once_release(request.user, once)
                _show_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The position “%(name)s” was added.") % {"name": position.name})
                return redirect("hr-positions")
        else:
            status = 400
    positions = (
        Position.objects.filter(agency=agency)
        .annotate(holders=Count("employees", filter=Q(employees__is_active=True)))
        .order_by("name", "code")
    )
    page = Paginator(positions, POSITIONS_PER_PAGE).get_page(request.GET.get("page"))
    # A fresh one-time token for every rendering (a refused form's token was released or never claimed).
    context = {"form": form, "page": page, "criteria_source": CRITERIA_SOURCE, "once": uuid.uuid4().hex}
    return render(request, "org/positions.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def position_edit(request: HttpRequest, position_id: int) -> HttpResponse:
    scope = org_scope.require_agency(request.user)
    position = org_selectors.position_get_for(user=scope, position_id=position_id)  # 404 outside the agency
    _scope, agency = _hr(request)  # then 403 for a role that may not write
    status = 200
    if request.method == "POST":
        form = PositionEditForm(request.POST)
        once = request.POST.get("once", "")
        if form.is_valid():
            if not _once_claim(request.user, once):
                messages.info(request, _("This position was sent twice; it is saved once."))
                return redirect("hr-positions")
            data = form.service_data()
            try:
                changed = _save(position, data=data, version=_parse_version(form.cleaned_data["version"]))
            except ApplicationError as error:
                _once_release(request.user, once)
                status = error.status_code
                if isinstance(error, ConflictError):
                    # What was typed stays; the version moves on, so saving again is deliberate.
                    position = org_selectors.position_get_for(user=scope, position_id=position_id)
                    fresh = request.POST.copy()
                    fresh["version"] = _version_of(position)
                    form = PositionEditForm(fresh)
                    form.is_valid()
                _show_error(form, error)
            else:
                if changed:
                    messages.success(request, _("The position “%(name)s” was saved.") % {"name": position.name})
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("hr-positions")
        else:
            status = 400
    else:
        initial = {name: getattr(position, name) for name in org_services.POSITION_FIELDS}
        form = PositionEditForm(initial={**initial, "version": _version_of(position)})
    holders = position.employees.filter(is_active=True).count()
    context = {
        "form": form,
        "position": position,
        "holders": holders,
        "criteria_source": CRITERIA_SOURCE,
        "once": uuid.uuid4().hex,
    }
    return render(request, "org/positions_edit.html", context, status=status)


@transaction.atomic
def _save(position: Position, *, data: dict, version: datetime.datetime | None) -> bool:
    """Lock the row, refuse a stale form (409), then the API's service. Whether anything changed."""
    locked = Position.objects.select_for_update().get(id=position.id)
    if version is None or locked.updated_at != version:
        raise ConflictError(str(ERR_POSITION_STALE), code="stale")
    changed = any(getattr(locked, name) != value for name, value in data.items())
    if changed:
        org_services.position_update(position=locked, data=data)
    return changed
