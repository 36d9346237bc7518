"""/api/v1/skp/ and its transitions."""

import pytest

from flexwork.common.exceptions import ConflictError
from flexwork.notifications.models import Notification
from performance import services
from performance.models import Skp, SkpStatus, SkpTransition
from tests.helpers import post_concurrently
from tests.org.helpers import assert_error
from tests.performance.factories import skp_with_indicator

pytestmark = pytest.mark.django_db

RHK = [{"kind": "MAIN", "description": "Laporan pelayanan"}]


def test_the_supervisor_sets_targets_and_approves(client_for, org_world):
    client = client_for(org_world.supervisor_a)
    body = {"employee": org_world.employee_a.employee.id, "year": 2026, "rhk": RHK}
    created = client.post("/api/v1/skp/", body, format="json")
    assert created.status_code == 201, created.content
    skp = created.json()
    assert (skp["status"], skp["period_start"], skp["period_end"]) == ("DRAFT", "2026-01-01", "2026-12-31")
    rhk_id = skp["rhk"][0]["id"]
    indicator = client.post(
        "/api/v1/indicators/",
        {"rhk": rhk_id, "aspect": "QUANTITY", "description": "Laporan", "target_min": "12", "unit": "laporan"},
        format="json",
    )
    assert indicator.status_code == 201, indicator.content
    assert len(indicator.json()["periods"]) == 12  # monthly, the agency's default
    approved = client.post(f"/api/v1/skp/{skp['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "APPROVED"
    assert approved.json()["assessor"]["id"] == org_world.supervisor_a.employee.id
    assert [t["to_status"] for t in approved.json()["transitions"]] == ["APPROVED"]


def test_the_employee_proposes_and_the_supervisor_returns_then_approves(client_for, org_world):
    mine = client_for(org_world.employee_a)
    skp = mine.post("/api/v1/skp/", {"year": 2026, "rhk": RHK}, format="json").json()
    mine.post(
        "/api/v1/indicators/",
        {
            "rhk": skp["rhk"][0]["id"],
            "aspect": "TIME",
            "description": "Tepat waktu",
            "target_min": "3",
            "unit": "hari",
            "direction": "LOWER",
        },
        format="json",
    )
    assert mine.post(f"/api/v1/skp/{skp['id']}/submit/", {}, format="json").json()["status"] == "SUBMITTED"
    boss = client_for(org_world.supervisor_a)
    returned = boss.post(f"/api/v1/skp/{skp['id']}/return/", {"note": "Tambah indikator mutu"}, format="json")
    assert (returned.json()["status"], returned.json()["status_note"]) == ("RETURNED", "Tambah indikator mutu")
    assert mine.post(f"/api/v1/skp/{skp['id']}/submit/", {}, format="json").status_code == 200
    assert boss.post(f"/api/v1/skp/{skp['id']}/approve/", {}, format="json").json()["status"] == "APPROVED"


def _history(skp) -> list[tuple[str, str]]:
    return list(SkpTransition.objects.filter(skp_id=skp.id).order_by("id").values_list("from_status", "to_status"))


def test_a_repeated_approval_answers_409_and_writes_nothing(client_for, approved_skp, org_world):
    notes_before = Notification.objects.count()

    response = client_for(org_world.supervisor_a).post(
        f"/api/v1/skp/{approved_skp.id}/approve/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    body = assert_error(response, 409, code="stale_transition")
    assert body["message"] == "This SKP is approved now and cannot be approved; reload it."
    assert _history(approved_skp) == [("DRAFT", "APPROVED")]
    assert Notification.objects.count() == notes_before


def test_a_repeated_submit_and_a_repeated_return_answer_409(client_for, draft_skp, org_world):
    mine, boss = client_for(org_world.employee_a), client_for(org_world.supervisor_a)
    url = f"/api/v1/skp/{draft_skp.id}"
    assert mine.post(f"{url}/submit/", {}, format="json").status_code == 200
    assert_error(mine.post(f"{url}/submit/", {}, format="json"), 409, code="stale_transition")
    assert boss.post(f"{url}/return/", {"note": "Perbaiki"}, format="json").status_code == 200
    assert_error(boss.post(f"{url}/return/", {"note": "Perbaiki"}, format="json"), 409, code="stale_transition")

    assert _history(draft_skp) == [("DRAFT", "SUBMITTED"), ("SUBMITTED", "RETURNED")]
    kinds = list(Notification.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["performance_skp_submitted", "performance_skp_returned"]


def test_a_stale_copy_loses_even_where_the_move_would_be_allowed(draft_skp, org_world):
    stale = Skp.objects.select_related("employee__supervisor").get(id=draft_skp.id)  # read as DRAFT
    services.skp_submit(skp=Skp.objects.get(id=draft_skp.id), actor=org_world.employee_a)

    with pytest.raises(ConflictError) as caught:
        services.skp_approve(skp=stale, actor=org_world.supervisor_a)  # SUBMITTED → APPROVED is allowed

    assert caught.value.code == "stale_transition"
    assert Skp.objects.get(id=draft_skp.id).status == SkpStatus.SUBMITTED


def test_a_role_failure_is_403_whatever_the_state(client_for, approved_skp, org_world):
    """The guard order: not the caller's step is a 403 even on an SKP whose step has passed."""
    url = f"/api/v1/skp/{approved_skp.id}"
    assert_error(client_for(org_world.employee_a).post(f"{url}/approve/", {}, format="json"), 403)
    assert_error(client_for(org_world.unit_head_a).post(f"{url}/return/", {"note": "x"}, format="json"), 403)
    assert_error(client_for(org_world.supervisor_a).post(f"{url}/submit/", {}, format="json"), 403)
    assert _history(approved_skp) == [("DRAFT", "APPROVED")]


def test_return_without_a_note_is_a_field_error(client_for, approved_skp, org_world):
    response = client_for(org_world.supervisor_a).post(f"/api/v1/skp/{approved_skp.id}/return/", {}, format="json")
    assert_error(response, 400, field="note")


def test_editing_an_approved_skp_answers_400_and_changes_nothing(client_for, approved_skp, org_world):
    response = client_for(org_world.supervisor_a).patch(
        f"/api/v1/skp/{approved_skp.id}/", {"approach": "QUALITATIVE", "rhk": RHK}, format="json"
    )
    assert_error(response, 400, code="skp_not_editable")
    approved_skp.refresh_from_db()
    assert approved_skp.approach == "QUANTITATIVE" and approved_skp.rhks.count() == 1


def test_patch_adds_changes_and_deletes_rhk_while_a_draft(client_for, draft_skp, org_world):
    client = client_for(org_world.supervisor_a)
    first = draft_skp.rhks.first()
    response = client.patch(
        f"/api/v1/skp/{draft_skp.id}/",
        {"rhk": [{"id": first.id, "description": "Diubah"}, {"kind": "ADDITIONAL", "description": "Tambahan"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [(r["kind"], r["description"]) for r in response.json()["rhk"]] == [
        ("ADDITIONAL", "Tambahan"),
        ("MAIN", "Diubah"),
    ]
    extra = response.json()["rhk"][0]["id"]
    response = client.patch(f"/api/v1/skp/{draft_skp.id}/", {"rhk": [{"id": extra, "delete": True}]}, format="json")
    assert len(response.json()["rhk"]) == 1


def test_a_cascade_from_outside_the_chain_is_a_field_error(client_for, org_world):
    other = skp_with_indicator(
        employee_user=org_world.hr_admin_a, actor=org_world.agency_head_a, approve_by=org_world.agency_head_a
    )
    body = {"year": 2026, "rhk": [{"description": "x", "cascaded_from": other.rhks.first().id}]}
    response = client_for(org_world.employee_a).post("/api/v1/skp/", body, format="json")
    assert_error(response, 400, field="cascaded_from", code="cascade_outside_chain")
    assert not Skp.objects.filter(employee=org_world.employee_a.employee).exists()  # rolled back


def test_list_is_scoped_and_has_a_fixed_query_count(client_for, org_world, django_assert_num_queries):
    skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a, year=2026)
    client = client_for(org_world.hr_admin_a)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/skp/")
    assert response.json()["count"] == 1
    skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.supervisor_a, year=2025)
    skp_with_indicator(employee_user=org_world.supervisor_a, actor=org_world.unit_head_a, year=2026)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/skp/")
    assert response.json()["count"] == 3
    assert client_for(org_world.employee_a).get("/api/v1/skp/").json()["count"] == 2
    assert client_for(org_world.employee_b).get("/api/v1/skp/").json()["count"] == 0


def test_it_hides_other_agencies(client_for, approved_skp, org_world):
    client = client_for(org_world.hr_admin_b)
    assert_error(client.get(f"/api/v1/skp/{approved_skp.id}/"), 404, code="not_found")
    assert_error(client.patch(f"/api/v1/skp/{approved_skp.id}/", {}, format="json"), 404)
    for action in ("submit", "approve", "return"):
        assert_error(client.post(f"/api/v1/skp/{approved_skp.id}/{action}/", {"note": "x"}, format="json"), 404)
    response = client.post("/api/v1/skp/", {"employee": org_world.employee_a.employee.id, "year": 2026}, format="json")
    assert_error(response, 400, field="employee")


def test_it_forbids_unit_head(client_for, draft_skp, org_world):
    client = client_for(org_world.unit_head_a)  # sees the employee, but is not the direct supervisor
    assert client.get(f"/api/v1/skp/{draft_skp.id}/").status_code == 200
    assert_error(client.post(f"/api/v1/skp/{draft_skp.id}/approve/", {}, format="json"), 403)
    assert_error(client.patch(f"/api/v1/skp/{draft_skp.id}/", {"approach": "QUALITATIVE"}, format="json"), 403)
    draft_skp.refresh_from_db()
    assert draft_skp.status == SkpStatus.DRAFT


def test_it_forbids_hr_admin(client_for, draft_skp, org_world):
    client = client_for(org_world.hr_admin_a)
    response = client.post(
        "/api/v1/skp/", {"employee": org_world.supervisor_a.employee.id, "year": 2026}, format="json"
    )
    assert_error(response, 403)
    assert_error(client.post(f"/api/v1/skp/{draft_skp.id}/submit/", {}, format="json"), 403)


def test_it_forbids_employee(client_for, draft_skp, org_world):
    assert_error(client_for(org_world.employee_a).post(f"/api/v1/skp/{draft_skp.id}/approve/", {}, format="json"), 403)


def test_anonymous_is_401(api_client, draft_skp):
    assert_error(api_client.get("/api/v1/skp/"), 401)


# ---------------------------------------------------------------------------- races


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_identical_approvals_make_one_transition(org_world):
    """Threads, each with its own connection and transaction, released together by a barrier."""
    skp = skp_with_indicator(employee_user=org_world.employee_a, actor=org_world.employee_a)
    services.skp_submit(skp=skp, actor=org_world.employee_a)
    notes_before = Notification.objects.filter(kind="performance_skp_approved").count()

    outcomes = post_concurrently(org_world.supervisor_a, f"/api/v1/skp/{skp.id}/approve/", count=10)

    assert sorted(outcomes, key=str) == sorted([(200, None)] + [(409, "stale_transition")] * 9, key=str), outcomes
    assert SkpTransition.objects.filter(skp_id=skp.id, to_status=SkpStatus.APPROVED).count() == 1
    assert Notification.objects.filter(kind="performance_skp_approved").count() == notes_before + 1
    skp.refresh_from_db()
    assert skp.status == SkpStatus.APPROVED and skp.assessor_id == org_world.supervisor_a.employee.id
