import pytest

from tests.org.factories import LocationFactory
from tests.org.helpers import assert_error, queries_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/locations/"
BODY = {"name": "Mal Pelayanan Publik", "latitude": "-5.135", "longitude": "119.42", "radius_m": 150}


def test_hr_adds_a_location_everyone_sees_it(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(URL, BODY, format="json")
    assert response.status_code == 201, response.content
    names = [row["name"] for row in client_for(org_world.employee_a).get(URL).json()["results"]]
    assert names == ["Mal Pelayanan Publik"]


@pytest.mark.parametrize(
    "change,field",
    [({"latitude": "-90.5"}, "latitude"), ({"longitude": "180.01"}, "longitude"), ({"radius_m": 0}, "radius_m")],
)
def test_it_refuses_coordinates_out_of_range(client_for, org_world, change, field):
    assert_error(client_for(org_world.hr_admin_a).post(URL, {**BODY, **change}, format="json"), 400, field=field)


def test_it_filters_active(client_for, org_world):
    LocationFactory(agency=org_world.agency_a, is_active=False)
    assert client_for(org_world.employee_a).get(URL, {"active": "true"}).json()["count"] == 0


def test_it_hides_other_agencies(client_for, org_world):
    LocationFactory(agency=org_world.agency_a)
    assert client_for(org_world.employee_b).get(URL).json()["count"] == 0


def test_it_forbids_employee(client_for, org_world):
    assert_error(client_for(org_world.employee_a).post(URL, BODY, format="json"), 403)


def test_it_forbids_supervisor(client_for, org_world):
    assert_error(client_for(org_world.supervisor_a).post(URL, BODY, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_the_list_costs_a_fixed_number_of_queries(client_for, org_world, django_assert_num_queries):
    client = client_for(org_world.employee_a)
    LocationFactory.create_batch(2, agency=org_world.agency_a)
    few = queries_for(client, URL)
    LocationFactory.create_batch(8, agency=org_world.agency_a)
    assert queries_for(client, URL) == few
    with django_assert_num_queries(5):
        client.get(URL)
