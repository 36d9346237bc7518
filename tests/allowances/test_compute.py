"""The monthly deduction of each shipped template on a hand-computed June 2025 (docs/rules.md §10): the
percentages written out below are those of the template's own table."""

import decimal

import pytest

from tests.allowances.conftest import WORKING, D, approved_leave, month_write

pytestmark = pytest.mark.django_db


def cuts(month):
    return [(line.local_date, line.cause, line.rule, line.pct) for line in month.lines]


def pct(text):
    return decimal.Decimal(text)


def test_pma_11_2019_the_default(employee_a, june_lines):
    """No scheme of the agency's own: PMA 11/2019. TL1 0.5, TL3 1.25, PSW2 1, no check-in as TL4 1.5, no
    check-out as PSW4 1.5, TK 4 a day, sick leave free for 3 working days then 2 a day, annual leave free."""
    employee = employee_a.employee
    month_write(
        employee,
        {
            D(2025, 6, 2): {"arrival": "TL1"},
            D(2025, 6, 3): {"arrival": "TL3"},
            D(2025, 6, 4): {"departure": "PSW2"},
            D(2025, 6, 5): {"arrival": "HKD"},
            D(2025, 6, 6): {"departure": "HKP"},
            D(2025, 6, 9): {"absence": "TK"},
            **{D(2025, 6, d): {"absence": "C-CS"} for d in (10, 11, 12, 13, 16)},
            D(2025, 6, 17): {"absence": "C-CT"},
        },
    )
    approved_leave(employee, "CS", D(2025, 6, 10), D(2025, 6, 16))
    month = june_lines(employee)
    assert cuts(month) == [
        (D(2025, 6, 2), "TL1", "TL1", pct("0.5")),
        (D(2025, 6, 3), "TL3", "TL3", pct("1.25")),
        (D(2025, 6, 4), "PSW2", "PSW2", pct("1")),
        (D(2025, 6, 5), "HKD", "TL4", pct("1.5")),
        (D(2025, 6, 6), "HKP", "PSW4", pct("1.5")),
        (D(2025, 6, 9), "TK", "TK", pct("4")),
        (D(2025, 6, 13), "C-CS", "LEAVE", pct("2")),  # the 4th working day of the sick leave
        (D(2025, 6, 16), "C-CS", "LEAVE", pct("2")),
    ]
    assert [line.leave_day for line in month.lines if line.cause == "C-CS"] == [4, 5]
    # 0.5 + 1.25 + 1 + 1.5 + 1.5 + 4 + 2 + 2 = 13.75 of the whole allowance
    assert (month.total.pct, month.total.allowance_pct, month.total.component) == (pct("13.75"), pct("13.75"), "WHOLE")


def test_a_leave_from_last_month_counts_its_days_from_its_first_day(employee_a, june_lines):
    """Sick leave 28 May – 4 June: 28, 29, 30 May are its free days, so 2, 3 and 4 June are days 4–6."""
    employee = employee_a.employee
    month_write(employee, {d: {"absence": "C-CS"} for d in (D(2025, 5, 28), D(2025, 5, 29), D(2025, 5, 30))},
                days=[D(2025, 5, 28), D(2025, 5, 29), D(2025, 5, 30)])  # fmt: skip
    month_write(employee, {D(2025, 6, d): {"absence": "C-CS"} for d in (2, 3, 4)})
    approved_leave(employee, "CS", D(2025, 5, 28), D(2025, 6, 4))
    month = june_lines(employee)
    assert [(line.local_date.day, line.leave_day, line.pct) for line in month.lines] == [
        (2, 4, 2),
        (3, 5, 2),
        (4, 6, 2),
    ]
    assert month.total.allowance_pct == 6


def test_permentan_68_2012(employee_a, scheme_for, june_lines):
    """TL3 1.5, TL4 2, PSW1 0.5, TK 4 a day."""
    scheme_for("PERMENTAN_68_2012")
    employee = employee_a.employee
    month_write(
        employee,
        {
            D(2025, 6, 2): {"arrival": "TL3"},
            D(2025, 6, 3): {"arrival": "TL4", "departure": "PSW1"},
            D(2025, 6, 4): {"absence": "TK"},
        },
    )
    month = june_lines(employee)
    assert cuts(month) == [
        (D(2025, 6, 2), "TL3", "TL3", pct("1.5")),
        (D(2025, 6, 3), "PSW1", "PSW1", pct("0.5")),
        (D(2025, 6, 3), "TL4", "TL4", pct("2")),
        (D(2025, 6, 4), "TK", "TK", pct("4")),
    ]
    assert month.total.allowance_pct == 8  # 1.5 + 2 + 0.5 + 4


def test_kejaksaan_4_2020(employee_a, supervisor_a, scheme_for, june_lines):
    """1 for any lateness or early leave, 2 for a missing record, 5 a day TK; a whole month TK: no allowance."""
    scheme_for("KEJAKSAAN_4_2020")
    employee = employee_a.employee
    month_write(
        employee,
        {
            D(2025, 6, 2): {"arrival": "TL1"},
            D(2025, 6, 3): {"arrival": "TL4"},
            D(2025, 6, 4): {"departure": "PSW3"},
            D(2025, 6, 5): {"arrival": "HKD"},
            D(2025, 6, 6): {"departure": "HKP"},
            D(2025, 6, 9): {"absence": "TK"},
        },
    )
    month = june_lines(employee)
    assert [line.pct for line in month.lines] == [1, 1, 1, 2, 2, 5]
    assert [line.rule for line in month.lines] == ["TL1", "TL4", "PSW3", "HKD", "HKP", "TK"]
    assert month.total.allowance_pct == 12

    absent = supervisor_a.employee
    month_write(absent, {day: {"absence": "TK"} for day in (D(2025, 6, d) for d in range(1, 31))})
    whole = june_lines(absent)
    assert [(line.line, line.cause) for line in whole.lines if line.line == "THRESHOLD"] == [
        ("THRESHOLD", "TK_WHOLE_MONTH")
    ]
    assert whole.total.allowance_pct == 100
    # Not while the month is still running
    assert june_lines(absent, today=D(2025, 6, 28)).total.allowance_pct == 100  # 19 TK days × 5, capped


def test_permendikdasmen_14_2025(employee_a, scheme_for, june_lines):
    """TK 2.5 a day; leave for important reasons paid in full for 14 working days (then 2 a day)."""
    scheme_for("PERMENDIKDASMEN_14_2025")
    employee = employee_a.employee
    cap_days = [d for d in (D(2025, 6, n) for n in range(2, 21)) if d.isoweekday() <= 5]  # 15 working days
    month_write(
        employee,
        {
            **{day: {"absence": "C-CAP"} for day in cap_days},
            D(2025, 6, 23): {"absence": "TK"},
            D(2025, 6, 24): {"absence": "TK"},
            D(2025, 6, 25): {"arrival": "TL2"},
        },
    )
    approved_leave(employee, "CAP", D(2025, 6, 2), D(2025, 6, 20))
    month = june_lines(employee)
    assert cuts(month) == [
        (D(2025, 6, 20), "C-CAP", "LEAVE", pct("2")),  # the 15th working day
        (D(2025, 6, 23), "TK", "TK", pct("2.5")),
        (D(2025, 6, 24), "TK", "TK", pct("2.5")),
        (D(2025, 6, 25), "TL2", "TL2", pct("1")),
    ]
    assert month.total.allowance_pct == 8  # 2 + 2.5 + 2.5 + 1


def test_regional_tpp_60_40_cuts_the_discipline_component(employee_a, scheme_for, june_lines):
    """Cuts fall on DISIPLIN (40 %): TL2 1 + TK 4 = 5 % of DISIPLIN = 2 % of the allowance."""
    scheme_for("TPP_60_40")
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, 2): {"arrival": "TL2"}, D(2025, 6, 3): {"absence": "TK"}})
    month = june_lines(employee)
    assert [(line.component, line.pct, line.allowance_pct) for line in month.lines] == [
        ("DISIPLIN", 1, pct("0.4")),
        ("DISIPLIN", 4, pct("1.6")),
    ]
    assert (month.total.component, month.total.pct, month.total.allowance_pct) == ("DISIPLIN", 5, 2)


def test_the_month_is_capped(employee_a, supervisor_a, scheme_for, june_lines):
    """Kejaksaan without a consecutive threshold: 20 TK days × 5 + a missing check-in 2 = 102 → 100; a scheme
    cap of 10 keeps 13.75 of PMA cuts at 10."""
    scheme_for("KEJAKSAAN_4_2020")
    employee = employee_a.employee
    month_write(employee, {day: ({"arrival": "HKD"} if day.day == 2 else {"absence": "TK"}) for day in WORKING})
    month = june_lines(employee)
    assert month.total.pct == 102 and month.total.allowance_pct == 100
    assert not [line for line in month.lines if line.line == "THRESHOLD"]


def test_a_scheme_cap(employee_a, scheme_for, june_lines):
    scheme_for("PMA_11_2019", monthly_cap_pct=10)
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, d): {"absence": "TK"} for d in (2, 4, 6)} | {D(2025, 6, 9): {"arrival": "TL2"}})
    month = june_lines(employee)
    assert (month.total.pct, month.total.allowance_pct) == (13, 10)


def test_ten_consecutive_tk_days_cut_the_whole_allowance(employee_a, supervisor_a, june_lines):
    """PMA: 9 consecutive TK working days are 9 × 4 = 36; the 10th (across two weekends) makes it 100."""
    nine = supervisor_a.employee
    month_write(nine, {day: {"absence": "TK"} for day in WORKING[:9]})
    assert june_lines(nine).total.allowance_pct == 36
    ten = employee_a.employee
    month_write(ten, {day: {"absence": "TK"} for day in WORKING[2:12]})  # 4 June – 17 June
    month = june_lines(ten)
    threshold = [line for line in month.lines if line.line == "THRESHOLD"]
    assert [(line.cause, line.local_date, line.allowance_pct) for line in threshold] == [
        ("TK_CONSECUTIVE", D(2025, 6, 4), 100)
    ]
    assert (month.total.pct, month.total.allowance_pct) == (40, 100)


def test_unpaid_leave_has_no_allowance(employee_a, june_lines):
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, 30): {"absence": "C-CLTN"}})
    month = june_lines(employee)
    assert [(line.line, line.cause) for line in month.lines] == [("THRESHOLD", "C-CLTN")]
    assert month.total.allowance_pct == 100


def test_a_scheme_change_applies_from_its_effective_from_only(employee_a, scheme_for, june_lines):
    """Permentan from 1 July: June keeps the default's TL4 1.5, July has Permentan's 2."""
    scheme_for("PERMENTAN_68_2012", effective_from=D(2025, 7, 1))
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, 30): {"arrival": "TL4"}, D(2025, 7, 1): {"arrival": "TL4"}},
                days=[D(2025, 6, 30), D(2025, 7, 1)])  # fmt: skip
    assert june_lines(employee).total.allowance_pct == pct("1.5")
    assert june_lines(employee, month=7, today=D(2025, 8, 1)).total.allowance_pct == 2


def test_days_not_closed_yet_are_not_cut(employee_a, june_lines):
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, 10): {"absence": "TK"}, D(2025, 6, 11): {"absence": "TK"}})
    assert june_lines(employee, today=D(2025, 6, 11)).total.allowance_pct == 4  # the 11th is today


def test_regional_tpp_cuts_kinerja_by_the_months_skp_achievement(employee_a, supervisor_a, scheme_for, june_lines):
    """KINERJA (60 %) is paid on the month's SKP achievement capped at 100: indicators at 80 % and 120 % average
    100, no cut; at 80 % and 100 % they average 90: 10 % of KINERJA = 6 % of the allowance, with TL2 (1 % of
    DISIPLIN = 0.4 %) 6.4 % in all."""
    from django.utils import timezone

    from performance.models import Indicator, PeriodPlan, Realisation, Rhk, Skp

    scheme_for("TPP_60_40")
    employee = employee_a.employee
    month_write(employee, {D(2025, 6, 2): {"arrival": "TL2"}})
    skp = Skp.objects.create(
        agency=employee.agency, employee=employee, year=2025, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
        status="APPROVED", assessor=supervisor_a.employee, approved_at=timezone.now(), created_by=supervisor_a,
        position=employee.position,
    )  # fmt: skip
    rhk = Rhk.objects.create(agency=employee.agency, skp=skp, description="Laporan")
    for description, value in (("Laporan", 8), ("Rapat", 12)):  # 80 % and 120 %
        indicator = Indicator.objects.create(
            agency=employee.agency, rhk=rhk, aspect="QUANTITY", description=description, target_min=10,
            target_max=10, unit="dokumen", direction="HIGHER",
        )  # fmt: skip
        plan = PeriodPlan.objects.create(
            agency=employee.agency, indicator=indicator, number=6, period_start=D(2025, 6, 1),
            period_end=D(2025, 6, 30), target_min=10, target_max=10,
        )  # fmt: skip
        Realisation.objects.create(
            agency=employee.agency, period_plan=plan, indicator=indicator, value=value, entered_by=employee_a
        )
    month = june_lines(employee)
    kinerja = [line for line in month.lines if line.component == "KINERJA"]
    # achievements 80 and 120: their average 100 is not below 100 → no KINERJA cut
    assert kinerja == [] and month.total.allowance_pct == pct("0.4")
    Realisation.objects.filter(value=12).update(value=10)  # 80 and 100 → 90
    month = june_lines(employee)
    kinerja = [line for line in month.lines if line.component == "KINERJA"]
    assert [(k.local_date, k.cause, k.rule, k.pct, k.allowance_pct) for k in kinerja] == [
        (None, "KINERJA_SCORE", "SCORE", 10, 6)
    ]
    assert month.total.allowance_pct == pct("6.4")
