"""The rule check of docs/rules.md §3: every rule of the catalogue, all violations at once.

`check_proposal` fetches what the rules need in a fixed number of queries (policy, holidays, the
employee's days and pending requests around the covered weeks, the unit's coverage as
schedules.coverage computes it for the team calendar and the dashboards too, directives, Ramadan
ranges), whatever the number of dates, then runs each rule as a small pure function. Every number comes from `policy_for(agency, unit)`. Messages are in the active language;
`source` is the Source column of docs/rules.md, verbatim.

Someone of a unit with another working week (FIXED_WEEK or ROSTER, docs/rules.md §8 "Flexibility on
duties") works on the dates of their published duties: those are the request's working days (OFF,
POST_NIGHT and dates without a duty are skipped like holidays), a HOME or DESIGNATED duty counts one
day in the weekly cap, dynamic hours are refused (SHIFT_NOT_DYNAMIC), directives skip ROSTER units
unless they name them, and in a ROSTER unit the shift minimums (COVERAGE_SHIFT_MIN) take the place of
the public-service minimum on site."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from flexwork.approvals.models import PENDING_STATUSES
from flexwork.approvals.services import no_approver_message
from flexwork.common.calendar import (
    add_months,
    days_between,
    is_working_day,
    iso_week,
    office_today,
    week_bounds,
    working_days_between,
)
from flexwork.org.models import DesignatedLocation, Employee, Holiday, RamadanRange
from flexwork.org.models.organisation import WorkWeek
from flexwork.org.selectors import policy_for
from schedules.coverage import (
    DayCoverage,
    ShiftCount,
    allowed_away,
    approved_leave,
    coverage_for,
    directive_reaches,
    shift_coverage_for,
)
from schedules.models import ArrangementRequest, DaySource, Directive, Location, ScheduleDay
from schedules.quota_display import week_label

HARD, SOFT, INFO = "hard", "soft", "info"

# The Source column of docs/rules.md §3: the regulation is always named in full ("PermenPANRB 4/2025
# Pasal 13(1)", never a bare "Pasal 13(1)"), so the source reads the same in the API and on every
# page.
SOURCES = {
    "ELIG_POSITION": "PermenPANRB 4/2025 (task criteria)",
    "ELIG_SANCTION": "PermenPANRB 4/2025 Pasal 25",
    "ELIG_NEW_IN_POST": "PermenPANRB 4/2025 Pasal 25",
    "CAP_WEEKLY": "PermenPANRB 4/2025 Pasal 13(1)",
    "OVERLAP": "kebijakan instansi",
    "LEAD_TIME": "kebijakan instansi",
    "MAX_SPAN": "kebijakan instansi",
    "LOCATION_NOT_DESIGNATED": "PermenPANRB 4/2025 Pasal 12(1)(c)",
    "EVIDENCE_REQUIRED": "PermenPANRB 4/2025 Pasal 10, 13",
    "WORK_PLAN_REQUIRED": "PermenPANRB 4/2025 Pasal 7; PermenPANRB 6/2022",
    "DYN_WINDOW": "Perpres 21/2023 Pasal 9",
    "DYN_CORE": "Perpres 21/2023 Pasal 9",
    "DYN_WEEKLY_TOTAL": "Perpres 21/2023 Pasal 9",
    "DYN_DAILY_FLOOR": "kebijakan instansi",
    "COVERAGE_UNIT_SHARE": "kebijakan instansi",
    "PUBLIC_SERVICE_MIN_ONSITE": "Perpres 21/2023 Pasal 7",
    "DIRECTIVE_MODE": "SE MenPANRB (directive)",
    "DIRECTIVE_SHARE": "SE MenPANRB (directive)",
    "HOLIDAY_SKIPPED": "Perpres 21/2023 Pasal 6",
    "NO_APPROVER": "kebijakan instansi",
    "HOME_NOT_REGISTERED": "kebijakan instansi",
    # Shifts and other working weeks (docs/rules.md §8). No national rule on shift length, rest or night work
    # was found: those numbers are agency policy.
    "WORKWEEK_BASIS": "Perpres 21/2023 Pasal 7; PermenPANRB 4/2025 Pasal 17(a)",
    "SHIFT_SPAN": "kebijakan instansi",
    "DUTY_OVERLAP": "kebijakan instansi",
    "ROSTER_LATE": "kebijakan instansi",
    "SWAP_STARTED": "kebijakan instansi",
    "HOLIDAY_WORKED": "Perpres 21/2023 Pasal 6",
    "SHIFT_WEEKLY_MIN": "Perpres 21/2023 Pasal 9",
    "SHIFT_WEEKLY_MAX": "kebijakan instansi",
    "SHIFT_REST": "kebijakan instansi",
    "SHIFT_NIGHTS": "kebijakan instansi",
    "SHIFT_WEEKLY_REST": "kebijakan instansi",
    "SHIFT_LONG": "kebijakan instansi",
    "COVERAGE_SHIFT_MIN": "Perpres 21/2023 Pasal 7",
    "SHIFT_NOT_DYNAMIC": "PermenPANRB 4/2025 Pasal 17",
    # Leave entitlements (docs/rules.md §9); LEAD_TIME and the coverage codes serve leave too.
    "LEAVE_KIND_NOT_ALLOWED": "PP 11/2017 Pasal 311, 340; Perban BKN 7/2022 Pasal 4",
    "CT_NOT_ELIGIBLE": "PP 11/2017 Pasal 310",
    "CT_FAMILY_DAYS": "PP 49/2018 Pasal 79; Perban BKN 7/2022",
    "LEAVE_SERVICE_SHORT": "PP 11/2017 Pasal 315, 331",
    "LEAVE_TOO_LONG": "PP 11/2017 Pasal 315, 321, 322, 325, 329, 331; PP 49/2018 Pasal 79; Perban BKN 7/2022",
    "CM_BIRTH_LIMIT": "PP 11/2017 Pasal 325; PP 49/2018 Pasal 79",
    "LEAVE_BALANCE": "PP 11/2017 Pasal 310, 313",
    "LEAVE_REASON_REQUIRED": "PP 11/2017 Pasal 326; Perka BKN 24/2017",
    "LEAVE_EVIDENCE_REQUIRED": "PP 11/2017 Pasal 315, 320, 321, 333; Perka BKN 24/2017; Perban BKN 7/2022",
    "LEAVE_BACKDATE": "kebijakan instansi",
    "LEAVE_PPK_ONLY": "PP 11/2017 Pasal 333, 341; Perka BKN 24/2017",
    "CB_AFTER_CT": "PP 11/2017 Pasal 316; Perka BKN 24/2017",
}
RULE_CODES = tuple(SOURCES)

SUBMIT, DECISION, DRAFT = "submit", "decision", "draft"


@dataclass(frozen=True)
class Violation:
    code: str
    severity: str
    message: str
    dates: tuple[datetime.date, ...] = ()

    @property
    def source(self) -> str:
        return SOURCES[self.code]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": str(self.message),
            "source": self.source,
            "dates": [day.isoformat() for day in self.dates],
        }


@dataclass
class Proposal:
    """What is asked, before it is stored: the API body or a stored request (`from_request`)."""

    employee: Employee  # with unit, agency, position loaded
    location: str
    requested_dates: list[datetime.date]  # as asked, non-working days included
    planned_start: datetime.time | None = None
    planned_end: datetime.time | None = None
    exception_basis: str | None = None
    evidence_count: int = 0
    work_plan_count: int = 0
    designated_location_id: int | None = None
    other_office_unit_id: int | None = None
    request_id: int | None = None  # a stored request: its own days and pending row are not "others"

    @property
    def is_dynamic(self) -> bool:
        return self.planned_start is not None and self.planned_end is not None


@dataclass
class CheckResult:
    violations: list[Violation]
    working_dates: list[datetime.date]
    skipped_dates: list[datetime.date]
    directive_dates: dict[datetime.date, int]  # covered day → the directive that makes it a directive day
    quota: dict[str, Any]

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == HARD]

    @property
    def soft(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == SOFT]

    def as_list(self) -> list[dict[str, Any]]:
        return [v.as_dict() for v in self.violations]


@dataclass
class Facts:
    """Everything the rules read, fetched once."""

    proposal: Proposal
    policy: Any
    at: str
    today: datetime.date
    as_of: datetime.date
    holidays: set[datetime.date]
    working: list[datetime.date]
    skipped: list[datetime.date]
    own_days: list[ScheduleDay]
    pending_dates: list[tuple[str, list[datetime.date]]]
    designated_ok: bool
    directives: list[Directive]
    ramadan: list[RamadanRange]
    leave_dates: set[datetime.date] = field(default_factory=set)
    # The unit's coverage on each working day, the requester left out of `away` (schedules.coverage);
    # empty for an OFFICE request.
    coverage: dict[datetime.date, DayCoverage] = field(default_factory=dict)
    no_approver: str | None = None  # why nobody can decide (docs/rules.md §3); None at a decision
    # docs/rules.md §8: the employee's published active duties over the covered weeks, by duty date;
    # None for someone on the Monday–Friday week (or facts built without them, see `with_duties`).
    duties: dict[datetime.date, Any] | None = None
    # A ROSTER unit's shift counts on the working days (schedules.coverage.shift_coverage_for).
    shift_coverage: dict[datetime.date, dict[int, ShiftCount]] = field(default_factory=dict)

    def is_working(self, day: datetime.date) -> bool:
        """A working day of the employee: a date with a published duty for someone on another working
        week, else Monday–Friday and not a holiday (docs/rules.md §1)."""
        if self.duties is not None:
            return _is_shift(self.duties.get(day))
        return is_working_day(day, self.holidays)

    def active_headcount(self, day: datetime.date) -> int:
        """The unit's active people on `day`, without those on leave or official duty (docs/rules.md §3)."""
        return self.coverage[day].active_headcount

    def away(self, day: datetime.date) -> int:
        """The others of the unit away from the office on `day` (docs/rules.md §3)."""
        return self.coverage[day].away

    def directives_on(self, day: datetime.date) -> list[Directive]:
        return [d for d in self.directives if d.date_from <= day <= d.date_to]


# ---------------------------------------------------------------------------- dates


def expand_dates(
    *,
    dates: Iterable[datetime.date] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    weekdays: Iterable[int] | None = None,
) -> list[datetime.date]:
    """The requested days: explicit dates, or a range filtered by ISO weekdays (1 = Monday)."""
    if dates:
        return sorted(set(dates))
    if date_from is None or date_to is None:
        return []
    allowed = set(weekdays) if weekdays else None
    return [day for day in days_between(date_from, date_to) if allowed is None or day.isoweekday() in allowed]


def _minutes(start: datetime.time, end: datetime.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _in_ramadan(day: datetime.date, ramadan: list[RamadanRange]) -> bool:
    return any(r.start <= day <= r.end for r in ramadan)


def standard_net_minutes(day: datetime.date, policy, ramadan: list[RamadanRange]) -> int:
    """docs/rules.md §2: the day's net minutes on the normal (or Ramadan) schedule."""
    prefix = "ramadan_" if _in_ramadan(day, ramadan) else ""
    part = "fri" if day.isoweekday() == 5 else "mon_thu"
    start = getattr(policy, f"{prefix}{part}_start")
    end = getattr(policy, f"{prefix}{part}_end")
    return _minutes(start, end) - getattr(policy, f"{prefix}{part}_break_minutes")


def planned_net_minutes(day, start, end, policy, ramadan) -> int:
    """Net minutes of a dynamic day: the planned span minus that day's break (never below 0)."""
    prefix = "ramadan_" if _in_ramadan(day, ramadan) else ""
    part = "fri" if day.isoweekday() == 5 else "mon_thu"
    return max(0, _minutes(start, end) - getattr(policy, f"{prefix}{part}_break_minutes"))


def counts_in_cap(location: str, policy) -> bool:
    if location == Location.OFFICE:
        return False
    if location == Location.OTHER_OFFICE and not policy.other_office_counts_in_cap:
        return False
    return True


# ---------------------------------------------------------------------------- facts


def _is_shift(duty) -> bool:
    from shifts.models import DutyKind

    return duty is not None and duty.kind == DutyKind.SHIFT


def _rostered(employee: Employee) -> bool:
    """Whether the employee's working days come from duties (shifts.selectors decides, for every app)."""
    from shifts.selectors import works_roster

    return works_roster(employee)


def _duties_by_date(employee: Employee, first: datetime.date, last: datetime.date) -> dict[datetime.date, Any]:
    """The employee's published active duties (shifts, days off, rest days) dated first..last (one query)."""
    from shifts.selectors import duties_between

    return {duty.duty_date: duty for duty in duties_between(employee_id=employee.id, date_from=first, date_to=last)}


def _duty_span(requested: list[datetime.date], *, today: datetime.date, as_of: datetime.date | None):
    """The dates whose duties the rules read: the covered ISO weeks, and from the day the lead time is
    counted (docs/rules.md §8: a roster employee's working days are their duty dates)."""
    week_start, _end = week_bounds(requested[0])
    _start, week_end = week_bounds(requested[-1])
    return min(week_start, today, as_of or today), week_end


def _shift_coverage(employee: Employee, working: list[datetime.date], holidays) -> dict:
    if employee.unit.work_week != WorkWeek.ROSTER or not working:
        return {}
    return shift_coverage_for(unit=employee.unit, date_from=working[0], date_to=working[-1], holidays=holidays)


def with_duties(facts: Facts) -> Facts:
    """Facts built without the duties (schedules.recheck) completed for someone on another working
    week: their working days are their duty dates, directives that skip their unit are left out, and
    the coverage is read over the duty dates. A few queries per such request; nothing otherwise."""
    proposal = facts.proposal
    employee = proposal.employee
    if facts.duties is not None or not _rostered(employee):
        return facts
    requested = sorted(set(proposal.requested_dates))
    if not requested:
        facts.duties = {}
        return facts
    facts.duties = _duties_by_date(employee, *_duty_span(requested, today=facts.today, as_of=facts.as_of))
    facts.working = [day for day in requested if facts.is_working(day)]
    facts.skipped = [day for day in requested if not facts.is_working(day)]
    facts.directives = [d for d in facts.directives if directive_reaches(d, employee.unit)]
    if proposal.location != Location.OFFICE and facts.working:
        missing = any(day not in facts.coverage for day in days_between(facts.working[0], facts.working[-1]))
        if missing:
            policy = facts.policy
            facts.coverage = coverage_for(
                agency_id=employee.agency_id,
                unit_ids=[employee.unit_id],
                date_from=facts.working[0],
                date_to=facts.working[-1],
                holidays=facts.holidays,
                directives=facts.directives,
                shares={employee.unit_id: policy.coverage_share_percent},
                exclude_employee_id=employee.id,
            ).by_date(employee.unit_id)
        facts.shift_coverage = _shift_coverage(employee, facts.working, facts.holidays)
    return facts


def _leave_dates(employee: Employee, first: datetime.date, last: datetime.date) -> set[datetime.date]:
    """The employee's days in [first, last] covered by approved leave or official duty (they do not
    count in the cap). One query, whatever the span."""
    rows = approved_leave().filter(employee_id=employee.id, date_from__lte=last, date_to__gte=first)
    found: set[datetime.date] = set()
    for date_from, date_to in rows.values_list("date_from", "date_to"):
        found.update(days_between(max(date_from, first), min(date_to, last)))
    return found


def gather(proposal: Proposal, *, at: str, as_of: datetime.date | None = None) -> Facts:
    employee = proposal.employee
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    today = office_today(employee)
    requested = sorted(set(proposal.requested_dates))
    first_req = requested[0] if requested else today
    last_req = requested[-1] if requested else today
    week_start, _end = week_bounds(first_req)
    _start, week_end = week_bounds(last_req)
    horizon_start = min(week_start, today, as_of or today)
    holidays = set(
        Holiday.objects.filter(agency_id=employee.agency_id, date__range=(horizon_start, week_end)).values_list(
            "date", flat=True
        )
    )
    duties = _duties_by_date(employee, horizon_start, week_end) if _rostered(employee) else None
    if duties is not None:  # docs/rules.md §8: the working days are the duty dates
        working = [day for day in requested if _is_shift(duties.get(day))]
        skipped = [day for day in requested if not _is_shift(duties.get(day))]
    else:
        working = [day for day in requested if is_working_day(day, holidays)]
        skipped = [day for day in requested if not is_working_day(day, holidays)]

    own_days = list(
        ScheduleDay.objects.filter(
            employee_id=employee.id, local_date__range=(week_start, week_end), cancelled_at__isnull=True
        ).only("id", "local_date", "location", "source", "arrangement_id", "planned_start", "planned_end")
    )
    pending = ArrangementRequest.objects.filter(
        employee_id=employee.id, status__in=PENDING_STATUSES, first_date__lte=week_end, last_date__gte=week_start
    )
    if proposal.request_id:
        pending = pending.exclude(id=proposal.request_id)
    pending_dates = [(loc, dates) for loc, dates in pending.values_list("location", "dates")]

    designated_ok = True
    if proposal.location == Location.DESIGNATED:
        designated_ok = bool(
            proposal.designated_location_id
            and DesignatedLocation.objects.filter(
                id=proposal.designated_location_id, agency_id=employee.agency_id, is_active=True
            ).exists()
        )

    directives = []
    if working:
        directives = list(
            Directive.objects.in_force()
            .filter(agency_id=employee.agency_id, date_from__lte=working[-1], date_to__gte=working[0])
            .filter(Q(unit__isnull=True) | Q(unit_id__in=employee.unit.path))
        )
        directives = [d for d in directives if directive_reaches(d, employee.unit)]
    coverage = {}
    if proposal.location != Location.OFFICE and working:
        # The same reading of coverage as the team calendar and the dashboards (docs/rules.md §3).
        unit_coverage = coverage_for(
            agency_id=employee.agency_id,
            unit_ids=[employee.unit_id],
            date_from=working[0],
            date_to=working[-1],
            holidays=holidays,
            directives=directives,
            shares={employee.unit_id: policy.coverage_share_percent},
            exclude_employee_id=employee.id,
        )
        coverage = unit_coverage.by_date(employee.unit_id)
    shift_coverage = _shift_coverage(employee, working, holidays) if proposal.location != Location.OFFICE else {}

    ramadan = []
    if proposal.is_dynamic and working:
        ramadan = list(
            RamadanRange.objects.filter(agency_id=employee.agency_id, start__lte=week_end, end__gte=week_start)
        )
    return Facts(
        proposal=proposal,
        policy=policy,
        at=at,
        today=today,
        as_of=as_of or today,
        holidays=holidays,
        working=working,
        skipped=skipped,
        own_days=own_days,
        pending_dates=pending_dates,
        designated_ok=designated_ok,
        directives=directives,
        coverage=coverage,
        ramadan=ramadan,
        leave_dates=_leave_dates(employee, week_start, week_end),
        no_approver=None if at == DECISION else no_approver_message(employee=employee),
        duties=duties,
        shift_coverage=shift_coverage,
    )


# ---------------------------------------------------------------------------- rules

Rule = Callable[[Facts], list[Violation]]


def rule_elig_position(f: Facts) -> list[Violation]:
    position = f.proposal.employee.position
    if position is not None and position.is_fwa_eligible:
        return []
    return [
        Violation(
            "ELIG_POSITION",
            HARD,
            _("Your position is not eligible for flexible work (it does not meet the task criteria)."),
            tuple(f.working),
        )
    ]


def rule_elig_sanction(f: Facts) -> list[Violation]:
    days = tuple(day for day in f.working if f.proposal.employee.is_under_sanction_on(day))
    if not days:
        return []
    return [
        Violation(
            "ELIG_SANCTION",
            HARD,
            _("Flexible work is not possible while a disciplinary sanction applies or is in process."),
            days,
        )
    ]


def rule_elig_new_in_post(f: Facts) -> list[Violation]:
    start = f.proposal.employee.position_start_date
    months = f.policy.new_in_post_months
    if start is None or not months:
        return []
    eligible_from = add_months(start, months)
    days = tuple(day for day in f.working if day < eligible_from)
    if not days:
        return []
    message = _("Flexible work starts %(months)d months after the start in the position (from %(date)s).") % {
        "months": months,
        "date": eligible_from.isoformat(),
    }
    return [Violation("ELIG_NEW_IN_POST", HARD, message, days)]


def _counted_request_days(f: Facts) -> list[datetime.date]:
    """This request's days that count in the cap: not directive days, not leave days."""
    if f.proposal.exception_basis or not counts_in_cap(f.proposal.location, f.policy):
        return []
    return [day for day in f.working if day not in f.leave_dates and not _directive_allows(f, day, f.proposal.location)]


def _approved_counted_by_week(f: Facts) -> Counter:
    counted: Counter = Counter()
    dates: set[datetime.date] = set()
    for row in f.own_days:
        if row.source != DaySource.INDIVIDUAL or not counts_in_cap(row.location, f.policy):
            continue
        if f.proposal.request_id and row.arrangement_id == f.proposal.request_id:
            continue
        if not f.is_working(row.local_date) or row.local_date in f.leave_dates:
            continue  # a day that became a holiday is kept but ignored by the cap (docs/rules.md §7)
        counted[iso_week(row.local_date)] += 1
        dates.add(row.local_date)
    if f.duties:
        # docs/rules.md §8: a HOME or DESIGNATED duty counts one day in its duty date's week; OFF days
        # never count. A date this request asks for is counted once, as the request's.
        mine = set(_counted_request_days(f))
        for day, duty in f.duties.items():
            if not _is_shift(duty) or not counts_in_cap(duty.location, f.policy):
                continue
            if day in dates or day in mine or day in f.leave_dates:
                continue
            counted[iso_week(day)] += 1
    return counted


def _pending_counted_by_week(f: Facts) -> Counter:
    counted: Counter = Counter()
    for location, dates in f.pending_dates:
        if not counts_in_cap(location, f.policy):
            continue
        for day in dates:
            if f.is_working(day):
                counted[iso_week(day)] += 1
    return counted


def rule_cap_weekly(f: Facts) -> list[Violation]:
    mine = _counted_request_days(f)
    if not mine:
        return []
    cap = f.policy.max_location_days_per_week
    approved = _approved_counted_by_week(f)
    pending = _pending_counted_by_week(f) if f.at != DECISION else Counter()
    by_week: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
    for day in mine:
        by_week[iso_week(day)].append(day)
    found = []
    for (year, week), days in sorted(by_week.items()):
        total = approved[(year, week)] + len(days)
        values = {"cap": cap, "week": week_label(year, week), "count": total}
        if total > cap:
            message = _("At most %(cap)d days a week away from the office: the week of %(week)s would have %(count)d.")
            found.append(Violation("CAP_WEEKLY", HARD, message % values, tuple(days)))
        elif total + pending[(year, week)] > cap:
            values["count"] = total + pending[(year, week)]
            message = _(
                "Together with your other pending requests, the week of %(week)s would have %(count)d days "
                "away from the office (at most %(cap)d)."
            )
            found.append(Violation("CAP_WEEKLY", SOFT, message % values, tuple(days)))
    return found


def rule_overlap(f: Facts) -> list[Violation]:
    own = f.proposal.request_id
    taken = {row.local_date for row in f.own_days if not (own and row.arrangement_id == own)}
    days = tuple(day for day in f.working if day in taken)
    if not days:
        return []
    return [Violation("OVERLAP", HARD, _("You already have an approved arrangement on these days."), days)]


def _lead_days(f: Facts, first: datetime.date) -> int:
    """Working days d with as_of <= d < first: for a roster employee their shift duty dates, as
    everywhere else in the check (docs/rules.md §8 "Flexibility on duties"), else Monday–Friday
    without holidays."""
    if f.duties is None:
        return working_days_between(f.as_of, first, f.holidays)
    return sum(1 for day, duty in f.duties.items() if f.as_of <= day < first and _is_shift(duty))


def rule_lead_time(f: Facts) -> list[Violation]:
    if not f.working:
        return []
    lead = f.policy.lead_working_days
    first = f.working[0]
    if _lead_days(f, first) >= lead:
        return []
    if f.duties is not None:
        message = _("Ask at least %(lead)d duty day(s) before the first duty.") % {"lead": lead}
    else:
        message = _("Ask at least %(lead)d working day(s) before the first day.") % {"lead": lead}
    return [Violation("LEAD_TIME", HARD, message, (first,))]


def rule_max_span(f: Facts) -> list[Violation]:
    requested = f.working + f.skipped
    if not requested:
        return []
    first, last = min(requested), max(requested)
    span = (last - first).days + 1
    if span <= f.policy.max_span_days:
        return []
    message = _("One request may span at most %(max)d days; this one spans %(span)d.") % {
        "max": f.policy.max_span_days,
        "span": span,
    }
    return [Violation("MAX_SPAN", HARD, message, (first, last))]


def rule_location_designated(f: Facts) -> list[Violation]:
    if f.proposal.location != Location.DESIGNATED or f.designated_ok:
        return []
    return [
        Violation(
            "LOCATION_NOT_DESIGNATED",
            HARD,
            _("Choose an active designated location of your agency."),
            tuple(f.working),
        )
    ]


def rule_evidence(f: Facts) -> list[Violation]:
    if not f.proposal.exception_basis or f.proposal.evidence_count > 0:
        return []
    return [Violation("EVIDENCE_REQUIRED", HARD, _("An exception basis needs at least one evidence file."))]


def rule_work_plan(f: Facts) -> list[Violation]:
    if f.proposal.work_plan_count > 0:
        return []
    return [Violation("WORK_PLAN_REQUIRED", HARD, _("Add at least one planned output to the work plan."))]


def rule_dynamic_hours(f: Facts) -> list[Violation]:
    p = f.proposal
    if not p.is_dynamic or not f.working:
        return []
    if f.duties is not None:  # docs/rules.md §8: dynamic hours never apply to a duty
        message = _("Dynamic working hours do not apply to shift duties.")
        return [Violation("SHIFT_NOT_DYNAMIC", HARD, message, tuple(f.working))]
    policy = f.policy
    found = []
    if p.planned_start < policy.dynamic_window_start or p.planned_end > policy.dynamic_window_end:
        message = _("Planned hours must lie between %(start)s and %(end)s.") % {
            "start": policy.dynamic_window_start.strftime("%H:%M"),
            "end": policy.dynamic_window_end.strftime("%H:%M"),
        }
        found.append(Violation("DYN_WINDOW", HARD, message, tuple(f.working)))
    missing_core = []
    for day in f.working:
        friday = day.isoweekday() == 5
        core_start = policy.core_fri_start if friday else policy.core_start
        core_end = policy.core_fri_end if friday else policy.core_end
        if p.planned_start > core_start or p.planned_end < core_end:
            missing_core.append(day)
    if missing_core:
        message = _("Planned hours must cover the core hours (%(start)s–%(end)s; Friday %(fri_start)s–%(fri_end)s).")
        message %= {
            "start": policy.core_start.strftime("%H:%M"),
            "end": policy.core_end.strftime("%H:%M"),
            "fri_start": policy.core_fri_start.strftime("%H:%M"),
            "fri_end": policy.core_fri_end.strftime("%H:%M"),
        }
        found.append(Violation("DYN_CORE", HARD, message, tuple(missing_core)))

    planned_other = {
        row.local_date: (row.planned_start, row.planned_end)
        for row in f.own_days
        if row.planned_start is not None and row.arrangement_id != p.request_id
    }
    short_weeks = []
    for (year, week), days in sorted(_by_week(f.working).items()):
        monday = datetime.date.fromisocalendar(year, week, 1)
        requirement = planned = 0
        for offset in range(5):
            day = monday + datetime.timedelta(days=offset)
            if not is_working_day(day, f.holidays):
                continue
            standard = standard_net_minutes(day, policy, f.ramadan)
            requirement += standard
            if day in days:
                planned += planned_net_minutes(day, p.planned_start, p.planned_end, policy, f.ramadan)
            elif day in planned_other:
                planned += planned_net_minutes(day, *planned_other[day], policy, f.ramadan)
            else:
                planned += standard
        if planned < requirement:
            short_weeks.append((week, year, planned, requirement, days))
    for week, year, planned, requirement, days in short_weeks:
        message = _("The week of %(week)s would have %(planned)s net hours; at least %(required)s are required.")
        message %= {"week": week_label(year, week), "planned": _hours(planned), "required": _hours(requirement)}
        found.append(Violation("DYN_WEEKLY_TOTAL", HARD, message, tuple(days)))

    short_days = tuple(
        day
        for day in f.working
        if planned_net_minutes(day, p.planned_start, p.planned_end, policy, f.ramadan) < policy.daily_floor_minutes
    )
    if short_days:
        message = _("A planned day under %(hours)s net hours.") % {"hours": _hours(policy.daily_floor_minutes)}
        found.append(Violation("DYN_DAILY_FLOOR", SOFT, message, short_days))
    return found


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def _by_week(days: Iterable[datetime.date]) -> dict[tuple[int, int], list[datetime.date]]:
    grouped: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
    for day in days:
        grouped[iso_week(day)].append(day)
    return grouped


def _directive_allows(f: Facts, day: datetime.date, location: str) -> bool:
    return any(location in d.allowed_locations for d in f.directives_on(day))


def rule_coverage(f: Facts) -> list[Violation]:
    if f.proposal.location == Location.OFFICE or not f.working:
        return []
    # On a directive day the directive's share applies instead (rule_directive).
    days = tuple(
        day
        for day in f.working
        if day not in f.leave_dates
        and day in f.coverage
        and not f.coverage[day].directive
        and f.coverage[day].exceeds_share(1)
    )
    if not days:
        return []
    first = f.coverage[days[0]]
    headcount, limit, share = first.active_headcount, first.allowed_away, first.share_percent
    message = _("At most %(limit)d of %(headcount)d people of your unit may be away on one day (%(share)d%%).") % {
        "limit": limit,
        "headcount": headcount,
        "share": share,
    }
    return [Violation("COVERAGE_UNIT_SHARE", SOFT, message, days)]


def rule_public_service(f: Facts) -> list[Violation]:
    unit = f.proposal.employee.unit
    minimum = unit.min_onsite_headcount
    if f.proposal.location == Location.OFFICE or not minimum or not f.working:
        return []
    if unit.work_week == WorkWeek.ROSTER:
        return []  # docs/rules.md §8: the shift minimums take its place (rule_shift_coverage)
    days = tuple(
        day for day in f.working if day not in f.leave_dates and day in f.coverage and f.coverage[day].below_minimum(1)
    )
    if not days:
        return []
    message = _("Your unit must keep at least %(minimum)d people on site.") % {"minimum": minimum}
    return [Violation("PUBLIC_SERVICE_MIN_ONSITE", SOFT, message, days)]


def shift_coverage_violations(
    *,
    employee_id: int,
    dates: Iterable[datetime.date],
    duties: dict[datetime.date, Any],
    coverage: dict[datetime.date, dict[int, ShiftCount]],
) -> list[Violation]:
    """docs/rules.md §8 "Coverage": the dates of `dates` on which the employee's OFFICE duty leaves its
    shift under the unit's minimum (people, or shift leads) once they are away. One soft
    COVERAGE_SHIFT_MIN per shift and shortfall, naming its dates."""
    from shifts.models import DutyLocation

    people: dict[tuple[str, int], list[datetime.date]] = defaultdict(list)
    leads: dict[tuple[str, int], list[datetime.date]] = defaultdict(list)
    for day in dates:
        duty = duties.get(day)
        if not _is_shift(duty) or duty.location != DutyLocation.OFFICE:
            continue  # a duty away from the office already is not counted at the office
        entry = coverage.get(day, {}).get(duty.shift_type_id)
        if entry is None:
            continue
        if entry.min_staff and len(entry.people - {employee_id}) < entry.min_staff:
            people[(entry.name, entry.min_staff)].append(day)
        if entry.min_lead and len(entry.leads - {employee_id}) < entry.min_lead:
            leads[(entry.name, entry.min_lead)].append(day)
    found = []
    for (name, minimum), days in people.items():
        message = _("Too few people would stay at the office on the %(shift)s shift: at least %(minimum)d needed.")
        found.append(Violation("COVERAGE_SHIFT_MIN", SOFT, message % {"shift": name, "minimum": minimum}, tuple(days)))
    for (name, minimum), days in leads.items():
        message = _("Too few shift leads would stay at the office on the %(shift)s shift: at least %(minimum)d needed.")
        found.append(Violation("COVERAGE_SHIFT_MIN", SOFT, message % {"shift": name, "minimum": minimum}, tuple(days)))
    return found


def rule_shift_coverage(f: Facts) -> list[Violation]:
    if f.proposal.location == Location.OFFICE or not f.shift_coverage or not f.duties:
        return []
    return shift_coverage_violations(
        employee_id=f.proposal.employee.id,
        dates=[day for day in f.working if day not in f.leave_dates],
        duties=f.duties,
        coverage=f.shift_coverage,
    )


def shift_coverage_warnings_for(
    *, employee: Employee, date_from: datetime.date, date_to: datetime.date
) -> list[Violation]:
    """COVERAGE_SHIFT_MIN for someone of a ROSTER unit away on [date_from, date_to] (leave or official
    duty, docs/rules.md §8 "Coverage"); [] for anyone else. Six queries."""
    if employee.unit.work_week != WorkWeek.ROSTER:
        return []
    duties = _duties_by_date(employee, date_from, date_to)
    dates = sorted(day for day, duty in duties.items() if _is_shift(duty))
    if not dates:
        return []
    coverage = shift_coverage_for(unit=employee.unit, date_from=dates[0], date_to=dates[-1])
    return shift_coverage_violations(employee_id=employee.id, dates=dates, duties=duties, coverage=coverage)


def rule_directive(f: Facts) -> list[Violation]:
    location = f.proposal.location
    if not f.directives:
        return []
    mode_days, share_days, limits = [], [], set()
    for day in f.working:
        directives = f.directives_on(day)
        if not directives:
            continue
        if location != Location.OFFICE and not any(location in d.allowed_locations for d in directives):
            mode_days.append(day)
            continue
        if location == Location.OFFICE:
            continue
        for directive in directives:
            if directive.max_share_percent is None or location not in directive.allowed_locations:
                continue
            if day not in f.coverage:
                continue
            limit = allowed_away(f.active_headcount(day), directive.max_share_percent)
            if f.away(day) + 1 > limit:
                share_days.append(day)
                limits.add(directive.max_share_percent)
                break
    found = []
    if mode_days:
        allowed = sorted({loc for d in f.directives for loc in d.allowed_locations})
        labels = ", ".join(str(Location(loc).label) for loc in allowed)
        message = _("An agency directive allows only these locations on these days: %(allowed)s.") % {"allowed": labels}
        found.append(Violation("DIRECTIVE_MODE", HARD, message, tuple(mode_days)))
    if share_days:
        message = _("An agency directive allows at most %(share)d%% of your unit away on these days.") % {
            "share": min(limits)
        }
        found.append(Violation("DIRECTIVE_SHARE", SOFT, message, tuple(share_days)))
    return found


def rule_no_approver(f: Facts) -> list[Violation]:
    """docs/rules.md §3 "Approval chain": nobody above the employee can decide (the agency head's
    own request, or no active head up to the root): the request cannot be submitted."""
    if not f.no_approver:
        return []
    return [Violation("NO_APPROVER", HARD, f.no_approver, tuple(f.working))]


def rule_home_not_registered(f: Facts) -> list[Violation]:
    """docs/rules.md §3 "Rule catalogue": a work-from-home request of someone without an approved home
    location. Their check-ins at home have no fence and are flagged (docs/rules.md §4), so it warns
    (soft) at the check and at submit and informs the decider; the employee registers a home (Profile → Home location) and the
    supervisor or HR approves it."""
    employee = f.proposal.employee
    if f.proposal.location != Location.HOME or not f.working:
        return []
    if employee.home_latitude is not None and employee.home_longitude is not None:
        return []
    message = _(
        "You have no approved home location: check-ins on these work-from-home days will be flagged. "
        "Register your home location and have it approved before the first day."
    )
    # At the decision it is shown (info), not an override: the decider cannot fix it, the employee can.
    severity = INFO if f.at == DECISION else SOFT
    return [Violation("HOME_NOT_REGISTERED", severity, message, tuple(f.working))]


def rule_holiday_skipped(f: Facts) -> list[Violation]:
    if not f.skipped:
        return []
    if f.duties is not None:
        message = _("Dates without a duty (days off, rest after nights) are skipped: %(count)d day(s).")
        return [Violation("HOLIDAY_SKIPPED", INFO, message % {"count": len(f.skipped)}, tuple(f.skipped))]
    return [
        Violation(
            "HOLIDAY_SKIPPED",
            INFO,
            _("Weekends and holidays are skipped: %(count)d day(s).") % {"count": len(f.skipped)},
            tuple(f.skipped),
        )
    ]


RULES: tuple[Rule, ...] = (
    rule_no_approver,
    rule_elig_position,
    rule_elig_sanction,
    rule_elig_new_in_post,
    rule_cap_weekly,
    rule_overlap,
    rule_lead_time,
    rule_max_span,
    rule_location_designated,
    rule_evidence,
    rule_work_plan,
    rule_dynamic_hours,
    rule_coverage,
    rule_public_service,
    rule_shift_coverage,
    rule_directive,
    rule_home_not_registered,
    rule_holiday_skipped,
)


def quota(f: Facts) -> dict[str, Any]:
    """The weekly quota per covered week: approved days, pending days, this request's days, left."""
    cap = f.policy.max_location_days_per_week
    counts = bool(_counted_request_days(f)) or (
        counts_in_cap(f.proposal.location, f.policy) and not f.proposal.exception_basis
    )
    approved, pending = _approved_counted_by_week(f), _pending_counted_by_week(f)
    mine = Counter(iso_week(day) for day in _counted_request_days(f))
    weeks = sorted({iso_week(day) for day in (f.working or [f.today])})
    rows = [
        {
            "iso_year": year,
            "iso_week": week,
            "approved": approved[(year, week)],
            "pending": pending[(year, week)],
            "requested": mine[(year, week)],
            "left": max(0, cap - approved[(year, week)]),
        }
        for year, week in weeks
    ]
    first = rows[0] if rows else {"approved": 0, "left": cap}
    return {"cap": cap, "counts_in_cap": counts, "used": first["approved"], "left": first["left"], "weeks": rows}


def check_proposal(proposal: Proposal, *, at: str = SUBMIT, as_of: datetime.date | None = None) -> CheckResult:
    """Run every rule; return every violation (hard, soft and info) and the weekly quota.
    At a decision, call it while holding a row lock on the employee (the cap counts rows)."""
    return check_facts(gather(proposal, at=at, as_of=as_of))


def check_facts(facts: Facts) -> CheckResult:
    """Run every rule on facts already gathered (`gather`, or schedules.recheck for many requests)."""
    facts = with_duties(facts)
    proposal = facts.proposal
    violations: list[Violation] = []
    for rule in RULES:
        violations.extend(rule(facts))
    directive_dates = {}
    for day in facts.working:
        for directive in facts.directives_on(day):
            if proposal.location in directive.allowed_locations and proposal.location != Location.OFFICE:
                directive_dates[day] = directive.id
                break
    return CheckResult(
        violations=violations,
        working_dates=facts.working,
        skipped_dates=facts.skipped,
        directive_dates=directive_dates,
        quota=quota(facts),
    )


def proposal_from_request(arrangement_request: ArrangementRequest) -> Proposal:
    """The stored request as a proposal (for the checks at submit and decision)."""
    from flexwork.common.selectors import evidence_list_for_owner

    return Proposal(
        employee=arrangement_request.employee,
        location=arrangement_request.location,
        requested_dates=list(arrangement_request.dates),
        planned_start=arrangement_request.planned_start,
        planned_end=arrangement_request.planned_end,
        exception_basis=arrangement_request.exception_basis,
        evidence_count=evidence_list_for_owner(owner=arrangement_request).count()
        if arrangement_request.exception_basis
        else 0,
        work_plan_count=arrangement_request.work_plan.count(),
        designated_location_id=arrangement_request.designated_location_id,
        other_office_unit_id=arrangement_request.other_office_unit_id,
        request_id=arrangement_request.id,
    )
