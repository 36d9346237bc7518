"""The arithmetic of docs/rules.md §5, as pure functions (no database): achievement, working days,
expected progress and at-risk, and the periods of a year."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flexwork.common.calendar import days_between, is_working_day

HUNDRED = Decimal(100)
DISPLAY_CAP = Decimal(150)
TWO_PLACES = Decimal("0.01")

MONTHLY = "MONTHLY"
QUARTERLY = "QUARTERLY"
SEMESTER = "SEMESTER"
MONTHS_PER_PERIOD = {MONTHLY: 1, QUARTERLY: 3, SEMESTER: 6}


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def achievement(*, realised: Decimal, target_min: Decimal, target_max: Decimal, lower_is_better: bool) -> Decimal:
    """Achievement % of one indicator (docs/rules.md §5), uncapped, rounded to 2 places.

    Higher is better: a single target t > 0 → 100·r/t; t = 0 → 100; a range [a, b]: below a →
    100·r/a, inside → 100, above → 100·r/b. Lower is better (t = the upper edge of the target):
    r ≤ t → 100, else 100·t/r. No weights."""
    r = Decimal(realised)
    a, b = Decimal(target_min), Decimal(target_max)
    if lower_is_better:
        if r <= b:
            return _round(HUNDRED)
        return _round(HUNDRED * b / r)
    if a == b:
        if a == 0:
            return _round(HUNDRED)
        return _round(HUNDRED * r / a)
    if r < a:
        return _round(HUNDRED * r / a)  # a > 0 here: r < a and r may not be negative
    if r <= b:
        return _round(HUNDRED)
    return _round(HUNDRED * r / b)


def achievement_display(value: Decimal | None) -> Decimal | None:
    """The shown figure: capped at 150 %."""
    if value is None:
        return None
    return min(value, DISPLAY_CAP)


def working_days(*, start: datetime.date, end: datetime.date, holidays: set[datetime.date]) -> int:
    """Monday–Friday days in [start, end] (both included) that are not holidays (Perpres 21/2023:
    five-day week)."""
    return sum(1 for day in days_between(start, end) if is_working_day(day, holidays))


@dataclass(frozen=True)
class Progress:
    expected: Decimal | None
    at_risk: bool | None  # None: not assessed (lower-is-better, or no target yet)
    elapsed_days: int
    period_days: int


def progress(
    *,
    target: Decimal,
    actual: Decimal | None,
    on_date: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    holidays: set[datetime.date],
    at_risk_ratio: Decimal,
    lower_is_better: bool = False,
) -> Progress:
    """Expected progress at `on_date` = target × elapsed working days / working days in the period;
    at risk when actual < at_risk_ratio × expected (docs/rules.md §5). Lower-is-better indicators are
    not assessed (progress toward a ceiling is not a cumulative quantity)."""
    period_days = working_days(start=period_start, end=period_end, holidays=holidays)
    elapsed = working_days(start=period_start, end=min(on_date, period_end), holidays=holidays)
    if period_days == 0:
        expected = Decimal(target)
    else:
        expected = Decimal(target) * Decimal(elapsed) / Decimal(period_days)
    if lower_is_better:
        return Progress(expected=None, at_risk=None, elapsed_days=elapsed, period_days=period_days)
    value = actual if actual is not None else Decimal(0)
    at_risk = value < Decimal(at_risk_ratio) * expected
    return Progress(expected=_round(expected), at_risk=at_risk, elapsed_days=elapsed, period_days=period_days)


@dataclass(frozen=True)
class Period:
    number: int
    start: datetime.date
    end: datetime.date


def periods_between(*, kind: str, start: datetime.date, end: datetime.date) -> list[Period]:
    """The agency's periods (monthly, quarterly or semester) of the calendar year(s) that touch
    [start, end], clipped to it. Numbers count within the year (month 1–12, quarter 1–4, semester 1–2)."""
    months = MONTHS_PER_PERIOD[kind]
    periods = []
    for year in range(start.year, end.year + 1):
        for index in range(12 // months):
            first_month = index * months + 1
            last_month = first_month + months - 1
            p_start = datetime.date(year, first_month, 1)
            p_end = datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
            if p_end < start or p_start > end:
                continue
            periods.append(Period(number=index + 1, start=max(p_start, start), end=min(p_end, end)))
    return periods
