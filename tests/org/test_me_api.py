import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/"


def test_it_shows_the_caller_with_roles_scope_and_office_zone(client_for, org_world):
    body = client_for(org_world.hr_admin_a).get(URL).json()
    assert body["employee"]["nip"] == org_world.hr_admin_a.username
    assert body["agency"]["code"] == "AGA"
    assert set(body["roles"]) == {"employee", "hr_admin"}
    assert body["scope"] == "agency"
    assert body["time_zone"] == "Asia/Makassar"
    assert body["language"] == "id"


@pytest.mark.parametrize(
    "persona,roles,scope",
    [
        ("employee_a", {"employee"}, "self"),
        ("supervisor_a", {"employee", "supervisor"}, "reports"),
        ("unit_head_a", {"employee", "supervisor", "unit_head", "decider"}, "unit_subtree"),
        ("agency_head_a", {"employee", "supervisor", "unit_head", "decider", "agency_head"}, "agency"),
    ],
)
def test_it_derives_roles(client_for, org_world, persona, roles, scope):
    body = client_for(getattr(org_world, persona)).get(URL).json()
    assert set(body["roles"]) == roles
    assert body["scope"] == scope


def test_a_unit_zone_overrides_the_agency_zone(client_for, org_world):
    from flexwork.org import services

    services.unit_update(unit=org_world.sec_a, data={"time_zone": "Asia/Jayapura"})
    assert client_for(org_world.employee_a).get(URL).json()["time_zone"] == "Asia/Jayapura"


def test_a_platform_operator_has_no_agency(client_for, platform_operator):
    body = client_for(platform_operator).get(URL).json()
    assert body["employee"] is None and body["agency"] is None
    assert body["roles"] == ["platform_operator"]
    assert body["scope"] == "none"


def test_it_hides_other_agencies(client_for, org_world):
    body = client_for(org_world.employee_b).get(URL).json()
    assert body["agency"]["code"] == "AGB"
    assert body["time_zone"] == "Asia/Jakarta"


def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401
