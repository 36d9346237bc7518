"""Leave / official duty and attendance corrections through the one approval engine
(flexwork/approvals/engine.py; docs/rules.md §3: the same engine serves arrangements, leave/official
duty and attendance corrections). The engine owns the lifecycle; this module registers the two
kinds' specs and adds what each needs: validation at creation, the overlap check, what approval
writes (statuses recomputed, the corrected event marked) and the HR import of leave."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from attendance.models import (
    SUB_REASONS_BY_KIND,
    AttendanceCorrection,
    CheckEvent,
    CheckKind,
    LeaveKind,
    LeaveRequest,
    LeaveSource,
)
from flexwork.approvals import engine as approval_engine
from flexwork.approvals import services as engine
from flexwork.approvals.models import (
    OPEN_STATUSES,
    PENDING_STATUSES,
    ApprovableModel,
    ApprovalAction,
    ApprovalKind,
    ApprovalStatus,
    ApprovalStep,
    Transition,
)
from flexwork.approvals.registry import (
    ALL_ACTIONS,
    DECISION_ACTIONS,
    ApprovalSpec,
    Expiry,
    Move,
    Notice,
    spec_register,
)
from flexwork.common import tabular
from flexwork.common.calendar import office_today, office_zone
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.i18n import user_language
from flexwork.common.services import evidence_attach
from flexwork.notifications.services import notification_send
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee

S = ApprovalStatus
CORRECTION_WINDOW_DAYS = 30  # how far back a correction may reach (kebijakan instansi; docs/rules.md §4)
LEAVE_MAX_DAYS = 366

ERR_DATES = _("The end date is before the start date.")
ERR_TOO_LONG = _("A leave request covers at most a year.")
ERR_SUB_REASON = _("Choose one of the reasons listed for %(kind)s.")
ERR_LEAVE_OVERLAP = _("Another leave or official duty already covers some of these days.")
ERR_CORRECTION_FUTURE = _("You cannot correct a day that has not come yet.")
ERR_CORRECTION_WINDOW = _("Corrections reach back at most %(days)s days.")
ERR_CORRECTION_DUPLICATE = _("A correction of this check on this day is already waiting or approved.")
ERR_REASON = _("Give a reason.")
ERR_CANCEL_STARTED = _("Leave that has begun cannot be cancelled; ask the decider to revoke it.")


# ---------------------------------------------------------------------------- the approval specs
# Leave/official duty and corrections go through the one approval engine (flexwork/approvals/
# engine.py: guards, locks, transitions, expiry, escalation, re-routing, deactivation). The hooks
# below are what is theirs: the overlap check of leave, what approval writes (statuses recomputed,
# the corrected event marked), cancel of leave that has not begun, and the notification texts.

# Policy data per leave kind (docs/rules.md §3, §9): whether an undecided request expires at 00:00
# office time of its first day. Sick leave is often asked for on the day or after it, so it does
# not expire; every other kind does. Escalation cannot be switched off per kind (the agency's
# `escalation_working_days` says when it happens).
LEAVE_KIND_RULES: dict[str, dict[str, bool]] = {
    kind: {"expires": kind not in (LeaveKind.CS, LeaveKind.SAKIT)} for kind in LeaveKind.values
}


def allowed_actions(*, obj: ApprovableModel, user) -> list[str]:
    return approval_engine.allowed_actions(obj=obj, user=user)


def _url_of(obj: ApprovableModel) -> str:
    from django.urls import reverse

    return reverse("attendance-requests")


NOTICE_KINDS = {
    "submitted": "attendance_request_pending",
    "recommended": "attendance_request_pending",
    "rerouted": "attendance_request_pending",
    "approved": "attendance_request_approved",
    "changed": "attendance_request_changed",
    "deferred": "attendance_request_deferred",
    "rejected": "attendance_request_rejected",
    "revoked": "attendance_request_rejected",
    "returned": "attendance_request_returned",
    "expired": "attendance_request_expired",
    "escalated": "attendance_request_escalated",
    "reminder": "attendance_request_reminder",
}


def _notify(notice: Notice) -> None:
    kind = NOTICE_KINDS.get(notice.event)
    if kind is None:
        return
    obj, recipient = notice.obj, notice.recipient_user
    if notice.event == "reminder" and isinstance(obj, LeaveRequest) and obj.step == ApprovalStep.DECIDE:
        from leave.rules import decided_by_ppk

        if decided_by_ppk(kind=obj.kind, abroad=obj.abroad):
            kind = "attendance_request_reminder_ppk"  # escalated to nobody (docs/rules.md §9)
    with translation.override(user_language(recipient) or settings.LANGUAGE_CODE):
        label = str(obj.get_kind_display()) if isinstance(obj, LeaveRequest) else str(_("Attendance correction"))
    context = {key: value if isinstance(value, int) else str(value) for key, value in notice.context.items()}
    if notice.event == "changed" and isinstance(obj, LeaveRequest):
        from django.utils import formats

        with translation.override(user_language(recipient) or settings.LANGUAGE_CODE):
            first, last = formats.date_format(obj.date_from, "j F Y"), formats.date_format(obj.date_to, "j F Y")
            context["dates"] = f"{first} – {last}"
    notification_send(
        recipient=recipient,
        kind=kind,
        context={"request_label": label, "employee_name": obj.employee.name, "note": notice.note or "", **context},
        url=_url_of(obj),
    )


# docs/rules.md §9: which form field a refusal belongs to.
VIOLATION_FIELDS = {
    "LEAVE_KIND_NOT_ALLOWED": "kind",
    "CM_BIRTH_LIMIT": "kind",
    "CT_NOT_ELIGIBLE": "date_from",
    "CT_FAMILY_DAYS": "date_to",
    "LEAVE_SERVICE_SHORT": "date_from",
    "LEAD_TIME": "date_from",
    "LEAVE_TOO_LONG": "date_to",
    "CB_AFTER_CT": "date_to",
    "LEAVE_BALANCE": "date_to",
    "LEAVE_REASON_REQUIRED": "sub_reason",
    "LEAVE_EVIDENCE_REQUIRED": "evidence",
    "LEAVE_BACKDATE": "date_from",
    "LEAVE_PPK_ONLY": "kind",
}
ERR_OVERRIDE_REQUIRED = _("Give a reason to approve despite the warnings.")
ERR_SAME_DATES = _("These are the dates asked for: approve the request instead.")
# docs/rules.md §9 "The decision": a cuti besar for religion (a first hajj) or a birth cannot be deferred.
CB_NOT_DEFERRABLE = ("HAJJ", "BIRTH")
LEAVE_DEFER_NOT_ALLOWED = "LEAVE_DEFER_NOT_ALLOWED"
LEAVE_DEFER_SOURCE = "PP 11/2017 Pasal 316–318"
DEFERRABLE_KINDS = (LeaveKind.CT, LeaveKind.CB)
ERR_NO_WORKING_DAY = _("Annual leave counts working days, and these dates have none.")


def leave_policy_error(violations: list[dict], *, code: str = "policy_violation") -> ApplicationError:
    """The rule check's refusal in the API's error shape: the message of the first violation (or how
    many rules broke), each violation under its form field, all of them in `violations`."""
    from flexwork.common.labels import RULE_MEANINGS

    hard = [v for v in violations if v["severity"] == "hard"] or violations
    fields: dict[str, list[str]] = {}
    if len(hard) == 1:
        # The message says it all; the field names the rule in short, so a form does not say it twice.
        message = hard[0]["message"]
        meaning = RULE_MEANINGS.get(hard[0]["code"])
        fields[VIOLATION_FIELDS.get(hard[0]["code"], "date_from")] = [str(meaning) if meaning else message]
        return ApplicationError(message, code=code, fields=fields, violations=violations)
    message = ngettext("The request breaks %(count)d rule.", "The request breaks %(count)d rules.", len(hard)) % {
        "count": len(hard)
    }
    for item in hard:
        fields.setdefault(VIOLATION_FIELDS.get(item["code"], "date_from"), []).append(item["message"])
    return ApplicationError(message, code=code, fields=fields, violations=violations)


def leave_check(leave: LeaveRequest, *, lead_time: bool = True):
    """The rule check of a stored leave request (docs/rules.md §9), as leave.rules.check answers it."""
    from leave import rules as leave_rules

    return leave_rules.check(
        employee=leave.employee,
        kind=leave.kind,
        date_from=leave.date_from,
        date_to=leave.date_to,
        leave_request=leave,
        lead_time=lead_time,
    )


ERR_NO_PPK = _(
    "Nobody can decide this request: unpaid leave and leave abroad are decided by the head of %(unit)s, "
    "and that post is vacant or it is your own. HR sets the head on the organisation page."
)


def _agency_head(employee: Employee) -> Employee | None:
    """The PPK of `employee`: the active head of the agency's root unit, unless that is the employee."""
    found = org_scope.find_decider(employee)
    head = found.root.head if found.root is not None else None
    if head is None or not head.is_active or head.id == employee.id:
        return None
    return head


def _leave_chain(leave: LeaveRequest) -> engine.Chain:
    """docs/rules.md §9 "Decided by the PPK": CLTN and any leave abroad go to the agency head, with
    the usual decider (or the supervisor) giving the opinion first; other leave has the employee's chain."""
    from leave.rules import decided_by_ppk

    chain = engine.approval_chain(employee=leave.employee)
    if not decided_by_ppk(kind=leave.kind, abroad=leave.abroad):
        return chain
    head = _agency_head(leave.employee)
    if head is None:
        return engine.Chain(recommender=None, decider=None)
    opinion = chain.recommender or chain.decider
    if opinion is not None and opinion.id == head.id:
        opinion = None
    return engine.Chain(recommender=opinion, decider=head)


def _no_decider_message(leave: LeaveRequest) -> str:
    from leave.rules import decided_by_ppk

    if decided_by_ppk(kind=leave.kind, abroad=leave.abroad):
        root = org_scope.find_decider(leave.employee).root
        return str(ERR_NO_PPK % {"unit": root.name if root else "–"})
    return engine.no_approver_message(employee=leave.employee) or str(engine.ERR_NO_APPROVER_TOP)


def _refuse_delegate(move: Move) -> None:
    """A CLTN or leave abroad is decided by the PPK in person: neither a delegate (Plt./Plh.) nor
    whoever an escalation reached may approve it."""
    from leave import rules as leave_rules

    obj = move.obj
    if not leave_rules.decided_by_ppk(kind=obj.kind, abroad=obj.abroad):
        return
    me = Employee.objects.filter(user_id=move.actor.id).values_list("id", flat=True).first()
    if move.on_behalf_of_id is None and me == obj.decider_id:
        return
    message = _("Unpaid leave and leave abroad are decided by the head of the agency in person, not by a delegate.")
    raise leave_policy_error([leave_rules.violation(leave_rules.LEAVE_PPK_ONLY, message, ())])


def _check_leave(move: Move) -> None:
    """docs/rules.md §9 under the engine's lock on the employee: at submit the kind's rules (hard ones
    refuse) and the days held from the balance; at the decision overlapping leave is refused, soft
    coverage warnings need an override reason, and days not held yet are held."""
    from leave import services as leave_services

    obj = move.obj
    if move.action == ApprovalAction.SUBMIT:
        result = leave_check(obj)
        if result.hard:
            raise leave_policy_error(result.violations)
        if result.preview.counts and not result.preview.days:
            raise ApplicationError(str(ERR_NO_WORKING_DAY), fields={"date_to": [str(ERR_NO_WORKING_DAY)]})
        leave_services.hold(leave_request=obj, actor=move.actor)
        move.data["violations"] = result.violations
        obj.leave_violations = result.violations  # the soft warnings, for the caller's answer
    elif move.action == ApprovalAction.CHANGE:
        _check_new_dates(move)
    elif move.action == ApprovalAction.DEFER:
        _check_deferral(move)
    elif move.action == ApprovalAction.APPROVE:
        _refuse_delegate(move)
        _refuse_overlap(employee_id=obj.employee_id, date_from=obj.date_from, date_to=obj.date_to, exclude_id=obj.id)
        result = leave_check(obj, lead_time=False)
        if result.hard:
            raise leave_policy_error(result.violations)
        # The decider's note is the override reason when none is given apart (the pages and the
        # API's transitions take a note).
        reason = move.override_reason or (move.note or "").strip()
        if result.soft and not reason:
            error = leave_policy_error(result.soft, code="override_reason_required")
            error.message = str(ERR_OVERRIDE_REQUIRED)
            error.fields = {"override_reason": [str(ERR_OVERRIDE_REQUIRED)], "note": [str(ERR_OVERRIDE_REQUIRED)]}
            raise error
        move.override_reason = reason if result.soft else ""
        move.updates["override_reason"] = move.override_reason
        if obj.kind in leave_services.BALANCE_KINDS and not leave_services.is_held(obj):
            leave_services.hold(leave_request=obj, actor=move.actor)
        move.data["violations"] = result.violations
        obj.leave_violations = result.violations


def _check_new_dates(move: Move) -> None:
    """Approval with other dates (perubahan, docs/rules.md §9 "The decision"): the new days must not overlap
    other leave and pass the kind's rules (lead time aside); the request takes the new dates and, for
    annual leave, its held days are released and held again for them under the same locks (employee,
    then the buckets), so a shortfall is LEAVE_BALANCE and nothing is written; the debit follows."""
    from leave import services as leave_services

    obj = move.obj
    _refuse_delegate(move)
    new_from, new_to = move.requested_dates
    if (new_from, new_to) == (obj.date_from, obj.date_to):
        raise ApplicationError(str(ERR_SAME_DATES), fields={"date_from": [str(ERR_SAME_DATES)]})
    if (new_to - new_from).days >= LEAVE_MAX_DAYS:
        raise ApplicationError(str(ERR_TOO_LONG), fields={"date_to": [str(ERR_TOO_LONG)]})
    _refuse_overlap(employee_id=obj.employee_id, date_from=new_from, date_to=new_to, exclude_id=obj.id)
    move.previous_dates = [obj.date_from, obj.date_to]
    obj.date_from, obj.date_to = new_from, new_to
    move.dates = [new_from, new_to]
    move.updates.update(date_from=new_from, date_to=new_to)
    result = leave_check(obj, lead_time=False)
    if result.hard:
        raise leave_policy_error(result.violations)
    if result.preview.counts and not result.preview.days:
        raise ApplicationError(str(ERR_NO_WORKING_DAY), fields={"date_to": [str(ERR_NO_WORKING_DAY)]})
    # The reason of the change is the reason to approve over a soft warning (coverage) as well.
    move.override_reason = (move.override_reason or move.note).strip() if result.soft else ""
    move.updates["override_reason"] = move.override_reason
    if obj.kind in leave_services.BALANCE_KINDS:
        leave_services.hold(leave_request=obj, actor=move.actor)
    move.data["violations"] = result.violations
    obj.leave_violations = result.violations


def _check_deferral(move: Move) -> None:
    """Deferral (penangguhan, docs/rules.md §9): a CT or CB; a CB for a first hajj or a birth cannot be."""
    obj = move.obj
    _refuse_delegate(move)
    if obj.kind == LeaveKind.CB and obj.sub_reason in CB_NOT_DEFERRABLE:
        message = _("Long leave for a first hajj or for a birth cannot be deferred.")
        violation = {
            "code": LEAVE_DEFER_NOT_ALLOWED,
            "severity": "hard",
            "message": str(message),
            "source": LEAVE_DEFER_SOURCE,
            "dates": [],
        }
        error = leave_policy_error([violation])
        error.fields = {"note": [str(message)]}
        raise error


def _leave_applies(obj, action: str) -> bool:
    """Of the leave decisions, deferral applies only to annual and long leave."""
    if action == ApprovalAction.DEFER:
        return obj.kind in DEFERRABLE_KINDS
    return True


def _leave_escalation_target(obj, target_id: int | None) -> int | None:
    """docs/rules.md §9 "Decided by the PPK": a CLTN or leave abroad waiting for the PPK's decision is
    escalated to nobody (the PPK is reminded); one waiting for the opinion goes to the PPK."""
    from leave.rules import decided_by_ppk

    if not decided_by_ppk(kind=obj.kind, abroad=obj.abroad):
        return target_id
    if obj.step == ApprovalStep.RECOMMEND:
        return obj.decider_id
    return None


def _after_approve(move: Move) -> None:
    obj = move.obj
    if isinstance(obj, LeaveRequest):
        from leave import services as leave_services

        leave_services.debit(leave_request=obj, actor=move.actor)
        if obj.kind == LeaveKind.CB:
            leave_services.long_leave_starts(leave_request=obj, actor=move.actor)
    if isinstance(obj, AttendanceCorrection):
        # The original stays, marked as corrected by this correction.
        CheckEvent.objects.filter(employee_id=obj.employee_id, local_date=obj.local_date, kind=obj.kind).update(
            corrected_by=obj, updated_at=timezone.now()
        )
        date_from = date_to = obj.local_date
    else:
        date_from, date_to = obj.date_from, obj.date_to
        if move.previous_dates:
            date_from, date_to = min(date_from, move.previous_dates[0]), max(date_to, move.previous_dates[1])
    _refresh_after_commit(obj.employee_id, date_from, date_to)


def _end_leave(move: Move) -> None:
    """The employee cancels approved leave that has not begun; the decider may revoke any."""
    obj = move.obj
    if move.action == ApprovalAction.CANCEL and obj.date_from <= office_today(obj.employee):
        raise ApplicationError(str(ERR_CANCEL_STARTED), code="started")


def _refresh_after_commit(employee_id: int, date_from: datetime.date, date_to: datetime.date) -> None:
    def publish():
        from attendance.tasks import day_statuses_refresh_range_task

        day_statuses_refresh_range_task.delay(employee_id, date_from.isoformat(), date_to.isoformat())

    transaction.on_commit(publish, robust=True)


def _after_end_leave(move: Move) -> None:
    """Cancel (before the first day) gives every taken day back; a revoke after the leave began is a
    recall: the days after the recall's office day go back to their buckets (docs/rules.md §9)."""
    from leave import services as leave_services

    obj = move.obj
    today = office_today(obj.employee)
    if move.action == ApprovalAction.CANCEL:
        leave_services.give_back(leave_request=obj, actor=move.actor, reason=move.note)
    elif move.action == ApprovalAction.REVOKE:
        leave_services.recall(leave_request=obj, on=today, actor=move.actor, reason=move.note)
        _refresh_after_commit(move.obj.employee_id, move.obj.date_from, move.obj.date_to)
    if obj.kind == LeaveKind.CB and today < obj.date_from:
        leave_services.long_leave_undone(leave_request=obj, actor=move.actor, reason=move.note)


def _after_close_leave(move: Move) -> None:
    """Reject, withdraw, expiry, deactivation: the held days go back (docs/rules.md §9 "Buckets"). A
    deferred CT releases them and puts the same days in next year's DEFERRED (§9 "The decision")."""
    from leave import services as leave_services

    if move.action == ApprovalAction.DEFER:
        leave_services.defer(leave_request=move.obj, actor=move.actor, reason=move.note)
        return
    leave_services.release(leave_request=move.obj, actor=move.actor, reason=move.note)


def _close_approved_leave(*, employee: Employee, actor=None, start: datetime.date, note: str = "") -> int:
    """Deactivation or a transfer cancels approved leave that begins on `start` or later, with `note`
    (HR's reason) as its reason."""
    closed = 0
    for leave in LeaveRequest.objects.filter(employee_id=employee.id, status=S.APPROVED, date_from__gte=start):
        approval_engine.lock(leave)
        if leave.status != S.APPROVED:
            continue
        engine.approval_transition(
            obj=leave,
            action=ApprovalAction.CANCEL,
            to=S.CANCELLED,
            actor=actor,
            note=note or str(_("Employee deactivated.")),
        )
        from leave import services as leave_services

        leave_services.give_back(leave_request=leave, actor=actor, reason=note)
        if leave.kind == LeaveKind.CB:
            leave_services.long_leave_undone(leave_request=leave, actor=actor, reason=note)
        closed += 1
    return closed


def register_approval_specs() -> None:
    """Called from AttendanceConfig.ready()."""
    spec_register(
        ApprovalSpec(
            kind=ApprovalKind.LEAVE,
            model=LeaveRequest,
            url=_url_of,
            actions=ALL_ACTIONS | DECISION_ACTIONS,
            applies=_leave_applies,
            escalation_target=_leave_escalation_target,
            check=_check_leave,
            after_approve=_after_approve,
            end=_end_leave,
            after_end=_after_end_leave,
            after_close=_after_close_leave,
            notify=_notify,
            # 00:00 office time of the first day of leave, for the kinds that expire (LEAVE_KIND_RULES).
            expiry=Expiry(
                field="date_from",
                only=Q(kind__in=[kind for kind, rules in LEAVE_KIND_RULES.items() if rules["expires"]]),
            ),
            escalates=True,
            close_approved=_close_approved_leave,
            chain=_leave_chain,
            no_approver=_no_decider_message,
        )
    )
    spec_register(
        ApprovalSpec(
            kind=ApprovalKind.CORRECTION,
            model=AttendanceCorrection,
            url=_url_of,
            # No cancel or revoke: a later correction supersedes an approved one (docs/rules.md §3).
            actions=ALL_ACTIONS - {ApprovalAction.CANCEL, ApprovalAction.REVOKE},
            after_approve=_after_approve,
            notify=_notify,
            # A correction is of a past day, so it cannot expire at its own date. It expires when its
            # day leaves the correction window: at 00:00 office time of the first day on which the
            # same correction could no longer be asked for (local_date + CORRECTION_WINDOW_DAYS + 1).
            expiry=Expiry(field="local_date", offset_days=CORRECTION_WINDOW_DAYS + 1),
            escalates=True,
        )
    )


@transaction.atomic
def request_act(
    *,
    obj: ApprovableModel,
    action: str,
    actor,
    note: str = "",
    override_reason: str = "",
    dates: list[datetime.date] | None = None,
    opinion: str = "",
) -> ApprovableModel:
    """Run one transition by name (the API's and the pages' single entry): the engine's guards
    (403 not an actor, 409 `stale_transition`), then the kind's hooks. Approving leave with soft
    warnings (coverage) needs `override_reason`; approving with other dates (`change`) takes `dates`
    = [first day, last day] and a reason in `note`, as deferral (`defer`) does. A recommendation may
    carry the supervisor's `opinion` (`change` with `dates`, or `defer`), with a reason."""
    approval_engine.transition(
        obj=obj,
        action=action,
        actor=actor,
        note=note,
        override_reason=override_reason,
        dates=dates,
        opinion=opinion,
    )
    return obj


# ---------------------------------------------------------------------------- creation


def _refuse_overlap(*, employee_id: int, date_from, date_to, exclude_id: int | None = None) -> None:
    overlapping = LeaveRequest.objects.filter(
        employee_id=employee_id,
        status__in=(S.APPROVED, *PENDING_STATUSES),
        date_from__lte=date_to,
        date_to__gte=date_from,
    )
    if exclude_id is not None:
        overlapping = overlapping.exclude(id=exclude_id)
    if overlapping.exists():
        raise ConflictError(str(ERR_LEAVE_OVERLAP), code="overlap")


def _attach_evidence(*, user, obj, evidence_ids: list[int]) -> None:
    from flexwork.common.selectors import evidence_list_attachable_for

    ids = list(dict.fromkeys(evidence_ids or []))
    if not ids:
        return
    files = list(evidence_list_attachable_for(user=user).filter(id__in=ids))
    if len(files) != len(ids):
        message = str(_("Unknown evidence file, or one that belongs elsewhere."))
        raise ApplicationError(message, fields={"evidence": [message]})
    for evidence in files:
        evidence_attach(evidence=evidence, owner=obj)


def _caller(user) -> Employee:
    scope = org_scope.require_agency(user)
    return Employee.objects.select_related("unit", "agency", "supervisor", "user").get(id=scope.employee_id)


@transaction.atomic
def leave_request_create(
    *,
    user,
    kind: str,
    date_from: datetime.date,
    date_to: datetime.date,
    reason: str = "",
    sub_reason: str = "",
    abroad: bool = False,
    evidence_ids: list[int] | None = None,
    submit: bool = True,
) -> LeaveRequest:
    employee = _caller(user)
    sub_reason = sub_reason or ""
    from leave import family as leave_family

    # Annual leave takes a family reason only as a PPPK's family days (docs/rules.md §9 "Family days").
    family_only = kind == LeaveKind.CT and not leave_family.before_annual_leave(employee, date_from)
    if sub_reason and (sub_reason not in SUB_REASONS_BY_KIND.get(kind, ()) or family_only):
        message = str(ERR_SUB_REASON % {"kind": LeaveKind(kind).label})
        raise ApplicationError(message, fields={"sub_reason": [message]})
    if date_to < date_from:
        raise ApplicationError(str(ERR_DATES), fields={"date_to": [str(ERR_DATES)]})
    if (date_to - date_from).days >= LEAVE_MAX_DAYS:
        raise ApplicationError(str(ERR_TOO_LONG), fields={"date_to": [str(ERR_TOO_LONG)]})
    _refuse_overlap(employee_id=employee.id, date_from=date_from, date_to=date_to)
    leave = LeaveRequest(
        agency_id=employee.agency_id,
        employee=employee,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        reason=reason or "",
        sub_reason=sub_reason,
        abroad=bool(abroad),
        created_by=user,
    )
    leave.full_clean()
    leave.save()
    _attach_evidence(user=user, obj=leave, evidence_ids=evidence_ids or [])
    if submit:
        approval_engine.transition(obj=leave, action=ApprovalAction.SUBMIT, actor=user)
    return leave


@transaction.atomic
def correction_create(
    *,
    user,
    local_date: datetime.date,
    kind: str,
    corrected_time: datetime.time,
    reason: str,
    evidence_ids: list[int] | None = None,
    submit: bool = True,
) -> AttendanceCorrection:
    """Ask to correct a missing or flagged check-in/out of one of the caller's recent days."""
    employee = _caller(user)
    today = office_today(employee)
    if local_date > today:
        raise ApplicationError(str(ERR_CORRECTION_FUTURE), fields={"local_date": [str(ERR_CORRECTION_FUTURE)]})
    if local_date < today - datetime.timedelta(days=CORRECTION_WINDOW_DAYS):
        message = ERR_CORRECTION_WINDOW % {"days": CORRECTION_WINDOW_DAYS}
        raise ApplicationError(message, fields={"local_date": [message]})
    if not (reason or "").strip():
        raise ApplicationError(str(ERR_REASON), fields={"reason": [str(ERR_REASON)]})
    if AttendanceCorrection.objects.filter(
        employee_id=employee.id,
        local_date=local_date,
        kind=kind,
        status__in=(S.APPROVED, *OPEN_STATUSES),
    ).exists():
        raise ConflictError(str(ERR_CORRECTION_DUPLICATE), code="duplicate")
    zone = office_zone(employee)
    correction = AttendanceCorrection(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=local_date,
        kind=kind,
        corrected_time=corrected_time,
        corrected_at=datetime.datetime.combine(local_date, corrected_time, tzinfo=zone),
        reason=reason.strip(),
        check_event=CheckEvent.objects.filter(employee_id=employee.id, local_date=local_date, kind=kind).first(),
    )
    correction.full_clean()
    correction.save()
    _attach_evidence(user=user, obj=correction, evidence_ids=evidence_ids or [])
    if submit:
        approval_engine.transition(obj=correction, action=ApprovalAction.SUBMIT, actor=user)
    return correction


# ---------------------------------------------------------------------------- HR import

ERR_IMPORT_NIP = _("Unknown NIP in this agency.")
ERR_IMPORT_KIND = _("Unknown kind: use one of %(kinds)s.")
IMPORT_MAX_BYTES = 10 * 1024 * 1024


def _leave_kind_parse(value: str) -> str:
    kind = value.strip().upper()
    if kind not in LeaveKind.values:
        raise tabular.CellError("bad_kind", ERR_IMPORT_KIND, kinds=", ".join(LeaveKind.values))
    return kind


IMPORT_COLUMNS = (
    tabular.Column("nip", _("NIP of the employee"), blank=False, text_only=True),
    tabular.Column("jenis", _("Kind (a leave kind code)"), blank=False, parser=_leave_kind_parse),
    tabular.Column("tanggal_mulai", _("First day, YYYY-MM-DD"), blank=False, parser=tabular.date_parser),
    tabular.Column("tanggal_selesai", _("Last day, YYYY-MM-DD"), blank=False, parser=tabular.date_parser),
    tabular.Column("alasan", _("Reason (optional)"), required=False, default=""),
)
IMPORT_HEADERS = tabular.headers(IMPORT_COLUMNS)


@transaction.atomic
def leave_import_csv(*, user, content: bytes, name: str = "") -> int:
    """HR imports approved leave / official duty from CSV (UTF-8, BOM allowed, `,` or `;`) or XLSX
    with the headers nip, jenis (a LeaveKind code), tanggal_mulai, tanggal_selesai, alasan, in any
    order. All or nothing: any row error stores nothing and raises RowsInvalid (row, column,
    message). Returns how many records were created.

    docs/rules.md §9 "Imported leave": an imported annual leave takes its days from the balance as an
    approved request does (leave.services hold then debit, the ledger entries naming the request); a
    row the buckets cannot cover is refused with LEAVE_BALANCE's numbers under its row. A row that is
    already imported (same employee, kind and dates, still approved) is skipped, so a file imported
    twice debits once."""
    from leave import services as leave_services

    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    table = tabular.table_read(
        data=content, name=name, columns=IMPORT_COLUMNS, max_bytes=IMPORT_MAX_BYTES, unknown_headers=True
    )
    employees = {
        e.nip: e
        for e in Employee.objects.select_related("unit", "agency").filter(
            agency_id=scope.agency_id, nip__in=[r["nip"] for r in table.records]
        )
    }
    imported = set(
        LeaveRequest.objects.filter(
            agency_id=scope.agency_id,
            employee_id__in=[e.id for e in employees.values()],
            source=LeaveSource.IMPORT,
            status=S.APPROVED,
        ).values_list("employee_id", "kind", "date_from", "date_to")
    )
    errors: list[tabular.RowError] = list(table.errors)
    not_text = {error.row for error in table.errors}
    created: list[tuple[int, LeaveRequest]] = []
    for record in table.records:
        number = record["row"]
        values, problems = tabular.row_parse(IMPORT_COLUMNS, record)
        employee = employees.get(values.get("nip"))
        if values.get("nip") and employee is None and number not in not_text:
            problems.append(tabular.RowError(number, "nip", "unknown_nip", ERR_IMPORT_NIP))
        date_from, date_to = values.get("tanggal_mulai"), values.get("tanggal_selesai")
        if date_from and date_to and date_to < date_from:
            problems.append(tabular.RowError(number, "tanggal_selesai", "dates_reversed", ERR_DATES))
        if problems or number in not_text:
            errors.extend(problems)
            continue
        key = (employee.id, values["jenis"], date_from, date_to)
        if key in imported:
            continue  # imported before (or twice in this file): once is enough
        imported.add(key)
        created.append(
            (
                number,
                LeaveRequest(
                    agency_id=scope.agency_id,
                    employee=employee,
                    kind=values["jenis"],
                    date_from=date_from,
                    date_to=date_to,
                    reason=values["alasan"],
                    source=LeaveSource.IMPORT,
                    status=S.APPROVED,
                    decided_at=timezone.now(),
                    created_by=user,
                ),
            )
        )
    if errors:
        raise tabular.RowsInvalid(errors)
    for number, leave in created:
        leave.save()
        Transition.objects.create(
            agency_id=leave.agency_id,
            content_type=_content_type(),
            object_id=leave.id,
            action=ApprovalAction.APPROVE,
            from_status=S.DRAFT,
            to_status=S.APPROVED,
            actor=user,
            note=str(_("Imported by HR")),
        )
        if leave.kind in leave_services.BALANCE_KINDS:
            try:
                with transaction.atomic():
                    leave_services.hold(leave_request=leave, actor=user)
                    leave_services.debit(leave_request=leave, actor=user)
            except ApplicationError as error:
                errors.append(tabular.RowError(number, "tanggal_selesai", "LEAVE_BALANCE", error.message))
                continue
        _refresh_after_commit(leave.employee_id, leave.date_from, leave.date_to)
    if errors:
        raise tabular.RowsInvalid(errors)  # the whole import is undone (the atomic block)
    return len(created)


def _content_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(LeaveRequest)


__all__ = [
    "CheckKind",
    "LEAVE_KIND_RULES",
    "allowed_actions",
    "correction_create",
    "leave_request_create",
    "request_act",
]
