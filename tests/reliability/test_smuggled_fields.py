"""Writes that try to set status, employee, agency, approver, role or scope fields: ignored or refused,
the database unchanged."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def smuggled(world) -> dict:
    o = world.org
    return {
        "status": "approved",
        "step": "DECIDE",
        "employee": o.supervisor_a.employee.id,
        "employee_id": o.supervisor_a.employee.id,
        "agency": o.agency_b.id,
        "agency_id": o.agency_b.id,
        "decider": o.employee_a.employee.id,
        "recommender": o.employee_a.employee.id,
        "approver": o.employee_a.id,
        "role": "HR_ADMIN",
        "roles": ["HR_ADMIN", "AGENCY_HEAD"],
        "scope": "agency",
        "is_staff": True,
        "is_superuser": True,
        "user": o.hr_admin_a.id,
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_creating_an_arrangement_ignores_status_owner_agency_and_approvers(world):
    from schedules.models import ArrangementRequest

    o = world.org
    monday = world.monday + datetime.timedelta(weeks=1)
    body = {
        "location": "HOME",
        "dates": [monday.isoformat()],
        "reason": "Menyusun laporan",
        "work_plan": [{"description": "Draf", "quantity": 1, "unit": "dokumen", "indicator": None}],
        **smuggled(world),
    }
    response = api(o.employee_a).post("/api/v1/arrangements/", body, format="json")

    assert response.status_code in (201, 400), response.content
    for ar in ArrangementRequest.objects.exclude(id__in=[world.arrangement.id, world.arrangement_b.id]):
        assert ar.employee_id == o.employee_a.employee.id
        assert ar.agency_id == o.agency_a.id
        assert ar.status == "draft"
        assert ar.decider_id != o.employee_a.employee.id and ar.recommender_id != o.employee_a.employee.id


def test_editing_an_arrangement_cannot_move_it_or_decide_it(world):
    from schedules.models import ArrangementRequest

    o = world.org
    before = ArrangementRequest.objects.values().get(id=world.arrangement.id)

    response = api(o.employee_a).patch(f"/api/v1/arrangements/{world.arrangement.id}/", smuggled(world), format="json")

    assert response.status_code in (200, 400, 403, 409), response.content
    after = ArrangementRequest.objects.values().get(id=world.arrangement.id)
    for field in ("employee_id", "agency_id", "status", "step", "decider_id", "recommender_id"):
        assert after[field] == before[field], field


def test_a_leave_request_is_always_the_callers_own(world):
    from attendance.models import LeaveRequest

    o = world.org
    day = world.monday + datetime.timedelta(weeks=2)
    body = {"kind": "CT", "date_from": day.isoformat(), "date_to": day.isoformat(), "reason": "Cuti", **smuggled(world)}

    response = api(o.employee_a).post("/api/v1/leaves/", body, format="json")

    assert response.status_code in (201, 400), response.content
    for leave in LeaveRequest.objects.exclude(id=world.leave.id):
        assert (leave.employee_id, leave.agency_id) == (o.employee_a.employee.id, o.agency_a.id)
        assert leave.status != "approved"


def test_hr_cannot_move_an_employee_to_another_agency_or_give_roles_through_the_employee_api(world):
    from flexwork.accounts.models import User
    from flexwork.org.models import Employee, RoleAssignment

    o = world.org
    employee = o.employee_a.employee
    roles_before = set(RoleAssignment.objects.values_list("user_id", "role"))

    response = api(o.hr_admin_a).patch(f"/api/v1/employees/{employee.id}/", smuggled(world), format="json")

    assert response.status_code in (200, 400), response.content
    after = Employee.objects.get(id=employee.id)
    assert (after.agency_id, after.user_id) == (o.agency_a.id, o.employee_a.id)
    user = User.objects.get(id=o.employee_a.id)
    assert not user.is_staff and not user.is_superuser
    assert set(RoleAssignment.objects.values_list("user_id", "role")) == roles_before


def test_an_employee_cannot_set_their_own_scope_on_a_check_in(world):
    from attendance.models import CheckEvent

    o = world.org
    body = {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 8, **smuggled(world)}

    response = api(o.employee_a).post("/api/v1/attendance/check-in/", body, format="json")

    assert response.status_code in (200, 201, 400, 409), response.content
    for event in CheckEvent.objects.all():
        assert (event.employee_id, event.agency_id) == (o.employee_a.employee.id, o.agency_a.id)
