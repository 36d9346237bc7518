"""Who decides whose request (docs/rules.md §3 "Approval chain"), seen by the people involved: a
decision-level head's request reaches the next level up or the root unit's head; the agency head's
own request cannot be submitted, and the rule check says so before submit (hard NO_APPROVER)."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from flexwork.approvals import services as engine
from flexwork.approvals.models import ApprovalStep
from flexwork.org import services as org_services
from flexwork.org.models import Employee, Holiday, Unit
from schedules.models import ArrangementRequest
from tests.org.helpers import assert_error
from tests.schedules.conftest import emp, next_monday

pytestmark = pytest.mark.django_db
URL = "/api/v1/arrangements/"
TOP_MESSAGE = (
    "Nobody above you can decide this request: HR must mark a decision level above your unit or appoint its head."
)


def body_for(monday: datetime.date, **extra) -> dict:
    return {
        "location": "HOME",
        "dates": [monday.isoformat(), (monday + datetime.timedelta(days=4)).isoformat()],
        "reason": "Menyusun laporan triwulan",
        "work_plan": [{"description": "Draf laporan", "quantity": 1, "unit": "dokumen", "indicator": None}],
        **extra,
    }


def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_decision_level_heads_request_goes_to_the_root_head_who_approves_it(
    client_for, unit_head_a, agency_head_a, monday
):
    created = client_for(unit_head_a).post(URL, {**body_for(monday), "submit": True}, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["step"] == ApprovalStep.DECIDE  # the supervisor is the decider: no recommend step
    ar = ArrangementRequest.objects.get(id=created.json()["id"])
    assert ar.decider_id == emp(agency_head_a).id and ar.recommender_id is None
    approved = client_for(agency_head_a).post(f"{URL}{ar.id}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"


def test_a_head_of_a_lower_decision_level_goes_to_the_next_level_up(client_for, supervisor_a, unit_head_a, org_world):
    org_services.unit_update(unit=org_world.sec_a, data={"is_decision_level": True, "head": emp(supervisor_a)})
    monday = next_monday(2, employee_user=supervisor_a)

    created = client_for(supervisor_a).post(URL, {**body_for(monday), "submit": True}, format="json")

    assert created.status_code == 201, created.content
    assert ArrangementRequest.objects.get(id=created.json()["id"]).decider_id == emp(unit_head_a).id


def test_the_agency_heads_own_request_is_refused_at_check_and_at_submit(client_for, agency_head_a, monday):
    client = english(client_for(agency_head_a))

    checked = client.post(f"{URL}check/", body_for(monday), format="json")
    assert checked.status_code == 200, checked.content
    [violation] = [v for v in checked.json()["violations"] if v["severity"] == "hard"]
    assert violation["code"] == "NO_APPROVER"
    assert violation["message"] == TOP_MESSAGE
    assert violation["source"] == "kebijakan instansi"

    refused = client.post(URL, {**body_for(monday), "submit": True}, format="json")
    error = assert_error(refused, 400, code="policy_violation")
    assert [v["code"] for v in error["violations"] if v["severity"] == "hard"] == ["NO_APPROVER"]
    assert not ArrangementRequest.objects.exists()


def test_a_draft_of_the_agency_head_cannot_be_submitted_either(client_for, agency_head_a, monday):
    client = english(client_for(agency_head_a))
    draft = client.post(URL, body_for(monday), format="json")
    assert draft.status_code == 201, draft.content
    assert [v["code"] for v in draft.json()["violations"]] == ["NO_APPROVER"]

    refused = client.post(f"{URL}{draft.json()['id']}/submit/", {}, format="json")

    error = assert_error(refused, 400, code="policy_violation")
    assert [v["code"] for v in error["violations"]] == ["NO_APPROVER"]
    assert ArrangementRequest.objects.get(id=draft.json()["id"]).status == "draft"


def test_vacant_and_inactive_heads_are_skipped_up_to_the_root_head(employee_a, unit_head_a, agency_head_a, org_world):
    org_services.unit_update(unit=org_world.div_a, data={"head": None})
    assert engine.approval_chain(employee=emp(employee_a)).decider == emp(agency_head_a)

    org_services.unit_update(unit=org_world.div_a, data={"head": emp(unit_head_a)})
    Employee.objects.filter(user=unit_head_a).update(is_active=False)
    assert engine.approval_chain(employee=emp(employee_a)).decider == emp(agency_head_a)


def test_without_any_head_up_to_the_root_the_message_names_the_unit_hr_must_staff(employee_b):
    """Agency B's root unit has no head: its staff cannot submit, and are told which head is missing."""
    message = engine.no_approver_message(employee=emp(employee_b))

    assert message is not None and "Sekretariat B" in message
    assert engine.approval_chain(employee=emp(employee_b)).decider is None
    assert engine.no_approver_message(employee=emp(employee_b).supervisor) == message


def test_no_message_where_someone_decides(employee_a, unit_head_a, agency_head_a):
    assert engine.no_approver_message(employee=emp(employee_a)) is None
    assert engine.no_approver_message(employee=emp(unit_head_a)) is None
    with translation.override("en"):
        assert engine.no_approver_message(employee=emp(agency_head_a)) == TOP_MESSAGE


def test_escalation_goes_one_decision_level_up(unit_head_a, agency_head_a):
    assert engine.escalation_target(approver=emp(unit_head_a)) == emp(agency_head_a)
    assert engine.escalation_target(approver=emp(agency_head_a)) is None  # nobody above the root


def test_the_request_steps_show_the_refusal_in_the_error_summary(agency_head_a, monday):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(agency_head_a)

    live = client.post("/arrangements/check/", {"location": "HOME", "dates": [monday.isoformat()]}).content.decode()
    assert TOP_MESSAGE in live and 'data-code="NO_APPROVER"' in live  # the days step says it before sending
    client.post("/arrangements/new/days/", {"location": "HOME", "dates": [monday.isoformat()]})
    ar = ArrangementRequest.objects.get()
    client.post(
        f"/arrangements/{ar.id}/edit/plan/",
        {
            "work_plan-TOTAL_FORMS": "1",
            "work_plan-INITIAL_FORMS": "0",
            "work_plan-0-description": "Draf laporan",
            "work_plan-0-quantity": "1",
            "work_plan-0-unit": "dokumen",
        },
    )

    html = client.post(f"/arrangements/{ar.id}/edit/check/").content.decode()

    summary = html.split('id="error-summary"', 1)
    assert len(summary) == 2 and TOP_MESSAGE in summary[1].split("</div>", 1)[0]
    ar.refresh_from_db()
    assert ar.status == "draft"


# ---------------------------------------------------------------------------- the demo agency


def _working_week_day(employee: Employee) -> datetime.date:
    monday = next_monday(2, employee_user=employee.user)
    holidays = set(Holiday.objects.filter(agency_id=employee.agency_id).values_list("date", flat=True))
    return next(
        monday + datetime.timedelta(days=n) for n in range(5) if monday + datetime.timedelta(days=n) not in holidays
    )


@pytest.mark.parametrize("unit_code", ["SEKRETARIAT", "BID-IKP", "BID-APTIKA", "UPT-DATA-TIMUR"])
def test_in_the_demo_every_head_of_a_decision_level_can_submit_to_the_kepala_dinas(client_for, unit_code):
    call_command("seed_demo", stdout=StringIO())
    head = Employee.objects.select_related("user", "agency", "unit").get(headed_units__code=unit_code)
    kadis = Unit.objects.get(parent__isnull=True, agency_id=head.agency_id).head
    day = _working_week_day(head)
    body = {**body_for(day), "dates": [day.isoformat()]}
    client = client_for(head.user)

    checked = client.post(f"{URL}check/", body, format="json")
    assert "NO_APPROVER" not in [v["code"] for v in checked.json()["violations"]]
    created = client.post(URL, {**body, "submit": True}, format="json")

    assert created.status_code == 201, created.content
    assert ArrangementRequest.objects.get(id=created.json()["id"]).decider_id == kadis.id
