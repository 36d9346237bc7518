"""/api/v1/evaluations/"""

import pytest

from performance.models import BEHAVIOUR_FIELDS
from tests.org.helpers import assert_error
from tests.performance.factories import skp_with_indicator

pytestmark = pytest.mark.django_db


def _body(skp, **extra):
    return {
        "skp": skp.id,
        "kind": "ANNUAL",
        "results_rating": "ABOVE",
        **dict.fromkeys(BEHAVIOUR_FIELDS, "ABOVE"),
        **extra,
    }


def test_the_assessor_evaluates_and_the_predikat_follows_the_matrix(client_for, approved_skp, org_world):
    response = client_for(org_world.supervisor_a).post("/api/v1/evaluations/", _body(approved_skp), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["predikat"], data["behaviour_rating"], data["period_start"]) == ("SANGAT_BAIK", "ABOVE", "2026-01-01")
    assert (
        client_for(org_world.employee_a).get(f"/api/v1/evaluations/{data['id']}/").json()["predikat"] == "SANGAT_BAIK"
    )


def test_a_missing_behaviour_value_is_a_field_error(client_for, approved_skp, org_world):
    body = _body(approved_skp)
    del body["behaviour_loyal"]
    assert_error(
        client_for(org_world.supervisor_a).post("/api/v1/evaluations/", body, format="json"),
        400,
        field="behaviour_loyal",
    )


def test_a_second_annual_evaluation_is_a_conflict(client_for, approved_skp, org_world):
    client = client_for(org_world.supervisor_a)
    assert client.post("/api/v1/evaluations/", _body(approved_skp), format="json").status_code == 201
    assert_error(client.post("/api/v1/evaluations/", _body(approved_skp), format="json"), 409, code="duplicate")


def test_list_has_a_fixed_query_count(client_for, approved_skp, org_world, django_assert_num_queries):
    client = client_for(org_world.supervisor_a)
    client.post("/api/v1/evaluations/", _body(approved_skp), format="json")
    hr = client_for(org_world.hr_admin_a)
    with django_assert_num_queries(5):
        assert hr.get("/api/v1/evaluations/").json()["count"] == 1
    for start, end in (("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30")):
        client.post(
            "/api/v1/evaluations/",
            _body(approved_skp, kind="PERIODIC", period_start=start, period_end=end),
            format="json",
        )
    with django_assert_num_queries(5):
        assert hr.get("/api/v1/evaluations/").json()["count"] == 3


def test_it_hides_other_agencies(client_for, approved_skp, org_world):
    evaluation = (
        client_for(org_world.supervisor_a).post("/api/v1/evaluations/", _body(approved_skp), format="json").json()
    )
    client = client_for(org_world.hr_admin_b)
    assert_error(client.get(f"/api/v1/evaluations/{evaluation['id']}/"), 404)
    assert_error(client.post("/api/v1/evaluations/", _body(approved_skp), format="json"), 400, field="skp")
    assert client.get("/api/v1/evaluations/").json()["count"] == 0


def test_it_forbids_unit_head(client_for, approved_skp, org_world):
    """Rating someone you do not assess: the unit head sees the employee but is not the assessor."""
    assert_error(
        client_for(org_world.unit_head_a).post("/api/v1/evaluations/", _body(approved_skp), format="json"), 403
    )


def test_it_forbids_hr_admin(client_for, approved_skp, org_world):
    assert_error(client_for(org_world.hr_admin_a).post("/api/v1/evaluations/", _body(approved_skp), format="json"), 403)


def test_it_forbids_employee(client_for, approved_skp, org_world):
    assert_error(client_for(org_world.employee_a).post("/api/v1/evaluations/", _body(approved_skp), format="json"), 403)


def test_an_unapproved_skp_is_refused(client_for, org_world):
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)
    assert_error(
        client_for(org_world.supervisor_a).post("/api/v1/evaluations/", _body(skp), format="json"),
        400,
        code="skp_not_approved",
    )
