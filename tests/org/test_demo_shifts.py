"""The demo's emergency call centre (docs/rules.md §8): a unit on a roster with its decree, shift posts,
rosters of last month (published, with its history), this month (published) and next month (a draft)."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from flexwork.common.calendar import add_months, today_in
from flexwork.org.management.commands.seed_demo import AGENCY_CODE, OPERATORS, PEOPLE, ROSTER_UNIT
from flexwork.org.models import Employee, Holiday, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def unit():
    return Unit.objects.select_related("head").get(agency__code=AGENCY_CODE, code=ROSTER_UNIT)


def day_kind(day: datetime.date, holidays: set) -> str:
    if day in holidays:
        return "HOLIDAY"
    return {5: "SATURDAY", 6: "SUNDAY"}.get(day.weekday(), "WEEKDAY")


def check_the_call_centre_works_a_roster_on_its_decree():
    from shifts.models import RosterAssignment

    roster_unit = unit()
    assert roster_unit.work_week == "ROSTER" and "Keputusan Kepala Dinas" in roster_unit.work_week_basis
    staff = Employee.objects.filter(unit=roster_unit)
    assert staff.count() == 1 + len(OPERATORS) == len([p for p in PEOPLE if p[2] == ROSTER_UNIT])
    operators = staff.exclude(id=roster_unit.head_id)
    assert {e.position.shift_eligible for e in operators} == {True}
    assert {e.position.shift_criterion for e in operators} == {"DAILY_OVER_8H30"}
    assert roster_unit.head.user.has_usable_password()
    assert RosterAssignment.objects.filter(employee__in=staff).count() == staff.count()


def check_this_months_published_roster_meets_every_coverage_minimum_every_day():
    from shifts.models import Duty, Roster, ShiftCoverage

    roster_unit = unit()
    zone = "Asia/Makassar"
    this_month = today_in(zone).replace(day=1)
    rosters = {r.period_start: r for r in Roster.objects.filter(unit=roster_unit)}
    last_month, next_month = add_months(this_month, -1), add_months(this_month, 1)
    assert rosters[last_month].status == rosters[this_month].status == "PUBLISHED"
    assert rosters[next_month].status == "DRAFT"
    roster = rosters[this_month]
    holidays = set(
        Holiday.objects.filter(
            agency=roster_unit.agency, date__range=(roster.period_start, roster.period_end)
        ).values_list("date", flat=True)
    )
    minimums = {(c.shift_type_id, c.day_kind): c.min_staff for c in ShiftCoverage.objects.filter(unit=roster_unit)}
    assert minimums and min(minimums.values()) >= 2
    on_duty = Counter(
        Duty.objects.filter(
            roster=roster, is_active=True, is_published=True, kind="SHIFT", location="OFFICE"
        ).values_list("shift_type_id", "duty_date")
    )
    day = roster.period_start
    while day <= roster.period_end:
        for (shift_type_id, kind), minimum in minimums.items():
            if kind == day_kind(day, holidays):
                assert on_duty[(shift_type_id, day)] >= minimum, (day, shift_type_id)
        day += datetime.timedelta(days=1)
    # Every operator has exactly one duty, day off or rest day each day of the month.
    days = (roster.period_end - roster.period_start).days + 1
    per_person = Counter(Duty.objects.filter(roster=roster, is_active=True).values_list("employee_id", flat=True))
    assert set(per_person.values()) == {days} and len(per_person) == 1 + len(OPERATORS)


def check_last_months_duties_have_checks_and_statuses_with_a_swap_a_change_and_a_missed_duty():
    from attendance.models import CheckEvent, DayStatus
    from shifts.models import Duty, DutySwap, Roster

    roster_unit = unit()
    this_month = today_in("Asia/Makassar").replace(day=1)
    roster = Roster.objects.get(unit=roster_unit, period_start=add_months(this_month, -1))
    shifts = Duty.objects.filter(roster=roster, is_active=True, kind="SHIFT")
    assert shifts.count() > 150
    assert shifts.filter(source="SWAP").count() == 1 and shifts.filter(source="CHANGE").count() == 1
    changed = shifts.get(source="CHANGE")
    assert changed.reason and changed.sequence == 1 and changed.shift_type.code == "L"
    swap = DutySwap.objects.get(duty__roster=roster)
    assert swap.status == "approved" and swap.answer == "ACCEPTED" and swap.decider_id == roster_unit.head_id
    assert Duty.objects.get(id=swap.duty_id).replaced_by.source == "SWAP"
    waiting = DutySwap.objects.filter(duty__unit=roster_unit, status="submitted", answer="ACCEPTED")
    if (add_months(this_month, 1) - today_in("Asia/Makassar")).days > 10:
        assert waiting.count() == 1 and waiting.get().decider_id == roster_unit.head_id

    checked_in = set(CheckEvent.objects.filter(duty__in=shifts, kind="IN").values_list("duty_id", flat=True))
    missed = [d for d in shifts if d.id not in checked_in]
    assert len(missed) == 1 and missed[0].is_night
    late = CheckEvent.objects.filter(duty__in=shifts, kind="IN").select_related("duty")
    assert sum(1 for e in late if e.at > e.duty.start_at) >= 3
    for event in late:
        assert event.local_date == event.duty.duty_date

    statuses = set(
        DayStatus.objects.filter(
            employee__unit=roster_unit, local_date__range=(roster.period_start, roster.period_end)
        ).values_list("employee_id", "local_date")
    )
    assert {(d.employee_id, d.duty_date) for d in shifts} <= statuses
    decided = DayStatus.objects.filter(duty__in=shifts)
    assert decided.count() == shifts.count()  # every duty of last month is decided, on its own status row
    assert list(decided.filter(absence="TK").values_list("duty_id", flat=True)) == [missed[0].id]
    assert decided.filter(arrival__startswith="TL").exists() and decided.filter(departure__startswith="PSW").exists()


def test_the_call_centre_and_its_rosters(seeded):
    check_the_call_centre_works_a_roster_on_its_decree()
    check_this_months_published_roster_meets_every_coverage_minimum_every_day()


def test_last_months_history_and_a_second_run_adds_nothing(seeded):
    check_last_months_duties_have_checks_and_statuses_with_a_swap_a_change_and_a_missed_duty()

    from attendance.models import CheckEvent
    from shifts.models import Duty, DutySwap, Roster, ShiftCoverage, ShiftType

    tables = (Roster, Duty, DutySwap, ShiftType, ShiftCoverage, CheckEvent)
    before = [m.objects.filter(agency__code=AGENCY_CODE).count() for m in tables]
    call_command("seed_demo", stdout=StringIO())
    assert [m.objects.filter(agency__code=AGENCY_CODE).count() for m in tables] == before
