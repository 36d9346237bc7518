"""/api/v1/arrangements/ end to end through APIClient (docs/api.md paths, bodies and error shape)."""

from __future__ import annotations

import datetime

import pytest

from flexwork.org import services as org_services
from schedules.models import ArrangementRequest, ScheduleDay
from tests.org.factories import EmployeeFactory, LocationFactory
from tests.org.helpers import assert_error, queries_for
from tests.schedules.conftest import create, days

pytestmark = pytest.mark.django_db
URL = "/api/v1/arrangements/"


def test_an_employee_submits_and_the_chain_approves(client_for, employee_a, supervisor_a, unit_head_a, body, monday):
    created = client_for(employee_a).post(URL, {**body, "submit": True}, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "submitted" and data["step"] == "RECOMMEND"
    assert [d["date"] for d in data["days"]] == [monday.isoformat(), (monday + datetime.timedelta(days=4)).isoformat()]
    assert data["violations"] == [] and data["allowed_actions"] == ["withdraw"]
    assert data["work_plan"] == [
        {"description": "Draf laporan", "quantity": "1.00", "unit": "dokumen", "indicator": None}
    ]

    pk = data["id"]
    recommended = client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {"note": "Setuju"}, format="json")
    assert recommended.status_code == 200, recommended.content
    approved = client_for(unit_head_a).post(f"{URL}{pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    data = approved.json()

    assert data["status"] == "approved"
    assert [d["state"] for d in data["days"]] == ["scheduled", "scheduled"]
    assert [(t["action"], t["from_status"], t["to_status"]) for t in data["transitions"]] == [
        ("submit", "draft", "submitted"),
        ("recommend", "submitted", "recommended"),
        ("approve", "recommended", "approved"),
    ]
    assert data["transitions"][1]["who"]["username"] == supervisor_a.username
    assert data["transitions"][1]["note"] == "Setuju" and data["transitions"][1]["on_behalf_of"] is None


def test_a_draft_is_created_without_submit_and_patched(client_for, employee_a, body, monday):
    client = client_for(employee_a)
    draft = client.post(URL, body, format="json").json()
    assert draft["status"] == "draft" and draft["allowed_actions"] == ["edit", "submit", "withdraw"]

    patched = client.patch(f"{URL}{draft['id']}/", {"reason": "Lain", "location": "HOME"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["reason"] == "Lain" and len(patched.json()["days"]) == 2

    submitted = client.post(f"{URL}{draft['id']}/submit/", {}, format="json")
    assert submitted.json()["status"] == "submitted"
    refused = client.patch(f"{URL}{draft['id']}/", {"reason": "x"}, format="json")
    assert_error(refused, 409, code="stale_transition")


def test_a_third_day_in_the_week_is_refused_with_the_rule_and_its_source(client_for, employee_a, body, monday):
    body = {**body, "dates": [d.isoformat() for d in days(monday, 0, 1, 2)], "submit": True}

    response = client_for(employee_a).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="id")

    error = assert_error(response, 400, code="policy_violation")
    assert error["violations"][0]["code"] == "CAP_WEEKLY"
    assert error["violations"][0]["source"] == "PermenPANRB 4/2025 Pasal 13(1)"
    assert error["violations"][0]["dates"] == [d.isoformat() for d in days(monday, 0, 1, 2)]
    assert not ArrangementRequest.objects.exists()


def test_soft_violations_submit_with_201_and_approval_needs_an_override_reason(
    client_for, employee_a, supervisor_a, unit_head_a, body, org_world
):
    org_services.unit_update(unit=org_world.sec_a, data={"is_public_service": True})
    created = client_for(employee_a).post(URL, {**body, "submit": True}, format="json")
    assert created.status_code == 201
    assert [v["code"] for v in created.json()["violations"]] == ["COVERAGE_UNIT_SHARE"]
    pk = created.json()["id"]
    client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {}, format="json")

    refused = client_for(unit_head_a).post(f"{URL}{pk}/approve/", {}, format="json")
    assert_error(refused, 400, field="override_reason", code="override_reason_required")
    approved = client_for(unit_head_a).post(f"{URL}{pk}/approve/", {"override_reason": "Tenggat"}, format="json")
    assert approved.json()["transitions"][-1]["override_reason"] == "Tenggat"


def test_check_always_answers_200_with_violations_and_quota(client_for, employee_a, body, monday):
    response = client_for(employee_a).post(
        f"{URL}check/", {**body, "dates": [d.isoformat() for d in days(monday, 0, 1, 2)]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["violations"][0]["code"] == "CAP_WEEKLY"
    assert response.json()["quota"] == {
        "cap": 2,
        "counts_in_cap": True,
        "used": 0,
        "left": 2,
        "weeks": [
            {
                "iso_year": monday.isocalendar()[0],
                "iso_week": monday.isocalendar()[1],
                "approved": 0,
                "pending": 0,
                "requested": 3,
                "left": 2,
            }
        ],
    }
    assert not ArrangementRequest.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"dates": None, "date_from": "2030-02-10", "date_to": "2030-02-01"}, "date_to"),
        ({"dates": ["2030-02-30"]}, "dates.0"),
        ({"dates": None, "date_from": "2030-02-04", "date_to": "2030-02-28", "weekdays": []}, "weekdays"),
        ({"dates": None, "date_from": "2030-02-04", "date_to": "2030-02-28", "weekdays": [6]}, "weekdays.0"),
        ({"planned_start": "10:00", "planned_end": "09:00"}, "planned_end"),
        ({"location": "OTHER_OFFICE"}, "other_office_unit"),
        ({"location": "MOON"}, "location"),
        ({"evidence": [999999]}, "evidence"),
        ({"dates": ["2030-02-02"]}, "dates"),  # a Saturday only: no working day
    ],
)
def test_bad_input_is_a_clear_400_and_changes_nothing(client_for, employee_a, body, change, field):
    response = client_for(employee_a).post(URL, {**body, **change, "submit": True}, format="json")

    assert_error(response, 400, field=field)
    assert not ArrangementRequest.objects.exists()


def test_an_other_agencys_location_is_refused(client_for, employee_a, body, agency_b):
    foreign = LocationFactory(agency=agency_b)

    response = client_for(employee_a).post(
        URL, {**body, "location": "DESIGNATED", "designated_location": foreign.id}, format="json"
    )

    error = assert_error(response, 400, code="policy_violation")
    assert error["violations"][0]["code"] == "LOCATION_NOT_DESIGNATED"


def test_cancel_chosen_days_and_revoke(client_for, employee_a, supervisor_a, unit_head_a, body, monday):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]
    client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {}, format="json")
    client_for(unit_head_a).post(f"{URL}{pk}/approve/", {}, format="json")

    cancelled = client_for(employee_a).post(f"{URL}{pk}/cancel/", {"dates": [monday.isoformat()]}, format="json")
    assert [d["state"] for d in cancelled.json()["days"]] == ["cancelled", "scheduled"]
    revoked = client_for(unit_head_a).post(f"{URL}{pk}/revoke/", {"note": "Penugasan kantor"}, format="json")
    assert revoked.json()["status"] == "revoked"
    assert not ScheduleDay.objects.filter(arrangement_id=pk, cancelled_at__isnull=True).exists()


def test_transitions_not_allowed_from_the_current_state_are_409(client_for, employee_a, supervisor_a, body):
    pk = client_for(employee_a).post(URL, body, format="json").json()["id"]

    assert_error(client_for(employee_a).post(f"{URL}{pk}/cancel/", {}, format="json"), 409, code="stale_transition")
    assert_error(
        client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {}, format="json"), 409, code="stale_transition"
    )


def test_return_then_resubmit(client_for, employee_a, supervisor_a, body):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]
    returned = client_for(supervisor_a).post(f"{URL}{pk}/return/", {"note": "Perbaiki"}, format="json")
    assert returned.json()["status"] == "returned"

    resubmitted = client_for(employee_a).patch(f"{URL}{pk}/", {"reason": "Diperbaiki", "submit": True}, format="json")
    assert resubmitted.json()["status"] == "submitted" and resubmitted.json()["step"] == "RECOMMEND"


def test_withdraw_and_reject(client_for, employee_a, supervisor_a, body, monday):
    first = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]
    second = (
        client_for(employee_a)
        .post(URL, {**body, "dates": [monday.isoformat()], "submit": True}, format="json")
        .json()["id"]
    )

    assert client_for(employee_a).post(f"{URL}{first}/withdraw/", {}, format="json").json()["status"] == "withdrawn"
    assert (
        client_for(supervisor_a).post(f"{URL}{second}/reject/", {"note": "Tidak"}, format="json").json()["status"]
        == "rejected"
    )


# ---------------------------------------------------------------------------- scope and roles


def test_it_hides_other_agencies(client_for, employee_a, employee_b, hr_admin_b, body):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]

    for user in (employee_b, hr_admin_b):
        client = client_for(user)
        assert_error(client.get(f"{URL}{pk}/"), 404, code="not_found")
        assert_error(client.post(f"{URL}{pk}/approve/", {}, format="json"), 404)
        assert_error(client.patch(f"{URL}{pk}/", {"reason": "x"}, format="json"), 404)
        assert client.get(URL).json()["count"] == 0


def test_it_hides_requests_of_colleagues_outside_the_scope(client_for, employee_a, org_world, body):
    colleague = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    pk = client_for(employee_a).post(URL, body, format="json").json()["id"]

    assert_error(client_for(colleague.user).get(f"{URL}{pk}/"), 404)


def test_it_forbids_employee(client_for, employee_a, supervisor_a, body):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]
    client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {}, format="json")

    assert_error(client_for(employee_a).post(f"{URL}{pk}/approve/", {}, format="json"), 403, code="permission_denied")


def test_it_forbids_supervisor(client_for, employee_a, supervisor_a, body):
    pk = client_for(employee_a).post(URL, body, format="json").json()["id"]

    assert_error(client_for(supervisor_a).patch(f"{URL}{pk}/", {"reason": "x"}, format="json"), 403)
    assert_error(client_for(supervisor_a).post(f"{URL}{pk}/submit/", {}, format="json"), 403)


def test_it_forbids_hr_admin(client_for, employee_a, supervisor_a, hr_admin_a, body):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]

    assert client_for(hr_admin_a).get(f"{URL}{pk}/").status_code == 200
    assert_error(client_for(hr_admin_a).post(f"{URL}{pk}/recommend/", {}, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator, body):
    assert_error(client_for(platform_operator).post(URL, body, format="json"), 403)


def test_it_requires_authentication(api_client):
    assert api_client.get(URL).status_code == 401


# ---------------------------------------------------------------------------- lists and queue


def _many_requests(org_world, n: int, monday):
    for i in range(n):
        person = EmployeeFactory(
            agency=org_world.agency_a,
            unit=org_world.sec_a,
            position=org_world.position_a,
            supervisor=org_world.supervisor_a.employee,
        )
        create(person.user, days(monday, i % 5))


def test_the_queue_shows_what_the_caller_may_act_on(client_for, employee_a, supervisor_a, unit_head_a, body):
    pk = client_for(employee_a).post(URL, {**body, "submit": True}, format="json").json()["id"]

    assert [r["id"] for r in client_for(supervisor_a).get(f"{URL}?queue=true").json()["results"]] == [pk]
    assert client_for(unit_head_a).get(f"{URL}?queue=true").json()["count"] == 0
    client_for(supervisor_a).post(f"{URL}{pk}/recommend/", {}, format="json")
    assert [r["id"] for r in client_for(unit_head_a).get(f"{URL}?queue=true").json()["results"]] == [pk]
    assert client_for(employee_a).get(f"{URL}?mine=true&status=recommended").json()["count"] == 1


def test_the_queue_and_the_list_run_in_a_fixed_number_of_queries(
    client_for, supervisor_a, hr_admin_a, org_world, monday
):
    _many_requests(org_world, 2, monday)
    small_queue = queries_for(client_for(supervisor_a), f"{URL}?queue=true")
    small_list = queries_for(client_for(hr_admin_a), URL)
    _many_requests(org_world, 6, monday + datetime.timedelta(weeks=1))

    assert queries_for(client_for(supervisor_a), f"{URL}?queue=true") == small_queue
    assert queries_for(client_for(hr_admin_a), URL) == small_list
    assert client_for(supervisor_a).get(f"{URL}?queue=true").json()["count"] == 8


def test_bad_filters_are_400(client_for, hr_admin_a):
    assert_error(client_for(hr_admin_a).get(f"{URL}?status=nonsense"), 400, field="status")


def test_the_list_items_are_what_their_documented_serializer_gives(
    employee_a, supervisor_a, unit_head_a, hr_admin_a, org_world, monday
):
    """The lists build their items without a serializer per row; each must stay the documented shape."""
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from schedules import selectors
    from schedules.apis.serializers import ArrangementListItemSerializer, arrangement_list_item

    designated = LocationFactory(agency=org_world.agency_a)
    create(employee_a, days(monday, 0), submit=False)  # a draft: no step, not submitted
    create(employee_a, days(monday, 1), location="OTHER_OFFICE", other_office_unit=org_world.hr_unit_a)
    create(employee_a, days(monday, 2), location="DESIGNATED", designated_location_id=designated.id)
    dynamic = create(employee_a, days(monday, 3))
    ArrangementRequest.objects.filter(id=dynamic.id).update(
        planned_start=datetime.time(7, 30),
        planned_end=datetime.time(16, 5),
        escalated_to=org_world.hr_unit_a.employees.get(),
        exception_basis="SPECIAL_CIRCUMSTANCES",
        violations=[
            {"code": "COVERAGE_UNIT_SHARE", "severity": "soft", "message": "Lebih dari batas", "source": "kebijakan",
             "dates": [str(monday + datetime.timedelta(days=3))]},
            {"code": "HOLIDAY_SKIPPED", "severity": "info", "message": "Libur", "source": "Perpres 21/2023",
             "dates": []},
        ],
    )  # fmt: skip

    documented = list(selectors.arrangement_list_for(user=hr_admin_a))
    page = list(selectors.arrangement_list_for(user=hr_admin_a, with_people=False))
    people = selectors.arrangement_people_for(page)

    assert len(page) == 4
    for zone in ("Asia/Makassar", "UTC"):
        with timezone.override(zone):
            assert JSONRenderer().render([arrangement_list_item(ar, people) for ar in page]) == JSONRenderer().render(
                ArrangementListItemSerializer(documented, many=True).data
            )


def test_the_unfiltered_queue_statement_gives_what_the_filtered_list_gives(
    employee_a, supervisor_a, unit_head_a, agency_head_a, hr_admin_a, employee_b, org_world, monday
):
    """The approval queue's own statement (selectors.approval_queue_page) answers exactly as the general list
    with `queue=true` would: the same requests in the same order, the same total, the same items, for the
    step's approver, an active delegate, an escalation target, people with nothing to act on and another agency;
    expired, revoked and other-kind delegations give nothing."""
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from flexwork.approvals.models import Delegation
    from flexwork.common.calendar import today_in
    from schedules import selectors
    from schedules.apis.serializers import arrangement_list_item

    _many_requests(org_world, 4, monday)
    designated = LocationFactory(agency=org_world.agency_a)
    create(employee_a, days(monday + datetime.timedelta(weeks=1), 0), submit=False)  # a draft: in no queue
    other_office = create(
        employee_a, days(monday + datetime.timedelta(weeks=1), 1), location="OTHER_OFFICE",
        other_office_unit=org_world.hr_unit_a,
    )  # fmt: skip
    create(
        employee_a, days(monday + datetime.timedelta(weeks=2), 2), location="DESIGNATED",
        designated_location_id=designated.id,
    )  # fmt: skip
    ArrangementRequest.objects.filter(id=other_office.id).update(
        step="DECIDE", status="recommended", planned_start=datetime.time(7, 30), planned_end=datetime.time(16, 5),
        violations=[{"code": "COVERAGE_UNIT_SHARE", "severity": "soft", "message": "Lebih dari batas",
                     "source": "kebijakan", "dates": [str(monday + datetime.timedelta(weeks=1, days=1))]}],
    )  # fmt: skip
    escalated = create(employee_a, days(monday + datetime.timedelta(weeks=3), 3))
    ArrangementRequest.objects.filter(id=escalated.id).update(escalated_to=agency_head_a.employee)
    today = today_in("Asia/Makassar")
    for delegate, kinds, date_from, date_to, revoked in (
        (hr_admin_a, ["arrangement"], today - datetime.timedelta(days=1), today + datetime.timedelta(days=1), False),
        (employee_a, ["arrangement"], today - datetime.timedelta(days=9), today - datetime.timedelta(days=2), False),
        (employee_a, ["arrangement"], today, today, True),
        (employee_a, ["leave"], today, today, False),
    ):
        Delegation.objects.create(
            agency=org_world.agency_a, delegator=unit_head_a.employee, delegate=delegate.employee, kinds=kinds,
            date_from=date_from, date_to=date_to, revoked_at=timezone.now() if revoked else None,
        )  # fmt: skip

    def listed(user, limit, offset):
        queryset = selectors.arrangement_list_for(user=user, filters={"queue": True}, with_people=False)
        page = list(queryset[offset : offset + limit])
        people = selectors.arrangement_people_for(page)
        return queryset.count(), [arrangement_list_item(ar, people) for ar in page]

    def stated(user, limit, offset):
        total, page, people = selectors.approval_queue_page(user=user, limit=limit, offset=offset)
        return total, [arrangement_list_item(ar, people) for ar in page]

    sizes = {}
    for user in (supervisor_a, unit_head_a, hr_admin_a, agency_head_a, employee_a, employee_b):
        for limit, offset in ((50, 0), (2, 0), (2, 2)):
            for zone in ("Asia/Makassar", "UTC"):
                with timezone.override(zone):
                    expected_total, expected = listed(user, limit, offset)
                    if offset and not expected:
                        continue
                    total, items = stated(user, limit, offset)
                    assert total == expected_total, (user.username, limit, offset)
                    assert JSONRenderer().render(items) == JSONRenderer().render(expected), (user.username, zone)
        sizes[user.username] = listed(user, 50, 0)[0]

    # the others' four, employee_a's designated one and the escalated one (still at its recommendation)
    assert sizes[supervisor_a.username] == 6
    assert sizes[unit_head_a.username] == sizes[hr_admin_a.username] == 1  # the recommended one, and its delegate
    assert sizes[agency_head_a.username] == 1  # the escalated one
    assert sizes[employee_a.username] == sizes[employee_b.username] == 0


def test_the_list_counts_past_its_last_page(client_for, supervisor_a, org_world, monday):
    _many_requests(org_world, 3, monday)
    client = client_for(supervisor_a)

    first = client.get(f"{URL}?queue=true&limit=2").json()
    beyond = client.get(f"{URL}?queue=true&offset=5").json()

    assert first["count"] == 3 and len(first["results"]) == 2 and "offset=2" in first["next"]
    assert beyond["count"] == 3 and beyond["results"] == [] and beyond["next"] is None
    assert beyond["previous"] is not None
