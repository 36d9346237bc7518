"""Pages of duty swaps and "my duties" (docs/rules.md §8): staff of a roster unit see their next 14
days and offer a shift to a colleague; the colleague accepts or declines; the head of the roster's
unit approves or rejects. Every form carries the swap's version (`updated_at`): a double tap or a
stale page is a 409 and writes nothing."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from flexwork.approvals import services as approval_services
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import office_today, office_zone_name
from flexwork.common.exceptions import ApplicationError
from flexwork.common.nav import require_page
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from shifts import swaps
from shifts.api_swaps import allowed_actions
from shifts.models import Duty, DutyKind, DutySwap, SwapAnswer
from shifts.selectors import duties_between, works_roster
from shifts.swap_forms import SwapActionForm, SwapRequestForm

S = ApprovalStatus
DAYS_AHEAD = 14
COLLEAGUE_DAYS_AHEAD = 31
ACTIONS = ("accept", "decline", "approve", "reject", "withdraw")
DONE = {
    "accept": gettext_lazy("You accepted the swap. The unit head decides now."),
    "decline": gettext_lazy("You declined the swap. Your colleague is told."),
    "approve": gettext_lazy("Swap approved: the duties are changed and both people are told."),
    "reject": gettext_lazy("Swap rejected: the duties stay as they were."),
    "withdraw": gettext_lazy("Swap withdrawn."),
}


def _me(request) -> Employee:
    scope = org_scope.scope_for(request.user)
    if scope.employee_id is None or scope.agency_id is None:
        raise PermissionDenied(_("Your role does not allow this."))
    return Employee.objects.select_related("unit__agency", "agency", "user").get(id=scope.employee_id)


def _parse_version(value: str | None) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def state_label(swap: DutySwap) -> str:
    """Where the swap stands, in words."""
    if swap.status == S.DRAFT:
        return _("Waiting for %(name)s") % {"name": swap.colleague.name}
    if swap.status == S.SUBMITTED:
        return _("Waiting for the unit head's decision")
    if swap.status == S.WITHDRAWN and swap.answer == SwapAnswer.DECLINED:
        return _("Declined by %(name)s") % {"name": swap.colleague.name}
    return str(swap.get_status_display())


def _card(swap: DutySwap, zone: str) -> dict:
    return {
        "swap": swap,
        "state": state_label(swap),
        "open": swap.status in swaps.OPEN_STATUSES,
        "version": swap.updated_at.isoformat(),
    }


# ---------------------------------------------------------------------------- my duties


@login_required
def my_duties(request):
    require_page(request.user, "shifts:my_duties")  # staff of units on rosters (flexwork/common/nav.py)
    me = _me(request)
    zone = office_zone_name(me)
    today = office_today(me)
    roster = works_roster(me)
    duties = (
        list(
            duties_between(employee_id=me.id, date_from=today, date_to=today + datetime.timedelta(days=DAYS_AHEAD - 1))
        )
        if roster
        else []
    )
    open_swaps = {
        row["duty_id"]: row["id"]
        for row in DutySwap.objects.filter(
            employee_id=me.id, status__in=swaps.OPEN_STATUSES, duty_id__in=[d.id for d in duties]
        ).values("id", "duty_id")
    }
    now = timezone.now()
    by_date = {d.duty_date: d for d in duties}
    days = []
    for offset in range(DAYS_AHEAD if roster else 0):
        date = today + datetime.timedelta(days=offset)
        duty = by_date.get(date)
        days.append(
            {
                "date": date,
                "duty": duty,
                "is_today": offset == 0,
                "swappable": duty is not None
                and duty.kind == DutyKind.SHIFT
                and duty.start_at > now
                and duty.id not in open_swaps,
                "open_swap_id": open_swaps.get(duty.id) if duty else None,
            }
        )
    shift_types = list({d.shift_type_id: d.shift_type for d in duties if d.shift_type_id}.values())
    context = {"days": days, "zone": zone, "works_roster": roster, "me": me, "shift_types": shift_types}
    return render(request, "shifts/my_duties.html", context)


# ---------------------------------------------------------------------------- asking


def _colleague_choices(me: Employee, duty: Duty, zone: str):
    colleagues = list(
        Employee.objects.filter(agency_id=me.agency_id, unit_id=duty.roster.unit_id, is_active=True)
        .exclude(id=me.id)
        .order_by("name", "id")
    )
    start = duty.duty_date - datetime.timedelta(days=COLLEAGUE_DAYS_AHEAD)
    their = (
        Duty.objects.filter(
            employee_id__in=[c.id for c in colleagues],
            is_active=True,
            is_published=True,
            kind=DutyKind.SHIFT,
            start_at__gt=timezone.now(),
            duty_date__range=(start, duty.duty_date + datetime.timedelta(days=COLLEAGUE_DAYS_AHEAD)),
        )
        .select_related("shift_type")
        .order_by("duty_date", "start_at")
    )
    names = {c.id: c.name for c in colleagues}
    grouped: dict[int, list] = {}
    for d in their:
        grouped.setdefault(d.employee_id, []).append((d.id, swaps.duty_text(d, zone)))
    duty_choices = [(names[cid], grouped[cid]) for cid in names if cid in grouped]
    return [(c.id, c.name) for c in colleagues], duty_choices, {d.id: d for d in their}


@require_http_methods(["GET", "POST"])
@login_required
def swap_new(request):
    me = _me(request)
    zone = office_zone_name(me)
    duty_id = request.GET.get("duty") or request.POST.get("duty")
    if not (duty_id or "").isdigit():
        raise Http404
    duty = (
        Duty.objects.select_related("shift_type", "roster", "unit")
        .filter(id=int(duty_id), employee_id=me.id, is_active=True, is_published=True)
        .first()
    )
    if duty is None:
        raise Http404
    colleagues, colleague_duties, their = _colleague_choices(me, duty, zone)
    form = SwapRequestForm(request.POST or None, colleagues=colleagues, colleague_duties=colleague_duties)
    error_items = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        colleague = Employee.objects.select_related("user").filter(id=data["colleague"]).first()
        colleague_duty = their.get(data["colleague_duty"]) if data["colleague_duty"] else None
        try:
            swap = swaps.swap_request(
                duty=duty, colleague=colleague, colleague_duty=colleague_duty, reason=data["reason"], actor=request.user
            )
        except ApplicationError as exc:
            if exc.status_code == 409:
                # A double tap: the first request stands.
                existing = DutySwap.objects.filter(duty_id=duty.id, status__in=swaps.OPEN_STATUSES).first()
                if existing is not None:
                    messages.info(request, str(exc.message))
                    return redirect("shifts:swap", swap_id=existing.id)
            status = exc.status_code
            error_items = _error_items(exc, form)
        else:
            messages.success(request, _("Your colleague is asked. You are told when they answer."))
            return redirect("shifts:swap", swap_id=swap.id)
    elif request.method == "POST":
        status = 400
        error_items = [
            {"text": error, "href": f"#{form[name].auto_id}"}
            for name, errors in form.errors.items()
            for error in errors
        ]
    return render(
        request,
        "shifts/swap_new.html",
        {"form": form, "duty": duty, "zone": zone, "error_items": error_items},
        status=status,
    )


def _error_items(exc: ApplicationError, form=None) -> list[dict]:
    items = []
    for violation in getattr(exc, "violations", None) or []:
        items.append({"text": violation["message"], "code": violation["code"]})
    if not items:
        items.append({"text": str(exc.message)})
    if form is not None:
        for name, errors in (getattr(exc, "fields", None) or {}).items():
            if name in form.fields:
                for error in errors:
                    form.add_error(name, error)
    return items


# ---------------------------------------------------------------------------- lists and detail


@login_required
def swap_list(request):
    require_page(request.user, "shifts:swaps")  # staff of units on rosters (flexwork/common/nav.py)
    me = _me(request)
    zone = office_zone_name(me)
    visible = list(swaps.swaps_for(user=request.user).filter(employee_id=me.id)[:50]) + list(
        swaps.swaps_for(user=request.user).filter(colleague_id=me.id)[:50]
    )
    mine = [_card(s, zone) for s in visible if s.employee_id == me.id]
    asked = [_card(s, zone) for s in visible if s.colleague_id == me.id]
    deciding = [_card(s, zone) for s in swaps.waiting_for_decision(user=request.user)[:50]]
    return render(
        request,
        "shifts/swaps.html",
        {
            "mine": mine,
            "asked": asked,
            "deciding": deciding,
            "zone": zone,
            "me": me,
            "answer_actions": ["accept", "decline"],
            # A head who is not on the roster asks and answers no swaps: only the decisions show.
            "on_roster": works_roster(me),
        },
    )


@login_required
def swap_detail(request, swap_id: int):
    swap = swaps.swap_get_for(user=request.user, swap_id=swap_id)
    return _detail_page(request, swap)


HISTORY = {
    "submit": gettext_lazy("Accepted by the colleague; sent to the unit head"),
    "approve": gettext_lazy("Approved"),
    "withdraw": gettext_lazy("Withdrawn"),
    "expire": gettext_lazy("Expired"),
    "escalate": gettext_lazy("Escalated"),
    "reroute": gettext_lazy("Sent to another decider"),
}


def _history_label(row) -> str:
    if row.action == "reject":
        return str(_("Declined by the colleague") if row.from_status == S.DRAFT else _("Rejected"))
    return str(HISTORY.get(row.action, row.get_to_status_display()))


def _detail_page(request, swap: DutySwap, *, error_items=None, typed=None, status: int = 200):
    me = _me(request)
    zone = office_zone_name(me)
    actions = allowed_actions(swap, request.user)
    warnings = swaps.swap_warnings(swap)
    return render(
        request,
        "shifts/swap_detail.html",
        {
            "card": _card(swap, zone),
            "swap": swap,
            "zone": zone,
            "actions": actions,
            "warnings": warnings,
            "needs_override": bool(warnings) and "approve" in actions,
            "transitions": [
                {"row": row, "label": _history_label(row)} for row in approval_services.transitions_for(swap)
            ],
            "error_items": error_items or [],
            "typed": typed or {},
        },
        status=status,
    )


@require_POST
@login_required
def swap_action(request, swap_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    swap = swaps.swap_get_for(user=request.user, swap_id=swap_id)
    form = SwapActionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    version = _parse_version(data.get("version"))
    try:
        if action == "accept":
            swaps.swap_accept(swap=swap, actor=request.user, expected_updated_at=version)
        elif action == "decline":
            swaps.swap_decline(swap=swap, actor=request.user, expected_updated_at=version, note=data.get("note", ""))
        else:
            swaps.swap_act(
                swap=swap,
                action=action,
                actor=request.user,
                note=data.get("note", ""),
                override_reason=data.get("override_reason", ""),
                expected_updated_at=version,
            )
    except ApplicationError as exc:
        fresh = swaps.swap_get_for(user=request.user, swap_id=swap_id)
        return _detail_page(request, fresh, error_items=_error_items(exc), typed=data, status=exc.status_code)
    messages.success(request, str(DONE[action]))
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(reverse("shifts:swap", args=[swap.id]))
