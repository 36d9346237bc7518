import pytest

from flexwork.org.models import Employee, EmployeeChange
from tests.org.factories import EmployeeFactory, nip_for
from tests.org.helpers import assert_error, queries_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/employees/"


def nips(response):
    assert response.status_code == 200, response.content
    return {row["nip"] for row in response.json()["results"]}


def emp(user):
    return Employee.objects.get(user=user)


def test_an_employee_sees_only_themself(client_for, org_world):
    assert nips(client_for(org_world.employee_a).get(URL)) == {org_world.employee_a.username}


def test_a_supervisor_sees_their_reports(client_for, org_world):
    assert nips(client_for(org_world.supervisor_a).get(URL)) == {
        org_world.supervisor_a.username,
        org_world.employee_a.username,
    }


def test_a_unit_head_sees_the_unit_subtree(client_for, org_world):
    assert nips(client_for(org_world.unit_head_a).get(URL)) == {
        org_world.unit_head_a.username,
        org_world.supervisor_a.username,
        org_world.employee_a.username,
    }


@pytest.mark.parametrize("persona", ["hr_admin_a", "agency_head_a"])
def test_hr_and_the_agency_head_see_the_whole_agency(client_for, org_world, persona):
    assert len(nips(client_for(getattr(org_world, persona)).get(URL))) == 5


def test_it_filters_by_text_unit_and_active(client_for, org_world):
    client = client_for(org_world.hr_admin_a)
    assert nips(client.get(URL, {"q": "pegawai"})) == {org_world.employee_a.username}
    assert nips(client.get(URL, {"q": org_world.employee_a.username[:10]})) >= {org_world.employee_a.username}
    assert nips(client.get(URL, {"unit": org_world.sec_a.id})) == {
        org_world.supervisor_a.username,
        org_world.employee_a.username,
    }
    assert nips(client.get(URL, {"active": "false"})) == set()
    assert_error(client.get(URL, {"unit": "x"}), 400, field="unit")


def test_it_hides_other_agencies(client_for, org_world):
    client = client_for(org_world.hr_admin_b)
    assert org_world.employee_a.username not in nips(client.get(URL))
    assert_error(client.get(f"{URL}{emp(org_world.employee_a).id}/"), 404, code="not_found")
    assert_error(client.patch(f"{URL}{emp(org_world.employee_a).id}/", {"name": "X"}, format="json"), 404)


def test_it_hides_colleagues_outside_the_scope(client_for, org_world):
    assert_error(client_for(org_world.employee_a).get(f"{URL}{emp(org_world.supervisor_a).id}/"), 404)


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a", "agency_head_a"])
def test_it_forbids_non_hr_writes(client_for, org_world, persona):
    client = client_for(getattr(org_world, persona))
    assert_error(client.patch(f"{URL}{emp(org_world.employee_a).id}/", {"name": "X"}, format="json"), 403)
    assert_error(client.post(URL, {"nip": nip_for(900), "name": "X"}, format="json"), 403)


def test_it_forbids_employee(client_for, org_world):
    assert_error(client_for(org_world.employee_a).post(URL, {}, format="json"), 403, code="permission_denied")


def test_it_forbids_agency_head(client_for, org_world):
    assert_error(client_for(org_world.agency_head_a).post(URL, {}, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_hr_creates_an_employee(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(
        URL,
        {
            "nip": nip_for(901),
            "name": "Pegawai Baru",
            "employee_type": "PNS",
            "unit": org_world.sec_a.id,
            "position": org_world.position_a.id,
            "supervisor": emp(org_world.supervisor_a).id,
            "email": "baru@example.go.id",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["supervisor"]["id"] == emp(org_world.supervisor_a).id
    created = Employee.objects.get(id=body["id"])
    assert created.user.username == nip_for(901)
    assert not created.user.has_usable_password()


@pytest.mark.parametrize(
    "nip,message_part",
    [("12345", "18 digits"), ("198502302010011002", "birth date"), ("198503302010131002", "month")],
)
def test_it_rejects_a_bad_nip_with_a_clear_message(client_for, org_world, nip, message_part):
    response = client_for(org_world.hr_admin_a).post(
        URL,
        {"nip": nip, "name": "X", "employee_type": "PNS", "unit": org_world.sec_a.id},
        format="json",
        headers={"Accept-Language": "en"},
    )
    body = assert_error(response, 400, field="nip")
    assert message_part in body["fields"]["nip"][0]
    assert not Employee.objects.filter(name="X").exists()


def test_it_rejects_a_unit_of_another_agency(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(
        URL, {"nip": nip_for(902), "name": "X", "employee_type": "PNS", "unit": org_world.root_b.id}, format="json"
    )
    assert_error(response, 400, field="unit")


def test_it_rejects_a_duplicate_nip_with_409(client_for, org_world):
    response = client_for(org_world.hr_admin_a).post(
        URL,
        {"nip": org_world.employee_a.username, "name": "X", "employee_type": "PNS", "unit": org_world.sec_a.id},
        format="json",
    )
    assert_error(response, 409, field="nip")


def test_hr_changes_a_supervisor_and_history_is_kept(client_for, org_world):
    target = emp(org_world.employee_a)
    response = client_for(org_world.hr_admin_a).patch(
        f"{URL}{target.id}/",
        {"supervisor": emp(org_world.unit_head_a).id, "effective_date": "2026-12-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["supervisor"]["id"] == emp(org_world.unit_head_a).id
    assert body["changes"][0]["kind"] == "SUPERVISOR"
    assert body["changes"][0]["effective_date"] == "2026-12-01"


def test_it_refuses_a_supervisor_cycle(client_for, org_world):
    response = client_for(org_world.hr_admin_a).patch(
        f"{URL}{emp(org_world.supervisor_a).id}/", {"supervisor": emp(org_world.employee_a).id}, format="json"
    )
    assert_error(response, 400, field="supervisor", code="supervisor_cycle")
    assert not EmployeeChange.objects.exists()


def test_it_refuses_a_supervisor_from_another_agency(client_for, org_world):
    response = client_for(org_world.hr_admin_a).patch(
        f"{URL}{emp(org_world.employee_a).id}/", {"supervisor": emp(org_world.employee_b).id}, format="json"
    )
    assert_error(response, 400, field="supervisor")


def test_the_list_costs_a_fixed_number_of_queries(client_for, org_world, django_assert_num_queries):
    client = client_for(org_world.hr_admin_a)
    few = queries_for(client, URL)
    for _ in range(8):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, supervisor=emp(org_world.supervisor_a))
    assert queries_for(client, URL) == few
    with django_assert_num_queries(5):  # savepoint, scope, count, page, release
        client.get(URL)
