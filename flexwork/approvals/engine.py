"""The approval engine's lifecycle (docs/rules.md §3, §7), once for every approvable kind: who may
act, the guards, the transitions, `allowed_actions`, expiry, escalation with reminders, re-routing
on a change of supervisor or unit, and closing on deactivation. What differs per kind (its rule
check, what approval writes, its notifications) comes from its spec (flexwork/approvals/registry.py),
registered by the domain app; this module never imports a domain app.

Guard order of every transition:
1. out of scope: 404 (the selectors, before the engine is called);
2. in scope but not an actor of this object for this action: 403 (`PermissionDenied`). The actors
   are the owner (submit, withdraw, cancel) and, for the approver actions, the recommender, the
   decider, the escalation target, the revokers of an approved object (its decider and the current
   one), an active delegate of any of them, and whoever already acted on the object in that role;
3. an actor whose step has passed (or not come), or a repeated, concurrent or stale transition: 409
   `stale_transition`, and nothing is written (no transition row, no notification, no outbox row).

Exactly once: every transition first locks the people's rows (the employee's and, where the spec's
`lock_people` names them, the others', in id order), then the object's row, then what its hooks lock
(SELECT … FOR UPDATE, always in this order, also in the sweeps and in a kind's own services, so two
paths never wait for each other; the organisation events, whose service holds the employee's row
already, lock only that row and the object's), re-reads the object and only then runs the guards,
the spec's rule check and the writes. Of ten identical concurrent calls one writes; the nine others
see the new status and answer 409. `approval_transition` still compares and swaps the status as the last guard."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from flexwork.approvals import services as approval_services
from flexwork.approvals.models import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    ApprovableModel,
    ApprovalAction,
    ApprovalStatus,
    ApprovalStep,
    Transition,
)
from flexwork.approvals.registry import ApprovalSpec, Move, Notice, spec_for, specs
from flexwork.common import calendar
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee

logger = logging.getLogger(__name__)

S = ApprovalStatus
A = ApprovalAction
STALE = "stale_transition"

ERR_NOT_OWNER = gettext_lazy("Only the employee who asked can do this.")
ERR_NOT_APPROVER = gettext_lazy("You are not an approver of this request at this step.")
ERR_WRONG_STEP = gettext_lazy("This request is not at this step: it waits for %(step)s.")
ERR_NOT_ALLOWED = approval_services.ERR_NOT_ALLOWED
ERR_NOT_APPLICABLE = gettext_lazy("This action does not apply here.")
ERR_NOTE_REQUIRED = gettext_lazy("Give a reason.")
ERR_DEACTIVATED = gettext_lazy("Employee deactivated.")
ERR_DATES_REQUIRED = gettext_lazy("Give the new first and last day.")
ERR_DATES_ORDER = gettext_lazy("The end date is before the start date.")

TARGET = {
    A.SUBMIT: S.SUBMITTED,
    A.RECOMMEND: S.RECOMMENDED,
    A.APPROVE: S.APPROVED,
    A.REJECT: S.REJECTED,
    A.RETURN: S.RETURNED,
    A.WITHDRAW: S.WITHDRAWN,
    A.CANCEL: S.CANCELLED,
    A.REVOKE: S.REVOKED,
    A.CHANGE: S.APPROVED,
    A.DEFER: S.DEFERRED,
}
OWNER_ACTIONS = frozenset({A.SUBMIT, A.WITHDRAW, A.CANCEL})
# The step an approver action belongs to (reject and return: the current one).
STEP_OF = {
    A.RECOMMEND: ApprovalStep.RECOMMEND,
    A.APPROVE: ApprovalStep.DECIDE,
    A.CHANGE: ApprovalStep.DECIDE,
    A.DEFER: ApprovalStep.DECIDE,
}
DECIDED = (A.APPROVE, A.CHANGE, A.DEFER)
# Who is an actor of the object for an approver action (before delegation) ...
ROLES_FOR = {
    A.RECOMMEND: ("recommender", "escalation"),
    A.APPROVE: ("decider", "escalation"),
    A.CHANGE: ("decider", "escalation"),
    A.DEFER: ("decider", "escalation"),
    A.REJECT: ("recommender", "decider", "escalation"),
    A.RETURN: ("recommender", "decider", "escalation"),
    A.REVOKE: ("revoker",),
}
# ... and who acted on it already in that role (the step passed: 409, not 403).
PAST_FOR = {
    A.RECOMMEND: (A.RECOMMEND,),
    A.APPROVE: DECIDED,
    A.CHANGE: DECIDED,
    A.DEFER: DECIDED,
    A.REJECT: (A.RECOMMEND, *DECIDED, A.REJECT, A.RETURN),
    A.RETURN: (A.RECOMMEND, *DECIDED, A.REJECT, A.RETURN),
    A.REVOKE: (A.APPROVE, A.REVOKE),
}
EXPIRABLE_STATUSES = (S.SUBMITTED, S.RECOMMENDED, S.RETURNED)


def stale(message) -> ConflictError:
    return ConflictError(str(message), code=STALE)


# ---------------------------------------------------------------------------- who may act


def revokers(obj: ApprovableModel) -> list[int]:
    """Who may revoke an approved object: its decider and the employee's current decider."""
    current = org_scope.decider_for(obj.employee)
    return [i for i in dict.fromkeys([obj.decider_id, current.id if current else None]) if i]


def chain_of(obj: ApprovableModel) -> approval_services.Chain:
    """The chain of `obj`: its spec's `chain` hook, else the employee's (`approval_chain`)."""
    spec = spec_for(obj)
    if spec.chain is not None:
        return spec.chain(obj)
    return approval_services.approval_chain(employee=obj.employee)


def _holders(obj: ApprovableModel, action: str) -> dict[str, set]:
    recommender_id, decider_id = obj.recommender_id, obj.decider_id
    if obj.status == S.DRAFT and decider_id is None:
        # A draft has no chain yet: its approvers are the ones it would go to.
        chain = chain_of(obj)
        recommender_id = chain.recommender.id if chain.recommender else None
        decider_id = chain.decider.id if chain.decider else None
    holders = {
        "recommender": {recommender_id},
        "decider": {decider_id},
        "escalation": {obj.escalated_to_id},
    }
    if action == A.REVOKE:
        holders["revoker"] = set(revokers(obj))
    return holders


def _is_actor(scope, obj: ApprovableModel, action: str) -> bool:
    """Whether the caller is an actor of `obj` for the approver `action` at any step: one of its
    principals, an active delegate of one, or someone who already acted on it in that role."""
    me = scope.employee_id
    holders = _holders(obj, action)
    principals = set().union(*(holders[role] for role in ROLES_FOR[action])) - {None, obj.employee_id}
    if me in principals:
        return True
    on = calendar.today_in(scope.office_time_zone)
    kind = obj.approval_kind
    if (
        principals
        and approval_services.active_delegations(delegate_id=me, kind=kind, on=on)
        .filter(delegator_id__in=principals)
        .exists()
    ):
        return True
    return (
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.id,
            action__in=PAST_FOR[action],
        )
        .filter(Q(actor_id=scope.user_id) | Q(on_behalf_of_id=me))
        .exists()
    )


def _require_status(obj: ApprovableModel, action: str, to: str) -> None:
    if to not in ALLOWED_TRANSITIONS.get(obj.status, ()):
        raise stale(
            ERR_NOT_ALLOWED % {"status": obj.get_status_display().lower(), "action": ApprovalAction(action).label}
        )


def _wrong_step(obj: ApprovableModel, action: str) -> ConflictError:
    if obj.step is None:
        return stale(
            ERR_NOT_ALLOWED % {"status": obj.get_status_display().lower(), "action": ApprovalAction(action).label}
        )
    return stale(ERR_WRONG_STEP % {"step": ApprovalStep(obj.step).label})


def guard(*, obj: ApprovableModel, action: str, actor) -> int | None:
    """403 or 409 as the module docstring says; returns "on behalf of" (a delegate acting)."""
    scope = org_scope.scope_for(actor)
    me = scope.employee_id
    to = TARGET[action]
    if action in OWNER_ACTIONS:
        submitter = spec_for(obj).submitter
        owner_id = submitter(obj) if action == A.SUBMIT and submitter is not None else obj.employee_id
        if me is None or me != owner_id:
            raise PermissionDenied(str(ERR_NOT_OWNER))
        _require_status(obj, action, to)
        return None
    if me is None or me == obj.employee_id or scope.agency_id != obj.agency_id or not _is_actor(scope, obj, action):
        raise PermissionDenied(str(ERR_NOT_APPROVER))
    _require_status(obj, action, to)
    wanted = STEP_OF.get(action)
    if wanted is not None and obj.step != wanted:
        raise _wrong_step(obj, action)
    principals = revokers(obj) if action == A.REVOKE else None
    acting = approval_services.acting_as(user=scope, obj=obj, principals=principals)
    if acting is None:
        raise _wrong_step(obj, action)
    return acting.on_behalf_of_id


def allowed_actions(*, obj: ApprovableModel, user) -> list[str]:
    """What `user` may do to `obj` now (the pages show these buttons; the API lists them)."""
    spec = spec_for(obj)
    scope = org_scope.scope_for(user)
    actions: list[str] = []
    if spec.submitter is not None and obj.status in EDITABLE_STATUSES and scope.employee_id is not None:
        if scope.employee_id == spec.submitter(obj):
            return ["submit"]
    if scope.employee_id is not None and scope.employee_id == obj.employee_id:
        if obj.status in EDITABLE_STATUSES and spec.submitter is None:
            actions += ["edit", "submit"] if spec.editable else ["submit"]
        if obj.status in OPEN_STATUSES:
            actions.append("withdraw")
        if obj.status == S.APPROVED and A.CANCEL in spec.actions:
            actions.append("cancel")
        return actions
    if obj.status in PENDING_STATUSES and approval_services.acting_as(user=scope, obj=obj) is not None:
        actions += ["recommend"] if obj.step == ApprovalStep.RECOMMEND else ["approve", "change", "defer"]
        actions += ["reject", "return"]
    if obj.status == S.APPROVED and A.REVOKE in spec.actions:
        if approval_services.acting_as(user=scope, obj=obj, principals=revokers(obj)) is not None:
            actions.append("revoke")
    return [
        a
        for a in actions
        if a == "edit" or (a in spec.actions and (spec.applies is None or a in OWNER_ACTIONS or spec.applies(obj, a)))
    ]


# ---------------------------------------------------------------------------- locking


def _lock_employees(employee_ids) -> None:
    ids = sorted(set(employee_ids))
    list(
        Employee.objects.select_for_update(of=("self",)).filter(id__in=ids).order_by("id").values_list("id", flat=True)
    )


def lock(obj: ApprovableModel, *, owner_only: bool = False) -> ApprovableModel:
    """Lock the people's rows (the employee's and those the spec's `lock_people` names, in id order),
    then the object's, and refresh `obj` from the locked row. What a hook locks after that (a swap's
    duties) comes last, in id order too.

    `owner_only` is for the organisation events (re-routing, deactivation): their service already
    holds the employee's row, so taking a colleague's row there could wait in the wrong order; they
    write only the object's chain or status and need no other row."""
    people = [obj.employee_id]
    lock_people = spec_for(obj).lock_people
    if lock_people is not None and not owner_only:
        people += [i for i in lock_people(obj) if i]
    _lock_employees(people)
    fresh = type(obj).objects.select_for_update(of=("self",)).get(id=obj.id)
    for model_field in type(obj)._meta.concrete_fields:
        setattr(obj, model_field.attname, getattr(fresh, model_field.attname))
    return obj


# ---------------------------------------------------------------------------- notifications


def user_of(employee_id: int | None):
    if employee_id is None:
        return None
    employee = Employee.objects.select_related("user").filter(id=employee_id).first()
    return employee.user if employee else None


def approver_id(obj: ApprovableModel) -> int | None:
    return obj.recommender_id if obj.step == ApprovalStep.RECOMMEND else obj.decider_id


def _tell(spec: ApprovalSpec, notice: Notice) -> None:
    if spec.notify is None or notice.recipient_user is None or not notice.recipient_user.is_active:
        return
    spec.notify(notice)


# ---------------------------------------------------------------------------- transitions


def _no_approver(message: str) -> ApplicationError:
    """NO_APPROVER as the rule check reports it (docs/rules.md §3), so check/ and submit agree."""
    violation = {
        "code": "NO_APPROVER",
        "severity": "hard",
        "message": message,
        "source": "kebijakan instansi",
        "dates": [],
    }
    return ApplicationError(message, code="policy_violation", violations=[violation])


def _write(move: Move, *, to: str | None = None) -> Transition:
    return approval_services.approval_transition(
        obj=move.obj,
        action=move.action,
        to=to or move.to,
        actor=move.actor,
        on_behalf_of_id=move.on_behalf_of_id,
        note=move.note,
        override_reason=move.override_reason,
        dates=move.dates,
        updates=move.updates,
        previous_dates=move.previous_dates,
        opinion=move.opinion,
    )


def _submit(move: Move) -> None:
    obj, spec = move.obj, move.spec
    if spec.check is not None:
        spec.check(move)
    employee = obj.employee
    if spec.chain is not None:
        chain = spec.chain(obj)
        if chain.decider is None:
            raise _no_approver(
                spec.no_approver(obj) if spec.no_approver else str(approval_services.ERR_NO_APPROVER_TOP)
            )
    else:
        refusal = approval_services.no_approver_message(employee=employee)
        if refusal:
            raise _no_approver(refusal)
        chain = approval_services.approval_chain(employee=employee)
    step = chain.first_step
    if obj.status == S.RETURNED and obj.returned_step == ApprovalStep.DECIDE:
        step = ApprovalStep.DECIDE  # re-enters at the step that returned it
    now = timezone.now()
    move.updates.update(
        step=step,
        returned_step=None,
        recommender_id=chain.recommender.id if chain.recommender else None,
        decider_id=chain.decider.id,
        escalated_to_id=None,
        escalated_at=None,
        submitted_at=now,
        step_since=now,
    )
    _write(move)
    _tell(spec, Notice("submitted", obj, user_of(approver_id(obj)), actor=move.actor, note=move.note, move=move))


def _opinion(move: Move) -> None:
    """A recommendation other than "approve" (docs/rules.md §9 "The decision"): other dates proposed
    (`change`, the first and last day) or a deferral proposed (`defer`, where the kind's `applies`
    allows deferring), each with a reason. It moves the object on to the decider like any
    recommendation; the decider sees the opinion and decides."""
    if move.opinion not in ("change", "defer"):
        raise ApplicationError(str(ERR_NOT_APPLICABLE), code="invalid", fields={"opinion": [str(ERR_NOT_APPLICABLE)]})
    if move.spec.applies is None or not move.spec.applies(move.obj, move.opinion):
        raise ApplicationError(str(ERR_NOT_APPLICABLE), code="invalid", fields={"opinion": [str(ERR_NOT_APPLICABLE)]})
    _decision_reason(move)
    if move.opinion == "change":
        dates = move.requested_dates or []
        if len(dates) != 2:
            raise ApplicationError(str(ERR_DATES_REQUIRED), fields={"date_from": [str(ERR_DATES_REQUIRED)]})
        if dates[1] < dates[0]:
            raise ApplicationError(str(ERR_DATES_ORDER), fields={"date_to": [str(ERR_DATES_ORDER)]})
        move.dates = list(dates)


def _recommend(move: Move) -> None:
    obj, spec = move.obj, move.spec
    if move.opinion:
        _opinion(move)
    if spec.check is not None:
        spec.check(move)
    move.updates.update(step=ApprovalStep.DECIDE, step_since=timezone.now(), escalated_to_id=None, escalated_at=None)
    _write(move)
    _tell(spec, Notice("recommended", obj, user_of(obj.decider_id), actor=move.actor, note=move.note, move=move))


def _approve(move: Move) -> None:
    obj, spec = move.obj, move.spec
    if spec.check is not None:
        spec.check(move)
    move.updates.update(step=None, decided_at=timezone.now())
    _write(move)
    if spec.after_approve is not None:
        spec.after_approve(move)
    _tell(spec, Notice("approved", obj, obj.employee.user, actor=move.actor, note=move.note, move=move))


def _decision_reason(move: Move) -> None:
    if not (move.note or "").strip():
        raise ApplicationError(str(ERR_NOTE_REQUIRED), fields={"note": [str(ERR_NOTE_REQUIRED)]})


def _change(move: Move) -> None:
    """Approve with other dates (perubahan): the decider gives the new first and last day and a
    reason. The spec's `check` sees `requested_dates` and rewrites the object's dates (in `updates`);
    the transition row keeps the dates before (`previous_dates`) and after (`dates`)."""
    obj, spec = move.obj, move.spec
    _decision_reason(move)
    if not move.requested_dates or len(move.requested_dates) != 2:
        raise ApplicationError(str(ERR_DATES_REQUIRED), fields={"date_from": [str(ERR_DATES_REQUIRED)]})
    if move.requested_dates[1] < move.requested_dates[0]:
        raise ApplicationError(str(ERR_DATES_ORDER), fields={"date_to": [str(ERR_DATES_ORDER)]})
    if spec.check is not None:
        spec.check(move)
    move.updates.update(step=None, decided_at=timezone.now())
    _write(move)
    if spec.after_approve is not None:
        spec.after_approve(move)
    _tell(spec, Notice("changed", obj, obj.employee.user, actor=move.actor, note=move.note, move=move))


def _defer(move: Move) -> None:
    """Defer (penangguhan): the decider closes the request for service needs, with a reason; the
    spec's `check` may refuse it and its `after_close` writes what deferral means (days released)."""
    obj, spec = move.obj, move.spec
    _decision_reason(move)
    if spec.check is not None:
        spec.check(move)
    move.updates.update(step=None, decided_at=timezone.now())
    _write(move)
    _closed(move)
    _tell(spec, Notice("deferred", obj, obj.employee.user, actor=move.actor, note=move.note, move=move))


def _closed(move: Move) -> None:
    if move.spec.after_close is not None:
        move.spec.after_close(move)


def _reject(move: Move) -> None:
    move.updates.update(step=None, decided_at=timezone.now())
    _write(move)
    _closed(move)
    notice = Notice("rejected", move.obj, move.obj.employee.user, actor=move.actor, note=move.note, move=move)
    _tell(move.spec, notice)


def _return(move: Move) -> None:
    move.updates.update(returned_step=move.obj.step, step=None)
    _write(move)
    notice = Notice("returned", move.obj, move.obj.employee.user, actor=move.actor, note=move.note, move=move)
    _tell(move.spec, notice)


def _withdraw(move: Move) -> None:
    move.updates.update(step=None)
    _write(move)
    _closed(move)


def _end(move: Move) -> None:
    """Cancel (the owner) or revoke (a revoker, with a reason). The spec's `end` may choose dates
    and keep the status approved (a partial end); the transition row records the dates."""
    obj, spec = move.obj, move.spec
    if move.action == A.REVOKE and not (move.note or "").strip():
        raise ApplicationError(str(ERR_NOTE_REQUIRED), fields={"note": [str(ERR_NOTE_REQUIRED)]})
    if spec.end is not None:
        spec.end(move)
    _write(move)
    if spec.after_end is not None:
        spec.after_end(move)
    if move.action == A.CANCEL:
        _tell(spec, Notice("cancelled", obj, user_of(obj.decider_id), actor=move.actor, note=move.note, move=move))
    else:
        _tell(spec, Notice("revoked", obj, obj.employee.user, actor=move.actor, note=move.note, move=move))


MOVES = {
    A.SUBMIT: _submit,
    A.RECOMMEND: _recommend,
    A.APPROVE: _approve,
    A.REJECT: _reject,
    A.RETURN: _return,
    A.WITHDRAW: _withdraw,
    A.CANCEL: _end,
    A.REVOKE: _end,
    A.CHANGE: _change,
    A.DEFER: _defer,
}


@transaction.atomic
def transition(
    *,
    obj: ApprovableModel,
    action: str,
    actor,
    note: str = "",
    override_reason: str = "",
    dates: list[datetime.date] | None = None,
    opinion: str = "",
) -> Move:
    """Run one transition of any kind, exactly once (see the module docstring). `obj` is updated
    in place; the returned Move carries what the spec's hooks computed (e.g. a rule check)."""
    spec = spec_for(obj)
    if action not in MOVES or action not in spec.actions:
        raise ApplicationError(str(ERR_NOT_APPLICABLE), code="invalid")
    lock(obj)
    on_behalf_of_id = guard(obj=obj, action=action, actor=actor)
    if spec.applies is not None and action not in OWNER_ACTIONS and not spec.applies(obj, action):
        raise ApplicationError(str(ERR_NOT_APPLICABLE), code="invalid", fields={"action": [str(ERR_NOT_APPLICABLE)]})
    move = Move(
        spec=spec,
        obj=obj,
        action=action,
        to=TARGET[action],
        actor=actor,
        on_behalf_of_id=on_behalf_of_id,
        note=note or "",
        override_reason=(override_reason or "").strip(),
        requested_dates=list(dates) if dates else None,
        opinion=opinion if action == A.RECOMMEND else "",
    )
    MOVES[action](move)
    return move


# ---------------------------------------------------------------------------- expiry


def _zone_expression():
    return Coalesce("employee__unit__time_zone", "employee__agency__time_zone")


def _expire_one(spec: ApprovalSpec, obj: ApprovableModel) -> bool:
    with transaction.atomic():
        lock(obj)
        if obj.status not in EXPIRABLE_STATUSES:
            return False  # decided or withdrawn meanwhile
        approval_services.approval_transition(obj=obj, action=A.EXPIRE, to=S.EXPIRED, updates={"step": None})
        _closed(Move(spec=spec, obj=obj, action=A.EXPIRE, to=S.EXPIRED))
        _tell(spec, Notice("expired", obj, obj.employee.user))
    return True


def expire_due(*, now: datetime.datetime | None = None, kinds: list[str] | None = None) -> int:
    """Expire, as a whole, every undecided object whose expiry day has begun (00:00 office time;
    drafts stay), or, for a kind whose `Expiry.at` gives an instant, once that instant has come.
    Safe to run concurrently and repeatedly: each expiry runs under the row lock."""
    now = now or timezone.now()
    expired = 0
    for spec in specs():
        if spec.expiry is None or (kinds is not None and spec.kind not in kinds):
            continue
        for zone in settings.FLEXWORK_TIME_ZONES:
            today = calendar.office_date_of(now, zone)
            cutoff = today - datetime.timedelta(days=spec.expiry.offset_days)
            due = spec.model.objects.filter(status__in=EXPIRABLE_STATUSES, **{f"{spec.expiry.field}__lte": cutoff})
            if spec.expiry.only is not None:
                due = due.filter(spec.expiry.only)
            if spec.expiry.at is not None:
                # The day has begun; a row with an instant waits for it (docs/rules.md §8).
                due = due.annotate(expiry_instant=spec.expiry.at()).filter(
                    Q(expiry_instant__isnull=True) | Q(expiry_instant__lte=now)
                )
            due = due.annotate(office_zone=_zone_expression()).filter(office_zone=zone).select_related(*spec.related)
            for obj in due:
                expired += _expire_one(spec, obj)
    return expired


# ---------------------------------------------------------------------------- escalation


def _escalate_one(spec: ApprovalSpec, obj: ApprovableModel, *, now, waited: int) -> bool:
    with transaction.atomic():
        seen = (obj.status, obj.step)
        lock(obj)
        if (obj.status, obj.step) != seen or obj.status not in PENDING_STATUSES or obj.escalated_at is not None:
            return False
        current_id = approver_id(obj)
        approver = Employee.objects.select_related("unit", "agency", "supervisor", "user").filter(id=current_id).first()
        if obj.step == ApprovalStep.RECOMMEND:
            target_id = obj.decider_id
        else:
            target = approval_services.escalation_target(approver=approver)
            target_id = target.id if target else None
        if spec.escalation_target is not None:
            target_id = spec.escalation_target(obj, target_id)
        if target_id in (obj.employee_id, current_id):
            target_id = None
        approval_services.approval_transition(
            obj=obj, action=A.ESCALATE, to=obj.status, updates={"escalated_at": now, "escalated_to_id": target_id}
        )
        target_user = user_of(target_id)
        common = {"days": waited, "approver_name": approver.name if approver else "–"}
        if target_user is not None:
            _tell(spec, Notice("escalated", obj, target_user, context=dict(common)))
        target_name = target_user.employee.name if target_user is not None else "–"
        _tell(
            spec,
            Notice(
                "reminder", obj, approver.user if approver else None, context={**common, "target_name": target_name}
            ),
        )
    return True


def escalate_due(*, now: datetime.datetime | None = None, kinds: list[str] | None = None) -> int:
    """Escalate objects that waited the agency's `escalation_working_days` working days at their
    step: one decision level up may act as well (the first wins), and the approver is reminded.
    Once per step (a recommendation or a re-routing starts the count again)."""
    from flexwork.org.models import Holiday
    from flexwork.org.selectors import policy_for

    now = now or timezone.now()
    candidates = []
    for spec in specs():
        if not spec.escalates or (kinds is not None and spec.kind not in kinds):
            continue
        rows = spec.model.objects.filter(
            status__in=PENDING_STATUSES, escalated_at__isnull=True, step_since__isnull=False
        ).select_related(*spec.related)
        candidates += [(spec, obj) for obj in rows.order_by("agency_id", "id")]
    by_agency: dict[int, tuple[int, set]] = {}
    for agency_id in {obj.agency_id for _spec, obj in candidates}:
        oldest = min(obj.step_since for _spec, obj in candidates if obj.agency_id == agency_id).date()
        holidays = set(
            Holiday.objects.filter(agency_id=agency_id, date__gte=oldest - datetime.timedelta(days=1)).values_list(
                "date", flat=True
            )
        )
        by_agency[agency_id] = (policy_for(agency=agency_id).escalation_working_days, holidays)
    escalated = 0
    for spec, obj in candidates:
        limit, holidays = by_agency[obj.agency_id]
        zone = calendar.office_zone_name(obj.employee)
        waited = calendar.working_days_between(
            calendar.office_date_of(obj.step_since, zone), calendar.office_date_of(now, zone), holidays
        )
        if waited >= limit:
            escalated += _escalate_one(spec, obj, now=now, waited=waited)
    return escalated


# ---------------------------------------------------------------------------- organisation events


REROUTABLE_STATUSES = (S.SUBMITTED, S.RECOMMENDED, S.RETURNED)


def _route(obj: ApprovableModel, chain) -> dict | None:
    """The updates that give `obj` the chain `chain`, or None when it already has it. A request
    waiting for a recommender who is no longer in the chain goes to the decider."""
    recommender_id = chain.recommender.id if chain.recommender else None
    decider_id = chain.decider.id if chain.decider else None
    step = obj.step
    if step == ApprovalStep.RECOMMEND and recommender_id is None:
        step = ApprovalStep.DECIDE
    returned_step = obj.returned_step
    if returned_step == ApprovalStep.RECOMMEND and recommender_id is None:
        returned_step = ApprovalStep.DECIDE
    if (obj.recommender_id, obj.decider_id, obj.step) == (recommender_id, decider_id, step):
        return None
    return {"recommender_id": recommender_id, "decider_id": decider_id, "step": step, "returned_step": returned_step}


def reroute(*, employee: Employee, actor=None) -> int:
    """After a change of supervisor or unit (docs/rules.md §7): pending and returned objects of
    every kind get the new chain. One waiting for a recommender who is no longer in the chain goes
    to the decider; the new approver is told. Runs in the organisation service's transaction."""
    employee = Employee.objects.select_related("unit", "agency", "supervisor", "user").get(id=employee.id)
    chain = approval_services.approval_chain(employee=employee)
    moved = 0
    for spec in specs():
        rows = spec.model.objects.filter(employee_id=employee.id, status__in=REROUTABLE_STATUSES)
        for obj in rows.select_related(*spec.related).order_by("id"):
            lock(obj, owner_only=True)
            if obj.status not in REROUTABLE_STATUSES:
                continue
            updates = _route(obj, spec.chain(obj) if spec.chain is not None else chain)
            if updates is None:
                continue
            old_approver = approver_id(obj)
            approval_services.approval_transition(
                obj=obj,
                action=A.REROUTE,
                to=obj.status,
                actor=actor,
                updates={
                    **updates,
                    "escalated_to_id": None,
                    "escalated_at": None,
                    "step_since": timezone.now() if obj.step else obj.step_since,
                },
            )
            moved += 1
            new_approver = approver_id(obj) if obj.step else None
            if obj.status in PENDING_STATUSES and new_approver and new_approver != old_approver:
                _tell(spec, Notice("rerouted", obj, user_of(new_approver)))
    return moved


def reroute_matching(*, agency_id: int, where: Q, actor=None) -> int:
    """Re-route the employees of `agency_id` who have an open object matching `where` (a Q on the
    approvable models, e.g. on `employee__unit__path` or `decider_id`). Employees are taken in id
    order, so the row locks are taken in the same order as on every other path."""
    employee_ids: set[int] = set()
    for spec in specs():
        employee_ids.update(
            spec.model.objects.filter(agency_id=agency_id, status__in=REROUTABLE_STATUSES)
            .filter(where)
            .values_list("employee_id", flat=True)
        )
    moved = 0
    for employee in Employee.objects.filter(id__in=employee_ids, agency_id=agency_id).order_by("id"):
        moved += reroute(employee=employee, actor=actor)
    return moved


def reroute_waiting_for(*, approver_ids: list[int], agency_id: int, actor=None) -> int:
    """Re-route the open objects in `agency_id` that wait for (or were escalated to) one of
    `approver_ids`, e.g. after a unit head was replaced or an approver left the agency
    (docs/rules.md §3 "The approval engine")."""
    ids = [i for i in approver_ids if i]
    if not ids:
        return 0
    where = Q(recommender_id__in=ids) | Q(decider_id__in=ids) | Q(escalated_to_id__in=ids)
    return reroute_matching(agency_id=agency_id, where=where, actor=actor)


def reroute_plan(*, employee: Employee, changes: dict) -> list[tuple[ApprovableModel, int | None, int | None]]:
    """What `reroute` would do if `employee` had `changes` (a new "supervisor" and/or "unit"),
    without writing: (object, approver now, approver then) for each open object whose chain would
    change. The page shows it before HR saves (docs/rules.md §7)."""
    import copy

    future = copy.copy(employee)
    for name in ("supervisor", "unit"):
        if name in changes:
            setattr(future, name, changes[name])
    chain = approval_services.approval_chain(employee=future)
    plan = []
    for spec in specs():
        rows = spec.model.objects.filter(employee_id=employee.id, status__in=REROUTABLE_STATUSES)
        for obj in rows.select_related(*spec.related).order_by("id"):
            updates = _route(obj, spec.chain(obj) if spec.chain is not None else chain)
            if updates is None:
                continue
            now = approver_id(obj) if obj.step else None
            step = updates["step"]
            then = None
            if step == ApprovalStep.RECOMMEND:
                then = updates["recommender_id"]
            elif step == ApprovalStep.DECIDE:
                then = updates["decider_id"]
            plan.append((obj, now, then))
    return plan


def close_for_deactivated(
    *, employee: Employee, actor=None, effective_date: datetime.date | None = None, note: str = ""
) -> int:
    """Deactivation (docs/rules.md §7): open objects of every kind are withdrawn, with `note` as the
    reason on each transition; each kind ends its approved ones from `effective_date` on (default:
    the employee's office today)."""
    employee = Employee.objects.select_related("unit", "agency", "user").get(id=employee.id)
    start = effective_date or calendar.office_today(employee)
    note = (note or "").strip() or str(ERR_DEACTIVATED)
    closed = 0
    for spec in specs():
        for obj in spec.model.objects.filter(employee_id=employee.id, status__in=OPEN_STATUSES).order_by("id"):
            lock(obj, owner_only=True)
            if obj.status not in OPEN_STATUSES:
                continue
            approval_services.approval_transition(
                obj=obj, action=A.WITHDRAW, to=S.WITHDRAWN, actor=actor, note=note, updates={"step": None}
            )
            _closed(Move(spec=spec, obj=obj, action=A.WITHDRAW, to=S.WITHDRAWN, actor=actor, note=note))
            closed += 1
        if spec.close_approved is not None:
            closed += spec.close_approved(employee=employee, actor=actor, start=start, note=note)
    return closed


def open_count(*, employee: Employee) -> int:
    """How many open objects (every kind) deactivation or a transfer would withdraw."""
    return sum(spec.model.objects.filter(employee_id=employee.id, status__in=OPEN_STATUSES).count() for spec in specs())


def on_employee_moved(*, employee, actor=None, **kwargs) -> None:
    reroute(employee=employee, actor=actor)


def on_employee_deactivated(*, employee, effective_date=None, actor=None, reason="", **kwargs) -> None:
    close_for_deactivated(employee=employee, actor=actor, effective_date=effective_date, note=reason)


__all__ = [
    "STALE",
    "allowed_actions",
    "chain_of",
    "close_for_deactivated",
    "escalate_due",
    "expire_due",
    "guard",
    "lock",
    "open_count",
    "reroute",
    "reroute_matching",
    "reroute_plan",
    "reroute_waiting_for",
    "revokers",
    "transition",
]
