import pytest

from tests.org.factories import PositionFactory
from tests.org.helpers import assert_error, queries_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/positions/"
ELIGIBLE = {
    "code": "J-NEW",
    "name": "Pranata Komputer",
    "type": "FUNGSIONAL",
    "is_fwa_eligible": True,
    "task_outside_office": True,
    "task_no_special_equipment": True,
    "task_ict_feasible": True,
    "task_minimal_face_to_face": True,
    "task_no_continuous_supervision": True,
}


def test_everyone_in_the_agency_reads_positions(client_for, org_world):
    body = client_for(org_world.employee_a).get(URL).json()
    assert [p["code"] for p in body["results"]] == ["A-ANALIS"]


def test_hr_creates_a_position(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(URL, ELIGIBLE, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_fwa_eligible"] is True


def test_an_eligible_position_needs_all_five_criteria(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(URL, {**ELIGIBLE, "task_ict_feasible": False}, format="json")
    assert_error(response, 400, field="is_fwa_eligible")


def test_a_duplicate_code_is_refused(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(URL, {**ELIGIBLE, "code": "A-ANALIS"}, format="json")
    assert response.status_code in (400, 409)


def test_it_hides_other_agencies(client_for, org_world):
    body = client_for(org_world.employee_b).get(URL).json()
    assert [p["code"] for p in body["results"]] == ["B-ANALIS"]


def test_it_forbids_employee(client_for, org_world):
    assert_error(client_for(org_world.employee_a).post(URL, ELIGIBLE, format="json"), 403)


def test_it_forbids_agency_head(client_for, org_world):
    assert_error(client_for(org_world.agency_head_a).post(URL, ELIGIBLE, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_the_list_costs_a_fixed_number_of_queries(client_for, org_world, django_assert_num_queries):
    client = client_for(org_world.employee_a)
    PositionFactory(agency=org_world.agency_a)
    few = queries_for(client, URL)
    PositionFactory.create_batch(8, agency=org_world.agency_a)
    assert queries_for(client, URL) == few
    with django_assert_num_queries(5):  # savepoint, scope, count, page, release
        client.get(URL)
