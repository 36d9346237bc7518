"""/api/v1/indicators/"""

import pytest

from tests.org.helpers import assert_error
from tests.performance.factories import first_indicator, skp_with_indicator

pytestmark = pytest.mark.django_db


def _body(rhk_id, **extra):
    return {"rhk": rhk_id, "aspect": "QUALITY", "description": "Mutu laporan", "target_min": "80", "unit": "%", **extra}


def test_a_range_target_with_period_targets(client_for, draft_skp, org_world):
    client = client_for(org_world.supervisor_a)
    body = _body(
        draft_skp.rhks.first().id,
        target_max="90",
        spread="SAME",
        period_targets=[{"period_start": "2026-03-10", "target_min": "70", "target_max": "85", "action_plan": "Draf"}],
    )
    response = client.post("/api/v1/indicators/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["target_min"], data["target_max"]) == ("80.00", "90.00")
    march = next(p for p in data["periods"] if p["period_start"] == "2026-03-01")
    assert (march["target_min"], march["target_max"], march["action_plan"]) == ("70.00", "85.00", "Draf")


def test_a_range_with_min_above_max_is_refused(client_for, draft_skp, org_world):
    response = client_for(org_world.supervisor_a).post(
        "/api/v1/indicators/", _body(draft_skp.rhks.first().id, target_max="70"), format="json"
    )
    assert_error(response, 400, field="target_max", code="range_inverted")
    assert draft_skp.rhks.first().indicators.count() == 1


def test_a_period_target_outside_the_skp_is_refused(client_for, draft_skp, org_world):
    body = _body(draft_skp.rhks.first().id, period_targets=[{"period_start": "2027-01-05", "target_min": "1"}])
    assert_error(client_for(org_world.supervisor_a).post("/api/v1/indicators/", body, format="json"), 400)


def test_detail_patch_and_delete(client_for, draft_skp, org_world):
    client = client_for(org_world.employee_a)  # the employee may edit their own draft
    indicator = first_indicator(draft_skp)
    assert client.get(f"/api/v1/indicators/{indicator.id}/").json()["unit"] == "laporan"
    response = client.patch(f"/api/v1/indicators/{indicator.id}/", {"unit": "dokumen"}, format="json")
    assert response.json()["unit"] == "dokumen"
    assert client.delete(f"/api/v1/indicators/{indicator.id}/").status_code == 204


def test_list_filters_and_has_a_fixed_query_count(client_for, org_world, django_assert_num_queries):
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)
    client = client_for(org_world.supervisor_a)
    with django_assert_num_queries(6):
        assert client.get(f"/api/v1/indicators/?skp={skp.id}").json()["count"] == 1
    skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a, year=2025)
    skp_with_indicator(employee_user=org_world.supervisor_a, actor=org_world.unit_head_a, year=2025)
    with django_assert_num_queries(6):
        assert client.get("/api/v1/indicators/").json()["count"] == 3
    assert client.get("/api/v1/indicators/?on_date=2025-06-02").json()["count"] == 2


def test_it_hides_other_agencies(client_for, draft_skp, org_world):
    client = client_for(org_world.hr_admin_b)
    indicator = first_indicator(draft_skp)
    assert_error(client.get(f"/api/v1/indicators/{indicator.id}/"), 404)
    assert_error(client.patch(f"/api/v1/indicators/{indicator.id}/", {"unit": "x"}, format="json"), 404)
    assert_error(client.delete(f"/api/v1/indicators/{indicator.id}/"), 404)
    assert_error(client.post("/api/v1/indicators/", _body(draft_skp.rhks.first().id), format="json"), 400, field="rhk")
    assert client.get("/api/v1/indicators/").json()["count"] == 0


def test_it_forbids_unit_head(client_for, draft_skp, org_world):
    client = client_for(org_world.unit_head_a)
    assert_error(client.post("/api/v1/indicators/", _body(draft_skp.rhks.first().id), format="json"), 403)
    indicator = first_indicator(draft_skp)
    assert_error(client.patch(f"/api/v1/indicators/{indicator.id}/", {"unit": "x"}, format="json"), 403)


def test_it_forbids_editing_an_approved_skp(client_for, approved_skp, org_world):
    indicator = first_indicator(approved_skp)
    response = client_for(org_world.supervisor_a).patch(
        f"/api/v1/indicators/{indicator.id}/", {"target_min": "1"}, format="json"
    )
    assert_error(response, 400, code="skp_not_editable")
