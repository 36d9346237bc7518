"""Leave / official duty and attendance corrections through the shared approval engine
(flexwork.approvals; rules.md §3 "The same approval engine serves arrangements, leave/official duty
and attendance corrections"). The chain, the compare-and-swap transition and delegation come from
the engine; this module adds what each kind needs: validation at creation, side effects of approval
(statuses recomputed, the corrected event marked) and the HR import of leave."""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import AttendanceCorrection, CheckEvent, CheckKind, LeaveKind, LeaveRequest, LeaveSource
from flexwork.approvals import services as engine
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
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.services import evidence_attach
from flexwork.notifications.services import notification_send
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee

S = ApprovalStatus
CORRECTION_WINDOW_DAYS = 30  # how far back a correction may reach (kebijakan instansi; see the report)
LEAVE_MAX_DAYS = 366

ERR_NOT_OWNER = _("Only the employee concerned can do this.")
ERR_NOT_APPROVER = _("You are not the approver of this step.")
ERR_WRONG_STEP = _("This request is waiting for another step.")
ERR_NO_DECIDER = _("Nobody can decide this request: the unit has no head. Ask HR.")
ERR_DATES = _("The end date is before the start date.")
ERR_TOO_LONG = _("A leave request covers at most a year.")
ERR_LEAVE_OVERLAP = _("Another leave or official duty already covers some of these days.")
ERR_CORRECTION_FUTURE = _("You cannot correct a day that has not come yet.")
ERR_CORRECTION_WINDOW = _("Corrections reach back at most %(days)s days.")
ERR_CORRECTION_DUPLICATE = _("A correction of this check on this day is already waiting or approved.")
ERR_REASON = _("Give a reason.")
ERR_CANCEL_STARTED = _("Leave that has begun cannot be cancelled; ask the decider to revoke it.")


def _today(employee: Employee) -> datetime.date:
    zone = employee.unit.time_zone or employee.agency.time_zone
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()


def _require_owner(obj: ApprovableModel, user) -> None:
    if org_scope.scope_for(user).employee_id != obj.employee_id:
        raise PermissionDenied(str(ERR_NOT_OWNER))


def _require_state(obj: ApprovableModel, *, to: str, action: str, step: str | None = None) -> None:
    current = obj.status
    if to != current and to not in ALLOWED_TRANSITIONS.get(current, ()):
        message = engine.ERR_NOT_ALLOWED % {
            "status": obj.get_status_display().lower(),
            "action": ApprovalAction(action).label,
        }
        raise ConflictError(message, code="invalid_transition")
    if step is not None and obj.step != step:
        raise ConflictError(str(ERR_WRONG_STEP), code="invalid_transition")


def _require_approver(obj: ApprovableModel, user, principals=None) -> engine.Acting:
    acting = engine.acting_as(user=user, obj=obj, principals=principals)
    if acting is None:
        raise PermissionDenied(str(ERR_NOT_APPROVER))
    return acting


def allowed_actions(*, obj: ApprovableModel, user) -> list[str]:
    actions: list[str] = []
    if org_scope.scope_for(user).employee_id == obj.employee_id:
        if obj.status in EDITABLE_STATUSES:
            actions.append("submit")
        if obj.status in OPEN_STATUSES:
            actions.append("withdraw")
        if obj.status == S.APPROVED and isinstance(obj, LeaveRequest):
            actions.append("cancel")
        return actions
    if obj.status in PENDING_STATUSES and engine.acting_as(user=user, obj=obj) is not None:
        actions += ["recommend"] if obj.step == ApprovalStep.RECOMMEND else ["approve"]
        actions += ["reject", "return"]
    if obj.status == S.APPROVED and isinstance(obj, LeaveRequest):
        if engine.acting_as(user=user, obj=obj, principals=[obj.decider_id]) is not None:
            actions.append("revoke")
    return actions


def _notify(*, employee_id: int | None, kind: str, obj: ApprovableModel, **context) -> None:
    if employee_id is None:
        return
    employee = Employee.objects.select_related("user").filter(id=employee_id).first()
    if employee is None:
        return
    label = str(obj.get_kind_display()) if isinstance(obj, LeaveRequest) else str(_("Attendance correction"))
    notification_send(
        recipient=employee.user,
        kind=kind,
        context={"request_label": label, "employee_name": obj.employee.name, "note": "", **context},
        url=_url_of(obj),
    )


def _url_of(obj: ApprovableModel) -> str:
    from django.urls import reverse

    return reverse("attendance-requests")


def _approver_id(obj: ApprovableModel) -> int | None:
    return obj.recommender_id if obj.step == ApprovalStep.RECOMMEND else obj.decider_id


# ---------------------------------------------------------------------------- generic transitions


def request_submit(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.SUBMITTED, action=ApprovalAction.SUBMIT)
    _require_owner(obj, actor)
    chain = engine.approval_chain(employee=obj.employee)
    if chain.decider is None:
        raise ApplicationError(str(ERR_NO_DECIDER), code="no_approver")
    step = chain.first_step
    if obj.status == S.RETURNED and obj.returned_step == ApprovalStep.DECIDE:
        step = ApprovalStep.DECIDE
    now = timezone.now()
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.SUBMIT,
        to=S.SUBMITTED,
        actor=actor,
        note=note,
        updates={
            "step": step,
            "returned_step": None,
            "recommender_id": chain.recommender.id if chain.recommender else None,
            "decider_id": chain.decider.id,
            "escalated_to_id": None,
            "escalated_at": None,
            "submitted_at": now,
            "step_since": now,
        },
    )
    _notify(employee_id=_approver_id(obj), kind="attendance_request_pending", obj=obj)
    return obj


def request_recommend(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.RECOMMENDED, action=ApprovalAction.RECOMMEND, step=ApprovalStep.RECOMMEND)
    acting = _require_approver(obj, actor)
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.RECOMMEND,
        to=S.RECOMMENDED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"step": ApprovalStep.DECIDE, "step_since": timezone.now(), "escalated_to_id": None},
    )
    _notify(employee_id=obj.decider_id, kind="attendance_request_pending", obj=obj)
    return obj


def request_approve(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.APPROVED, action=ApprovalAction.APPROVE, step=ApprovalStep.DECIDE)
    acting = _require_approver(obj, actor)
    # Serialise decisions about one employee: overlapping leave is counted under this lock.
    list(Employee.objects.select_for_update(of=("self",)).filter(id=obj.employee_id).values_list("id", flat=True))
    if isinstance(obj, LeaveRequest):
        _refuse_overlap(employee_id=obj.employee_id, date_from=obj.date_from, date_to=obj.date_to, exclude_id=obj.id)
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.APPROVE,
        to=S.APPROVED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"step": None, "decided_at": timezone.now()},
    )
    _after_approval(obj)
    _notify(employee_id=obj.employee_id, kind="attendance_request_approved", obj=obj, note=note)
    return obj


def _after_approval(obj: ApprovableModel) -> None:
    if isinstance(obj, AttendanceCorrection):
        # The original stays, marked as corrected by this correction.
        CheckEvent.objects.filter(employee_id=obj.employee_id, local_date=obj.local_date, kind=obj.kind).update(
            corrected_by=obj, updated_at=timezone.now()
        )
        date_from = date_to = obj.local_date
    else:
        date_from, date_to = obj.date_from, obj.date_to
    _refresh_after_commit(obj.employee_id, date_from, date_to)


def _refresh_after_commit(employee_id: int, date_from: datetime.date, date_to: datetime.date) -> None:
    def publish():
        from attendance.tasks import day_statuses_refresh_range_task

        day_statuses_refresh_range_task.delay(employee_id, date_from.isoformat(), date_to.isoformat())

    transaction.on_commit(publish, robust=True)


def request_reject(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.REJECTED, action=ApprovalAction.REJECT)
    acting = _require_approver(obj, actor)
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.REJECT,
        to=S.REJECTED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"step": None, "decided_at": timezone.now()},
    )
    _notify(employee_id=obj.employee_id, kind="attendance_request_rejected", obj=obj, note=note)
    return obj


def request_return(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.RETURNED, action=ApprovalAction.RETURN)
    acting = _require_approver(obj, actor)
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.RETURN,
        to=S.RETURNED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"returned_step": obj.step, "step": None},
    )
    _notify(employee_id=obj.employee_id, kind="attendance_request_returned", obj=obj, note=note)
    return obj


def request_withdraw(*, obj: ApprovableModel, actor, note: str = "") -> ApprovableModel:
    _require_state(obj, to=S.WITHDRAWN, action=ApprovalAction.WITHDRAW)
    _require_owner(obj, actor)
    engine.approval_transition(
        obj=obj, action=ApprovalAction.WITHDRAW, to=S.WITHDRAWN, actor=actor, note=note, updates={"step": None}
    )
    return obj


def leave_cancel(*, obj: LeaveRequest, actor, note: str = "") -> LeaveRequest:
    """The employee cancels approved leave that has not begun."""
    _require_state(obj, to=S.CANCELLED, action=ApprovalAction.CANCEL)
    _require_owner(obj, actor)
    if obj.date_from <= _today(obj.employee):
        raise ApplicationError(str(ERR_CANCEL_STARTED), code="started")
    engine.approval_transition(obj=obj, action=ApprovalAction.CANCEL, to=S.CANCELLED, actor=actor, note=note)
    return obj


def leave_revoke(*, obj: LeaveRequest, actor, note: str = "") -> LeaveRequest:
    """The decider revokes approved leave; the days it covered are recomputed."""
    _require_state(obj, to=S.REVOKED, action=ApprovalAction.REVOKE)
    acting = _require_approver(obj, actor, principals=[obj.decider_id])
    engine.approval_transition(
        obj=obj,
        action=ApprovalAction.REVOKE,
        to=S.REVOKED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
    )
    _refresh_after_commit(obj.employee_id, obj.date_from, obj.date_to)
    _notify(employee_id=obj.employee_id, kind="attendance_request_rejected", obj=obj, note=note)
    return obj


TRANSITIONS = {
    "submit": request_submit,
    "recommend": request_recommend,
    "approve": request_approve,
    "reject": request_reject,
    "return": request_return,
    "withdraw": request_withdraw,
    "cancel": leave_cancel,
    "revoke": leave_revoke,
}


@transaction.atomic
def request_act(*, obj: ApprovableModel, action: str, actor, note: str = "") -> ApprovableModel:
    """Run one transition by name (the API's and the pages' single entry)."""
    if action in ("cancel", "revoke") and not isinstance(obj, LeaveRequest):
        raise ConflictError(str(_("This action does not apply here.")), code="invalid_transition")
    return TRANSITIONS[action](obj=obj, actor=actor, note=note)


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
    evidence_ids: list[int] | None = None,
    submit: bool = True,
) -> LeaveRequest:
    employee = _caller(user)
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
        created_by=user,
    )
    leave.full_clean()
    leave.save()
    _attach_evidence(user=user, obj=leave, evidence_ids=evidence_ids or [])
    if submit:
        request_submit(obj=leave, actor=user)
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
    today = _today(employee)
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
    zone = zoneinfo.ZoneInfo(employee.unit.time_zone or employee.agency.time_zone)
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
        request_submit(obj=correction, actor=user)
    return correction


# ---------------------------------------------------------------------------- HR import

IMPORT_HEADERS = ("nip", "jenis", "tanggal_mulai", "tanggal_selesai", "alasan")


@transaction.atomic
def leave_import_csv(*, user, content: bytes) -> tuple[int, dict[int, list[str]]]:
    """HR imports approved leave / official duty from CSV (UTF-8, BOM allowed, `,` or `;`) with the
    headers nip, jenis (a LeaveKind code), tanggal_mulai, tanggal_selesai (ISO dates), alasan.
    All or nothing: any row error stores nothing. Returns (rows created, {row number: errors})."""
    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    text = content.decode("utf-8-sig", errors="replace")
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect)
    missing = [h for h in IMPORT_HEADERS if h not in (reader.fieldnames or [])]
    if missing:
        message = str(_("Missing columns: %(cols)s.")) % {"cols": ", ".join(missing)}
        raise ApplicationError(message, fields={"file": [message]})
    rows = list(reader)
    employees = {
        e.nip: e
        for e in Employee.objects.filter(
            agency_id=scope.agency_id, nip__in=[(r.get("nip") or "").strip() for r in rows]
        )
    }
    errors: dict[int, list[str]] = {}
    created = []
    for number, row in enumerate(rows, start=2):
        problems = []
        employee = employees.get((row.get("nip") or "").strip())
        if employee is None:
            problems.append(str(_("Unknown NIP in this agency.")))
        kind = (row.get("jenis") or "").strip().upper()
        if kind not in LeaveKind.values:
            problems.append(str(_("Unknown kind: use one of %(kinds)s.")) % {"kinds": ", ".join(LeaveKind.values)})
        try:
            date_from = datetime.date.fromisoformat((row.get("tanggal_mulai") or "").strip())
            date_to = datetime.date.fromisoformat((row.get("tanggal_selesai") or "").strip())
            if date_to < date_from:
                problems.append(str(ERR_DATES))
        except ValueError:
            problems.append(str(_("Dates are written YYYY-MM-DD.")))
        if problems:
            errors[number] = problems
            continue
        created.append(
            LeaveRequest(
                agency_id=scope.agency_id,
                employee=employee,
                kind=kind,
                date_from=date_from,
                date_to=date_to,
                reason=(row.get("alasan") or "").strip(),
                source=LeaveSource.IMPORT,
                status=S.APPROVED,
                decided_at=timezone.now(),
                created_by=user,
            )
        )
    if errors:
        transaction.set_rollback(True)
        return 0, errors
    for leave in created:
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
        _refresh_after_commit(leave.employee_id, leave.date_from, leave.date_to)
    return len(created), {}


def _content_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(LeaveRequest)


__all__ = ["CheckKind", "TRANSITIONS", "allowed_actions", "correction_create", "leave_request_create", "request_act"]
