import pytest

from flexwork.org.models import AgencyPolicy
from tests.org.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/policy/"


def test_everyone_reads_the_defaults(client_for, org_world):
    body = client_for(org_world.employee_a).get(URL).json()
    effective = body["effective"]
    assert effective["max_location_days_per_week"] == 2
    assert effective["coverage_share_percent"] == 30
    assert effective["dynamic_window_start"] == "06:00"
    assert effective["other_office_counts_in_cap"] is True
    assert effective["lateness_converts_to_days"] is False
    assert body["overrides"] is None


def test_hr_changes_the_agency_policy(client_for, org_world):
    response = client_for(org_world.hr_admin_a).patch(
        URL, {"max_location_days_per_week": 1, "core_end": "14:00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["effective"]["max_location_days_per_week"] == 1
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).core_end.hour == 14


def test_hr_overrides_a_unit_and_can_inherit_again(client_for, org_world):
    client = client_for(org_world.hr_admin_a)
    url = f"{URL}?unit={org_world.sec_a.id}"
    body = client.patch(url, {"coverage_share_percent": 50}, format="json").json()
    assert body["effective"]["coverage_share_percent"] == 50
    assert body["overridden"] == ["coverage_share_percent"]
    body = client.patch(url, {"coverage_share_percent": None}, format="json").json()
    assert body["effective"]["coverage_share_percent"] == 30
    assert client.get(URL).json()["effective"]["coverage_share_percent"] == 30


@pytest.mark.parametrize(
    "change,field",
    [
        ({"max_location_days_per_week": 6}, "max_location_days_per_week"),
        ({"coverage_share_percent": -1}, "coverage_share_percent"),
        ({"at_risk_ratio": "1.5"}, "at_risk_ratio"),
        ({"performance_period": "WEEKLY"}, "performance_period"),
        ({"core_start": "16:00"}, "core_end"),
    ],
)
def test_a_number_out_of_range_is_a_400_with_the_field(client_for, org_world, change, field):
    assert_error(client_for(org_world.hr_admin_a).patch(URL, change, format="json"), 400, field=field)
    assert AgencyPolicy.objects.get(agency=org_world.agency_a).max_location_days_per_week == 2


def test_it_hides_other_agencies(client_for, org_world):
    assert_error(client_for(org_world.hr_admin_b).get(f"{URL}?unit={org_world.sec_a.id}"), 404)
    assert_error(client_for(org_world.hr_admin_b).patch(f"{URL}?unit={org_world.sec_a.id}", {}, format="json"), 404)


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a", "agency_head_a"])
def test_it_forbids_non_hr_changes(client_for, org_world, persona):
    response = client_for(getattr(org_world, persona)).patch(URL, {"lead_working_days": 2}, format="json")
    assert_error(response, 403)


def test_it_forbids_agency_head(client_for, org_world):
    assert_error(client_for(org_world.agency_head_a).patch(URL, {"lead_working_days": 2}, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_every_change_is_audited(client_for, org_world):
    client_for(org_world.hr_admin_a).patch(URL, {"lead_working_days": 3}, format="json")
    event = AgencyPolicy.pgh_event_model.objects.filter(pgh_label="update").get()
    assert event.lead_working_days == 3
