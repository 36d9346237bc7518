"""The shared shift fixtures build what they say."""

from shifts.models import ShiftType


def test_fixtures_build_a_roster_unit(roster_unit, roster_head, shift_types, nurses, pattern_4, assigned):
    assert roster_unit.work_week == "ROSTER"
    assert roster_head.employee.unit_id == roster_unit.id
    assert ShiftType.objects.get(code="M").is_night
    assert len(nurses) == 4
    assert {n.employee.unit_id for n in nurses} == {roster_unit.id}
    assert pattern_4.cell_on(pattern_4.anchor_date, 4) == "M"
    assert [a.offset for a in assigned] == [0, 2, 4, 6]
