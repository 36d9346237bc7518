import pytest

from tests.org.factories import UnitFactory
from tests.org.helpers import assert_error, queries_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/units/"


def codes(response):
    return {row["code"] for row in response.json()["results"]}


def test_hr_sees_the_whole_tree(client_for, org_world):
    assert codes(client_for(org_world.hr_admin_a).get(URL)) == {"A-ROOT", "A-DIV", "A-SEC", "A-HR"}


def test_a_unit_head_sees_their_subtree(client_for, org_world):
    assert codes(client_for(org_world.unit_head_a).get(URL)) == {"A-DIV", "A-SEC"}


def test_an_employee_sees_their_own_unit(client_for, org_world):
    assert codes(client_for(org_world.employee_a).get(URL)) == {"A-SEC"}


def test_it_shows_a_subtree_on_request(client_for, org_world):
    body = client_for(org_world.unit_head_a).get(f"{URL}{org_world.div_a.id}/?include=subtree").json()
    assert [u["code"] for u in body["subtree"]] == ["A-DIV", "A-SEC"]
    assert body["head"]["nip"] == org_world.unit_head_a.username


def test_it_hides_other_agencies(client_for, org_world):
    assert codes(client_for(org_world.hr_admin_b).get(URL)) == {"B-ROOT"}
    assert_error(client_for(org_world.hr_admin_b).get(f"{URL}{org_world.div_a.id}/"), 404, code="not_found")


def test_it_hides_units_outside_the_scope(client_for, org_world):
    assert_error(client_for(org_world.employee_a).get(f"{URL}{org_world.hr_unit_a.id}/"), 404)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_it_rejects_a_bad_include(client_for, org_world):
    assert_error(client_for(org_world.hr_admin_a).get(f"{URL}{org_world.div_a.id}/?include=all"), 400, field="include")


def test_the_list_costs_a_fixed_number_of_queries(client_for, org_world, django_assert_num_queries):
    client = client_for(org_world.hr_admin_a)
    few = queries_for(client, URL)
    for _ in range(8):
        UnitFactory(agency=org_world.agency_a, parent=org_world.sec_a)
    assert queries_for(client, URL) == few
    with django_assert_num_queries(few):
        client.get(URL)
