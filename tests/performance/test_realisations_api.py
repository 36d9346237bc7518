"""/api/v1/realisations/"""

import datetime

import pytest

from flexwork.common.services import evidence_upload
from tests.org.helpers import assert_error
from tests.performance.factories import first_indicator, skp_with_indicator

pytestmark = pytest.mark.django_db


def test_the_employee_records_then_corrects_a_realisation(client_for, approved_skp, org_world):
    client = client_for(org_world.employee_a)
    indicator = first_indicator(approved_skp)
    body = {"indicator": indicator.id, "period_start": "2026-02-01", "value": "8", "note": "Delapan laporan"}
    created = client.post("/api/v1/realisations/", body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["period_start"], created.json()["period_end"]) == ("2026-02-01", "2026-02-28")
    assert created.json()["suggested_value"] == "0.00"  # no verified output log yet
    corrected = client.post("/api/v1/realisations/", {**body, "value": "11"}, format="json")
    assert corrected.status_code == 200 and corrected.json()["id"] == created.json()["id"]
    periods = client.get(f"/api/v1/indicators/{indicator.id}/").json()["periods"]
    february = next(p for p in periods if p["period_start"] == "2026-02-01")
    assert (february["realisation"], february["achievement"], february["achievement_shown"]) == (
        "11.00",
        "110.00",
        "110.00",
    )


def test_over_achievement_is_capped_on_display_only(client_for, approved_skp, org_world):
    indicator = first_indicator(approved_skp)
    client = client_for(org_world.employee_a)
    client.post(
        "/api/v1/realisations/", {"indicator": indicator.id, "period_start": "2026-01-01", "value": "25"}, format="json"
    )
    january = client.get(f"/api/v1/indicators/{indicator.id}/").json()["periods"][0]
    assert (january["achievement"], january["achievement_shown"]) == ("250.00", "150.00")


def test_a_period_outside_the_skp_is_a_clear_400(client_for, approved_skp, org_world):
    body = {"indicator": first_indicator(approved_skp).id, "period_start": "2027-01-01", "value": "1"}
    body_error = assert_error(
        client_for(org_world.employee_a).post("/api/v1/realisations/", body, format="json"),
        400,
        field="period_start",
        code="period_outside_skp",
    )
    assert "2026-01-01" in body_error["fields"]["period_start"][0]


def test_evidence_is_attached_and_visible_to_the_supervisor(client_for, approved_skp, org_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    evidence = evidence_upload(user=org_world.employee_a, uploaded_file=pdf)
    body = {
        "indicator": first_indicator(approved_skp).id,
        "period_start": "2026-04-01",
        "value": "3",
        "evidence": [evidence.id],
    }
    assert client_for(org_world.employee_a).post("/api/v1/realisations/", body, format="json").status_code == 201
    assert client_for(org_world.supervisor_a).get(f"/api/v1/evidence/{evidence.id}/").status_code == 200
    assert client_for(org_world.hr_admin_b).get(f"/api/v1/evidence/{evidence.id}/").status_code == 404


def test_list_has_a_fixed_query_count(client_for, approved_skp, org_world, django_assert_num_queries):
    from performance import services

    indicator = first_indicator(approved_skp)
    services.realisation_record(
        indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, 1, 1), value=1
    )
    client = client_for(org_world.supervisor_a)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/realisations/").json()["count"] == 1
    for month in range(2, 7):
        services.realisation_record(
            indicator=indicator, actor=org_world.employee_a, period_date=datetime.date(2026, month, 1), value=month
        )
    with django_assert_num_queries(5):
        assert client.get(f"/api/v1/realisations/?skp={approved_skp.id}&date_from=2026-03-01").json()["count"] == 4


def test_it_hides_other_agencies(client_for, approved_skp, skp_b, org_world):
    client = client_for(org_world.hr_admin_b)
    body = {"indicator": first_indicator(approved_skp).id, "period_start": "2026-01-01", "value": "1"}
    assert_error(client.post("/api/v1/realisations/", body, format="json"), 400, field="indicator")
    assert client.get("/api/v1/realisations/").json()["count"] == 0


def test_it_forbids_supervisor(client_for, approved_skp, org_world):
    body = {"indicator": first_indicator(approved_skp).id, "period_start": "2026-01-01", "value": "1"}
    assert_error(client_for(org_world.supervisor_a).post("/api/v1/realisations/", body, format="json"), 403)


def test_it_refuses_before_approval(client_for, org_world):
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a)
    body = {"indicator": first_indicator(skp).id, "period_start": "2026-01-01", "value": "1"}
    assert_error(
        client_for(org_world.employee_a).post("/api/v1/realisations/", body, format="json"),
        400,
        code="skp_not_approved",
    )
