"""Writes of the arrangements app: requests and their transitions (through the approval engine),
schedule days, recalls and directives. Pages and APIs call these same functions.

Each transition service: check the state (409), the step (409) and the actor (403), run the rule
check where rules.md says so, then `approval_transition` (compare-and-swap + Transition row) and the
side effects (schedule days, notifications through the outbox) in the same transaction."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from flexwork.approvals import services as engine
from flexwork.approvals.models import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    ApprovalAction,
    ApprovalStatus,
    ApprovalStep,
    Transition,
)
from flexwork.approvals.workdays import office_date_of, office_today, office_zone_name
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.models import EvidenceFile
from flexwork.common.services import evidence_attach
from flexwork.org import scope as org_scope
from flexwork.org.models import DesignatedLocation, Employee, Unit
from schedules import notify
from schedules.models import ArrangementRequest, DaySource, Directive, Location, Recall, ScheduleDay, WorkPlanItem
from schedules.policy import DECISION, DRAFT, SUBMIT, CheckResult, Proposal, check_proposal, proposal_from_request

S = ApprovalStatus
MAX_REQUESTED_DAYS = 400

ERR_NOT_OWNER = gettext_lazy("Only the employee who asked can do this.")
ERR_NOT_APPROVER = gettext_lazy("You are not an approver of this request at this step.")
ERR_WRONG_STEP = gettext_lazy("This request is not at this step: it waits for %(step)s.")
ERR_NO_WORKING_DAY = gettext_lazy("The request covers no working day.")
ERR_NO_DECIDER = gettext_lazy("Nobody can decide this request: the unit that decides has no head. Tell HR.")
ERR_OVERRIDE_REQUIRED = gettext_lazy("Give a reason to approve over the warnings.")
ERR_NOTE_REQUIRED = gettext_lazy("Give a reason.")
ERR_DATES_NOT_FUTURE = gettext_lazy("Only future days of this arrangement can be chosen: %(dates)s.")
ERR_NO_FUTURE_DAYS = gettext_lazy("This arrangement has no future days left.")
ERR_OVERLAP_RACE = gettext_lazy("Another arrangement was approved for these days meanwhile.")
ERR_NOT_EDITABLE = gettext_lazy("Only a draft or a returned request can be edited.")
ERR_OTHER_OFFICE = gettext_lazy("Choose the other office.")
ERR_OTHER_OFFICE_OWN = gettext_lazy("Choose an office other than your own unit's.")
ERR_NOT_RECALLER = gettext_lazy("Only the supervisor or the decider can recall someone.")
ERR_RECALL_PAST = gettext_lazy("A recall is for today or a later day.")


def policy_error(result: CheckResult, *, status_code: int = 400, code: str = "policy_violation") -> ApplicationError:
    count = len(result.hard) or len(result.violations)
    message = ngettext("The request breaks %(count)d rule.", "The request breaks %(count)d rules.", count) % {
        "count": count
    }
    return ApplicationError(message, code=code, status_code=status_code, violations=result.as_list())


# ---------------------------------------------------------------------------- input


@dataclass
class ArrangementInput:
    """A create / check / PATCH body, already parsed (ids resolved by the API)."""

    location: str
    requested_dates: list[datetime.date]
    other_office_unit: Unit | None = None
    designated_location_id: int | None = None
    requested_from: datetime.date | None = None
    requested_to: datetime.date | None = None
    weekdays: list[int] | None = None
    planned_start: datetime.time | None = None
    planned_end: datetime.time | None = None
    reason: str = ""
    exception_basis: str | None = None
    evidence: list[EvidenceFile] = field(default_factory=list)
    work_plan: list[dict[str, Any]] = field(default_factory=list)


def _validate_input(*, employee: Employee, data: ArrangementInput) -> None:
    fields: dict[str, list[str]] = {}
    if data.location == Location.OTHER_OFFICE:
        if data.other_office_unit is None:
            fields["other_office_unit"] = [str(ERR_OTHER_OFFICE)]
        elif data.other_office_unit.id == employee.unit_id:
            fields["other_office_unit"] = [str(ERR_OTHER_OFFICE_OWN)]
    else:
        data.other_office_unit = None
    if data.location != Location.DESIGNATED:
        data.designated_location_id = None
    if not data.requested_dates:
        fields["dates"] = [str(ERR_NO_WORKING_DAY)]
    if fields:
        raise ApplicationError(_("Some fields are not valid."), fields=fields)


def _proposal(*, employee: Employee, data: ArrangementInput, request_id: int | None = None, evidence_count=None):
    return Proposal(
        employee=employee,
        location=data.location,
        requested_dates=data.requested_dates,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        exception_basis=data.exception_basis,
        evidence_count=len(data.evidence) if evidence_count is None else evidence_count,
        work_plan_count=len(data.work_plan),
        designated_location_id=data.designated_location_id,
        other_office_unit_id=data.other_office_unit.id if data.other_office_unit else None,
        request_id=request_id,
    )


def arrangement_request_check(*, employee: Employee, data: ArrangementInput) -> CheckResult:
    """The live check (POST /arrangements/check/): nothing is written."""
    _validate_input(employee=employee, data=data)
    return check_proposal(_proposal(employee=employee, data=data), at=SUBMIT)


def _require_known_designated_location(*, employee: Employee, data: ArrangementInput, result: CheckResult) -> None:
    """An unknown or other agency's location cannot even be stored in a draft: 400 with the rule."""
    if data.location != Location.DESIGNATED:
        return
    known = (
        data.designated_location_id
        and DesignatedLocation.objects.filter(id=data.designated_location_id, agency_id=employee.agency_id).exists()
    )
    if not known:
        only = CheckResult(
            violations=[v for v in result.violations if v.code == "LOCATION_NOT_DESIGNATED"],
            working_dates=[],
            skipped_dates=[],
            directive_dates={},
            quota={},
        )
        raise policy_error(only)


def _write_fields(arrangement_request: ArrangementRequest, data: ArrangementInput, result: CheckResult) -> None:
    arrangement_request.location = data.location
    arrangement_request.other_office_unit = data.other_office_unit
    arrangement_request.designated_location_id = data.designated_location_id
    arrangement_request.dates = sorted(set(data.requested_dates))
    arrangement_request.first_date = result.working_dates[0]
    arrangement_request.last_date = result.working_dates[-1]
    arrangement_request.requested_from = data.requested_from
    arrangement_request.requested_to = data.requested_to
    arrangement_request.weekdays = sorted(set(data.weekdays)) if data.weekdays else None
    arrangement_request.planned_start = data.planned_start
    arrangement_request.planned_end = data.planned_end
    arrangement_request.reason = data.reason or ""
    arrangement_request.exception_basis = data.exception_basis or None
    arrangement_request.violations = result.as_list()


def _write_work_plan(arrangement_request: ArrangementRequest, items: list[dict[str, Any]]) -> None:
    arrangement_request.work_plan.all().delete()
    WorkPlanItem.objects.bulk_create(
        [
            WorkPlanItem(
                arrangement_request=arrangement_request,
                description=item["description"],
                quantity=Decimal(item["quantity"]),
                unit=item["unit"],
                position=index,
            )
            for index, item in enumerate(items)
        ]
    )


def _attach_evidence(arrangement_request: ArrangementRequest, files: list[EvidenceFile]) -> None:
    for evidence in files:
        evidence_attach(evidence=evidence, owner=arrangement_request)


@transaction.atomic
def arrangement_request_create(
    *, employee: Employee, data: ArrangementInput, actor, submit: bool = False
) -> tuple[ArrangementRequest, CheckResult]:
    """A draft (with the verdict of the rule check stored), or, with `submit`, a submitted request.
    Hard violations at submit refuse the whole thing (400, nothing stored)."""
    _validate_input(employee=employee, data=data)
    result = check_proposal(_proposal(employee=employee, data=data), at=SUBMIT if submit else DRAFT)
    if not result.working_dates:
        raise ApplicationError(str(ERR_NO_WORKING_DAY), fields={"dates": [str(ERR_NO_WORKING_DAY)]})
    _require_known_designated_location(employee=employee, data=data, result=result)
    if submit and result.hard:
        raise policy_error(result)
    arrangement_request = ArrangementRequest(agency_id=employee.agency_id, employee=employee)
    _write_fields(arrangement_request, data, result)
    arrangement_request.full_clean(exclude=["employee", "agency"])
    arrangement_request.save()
    _write_work_plan(arrangement_request, data.work_plan)
    _attach_evidence(arrangement_request, data.evidence)
    if submit:
        return arrangement_request_submit(arrangement_request=arrangement_request, actor=actor)
    return arrangement_request, result


@transaction.atomic
def arrangement_request_update(
    *, arrangement_request: ArrangementRequest, data: ArrangementInput, actor, submit: bool = False
) -> tuple[ArrangementRequest, CheckResult]:
    """Edit a draft or a returned request (the employee only); `submit` sends it on."""
    _require_owner(arrangement_request, actor)
    if arrangement_request.status not in EDITABLE_STATUSES:
        raise ConflictError(str(ERR_NOT_EDITABLE), code="invalid_transition")
    employee = arrangement_request.employee
    _validate_input(employee=employee, data=data)
    attached = EvidenceFile.objects.filter(
        owner_type__model="arrangementrequest", owner_id=arrangement_request.id
    ).count()
    new_files = [e for e in data.evidence if e.owner_id != arrangement_request.id]
    proposal = _proposal(
        employee=employee, data=data, request_id=arrangement_request.id, evidence_count=attached + len(new_files)
    )
    result = check_proposal(proposal, at=DRAFT)
    if not result.working_dates:
        raise ApplicationError(str(ERR_NO_WORKING_DAY), fields={"dates": [str(ERR_NO_WORKING_DAY)]})
    _require_known_designated_location(employee=employee, data=data, result=result)
    _write_fields(arrangement_request, data, result)
    arrangement_request.full_clean(exclude=["employee", "agency"])
    # Compare-and-swap on the status too: an edit never lands on a request that moved meanwhile.
    values = {f: getattr(arrangement_request, f) for f in _EDITABLE_FIELDS}
    won = ArrangementRequest.objects.filter(id=arrangement_request.id, status=arrangement_request.status).update(
        **values, updated_at=timezone.now()
    )
    if won != 1:
        raise ConflictError(str(engine.ERR_STALE), code="stale")
    _write_work_plan(arrangement_request, data.work_plan)
    _attach_evidence(arrangement_request, new_files)
    if submit:
        return arrangement_request_submit(arrangement_request=arrangement_request, actor=actor)
    return arrangement_request, result


_EDITABLE_FIELDS = (
    "location",
    "other_office_unit",
    "designated_location_id",
    "dates",
    "first_date",
    "last_date",
    "requested_from",
    "requested_to",
    "weekdays",
    "planned_start",
    "planned_end",
    "reason",
    "exception_basis",
    "violations",
)


# ---------------------------------------------------------------------------- actor checks


def _require_owner(arrangement_request: ArrangementRequest, user) -> None:
    if org_scope.scope_for(user).employee_id != arrangement_request.employee_id:
        raise PermissionDenied(str(ERR_NOT_OWNER))


def _require_state(arrangement_request: ArrangementRequest, *, to: str, action: str, step: str | None = None) -> None:
    """409 when the move is not allowed from the current status or at the current step."""
    current = arrangement_request.status
    if to != current and to not in ALLOWED_TRANSITIONS.get(current, ()):
        message = engine.ERR_NOT_ALLOWED % {
            "status": arrangement_request.get_status_display().lower(),
            "action": ApprovalAction(action).label,
        }
        raise ConflictError(message, code="invalid_transition")
    if step is not None and arrangement_request.step != step:
        label = ApprovalStep(arrangement_request.step).label if arrangement_request.step else "—"
        raise ConflictError(ERR_WRONG_STEP % {"step": label}, code="invalid_transition")


def _require_approver(arrangement_request: ArrangementRequest, user, principals=None) -> engine.Acting:
    acting = engine.acting_as(user=user, obj=arrangement_request, principals=principals)
    if acting is None:
        raise PermissionDenied(str(ERR_NOT_APPROVER))
    return acting


def allowed_actions(*, arrangement_request: ArrangementRequest, user) -> list[str]:
    """What `user` may do to the request now (the pages show these buttons)."""
    ar = arrangement_request
    actions: list[str] = []
    is_owner = org_scope.scope_for(user).employee_id == ar.employee_id
    if is_owner:
        if ar.status in EDITABLE_STATUSES:
            actions += ["edit", "submit"]
        if ar.status in OPEN_STATUSES:
            actions.append("withdraw")
        if ar.status == S.APPROVED:
            actions.append("cancel")
        return actions
    if ar.status in PENDING_STATUSES and engine.acting_as(user=user, obj=ar) is not None:
        actions += ["recommend"] if ar.step == ApprovalStep.RECOMMEND else ["approve"]
        actions += ["reject", "return"]
    if ar.status == S.APPROVED and engine.acting_as(user=user, obj=ar, principals=_revokers(ar)) is not None:
        actions.append("revoke")
    return actions


def _revokers(arrangement_request: ArrangementRequest) -> list[int]:
    current = org_scope.decider_for(arrangement_request.employee)
    return [i for i in {arrangement_request.decider_id, current.id if current else None} if i]


def _user_of(employee_id: int | None):
    if employee_id is None:
        return None
    employee = Employee.objects.select_related("user").filter(id=employee_id).first()
    return employee.user if employee else None


def _approver_user(arrangement_request: ArrangementRequest):
    approver_id = (
        arrangement_request.recommender_id
        if arrangement_request.step == ApprovalStep.RECOMMEND
        else arrangement_request.decider_id
    )
    return _user_of(approver_id)


def _actor_name(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else getattr(user, "username", "")


def _lock_employee(employee_id: int) -> None:
    """Serialise the decisions about one employee: the cap and the overlap count rows (rules.md §3)."""
    list(Employee.objects.select_for_update(of=("self",)).filter(id=employee_id).values_list("id", flat=True))


# ---------------------------------------------------------------------------- transitions


@transaction.atomic
def arrangement_request_submit(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> tuple[ArrangementRequest, CheckResult]:
    ar = arrangement_request
    _require_owner(ar, actor)  # a stranger gets 403 whatever the request's state
    _require_state(ar, to=S.SUBMITTED, action=ApprovalAction.SUBMIT)
    result = check_proposal(proposal_from_request(ar), at=SUBMIT)
    if result.hard:
        raise policy_error(result)
    chain = engine.approval_chain(employee=ar.employee)
    if chain.decider is None:
        raise ApplicationError(str(ERR_NO_DECIDER), code="no_approver")
    step = chain.first_step
    if ar.status == S.RETURNED and ar.returned_step == ApprovalStep.DECIDE:
        step = ApprovalStep.DECIDE  # re-enters at the step that returned it
    now = timezone.now()
    engine.approval_transition(
        obj=ar,
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
            "violations": result.as_list(),
        },
    )
    notify.notify(
        recipient_user=_approver_user(ar),
        kind="arrangement_submitted",
        arrangement_request=ar,
        dates=result.working_dates,
        step=ApprovalStep(step).label,
    )
    return ar, result


@transaction.atomic
def arrangement_request_recommend(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> ArrangementRequest:
    ar = arrangement_request
    _require_state(ar, to=S.RECOMMENDED, action=ApprovalAction.RECOMMEND, step=ApprovalStep.RECOMMEND)
    acting = _require_approver(ar, actor)
    result = check_proposal(proposal_from_request(ar), at=DECISION, as_of=_submitted_date(ar))
    if result.hard:
        raise policy_error(result)
    engine.approval_transition(
        obj=ar,
        action=ApprovalAction.RECOMMEND,
        to=S.RECOMMENDED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={
            "step": ApprovalStep.DECIDE,
            "step_since": timezone.now(),
            "escalated_to_id": None,
            "escalated_at": None,
            "violations": result.as_list(),
        },
    )
    notify.notify(
        recipient_user=_user_of(ar.decider_id),
        kind="arrangement_recommended",
        arrangement_request=ar,
        dates=result.working_dates,
        actor_name=_actor_name(actor),
    )
    return ar


def _submitted_date(ar: ArrangementRequest) -> datetime.date | None:
    """LEAD_TIME is judged at the moment of submission, also at later decisions."""
    if ar.submitted_at is None:
        return None
    return office_date_of(ar.submitted_at, office_zone_name(ar.employee))


@transaction.atomic
def arrangement_request_approve(
    *, arrangement_request: ArrangementRequest, actor, note: str = "", override_reason: str = ""
) -> ArrangementRequest:
    """Approve and write one schedule day per covered working day. Under a row lock on the employee
    the rules are checked again: a hard violation refuses (400; OVERLAP that raced is a 409), soft
    ones need `override_reason`. The partial unique index on schedule days is the last guard."""
    ar = arrangement_request
    _require_state(ar, to=S.APPROVED, action=ApprovalAction.APPROVE, step=ApprovalStep.DECIDE)
    acting = _require_approver(ar, actor)
    _lock_employee(ar.employee_id)
    result = check_proposal(proposal_from_request(ar), at=DECISION, as_of=_submitted_date(ar))
    if any(v.code == "OVERLAP" for v in result.hard):
        raise policy_error(result, status_code=409, code="conflict")
    if result.hard:
        raise policy_error(result)
    override_reason = (override_reason or "").strip()
    if result.soft and not override_reason:
        error = policy_error(result, code="override_reason_required")
        error.message = str(ERR_OVERRIDE_REQUIRED)
        error.fields = {"override_reason": [str(ERR_OVERRIDE_REQUIRED)]}
        raise error
    now = timezone.now()
    engine.approval_transition(
        obj=ar,
        action=ApprovalAction.APPROVE,
        to=S.APPROVED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        override_reason=override_reason if result.soft else "",
        updates={
            "step": None,
            "decided_at": now,
            "violations": result.as_list(),
            "override_reason": override_reason if result.soft else "",
        },
    )
    _write_schedule_days(ar, result)
    notify.notify(
        recipient_user=ar.employee.user,
        kind="arrangement_approved",
        arrangement_request=ar,
        dates=result.working_dates,
        actor_name=_actor_name(actor),
        note=note,
    )
    return ar


def _write_schedule_days(ar: ArrangementRequest, result: CheckResult) -> None:
    employee = ar.employee
    rows = [
        ScheduleDay(
            agency_id=ar.agency_id,
            employee_id=employee.id,
            local_date=day,
            location=ar.location,
            other_office_unit_id=ar.other_office_unit_id,
            designated_location_id=ar.designated_location_id,
            planned_start=ar.planned_start,
            planned_end=ar.planned_end,
            source=DaySource.DIRECTIVE if day in result.directive_dates else DaySource.INDIVIDUAL,
            directive_id=result.directive_dates.get(day),
            arrangement=ar,
            unit_id=employee.unit_id,
            supervisor_id=employee.supervisor_id,
        )
        for day in result.working_dates
    ]
    try:
        with transaction.atomic():
            ScheduleDay.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ConflictError(str(ERR_OVERLAP_RACE), code="conflict") from exc


@transaction.atomic
def arrangement_request_reject(*, arrangement_request: ArrangementRequest, actor, note: str = "") -> ArrangementRequest:
    ar = arrangement_request
    _require_state(ar, to=S.REJECTED, action=ApprovalAction.REJECT)
    acting = _require_approver(ar, actor)
    engine.approval_transition(
        obj=ar,
        action=ApprovalAction.REJECT,
        to=S.REJECTED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"step": None, "decided_at": timezone.now()},
    )
    notify.notify(
        recipient_user=ar.employee.user,
        kind="arrangement_rejected",
        arrangement_request=ar,
        actor_name=_actor_name(actor),
        note=note,
    )
    return ar


@transaction.atomic
def arrangement_request_return(*, arrangement_request: ArrangementRequest, actor, note: str = "") -> ArrangementRequest:
    ar = arrangement_request
    _require_state(ar, to=S.RETURNED, action=ApprovalAction.RETURN)
    acting = _require_approver(ar, actor)
    engine.approval_transition(
        obj=ar,
        action=ApprovalAction.RETURN,
        to=S.RETURNED,
        actor=actor,
        on_behalf_of_id=acting.on_behalf_of_id,
        note=note,
        updates={"returned_step": ar.step, "step": None},
    )
    notify.notify(
        recipient_user=ar.employee.user,
        kind="arrangement_returned",
        arrangement_request=ar,
        actor_name=_actor_name(actor),
        note=note,
    )
    return ar


@transaction.atomic
def arrangement_request_withdraw(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> ArrangementRequest:
    ar = arrangement_request
    _require_owner(ar, actor)  # a stranger gets 403 whatever the request's state
    _require_state(ar, to=S.WITHDRAWN, action=ApprovalAction.WITHDRAW)
    engine.approval_transition(
        obj=ar, action=ApprovalAction.WITHDRAW, to=S.WITHDRAWN, actor=actor, note=note, updates={"step": None}
    )
    return ar


def _future_days(ar: ArrangementRequest, *, today: datetime.date):
    return ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True, local_date__gt=today)


def _end_days(
    ar: ArrangementRequest, *, action: str, to: str, actor, note: str, dates, on_behalf_of_id=None
) -> list[datetime.date]:
    """Cancel chosen future days (default all). With no future day left the request becomes `to`;
    otherwise it stays approved and the partial end is recorded."""
    today = office_today(ar.employee)
    future = {row.local_date: row.id for row in _future_days(ar, today=today)}
    if not future:
        raise ConflictError(str(ERR_NO_FUTURE_DAYS), code="invalid_transition")
    chosen = sorted(set(dates)) if dates else sorted(future)
    unknown = [day for day in chosen if day not in future]
    if unknown:
        message = ERR_DATES_NOT_FUTURE % {"dates": ", ".join(day.isoformat() for day in unknown)}
        raise ApplicationError(message, fields={"dates": [message]})
    whole = len(chosen) == len(future)
    engine.approval_transition(
        obj=ar,
        action=action,
        to=to if whole else ar.status,
        actor=actor,
        on_behalf_of_id=on_behalf_of_id,
        note=note,
        dates=chosen,
    )
    ScheduleDay.objects.filter(id__in=[future[day] for day in chosen], cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), updated_at=timezone.now()
    )
    return chosen


@transaction.atomic
def arrangement_request_cancel(
    *, arrangement_request: ArrangementRequest, actor, dates=None, note: str = ""
) -> ArrangementRequest:
    """The employee gives up chosen future days, or all of them (default)."""
    ar = arrangement_request
    _require_owner(ar, actor)  # a stranger gets 403 whatever the request's state
    _require_state(ar, to=S.CANCELLED, action=ApprovalAction.CANCEL)
    chosen = _end_days(ar, action=ApprovalAction.CANCEL, to=S.CANCELLED, actor=actor, note=note, dates=dates)
    notify.notify(
        recipient_user=_user_of(ar.decider_id),
        kind="arrangement_cancelled",
        arrangement_request=ar,
        dates=chosen,
        note=note,
    )
    return ar


@transaction.atomic
def arrangement_request_revoke(
    *, arrangement_request: ArrangementRequest, actor, dates=None, note: str = ""
) -> ArrangementRequest:
    """The decider ends chosen future days, or all (the "suspension" of rules.md §3), with a reason."""
    ar = arrangement_request
    _require_state(ar, to=S.REVOKED, action=ApprovalAction.REVOKE)
    acting = _require_approver(ar, actor, principals=_revokers(ar))
    if not (note or "").strip():
        raise ApplicationError(str(ERR_NOTE_REQUIRED), fields={"note": [str(ERR_NOTE_REQUIRED)]})
    chosen = _end_days(
        ar,
        action=ApprovalAction.REVOKE,
        to=S.REVOKED,
        actor=actor,
        note=note,
        dates=dates,
        on_behalf_of_id=acting.on_behalf_of_id,
    )
    notify.notify(
        recipient_user=ar.employee.user,
        kind="arrangement_revoked",
        arrangement_request=ar,
        dates=chosen,
        actor_name=_actor_name(actor),
        note=note,
    )
    return ar


# ---------------------------------------------------------------------------- expiry and escalation


def _expirable_statuses():
    return (S.SUBMITTED, S.RECOMMENDED, S.RETURNED)


def arrangement_requests_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Expire, as a whole, every undecided request whose first covered day has begun (00:00 office
    time). Safe to run concurrently and repeatedly: each expiry is a compare-and-swap."""
    from django.conf import settings
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    expired = 0
    for zone in settings.FLEXWORK_TIME_ZONES:
        today = office_date_of(now, zone)
        due = (
            ArrangementRequest.objects.filter(status__in=_expirable_statuses(), first_date__lte=today)
            .annotate(zone=Coalesce("employee__unit__time_zone", "employee__agency__time_zone"))
            .filter(zone=zone)
            .select_related("employee__user", "employee__unit", "employee__agency")
        )
        for ar in due:
            try:
                with transaction.atomic():
                    engine.approval_transition(
                        obj=ar, action=ApprovalAction.EXPIRE, to=S.EXPIRED, updates={"step": None}
                    )
                    notify.notify(recipient_user=ar.employee.user, kind="arrangement_expired", arrangement_request=ar)
                expired += 1
            except ConflictError:
                continue  # decided or withdrawn meanwhile
    return expired


def arrangement_requests_escalate_due(*, now: datetime.datetime | None = None) -> int:
    """Escalate requests that waited `escalation_working_days` working days at their step: one
    decision level up may now act as well (first wins), and the approver is reminded."""
    from flexwork.approvals.workdays import working_days_between
    from flexwork.org.models import Holiday
    from flexwork.org.selectors import policy_for

    now = now or timezone.now()
    candidates = list(
        ArrangementRequest.objects.filter(
            status__in=PENDING_STATUSES, escalated_at__isnull=True, step_since__isnull=False
        )
        .select_related("employee__user", "employee__unit", "employee__agency", "employee__supervisor")
        .order_by("agency_id", "id")
    )
    escalated = 0
    by_agency: dict[int, tuple[int, set]] = {}
    for ar in candidates:
        if ar.agency_id not in by_agency:
            policy = policy_for(agency=ar.agency_id)
            oldest = min(c.step_since for c in candidates if c.agency_id == ar.agency_id).date()
            holidays = set(
                Holiday.objects.filter(
                    agency_id=ar.agency_id, date__gte=oldest - datetime.timedelta(days=1)
                ).values_list("date", flat=True)
            )
            by_agency[ar.agency_id] = (policy.escalation_working_days, holidays)
        limit, holidays = by_agency[ar.agency_id]
        zone = office_zone_name(ar.employee)
        waited = working_days_between(office_date_of(ar.step_since, zone), office_date_of(now, zone), holidays)
        if waited < limit:
            continue
        approver_id = ar.recommender_id if ar.step == ApprovalStep.RECOMMEND else ar.decider_id
        approver = Employee.objects.select_related("unit", "supervisor").filter(id=approver_id).first()
        if ar.step == ApprovalStep.RECOMMEND:
            target_id = ar.decider_id
        else:
            target = engine.escalation_target(approver=approver)
            target_id = target.id if target else None
        if target_id in (ar.employee_id, approver_id):
            target_id = None
        try:
            with transaction.atomic():
                won = ArrangementRequest.objects.filter(
                    id=ar.id, status=ar.status, step=ar.step, escalated_at__isnull=True
                ).update(escalated_at=now, escalated_to_id=target_id, updated_at=now)
                if won != 1:
                    continue
                ar.escalated_at, ar.escalated_to_id = now, target_id
                Transition.objects.create(
                    agency_id=ar.agency_id,
                    content_type=ContentType.objects.get_for_model(ArrangementRequest),
                    object_id=ar.id,
                    action=ApprovalAction.ESCALATE,
                    from_status=ar.status,
                    to_status=ar.status,
                    on_behalf_of_id=None,
                    note="",
                )
                target_user = _user_of(target_id)
                common = {"days": waited, "approver_name": approver.name if approver else "–"}
                if target_user is not None:
                    notify.notify(
                        recipient_user=target_user, kind="arrangement_escalated", arrangement_request=ar, **common
                    )
                notify.notify(
                    recipient_user=approver.user if approver else None,
                    kind="arrangement_reminder",
                    arrangement_request=ar,
                    target_name=target_user.employee.name if target_user else "–",
                    **common,
                )
            escalated += 1
        except ConflictError:
            continue
    return escalated


# ---------------------------------------------------------------------------- organisation events


@transaction.atomic
def arrangement_requests_reroute(*, employee: Employee, actor=None) -> int:
    """After a change of supervisor or unit: pending and returned requests get the new chain. A
    request waiting for a recommender who is no longer in the chain goes to the decider."""
    employee = Employee.objects.select_related("unit", "agency", "supervisor", "user").get(id=employee.id)
    chain = engine.approval_chain(employee=employee)
    moved = 0
    for ar in ArrangementRequest.objects.filter(
        employee_id=employee.id, status__in=(S.SUBMITTED, S.RECOMMENDED, S.RETURNED)
    ).select_related("employee__user", "employee__unit", "employee__agency"):
        recommender_id = chain.recommender.id if chain.recommender else None
        decider_id = chain.decider.id if chain.decider else None
        step = ar.step
        if step == ApprovalStep.RECOMMEND and recommender_id is None:
            step = ApprovalStep.DECIDE
        returned_step = ar.returned_step
        if returned_step == ApprovalStep.RECOMMEND and recommender_id is None:
            returned_step = ApprovalStep.DECIDE
        if (ar.recommender_id, ar.decider_id, ar.step) == (recommender_id, decider_id, step):
            continue
        old_approver = ar.recommender_id if ar.step == ApprovalStep.RECOMMEND else ar.decider_id
        engine.approval_transition(
            obj=ar,
            action=ApprovalAction.REROUTE,
            to=ar.status,
            actor=actor,
            updates={
                "recommender_id": recommender_id,
                "decider_id": decider_id,
                "step": step,
                "returned_step": returned_step,
                "escalated_to_id": None,
                "escalated_at": None,
                "step_since": timezone.now() if ar.step else ar.step_since,
            },
        )
        moved += 1
        new_approver = recommender_id if step == ApprovalStep.RECOMMEND else decider_id
        if ar.status in PENDING_STATUSES and new_approver and new_approver != old_approver:
            notify.notify(recipient_user=_user_of(new_approver), kind="arrangement_rerouted", arrangement_request=ar)
    return moved


@transaction.atomic
def arrangement_requests_close_for_deactivated(
    *, employee: Employee, actor=None, effective_date: datetime.date | None = None
) -> int:
    """Deactivation withdraws open requests and cancels approved days from `effective_date` on."""
    closed = 0
    for ar in ArrangementRequest.objects.filter(employee_id=employee.id, status__in=OPEN_STATUSES):
        engine.approval_transition(
            obj=ar, action=ApprovalAction.WITHDRAW, to=S.WITHDRAWN, actor=actor, updates={"step": None}
        )
        closed += 1
    start = effective_date or timezone.localdate()
    days = ScheduleDay.objects.filter(employee_id=employee.id, cancelled_at__isnull=True, local_date__gte=start)
    affected = set(days.exclude(arrangement__isnull=True).values_list("arrangement_id", flat=True))
    days.update(cancelled_at=timezone.now(), updated_at=timezone.now())
    for ar in ArrangementRequest.objects.filter(id__in=affected, status=S.APPROVED):
        left = ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True, local_date__gte=start).exists()
        if not left:
            engine.approval_transition(
                obj=ar, action=ApprovalAction.CANCEL, to=S.CANCELLED, actor=actor, note=_("Employee deactivated.")
            )
        closed += 1
    return closed


# ---------------------------------------------------------------------------- recall


@transaction.atomic
def recall_create(*, employee: Employee, local_date: datetime.date, reason: str, actor) -> Recall:
    """Call `employee` to the office for one day (by the supervisor or the decider). The day's row
    becomes OFFICE (source RECALL); a recalled day no longer counts in the weekly cap."""
    scope = org_scope.scope_for(actor)
    decider = org_scope.decider_for(employee)
    allowed = {employee.supervisor_id, decider.id if decider else None} - {None, employee.id}
    if scope.employee_id not in allowed:
        raise PermissionDenied(str(ERR_NOT_RECALLER))
    if not (reason or "").strip():
        raise ApplicationError(str(ERR_NOTE_REQUIRED), fields={"reason": [str(ERR_NOTE_REQUIRED)]})
    if local_date < office_today(employee):
        raise ApplicationError(str(ERR_RECALL_PAST), fields={"local_date": [str(ERR_RECALL_PAST)]})
    _lock_employee(employee.id)
    day = ScheduleDay.objects.filter(employee_id=employee.id, local_date=local_date, cancelled_at__isnull=True).first()
    recall = Recall(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=local_date,
        reason=reason.strip(),
        recalled_by=actor,
        previous_location=day.location if day else Location.OFFICE,
    )
    recall.full_clean(exclude=["employee", "recalled_by", "agency"])
    recall.save()
    if day is None:
        ScheduleDay.objects.create(
            agency_id=employee.agency_id,
            employee=employee,
            local_date=local_date,
            location=Location.OFFICE,
            source=DaySource.RECALL,
            recall=recall,
            unit_id=employee.unit_id,
            supervisor_id=employee.supervisor_id,
        )
    else:
        ScheduleDay.objects.filter(id=day.id).update(
            location=Location.OFFICE,
            other_office_unit=None,
            designated_location=None,
            source=DaySource.RECALL,
            recall=recall,
            updated_at=timezone.now(),
        )
    notify.notify(
        recipient_user=employee.user,
        kind="schedule_recalled",
        url="/schedule/",
        date=notify.format_dates([local_date]),
        actor_name=_actor_name(actor),
        reason=recall.reason,
    )
    return recall


# ---------------------------------------------------------------------------- directives


@transaction.atomic
def directive_create(
    *,
    agency_id: int,
    unit: Unit | None,
    date_from: datetime.date,
    date_to: datetime.date,
    allowed_locations: list[str],
    max_share_percent: int | None,
    message: str,
    actor,
) -> Directive:
    """HR declares a directive. It takes precedence over individual plans: approved days in its
    scope and range at a location it does not allow are cancelled (their people are told), and
    everyone in scope is told in one batch."""
    if date_to < date_from:
        text = _("The end date is before the start date.")
        raise ApplicationError(text, fields={"date_to": [text]})
    if unit is not None and unit.agency_id != agency_id:
        raise ApplicationError(_("Some fields are not valid."), fields={"unit": [_("Unknown unit.")]})
    directive = Directive(
        agency_id=agency_id,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        allowed_locations=sorted(set(allowed_locations)),
        max_share_percent=max_share_percent,
        message=message.strip(),
        created_by=actor,
    )
    directive.full_clean(exclude=["agency", "created_by"])
    directive.save()

    people = Employee.objects.filter(agency_id=agency_id)
    if unit is not None:
        people = people.filter(unit__path__contains=[unit.id])
    clashing = (
        ScheduleDay.objects.filter(
            agency_id=agency_id,
            local_date__range=(date_from, date_to),
            cancelled_at__isnull=True,
            employee__in=people,
        )
        .exclude(location=Location.OFFICE)
        .exclude(location__in=directive.allowed_locations)
    )
    affected: dict[int, list] = {}
    for employee_id, local_date, location in clashing.values_list("employee_id", "local_date", "location"):
        affected.setdefault(employee_id, []).append((local_date, location))
    clashing.update(cancelled_at=timezone.now(), updated_at=timezone.now())
    if affected:
        for employee in Employee.objects.filter(id__in=affected).select_related("user"):
            days = affected[employee.id]
            notify.notify(
                recipient_user=employee.user,
                kind="schedule_days_cancelled",
                url="/schedule/",
                dates=[day for day, _loc in days],
                location=", ".join(sorted({str(Location(loc).label) for _day, loc in days})),
                reason=directive.message,
            )

    def locations(_language):
        return ", ".join(str(Location(loc).label) for loc in directive.allowed_locations)

    def share(_language):
        if directive.max_share_percent is None:
            return ""
        return " " + _("At most %(share)d%% of a unit away on one day.") % {"share": directive.max_share_percent}

    def day_text(day):
        return lambda _language: notify.format_dates([day])

    notify.notify_many(
        employees_qs=people,
        kind="directive_announced",
        context={
            "directive_id": directive.id,
            "message": directive.message,
            "date_from": day_text(date_from),
            "date_to": day_text(date_to),
            "locations": locations,
            "share": share,
        },
        url="/schedule/",
    )
    return directive


__all__ = [
    "ArrangementInput",
    "allowed_actions",
    "arrangement_request_approve",
    "arrangement_request_cancel",
    "arrangement_request_check",
    "arrangement_request_create",
    "arrangement_request_recommend",
    "arrangement_request_reject",
    "arrangement_request_return",
    "arrangement_request_revoke",
    "arrangement_request_submit",
    "arrangement_request_update",
    "arrangement_request_withdraw",
    "arrangement_requests_close_for_deactivated",
    "arrangement_requests_escalate_due",
    "arrangement_requests_expire_due",
    "arrangement_requests_reroute",
    "directive_create",
    "policy_error",
    "recall_create",
]
