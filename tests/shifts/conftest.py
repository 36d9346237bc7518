"""Shared fixtures of the shift tests (docs/rules.md §8), on top of the personas of tests/conftest.py.

In agency A (WITA): the ROSTER unit "A-IGD" (Instalasi Gawat Darurat) under A-DIV, headed by
`roster_head` (an employee of the unit, supervised by unit_head_a), with four nurses supervised by
the head. `shift_types`: P 07:00–14:00, S 14:00–21:00, M 21:00–07:00 (night), L 07:00–19:00.
`pattern_4`: an 8-cell cycle P,P,S,S,M,M,POST_NIGHT,OFF anchored on Monday 5 January 2026; the
`assigned` fixture gives the nurses offsets 0, 2, 4 and 6, so every day has one P, one S, one M.
`published_roster(period_start)` generates and publishes a month (over its warnings)."""

from __future__ import annotations

import datetime

import pytest

from flexwork.org.models import Employee, Position, Unit
from flexwork.org.models.organisation import ShiftCriterion, WorkWeek

ANCHOR = datetime.date(2026, 1, 5)  # a Monday
PATTERN_CELLS = ["P", "P", "S", "S", "M", "M", "POST_NIGHT", "OFF"]
NURSE_NAMES = ("Ns. Sari Wulandari", "Ns. Budi Santoso", "Ns. Dewi Lestari", "Ns. Rahmat Hidayat")
ROSTER_ZONE = "Asia/Makassar"


def month_start(months_ahead: int = 1, *, zone: str = ROSTER_ZONE) -> datetime.date:
    """The first day of the month `months_ahead` after the current one (in `zone`)."""
    from flexwork.common.calendar import today_in

    today = today_in(zone)
    month = today.month - 1 + months_ahead
    return datetime.date(today.year + month // 12, month % 12 + 1, 1)


def fetch_employee(employee_id: int) -> Employee:
    return Employee.objects.select_related("unit", "agency", "position", "supervisor", "user").get(id=employee_id)


@pytest.fixture
def shift_position(org_world):
    from tests.org.factories import PositionFactory

    position = PositionFactory(agency=org_world.agency_a, code="A-PERAWAT", name="Perawat")
    Position.objects.filter(id=position.id).update(shift_eligible=True, shift_criterion=ShiftCriterion.DAILY_OVER_8H30)
    position.refresh_from_db()
    return position


@pytest.fixture
def roster_unit(org_world, shift_position):
    """A ROSTER unit of agency A with its basis on record and a head (`roster_unit.head`)."""
    from flexwork.org import services
    from tests.org.factories import EmployeeFactory, UnitFactory

    unit = UnitFactory(agency=org_world.agency_a, code="A-IGD", name="Instalasi Gawat Darurat", parent=org_world.div_a)
    Unit.objects.filter(id=unit.id).update(
        work_week=WorkWeek.ROSTER, work_week_basis="Keputusan Kepala Dinas No. 800/12/2026"
    )
    head = EmployeeFactory(
        agency=org_world.agency_a,
        unit=unit,
        position=shift_position,
        supervisor=org_world.unit_head_a.employee,
        name="Ns. Kartika Sari",
    )
    services.unit_update(unit=unit, data={"head": head})
    return Unit.objects.select_related("head__user", "agency").get(id=unit.id)


@pytest.fixture
def roster_head(roster_unit):
    """The roster unit's head, as a User (with `.employee`)."""
    return fetch_employee(roster_unit.head_id).user


@pytest.fixture
def shift_types(org_world) -> dict:
    from shifts.models import ShiftType

    agency = org_world.agency_a
    rows = [
        ("P", "Pagi", "#2e7d32", datetime.time(7), datetime.time(14), 0, False),
        ("S", "Siang", "#f9a825", datetime.time(14), datetime.time(21), 0, False),
        ("M", "Malam", "#3949ab", datetime.time(21), datetime.time(7), 60, True),
        ("L", "Panjang", "#c62828", datetime.time(7), datetime.time(19), 60, False),
    ]
    return {
        code: ShiftType.objects.create(
            agency=agency,
            code=code,
            name=name,
            colour=colour,
            start_time=start,
            end_time=end,
            break_minutes=breaks,
            is_night=night,
        )
        for code, name, colour, start, end, breaks, night in rows
    }


@pytest.fixture
def nurses(roster_unit, shift_position) -> list:
    """Four nurses of the roster unit (Users with `.employee`), supervised by its head."""
    from tests.org.factories import EmployeeFactory

    people = [
        EmployeeFactory(
            agency=roster_unit.agency,
            unit=roster_unit,
            position=shift_position,
            supervisor=roster_unit.head,
            name=name,
        )
        for name in NURSE_NAMES
    ]
    return [fetch_employee(e.id).user for e in people]


@pytest.fixture
def pattern_4(org_world, shift_types):
    from shifts.models import ShiftPattern

    return ShiftPattern.objects.create(
        agency=org_world.agency_a, name="Rotasi 4 regu", anchor_date=ANCHOR, cells=list(PATTERN_CELLS)
    )


def assign(users, pattern, *, date_from: datetime.date = ANCHOR, date_to=None, step: int = 2) -> list:
    from shifts.models import RosterAssignment

    return [
        RosterAssignment.objects.create(
            agency_id=pattern.agency_id,
            employee=user.employee,
            pattern=pattern,
            offset=index * step,
            date_from=date_from,
            date_to=date_to,
        )
        for index, user in enumerate(users)
    ]


@pytest.fixture
def assigned(nurses, pattern_4) -> list:
    """The nurses on `pattern_4` with offsets 0, 2, 4, 6 from the anchor on."""
    return assign(nurses, pattern_4)


@pytest.fixture
def published_roster(roster_unit, roster_head, assigned):
    """published_roster(period_start=None) → the roster unit's month generated and published (over any
    warnings). Default: next month."""

    def make(period_start: datetime.date | None = None, *, unit=None):
        from shifts import rosters
        from shifts.models import Roster

        roster = rosters.roster_for(unit=unit or roster_unit, period_start=period_start or month_start(1))
        rosters.roster_generate(roster=roster, actor=roster_head)
        roster.refresh_from_db()
        rosters.roster_publish(
            roster=roster, actor=roster_head, expected_version=roster.version, override_reason="Uji: terbit"
        )
        return Roster.objects.select_related("unit").get(id=roster.id)

    return make
