"""A transfer to another agency and a NIP correction (docs/rules.md §7): done by the sending
agency's HR, audited with old and new, their consequences through the services and the engine."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from flexwork.approvals.models import ApprovalStatus, Delegation, Transition
from flexwork.notifications.models import Notification
from flexwork.org import services as org_services
from flexwork.org.models import Employee, EmployeeChange, EmployeeChangeKind, Role, RoleAssignment, Unit
from schedules.models import ScheduleDay
from tests.org.factories import nip_for
from tests.schedules.conftest import (
    approve_fully,
    create,
    days,
    emp,
    fetch,
    next_monday,
    personas_have_homes,  # noqa: F401 (autouse: HOME requests pass)
)

pytestmark = pytest.mark.django_db
S = ApprovalStatus


@pytest.fixture
def hr(client, hr_admin_a):
    client.force_login(hr_admin_a)
    return client


def version(user) -> str:
    return Employee.objects.get(id=user.employee.id).updated_at.isoformat()


def transfer_data(user, to_agency, **overrides) -> dict:
    data = {
        "version": version(user),
        "agency": to_agency.id,
        "effective_date": "2026-12-02",
        "reason": "SK mutasi 821/2026",
        "confirm": "on",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------- transfer


def test_the_transfer_page_says_what_will_happen(hr, employee_a, supervisor_a, agency_b):
    response = hr.get(f"/hr/employees/{supervisor_a.employee.id}/transfer/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dinas B" in page and "Dinas A" not in page.split("<select")[1].split("</select>")[0]
    assert "1 direct report" in page or "1 bawahan langsung" in page


def test_a_transfer_moves_the_employee_and_keeps_the_history_here(
    hr, employee_a, supervisor_a, unit_head_a, hr_admin_a, hr_admin_b, agency_a, agency_b
):
    day = next_monday(2, employee_user=employee_a)
    approved = approve_fully(create(employee_a, days(day, 0)), supervisor=supervisor_a, decider=unit_head_a)
    pending = create(employee_a, days(day, 4))

    response = hr.post(f"/hr/employees/{employee_a.employee.id}/transfer/", transfer_data(employee_a, agency_b))

    assert response.status_code == 302
    moved = Employee.objects.get(id=employee_a.employee.id)
    root_b = Unit.objects.get(agency=agency_b, parent__isnull=True)
    assert (moved.agency_id, moved.unit_id, moved.supervisor_id, moved.position_id) == (
        agency_b.id,
        root_b.id,
        None,
        None,
    )
    assert fetch(pending).status == S.WITHDRAWN
    assert Transition.objects.get(object_id=pending.id, action="withdraw").note == "SK mutasi 821/2026"
    assert fetch(approved).status == S.CANCELLED
    assert Transition.objects.get(object_id=approved.id, action="cancel").note == "SK mutasi 821/2026"
    assert not ScheduleDay.objects.filter(employee=moved, cancelled_at__isnull=True).exists()
    # The history stays with the sending agency.
    assert fetch(approved).agency_id == agency_a.id
    here = EmployeeChange.objects.get(agency=agency_a, employee=moved, kind=EmployeeChangeKind.TRANSFERRED)
    there = EmployeeChange.objects.get(agency=agency_b, employee=moved, kind=EmployeeChangeKind.TRANSFERRED)
    for change in (here, there):
        assert (change.old_id, change.new_id, change.actor_id) == (agency_a.id, agency_b.id, hr_admin_a.id)
        assert change.reason == "SK mutasi 821/2026"
    told = Notification.objects.get(recipient=employee_a, kind="employee_transferred")
    assert "Dinas A" in told.body and "Dinas B" in told.body and "2 Des 2026" in told.body
    assert Notification.objects.filter(recipient=hr_admin_b, kind="employee_transferred_in").exists()
    # Now the receiving agency's HR sees them, and the sending agency's no longer does.
    assert hr.get(f"/hr/employees/{moved.id}/").status_code == 404
    hr.force_login(hr_admin_b)
    assert hr.get(f"/hr/employees/{moved.id}/").status_code == 200


def test_a_transferred_supervisor_leaves_their_reports_and_requests_rerouted(
    hr, employee_a, supervisor_a, unit_head_a, agency_b
):
    day = next_monday(2, employee_user=employee_a)
    ar = create(employee_a, days(day, 0))
    assert fetch(ar).recommender_id == supervisor_a.employee.id

    response = hr.post(f"/hr/employees/{supervisor_a.employee.id}/transfer/", transfer_data(supervisor_a, agency_b))

    assert response.status_code == 302
    assert Employee.objects.get(id=employee_a.employee.id).supervisor_id is None
    ar = fetch(ar)
    assert ar.recommender_id is None and ar.decider_id == unit_head_a.employee.id
    assert EmployeeChange.objects.filter(employee=employee_a.employee, kind=EmployeeChangeKind.SUPERVISOR).exists()


def test_a_transferred_unit_head_leaves_the_unit_without_head_and_roles_end(
    hr, employee_a, unit_head_a, agency_head_a, agency_a, agency_b
):
    Delegation.objects.create(
        agency=agency_a,
        delegator=unit_head_a.employee,
        delegate=agency_head_a.employee,
        date_from=next_monday(0, employee_user=employee_a),
        date_to=next_monday(4, employee_user=employee_a),
        kinds=["arrangement"],
    )
    org_services.role_assign(agency=agency_a, user=unit_head_a, role=Role.HR_ADMIN)
    ar = create(employee_a, days(next_monday(2, employee_user=employee_a), 0))

    response = hr.post(f"/hr/employees/{unit_head_a.employee.id}/transfer/", transfer_data(unit_head_a, agency_b))

    assert response.status_code == 302
    assert not Unit.objects.filter(head_id=unit_head_a.employee.id).exists()
    assert fetch(ar).decider_id == agency_head_a.employee.id
    assert not RoleAssignment.objects.filter(user=unit_head_a).exists()
    assert not Delegation.objects.filter(delegator=unit_head_a.employee, revoked_at__isnull=True).exists()


def test_the_last_hr_admin_cannot_be_transferred(hr, hr_admin_a, agency_b):
    response = hr.post(f"/hr/employees/{hr_admin_a.employee.id}/transfer/", transfer_data(hr_admin_a, agency_b))
    assert response.status_code == 409
    assert Employee.objects.get(id=hr_admin_a.employee.id).agency_id != agency_b.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"confirm": ""}, "confirm"),
        ({"agency": "999999"}, "agency"),
        ({"effective_date": "9999-12-31"}, "effective_date"),
    ],
)
def test_bad_transfer_input_is_a_form_error(hr, employee_a, agency_b, overrides, field):
    data = transfer_data(employee_a, agency_b, **overrides)
    response = hr.post(f"/hr/employees/{employee_a.employee.id}/transfer/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Employee.objects.get(id=employee_a.employee.id).agency_id == employee_a.employee.agency_id


def test_the_own_agency_is_not_a_choice(hr, employee_a, agency_a):
    response = hr.post(f"/hr/employees/{employee_a.employee.id}/transfer/", transfer_data(employee_a, agency_a))
    assert response.status_code == 400


def test_a_double_submit_transfers_once(hr, employee_a, agency_b):
    data = transfer_data(employee_a, agency_b)
    first = hr.post(f"/hr/employees/{employee_a.employee.id}/transfer/", data)
    second = hr.post(f"/hr/employees/{employee_a.employee.id}/transfer/", data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert EmployeeChange.objects.filter(employee=employee_a.employee, kind=EmployeeChangeKind.TRANSFERRED).count() == 2


def test_transfer_hides_other_agencies_and_forbids_other_roles(client, employee_a, employee_b, org_world, agency_a):
    client.force_login(org_world.hr_admin_a)
    assert client.get(f"/hr/employees/{employee_b.employee.id}/transfer/").status_code == 404
    assert (
        client.post(
            f"/hr/employees/{employee_b.employee.id}/transfer/", transfer_data(employee_b, agency_a)
        ).status_code
        == 404
    )
    for persona in ("supervisor_a", "unit_head_a", "agency_head_a"):
        client.force_login(getattr(org_world, persona))
        assert client.get(f"/hr/employees/{employee_a.employee.id}/transfer/").status_code == 403
    assert Employee.objects.get(id=employee_b.employee.id).agency_id == org_world.agency_b.id


# ---------------------------------------------------------------------------- NIP correction


def nip_url(user) -> str:
    return f"/hr/employees/{user.employee.id}/nip/"


def test_a_nip_correction_is_recorded_and_the_login_follows(hr, employee_a, hr_admin_a):
    old = employee_a.employee.nip
    new = nip_for(4321)
    employee_a.set_password("demo-pass-123")
    employee_a.save()

    response = hr.post(nip_url(employee_a), {"version": version(employee_a), "nip": new, "reason": "Salah ketik"})

    assert response.status_code == 302
    employee = Employee.objects.select_related("user").get(id=employee_a.employee.id)
    assert employee.nip == new and employee.user.username == new
    change = EmployeeChange.objects.get(employee=employee, kind=EmployeeChangeKind.NIP_CORRECTED)
    assert (change.old_value, change.new_value, change.reason, change.actor_id) == (
        old,
        new,
        "Salah ketik",
        hr_admin_a.id,
    )
    assert authenticate(username=new, password="demo-pass-123") is not None
    assert authenticate(username=old, password="demo-pass-123") is None
    assert Notification.objects.filter(recipient=employee.user, kind="employee_nip_corrected").exists()
    page = hr.get(f"/hr/employees/{employee.id}/").content.decode()
    assert old in page and new in page  # the history shows old and new


@pytest.mark.parametrize(
    "nip",
    ["123", "19650101200501100A", "196513012005011001", "196501012005131001", "196501012005013001"],
)
def test_a_bad_nip_is_a_form_error(hr, employee_a, nip):
    response = hr.post(nip_url(employee_a), {"version": version(employee_a), "nip": nip, "reason": "Salah ketik"})
    assert response.status_code == 400
    assert "nip" in response.context["form"].errors
    assert Employee.objects.get(id=employee_a.employee.id).nip == employee_a.employee.nip


def test_a_nip_in_use_is_refused(hr, employee_a, employee_b):
    response = hr.post(
        nip_url(employee_a), {"version": version(employee_a), "nip": employee_b.employee.nip, "reason": "x"}
    )
    assert response.status_code == 409
    assert "nip" in response.context["form"].errors


def test_a_nip_correction_needs_a_reason_and_a_fresh_form(hr, employee_a):
    stale = version(employee_a)
    response = hr.post(nip_url(employee_a), {"version": stale, "nip": nip_for(4322), "reason": ""})
    assert response.status_code == 400
    assert hr.post(nip_url(employee_a), {"version": stale, "nip": nip_for(4322), "reason": "x"}).status_code == 302
    again = hr.post(nip_url(employee_a), {"version": stale, "nip": nip_for(4323), "reason": "x"})
    assert again.status_code == 409
    assert Employee.objects.get(id=employee_a.employee.id).nip == nip_for(4322)


def test_nip_correction_hides_other_agencies_and_forbids_other_roles(client, employee_a, employee_b, org_world):
    client.force_login(org_world.hr_admin_a)
    assert client.get(nip_url(employee_b)).status_code == 404
    client.force_login(org_world.supervisor_a)
    assert client.get(nip_url(employee_a)).status_code == 403
    body = {"version": version(employee_a), "nip": nip_for(4324), "reason": "x"}
    assert client.post(nip_url(employee_a), body).status_code == 403
    assert Employee.objects.get(id=employee_a.employee.id).nip == employee_a.employee.nip


def test_emp_helper_still_finds_a_transferred_person(employee_a, agency_b, hr_admin_a):
    org_services.employee_transfer(employee=emp(employee_a), to_agency=agency_b, actor=hr_admin_a, reason="SK")
    assert emp(employee_a).agency_id == agency_b.id
