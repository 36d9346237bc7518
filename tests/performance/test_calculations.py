"""docs/rules.md §5 arithmetic at its edges (pure functions, no database)."""

import datetime
from decimal import Decimal as D

import pytest

from performance.calculations import achievement, achievement_display, periods_between, progress, working_days


def higher(r, a, b=None):
    return achievement(realised=D(r), target_min=D(a), target_max=D(b if b is not None else a), lower_is_better=False)


def lower(r, t):
    return achievement(realised=D(r), target_min=D(t), target_max=D(t), lower_is_better=True)


@pytest.mark.parametrize(
    ("realised", "target", "expected"),
    [
        ("0", "10", "0.00"),
        ("5", "10", "50.00"),
        ("10", "10", "100.00"),
        ("15", "10", "150.00"),
        ("20", "10", "200.00"),
        ("1", "3", "33.33"),
        ("2", "3", "66.67"),
    ],
)
def test_higher_is_better_is_realised_over_target(realised, target, expected):
    assert higher(realised, target) == D(expected)


def test_a_zero_target_counts_as_fully_achieved():
    assert higher("0", "0") == D("100.00")
    assert higher("7", "0") == D("100.00")


def test_a_range_scores_below_inside_and_above():
    assert higher("4", "8", "12") == D("50.00")  # below a: 100·r/a
    assert higher("8", "8", "12") == D("100.00")  # the lower edge is inside
    assert higher("10", "8", "12") == D("100.00")
    assert higher("12", "8", "12") == D("100.00")  # the upper edge is inside
    assert higher("18", "8", "12") == D("150.00")  # above b: 100·r/b
    assert higher("24", "8", "12") == D("200.00")


def test_a_range_starting_at_zero_never_divides_by_zero():
    assert higher("0", "0", "5") == D("100.00")
    assert higher("10", "0", "5") == D("200.00")


def test_lower_is_better_is_full_up_to_the_target_then_target_over_realised():
    assert lower("3", "5") == D("100.00")
    assert lower("5", "5") == D("100.00")
    assert lower("10", "5") == D("50.00")
    assert lower("0", "0") == D("100.00")
    assert lower("4", "0") == D("0.00")


def test_the_display_caps_over_achievement_at_150():
    assert achievement_display(D("200.00")) == D("150")
    assert achievement_display(D("150.00")) == D("150.00")
    assert achievement_display(D("149.99")) == D("149.99")
    assert achievement_display(None) is None


def test_working_days_skip_weekends_and_the_agencys_holidays():
    # March 2026: 22 weekdays; 19 March (Thursday) a holiday.
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    assert working_days(start=start, end=end, holidays=set()) == 22
    assert working_days(start=start, end=end, holidays={datetime.date(2026, 3, 19), datetime.date(2026, 3, 21)}) == 21


def _march(actual, on_day, holidays=frozenset()):
    return progress(
        target=D("22"),
        actual=D(actual) if actual is not None else None,
        on_date=datetime.date(2026, 3, on_day),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        holidays=set(holidays),
        at_risk_ratio=D("0.80"),
    )


def test_expected_progress_is_target_times_elapsed_over_period_working_days():
    # 17 March 2026 is the 12th working day of 22: 11 are over, expected 22 × 11/22 = 11.
    result = _march("0", 17)
    assert (result.elapsed_days, result.period_days, result.expected) == (11, 22, D("11.00"))


def test_at_risk_exactly_at_the_threshold():
    # expected 11, ratio 0.8 → threshold 8.8: below is at risk, at or above is not.
    assert _march("8.79", 17).at_risk is True
    assert _march("8.8", 17).at_risk is False
    assert _march("9", 17).at_risk is False
    assert _march(None, 17).at_risk is True  # nothing entered yet counts as 0


def test_nothing_is_expected_and_nothing_at_risk_on_the_first_working_day():
    # 2 March 2026 (Monday) is the first working day of March: no working day is over yet.
    first = _march(None, 2)
    assert (first.elapsed_days, first.expected, first.at_risk) == (0, D("0.00"), False)
    # The weekend before it is not a working day either; on the second day one day is over.
    assert _march(None, 1).at_risk is False
    second = _march(None, 3)
    assert (second.elapsed_days, second.expected, second.at_risk) == (1, D("1.00"), True)


def test_the_last_day_expects_all_but_that_day_and_after_the_period_the_whole_target():
    assert _march("0", 31).elapsed_days == 21
    after = progress(
        target=D("22"),
        actual=D("22"),
        on_date=datetime.date(2026, 4, 1),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        holidays=set(),
        at_risk_ratio=D("0.80"),
    )
    assert (after.elapsed_days, after.expected, after.at_risk) == (22, D("22.00"), False)


def test_an_indicator_added_after_the_first_day_of_its_period_is_not_at_risk_in_it():
    base = {"target": D("22"), "actual": None, "on_date": datetime.date(2026, 3, 30),
            "period_start": datetime.date(2026, 3, 1), "period_end": datetime.date(2026, 3, 31),
            "holidays": set(), "at_risk_ratio": D("0.80")}  # fmt: skip
    assert progress(**base, added_on=datetime.date(2026, 3, 10)).at_risk is False
    assert progress(**base, added_on=datetime.date(2026, 3, 1)).at_risk is True
    assert progress(**base).at_risk is True


def test_a_cumulative_period_starts_from_the_previous_running_target():
    # March's running target 6 after February's 4: halfway through (11 of 22 days over) 4 + 2 × 11/22 = 5.
    result = progress(
        target=D("6"),
        actual=D("4"),
        on_date=datetime.date(2026, 3, 17),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        holidays=set(),
        at_risk_ratio=D("0.80"),
        start_target=D("4"),
    )
    assert (result.expected, result.at_risk) == (D("5.00"), False)


def test_holidays_lower_the_expected_progress():
    with_holiday = _march("0", 17, {datetime.date(2026, 3, 2)})
    assert (with_holiday.elapsed_days, with_holiday.period_days) == (10, 21)


def test_lower_is_better_is_not_assessed_for_risk():
    result = progress(
        target=D("5"),
        actual=D("9"),
        on_date=datetime.date(2026, 3, 16),
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        holidays=set(),
        at_risk_ratio=D("0.8"),
        lower_is_better=True,
    )
    assert result.at_risk is None


def test_periods_follow_the_policy_and_are_clipped_to_the_skp():
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert len(periods_between(kind="MONTHLY", start=year[0], end=year[1])) == 12
    quarters = periods_between(kind="QUARTERLY", start=year[0], end=year[1])
    assert [(p.number, p.start, p.end) for p in quarters][1] == (
        2,
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    semesters = periods_between(kind="SEMESTER", start=datetime.date(2026, 8, 10), end=year[1])
    assert [(p.number, p.start, p.end) for p in semesters] == [
        (2, datetime.date(2026, 8, 10), datetime.date(2026, 12, 31))
    ]
