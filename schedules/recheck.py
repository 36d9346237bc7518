"""The rule check of stored requests as the rules stand *now* (docs/rules.md §3, "Deciding").

A request's `violations` are the verdict of its last check (at submission). Colleagues are approved
meanwhile, leave is granted, directives are declared: a unit that had room when the request was sent
may be full when the decider opens it. So the detail page and the approval queue run the decision's
check again when they render (`requests_check`), and the engine runs it once more, under the lock,
when the decision is written (schedules.services `_check`).

`requests_check` gathers the facts of many requests at once, in a fixed number of queries whatever
their number (the queue shows fifty), and runs the same rules (`schedules.policy.check_facts`) on
facts that equal `schedules.policy.gather`'s for each request (tests/schedules/test_deciding.py
compares them). `people_away` names the colleagues away on each day, for the queue's cards."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from attendance.models import LeaveKind
from flexwork.approvals.models import PENDING_STATUSES
from flexwork.common.calendar import (
    days_between,
    is_working_day,
    office_date_of,
    office_today,
    office_zone_name,
    week_bounds,
)
from flexwork.common.models import EvidenceFile
from flexwork.org.models import DesignatedLocation, Holiday, RamadanRange
from flexwork.org.selectors import policies_for
from schedules.coverage import DayCoverage, approved_leave, coverage_for, directives_for
from schedules.models import ArrangementRequest, Location, ScheduleDay, WorkPlanItem
from schedules.policy import DECISION, CheckResult, Facts, Proposal, check_facts


@dataclass
class CurrentCheck:
    """One request's check as of now: the result, its unit's coverage on the covered days (the
    requester left out of `away`), and how it compares with the verdict stored at submission."""

    result: CheckResult
    coverage: dict[datetime.date, DayCoverage] = field(default_factory=dict)
    stored: list[dict] = field(default_factory=list)

    @property
    def violations(self) -> list[dict]:
        return self.result.as_list()

    @property
    def blocking(self) -> list[dict]:
        return [v for v in self.violations if v["severity"] in ("hard", "soft")]

    @property
    def hard(self) -> bool:
        return bool(self.result.hard)

    @property
    def soft(self) -> bool:
        return bool(self.result.soft)

    @property
    def changed(self) -> bool:
        """The stored verdict differs from today's in a warning or a refusal (code, severity and
        days; not the wording, and not the notes, some of which are given at submission only)."""
        return _verdict(self.stored) != _verdict(self.violations)


def _verdict(violations: Iterable[dict]) -> set[tuple]:
    return {
        (v.get("code"), v.get("severity"), tuple(v.get("dates") or ()))
        for v in violations
        if v.get("severity") in ("hard", "soft")
    }


def requests_check(arrangements: Sequence[ArrangementRequest], *, at: str = DECISION) -> dict[int, CurrentCheck]:
    """The check of each stored request (employee with unit, agency and position loaded), as the
    engine would run it now at a decision. One agency per call. About a dozen queries, none per request."""
    arrangements = [ar for ar in arrangements if ar.dates]
    if not arrangements:
        return {}
    agency_id = arrangements[0].agency_id
    assert all(ar.agency_id == agency_id for ar in arrangements), "one agency per call"

    employees = {ar.employee_id: ar.employee for ar in arrangements}
    units = {employee.unit_id: employee.unit for employee in employees.values()}
    policies = policies_for(agency=agency_id, units=units.values())

    # Per request: its dates, its weeks, its office today and the date it was submitted.
    plan = {}
    for ar in arrangements:
        employee = ar.employee
        today = office_today(employee)
        as_of = office_date_of(ar.submitted_at, office_zone_name(employee)) if ar.submitted_at else None
        requested = sorted(set(ar.dates))
        week_start, _end = week_bounds(requested[0])
        _start, week_end = week_bounds(requested[-1])
        plan[ar.id] = (today, as_of, requested, week_start, week_end, min(week_start, today, as_of or today))
    horizon_start = min(p[5] for p in plan.values())
    range_start = min(p[3] for p in plan.values())
    range_end = max(p[4] for p in plan.values())
    employee_ids = list(employees)

    holidays = set(
        Holiday.objects.filter(agency_id=agency_id, date__range=(horizon_start, range_end)).values_list(
            "date", flat=True
        )
    )
    own_days: dict[int, list[ScheduleDay]] = defaultdict(list)
    for row in ScheduleDay.objects.filter(
        employee_id__in=employee_ids, local_date__range=(range_start, range_end), cancelled_at__isnull=True
    ).only("id", "employee_id", "local_date", "location", "source", "arrangement_id", "planned_start", "planned_end"):
        own_days[row.employee_id].append(row)
    pending_rows = list(
        ArrangementRequest.objects.filter(
            employee_id__in=employee_ids,
            status__in=PENDING_STATUSES,
            first_date__lte=range_end,
            last_date__gte=range_start,
        ).values_list("id", "employee_id", "location", "dates", "first_date", "last_date")
    )
    designated_ids = {
        ar.designated_location_id
        for ar in arrangements
        if ar.location == Location.DESIGNATED and ar.designated_location_id
    }
    designated = set(
        DesignatedLocation.objects.filter(id__in=designated_ids, agency_id=agency_id, is_active=True).values_list(
            "id", flat=True
        )
        if designated_ids
        else ()
    )
    directives = directives_for(agency_id=agency_id, units=units.values(), date_from=range_start, date_to=range_end)
    ramadan = []
    if any(ar.planned_start is not None and ar.planned_end is not None for ar in arrangements):
        ramadan = list(RamadanRange.objects.filter(agency_id=agency_id, start__lte=range_end, end__gte=range_start))
    leave: dict[int, set[datetime.date]] = defaultdict(set)
    for employee_id, first, last in (
        approved_leave()
        .filter(employee_id__in=employee_ids, date_from__lte=range_end, date_to__gte=range_start)
        .values_list("employee_id", "date_from", "date_to")
    ):
        leave[employee_id].update(days_between(max(first, range_start), min(last, range_end)))
    plan_counts = Counter(
        dict(
            WorkPlanItem.objects.filter(arrangement_request_id__in=[ar.id for ar in arrangements])
            .values("arrangement_request_id")
            .annotate(n=Count("id"))
            .values_list("arrangement_request_id", "n")
        )
    )
    with_basis = [ar.id for ar in arrangements if ar.exception_basis]
    evidence_counts: Counter = Counter()
    if with_basis:
        evidence_counts = Counter(
            dict(
                EvidenceFile.objects.filter(
                    owner_type=ContentType.objects.get_for_model(ArrangementRequest), owner_id__in=with_basis
                )
                .values("owner_id")
                .annotate(n=Count("id"))
                .values_list("owner_id", "n")
            )
        )
    # The units' coverage over every covered day, everyone counted; each request then leaves out
    # its own employee, as `coverage_for(exclude_employee_id=…)` does for one request.
    coverage = coverage_for(
        agency_id=agency_id,
        unit_ids=list(units),
        date_from=range_start,
        date_to=range_end,
        holidays=holidays,
        directives=directives,
        shares={unit_id: policy.coverage_share_percent for unit_id, policy in policies.items()},
    )

    checks = {}
    for ar in arrangements:
        employee = ar.employee
        policy = policies[employee.unit_id]
        today, as_of, requested, week_start, week_end, _horizon = plan[ar.id]
        proposal = Proposal(
            employee=employee,
            location=ar.location,
            requested_dates=list(ar.dates),
            planned_start=ar.planned_start,
            planned_end=ar.planned_end,
            exception_basis=ar.exception_basis,
            evidence_count=evidence_counts[ar.id] if ar.exception_basis else 0,
            work_plan_count=plan_counts[ar.id],
            designated_location_id=ar.designated_location_id,
            other_office_unit_id=ar.other_office_unit_id,
            request_id=ar.id,
        )
        working = [day for day in requested if is_working_day(day, holidays)]
        skipped = [day for day in requested if not is_working_day(day, holidays)]
        mine = [row for row in own_days[employee.id] if week_start <= row.local_date <= week_end]
        leave_dates = {day for day in leave[employee.id] if week_start <= day <= week_end}
        own_away = {
            row.local_date
            for row in own_days[employee.id]
            if row.location != Location.OFFICE and employee.is_active and row.local_date not in leave[employee.id]
        }
        day_coverage = {}
        if working:
            for day in days_between(working[0], working[-1]):
                entry = coverage.on(employee.unit_id, day)
                if day in own_away:
                    entry = dataclasses.replace(entry, away=entry.away - 1)
                day_coverage[day] = entry
        facts = Facts(
            proposal=proposal,
            policy=policy,
            at=at,
            today=today,
            as_of=as_of or today,
            holidays=holidays,
            working=working,
            skipped=skipped,
            own_days=mine,
            pending_dates=[
                (location, dates)
                for pk, owner, location, dates, first, last in pending_rows
                if owner == employee.id and pk != ar.id and first <= week_end and last >= week_start
            ],
            designated_ok=ar.location != Location.DESIGNATED or ar.designated_location_id in designated,
            directives=[
                d
                for d in directives
                if working
                and d.date_from <= working[-1]
                and d.date_to >= working[0]
                and (d.unit_id is None or d.unit_id in employee.unit.path)
            ],
            ramadan=[r for r in ramadan if r.start <= week_end and r.end >= week_start]
            if proposal.is_dynamic and working
            else [],
            leave_dates=leave_dates,
            coverage=day_coverage if ar.location != Location.OFFICE else {},
            no_approver=None,
        )
        checks[ar.id] = CurrentCheck(result=check_facts(facts), coverage=day_coverage, stored=list(ar.violations or []))
    return checks


@dataclass(frozen=True)
class Away:
    """A colleague away from the office on a day: on an approved arrangement, or on leave."""

    employee_id: int
    name: str
    location: str = ""  # the schedule day's location, or "" on leave
    leave_kind: str = ""

    @property
    def label(self) -> str:
        if self.leave_kind:
            return str(LeaveKind(self.leave_kind).label)
        return str(Location(self.location).label)


def people_away(
    *, agency_id: int, unit_ids: Iterable[int], date_from: datetime.date, date_to: datetime.date
) -> dict[tuple[int, datetime.date], list[Away]]:
    """(unit, day) → the unit's active members away that day, by name: on leave or official duty
    (which takes precedence), else on an approved day away from the office. Pending requests do not
    count (docs/rules.md §3). Two queries, whatever the number of units, people or days."""
    unit_ids = list(unit_ids)
    found: dict[tuple[int, datetime.date], dict[int, Away]] = defaultdict(dict)
    rows = (
        approved_leave()
        .filter(
            agency_id=agency_id,
            employee__unit_id__in=unit_ids,
            employee__is_active=True,
            date_from__lte=date_to,
            date_to__gte=date_from,
        )
        .order_by("date_from", "id")
        .values_list("employee_id", "employee__name", "employee__unit_id", "kind", "date_from", "date_to")
    )
    for employee_id, name, unit_id, kind, first, last in rows:
        for day in days_between(max(first, date_from), min(last, date_to)):
            found[(unit_id, day)].setdefault(employee_id, Away(employee_id, name, leave_kind=kind))
    days = (
        ScheduleDay.objects.filter(
            agency_id=agency_id,
            employee__unit_id__in=unit_ids,
            employee__is_active=True,
            local_date__range=(date_from, date_to),
            cancelled_at__isnull=True,
        )
        .exclude(location=Location.OFFICE)
        .order_by("employee__name", "employee_id")
        .values_list("employee_id", "employee__name", "employee__unit_id", "local_date", "location")
    )
    for employee_id, name, unit_id, day, location in days:
        found[(unit_id, day)].setdefault(employee_id, Away(employee_id, name, location=location))
    return {key: sorted(people.values(), key=lambda a: a.name) for key, people in found.items()}


__all__ = ["Away", "CurrentCheck", "people_away", "requests_check"]
