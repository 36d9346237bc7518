"""The agency's roles page (docs/rules.md §7): HR admins appointed and removed (never the last one),
unit heads appointed with re-routing, the MFA duty at once, 403/404, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.approvals.models import Transition
from flexwork.notifications.models import Notification
from flexwork.org import services as org_services
from flexwork.org.models import Agency, Role, RoleAssignment, Unit
from tests.org.factories import EmployeeFactory, UnitFactory
from tests.schedules.conftest import (
    create,
    days,
    fetch,
    next_monday,
    personas_have_homes,  # noqa: F401 (autouse: HOME requests pass)
)

pytestmark = pytest.mark.django_db
URL = "/hr/roles/"


@pytest.fixture
def hr(client, hr_admin_a):
    client.force_login(hr_admin_a)
    return client


def hr_holders(agency) -> set[int]:
    return set(RoleAssignment.objects.filter(agency=agency, role=Role.HR_ADMIN).values_list("user_id", flat=True))


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_page_lists_who_holds_which_role(hr, org_world, language):
    hr.cookies["django_language"] = language
    response = hr.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    for name in ("Admin SDM A", "Kepala Dinas A", "Kepala Bidang A", "Bidang A", "Seksi A"):
        assert name in page
    assert "Admin SDM B" not in page and "Sekretariat B" not in page
    assert org_world.hr_admin_a.employee.nip not in page  # names, not NIPs


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a", "agency_head_a"])
def test_it_forbids_other_roles(client, org_world, persona):
    client.force_login(getattr(org_world, persona))
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"action": "hr_add", "hr-nip": getattr(org_world, persona).employee.nip})
    assert response.status_code == 403
    assert hr_holders(org_world.agency_a) == {org_world.hr_admin_a.id}


def test_it_hides_other_agencies(hr, org_world):
    """Another agency's person is unknown here; another agency's assignment or unit is a 404."""
    response = hr.post(URL, {"action": "hr_add", "hr-nip": org_world.employee_b.employee.nip})
    assert response.status_code == 400
    assert "nip" in response.context["add_form"].errors
    assignment_b = RoleAssignment.objects.get(agency=org_world.agency_b, role=Role.HR_ADMIN)
    assert hr.post(URL, {"action": "hr_remove", "assignment": assignment_b.id}).status_code == 404
    assert hr.post(URL, {"action": "head_clear", "unit": org_world.root_b.id}).status_code == 404
    assert RoleAssignment.objects.filter(id=assignment_b.id).exists()


def test_appointing_an_hr_admin_applies_the_mfa_duty_at_once(hr, client, org_world):
    person = org_world.supervisor_a
    Agency.objects.filter(id=org_world.agency_a.id).update(mfa_required_for_hr=True)
    assert not person.mfa_required_by_policy

    response = hr.post(URL, {"action": "hr_add", "hr-nip": person.employee.nip})

    assert response.status_code == 302
    assert hr_holders(org_world.agency_a) == {org_world.hr_admin_a.id, person.id}
    person.refresh_from_db()
    assert person.mfa_required_by_policy  # the agency requires an authenticator app for HR
    told = Notification.objects.get(recipient=person, kind="role_assigned")
    assert "Admin SDM" in told.body and "Dinas A" in told.body  # in the person's language
    client.force_login(person)
    answer = client.get("/hr/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/2fa/totp/activate/")
    assignment = RoleAssignment.objects.get(agency=org_world.agency_a, user=person)
    assert apps.get_model("org", "RoleAssignmentEvent").objects.filter(pgh_obj_id=assignment.id).exists()


def test_a_double_submit_appoints_once(hr, org_world):
    data = {"action": "hr_add", "hr-nip": org_world.supervisor_a.employee.nip}
    assert hr.post(URL, data).status_code == 302
    assert hr.post(URL, data).status_code == 302
    assert RoleAssignment.objects.filter(agency=org_world.agency_a, user=org_world.supervisor_a).count() == 1
    assert Notification.objects.filter(recipient=org_world.supervisor_a, kind="role_assigned").count() == 1


def test_the_last_hr_admin_is_never_removed(hr, org_world):
    only = RoleAssignment.objects.get(agency=org_world.agency_a, role=Role.HR_ADMIN)

    response = hr.post(URL, {"action": "hr_remove", "assignment": only.id})

    assert response.status_code == 409
    assert RoleAssignment.objects.filter(id=only.id).exists()


def test_an_hr_admin_is_removed_when_another_remains(hr, org_world):
    org_services.role_assign(agency=org_world.agency_a, user=org_world.supervisor_a, role=Role.HR_ADMIN)
    other = RoleAssignment.objects.get(agency=org_world.agency_a, user=org_world.supervisor_a)

    assert hr.post(URL, {"action": "hr_remove", "assignment": other.id}).status_code == 302
    assert hr_holders(org_world.agency_a) == {org_world.hr_admin_a.id}
    org_world.supervisor_a.refresh_from_db()
    assert not org_world.supervisor_a.mfa_required_by_policy
    # A repeated removal finds nothing to remove: 404, nothing written.
    assert hr.post(URL, {"action": "hr_remove", "assignment": other.id}).status_code == 404


def test_a_new_unit_head_decides_the_waiting_requests(hr, org_world, employee_a, supervisor_a, unit_head_a):
    day = next_monday(2, employee_user=employee_a)
    ar = create(employee_a, days(day, 0))
    assert fetch(ar).decider_id == unit_head_a.employee.id

    response = hr.post(URL, {"action": "head_set", "unit": org_world.div_a.id, "head-nip": supervisor_a.employee.nip})

    assert response.status_code == 302
    assert Unit.objects.get(id=org_world.div_a.id).head_id == supervisor_a.employee.id
    ar = fetch(ar)
    # The supervisor now decides, so the recommendation step is skipped.
    assert ar.decider_id == supervisor_a.employee.id and ar.recommender_id is None
    assert Transition.objects.filter(object_id=ar.id, action="reroute").count() == 1


def test_removing_a_head_reroutes_upwards(hr, org_world, employee_a, unit_head_a, agency_head_a):
    day = next_monday(2, employee_user=employee_a)
    ar = create(employee_a, days(day, 0))

    assert hr.post(URL, {"action": "head_clear", "unit": org_world.div_a.id}).status_code == 302

    assert Unit.objects.get(id=org_world.div_a.id).head_id is None
    assert fetch(ar).decider_id == agency_head_a.employee.id


def test_bad_head_input_is_a_form_error(hr, org_world):
    response = hr.post(URL, {"action": "head_set", "unit": org_world.div_a.id, "head-nip": "123"})
    assert response.status_code == 400
    assert "nip" in response.context["head_form"].errors
    assert Unit.objects.get(id=org_world.div_a.id).head_id == org_world.unit_head_a.employee.id


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_number_of_people(hr, org_world):
    before = queries(hr)
    for n in range(4):
        unit = UnitFactory(agency=org_world.agency_a, code=f"A-X{n}", name=f"Seksi X{n}", parent=org_world.div_a)
        person = EmployeeFactory(agency=org_world.agency_a, unit=unit)
        org_services.unit_update(unit=unit, data={"head": person})
        org_services.role_assign(agency=org_world.agency_a, user=person.user, role=Role.HR_ADMIN)
    assert queries(hr) == before
