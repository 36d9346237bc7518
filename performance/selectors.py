"""Reads of the performance app. Every selector takes the acting user and scopes through
flexwork.org.scope (an SKP is visible to whoever may see its employee; outside → 404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from attendance.models import Verification, WorkLog
from flexwork.common.calendar import default_zone_name, office_date_of
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import holiday_dates, policy_for
from performance import calculations
from performance.models import (
    Evaluation,
    EvaluationKind,
    Feedback,
    Indicator,
    IndicatorDirection,
    OrganisationResult,
    PeriodPlan,
    Predikat,
    PredikatMatrixCell,
    Realisation,
    Rhk,
    Skp,
    SkpStatus,
    SkpTransition,
    TargetSpread,
    UnitResult,
    UnitResultRule,
)

# ---------------------------------------------------------------------------- scope


def skp_visible_q(user, *, prefix: str = "") -> Q:
    """Rows whose SKP's employee the user may see (self, reports, headed subtree, whole agency)."""
    return org_scope.employee_q(user, prefix=f"{prefix}employee__")


def skp_list_for(*, user, filters: dict | None = None) -> QuerySet[Skp]:
    filters = filters or {}
    qs = Skp.objects.filter(skp_visible_q(user)).select_related("employee", "position", "assessor")
    if filters.get("employee"):
        qs = qs.filter(employee_id=filters["employee"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-year", "employee__name", "period_start", "id")


def skp_get_for(*, user, skp_id: int) -> Skp:
    qs = Skp.objects.filter(skp_visible_q(user)).select_related(
        "employee__unit", "employee__supervisor", "position", "assessor", "agency"
    )
    return get_object_or_404(qs, id=skp_id)


def skp_document(*, skp: Skp) -> Skp:
    """The SKP with its RHKs, indicators, period plans and realisations loaded in a fixed number of
    queries (for the detail page, the API detail and the printable form)."""
    plans = PeriodPlan.objects.select_related("realisation").order_by("period_start")
    indicators = Indicator.objects.prefetch_related(Prefetch("period_plans", queryset=plans)).order_by("id")
    rhks = Rhk.objects.select_related("cascaded_from__skp__employee").prefetch_related(
        Prefetch("indicators", queryset=indicators)
    )
    return (
        Skp.objects.select_related("employee__unit", "employee__supervisor", "position", "assessor", "agency")
        .prefetch_related(
            Prefetch("rhks", queryset=rhks.order_by("kind", "id")),
            Prefetch(
                "transitions",
                queryset=SkpTransition.objects.select_related("actor__employee").order_by("created_at", "id"),
            ),
        )
        .get(id=skp.id)
    )


def supervisor_chain(employee: Employee) -> list[Employee]:
    """The employee's supervisors, nearest first (one query per level; the chain is short and cycles
    are refused by the organisation services — the guard only stops a bad row from looping)."""
    chain: list[Employee] = []
    seen = {employee.id}
    current = employee.supervisor
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.supervisor
    return chain


def cascade_choices_for(*, skp: Skp) -> QuerySet[Rhk]:
    """RHKs an RHK of `skp` may be cascaded from: approved SKPs of someone above the employee in the
    supervisor chain, overlapping the SKP's period."""
    chain_ids = [e.id for e in supervisor_chain(skp.employee)]
    return (
        Rhk.objects.filter(
            agency_id=skp.agency_id,
            skp__employee_id__in=chain_ids,
            skp__status=SkpStatus.APPROVED,
            skp__period_start__lte=skp.period_end,
            skp__period_end__gte=skp.period_start,
        )
        .select_related("skp__employee")
        .order_by("skp__employee__name", "id")
    )


# ---------------------------------------------------------------------------- indicators


def indicator_list_for(*, user, filters: dict | None = None) -> QuerySet[Indicator]:
    filters = filters or {}
    qs = Indicator.objects.filter(skp_visible_q(user, prefix="rhk__skp__")).select_related("rhk__skp__employee")
    if filters.get("skp"):
        qs = qs.filter(rhk__skp_id=filters["skp"])
    if filters.get("employee"):
        qs = qs.filter(rhk__skp__employee_id=filters["employee"])
    if filters.get("on_date"):
        day = filters["on_date"]
        qs = qs.filter(rhk__skp__period_start__lte=day, rhk__skp__period_end__gte=day)
    return qs.prefetch_related(
        Prefetch("period_plans", queryset=PeriodPlan.objects.select_related("realisation").order_by("period_start"))
    ).order_by("rhk__skp_id", "rhk_id", "id")


def indicator_get_for(*, user, indicator_id: int) -> Indicator:
    qs = Indicator.objects.filter(skp_visible_q(user, prefix="rhk__skp__")).select_related(
        "rhk__skp__employee__unit", "rhk__skp__agency"
    )
    return get_object_or_404(qs, id=indicator_id)


def indicator_choices_for(*, employee: Employee, on_date: datetime.date) -> QuerySet[Indicator]:
    """The indicators an arrangement's work plan item or an output-log entry of `employee` on
    `on_date` may reference: those of the employee's approved SKP covering that date. Used by
    schedules (WorkPlanItem.indicator) and, later, attendance (the daily output log)."""
    return (
        Indicator.objects.filter(
            agency_id=employee.agency_id,
            rhk__skp__employee_id=employee.id,
            rhk__skp__status=SkpStatus.APPROVED,
            rhk__skp__period_start__lte=on_date,
            rhk__skp__period_end__gte=on_date,
        )
        .select_related("rhk")
        .order_by("rhk_id", "id")
    )


# ---------------------------------------------------------------------------- suggested realisation


def verified_output_totals(*, plans: list[PeriodPlan]) -> dict[int, Decimal]:
    """{period_plan_id: the sum of the quantities of *verified* daily output-log entries
    (attendance.WorkLog) linked to the plan's indicator whose local date falls inside the plan's
    period} (from the SKP's start for a cumulative indicator), 0 when there are none.

    "Verified" means the supervisor's verdict is SESUAI (as expected). KURANG (partly) and
    TIDAK_SESUAI (not as expected) entries, and entries not yet verified, do not count: the
    suggestion proposes only output the supervisor accepted in full; the employee may still enter
    a different value (the suggestion is kept beside it on the realisation).

    ONE aggregate query, whatever the number of plans: each plan is annotated with a correlated
    sum over the log (index att_worklog_indicator), so team views stay at a fixed number of queries."""
    ids = [plan.id for plan in plans]
    if not ids:
        return {}
    entries = (
        WorkLog.objects.filter(
            indicator_id=OuterRef("indicator_id"),
            verification=Verification.SESUAI,
            local_date__gte=OuterRef("window_start"),
            local_date__lte=OuterRef("period_end"),
        )
        .order_by()
        .values("indicator_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    totals = dict(
        PeriodPlan.objects.filter(id__in=ids)
        .annotate(
            # A cumulative plan's target is a running total: its output counts from the SKP's start.
            window_start=Case(
                When(indicator__spread=TargetSpread.CUMULATIVE, then=F("indicator__rhk__skp__period_start")),
                default=F("period_start"),
            )
        )
        .annotate(total=Coalesce(Subquery(entries, output_field=DecimalField()), Value(Decimal(0))))
        .values_list("id", "total")
    )
    return {plan_id: Decimal(totals.get(plan_id) or 0) for plan_id in ids}


def suggested_realisation(*, plan: PeriodPlan) -> Decimal:
    """What the realisation form proposes for `plan`: verified output only (see the hook above)."""
    return verified_output_totals(plans=[plan])[plan.id]


# ---------------------------------------------------------------------------- progress


@dataclass
class PlanRow:
    plan: PeriodPlan
    realisation: Realisation | None
    suggested: Decimal
    achievement: Decimal | None
    achievement_shown: Decimal | None
    expected: Decimal | None = None
    at_risk: bool | None = None
    is_current: bool = False


@dataclass
class IndicatorProgress:
    indicator: Indicator
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def current(self) -> PlanRow | None:
        return next((row for row in self.rows if row.is_current), None)

    @property
    def latest(self) -> PlanRow | None:
        done = [row for row in self.rows if row.realisation is not None]
        return done[-1] if done else None

    @property
    def at_risk(self) -> bool:
        current = self.current
        return bool(current and current.at_risk)


@dataclass(frozen=True)
class ProgressContext:
    """What progress needs from outside the indicators: the agency's holidays and at-risk ratio."""

    on_date: datetime.date
    holidays: frozenset
    at_risk_ratio: Decimal


def progress_context(*, agency_id: int, on_date: datetime.date, year_from: int, year_to: int) -> ProgressContext:
    """Two or three queries: the agency policy and the holidays of the years concerned. The ratio is
    the agency's (a unit override of at_risk_ratio is not applied in team lists, to keep them fixed)."""
    policy = policy_for(agency=agency_id)
    days = holiday_dates(
        agency_id=agency_id, date_from=datetime.date(year_from, 1, 1), date_to=datetime.date(year_to, 12, 31)
    )
    return ProgressContext(on_date=on_date, holidays=frozenset(days), at_risk_ratio=policy.at_risk_ratio)


def indicator_progress(
    *, indicator: Indicator, context: ProgressContext, suggested: dict[int, Decimal] | None = None
) -> IndicatorProgress:
    """Per-period achievement and, for the current period, expected progress and at-risk. Uses the
    prefetched `period_plans` (with `realisation`); the suggested values are `suggested` when the
    caller fetched them for many indicators at once (`verified_output_totals`), else one query."""
    plans = list(indicator.period_plans.all())
    if suggested is None:
        suggested = verified_output_totals(plans=plans)
    lower = indicator.direction == IndicatorDirection.LOWER
    cumulative = indicator.spread == TargetSpread.CUMULATIVE
    result = IndicatorProgress(indicator=indicator)
    previous_target = Decimal(0)
    for plan in plans:
        realisation = getattr(plan, "realisation", None) if _has_realisation(plan) else None
        value = realisation.value if realisation else None
        score = None
        if value is not None:
            score = calculations.achievement(
                realised=value, target_min=plan.target_min, target_max=plan.target_max, lower_is_better=lower
            )
        row = PlanRow(
            plan=plan,
            realisation=realisation,
            suggested=suggested[plan.id],
            achievement=score,
            achievement_shown=calculations.achievement_display(score),
        )
        if plan.period_start <= context.on_date <= plan.period_end:
            row.is_current = True
            actual = value if value is not None else suggested[plan.id]
            progress = calculations.progress(
                target=plan.target_min,
                actual=actual,
                on_date=context.on_date,
                period_start=plan.period_start,
                period_end=plan.period_end,
                holidays=set(context.holidays),
                at_risk_ratio=context.at_risk_ratio,
                lower_is_better=lower,
                start_target=previous_target if cumulative else Decimal(0),
                added_on=office_date_of(indicator.created_at, default_zone_name()),
            )
            row.expected, row.at_risk = progress.expected, progress.at_risk
        result.rows.append(row)
        previous_target = plan.target_min
    return result


def _has_realisation(plan: PeriodPlan) -> bool:
    try:
        plan.realisation  # noqa: B018 — the prefetched reverse one-to-one, or DoesNotExist
    except Realisation.DoesNotExist:
        return False
    return True


def skp_progress(*, skp: Skp, on_date: datetime.date) -> dict[int, IndicatorProgress]:
    """Progress of every indicator of a loaded `skp_document` (3 queries for the context, one for
    the suggested values of all its plans)."""
    context = progress_context(
        agency_id=skp.agency_id, on_date=on_date, year_from=skp.period_start.year, year_to=skp.period_end.year
    )
    indicators = [indicator for rhk in skp.rhks.all() for indicator in rhk.indicators.all()]
    suggested = verified_output_totals(plans=[plan for i in indicators for plan in i.period_plans.all()])
    return {
        indicator.id: indicator_progress(indicator=indicator, context=context, suggested=suggested)
        for indicator in indicators
    }


@dataclass
class TeamRow:
    employee: Employee
    skp: Skp | None
    indicator_count: int = 0
    at_risk_count: int = 0
    realised_count: int = 0


def team_overview_for(*, user, on_date: datetime.date) -> list[TeamRow]:
    """The supervisor's team view: everyone the user sees except themself (direct reports for a
    supervisor, the headed subtree for a unit head), each with the SKP covering `on_date` and its
    indicators at risk. A fixed number of queries, whatever the team size."""
    scope = org_scope.scope_for(user)
    if scope.agency_id is None:
        return []
    employees = list(
        org_scope.visible_employees(scope)
        .filter(is_active=True)
        .exclude(id=scope.employee_id)
        .select_related("unit", "position")
        .order_by("name", "id")
    )
    plans = PeriodPlan.objects.select_related("realisation").order_by("period_start")
    indicators = Indicator.objects.prefetch_related(Prefetch("period_plans", queryset=plans)).order_by("id")
    skps = (
        Skp.objects.filter(
            employee_id__in=[e.id for e in employees], period_start__lte=on_date, period_end__gte=on_date
        )
        .prefetch_related(
            Prefetch("rhks", queryset=Rhk.objects.prefetch_related(Prefetch("indicators", queryset=indicators)))
        )
        .order_by("period_start", "id")
    )
    by_employee = {skp.employee_id: skp for skp in skps}
    context = progress_context(agency_id=scope.agency_id, on_date=on_date, year_from=on_date.year, year_to=on_date.year)
    suggested = verified_output_totals(
        plans=[
            plan
            for skp in by_employee.values()
            for rhk in skp.rhks.all()
            for indicator in rhk.indicators.all()
            for plan in indicator.period_plans.all()
        ]
    )
    rows = []
    for employee in employees:
        skp = by_employee.get(employee.id)
        row = TeamRow(employee=employee, skp=skp)
        if skp is not None:
            for rhk in skp.rhks.all():
                for indicator in rhk.indicators.all():
                    progress = indicator_progress(indicator=indicator, context=context, suggested=suggested)
                    row.indicator_count += 1
                    row.at_risk_count += int(progress.at_risk)
                    current = progress.current
                    row.realised_count += int(bool(current and current.realisation))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------- realisations, feedback, evaluations


def realisation_list_for(*, user, filters: dict | None = None) -> QuerySet[Realisation]:
    filters = filters or {}
    qs = Realisation.objects.filter(skp_visible_q(user, prefix="indicator__rhk__skp__")).select_related(
        "period_plan", "indicator__rhk__skp__employee"
    )
    if filters.get("indicator"):
        qs = qs.filter(indicator_id=filters["indicator"])
    if filters.get("skp"):
        qs = qs.filter(indicator__rhk__skp_id=filters["skp"])
    if filters.get("date_from"):
        qs = qs.filter(period_plan__period_end__gte=filters["date_from"])
    if filters.get("date_to"):
        qs = qs.filter(period_plan__period_start__lte=filters["date_to"])
    return qs.order_by("indicator_id", "period_plan__period_start")


def feedback_list_for(*, user, filters: dict | None = None) -> QuerySet[Feedback]:
    filters = filters or {}
    qs = Feedback.objects.filter(skp_visible_q(user, prefix="skp__")).select_related("author", "skp__employee")
    if filters.get("skp"):
        qs = qs.filter(skp_id=filters["skp"])
    return qs.order_by("-created_at", "-id")


def evaluation_list_for(*, user, filters: dict | None = None) -> QuerySet[Evaluation]:
    filters = filters or {}
    qs = Evaluation.objects.filter(skp_visible_q(user, prefix="skp__")).select_related("skp__employee", "evaluator")
    if filters.get("skp"):
        qs = qs.filter(skp_id=filters["skp"])
    if filters.get("employee"):
        qs = qs.filter(skp__employee_id=filters["employee"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs.order_by("-period_start", "-id")


def evaluation_get_for(*, user, evaluation_id: int) -> Evaluation:
    qs = Evaluation.objects.filter(skp_visible_q(user, prefix="skp__")).select_related(
        "skp__employee__unit", "skp__position", "skp__agency", "skp__assessor", "evaluator"
    )
    return get_object_or_404(qs, id=evaluation_id)


def predikat_for(*, results_rating: str, behaviour_rating: str) -> str:
    """The predikat of the matrix stored as data (PredikatMatrixCell)."""
    return PredikatMatrixCell.objects.get(results_rating=results_rating, behaviour_rating=behaviour_rating).predikat


def unit_head_results_rating(*, employee: Employee, year: int) -> str | None:
    """When `employee` heads a unit whose result for `year` is recorded, the results rating that
    follows from it (UnitResultRule, data); None otherwise."""
    unit = Unit.objects.filter(agency_id=employee.agency_id, head_id=employee.id).order_by("path").first()
    if unit is None:
        return None
    result = UnitResult.objects.filter(agency_id=employee.agency_id, unit=unit, year=year).first()
    if result is None:
        return None
    return UnitResultRule.objects.get(organisation_result=result.result).results_rating


# ---------------------------------------------------------------------------- distribution (HR)

# Distribution guideline of staff predikat by the organisation's result (SE
# MenPANRB; "verify"). Each rule: (predikat, "max" | "min" | "some", share %).
DISTRIBUTION_GUIDELINES: dict[str, tuple[tuple[str, str, int], ...]] = {
    OrganisationResult.ISTIMEWA: ((Predikat.SANGAT_BAIK, "max", 70),),
    OrganisationResult.BAIK: ((Predikat.BAIK, "max", 70), ("BUTUH_PERBAIKAN|KURANG", "some", 0)),
    OrganisationResult.BUTUH_PERBAIKAN: ((Predikat.BUTUH_PERBAIKAN, "min", 60), (Predikat.SANGAT_BAIK, "max", 10)),
    OrganisationResult.KURANG: (),
    OrganisationResult.SANGAT_KURANG: ((Predikat.SANGAT_BAIK, "max", 0),),
}


@dataclass
class DistributionRow:
    unit: Unit
    result: UnitResult | None
    counts: dict[str, int]
    total: int
    warnings: list[str]

    def share(self, predikat: str) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (Decimal(100) * self.counts.get(predikat, 0) / self.total).quantize(Decimal("0.1"))

    @property
    def cells(self) -> list[tuple[str, int, Decimal]]:
        return [(p, self.counts.get(p, 0), self.share(p)) for p in Predikat.values]


def distribution_warnings(*, result: str | None, counts: dict[str, int]) -> list[str]:
    """Codes of the guideline rules the counts break, e.g. "SANGAT_BAIK>70" (empty when none)."""
    total = sum(counts.values())
    if result is None or total == 0:
        return []
    broken = []
    for predikat, kind, limit in DISTRIBUTION_GUIDELINES.get(result, ()):
        count = sum(counts.get(p, 0) for p in predikat.split("|"))
        share = Decimal(100) * count / total
        if kind == "max" and share > limit:
            broken.append(f"{predikat}>{limit}")
        elif kind == "min" and share < limit:
            broken.append(f"{predikat}<{limit}")
        elif kind == "some" and count == 0:
            broken.append(f"{predikat}=0")
    return broken


def distribution_for(*, user, year: int) -> list[DistributionRow]:
    """HR: the predikat of the annual evaluations of `year` per unit (its subtree), with the unit's
    recorded result and the guideline rules broken. Three queries, whatever the tree's size."""
    scope = org_scope.require_agency(user)
    units = list(Unit.objects.filter(agency_id=scope.agency_id).order_by("path"))
    results = {r.unit_id: r for r in UnitResult.objects.filter(agency_id=scope.agency_id, year=year)}
    evaluated = (
        Evaluation.objects.filter(agency_id=scope.agency_id, kind=EvaluationKind.ANNUAL, skp__year=year)
        .values("skp__employee__unit__path", "predikat")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[str, int]] = {unit.id: {} for unit in units}
    for item in evaluated:
        for unit_id in item["skp__employee__unit__path"]:
            if unit_id in counts:
                counts[unit_id][item["predikat"]] = counts[unit_id].get(item["predikat"], 0) + item["n"]
    rows = []
    for unit in units:
        result = results.get(unit.id)
        unit_counts = counts[unit.id]
        rows.append(
            DistributionRow(
                unit=unit,
                result=result,
                counts=unit_counts,
                total=sum(unit_counts.values()),
                warnings=distribution_warnings(result=result.result if result else None, counts=unit_counts),
            )
        )
    return rows
