"""The approval engine's lowest layer (docs/rules.md §3): the chain, who may act (delegation
included), and the one compare-and-swap transition every approved object goes through. The
lifecycle built on it (guards, transitions, expiry, escalation, re-routing, deactivation) is in
flexwork/approvals/engine.py; each kind registers its spec (flexwork/approvals/registry.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from flexwork.approvals.models import (
    ALLOWED_TRANSITIONS,
    ApprovableModel,
    ApprovalAction,
    ApprovalKind,
    ApprovalStatus,
    ApprovalStep,
    Delegation,
    Transition,
)
from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee

# The one code of every refused transition (docs/api.md: 409, nothing written).
STALE_TRANSITION = "stale_transition"
# The actions that may record a move that keeps the status, and the statuses they keep: a partial
# cancel or revoke of an approved object, an escalation of a pending one, a re-routing of an open one.
KEEP_STATUS_ACTIONS: dict[str, frozenset[str]] = {
    ApprovalAction.CANCEL: frozenset({ApprovalStatus.APPROVED}),
    ApprovalAction.REVOKE: frozenset({ApprovalStatus.APPROVED}),
    ApprovalAction.ESCALATE: frozenset({ApprovalStatus.SUBMITTED, ApprovalStatus.RECOMMENDED}),
    ApprovalAction.REROUTE: frozenset({ApprovalStatus.SUBMITTED, ApprovalStatus.RECOMMENDED, ApprovalStatus.RETURNED}),
}

ERR_NOT_ALLOWED = gettext_lazy("A request that is %(status)s cannot be %(action)s.")
ERR_STALE = gettext_lazy("This request changed meanwhile; reload it and try again.")
ERR_DELEGATION_SELF = gettext_lazy("You cannot delegate to yourself.")
ERR_DELEGATION_DATES = gettext_lazy("The end date is before the start date.")
ERR_DELEGATION_AGENCY = gettext_lazy("Both people must work in the same agency.")
ERR_NO_APPROVER_TOP = gettext_lazy(
    "Nobody above you can decide this request: HR must mark a decision level above your unit or appoint its head."
)
ERR_NO_APPROVER_VACANT = gettext_lazy(
    "Nobody can decide this request: no unit above yours that decides has an active head. "
    "HR must appoint the head of %(unit)s or mark a decision level above your unit."
)


# ---------------------------------------------------------------------------- chain


@dataclass(frozen=True)
class Chain:
    recommender: Employee | None
    decider: Employee | None

    @property
    def first_step(self) -> str:
        return ApprovalStep.RECOMMEND if self.recommender is not None else ApprovalStep.DECIDE


def approval_chain(*, employee: Employee) -> Chain:
    """docs/rules.md §3 "Approval chain": the decider is the head of the nearest ancestor-or-self
    decision-level unit; a decision-level head's own request goes to the next decision level
    above, else to the head of the agency's root unit (`org_scope.decider_for`; vacant or
    inactive heads are skipped upward). The recommender is the direct supervisor, skipped when
    the supervisor is the decider (or inactive). `decider` is None only for the agency head's
    own request, or when the root unit has no active head: see `no_approver_message`."""
    decider = org_scope.decider_for(employee)
    supervisor = employee.supervisor
    recommender = None
    if supervisor is not None and supervisor.is_active and supervisor.id != employee.id:
        if decider is None or supervisor.id != decider.id:
            recommender = supervisor
    return Chain(recommender=recommender, decider=decider)


def no_approver_message(*, employee: Employee) -> str | None:
    """The hard refusal NO_APPROVER (docs/rules.md §3): the translated message naming what HR
    must set up when nobody can decide `employee`'s requests, else None. Every approvable kind
    calls it where it checks its rules, so the rule check (`check/`) and submit say the same."""
    found = org_scope.find_decider(employee)
    if found.decider is not None:
        return None
    if found.requester_heads_root:
        return str(ERR_NO_APPROVER_TOP)
    return str(ERR_NO_APPROVER_VACANT % {"unit": found.root.name if found.root else "–"})


def escalation_target(*, approver: Employee | None) -> Employee | None:
    """One decision level above `approver` (docs/rules.md §3): the decider of the approver's own
    requests (the next decision level up, else the root unit's head), else the approver's active
    supervisor (the approver heads the root unit)."""
    if approver is None:
        return None
    above = org_scope.decider_for(approver)
    if above is None and approver.supervisor_id:
        above = Employee.objects.filter(id=approver.supervisor_id, is_active=True).first()
    return above


# ---------------------------------------------------------------------------- who may act


@dataclass(frozen=True)
class Acting:
    """`employee_id` acts; `on_behalf_of_id` is set when they act as a delegate (Plt./Plh.)."""

    employee_id: int
    on_behalf_of_id: int | None = None


def active_delegations(*, delegate_id: int, kind: str, on: datetime.date):
    return Delegation.objects.filter(
        delegate_id=delegate_id,
        kinds__contains=[kind],
        date_from__lte=on,
        date_to__gte=on,
        revoked_at__isnull=True,
    )


def delegators_of(*, user, kind: str = ApprovalKind.ARRANGEMENT, on: datetime.date | None = None):
    """A subquery of employee ids `user` may currently act for (as delegate)."""
    scope = org_scope.scope_for(user)
    if scope.employee_id is None:
        return Employee.objects.none().values("id")
    on = on or today_in(scope.office_time_zone)
    return active_delegations(delegate_id=scope.employee_id, kind=kind, on=on).values("delegator_id")


def principals_for_step(obj: ApprovableModel) -> list[int]:
    """The employees who may act on the current step (before delegation)."""
    ids: list[int | None] = []
    if obj.step == ApprovalStep.RECOMMEND:
        ids = [obj.recommender_id, obj.escalated_to_id]
    elif obj.step == ApprovalStep.DECIDE:
        ids = [obj.decider_id, obj.escalated_to_id]
    return [i for i in ids if i is not None]


def acting_as(*, user, obj: ApprovableModel, principals: list[int] | None = None) -> Acting | None:
    """Whether `user` may act for one of `principals` (default: the current step's approvers) on
    `obj`, themself or as an active delegate. Nobody acts on their own request, not even as a
    delegate (docs/rules.md §3)."""
    scope = org_scope.scope_for(user)
    me = scope.employee_id
    if me is None or scope.agency_id != obj.agency_id or me == obj.employee_id:
        return None
    principals = principals_for_step(obj) if principals is None else [p for p in principals if p]
    if not principals:
        return None
    if me in principals:
        return Acting(employee_id=me)
    # A delegation's dates are office dates of the delegate (docs/rules.md §1).
    on = today_in(scope.office_time_zone)
    delegation = (
        active_delegations(delegate_id=me, kind=obj.approval_kind, on=on)
        .filter(delegator_id__in=principals)
        .order_by("id")
        .first()
    )
    if delegation is None:
        return None
    return Acting(employee_id=me, on_behalf_of_id=delegation.delegator_id)


# ---------------------------------------------------------------------------- transition


def approval_transition(
    *,
    obj: ApprovableModel,
    action: str,
    to: str,
    actor=None,
    on_behalf_of_id: int | None = None,
    note: str = "",
    override_reason: str = "",
    dates: list[datetime.date] | tuple = (),
    updates: dict[str, Any] | None = None,
    previous_dates: list[datetime.date] | tuple = (),
    opinion: str = "",
) -> Transition:
    """Move `obj` to `to` if nobody moved it meanwhile, and record the move: the lowest layer of
    the engine (flexwork/approvals/engine.py locks the rows and runs the guards first).

    The UPDATE filters on the status we read (compare-and-swap): of concurrent callers exactly one
    changes the row, the others get a 409 `stale_transition` and their transaction rolls back.
    `updates` are written in the same single UPDATE, so the audit trail (pghistory) gets one row
    per transition. Only the actions of KEEP_STATUS_ACTIONS may keep the status (a partial cancel
    or revoke, an escalation, a re-routing); any other same-state move is refused, so a repeated
    submit or withdraw never records `withdrawn → withdrawn`."""
    current = obj.status
    keeps = to == current and current in KEEP_STATUS_ACTIONS.get(action, ())
    if not keeps and to not in ALLOWED_TRANSITIONS.get(current, ()):
        message = ERR_NOT_ALLOWED % {
            "status": obj.get_status_display().lower(),
            "action": ApprovalAction(action).label,
        }
        raise ConflictError(str(message), code=STALE_TRANSITION)
    now = timezone.now()
    values = {"status": to, "updated_at": now, **(updates or {})}
    won = type(obj).objects.filter(id=obj.id, status=current).update(**values)
    if won != 1:
        raise ConflictError(str(ERR_STALE), code=STALE_TRANSITION)
    for field, value in values.items():
        setattr(obj, field, value)
    return Transition.objects.create(
        agency_id=obj.agency_id,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.id,
        action=action,
        from_status=current,
        to_status=to,
        actor=actor,
        on_behalf_of_id=on_behalf_of_id,
        note=note or "",
        override_reason=override_reason or "",
        dates=list(dates),
        previous_dates=list(previous_dates),
        opinion=opinion,
    )


def transitions_for(obj: ApprovableModel):
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.id
    ).select_related("actor", "actor__employee", "on_behalf_of")


# ---------------------------------------------------------------------------- delegation


@transaction.atomic
def delegation_create(
    *,
    delegator: Employee,
    delegate: Employee,
    date_from: datetime.date,
    date_to: datetime.date,
    kinds: list[str],
    note: str = "",
    created_by=None,
) -> Delegation:
    if delegator.id == delegate.id:
        raise ApplicationError(str(ERR_DELEGATION_SELF), fields={"delegate": [str(ERR_DELEGATION_SELF)]})
    if delegator.agency_id != delegate.agency_id:
        raise ApplicationError(str(ERR_DELEGATION_AGENCY), fields={"delegate": [str(ERR_DELEGATION_AGENCY)]})
    if date_to < date_from:
        raise ApplicationError(str(ERR_DELEGATION_DATES), fields={"date_to": [str(ERR_DELEGATION_DATES)]})
    delegation = Delegation(
        agency_id=delegator.agency_id,
        delegator=delegator,
        delegate=delegate,
        date_from=date_from,
        date_to=date_to,
        kinds=sorted(set(kinds)),
        note=note,
        created_by=created_by,
    )
    delegation.full_clean()
    delegation.save()
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation) -> Delegation:
    Delegation.objects.filter(id=delegation.id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    delegation.refresh_from_db()
    return delegation


def delegation_q(user) -> Q:
    """Delegations a user may see: their own (given or received); HR sees the agency's."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    agency = Q(agency_id=scope.agency_id)
    if org_scope.HR_ADMIN in scope.roles or org_scope.AGENCY_HEAD in scope.roles:
        return agency
    return agency & (Q(delegator_id=scope.employee_id) | Q(delegate_id=scope.employee_id))


def refuse(message: str, *, code: str = "invalid", field: str | None = None) -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]} if field else None)


__all__ = [
    "KEEP_STATUS_ACTIONS",
    "STALE_TRANSITION",
    "Acting",
    "Chain",
    "acting_as",
    "active_delegations",
    "approval_chain",
    "approval_transition",
    "delegation_create",
    "delegation_q",
    "delegation_revoke",
    "delegators_of",
    "escalation_target",
    "no_approver_message",
    "principals_for_step",
    "refuse",
    "transitions_for",
]
