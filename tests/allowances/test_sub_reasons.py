"""Leave rules by sub-reason in the monthly deduction (docs/rules.md §10 "Scheme"), per template, on a
hand-computed June 2025 (21 working days, no holidays). Each template's leave table gives sick leave 3
free working days then 2 % a day, except for the reasons its source lists (inpatient care 30, accident
on duty 90, miscarriage 45), and leave for important reasons 3 free days (10 for a wife giving birth),
except Permendikdasmen 14/2025: 14 for every reason. The sub-reason is the approved request's."""

from __future__ import annotations

import datetime

import pytest

from attendance.models import LeaveRequest
from tests.allowances.conftest import WORKING, D, month_write

pytestmark = pytest.mark.django_db

TEMPLATES = ["PMA_11_2019", "PERMENTAN_68_2012", "KEJAKSAAN_4_2020", "PERMENDIKDASMEN_14_2025", "TPP_60_40"]
# Of the whole allowance: a 1 % cut of the cuts component is 1 % (WHOLE), 0.4 % (TPP's DISIPLIN 40).
WEIGHT = {"TPP_60_40": 0.4}


def weekdays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days = (first + datetime.timedelta(days=i) for i in range((last - first).days + 1))
    return [day for day in days if day.isoweekday() <= 5]


def leave_with_reason(employee, kind, sub_reason, date_from, date_to):
    return LeaveRequest.objects.create(
        agency_id=employee.agency_id, employee=employee, kind=kind, sub_reason=sub_reason, date_from=date_from,
        date_to=date_to, status="approved", reason="Test",
    )  # fmt: skip


JUNE_30 = D(2025, 6, 30)


def leave_month(employee, kind, sub_reason, date_from, date_to=JUNE_30):
    """Status rows of the leave's working days (C-<kind>) from `date_from`, and of the rest of June."""
    absence = f"C-{kind}"
    before = weekdays(date_from, D(2025, 5, 31))
    if before:
        month_write(employee, {day: {"absence": absence} for day in before}, days=before)
    june = [day for day in WORKING if date_from <= day <= date_to]
    month_write(employee, {day: {"absence": absence} for day in june})
    leave_with_reason(employee, kind, sub_reason, date_from, date_to)


@pytest.fixture
def in_force(scheme_for):
    def use(template):
        if template != "PMA_11_2019":  # the default when the agency has no scheme of its own
            scheme_for(template)

    return use


def leave_cuts(month):
    return [(line.local_date, line.leave_day) for line in month.lines if line.rule == "LEAVE"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_sick_leave_with_a_hospital_stay_is_free_for_30_working_days(template, employee_a, in_force, june_lines):
    """Inpatient from Monday 12 May: 15 working days in May, so 2–30 June are days 16–36; days 31–36
    (23–27 and 30 June) are cut 2 % each: 12 % of the cuts component."""
    in_force(template)
    leave_month(employee_a.employee, "CS", "INPATIENT", D(2025, 5, 12))
    month = june_lines(employee_a.employee)
    assert leave_cuts(month) == [
        (D(2025, 6, d), n) for d, n in zip((23, 24, 25, 26, 27, 30), range(31, 37), strict=True)
    ]
    assert float(month.total.allowance_pct) == pytest.approx(12 * WEIGHT.get(template, 1))


@pytest.mark.parametrize("template", TEMPLATES)
def test_sick_leave_without_a_reason_keeps_three_free_days(template, employee_a, in_force, june_lines):
    """The same leave without a reason: days 16–36 are all past day 3, 21 × 2 % = 42 %."""
    in_force(template)
    leave_month(employee_a.employee, "CS", "", D(2025, 5, 12))
    month = june_lines(employee_a.employee)
    assert len(leave_cuts(month)) == 21
    assert float(month.total.allowance_pct) == pytest.approx(42 * WEIGHT.get(template, 1))


@pytest.mark.parametrize("template", TEMPLATES)
def test_a_miscarriage_is_free_for_45_working_days(template, employee_a, in_force, june_lines):
    """From Monday 7 April: 18 working days in April, 22 in May, so June is days 41–61; days 46–61 (9–30
    June, 16 days) are cut: 32 %."""
    in_force(template)
    leave_month(employee_a.employee, "CS", "MISCARRIAGE", D(2025, 4, 7))
    month = june_lines(employee_a.employee)
    cuts = leave_cuts(month)
    assert (len(cuts), cuts[0]) == (16, (D(2025, 6, 9), 46))
    assert float(month.total.allowance_pct) == pytest.approx(32 * WEIGHT.get(template, 1))


@pytest.mark.parametrize("template", TEMPLATES)
def test_an_accident_on_duty_is_free_for_90_working_days(template, employee_a, in_force, june_lines):
    """From 2 June: 21 days, all within 90: no cut (3 free days would have cut 18 × 2 % = 36 %)."""
    in_force(template)
    leave_month(employee_a.employee, "CS", "ACCIDENT_ON_DUTY", D(2025, 6, 2))
    month = june_lines(employee_a.employee)
    assert leave_cuts(month) == []
    assert month.total.allowance_pct == 0


CAP_FREE = {"PERMENDIKDASMEN_14_2025": (14, 14)}  # (a wife giving birth, a family death); others (10, 3)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("reason", ["WIFE_BIRTH", "FAMILY_DEATH"])
def test_leave_for_important_reasons_by_its_reason(template, reason, employee_a, in_force, june_lines):
    """2–20 June: 15 working days. A wife giving birth: days 11–15 (16–20 June) are cut, 5 × 2 % = 10 %;
    a family death: days 4–15, 12 × 2 % = 24 %. Permendikdasmen 14/2025 pays 14 days for any reason:
    day 15 (20 June) only, 2 %."""
    in_force(template)
    leave_month(employee_a.employee, "CAP", reason, D(2025, 6, 2), D(2025, 6, 20))
    free = CAP_FREE.get(template, (10, 3))[0 if reason == "WIFE_BIRTH" else 1]
    month = june_lines(employee_a.employee)
    cuts = leave_cuts(month)
    assert [n for _day, n in cuts] == list(range(free + 1, 16))
    assert float(month.total.allowance_pct) == pytest.approx((15 - free) * 2 * WEIGHT.get(template, 1))
