"""/api/v1/feedback/"""

import pytest

from flexwork.notifications.models import Notification
from tests.org.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_supervisor_and_employee_exchange_feedback(client_for, approved_skp, org_world):
    boss = client_for(org_world.supervisor_a)
    response = boss.post("/api/v1/feedback/", {"skp": approved_skp.id, "text": "Bagus, pertahankan."}, format="json")
    assert response.status_code == 201, response.content
    assert Notification.objects.filter(recipient=org_world.employee_a, kind="performance_feedback").exists()
    mine = client_for(org_world.employee_a)
    assert (
        mine.post("/api/v1/feedback/", {"skp": approved_skp.id, "text": "Terima kasih"}, format="json").status_code
        == 201
    )
    assert [f["text"] for f in mine.get(f"/api/v1/feedback/?skp={approved_skp.id}").json()["results"]] == [
        "Terima kasih",
        "Bagus, pertahankan.",
    ]


def test_empty_feedback_is_refused(client_for, approved_skp, org_world):
    response = client_for(org_world.supervisor_a).post(
        "/api/v1/feedback/", {"skp": approved_skp.id, "text": " "}, format="json"
    )
    assert_error(response, 400, field="text")


def test_list_has_a_fixed_query_count(client_for, approved_skp, org_world, django_assert_num_queries):
    boss = client_for(org_world.supervisor_a)
    boss.post("/api/v1/feedback/", {"skp": approved_skp.id, "text": "1"}, format="json")
    with django_assert_num_queries(5):
        assert boss.get("/api/v1/feedback/").json()["count"] == 1
    for n in range(4):
        boss.post("/api/v1/feedback/", {"skp": approved_skp.id, "text": str(n)}, format="json")
    with django_assert_num_queries(5):
        assert boss.get("/api/v1/feedback/").json()["count"] == 5


def test_it_hides_other_agencies(client_for, approved_skp, org_world):
    client = client_for(org_world.hr_admin_b)
    assert_error(
        client.post("/api/v1/feedback/", {"skp": approved_skp.id, "text": "x"}, format="json"), 400, field="skp"
    )
    assert client.get("/api/v1/feedback/").json()["count"] == 0


def test_it_forbids_hr_admin(client_for, approved_skp, org_world):
    response = client_for(org_world.hr_admin_a).post(
        "/api/v1/feedback/", {"skp": approved_skp.id, "text": "x"}, format="json"
    )
    assert_error(response, 403)
