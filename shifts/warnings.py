"""The soft rules of a roster (docs/rules.md §8 "Hours" and "Coverage"), with the numbers of the unit's
policy: weekly hours against an office colleague's requirement (SHIFT_WEEKLY_MIN) and the most hours
(SHIFT_WEEKLY_MAX), rest between duties (SHIFT_REST), nights in a row (SHIFT_NIGHTS), duty days in a row
(SHIFT_WEEKLY_REST), long duties (SHIFT_LONG) and the fewest people per shift (COVERAGE_SHIFT_MIN).

`replacing` maps (employee_id, duty_date) to an unsaved Duty (or None for "no duty"), so a change or a
swap is judged before it is written. Messages are in the active language."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext, ngettext

from flexwork.common.calendar import iso_week, week_bounds
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import holiday_dates, policy_for
from schedules.policy import SOFT, Violation
from shifts.models import DayKind, Duty, DutyKind, DutyLocation, ShiftCoverage

LOOKBACK_DAYS = 14
ONE_DAY = datetime.timedelta(days=1)


def _hours(minutes) -> str:
    """Hours as the reader writes them: "37,5" in Indonesian, "37.5" in English, "10" when whole."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value, decimal_pos=1)


def day_kind(day: datetime.date, holidays: set[datetime.date]) -> str:
    if day in holidays:
        return DayKind.HOLIDAY
    if day.isoweekday() == 6:
        return DayKind.SATURDAY
    if day.isoweekday() == 7:
        return DayKind.SUNDAY
    return DayKind.WEEKDAY


def weekly_requirement_minutes(*, policy, monday: datetime.date, holidays: set, ramadan: set) -> int:
    """An office colleague's requirement for the ISO week of `monday`: the standard day's net for each
    Monday–Friday that is not a holiday (37.5 h; 32.5 h in Ramadan)."""
    from attendance.status import day_schedule

    total = 0
    for offset in range(5):
        day = monday + datetime.timedelta(days=offset)
        if day not in holidays:
            total += day_schedule(policy=policy, day=day, ramadan=day in ramadan).required_minutes
    return total


def credited_minutes(duties, *, leave_dates: set, policy, holidays: set, ramadan: set) -> int:
    """The hours a person's shift duties count toward the weekly requirement (docs/rules.md §8 "Hours"):
    a duty worked counts its net; a duty under approved leave or official duty is a leave day, which
    counts as fulfilled (§2): its own net, and at least an office colleague's standard day on a day
    that is not a Monday–Friday holiday (the requirement already leaves those out). So leave never
    makes a week look shorter than the same week worked, and a week of leave meets the requirement."""
    from attendance.status import day_schedule

    total = 0
    for duty in duties:
        if duty.kind != DutyKind.SHIFT:
            continue
        total += duty.net_minutes
        if duty.duty_date in leave_dates and not (duty.duty_date.isoweekday() <= 5 and duty.duty_date in holidays):
            standard = day_schedule(policy=policy, day=duty.duty_date, ramadan=duty.duty_date in ramadan)
            total += max(0, standard.required_minutes - duty.net_minutes)
    return total


def _load(*, unit: Unit, employee_ids, first: datetime.date, last: datetime.date) -> list[Duty]:
    duties = Duty.objects.filter(duty_date__range=(first, last), is_active=True)
    if employee_ids is not None:
        duties = duties.filter(employee_id__in=list(employee_ids))
    else:
        duties = duties.filter(unit_id=unit.id)
    return list(duties.select_related("shift_type").order_by("duty_date", "employee_id"))


def leave_days(*, employee_ids, date_from: datetime.date, date_to: datetime.date) -> dict:
    """(employee_id, day) → leave kind, for approved leave and official duty over the range."""
    from schedules.coverage import approved_leave

    found: dict[tuple[int, datetime.date], str] = {}
    rows = approved_leave().filter(employee_id__in=list(employee_ids), date_from__lte=date_to, date_to__gte=date_from)
    for employee_id, kind, start, end in rows.values_list("employee_id", "kind", "date_from", "date_to"):
        day = max(start, date_from)
        while day <= min(end, date_to):
            found[(employee_id, day)] = kind
            day += ONE_DAY
    return found


def warnings_for(
    *,
    unit: Unit,
    date_from: datetime.date,
    date_to: datetime.date,
    replacing: dict | None = None,
    employee_ids=None,
) -> list[Violation]:
    """The §8 soft warnings of the unit's duties dated `date_from`..`date_to` (hours per ISO week, rest,
    nights, days in a row, long duties, coverage). `employee_ids` narrows the hours rules to those people
    (coverage is then skipped unless `replacing` is given)."""
    from shifts.rosters import format_day, ramadan_days

    policy = policy_for(agency=unit.agency_id, unit=unit)
    week_first, _ = week_bounds(date_from)
    _, week_last = week_bounds(date_to)
    first = min(week_first, date_from - datetime.timedelta(days=LOOKBACK_DAYS))
    last = week_last + ONE_DAY
    replacing = dict(replacing or {})
    people = None if employee_ids is None else set(employee_ids) | {key[0] for key in replacing}
    duties = _load(unit=unit, employee_ids=people, first=first, last=last)
    if replacing:
        extra = {key[0] for key in replacing} - {d.employee_id for d in duties}
        if extra and people is None:
            duties += _load(unit=unit, employee_ids=extra, first=first, last=last)
        duties = [d for d in duties if (d.employee_id, d.duty_date) not in replacing]
        duties += [d for d in replacing.values() if d is not None and d.is_active is not False]
    holidays = holiday_dates(agency_id=unit.agency_id, date_from=first, date_to=last)
    ramadan = ramadan_days(agency_id=unit.agency_id, date_from=first, date_to=last)
    names = dict(Employee.objects.filter(id__in={d.employee_id for d in duties}).values_list("id", "name"))
    # docs/rules.md §8 "Hours": a shift duty under the person's approved leave or official duty is a
    # leave day (a leave day counts the duties it covers; days off consume nothing).
    on_leave = leave_days(employee_ids=names, date_from=first, date_to=last) if names else {}

    by_person: dict[int, list[Duty]] = defaultdict(list)
    for duty in duties:
        by_person[duty.employee_id].append(duty)
    found: list[Violation] = []

    def shown(days) -> bool:
        return any(date_from <= day <= date_to for day in days)

    def add(code: str, message: str, days) -> None:
        days = tuple(sorted(set(days)))
        if shown(days):
            found.append(Violation(code, SOFT, message, days))

    rest_min = int(policy.min_rest_hours) * 60
    max_nights = int(policy.max_consecutive_nights)
    max_days = int(policy.max_consecutive_duty_days)
    long_minutes = int(policy.long_shift_warn_hours) * 60
    max_week = Decimal(policy.max_weekly_hours) * 60
    averaged = bool(getattr(policy, "shift_hours_averaged_over_period", False))

    for employee_id in sorted(by_person, key=lambda i: (names.get(i, ""), i)):
        name = names.get(employee_id, "")
        rows = sorted(by_person[employee_id], key=lambda d: d.duty_date)
        dated = {d.duty_date: d for d in rows}
        shifts = sorted((d for d in rows if d.kind == DutyKind.SHIFT and d.start_at), key=lambda d: d.start_at)
        # Rest between consecutive duties.
        for before, after in zip(shifts, shifts[1:], strict=False):
            rest = (after.start_at - before.end_at).total_seconds() / 60
            if rest < rest_min:
                add(
                    "SHIFT_REST",
                    gettext("%(name)s rests %(rest)s h between %(first)s and %(second)s (at least %(min)s h).")
                    % {
                        "name": name,
                        "rest": _hours(rest),
                        "first": format_day(before.duty_date),
                        "second": format_day(after.duty_date),
                        "min": _hours(rest_min),
                    },
                    (before.duty_date, after.duty_date),
                )
        # Long duties.
        for duty in shifts:
            if duty.net_minutes > long_minutes:
                add(
                    "SHIFT_LONG",
                    gettext("%(name)s works %(hours)s h on %(day)s (more than %(max)s h).")
                    % {
                        "name": name,
                        "hours": _hours(duty.net_minutes),
                        "day": format_day(duty.duty_date),
                        "max": _hours(long_minutes),
                    },  # fmt: skip
                    (duty.duty_date,),
                )
        # Runs of nights and of duty days.
        for code, limit, is_member in (
            ("SHIFT_NIGHTS", max_nights, lambda d: d.kind == DutyKind.SHIFT and d.is_night),
            ("SHIFT_WEEKLY_REST", max_days, lambda d: d.kind == DutyKind.SHIFT),
        ):
            run: list[datetime.date] = []
            for day in sorted(dated):
                if is_member(dated[day]) and (not run or run[-1] + ONE_DAY == day):
                    run.append(day)
                    continue
                _flag_run(add, code, limit, run, name)
                run = [day] if is_member(dated[day]) else []
            _flag_run(add, code, limit, run, name)
        # Weekly hours.
        leave_dates = {d.duty_date for d in rows if d.kind == DutyKind.SHIFT and (employee_id, d.duty_date) in on_leave}
        if averaged:
            _averaged(add, policy, rows, name, date_from, date_to, holidays, ramadan, max_week, leave_dates)
            continue
        weeks: dict[tuple[int, int], list[Duty]] = defaultdict(list)
        for duty in rows:
            weeks[iso_week(duty.duty_date)].append(duty)
        for _week, week_rows in sorted(weeks.items()):
            monday, sunday = week_bounds(week_rows[0].duty_date)
            if not (monday <= date_to and sunday >= date_from):
                continue
            net = sum(d.net_minutes for d in week_rows if d.kind == DutyKind.SHIFT)
            days = tuple(d.duty_date for d in week_rows if d.kind == DutyKind.SHIFT) or (monday,)
            week_days = {monday + datetime.timedelta(days=i) for i in range(7)}
            label = {"name": name, "first": format_day(monday), "last": format_day(sunday), "hours": _hours(net)}
            if net > max_week:
                add(
                    "SHIFT_WEEKLY_MAX",
                    gettext("%(name)s is rostered %(hours)s h in the week %(first)s – %(last)s (at most %(max)s h).")
                    % {**label, "max": _hours(max_week)},
                    days,
                )
            if not week_days <= set(dated):
                continue  # a week not rostered in full (the next period's first days): no minimum yet
            required = weekly_requirement_minutes(policy=policy, monday=monday, holidays=holidays, ramadan=ramadan)
            leave_here = leave_dates & set(days)
            if leave_here and leave_here == set(days):
                continue  # every duty of the week is under leave: the leave fulfils the week
            credited = credited_minutes(
                week_rows, leave_dates=leave_here, policy=policy, holidays=holidays, ramadan=ramadan
            )
            if credited < required:
                if leave_here:
                    text = gettext(
                        "%(name)s is rostered %(hours)s h in the week %(first)s – %(last)s, leave days counted as "
                        "worked, less than the %(required)s h an office colleague works."
                    )
                else:
                    text = gettext(
                        "%(name)s is rostered %(hours)s h in the week %(first)s – %(last)s, less than the %(required)s h "
                        "an office colleague works."
                    )
                add("SHIFT_WEEKLY_MIN", text % {**label, "hours": _hours(credited), "required": _hours(required)}, days)
    if employee_ids is None or replacing:
        found += _coverage(
            unit=unit, duties=duties, date_from=date_from, date_to=date_to, holidays=holidays, leave=on_leave
        )
    return found


def _flag_run(add, code: str, limit: int, run: list, name: str) -> None:
    if len(run) <= limit:
        return
    if code == "SHIFT_NIGHTS":
        text = ngettext(
            "%(name)s has %(count)d nights in a row from %(first)s (at most %(max)d).",
            "%(name)s has %(count)d nights in a row from %(first)s (at most %(max)d).",
            len(run),
        )
    else:
        text = ngettext(
            "%(name)s has %(count)d duty days in a row from %(first)s without a day off (at most %(max)d).",
            "%(name)s has %(count)d duty days in a row from %(first)s without a day off (at most %(max)d).",
            len(run),
        )
    from shifts.rosters import format_day

    add(code, text % {"name": name, "count": len(run), "first": format_day(run[0]), "max": limit}, run)


def _averaged(add, policy, rows, name, date_from, date_to, holidays, ramadan, max_week, leave_dates=()) -> None:
    """The switch: hours compared over the whole period instead of per ISO week (leave days credited
    as in `credited_minutes`)."""
    from attendance.status import day_schedule
    from shifts.rosters import format_day

    in_period = [d for d in rows if date_from <= d.duty_date <= date_to]
    net = sum(d.net_minutes for d in in_period if d.kind == DutyKind.SHIFT)
    credited = credited_minutes(
        in_period, leave_dates=set(leave_dates), policy=policy, holidays=holidays, ramadan=ramadan
    )
    required, day = 0, date_from
    while day <= date_to:
        if day.isoweekday() <= 5 and day not in holidays:
            required += day_schedule(policy=policy, day=day, ramadan=day in ramadan).required_minutes
        day += ONE_DAY
    weeks = Decimal((date_to - date_from).days + 1) / 7
    label = {"name": name, "first": format_day(date_from), "last": format_day(date_to), "hours": _hours(net)}
    days = [d.duty_date for d in in_period if d.kind == DutyKind.SHIFT] or [date_from]
    if credited < required:
        add(
            "SHIFT_WEEKLY_MIN",
            gettext(
                "%(name)s is rostered %(hours)s h from %(first)s to %(last)s, less than the %(required)s h "
                "an office colleague works."
            )
            % {**label, "hours": _hours(credited), "required": _hours(required)},  # fmt: skip
            days,
        )
    if weeks and Decimal(net) / weeks > max_week:
        add(
            "SHIFT_WEEKLY_MAX",
            gettext("%(name)s averages %(average)s h a week from %(first)s to %(last)s (at most %(max)s h).")
            % {**label, "average": _hours(Decimal(net) / weeks), "max": _hours(max_week)},
            days,
        )


def _coverage(*, unit: Unit, duties, date_from, date_to, holidays, leave: dict) -> list[Violation]:
    from shifts.rosters import format_day

    rules = list(ShiftCoverage.objects.filter(unit_id=unit.id).select_related("shift_type", "lead_position"))
    if not rules:
        return []
    on_shift = [
        d
        for d in duties
        if d.kind == DutyKind.SHIFT
        and d.location == DutyLocation.OFFICE
        and d.unit_id == unit.id
        and date_from <= d.duty_date <= date_to
    ]
    positions = dict(Employee.objects.filter(id__in={d.employee_id for d in on_shift}).values_list("id", "position_id"))
    counted: dict[tuple[int, datetime.date], list[int]] = defaultdict(list)
    for duty in on_shift:
        if (duty.employee_id, duty.duty_date) not in leave:
            counted[(duty.shift_type_id, duty.duty_date)].append(duty.employee_id)
    rules_by_kind: dict[str, list[ShiftCoverage]] = defaultdict(list)
    for rule in rules:
        rules_by_kind[rule.day_kind].append(rule)
    found: list[Violation] = []
    day = date_from
    while day <= date_to:
        for rule in rules_by_kind.get(day_kind(day, holidays), []):
            present = counted.get((rule.shift_type_id, day), [])
            if len(present) < rule.min_staff:
                message = ngettext(
                    "%(shift)s on %(day)s has %(count)d person at the office (at least %(min)d).",
                    "%(shift)s on %(day)s has %(count)d people at the office (at least %(min)d).",
                    len(present),
                ) % {
                    "shift": rule.shift_type.name, "day": format_day(day), "count": len(present),
                    "min": rule.min_staff,
                }  # fmt: skip
                found.append(Violation("COVERAGE_SHIFT_MIN", SOFT, message, (day,)))
            if rule.lead_position_id and rule.min_lead:
                leads = sum(1 for e in present if positions.get(e) == rule.lead_position_id)
                if leads < rule.min_lead:
                    message = gettext("%(shift)s on %(day)s has %(count)d of %(lead)s (at least %(min)d).") % {
                        "shift": rule.shift_type.name, "day": format_day(day), "count": leads,
                        "lead": rule.lead_position.name, "min": rule.min_lead,
                    }  # fmt: skip
                    found.append(Violation("COVERAGE_SHIFT_MIN", SOFT, message, (day,)))
        day += ONE_DAY
    return found
