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
    start_target: Decimal = Decimal(0),
    added_on: datetime.date | None = None,
) -> Progress:
    """Expected progress at `on_date` = target × elapsed working days / working days in the period;
    at risk when actual < at_risk_ratio × expected (docs/rules.md §5). Lower-is-better indicators are
    not assessed (progress toward a ceiling is not a cumulative quantity). A cumulative plan starts
    the period from the previous period's running target (`start_target`): expected = start +
    (target − start) × elapsed / working days. `added_on`: the office date the indicator was added;
    added after the period's first day, it is not at risk in that period."""
    period_days = working_days(start=period_start, end=period_end, holidays=holidays)
    # Elapsed = the working days that are over: `on_date` itself is still being worked, so on the
    # first working day nothing is expected yet and a new indicator is not at risk.
    last_over = min(on_date - datetime.timedelta(days=1), period_end)
    elapsed = working_days(start=period_start, end=last_over, holidays=holidays) if last_over >= period_start else 0
    base = Decimal(start_target)
    if period_days == 0:
        expected = Decimal(target)
    else:
        expected = base + (Decimal(target) - base) * Decimal(elapsed) / Decimal(period_days)
    if lower_is_better:
        return Progress(expected=None, at_risk=None, elapsed_days=elapsed, period_days=period_days)
    value = actual if actual is not None else Decimal(0)
    # An indicator added after its period began is first assessed in its next period, the first it
    # has in full (docs/rules.md §5).
    added_late = added_on is not None and added_on > period_start
    at_risk = not added_late and expected > 0 and value < Decimal(at_risk_ratio) * expected
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


# ---------------------------------------------------------------------------- spreading an annual target

EVEN = "EVEN"
CUMULATIVE = "CUMULATIVE"
MANUAL = "MANUAL"
SAME = "SAME"
WHOLE = Decimal(1)


def _step(total: Decimal) -> Decimal:
    """Whole units when the annual target is whole (documents, reports), else hundredths."""
    return WHOLE if Decimal(total) == Decimal(total).to_integral_value() else TWO_PLACES


def cumulative_shares(*, total: Decimal, count: int) -> list[Decimal]:
    """The running target at the end of each of `count` equal periods: total × k / count, rounded
    half up to the target's step (whole units for a whole target), the last exactly `total`
    (docs/rules.md §5)."""
    total = Decimal(total)
    step = _step(total)
    running = [
        (total * Decimal(k) / Decimal(count)).quantize(step, rounding=ROUND_HALF_UP) for k in range(1, count + 1)
    ]
    if running:
        running[-1] = total
    return running


def even_shares(*, total: Decimal, count: int) -> list[Decimal]:
    """`total` split over `count` periods, summing exactly to it: each period gets the growth of the
    rounded running target, so the remainder of an uneven split is spread across the year (10 over
    12 months: 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, never all of it in the first or last months)."""
    running = cumulative_shares(total=total, count=count)
    return [value - (running[i - 1] if i else Decimal(0)) for i, value in enumerate(running)]


def spread_shares(*, mode: str, total: Decimal, count: int) -> list[Decimal]:
    """The period targets `mode` proposes for an annual `total` (MANUAL proposes the even split)."""
    if mode == SAME:
        return [Decimal(total)] * count
    if mode == CUMULATIVE:
        return cumulative_shares(total=total, count=count)
    return even_shares(total=total, count=count)


def spread_error(*, mode: str, total: Decimal, targets: list[Decimal]) -> str | None:
    """Which rule of docs/rules.md §5 the period `targets` break for `mode`, or None: EVEN and
    MANUAL must sum to `total`; CUMULATIVE must never fall and must end at `total`."""
    total = Decimal(total)
    if mode in (EVEN, MANUAL):
        return None if sum(targets, Decimal(0)) == total else "sum"
    if mode == CUMULATIVE:
        if any(later < earlier for earlier, later in zip(targets, targets[1:], strict=False)):
            return "falls"
        return None if targets and targets[-1] == total else "last"
    return None
