"""Writes of the arrangements app: requests and their transitions, schedule days, recalls and
directives. Pages and APIs call these same functions.

Transitions go through the one approval engine (flexwork/approvals/engine.py): it locks the rows,
runs the guards (403 not an actor, 409 `stale_transition`), writes the compare-and-swap and the
transition row, and calls the arrangement spec's hooks registered below (the rule check, the
schedule days an approval writes, cancel and revoke by dates, the notifications)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, F, Func, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from flexwork.approvals import engine as approval_engine
from flexwork.approvals import services as engine
from flexwork.approvals.models import EDITABLE_STATUSES, ApprovalAction, ApprovalKind, ApprovalStatus, ApprovalStep
from flexwork.approvals.registry import ApprovalSpec, Expiry, Move, Notice, spec_register
from flexwork.common.calendar import office_date_of, office_today, office_zone_name
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.models import EvidenceFile
from flexwork.common.services import evidence_attach
from flexwork.org import scope as org_scope
from flexwork.org.models import DesignatedLocation, Employee, Unit
from schedules import notify
from schedules.directives import directive_create, directive_update, directive_withdraw
from schedules.models import ArrangementRequest, DaySource, Location, Recall, ScheduleDay, WorkPlanItem
from schedules.policy import DECISION, DRAFT, SUBMIT, CheckResult, Proposal, check_proposal, proposal_from_request

S = ApprovalStatus
MAX_REQUESTED_DAYS = 400

ERR_NOT_OWNER = approval_engine.ERR_NOT_OWNER
ERR_NOT_APPROVER = approval_engine.ERR_NOT_APPROVER
ERR_NO_WORKING_DAY = gettext_lazy("The request covers no working day.")
ERR_OVERRIDE_REQUIRED = gettext_lazy("Give a reason to approve over the warnings.")
ERR_NOTE_REQUIRED = approval_engine.ERR_NOTE_REQUIRED
ERR_DATES_NOT_FUTURE = gettext_lazy("Only future days of this arrangement can be chosen: %(dates)s.")
ERR_NO_FUTURE_DAYS = gettext_lazy("This arrangement has no future days left.")
ERR_OVERLAP_RACE = gettext_lazy("Another arrangement was approved for these days meanwhile.")
ERR_NOT_EDITABLE = gettext_lazy("Only a draft or a returned request can be edited.")
ERR_OTHER_OFFICE = gettext_lazy("Choose the other office.")
ERR_OTHER_OFFICE_OWN = gettext_lazy("Choose an office other than your own unit's.")
ERR_NOT_RECALLER = gettext_lazy("Only the supervisor or the decider can recall someone.")
ERR_RECALL_PAST = gettext_lazy("A recall is for today or a later day.")
ERR_UNKNOWN_INDICATOR = gettext_lazy("Choose one of the indicators of your approved SKP for these days.")


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
    fields.update(_resolve_indicators(employee=employee, data=data))
    if fields:
        raise ApplicationError(_("Some fields are not valid."), fields=fields)


def work_plan_indicators_for(*, employee: Employee, first: datetime.date, last: datetime.date):
    """The SKP indicators a work plan row of `employee` may serve: those of the employee's approved
    SKP whose period meets the request's days (docs/rules.md §3, work plan)."""
    from performance.models import Indicator, SkpStatus

    return (
        Indicator.objects.filter(
            agency_id=employee.agency_id,
            rhk__skp__employee_id=employee.id,
            rhk__skp__status=SkpStatus.APPROVED,
            rhk__skp__period_start__lte=last,
            rhk__skp__period_end__gte=first,
        )
        .select_related("rhk")
        .order_by("rhk_id", "id")
    )


def _resolve_indicators(*, employee: Employee, data: ArrangementInput) -> dict[str, list[str]]:
    """Each row's `indicator` (an id) checked against work_plan_indicators_for: another employee's or
    agency's indicator is a 400 on that row's field, never stored."""
    wanted = {item.get("indicator") for item in data.work_plan if item.get("indicator") is not None}
    if not wanted:
        return {}
    dates = sorted(data.requested_dates) or [office_today(employee)]
    known = set(
        work_plan_indicators_for(employee=employee, first=dates[0], last=dates[-1])
        .filter(id__in=wanted)
        .values_list("id", flat=True)
    )
    return {
        f"work_plan.{index}.indicator": [str(ERR_UNKNOWN_INDICATOR)]
        for index, item in enumerate(data.work_plan)
        if item.get("indicator") is not None and item["indicator"] not in known
    }


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
                indicator_id=item.get("indicator"),
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
        raise ConflictError(str(ERR_NOT_EDITABLE), code=approval_engine.STALE)
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
        raise ConflictError(str(engine.ERR_STALE), code=approval_engine.STALE)
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


# ---------------------------------------------------------------------------- the approval spec
# Arrangements go through the one approval engine (flexwork/approvals/engine.py: guards, locks,
# transitions); these hooks are what is theirs: the rule check, the schedule days an approval
# writes, cancel and revoke by dates, and the notification texts (schedules/notify.py).


def _require_owner(arrangement_request: ArrangementRequest, user) -> None:
    if org_scope.scope_for(user).employee_id != arrangement_request.employee_id:
        raise PermissionDenied(str(ERR_NOT_OWNER))


def allowed_actions(*, arrangement_request: ArrangementRequest, user) -> list[str]:
    """What `user` may do to the request now (the pages show these buttons)."""
    return approval_engine.allowed_actions(obj=arrangement_request, user=user)


def _actor_name(user) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else getattr(user, "username", "")


def _lock_employee(employee_id: int) -> None:
    """Serialise the decisions about one employee: the cap and the overlap count rows (docs/rules.md §3)."""
    list(Employee.objects.select_for_update(of=("self",)).filter(id=employee_id).values_list("id", flat=True))


def _submitted_date(ar: ArrangementRequest) -> datetime.date | None:
    """LEAD_TIME is judged at the moment of submission, also at later decisions."""
    if ar.submitted_at is None:
        return None
    return office_date_of(ar.submitted_at, office_zone_name(ar.employee))


def _check(move: Move) -> None:
    """The rule check (docs/rules.md §3) at submit, recommendation and decision. At the decision
    the employee's row is locked (by the engine) while approved days are counted: a hard violation
    refuses (400; an OVERLAP that raced is a 409), soft ones need `override_reason`."""
    ar = move.obj
    if move.action == ApprovalAction.SUBMIT:
        result = check_proposal(proposal_from_request(ar), at=SUBMIT)
        if result.hard:
            raise policy_error(result)
    else:
        result = check_proposal(proposal_from_request(ar), at=DECISION, as_of=_submitted_date(ar))
        if move.action == ApprovalAction.APPROVE and any(v.code == "OVERLAP" for v in result.hard):
            raise policy_error(result, status_code=409, code="conflict")
        if result.hard:
            raise policy_error(result)
    if move.action == ApprovalAction.APPROVE:
        if result.soft and not move.override_reason:
            error = policy_error(result, code="override_reason_required")
            error.message = str(ERR_OVERRIDE_REQUIRED)
            error.fields = {"override_reason": [str(ERR_OVERRIDE_REQUIRED)]}
            raise error
        move.override_reason = move.override_reason if result.soft else ""
        move.updates["override_reason"] = move.override_reason
    move.updates["violations"] = result.as_list()
    move.data["result"] = result
    move.data["dates"] = result.working_dates


def _after_approve(move: Move) -> None:
    _write_schedule_days(move.obj, move.data["result"])


def _write_schedule_days(ar: ArrangementRequest, result: CheckResult) -> None:
    """One schedule day per covered working day; the partial unique index is the last guard."""
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


def _future_days(ar: ArrangementRequest, *, today: datetime.date):
    return ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True, local_date__gt=today)


def _end(move: Move) -> None:
    """Cancel or revoke chosen future days (default all). With no future day left the request
    becomes cancelled/revoked; otherwise it stays approved and the partial end is recorded. Days
    that were ended already (a repeated call) are a stale transition, not a bad input."""
    ar = move.obj
    today = office_today(ar.employee)
    future = {row.local_date: row.id for row in _future_days(ar, today=today)}
    if not future:
        raise ConflictError(str(ERR_NO_FUTURE_DAYS), code=approval_engine.STALE)
    chosen = sorted(set(move.requested_dates)) if move.requested_dates else sorted(future)
    unknown = [day for day in chosen if day not in future]
    if unknown:
        ended = set(
            ScheduleDay.objects.filter(
                arrangement=ar, cancelled_at__isnull=False, local_date__in=unknown, local_date__gt=today
            ).values_list("local_date", flat=True)
        )
        message = ERR_DATES_NOT_FUTURE % {"dates": ", ".join(day.isoformat() for day in unknown)}
        if ended == set(unknown):
            raise ConflictError(message, code=approval_engine.STALE)
        raise ApplicationError(message, fields={"dates": [message]})
    if len(chosen) != len(future):
        move.to = ar.status
    move.dates = chosen
    move.data["day_ids"] = [future[day] for day in chosen]


def _after_end(move: Move) -> None:
    now = timezone.now()
    ScheduleDay.objects.filter(id__in=move.data["day_ids"], cancelled_at__isnull=True).update(
        cancelled_at=now, updated_at=now
    )


_WITH_ACTOR = {"recommended", "approved", "rejected", "returned", "revoked"}
_WITH_NOTE = {"approved", "rejected", "returned", "cancelled", "revoked"}


def _notify(notice: Notice) -> None:
    """The arrangement_* notifications (schedules/notify.py) of the engine's events."""
    ar, move = notice.obj, notice.move
    context = dict(notice.context)
    dates = None
    if move is not None:
        dates = move.dates if move.action in (ApprovalAction.CANCEL, ApprovalAction.REVOKE) else move.data.get("dates")
    if notice.event == "submitted":
        context["step"] = ApprovalStep(ar.step).label
    if notice.event in _WITH_ACTOR:
        context["actor_name"] = _actor_name(notice.actor)
    if notice.event in _WITH_NOTE:
        context["note"] = notice.note
    notify.notify(
        recipient_user=notice.recipient_user,
        kind=f"arrangement_{notice.event}",
        arrangement_request=ar,
        dates=dates,
        **context,
    )


def _close_approved(*, employee: Employee, actor=None, start: datetime.date, note: str = "") -> int:
    """Deactivation or a transfer cancels approved days from `start` on; a request left with none is
    cancelled, with `note` (HR's reason) as its reason."""
    days = ScheduleDay.objects.filter(employee_id=employee.id, cancelled_at__isnull=True, local_date__gte=start)
    affected = set(days.exclude(arrangement__isnull=True).values_list("arrangement_id", flat=True))
    days.update(cancelled_at=timezone.now(), updated_at=timezone.now())
    closed = 0
    for ar in ArrangementRequest.objects.filter(id__in=affected, status=S.APPROVED).order_by("id"):
        approval_engine.lock(ar)
        if ar.status != S.APPROVED:
            continue
        left = ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True, local_date__gte=start).exists()
        if not left:
            engine.approval_transition(
                obj=ar,
                action=ApprovalAction.CANCEL,
                to=S.CANCELLED,
                actor=actor,
                note=note or _("Employee deactivated."),
            )
        closed += 1
    return closed


class _DateInArray(Func):
    """`date = ANY(dates)`: the date is one of the array's."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def first_duty_start():
    """The expiry instant of an arrangement request over duties (docs/rules.md §8 "Flexibility on
    duties"): the start of the earliest published active shift of the employee on one of the
    request's dates, read when the sweep runs (a swap or a change after submission counts); NULL
    when it covers no duty, so the request expires at 00:00 of its first day."""
    from shifts.models import Duty, DutyKind

    duties = Duty.objects.filter(
        employee_id=OuterRef("employee_id"),
        is_active=True,
        is_published=True,
        kind=DutyKind.SHIFT,
        duty_date__gte=OuterRef("first_date"),
        duty_date__lte=OuterRef("last_date"),
    ).filter(_DateInArray(F("duty_date"), OuterRef("dates")))
    return Subquery(duties.order_by("start_at").values("start_at")[:1])


def register_approval_spec() -> None:
    """Called from SchedulesConfig.ready()."""
    spec_register(
        ApprovalSpec(
            kind=ApprovalKind.ARRANGEMENT,
            model=ArrangementRequest,
            url=lambda ar: f"/arrangements/{ar.id}/",
            editable=True,
            check=_check,
            after_approve=_after_approve,
            end=_end,
            after_end=_after_end,
            notify=_notify,
            # An undecided request expires as a whole at 00:00 office time of its first covered day, or,
            # when it covers duties, when the first of them starts (docs/rules.md §8).
            expiry=Expiry(field="first_date", at=first_duty_start),
            escalates=True,
            close_approved=_close_approved,
        )
    )


# ---------------------------------------------------------------------------- transitions


def arrangement_request_submit(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> tuple[ArrangementRequest, CheckResult]:
    move = approval_engine.transition(obj=arrangement_request, action=ApprovalAction.SUBMIT, actor=actor, note=note)
    return arrangement_request, move.data["result"]


def arrangement_request_recommend(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> ArrangementRequest:
    approval_engine.transition(obj=arrangement_request, action=ApprovalAction.RECOMMEND, actor=actor, note=note)
    return arrangement_request


def arrangement_request_approve(
    *, arrangement_request: ArrangementRequest, actor, note: str = "", override_reason: str = ""
) -> ArrangementRequest:
    """Approve and write one schedule day per covered working day (the rules checked again)."""
    approval_engine.transition(
        obj=arrangement_request,
        action=ApprovalAction.APPROVE,
        actor=actor,
        note=note,
        override_reason=override_reason,
    )
    return arrangement_request


def arrangement_request_reject(*, arrangement_request: ArrangementRequest, actor, note: str = "") -> ArrangementRequest:
    approval_engine.transition(obj=arrangement_request, action=ApprovalAction.REJECT, actor=actor, note=note)
    return arrangement_request


def arrangement_request_return(*, arrangement_request: ArrangementRequest, actor, note: str = "") -> ArrangementRequest:
    approval_engine.transition(obj=arrangement_request, action=ApprovalAction.RETURN, actor=actor, note=note)
    return arrangement_request


def arrangement_request_withdraw(
    *, arrangement_request: ArrangementRequest, actor, note: str = ""
) -> ArrangementRequest:
    approval_engine.transition(obj=arrangement_request, action=ApprovalAction.WITHDRAW, actor=actor, note=note)
    return arrangement_request


def arrangement_request_cancel(
    *, arrangement_request: ArrangementRequest, actor, dates=None, note: str = ""
) -> ArrangementRequest:
    """The employee gives up chosen future days, or all of them (default)."""
    approval_engine.transition(
        obj=arrangement_request, action=ApprovalAction.CANCEL, actor=actor, note=note, dates=dates
    )
    return arrangement_request


def arrangement_request_revoke(
    *, arrangement_request: ArrangementRequest, actor, dates=None, note: str = ""
) -> ArrangementRequest:
    """The decider ends chosen future days, or all (the "suspension" of docs/rules.md §3), with a reason."""
    approval_engine.transition(
        obj=arrangement_request, action=ApprovalAction.REVOKE, actor=actor, note=note, dates=dates
    )
    return arrangement_request


# ---------------------------------------------------------------------------- expiry, escalation, organisation
# The engine's sweeps, limited to arrangements (the beat tasks run them for every kind).


def arrangement_requests_expire_due(*, now: datetime.datetime | None = None) -> int:
    return approval_engine.expire_due(now=now, kinds=[ApprovalKind.ARRANGEMENT])


def arrangement_requests_escalate_due(*, now: datetime.datetime | None = None) -> int:
    return approval_engine.escalate_due(now=now, kinds=[ApprovalKind.ARRANGEMENT])


@transaction.atomic
def arrangement_requests_reroute(*, employee: Employee, actor=None) -> int:
    """Every kind's pending requests of `employee` get the new chain (the engine)."""
    return approval_engine.reroute(employee=employee, actor=actor)


@transaction.atomic
def arrangement_requests_close_for_deactivated(
    *, employee: Employee, actor=None, effective_date: datetime.date | None = None
) -> int:
    """Every kind: open requests withdrawn, approved days from `effective_date` on ended (the engine)."""
    return approval_engine.close_for_deactivated(employee=employee, actor=actor, effective_date=effective_date)


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
# Declaring, editing and withdrawing directives lives in schedules/directives.py (imported above).


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
    "directive_update",
    "directive_withdraw",
    "policy_error",
    "recall_create",
]
