"""The shift catalogue API (docs/api.md shift row): shift types, patterns and roster assignments.
Staff of the agency read; HR writes; another agency's object is a 404; a stale edit a 409."""

from __future__ import annotations

import datetime

import pytest

from shifts.models import RosterAssignment, ShiftPattern, ShiftType
from tests.org.helpers import assert_error, queries_for
from tests.shifts.conftest import ANCHOR

pytestmark = pytest.mark.django_db

TYPES = "/api/v1/shift-types/"
PATTERNS = "/api/v1/shift-patterns/"
ASSIGNMENTS = "/api/v1/roster-assignments/"
NIGHT = {"code": "N", "name": "Malam", "start_time": "21:00", "end_time": "07:00", "break_minutes": 60}


def test_hr_creates_a_night_shift(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(TYPES, NIGHT, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ends_next_day"] is True and body["span_minutes"] == 600 and body["net_minutes"] == 540


def test_a_span_over_the_rules_is_a_400_with_its_code(client_for, org_world):
    body = {**NIGHT, "break_minutes": 600}
    assert_error(client_for(org_world.hr_admin_a).post(TYPES, body, format="json"), 400, code="SHIFT_BREAK")
    assert not ShiftType.objects.exists()


def test_staff_read_but_may_not_write(client_for, org_world, shift_types):
    client = client_for(org_world.employee_a)
    assert [t["code"] for t in client.get(TYPES).json()["results"]] == ["L", "P", "S", "M"]
    assert_error(client.post(TYPES, NIGHT, format="json"), 403)
    assert_error(client.patch(f"{TYPES}{shift_types['P'].id}/", {"name": "X"}, format="json"), 403)


def test_another_agencys_shift_type_is_a_404(client_for, org_world, shift_types):
    url = f"{TYPES}{shift_types['P'].id}/"
    assert_error(client_for(org_world.hr_admin_b).get(url), 404)
    assert_error(client_for(org_world.hr_admin_b).patch(url, {"name": "X"}, format="json"), 404)
    assert client_for(org_world.hr_admin_b).get(TYPES).json()["results"] == []


def test_a_stale_edit_is_a_409_and_writes_nothing(client_for, org_world, shift_types):
    client = client_for(org_world.hr_admin_a)
    url = f"{TYPES}{shift_types['P'].id}/"
    version = client.get(url).json()["updated_at"]
    assert client.patch(url, {"name": "Pagi 1", "version": version}, format="json").status_code == 200
    assert_error(client.patch(url, {"name": "Pagi 2", "version": version}, format="json"), 409)
    assert ShiftType.objects.get(id=shift_types["P"].id).name == "Pagi 1"


def test_deactivating_twice_is_a_409(client_for, org_world, shift_types):
    client = client_for(org_world.hr_admin_a)
    url = f"{TYPES}{shift_types['L'].id}/"
    version = client.get(url).json()["updated_at"]
    assert client.patch(url, {"is_active": False, "version": version}, format="json").json()["is_active"] is False
    assert_error(client.patch(url, {"is_active": False, "version": version}, format="json"), 409)


def test_a_used_shift_type_cannot_be_deleted(client_for, org_world, shift_types, pattern_4):
    client = client_for(org_world.hr_admin_a)
    assert_error(client.delete(f"{TYPES}{shift_types['P'].id}/"), 400, code="SHIFT_TYPE_IN_USE")
    assert client.delete(f"{TYPES}{shift_types['L'].id}/").status_code == 204


def test_hr_creates_and_changes_a_pattern(client_for, org_world, shift_types):
    client = client_for(org_world.hr_admin_a)
    body = {"name": "Pekan tetap", "anchor_date": "2026-01-05", "cells": ["P", "P", "P", "P", "P", "OFF", "OFF"]}
    created = client.post(PATTERNS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["is_fixed_week"] is True
    url = f"{PATTERNS}{created.json()['id']}/"
    changed = client.patch(url, {"cells": ["P", "Z"], "version": created.json()["updated_at"]}, format="json")
    assert_error(changed, 400, code="PATTERN_CELLS")
    assert ShiftPattern.objects.get(id=created.json()["id"]).cells[0] == "P"


def test_a_pattern_of_another_agency_is_a_404(client_for, org_world, pattern_4):
    assert_error(client_for(org_world.employee_b).get(f"{PATTERNS}{pattern_4.id}/"), 404)


def test_hr_assigns_a_nurse_and_ends_the_assignment(client_for, org_world, nurses, pattern_4):
    client = client_for(org_world.hr_admin_a)
    body = {"employee": nurses[0].employee.id, "pattern": pattern_4.id, "offset": 2, "date_from": "2026-01-05"}
    created = client.post(ASSIGNMENTS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["employee"]["name"] == nurses[0].employee.name
    assert_error(client.post(ASSIGNMENTS, body, format="json"), 400, code="ASSIGNMENT_OVERLAP")
    url = f"{ASSIGNMENTS}{created.json()['id']}/"
    version = created.json()["updated_at"]
    ended = client.patch(url, {"date_to": "2026-02-28", "version": version}, format="json")
    assert ended.status_code == 200 and ended.json()["date_to"] == "2026-02-28"
    assert_error(client.patch(url, {"date_to": "2026-02-27", "version": version}, format="json"), 409)


def test_an_office_employee_cannot_be_assigned(client_for, org_world, pattern_4):
    body = {"employee": org_world.employee_a.employee.id, "pattern": pattern_4.id, "date_from": "2026-01-05"}
    assert_error(client_for(org_world.hr_admin_a).post(ASSIGNMENTS, body, format="json"), 400, code="ASSIGNMENT_UNIT")


def test_an_employee_of_another_agency_is_unknown(client_for, org_world, pattern_4):
    body = {"employee": org_world.employee_b.employee.id, "pattern": pattern_4.id, "date_from": "2026-01-05"}
    assert_error(client_for(org_world.hr_admin_a).post(ASSIGNMENTS, body, format="json"), 400, field="employee")
    assert not RosterAssignment.objects.exists()


def test_assignments_are_read_within_reach(client_for, org_world, assigned, roster_head, nurses):
    everyone = client_for(org_world.hr_admin_a).get(ASSIGNMENTS).json()
    assert everyone["count"] == 4
    assert client_for(roster_head).get(ASSIGNMENTS).json()["count"] == 4
    own = client_for(nurses[1]).get(ASSIGNMENTS).json()["results"]
    assert [a["employee"]["id"] for a in own] == [nurses[1].employee.id]
    assert client_for(org_world.employee_a).get(ASSIGNMENTS).json()["count"] == 0
    assert_error(client_for(org_world.hr_admin_b).get(f"{ASSIGNMENTS}{assigned[0].id}/"), 404)
    by_unit = client_for(org_world.hr_admin_a).get(f"{ASSIGNMENTS}?unit={nurses[0].employee.unit_id}").json()
    assert by_unit["count"] == 4


@pytest.mark.parametrize("url", [TYPES, PATTERNS, ASSIGNMENTS])
def test_the_lists_cost_a_fixed_number_of_queries(client_for, org_world, nurses, shift_types, url):
    from shifts import catalogue

    client = client_for(org_world.hr_admin_a)
    pattern = ShiftPattern.objects.create(agency=org_world.agency_a, name="Satu", anchor_date=ANCHOR, cells=["P"])
    catalogue.assignment_create(
        agency=org_world.agency_a, employee=nurses[0].employee, pattern=pattern, date_from=ANCHOR
    )
    few = queries_for(client, url)
    for index in range(1, 4):
        more = ShiftPattern.objects.create(
            agency=org_world.agency_a, name=f"Pola {index}", anchor_date=ANCHOR, cells=["S", "OFF"]
        )
        catalogue.assignment_create(
            agency=org_world.agency_a, employee=nurses[index].employee, pattern=more, date_from=ANCHOR
        )
        ShiftType.objects.create(
            agency=org_world.agency_a,
            code=f"Q{index}",
            name="Q",
            start_time=datetime.time(8),
            end_time=datetime.time(9),
        )
    assert queries_for(client, url) == few
    assert few <= 5  # savepoint, scope, count, page, release
