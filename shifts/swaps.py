"""Duty swaps (tukar dinas, docs/rules.md §8 "Changes and swaps") through the approval engine.

A (the employee) offers a published duty to colleague B of the same roster unit, optionally taking one
of B's duties (on any date) in return. The swap is a draft while it waits for B: B accepts (the soft
rules are checked and the engine submits it to the head of the roster's unit) or declines (it ends and
A is told). The head approves or rejects as for every other kind; approved, both duties are replaced
at once under row locks: both people's rows in id order, the swap's, then every duty involved in id
order, re-read; the engine takes the same order on every path (`engine.lock`, the spec's `lock_people`). A duty
that has started (or is past) cannot be swapped (hard SWAP_STARTED); a result that overlaps another
duty of the person is refused (hard DUTY_OVERLAP, also the database's exclusion constraint). An
undecided swap expires when the earlier duty starts (`expires_at`, swept by shifts/tasks.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from flexwork.approvals import engine as approval_engine
from flexwork.approvals import services as approval_services
from flexwork.approvals.models import ApprovalAction, ApprovalKind, ApprovalStatus, ApprovalStep
from flexwork.approvals.registry import ALL_ACTIONS, ApprovalSpec, Move, Notice, spec_register
from flexwork.common.calendar import unit_zone_name
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.i18n import user_language
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from shifts.models import Duty, DutyKind, DutyLocation, DutySource, DutySwap, SwapAnswer

S = ApprovalStatus
A = ApprovalAction
STALE = approval_engine.STALE
# Undecided: waiting for the colleague (a draft) or for the unit head (submitted).
OPEN_STATUSES = (S.DRAFT, S.SUBMITTED)
SWAP_ACTIONS = frozenset({A.SUBMIT, A.APPROVE, A.REJECT, A.WITHDRAW})
# What the hooks and notices read, loaded with the locked row.
SWAP_RELATED = (
    "employee__user",
    "employee__unit",
    "employee__agency",
    "colleague__user",
    "duty__unit__agency",
    "duty__shift_type",
    "colleague_duty__shift_type",
)

ERR_REASON = _("Give a reason.")
ERR_NOT_YOURS = _("You can only offer your own duties.")
ERR_NOT_A_SHIFT = _("Only a published shift can be swapped.")
ERR_STARTED = _("This duty has started or is over: it can no longer be swapped.")
ERR_COLLEAGUE = _("Choose a colleague of the same unit.")
ERR_COLLEAGUE_DUTY = _("Choose one of your colleague's published shifts.")
ERR_OPEN_SWAP = _("A swap of this duty is already waiting.")
ERR_NOT_COLLEAGUE = _("Only the colleague asked can answer this swap.")
ERR_ANSWERED = _("This swap was answered or ended meanwhile; reload the page.")
ERR_CHANGED = _("This swap changed meanwhile; reload the page and try again.")
ERR_DUTY_CHANGED = _("A duty of this swap changed meanwhile; the swap cannot go ahead.")
ERR_HAS_DUTY = _("%(name)s already has a duty on %(date)s.")
ERR_OVERLAP = _("After the swap %(name)s would have two duties at the same time.")
ERR_OVERRIDE_REQUIRED = _("Give a reason to approve over the warnings.")
ERR_NO_DECIDER = _(
    "Nobody can decide this swap: the unit has no active head who is not one of the two people. HR must appoint "
    "the head of %(unit)s or mark a decision level above it."
)


def _violation(code: str, severity: str, message, dates=()) -> dict:
    from schedules.policy import Violation

    return Violation(code, severity, message, tuple(dates)).as_dict()


def _hard(code: str, message, dates=(), *, field_name: str | None = None) -> ApplicationError:
    message = str(message)
    return ApplicationError(
        message,
        code="policy_violation",
        violations=[_violation(code, "hard", message, dates)],
        fields={field_name: [message]} if field_name else None,
    )


# ---------------------------------------------------------------------------- who sees and decides


def swaps_for(*, user) -> QuerySet[DutySwap]:
    """The swaps `user` may see: their own, asked of them, waiting for them (or whom they act for),
    of the units they head; HR and the agency head see the agency's. Anything else is a 404."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return DutySwap.objects.none()
    qs = DutySwap.objects.filter(agency_id=scope.agency_id)
    if not scope.agency_wide:
        me = scope.employee_id
        qs = qs.filter(
            Q(employee_id=me)
            | Q(colleague_id=me)
            | Q(decider_id=me)
            | Q(escalated_to_id=me)
            | Q(duty__unit__head_id=me)
            | Q(decider_id__in=approval_services.delegators_of(user=scope, kind=ApprovalKind.SWAP))
        )
    return qs.select_related(
        "employee__user",
        "colleague__user",
        "decider",
        "duty__shift_type",
        "duty__unit__agency",
        "colleague_duty__shift_type",
    ).order_by("-created_at", "-id")


def swap_get_for(*, user, swap_id: int) -> DutySwap:
    from django.http import Http404

    swap = swaps_for(user=user).filter(id=swap_id).first()
    if swap is None:
        raise Http404
    return swap


def waiting_for_decision(*, user) -> QuerySet[DutySwap]:
    """Swaps at the decision step that `user` may decide now (themself, escalated, or as a delegate)."""
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return DutySwap.objects.none()
    me = scope.employee_id
    principals = Q(decider_id=me) | Q(escalated_to_id=me)
    principals |= Q(decider_id__in=approval_services.delegators_of(user=scope, kind=ApprovalKind.SWAP))
    return (
        swaps_for(user=scope)
        .filter(status=S.SUBMITTED, step=ApprovalStep.DECIDE)
        .filter(principals)
        .exclude(employee_id=me)
        .order_by("expires_at", "id")
    )


def _unit_head_chain(swap: DutySwap) -> approval_services.Chain:
    """The decider of a swap: the head of the roster's unit; when that head is one of the two people
    (or vacant or inactive), the next decision level up, as for a head's own request."""
    duty = Duty.objects.select_related("roster__unit__head").get(id=swap.duty_id)
    unit = duty.roster.unit
    people = {swap.employee_id, swap.colleague_id}
    head = unit.head if unit is not None else None
    if head is not None and head.is_active and head.id not in people:
        return approval_services.Chain(recommender=None, decider=head)
    above = None
    if head is not None:
        above = org_scope.decider_for(Employee.objects.select_related("unit").get(id=head.id))
    if above is None:
        above = org_scope.decider_for(swap.employee)
    if above is not None and above.id in people:
        above = None
    return approval_services.Chain(recommender=None, decider=above)


def _no_decider_message(swap: DutySwap) -> str:
    return str(ERR_NO_DECIDER % {"unit": swap.duty.unit.name})


# ---------------------------------------------------------------------------- the plan of a swap


@dataclass
class Plan:
    """What approving the swap writes: the duties that become inactive and the new ones (unsaved),
    with `replaced_by` of each old duty given as an index into `new`."""

    old: list[Duty] = field(default_factory=list)
    new: list[Duty] = field(default_factory=list)
    replaced_by: dict[int, int] = field(default_factory=dict)  # old duty id → index in new

    def replacing(self) -> dict:
        """(employee_id, duty_date) → the new duty or None, for shifts.warnings.warnings_for."""
        found: dict = {(d.employee_id, d.duty_date): None for d in self.old}
        for duty in self.new:
            found[(duty.employee_id, duty.duty_date)] = duty
        return found


def _copy_to(duty: Duty, employee: Employee, *, now) -> Duty:
    """A SWAP duty for `employee` with the times of `duty` (the instants are kept as they were)."""
    return Duty(
        agency_id=duty.agency_id,
        roster_id=duty.roster_id,
        employee=employee,
        duty_date=duty.duty_date,
        kind=duty.kind,
        shift_type_id=duty.shift_type_id,
        start_at=duty.start_at,
        end_at=duty.end_at,
        break_minutes=duty.break_minutes,
        net_minutes=duty.net_minutes,
        checkin_open_before=duty.checkin_open_before,
        checkout_close_after=duty.checkout_close_after,
        is_night=duty.is_night,
        location=DutyLocation.OFFICE,
        source=DutySource.SWAP,
        is_active=True,
        is_published=duty.is_published,
        holiday_worked=duty.holiday_worked,
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
    )


def _day_off(*, like: Duty, employee: Employee) -> Duty:
    return Duty(
        agency_id=like.agency_id,
        roster_id=like.roster_id,
        employee=employee,
        duty_date=like.duty_date,
        kind=DutyKind.OFF,
        source=DutySource.SWAP,
        is_active=True,
        is_published=like.is_published,
        holiday_worked=like.holiday_worked,
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
    )


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _plan(swap: DutySwap, *, lock: bool = False, now=None) -> Plan:
    """The duties the swap replaces and writes, checked: hard DUTY_OVERLAP when a person would hold
    a shift on the date already or two duties at once. With `lock`, every duty involved is locked
    (SELECT … FOR UPDATE, in id order) and re-read first; a duty no longer active is a 409."""
    now = now or timezone.now()
    people = {
        e.id: e for e in Employee.objects.select_related("unit").filter(id__in=[swap.employee_id, swap.colleague_id])
    }
    giver_a, giver_b = people[swap.employee_id], people[swap.colleague_id]
    given = [(swap.duty_id, giver_a, giver_b)]
    if swap.colleague_duty_id:
        given.append((swap.colleague_duty_id, giver_b, giver_a))
    swapped_ids = [duty_id for duty_id, _g, _r in given]
    duties = Duty.objects.filter(id__in=swapped_ids)
    # The duties the receivers hold on the dates they receive (a day off is replaced; a shift refuses).
    pre = {d.id: d for d in duties}
    if len(pre) != len(swapped_ids):
        raise ConflictError(str(ERR_DUTY_CHANGED), code=STALE)
    window = [pre[i].duty_date for i in swapped_ids]
    around = Duty.objects.filter(
        employee_id__in=list(people),
        is_active=True,
        duty_date__range=(min(window) - datetime.timedelta(days=1), max(window) + datetime.timedelta(days=1)),
    ).exclude(id__in=swapped_ids)
    if lock:
        ids = sorted({*swapped_ids, *around.values_list("id", flat=True)})
        locked = {d.id: d for d in Duty.objects.select_for_update().filter(id__in=ids).order_by("id")}
        pre = {i: locked[i] for i in swapped_ids}
        others = [d for i, d in locked.items() if i not in pre and d.is_active]
    else:
        others = list(around)
    for duty_id in swapped_ids:
        duty = pre[duty_id]
        if not duty.is_active or not duty.is_published or duty.kind != DutyKind.SHIFT:
            raise ConflictError(str(ERR_DUTY_CHANGED), code=STALE)
        if duty.start_at <= now:
            raise _hard("SWAP_STARTED", ERR_STARTED, [duty.duty_date])
    plan = Plan()
    receiving: dict[tuple[int, datetime.date], Duty] = {}
    for duty_id, giver, receiver in given:
        duty = pre[duty_id]
        if duty.employee_id != giver.id:
            raise ConflictError(str(ERR_DUTY_CHANGED), code=STALE)
        plan.old.append(duty)
        new = _copy_to(duty, receiver, now=now)
        plan.replaced_by[duty.id] = len(plan.new)
        plan.new.append(new)
        receiving[(receiver.id, duty.duty_date)] = new
        date_text = formats.date_format(duty.duty_date, "j M Y")
        for other in others:
            if other.employee_id != receiver.id:
                continue
            if other.duty_date == duty.duty_date:
                if other.kind == DutyKind.SHIFT:
                    raise _hard(
                        "DUTY_OVERLAP", ERR_HAS_DUTY % {"name": receiver.name, "date": date_text}, [duty.duty_date]
                    )
                plan.old.append(other)
                plan.replaced_by[other.id] = plan.replaced_by[duty.id]
            elif other.kind == DutyKind.SHIFT and _overlaps(other.start_at, other.end_at, duty.start_at, duty.end_at):
                raise _hard("DUTY_OVERLAP", ERR_OVERLAP % {"name": receiver.name}, [duty.duty_date])
    # The two received shifts of a same-person pair (A gets B's) must not overlap each other either.
    if len(plan.new) == 2:
        first, second = plan.new
        if first.employee_id == second.employee_id and _overlaps(
            first.start_at, first.end_at, second.start_at, second.end_at
        ):
            raise _hard("DUTY_OVERLAP", ERR_OVERLAP % {"name": people[first.employee_id].name}, [first.duty_date])
    # A giver left without a duty on the date gets a day off there (the roster shows it plainly).
    for duty_id, giver, _receiver in given:
        duty = pre[duty_id]
        if (giver.id, duty.duty_date) not in receiving:
            plan.new.append(_day_off(like=duty, employee=giver))
    return plan


def _soft_warnings(swap: DutySwap, plan: Plan) -> list[dict]:
    """The soft §8 warnings (hours, rest, nights, coverage) the swap adds to the unit's roster, from
    shifts.warnings.warnings_for; none when that module is not there."""
    try:
        from shifts.warnings import warnings_for
    except ImportError:
        return []
    dates = [d.duty_date for d in plan.old]
    date_from = min(dates) - datetime.timedelta(days=min(dates).weekday())
    date_to = max(dates) + datetime.timedelta(days=6 - max(dates).weekday())
    unit = swap.duty.unit
    before = {_key(v) for v in warnings_for(unit=unit, date_from=date_from, date_to=date_to)}
    after = warnings_for(unit=unit, date_from=date_from, date_to=date_to, replacing=plan.replacing())
    return [v.as_dict() for v in after if _key(v) not in before and v.severity != "hard"]


def _key(violation) -> tuple:
    return violation.code, str(violation.message), tuple(violation.dates)


def swap_warnings(swap: DutySwap) -> list[dict]:
    """The warnings as of now, for the pages (a hard refusal shows as its violations)."""
    if swap.status not in OPEN_STATUSES:
        return []
    try:
        return _soft_warnings(swap, _plan(swap))
    except ApplicationError as exc:
        return list(getattr(exc, "violations", None) or [])


# ---------------------------------------------------------------------------- locks


def _lock_people(*employee_ids: int) -> None:
    """The people's rows, in id order, before anything else (a swap not yet written)."""
    list(Employee.objects.select_for_update(of=("self",)).filter(id__in=employee_ids).order_by("id").values("id"))


def _lock_swap(swap: DutySwap) -> DutySwap:
    """The engine's lock, so every path takes the same order: both people's rows in id order (the
    spec's `lock_people`), then the swap's row, then (at a decision) the duties in id order."""
    return approval_engine.lock(swap)


def _check_version(swap: DutySwap, expected_updated_at) -> None:
    if expected_updated_at is not None and swap.updated_at != expected_updated_at:
        raise ConflictError(str(ERR_CHANGED), code=STALE)


# ---------------------------------------------------------------------------- services


def _check_duty(duty: Duty, *, now, field_name: str) -> None:
    if not duty.is_active or not duty.is_published or duty.kind != DutyKind.SHIFT:
        raise ApplicationError(str(ERR_NOT_A_SHIFT), fields={field_name: [str(ERR_NOT_A_SHIFT)]})
    if duty.start_at <= now:
        raise _hard("SWAP_STARTED", ERR_STARTED, [duty.duty_date], field_name=field_name)


@transaction.atomic
def swap_request(
    *, duty: Duty, colleague: Employee, colleague_duty: Duty | None = None, reason: str, actor
) -> DutySwap:
    """A asks colleague B to take `duty` (and optionally to give `colleague_duty` in return)."""
    scope = org_scope.scope_for(actor)
    if scope.employee_id is None or scope.employee_id != duty.employee_id:
        raise PermissionDenied(str(ERR_NOT_YOURS))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(ERR_REASON), fields={"reason": [str(ERR_REASON)]})
    now = timezone.now()
    _lock_people(duty.employee_id, colleague.id)
    duty = Duty.objects.select_related("unit", "roster").get(id=duty.id)
    _check_duty(duty, now=now, field_name="duty")
    if (
        colleague.id == duty.employee_id
        or colleague.agency_id != duty.agency_id
        or not colleague.is_active
        or colleague.unit_id != duty.roster.unit_id
    ):
        raise ApplicationError(str(ERR_COLLEAGUE), fields={"colleague": [str(ERR_COLLEAGUE)]})
    if colleague_duty is not None:
        colleague_duty = Duty.objects.get(id=colleague_duty.id)
        if colleague_duty.employee_id != colleague.id:
            raise ApplicationError(str(ERR_COLLEAGUE_DUTY), fields={"colleague_duty": [str(ERR_COLLEAGUE_DUTY)]})
        _check_duty(colleague_duty, now=now, field_name="colleague_duty")
    involved = [duty.id] + ([colleague_duty.id] if colleague_duty else [])
    if (
        DutySwap.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(duty_id__in=involved) | Q(colleague_duty_id__in=involved))
        .exists()
    ):
        raise ConflictError(str(ERR_OPEN_SWAP), code="conflict")
    starts = [duty.start_at] + ([colleague_duty.start_at] if colleague_duty else [])
    swap = DutySwap(
        agency_id=duty.agency_id,
        employee_id=duty.employee_id,
        colleague=colleague,
        duty=duty,
        colleague_duty=colleague_duty,
        reason=reason,
        status=S.DRAFT,
        answer=SwapAnswer.WAITING,
        expires_at=min(starts),
    )
    _plan(swap, now=now)  # hard DUTY_OVERLAP before anyone is asked
    swap.save()
    swap = DutySwap.objects.select_related(
        "employee__user", "colleague__user", "duty__unit__agency", "duty__shift_type"
    ).get(id=swap.id)
    _send(swap, "swap_asked", swap.colleague.user)
    return swap


@transaction.atomic
def swap_accept(*, swap: DutySwap, actor, expected_updated_at=None) -> list[dict]:
    """B accepts: the rules are checked again and the engine sends the swap to the unit head.
    Returns the soft warnings (shown to B and, again, to the head)."""
    _answer_guard(swap, actor, expected_updated_at)
    move = approval_engine.transition(obj=swap, action=A.SUBMIT, actor=actor)
    return move.data.get("warnings", [])


@transaction.atomic
def swap_decline(*, swap: DutySwap, actor, expected_updated_at=None, note: str = "") -> DutySwap:
    """B declines: the swap ends and A is told."""
    _answer_guard(swap, actor, expected_updated_at)
    approval_services.approval_transition(
        obj=swap,
        action=A.REJECT,
        to=S.WITHDRAWN,
        actor=actor,
        note=note or "",
        updates={"answer": SwapAnswer.DECLINED, "answered_at": timezone.now(), "step": None},
    )
    _send(swap, "swap_declined", swap.employee.user, note=note)
    return swap


def _answer_guard(swap: DutySwap, actor, expected_updated_at) -> None:
    scope = org_scope.scope_for(actor)
    if scope.employee_id is None or scope.employee_id != swap.colleague_id:
        raise PermissionDenied(str(ERR_NOT_COLLEAGUE))
    _lock_swap(swap)
    if swap.status != S.DRAFT or swap.answer != SwapAnswer.WAITING:
        raise ConflictError(str(ERR_ANSWERED), code=STALE)
    _check_version(swap, expected_updated_at)


@transaction.atomic
def swap_act(
    *, swap: DutySwap, action: str, actor, note: str = "", override_reason: str = "", expected_updated_at=None
) -> Move:
    """The engine's transitions of a swap (approve, reject by the head; withdraw by A), with both
    people's rows locked first in id order."""
    if action not in SWAP_ACTIONS - {A.SUBMIT}:
        raise ApplicationError(str(approval_engine.ERR_NOT_APPLICABLE), code="invalid")
    _lock_swap(swap)
    _check_version(swap, expected_updated_at)
    was = swap.status
    move = approval_engine.transition(obj=swap, action=action, actor=actor, note=note, override_reason=override_reason)
    if action == A.WITHDRAW:
        _send(swap, "swap_withdrawn", swap.colleague.user, note=note)
        if was == S.SUBMITTED:
            _send(swap, "swap_withdrawn", approval_engine.user_of(swap.decider_id), note=note)
    return move


# ---------------------------------------------------------------------------- the spec's hooks


def _check(move: Move) -> None:
    """At acceptance (submit) and at the decision: duties re-read (locked at the decision), hard
    SWAP_STARTED and DUTY_OVERLAP, the soft warnings (which need an override reason to approve)."""
    swap = move.obj
    approving = move.action == A.APPROVE
    if move.action == A.SUBMIT:
        move.updates.update(answer=SwapAnswer.ACCEPTED, answered_at=timezone.now())
    plan = _plan(swap, lock=approving)  # both people and the swap are locked already (engine.lock)
    warnings = _soft_warnings(swap, plan)
    move.data["plan"] = plan
    move.data["warnings"] = warnings
    if approving:
        if warnings and not move.override_reason:
            raise ApplicationError(
                str(ERR_OVERRIDE_REQUIRED),
                code="override_reason_required",
                violations=warnings,
                fields={"override_reason": [str(ERR_OVERRIDE_REQUIRED)]},
            )
        move.override_reason = move.override_reason if warnings else ""
        move.updates["override_reason"] = move.override_reason


def _after_approve(move: Move) -> None:
    """Both duties replaced at once: the old ones inactive (their iCal SEQUENCE raised, so calendars
    show them cancelled), `replaced_by` the new SWAP duties with the same times."""
    plan: Plan = move.data["plan"]
    now = timezone.now()
    old_ids = [d.id for d in plan.old]
    try:
        with transaction.atomic():
            for duty in plan.old:
                Duty.objects.filter(id=duty.id).update(is_active=False, updated_at=now, sequence=duty.sequence + 1)
            created = [Duty.objects.create(**_values(duty)) for duty in plan.new]
            for duty in plan.old:
                Duty.objects.filter(id=duty.id).update(replaced_by_id=created[plan.replaced_by[duty.id]].id)
    except IntegrityError as exc:
        raise _hard("DUTY_OVERLAP", ERR_OVERLAP % {"name": move.obj.colleague.name}) from exc
    move.data["new_duty_ids"] = [d.id for d in created]
    move.data["old_duty_ids"] = old_ids
    _after_commit(move.obj, created)


def _values(duty: Duty) -> dict:
    return {f.attname: getattr(duty, f.attname) for f in Duty._meta.concrete_fields if f.attname != "id"} | {
        "created_at": timezone.now(),
        "updated_at": timezone.now(),
    }


def _after_commit(swap: DutySwap, created: list[Duty]) -> None:
    """Statuses of the dates concerned are recomputed once the swap is written."""
    pairs = sorted({(d.employee_id, d.duty_date) for d in created})

    def publish():
        try:
            from attendance.tasks import day_statuses_refresh_range_task
        except ImportError:
            return
        for employee_id, day in pairs:
            day_statuses_refresh_range_task.delay(employee_id, day.isoformat(), day.isoformat())

    transaction.on_commit(publish, robust=True)


# ---------------------------------------------------------------------------- expiry


def swaps_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Expire the undecided swaps whose earlier duty has started (safe to repeat and to run twice at
    once: each runs under the row locks and re-reads the status)."""
    now = now or timezone.now()
    expired = 0
    for swap in DutySwap.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=now).order_by("id"):
        with transaction.atomic():
            _lock_swap(swap)
            if swap.status not in OPEN_STATUSES:
                continue
            decider_id = swap.decider_id if swap.status == S.SUBMITTED else None
            approval_services.approval_transition(obj=swap, action=A.EXPIRE, to=S.EXPIRED, updates={"step": None})
            swap = DutySwap.objects.select_related(*SWAP_RELATED).get(id=swap.id)
            for user in (swap.employee.user, swap.colleague.user, approval_engine.user_of(decider_id)):
                _send(swap, "swap_expired", user)
            expired += 1
    return expired


# ---------------------------------------------------------------------------- notifications

KINDS = {
    "swap_asked": (
        _("%(employee_name)s asks you to swap a duty"),
        _("%(employee_name)s asks you to take their duty %(duty)s%(in_return)s: %(reason)s. Accept or decline."),
    ),
    "swap_declined": (
        _("%(colleague_name)s declined your duty swap"),
        _("%(colleague_name)s declined to take your duty %(duty)s. %(note)s"),
    ),
    "swap_submitted": (
        _("A duty swap waits for your decision"),
        _("%(employee_name)s and %(colleague_name)s agreed to swap: %(duty)s%(in_return)s. It waits for you."),
    ),
    "swap_approved": (
        _("Duty swap approved"),
        _(
            "%(actor_name)s approved the swap of %(duty)s%(in_return)s between %(employee_name)s and "
            "%(colleague_name)s. Your duties are changed. %(note)s"
        ),
    ),
    "swap_rejected": (
        _("Duty swap rejected"),
        _(
            "%(actor_name)s rejected the swap of %(duty)s between %(employee_name)s and %(colleague_name)s. "
            "Your duties stay as they were. %(note)s"
        ),
    ),
    "swap_withdrawn": (
        _("Duty swap withdrawn"),
        _("%(employee_name)s withdrew the swap of %(duty)s. %(note)s"),
    ),
    "swap_expired": (
        _("Duty swap expired"),
        _(
            "The swap of %(duty)s between %(employee_name)s and %(colleague_name)s was not decided before the "
            "duty began, so it expired. Your duties stay as they were."
        ),
    ),
    "swap_escalated": (
        _("A duty swap was escalated to you"),
        _(
            "The swap of %(duty)s between %(employee_name)s and %(colleague_name)s has waited %(days)s working "
            "days for %(approver_name)s. You may now decide it as well."
        ),
    ),
    "swap_reminder": (
        _("Reminder: a duty swap waits for you"),
        _(
            "The swap of %(duty)s between %(employee_name)s and %(colleague_name)s has waited %(days)s working "
            "days. It was escalated to %(target_name)s, who may decide it as well."
        ),
    ),
    "swap_rerouted": (
        _("A duty swap now waits for you"),
        _("The swap of %(duty)s between %(employee_name)s and %(colleague_name)s was routed to you."),
    ),
}


def duty_text(duty: Duty | None, zone: str) -> str:
    """ "Malam, 7 Des 2026 21:00–07:00 (+1)" in the active language and `zone`."""
    if duty is None:
        return ""
    from shifts.templatetags.shifts_tags import duty_hours, duty_name

    hours = duty_hours(duty, zone)
    day = formats.date_format(duty.duty_date, "D j M Y")
    return f"{duty_name(duty)}, {day}" + (f" {hours}" if hours else "")


def _send(swap: DutySwap, kind: str, recipient, *, actor=None, note: str = "", context: dict | None = None) -> None:
    from flexwork.notifications.services import notification_send

    if recipient is None or not recipient.is_active:
        return
    zone = unit_zone_name(swap.duty.unit)
    with translation.override(user_language(recipient) or settings.LANGUAGE_CODE):
        in_return = ""
        if swap.colleague_duty_id:
            in_return = str(_(" for their duty %(duty)s")) % {"duty": duty_text(swap.colleague_duty, zone)}
        values = {
            "employee_name": swap.employee.name,
            "colleague_name": swap.colleague.name,
            "duty": duty_text(swap.duty, zone),
            "in_return": in_return,
            "reason": swap.reason,
            "note": note or "",
            "actor_name": _actor_name(actor),
        }
    values.update({k: v if isinstance(v, int) else str(v) for k, v in (context or {}).items()})
    notification_send(recipient=recipient, kind=kind, context=values, url=reverse("shifts:swap", args=[swap.id]))


def _actor_name(actor) -> str:
    if actor is None:
        return "–"
    employee = getattr(actor, "employee", None)
    return employee.name if employee is not None else actor.get_username()


ENGINE_NOTICES = {
    "submitted": "swap_submitted",
    "escalated": "swap_escalated",
    "reminder": "swap_reminder",
    "rerouted": "swap_rerouted",
}


def _notify(notice: Notice) -> None:
    swap = notice.obj
    if notice.event in ENGINE_NOTICES:
        _send(swap, ENGINE_NOTICES[notice.event], notice.recipient_user, context=notice.context)
    elif notice.event in ("approved", "rejected"):
        # Both people are told; the engine names the owner.
        colleague_user = Employee.objects.select_related("user").get(id=swap.colleague_id).user
        for user in (notice.recipient_user, colleague_user):
            _send(swap, f"swap_{notice.event}", user, actor=notice.actor, note=notice.note)
    elif notice.event == "expired":
        _send(swap, "swap_expired", notice.recipient_user)


def register_approval_spec() -> None:
    """Register duty swaps with the approval engine and their notification kinds (from ShiftsConfig.ready)."""
    from flexwork.notifications.kinds import kind_register

    for name, (title, body) in KINDS.items():
        kind_register(name, title=title, body=body)
    spec_register(
        ApprovalSpec(
            kind=ApprovalKind.SWAP,
            model=DutySwap,
            url=lambda swap: reverse("shifts:swap", args=[swap.id]),
            actions=SWAP_ACTIONS & ALL_ACTIONS,
            check=_check,
            after_approve=_after_approve,
            notify=_notify,
            # Undecided swaps expire at the earlier duty's start (an instant): shifts/tasks.py sweeps them.
            expiry=None,
            escalates=True,
            chain=_unit_head_chain,
            # The colleague's row too: an approval rewrites both people's duties (docs/rules.md §8).
            lock_people=lambda swap: (swap.colleague_id,),
            submitter=lambda swap: swap.colleague_id,
            no_approver=_no_decider_message,
            related=SWAP_RELATED,
        )
    )


__all__ = [
    "duty_text",
    "register_approval_spec",
    "swap_accept",
    "swap_act",
    "swap_decline",
    "swap_get_for",
    "swap_request",
    "swap_warnings",
    "swaps_expire_due",
    "swaps_for",
    "waiting_for_decision",
]
