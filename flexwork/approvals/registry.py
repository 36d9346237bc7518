"""The approvable kinds the engine serves (docs/rules.md §3: one engine for arrangements,
leave/official duty and attendance corrections).

Each domain app registers one `ApprovalSpec` from its `AppConfig.ready()`; the engine
(flexwork/approvals/engine.py) looks the spec up by model and never imports a domain app. A spec
says which actions apply, the rule check to run before a move is written, what an approval (or the
end of an approved object) writes besides the status, how its people are told, the page a
notification links to, and whether undecided objects expire and escalate.

Policy switches (docs/rules.md §3, §9). Two of the engine's sweeps are per kind:
- expiry: `expiry` None switches it off for the whole kind; `Expiry.only` is a filter of the
  rows that expire, which is how a kind switches expiry off *as data* (the leave kinds asked for
  after the fact, such as sick leave, never expire: see attendance/requests.py `LEAVE_KIND_RULES`);
- escalation: `escalates` False switches it off for the whole kind; *when* it happens is the
  agency's policy data (`escalation_working_days`), the same for every kind, and it cannot be
  switched off per row, so a request never waits unseen.
Re-routing on a change of supervisor or unit and closing on deactivation apply to every kind (docs/
docs/rules.md §7): they keep the chain true and cannot be switched off."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from flexwork.approvals.models import ApprovalAction

A = ApprovalAction
ALL_ACTIONS = frozenset({A.SUBMIT, A.RECOMMEND, A.APPROVE, A.REJECT, A.RETURN, A.WITHDRAW, A.CANCEL, A.REVOKE})
# The decisions a kind may add to ALL_ACTIONS (leave, docs/rules.md §9 "The decision"): approve with other
# dates (`requested_dates` = the new first and last day) and defer; both by the decider, with a reason.
DECISION_ACTIONS = frozenset({A.CHANGE, A.DEFER})


@dataclass(frozen=True)
class Expiry:
    """An undecided object expires at 00:00 office time of `field` + `offset_days` (a date field), or,
    where `at` gives it, at an instant: `at()` is a query expression of the row's expiry instant
    (e.g. the start of an arrangement's first duty, docs/rules.md §8 "Flexibility on duties"); a row
    where it is NULL expires by its day. The instant is never before 00:00 of that day (the sweep
    reads only the rows whose day has begun)."""

    field: str
    offset_days: int = 0
    only: Q | None = None
    at: Callable[[], Any] | None = None

    def due_on(self, obj) -> datetime.date:
        return getattr(obj, self.field) + datetime.timedelta(days=self.offset_days)


@dataclass
class Move:
    """One transition in the making, handed to a spec's hooks. Hooks may add to `updates` (written
    in the same UPDATE as the status), set `to`/`dates` (cancel and revoke by dates), keep what they
    computed in `data` for a later hook, and raise ApplicationError to refuse (nothing is written)."""

    spec: ApprovalSpec
    obj: Any
    action: str
    to: str
    actor: Any = None
    on_behalf_of_id: int | None = None
    note: str = ""
    override_reason: str = ""
    requested_dates: list[datetime.date] | None = None
    dates: list[datetime.date] = field(default_factory=list)
    previous_dates: list[datetime.date] = field(default_factory=list)
    # A recommendation's opinion: "" (approve), "change" (other dates, in `requested_dates`) or "defer".
    opinion: str = ""
    updates: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Notice:
    """Something a person is told: `event` is one of submitted, recommended, approved, changed
    (approved with other dates), deferred, rejected, returned, cancelled, revoked, expired, escalated,
    reminder, rerouted. `move` is None for the
    sweeps (expiry, escalation, re-routing); `context` carries their figures (days, names)."""

    event: str
    obj: Any
    recipient_user: Any
    actor: Any = None
    note: str = ""
    move: Move | None = None
    context: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Move], None]


@dataclass(frozen=True)
class ApprovalSpec:
    kind: str
    model: type
    url: Callable[[Any], str]
    actions: frozenset[str] = ALL_ACTIONS
    # The owner may still edit a draft or a returned object (pages and `allowed_actions`).
    editable: bool = False
    # Rule check before the write: `check(move)` for submit, recommend and approve.
    check: Hook | None = None
    # What an approval writes besides the status (schedule days, corrected events, statuses).
    after_approve: Hook | None = None
    # Cancel and revoke: `end(move)` may choose dates and keep the status (a partial end) or refuse;
    # `after_end(move)` writes what ending them means (days cancelled, statuses recomputed).
    end: Hook | None = None
    after_end: Hook | None = None
    # An open object closed without approval (reject, withdraw, expiry, withdrawn at deactivation),
    # in the same transaction as its transition: e.g. leave releases the days its submit held.
    after_close: Hook | None = None
    notify: Callable[[Notice], None] | None = None
    expiry: Expiry | None = None
    escalates: bool = True
    # Deactivation: the engine withdraws open objects; this ends approved ones from a date on.
    close_approved: Callable[..., int] | None = None
    # Other people whose rows every transition locks with the owner's, all in id order, before the
    # object's row (`engine.lock`): e.g. the colleague of a duty swap, whose duties an approval
    # rewrites. Read before the lock, so only from columns that never change.
    lock_people: Callable[[Any], tuple[int, ...]] | None = None
    # Relations a hook reads, loaded with the locked row.
    related: tuple[str, ...] = ("employee__user", "employee__unit", "employee__agency", "employee__supervisor")
    # The chain of an object, when it is not the employee's (`approval_chain(employee=…)`): e.g. a duty
    # swap is decided by the head of the roster's unit. `chain(obj)` returns an
    # `flexwork.approvals.services.Chain`; a None decider refuses the submit (NO_APPROVER).
    chain: Callable[[Any], Any] | None = None
    # Who submits instead of the owner (employee id), e.g. the colleague who accepts a swap; the owner
    # still withdraws.
    submitter: Callable[[Any], int | None] | None = None
    # The NO_APPROVER message when `chain(obj)` has no decider.
    no_approver: Callable[[Any], str] | None = None
    # Of `actions`, the ones that apply to this object (e.g. only annual and long leave can be
    # deferred); None: all of them. An action that does not apply is a 400 and is not offered.
    applies: Callable[[Any, str], bool] | None = None
    # Escalation: `escalation_target(obj, target_id)` may replace the person one level up the engine
    # found (None: nobody; the approver is reminded only), e.g. leave the PPK decides in person.
    escalation_target: Callable[[Any, int | None], int | None] | None = None


_SPECS: dict[type, ApprovalSpec] = {}


def spec_register(spec: ApprovalSpec) -> ApprovalSpec:
    """Register (idempotent: a second `ready()` replaces the spec of the same model)."""
    _SPECS[spec.model] = spec
    return spec


def spec_for(obj_or_model) -> ApprovalSpec:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _SPECS:
            return _SPECS[klass]
    raise LookupError(f"No approval spec registered for {model.__name__}")


def specs() -> list[ApprovalSpec]:
    return list(_SPECS.values())


__all__ = [
    "ALL_ACTIONS",
    "DECISION_ACTIONS",
    "ApprovalSpec",
    "Expiry",
    "Move",
    "Notice",
    "spec_for",
    "spec_register",
    "specs",
]
