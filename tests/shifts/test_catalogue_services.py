"""HR's shift setup (docs/rules.md §8): every rule of shift types, patterns, assignments and coverage
refuses with its code and message, and a refused call writes nothing."""

from __future__ import annotations

import datetime

import pytest

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org.models import Unit
from flexwork.org.models.organisation import WorkWeek
from shifts import catalogue
from shifts.models import RosterAssignment, ShiftCoverage, ShiftPattern, ShiftType
from tests.shifts.conftest import ANCHOR

pytestmark = pytest.mark.django_db

T = datetime.time
BASE = {"code": "X", "name": "Pagi panjang", "start_time": T(7), "end_time": T(15), "break_minutes": 30}


def refused(call, code: str, field: str | None = None) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert caught.value.message
    if field:
        assert field in caught.value.fields, caught.value.fields
    return caught.value


# ---------------------------------------------------------------------------- shift types


def test_a_shift_type_is_created_with_an_upper_case_code(org_world):
    shift_type = catalogue.shift_type_create(agency=org_world.agency_a, data={**BASE, "code": "pg"})
    assert shift_type.code == "PG"
    assert shift_type.checkin_open_before == 60 and shift_type.checkout_close_after == 240


def test_an_end_before_the_start_ends_the_next_day(org_world):
    shift_type = catalogue.shift_type_create(
        agency=org_world.agency_a, data={**BASE, "start_time": T(21), "end_time": T(7), "break_minutes": 60}
    )
    assert catalogue.span_minutes(shift_type.start_time, shift_type.end_time) == 600


def test_start_equal_to_end_is_a_24_hour_shift(org_world):
    shift_type = catalogue.shift_type_create(agency=org_world.agency_a, data={**BASE, "end_time": T(7)})
    assert catalogue.span_minutes(shift_type.start_time, shift_type.end_time) == 24 * 60


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"code": "OFF"}, "SHIFT_TYPE_CODE", "code"),
        ({"code": "POST_NIGHT"}, "SHIFT_TYPE_CODE", "code"),
        ({"code": "LM"}, "SHIFT_TYPE_CODE", "code"),
        ({"code": "A B"}, "SHIFT_TYPE_CODE", "code"),
        ({"code": ""}, "SHIFT_TYPE_CODE", "code"),
        ({"name": " "}, "SHIFT_TYPE_NAME", "name"),
        ({"colour": "green"}, "SHIFT_TYPE_COLOUR", "colour"),
        ({"break_minutes": 480}, "SHIFT_BREAK", "break_minutes"),
        ({"checkin_open_before": 721}, "SHIFT_WINDOW", "checkin_open_before"),
        ({"checkout_close_after": 721}, "SHIFT_WINDOW", "checkout_close_after"),
        ({"ramadan_start_time": T(8)}, "SHIFT_RAMADAN", "ramadan_end_time"),
        ({"ramadan_end_time": T(14)}, "SHIFT_RAMADAN", "ramadan_start_time"),
        ({"ramadan_start_time": T(8), "ramadan_end_time": T(9), "ramadan_break_minutes": 60}, "SHIFT_BREAK", None),
        ({"start_time": None}, "SHIFT_SPAN", "start_time"),
    ],
)
def test_each_shift_type_rule_refuses_and_writes_nothing(org_world, change, code, field):
    refused(lambda: catalogue.shift_type_create(agency=org_world.agency_a, data={**BASE, **change}), code, field)
    assert not ShiftType.objects.filter(agency=org_world.agency_a).exists()


def test_a_code_is_unique_in_the_agency_but_not_across_agencies(org_world):
    catalogue.shift_type_create(agency=org_world.agency_a, data=BASE)
    refused(lambda: catalogue.shift_type_create(agency=org_world.agency_a, data=BASE), "SHIFT_TYPE_CODE_TAKEN", "code")
    catalogue.shift_type_create(agency=org_world.agency_b, data=BASE)
    assert ShiftType.objects.filter(code="X").count() == 2


def test_an_update_with_a_stale_version_is_a_conflict(org_world):
    shift_type = catalogue.shift_type_create(agency=org_world.agency_a, data=BASE)
    seen = shift_type.updated_at
    catalogue.shift_type_update(shift_type=shift_type, data={"name": "Satu"}, expected_updated_at=seen)
    with pytest.raises(ConflictError):
        catalogue.shift_type_update(shift_type=shift_type, data={"name": "Dua"}, expected_updated_at=seen)
    assert ShiftType.objects.get(id=shift_type.id).name == "Satu"


def test_an_update_without_changes_writes_nothing(org_world):
    shift_type = catalogue.shift_type_create(agency=org_world.agency_a, data=BASE)
    _same, changed = catalogue.shift_type_update(shift_type=shift_type, data={"name": BASE["name"]})
    assert changed is False
    assert ShiftType.objects.get(id=shift_type.id).updated_at == shift_type.updated_at


def test_a_code_used_by_a_pattern_cannot_change(shift_types, pattern_4):
    refused(
        lambda: catalogue.shift_type_update(shift_type=shift_types["P"], data={"code": "PG"}),
        "SHIFT_TYPE_CODE_USED",
        "code",
    )
    assert ShiftType.objects.get(id=shift_types["P"].id).code == "P"


def test_a_used_shift_type_is_deactivated_not_deleted(shift_types, pattern_4):
    refused(lambda: catalogue.shift_type_delete(shift_type=shift_types["P"]), "SHIFT_TYPE_IN_USE")
    catalogue.shift_type_set_active(shift_type=shift_types["P"], active=False)
    assert ShiftType.objects.get(id=shift_types["P"].id).is_active is False
    with pytest.raises(ConflictError):  # a repeated deactivation
        catalogue.shift_type_set_active(shift_type=shift_types["P"], active=False)
    catalogue.shift_type_delete(shift_type=shift_types["L"])  # L is in no pattern
    assert not ShiftType.objects.filter(id=shift_types["L"].id).exists()


# ---------------------------------------------------------------------------- patterns


def test_a_pattern_is_typed_with_words_for_days_off(shift_types, org_world):
    cells = catalogue.parse_cells("p, p s S m,M LM libur")
    assert cells == ["P", "P", "S", "S", "M", "M", "POST_NIGHT", "OFF"]
    pattern = catalogue.pattern_create(
        agency=org_world.agency_a, data={"name": "Rotasi", "anchor_date": ANCHOR, "cells": cells}
    )
    assert pattern.cells == cells


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"cells": []}, "PATTERN_LENGTH", "cells"),
        ({"cells": ["P"] * 57}, "PATTERN_LENGTH", "cells"),
        ({"cells": ["P", "Z"]}, "PATTERN_CELLS", "cells"),
        ({"name": ""}, "PATTERN_NAME", "name"),
        ({"anchor_date": None}, "PATTERN_ANCHOR", "anchor_date"),
    ],
)
def test_each_pattern_rule_refuses_and_writes_nothing(org_world, shift_types, change, code, field):
    data = {"name": "Rotasi", "anchor_date": ANCHOR, "cells": ["P", "OFF"], **change}
    refused(lambda: catalogue.pattern_create(agency=org_world.agency_a, data=data), code, field)
    assert not ShiftPattern.objects.filter(agency=org_world.agency_a).exists()


def test_a_pattern_uses_only_active_shift_types_of_its_own_agency(org_world, shift_types):
    catalogue.shift_type_set_active(shift_type=shift_types["L"], active=False)
    data = {"name": "Rotasi", "anchor_date": ANCHOR, "cells": ["L", "OFF"]}
    error = refused(lambda: catalogue.pattern_create(agency=org_world.agency_a, data=data), "PATTERN_CELLS")
    assert "“L”" in error.message
    refused(lambda: catalogue.pattern_create(agency=org_world.agency_b, data={**data, "cells": ["P"]}), "PATTERN_CELLS")


def test_a_pattern_name_is_unique_in_the_agency(org_world, pattern_4):
    data = {"name": pattern_4.name, "anchor_date": ANCHOR, "cells": ["P"]}
    refused(lambda: catalogue.pattern_create(agency=org_world.agency_a, data=data), "PATTERN_NAME_TAKEN", "name")


def test_a_pattern_cannot_become_shorter_than_an_assignment_offset(assigned, pattern_4):
    refused(
        lambda: catalogue.pattern_update(pattern=pattern_4, data={"cells": ["P", "S", "M"]}),
        "ASSIGNMENT_OFFSET",
        "cells",
    )
    assert ShiftPattern.objects.get(id=pattern_4.id).cells == pattern_4.cells


def test_the_preview_follows_the_cycle_and_the_offset(pattern_4):
    days = catalogue.pattern_preview(pattern=pattern_4, date_from=ANCHOR, offset=2, days=14)
    assert [d.cell for d in days[:8]] == ["S", "S", "M", "M", "POST_NIGHT", "OFF", "P", "P"]
    assert days[0].shift_type.code == "S" and days[4].shift_type is None
    assert len(days) == 14


def test_a_fixed_week_is_seven_cells_from_a_monday(org_world, shift_types):
    week = catalogue.pattern_create(
        agency=org_world.agency_a,
        data={"name": "Pekan tetap", "anchor_date": ANCHOR, "cells": ["P"] * 6 + ["OFF"]},
    )
    assert catalogue.is_fixed_week(week)
    week.anchor_date = ANCHOR + datetime.timedelta(days=1)
    assert not catalogue.is_fixed_week(week)


# ---------------------------------------------------------------------------- assignments


def test_an_assignment_is_made_for_a_roster_employee(org_world, nurses, pattern_4):
    assignment = catalogue.assignment_create(
        agency=org_world.agency_a, employee=nurses[0].employee, pattern=pattern_4, offset=3, date_from=ANCHOR
    )
    assert assignment.offset == 3 and assignment.date_to is None


def test_an_assignment_needs_a_unit_that_does_not_work_monday_to_friday(org_world, pattern_4):
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a, employee=org_world.employee_a.employee, pattern=pattern_4, date_from=ANCHOR
        ),
        "ASSIGNMENT_UNIT",
        "employee",
    )
    assert not RosterAssignment.objects.exists()


def test_an_offset_lies_inside_the_cycle(org_world, nurses, pattern_4):
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a, employee=nurses[0].employee, pattern=pattern_4, offset=8, date_from=ANCHOR
        ),
        "ASSIGNMENT_OFFSET",
        "offset",
    )


def test_assignments_of_one_person_do_not_overlap(org_world, nurses, pattern_4):
    employee = nurses[0].employee
    first = catalogue.assignment_create(
        agency=org_world.agency_a,
        employee=employee,
        pattern=pattern_4,
        date_from=ANCHOR,
        date_to=ANCHOR + datetime.timedelta(days=30),
    )
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a, employee=employee, pattern=pattern_4, date_from=ANCHOR + datetime.timedelta(30)
        ),
        "ASSIGNMENT_OVERLAP",
        "date_from",
    )
    catalogue.assignment_create(
        agency=org_world.agency_a, employee=employee, pattern=pattern_4, date_from=ANCHOR + datetime.timedelta(31)
    )
    assert RosterAssignment.objects.filter(employee=employee).count() == 2
    assert first.date_to == ANCHOR + datetime.timedelta(days=30)


def test_dates_go_forward(org_world, nurses, pattern_4):
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a,
            employee=nurses[0].employee,
            pattern=pattern_4,
            date_from=ANCHOR,
            date_to=ANCHOR - datetime.timedelta(days=1),
        ),
        "ASSIGNMENT_DATES",
        "date_to",
    )


def test_a_fixed_week_unit_takes_only_a_fixed_week_pattern(org_world, nurses, pattern_4, roster_unit):
    Unit.objects.filter(id=roster_unit.id).update(work_week=WorkWeek.FIXED_WEEK)
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a, employee=nurses[0].employee, pattern=pattern_4, date_from=ANCHOR
        ),
        "ASSIGNMENT_PATTERN",
        "pattern",
    )


def test_an_inactive_pattern_takes_no_new_assignments(org_world, nurses, pattern_4):
    catalogue.pattern_set_active(pattern=pattern_4, active=False)
    refused(
        lambda: catalogue.assignment_create(
            agency=org_world.agency_a, employee=nurses[0].employee, pattern=pattern_4, date_from=ANCHOR
        ),
        "ASSIGNMENT_PATTERN",
        "pattern",
    )


def test_an_assignment_ends_earlier_only_and_once(assigned):
    assignment = assigned[0]
    end = ANCHOR + datetime.timedelta(days=10)
    refused(
        lambda: catalogue.assignment_end(assignment=assignment, date_to=ANCHOR - datetime.timedelta(days=1)),
        "ASSIGNMENT_DATES",
        "date_to",
    )
    catalogue.assignment_end(assignment=assignment, date_to=end, expected_updated_at=assignment.updated_at)
    with pytest.raises(ConflictError):  # the same form sent again
        catalogue.assignment_end(assignment=assignment, date_to=end, expected_updated_at=assignment.updated_at)
    refused(
        lambda: catalogue.assignment_end(assignment=assignment, date_to=end + datetime.timedelta(days=1)),
        "ASSIGNMENT_DATES",
    )
    assert RosterAssignment.objects.get(id=assignment.id).date_to == end


# ---------------------------------------------------------------------------- coverage


def test_coverage_is_set_changed_and_removed(org_world, roster_unit, shift_types, shift_position):
    agency = org_world.agency_a
    row = catalogue.coverage_set(
        agency=agency, unit=roster_unit, shift_type=shift_types["M"], day_kind="WEEKDAY", min_staff=2
    )
    assert row.min_staff == 2 and row.lead_position is None
    row = catalogue.coverage_set(
        agency=agency,
        unit=roster_unit,
        shift_type=shift_types["M"],
        day_kind="WEEKDAY",
        min_staff=3,
        lead_position=shift_position,
        min_lead=1,
    )
    assert ShiftCoverage.objects.get().min_staff == 3 and row.min_lead == 1
    assert (
        catalogue.coverage_set(
            agency=agency, unit=roster_unit, shift_type=shift_types["M"], day_kind="WEEKDAY", min_staff=0
        )
        is None
    )
    assert not ShiftCoverage.objects.exists()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"day_kind": "MONDAY"}, "COVERAGE_DAY", "day_kind"),
        ({"min_staff": 1000}, "COVERAGE_STAFF", "min_staff"),
        ({"min_staff": 1, "min_lead": 2}, "COVERAGE_LEAD", "min_lead"),
        ({"min_staff": 2, "min_lead": 1}, "COVERAGE_LEAD", "lead_position"),
    ],
)
def test_each_coverage_rule_refuses_and_writes_nothing(org_world, roster_unit, shift_types, change, code, field):
    data = {"day_kind": "SATURDAY", "min_staff": 1, **change}
    refused(
        lambda: catalogue.coverage_set(
            agency=org_world.agency_a, unit=roster_unit, shift_type=shift_types["P"], **data
        ),
        code,
        field,
    )
    assert not ShiftCoverage.objects.exists()


def test_coverage_needs_a_shift_unit(org_world, shift_types):
    refused(
        lambda: catalogue.coverage_set(
            agency=org_world.agency_a,
            unit=org_world.employee_a.employee.unit,
            shift_type=shift_types["P"],
            day_kind="WEEKDAY",
            min_staff=1,
        ),
        "COVERAGE_UNIT",
        "unit",
    )
