"""Writes of the performance app (CONTRIBUTING.md). Every service takes the acting user, checks the
actor's part in this SKP (403 when in scope but not theirs to do), validates (400 with fields),
and writes. Callers have already scoped the objects through performance.selectors (404)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.selectors import evidence_list_attachable_for
from flexwork.common.services import evidence_attach, model_update
from flexwork.notifications.services import notification_send
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import policy_for
from performance import calculations
from performance.models import (
    BEHAVIOUR_FIELDS,
    SKP_EDITABLE_STATUSES,
    SKP_TRANSITIONS,
    Evaluation,
    EvaluationKind,
    Feedback,
    Indicator,
    IndicatorAspect,
    IndicatorDirection,
    PeriodPlan,
    Rating,
    Realisation,
    Rhk,
    RhkKind,
    Skp,
    SkpApproach,
    SkpStatus,
    SkpTransition,
    TargetSpread,
    UnitResult,
)
from performance.selectors import (
    cascade_choices_for,
    predikat_for,
    suggested_realisation,
    unit_head_results_rating,
)


def _invalid(message: str, *, field: str | None = None, code: str = "invalid") -> ApplicationError:
    return ApplicationError(
        _("Some fields are not valid.") if field else message,
        code=code,
        fields={field: [message]} if field else {},
    )


def _employee_of(user) -> Employee | None:
    scope = org_scope.scope_for(user)
    return Employee.objects.filter(id=scope.employee_id).first() if scope.employee_id else None


def _is_self(skp: Skp, user) -> bool:
    return skp.employee.user_id == user.pk


def _is_supervisor(skp: Skp, user) -> bool:
    supervisor = skp.employee.supervisor
    return supervisor is not None and supervisor.user_id == user.pk


def _is_assessor(skp: Skp, user) -> bool:
    """The assessor recorded at approval; before that, the direct supervisor."""
    if skp.assessor_id is not None:
        return skp.assessor.user_id == user.pk
    return _is_supervisor(skp, user)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_editor(skp: Skp, actor) -> None:
    _require(
        _is_self(skp, actor) or _is_supervisor(skp, actor),
        _("Only the employee and their direct supervisor can change this SKP."),
    )


def _require_editable(skp: Skp) -> None:
    if skp.status not in SKP_EDITABLE_STATUSES:
        raise ApplicationError(
            _("This SKP is %(status)s: return it to the employee before changing it.")
            % {"status": skp.get_status_display().lower()},
            code="skp_not_editable",
        )


def _notify(*, recipient_employee: Employee | None, kind: str, context: dict, url: str) -> None:
    if recipient_employee is None:
        return
    notification_send(recipient=recipient_employee.user, kind=kind, context=context, url=url)


def _skp_url(skp: Skp) -> str:
    return reverse("performance-skp-detail", args=[skp.id])


# ---------------------------------------------------------------------------- SKP


@transaction.atomic
def skp_create(
    *,
    actor,
    employee: Employee,
    year: int,
    approach: str = SkpApproach.QUANTITATIVE,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> Skp:
    """A draft SKP for `employee`'s current position in `year`: by the employee (who then proposes
    it) or by their direct supervisor (who sets the targets). Without dates it runs from the start
    of the year, or the first day in the position if later, to 31 December."""
    supervisor = employee.supervisor
    _require(
        employee.user_id == actor.pk or (supervisor is not None and supervisor.user_id == actor.pk),
        _("Only the employee and their direct supervisor can draw up an SKP."),
    )
    if employee.position_id is None:
        raise _invalid(_("The employee has no position: HR must record one first."), field="employee")
    first = datetime.date(year, 1, 1)
    if period_start is None:
        start_in_post = employee.position_start_date
        period_start = max(first, start_in_post) if start_in_post and start_in_post.year == year else first
    period_end = period_end or datetime.date(year, 12, 31)
    _check_skp_period(employee=employee, year=year, period_start=period_start, period_end=period_end)
    skp = Skp(
        agency_id=employee.agency_id,
        employee=employee,
        position_id=employee.position_id,
        year=year,
        period_start=period_start,
        period_end=period_end,
        approach=approach,
        created_by=actor,
    )
    skp.full_clean(exclude=["agency", "employee", "position", "created_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            skp.save()
    except IntegrityError:
        raise ConflictError(_("An SKP for this position and period exists already."), code="duplicate") from None
    return skp


def _check_skp_period(
    *, employee: Employee, year: int, period_start, period_end, exclude_id: int | None = None
) -> None:
    if period_start > period_end:
        raise _invalid(_("The period must end on or after its start."), field="period_end")
    if period_start.year != year or period_end.year != year:
        raise _invalid(_("The period must lie inside the year %(year)s.") % {"year": year}, field="period_start")
    overlapping = Skp.objects.filter(
        agency_id=employee.agency_id, employee=employee, period_start__lte=period_end, period_end__gte=period_start
    ).exclude(id=exclude_id)
    if overlapping.exists():
        raise ConflictError(
            _("Another SKP of this employee covers part of this period. A transfer starts the new SKP after it ends."),
            code="overlap",
        )


@transaction.atomic
def skp_update(*, skp: Skp, actor, data: dict) -> Skp:
    """Change the approach or the period of a draft or returned SKP."""
    _require_editor(skp, actor)
    _require_editable(skp)
    start = data.get("period_start", skp.period_start)
    end = data.get("period_end", skp.period_end)
    if start != skp.period_start or end != skp.period_end:
        _check_skp_period(employee=skp.employee, year=skp.year, period_start=start, period_end=end, exclude_id=skp.id)
        # Plans are rebuilt for the new period below; those with a realisation are kept.
        PeriodPlan.objects.filter(indicator__rhk__skp=skp, realisation__isnull=True).delete()
    skp, _changed = model_update(instance=skp, fields=["approach", "period_start", "period_end"], data=data)
    for indicator in Indicator.objects.filter(rhk__skp=skp):
        _period_plans_sync(indicator=indicator, skp=skp)
    return skp


STALE_TRANSITION = "stale_transition"


def _done(to: str) -> str:
    return {
        SkpStatus.SUBMITTED: _("submitted"),
        SkpStatus.APPROVED: _("approved"),
        SkpStatus.RETURNED: _("returned"),
    }[to]


def _lock_for_transition(*, skp: Skp, to: str) -> None:
    """Lock the SKP's row and re-read its status (docs/rules.md §5, the approval engine's guard
    order of docs/rules.md §3: scope 404, role 403, then state 409). A repeated, stale or
    concurrent transition (the status is no longer the one the caller read, or does not lead to
    `to`) is a 409 `stale_transition` and writes nothing: concurrent callers queue on the lock,
    the first wins, the others find the new status."""
    current = Skp.objects.select_for_update().filter(id=skp.id).values_list("status", flat=True).first()
    if current is None or current != skp.status or to not in SKP_TRANSITIONS.get(current, ()):
        status = SkpStatus(current).label.lower() if current else _("removed")
        raise ConflictError(
            _("This SKP is %(status)s now and cannot be %(action)s; reload it.")
            % {"status": status, "action": _done(to)},
            code=STALE_TRANSITION,
        )


def _transition(*, skp: Skp, to: str, actor, note: str = "") -> Skp:
    """Write the transition of an SKP locked by `_lock_for_transition` (one status change, one
    history row)."""
    current = skp.status
    changes: dict = {"status": to, "updated_at": timezone.now()}
    if to == SkpStatus.APPROVED:
        changes.update(assessor_id=skp.employee.supervisor_id, approved_at=timezone.now(), status_note="")
    if to == SkpStatus.RETURNED:
        changes["status_note"] = note
    # Compare-and-swap as well as the row lock: the status we checked is the one we change.
    won = Skp.objects.filter(id=skp.id, status=current).update(**changes)
    if won != 1:
        raise ConflictError(_("This SKP changed meanwhile; reload it."), code=STALE_TRANSITION)
    SkpTransition.objects.create(
        agency_id=skp.agency_id, skp=skp, from_status=current, to_status=to, actor=actor, note=note
    )
    skp.refresh_from_db()
    return skp


def _require_content(skp: Skp) -> None:
    if not Indicator.objects.filter(rhk__skp=skp, rhk__kind=RhkKind.MAIN).exists():
        raise ApplicationError(
            _("An SKP needs at least one main planned work result with an indicator."), code="skp_incomplete"
        )


@transaction.atomic
def skp_submit(*, skp: Skp, actor, note: str = "") -> Skp:
    """The employee proposes the SKP to their direct supervisor."""
    _require(_is_self(skp, actor), _("Only the employee can submit their SKP."))
    _lock_for_transition(skp=skp, to=SkpStatus.SUBMITTED)
    _require_content(skp)
    skp = _transition(skp=skp, to=SkpStatus.SUBMITTED, actor=actor, note=note)
    _notify(
        recipient_employee=skp.employee.supervisor,
        kind="performance_skp_submitted",
        context={"employee_name": skp.employee.name, "year": skp.year},
        url=_skp_url(skp),
    )
    return skp


@transaction.atomic
def skp_approve(*, skp: Skp, actor, note: str = "") -> Skp:
    """The direct supervisor approves (a proposed SKP, or one they drew up themselves) and becomes
    its assessor."""
    _require(_is_supervisor(skp, actor), _("Only the employee's direct supervisor can approve the SKP."))
    _lock_for_transition(skp=skp, to=SkpStatus.APPROVED)
    _require_content(skp)
    skp = _transition(skp=skp, to=SkpStatus.APPROVED, actor=actor, note=note)
    _notify(
        recipient_employee=skp.employee,
        kind="performance_skp_approved",
        context={"assessor_name": skp.assessor.name, "year": skp.year},
        url=_skp_url(skp),
    )
    return skp


@transaction.atomic
def skp_return(*, skp: Skp, actor, note: str) -> Skp:
    """The supervisor returns a submitted SKP, or reopens an approved one, with a note."""
    _require(_is_assessor(skp, actor), _("Only the employee's assessor can return the SKP."))
    _lock_for_transition(skp=skp, to=SkpStatus.RETURNED)
    if not (note or "").strip():
        raise _invalid(_("Say what should change."), field="note")
    skp = _transition(skp=skp, to=SkpStatus.RETURNED, actor=actor, note=note.strip())
    _notify(
        recipient_employee=skp.employee,
        kind="performance_skp_returned",
        context={"year": skp.year, "note": skp.status_note},
        url=_skp_url(skp),
    )
    return skp


# ---------------------------------------------------------------------------- RHK


def _check_cascade(*, skp: Skp, cascaded_from: Rhk | None) -> None:
    if cascaded_from is None:
        return
    if not cascade_choices_for(skp=skp).filter(id=cascaded_from.id).exists():
        raise _invalid(
            _("A result can only be cascaded from an approved result of someone above you in your supervisor chain."),
            field="cascaded_from",
            code="cascade_outside_chain",
        )


@transaction.atomic
def rhk_create(*, skp: Skp, actor, kind: str, description: str, cascaded_from: Rhk | None = None) -> Rhk:
    _require_editor(skp, actor)
    _require_editable(skp)
    _check_cascade(skp=skp, cascaded_from=cascaded_from)
    rhk = Rhk(agency_id=skp.agency_id, skp=skp, kind=kind, description=description, cascaded_from=cascaded_from)
    rhk.full_clean(exclude=["agency", "skp", "cascaded_from"])
    rhk.save()
    return rhk


@transaction.atomic
def rhk_update(*, rhk: Rhk, actor, data: dict) -> Rhk:
    _require_editor(rhk.skp, actor)
    _require_editable(rhk.skp)
    if "cascaded_from" in data:
        _check_cascade(skp=rhk.skp, cascaded_from=data["cascaded_from"])
    rhk, _changed = model_update(instance=rhk, fields=["kind", "description", "cascaded_from"], data=data)
    return rhk


@transaction.atomic
def rhk_delete(*, rhk: Rhk, actor) -> None:
    _require_editor(rhk.skp, actor)
    _require_editable(rhk.skp)
    if Realisation.objects.filter(indicator__rhk=rhk).exists():
        raise ApplicationError(_("This result already has realisations and cannot be removed."), code="in_use")
    if rhk.cascaded_to.exists():
        raise ApplicationError(_("Results of your team are cascaded from this one."), code="in_use")
    rhk.delete()


# ---------------------------------------------------------------------------- indicators and period plans


def _clean_target(target_min, target_max) -> tuple[Decimal, Decimal]:
    target_min = Decimal(target_min)
    target_max = Decimal(target_max) if target_max is not None else target_min
    if target_min < 0:
        raise _invalid(_("A target cannot be negative."), field="target_min")
    if target_min > target_max:
        raise _invalid(
            _("The lower end of the range (%(min)s) is above the upper end (%(max)s).")
            % {"min": target_min, "max": target_max},
            field="target_max",
            code="range_inverted",
        )
    return target_min, target_max


def _period_plans_sync(*, indicator: Indicator, skp: Skp) -> None:
    """One plan per period of the agency's performance period inside the SKP after its period
    changed: missing ones are added with the indicator's rule share of the new periods (a MANUAL
    indicator gets the even share, to be adjusted by hand); existing ones keep theirs."""
    periods = indicator_periods(skp=skp)
    existing = set(indicator.period_plans.values_list("period_start", flat=True))
    mode = TargetSpread.EVEN if indicator.spread == TargetSpread.MANUAL else indicator.spread
    lows = calculations.spread_shares(mode=mode, total=indicator.target_min, count=len(periods))
    highs = calculations.spread_shares(mode=mode, total=indicator.target_max, count=len(periods))
    PeriodPlan.objects.bulk_create(
        [
            PeriodPlan(
                agency_id=skp.agency_id,
                indicator=indicator,
                number=period.number,
                period_start=period.start,
                period_end=period.end,
                target_min=low,
                target_max=high,
            )
            for period, low, high in zip(periods, lows, highs, strict=True)
            if period.start not in existing
        ]
    )


def indicator_periods(*, skp: Skp) -> list[calculations.Period]:
    """The periods an indicator of `skp` is planned in (the agency's performance period)."""
    kind = policy_for(agency=skp.agency_id).performance_period
    return calculations.periods_between(kind=kind, start=skp.period_start, end=skp.period_end)


SPREAD_ERRORS = {
    "sum": gettext_lazy("The periods add up to %(sum)s %(unit)s, not to the annual target of %(total)s %(unit)s."),
    "last": gettext_lazy(
        "With a cumulative target the last period must reach the annual target of %(total)s %(unit)s."
    ),
    "falls": gettext_lazy("A cumulative target cannot fall from one period to the next."),
}


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def _period_targets(
    *, spread: str, target_min: Decimal, target_max: Decimal, count: int, given: list | None, unit: str
) -> list[tuple[Decimal, Decimal]]:
    """The (min, max) target of each period for `spread` (docs/rules.md §5). `given` holds one entry
    per period: what the person typed (a value, or a (low, high) pair), or None where the rule's
    share stands (MANUAL needs them all). Typed ranges, and typed periods of a range indicator, are
    only for SAME: the other rules add up single values."""
    is_range = target_min != target_max
    if spread not in TargetSpread.values:
        raise _invalid(_("Choose how the target spreads over the periods."), field="spread")
    if given is not None and len(given) != count:
        raise _invalid(
            _("Give one target for each of the %(count)s periods.") % {"count": count}, field="period_targets"
        )
    typed = given is not None and any(v is not None for v in given)
    if spread == TargetSpread.MANUAL and (given is None or any(v is None for v in given)):
        raise _invalid(_("Give the target of every period."), field="period_targets")
    lows = calculations.spread_shares(mode=spread, total=target_min, count=count)
    highs = calculations.spread_shares(mode=spread, total=target_max, count=count)
    pairs = []
    for entry, low, high in zip(given or [None] * count, lows, highs, strict=True):
        if entry is None:
            pairs.append((low, high))
            continue
        low, high = entry if isinstance(entry, tuple) else (entry, entry)
        pairs.append((Decimal(low), Decimal(high if high is not None else low)))
    if any(low < 0 for low, _high in pairs):
        raise _invalid(_("A target cannot be negative."), field="period_targets")
    if any(low > high for low, high in pairs):
        raise _invalid(_("A period's range must not end below its start."), field="period_targets")
    if spread == TargetSpread.SAME:
        return pairs  # a rate or a deadline: any period may differ, nothing has to add up
    if typed and (is_range or any(low != high for low, high in pairs)):
        raise _invalid(
            _("A range is spread by the rule; set the periods by hand for a single target only."), field="spread"
        )
    values = [low for low, _high in pairs]
    problem = calculations.spread_error(mode=spread, total=target_min, targets=values)
    if problem:
        message = str(SPREAD_ERRORS[problem]) % {
            "sum": _fmt(sum(values, Decimal(0))),
            "total": _fmt(target_min),
            "unit": unit,
        }
        raise _invalid(message, field="period_targets", code=f"spread_{problem}")
    return pairs


@transaction.atomic
def indicator_create(
    *,
    rhk: Rhk,
    actor,
    aspect: str,
    description: str,
    target_min,
    target_max=None,
    unit: str,
    direction: str = IndicatorDirection.HIGHER,
    spread: str = TargetSpread.EVEN,
    period_targets: list | None = None,
) -> Indicator:
    """An indicator with its annual target, and one plan per period whose targets follow `spread`
    (docs/rules.md §5): EVEN splits the annual target, CUMULATIVE gives the running total, MANUAL
    takes `period_targets` (one per period, adding up to the target), SAME repeats it. Periods typed
    in `period_targets` under EVEN or CUMULATIVE replace the rule's share, and the rule is checked."""
    skp = rhk.skp
    _require_editor(skp, actor)
    _require_editable(skp)
    target_min, target_max = _clean_target(target_min, target_max)
    if aspect not in IndicatorAspect.values:
        raise _invalid(_("Choose an aspect."), field="aspect")
    periods = indicator_periods(skp=skp)
    targets = _period_targets(
        spread=spread,
        target_min=target_min,
        target_max=target_max,
        count=len(periods),
        given=period_targets,
        unit=unit,
    )
    indicator = Indicator(
        agency_id=skp.agency_id,
        rhk=rhk,
        aspect=aspect,
        description=description,
        target_min=target_min,
        target_max=target_max,
        unit=unit,
        direction=direction,
        spread=spread,
    )
    indicator.full_clean(exclude=["agency", "rhk"])
    indicator.save()
    PeriodPlan.objects.bulk_create(
        [
            PeriodPlan(
                agency_id=skp.agency_id,
                indicator=indicator,
                number=period.number,
                period_start=period.start,
                period_end=period.end,
                target_min=low,
                target_max=high,
            )
            for period, (low, high) in zip(periods, targets, strict=True)
        ]
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor, data: dict) -> Indicator:
    skp = indicator.rhk.skp
    _require_editor(skp, actor)
    _require_editable(skp)
    data = dict(data)
    if "target_min" in data or "target_max" in data:
        data["target_min"], data["target_max"] = _clean_target(
            data.get("target_min", indicator.target_min), data.get("target_max", indicator.target_max)
        )
    indicator, _changed = model_update(
        instance=indicator,
        fields=["aspect", "description", "target_min", "target_max", "unit", "direction"],
        data=data,
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor) -> None:
    skp = indicator.rhk.skp
    _require_editor(skp, actor)
    _require_editable(skp)
    if indicator.realisations.exists():
        raise ApplicationError(_("This indicator already has realisations and cannot be removed."), code="in_use")
    indicator.delete()


@transaction.atomic
def period_plan_update(*, plan: PeriodPlan, actor, data: dict) -> PeriodPlan:
    """Set one period's target (a value or a range) and action plan."""
    skp = plan.indicator.rhk.skp
    _require_editor(skp, actor)
    _require_editable(skp)
    data = dict(data)
    if "target_min" in data or "target_max" in data:
        data["target_min"], data["target_max"] = _clean_target(
            data.get("target_min", plan.target_min), data.get("target_max", data.get("target_min", plan.target_max))
        )
    plan, _changed = model_update(instance=plan, fields=["target_min", "target_max", "action_plan"], data=data)
    return plan


# ---------------------------------------------------------------------------- realisation


@transaction.atomic
def realisation_record(
    *,
    indicator: Indicator,
    actor,
    period_date: datetime.date,
    value,
    note: str = "",
    evidence_ids: Iterable[int] = (),
) -> tuple[Realisation, bool]:
    """The employee records (or corrects) what they achieved on `indicator` in the period that
    contains `period_date`. Returns the realisation and whether it was created."""
    skp = indicator.rhk.skp
    _require(_is_self(skp, actor), _("Only the employee enters realisations of their own targets."))
    if skp.status != SkpStatus.APPROVED:
        raise ApplicationError(_("Realisations can be entered once the SKP is approved."), code="skp_not_approved")
    if not skp.period_start <= period_date <= skp.period_end:
        raise _invalid(
            _("This period is outside the SKP, which runs from %(start)s to %(end)s.")
            % {"start": skp.period_start.isoformat(), "end": skp.period_end.isoformat()},
            field="period_start",
            code="period_outside_skp",
        )
    value = Decimal(value)
    if value < 0:
        raise _invalid(_("A realisation cannot be negative."), field="value")
    plan = (
        PeriodPlan.objects.select_for_update()
        .filter(indicator=indicator, period_start__lte=period_date, period_end__gte=period_date)
        .first()
    )
    if plan is None:
        raise _invalid(_("This indicator has no plan for that period."), field="period_start")
    attachable = {e.id: e for e in evidence_list_attachable_for(user=actor).filter(id__in=list(evidence_ids))}
    missing = [i for i in evidence_ids if i not in attachable]
    if missing:
        raise _invalid(_("Unknown or already attached evidence file."), field="evidence")
    realisation = Realisation.objects.filter(period_plan=plan).first()
    suggested = suggested_realisation(plan=plan)
    created = realisation is None
    if created:
        realisation = Realisation(
            agency_id=skp.agency_id,
            period_plan=plan,
            indicator=indicator,
            value=value,
            note=note,
            suggested_value=suggested,
            entered_by=actor,
        )
        realisation.full_clean(exclude=["agency", "period_plan", "indicator", "entered_by"])
        realisation.save()
    else:
        realisation, _changed = model_update(
            instance=realisation,
            fields=["value", "note", "suggested_value", "entered_by"],
            data={"value": value, "note": note, "suggested_value": suggested, "entered_by": actor},
        )
    for evidence in attachable.values():
        evidence_attach(evidence=evidence, owner=realisation)
    return realisation, created


# ---------------------------------------------------------------------------- feedback


@transaction.atomic
def feedback_create(*, skp: Skp, actor, text: str, indicator: Indicator | None = None) -> Feedback:
    """Continuous feedback between the employee and their supervisor (either may write)."""
    _require(
        _is_self(skp, actor) or _is_supervisor(skp, actor) or _is_assessor(skp, actor),
        _("Only the employee and their supervisor can write feedback on this SKP."),
    )
    if not (text or "").strip():
        raise _invalid(_("Write some feedback."), field="text")
    if indicator is not None and indicator.rhk.skp_id != skp.id:
        raise _invalid(_("This indicator belongs to another SKP."), field="indicator")
    feedback = Feedback.objects.create(
        agency_id=skp.agency_id, skp=skp, indicator=indicator, author=actor, text=text.strip()
    )
    other = skp.employee.supervisor if _is_self(skp, actor) else skp.employee
    _notify(
        recipient_employee=other,
        kind="performance_feedback",
        context={"author_name": actor.get_full_name() or actor.username, "year": skp.year},
        url=_skp_url(skp),
    )
    return feedback


# ---------------------------------------------------------------------------- evaluation


def behaviour_rating_default(ratings: dict[str, str]) -> str:
    """The overall behaviour rating when the assessor gives none: "above" when most of the seven
    values are above and none is below; "below" when most are below; "meets" otherwise."""
    values = [ratings[name] for name in BEHAVIOUR_FIELDS]
    if values.count(Rating.ABOVE) > len(values) // 2 and Rating.BELOW not in values:
        return Rating.ABOVE
    if values.count(Rating.BELOW) > len(values) // 2:
        return Rating.BELOW
    return Rating.MEETS


@transaction.atomic
def evaluation_create(
    *,
    skp: Skp,
    actor,
    kind: str,
    behaviour: dict[str, str],
    results_rating: str | None = None,
    behaviour_rating: str | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    note: str = "",
) -> Evaluation:
    """The assessor rates results and the seven BerAKHLAK values; the predikat comes from the
    matrix. A unit head's results rating follows the unit's recorded result."""
    _require(_is_assessor(skp, actor), _("Only the employee's assessor can rate them."))
    if skp.status != SkpStatus.APPROVED:
        raise ApplicationError(_("Only an approved SKP can be evaluated."), code="skp_not_approved")
    if kind == EvaluationKind.ANNUAL:
        period_start, period_end = period_start or skp.period_start, period_end or skp.period_end
    if period_start is None or period_end is None:
        raise _invalid(_("Give the period evaluated."), field="period_start")
    if period_start > period_end:
        raise _invalid(_("The period must end on or after its start."), field="period_end")
    if period_start < skp.period_start or period_end > skp.period_end:
        raise _invalid(
            _("This period is outside the SKP, which runs from %(start)s to %(end)s.")
            % {"start": skp.period_start.isoformat(), "end": skp.period_end.isoformat()},
            field="period_start",
            code="period_outside_skp",
        )
    missing = [name for name in BEHAVIOUR_FIELDS if behaviour.get(name) not in Rating.values]
    if missing:
        raise ApplicationError(
            _("Some fields are not valid."),
            fields={name: [_("Rate this value.")] for name in missing},
        )
    from_unit = unit_head_results_rating(employee=skp.employee, year=skp.year)
    if from_unit is not None:
        if results_rating and results_rating != from_unit:
            raise _invalid(
                _("The employee heads a unit: the results rating follows the unit's recorded result (%(rating)s).")
                % {"rating": Rating(from_unit).label.lower()},
                field="results_rating",
            )
        results_rating = from_unit
    if results_rating not in Rating.values:
        raise _invalid(_("Rate the results."), field="results_rating")
    behaviour_rating = behaviour_rating or behaviour_rating_default(behaviour)
    evaluation = Evaluation(
        agency_id=skp.agency_id,
        skp=skp,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        results_rating=results_rating,
        results_from_unit=from_unit is not None,
        behaviour_rating=behaviour_rating,
        predikat=predikat_for(results_rating=results_rating, behaviour_rating=behaviour_rating),
        note=note,
        evaluator_id=skp.assessor_id,
        **{name: behaviour[name] for name in BEHAVIOUR_FIELDS},
    )
    evaluation.full_clean(exclude=["agency", "skp", "evaluator"], validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ConflictError(_("This period has been evaluated already."), code="duplicate") from None
    _notify(
        recipient_employee=skp.employee,
        kind="performance_evaluated",
        context={"year": skp.year, "predikat": evaluation.get_predikat_display()},
        url=reverse("performance-evaluation-detail", args=[evaluation.id]),
    )
    return evaluation


# ---------------------------------------------------------------------------- organisational result (HR)


@transaction.atomic
def unit_result_set(*, actor, unit: Unit, year: int, result: str) -> UnitResult:
    """HR records a unit's organisational result for a year (the root unit's is the agency's)."""
    org_scope.require_role(actor, org_scope.HR_ADMIN)
    row, _created = UnitResult.objects.update_or_create(
        agency_id=unit.agency_id, unit=unit, year=year, defaults={"result": result, "set_by": actor}
    )
    return row
