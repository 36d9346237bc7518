"""Every transition of every approvable kind happens exactly once (docs/rules.md §3; docs/api.md
409): ten concurrent identical calls write one transition and one notification, a repeated call
answers 409 `stale_transition` and writes nothing, an approver whose step has passed gets 409 (not
403), a stranger in scope 403 and another agency 404. Real PostgreSQL, real threads."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from attendance import requests as request_services
from attendance.models import AttendanceCorrection, LeaveRequest
from flexwork.approvals.models import ApprovalStatus, Transition
from flexwork.common.calendar import office_today
from flexwork.common.exceptions import ApplicationError
from flexwork.notifications.models import Notification
from flexwork.outbox.models import OutboxMessage
from schedules.models import ArrangementRequest
from tests.helpers import post_concurrently
from tests.schedules.conftest import create, emp, next_monday

S = ApprovalStatus
KINDS = ["arrangement", "leave", "correction"]
PATHS = {
    "arrangement": "/api/v1/arrangements/{id}/",
    "leave": "/api/v1/leaves/{id}/",
    "correction": "/api/v1/attendance/corrections/{id}/",
}
MODELS = {"arrangement": ArrangementRequest, "leave": LeaveRequest, "correction": AttendanceCorrection}
# What the approver who acts on a submitted request is told (submit, recommend).
PENDING_KINDS = {
    "arrangement": {"submit": "arrangement_submitted", "recommend": "arrangement_recommended"},
    "leave": {"submit": "attendance_request_pending", "recommend": "attendance_request_pending"},
    "correction": {"submit": "attendance_request_pending", "recommend": "attendance_request_pending"},
}


def draft(kind: str, user):
    """A draft of `kind` by `user` (employee_a: recommender supervisor_a, decider unit_head_a)."""
    if kind == "arrangement":
        return create(user, [next_monday(2, employee_user=user)], submit=False)
    today = office_today(emp(user))
    if kind == "leave":
        start = today + datetime.timedelta(days=14)
        while start.isoweekday() > 4:  # it and the day after are working days, whatever today is
            start += datetime.timedelta(days=1)
        return request_services.leave_request_create(
            user=user, kind="CT", date_from=start, date_to=start + datetime.timedelta(days=1), submit=False
        )
    return request_services.correction_create(
        user=user, local_date=today, kind="IN", corrected_time=datetime.time(7, 30), reason="Lupa", submit=False
    )


def url(kind: str, obj, action: str) -> str:
    return PATHS[kind].format(id=obj.id) + f"{action}/"


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def rows(kind: str, obj):
    content_type = ContentType.objects.get_for_model(MODELS[kind])
    return Transition.objects.filter(content_type=content_type, object_id=obj.id)


def written() -> tuple[int, int, int]:
    return Transition.objects.count(), Notification.objects.count(), OutboxMessage.objects.count()


def assert_stale(response) -> None:
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "stale_transition", response.json()


# ---------------------------------------------------------------------------- ten at once


@pytest.fixture
def _fresh_content_types():
    # A transactional test flushes the tables; content type ids cached by earlier tests are stale.
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_fresh_content_types")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["submit", "recommend", "withdraw"])
def test_ten_concurrent_identical_transitions_write_exactly_once(kind, action, employee_a, supervisor_a, unit_head_a):
    obj = draft(kind, employee_a)
    if action == "recommend":
        assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    actor = supervisor_a if action == "recommend" else employee_a
    transitions_before = rows(kind, obj).count()
    notifications_before = Notification.objects.count()

    outcomes = post_concurrently(actor, url(kind, obj, action))

    assert outcomes.count((200, None)) == 1, outcomes
    assert outcomes.count((409, "stale_transition")) == 9, outcomes
    assert rows(kind, obj).count() == transitions_before + 1
    assert rows(kind, obj).filter(action=action).count() == 1
    told = Notification.objects.count() - notifications_before
    if action == "withdraw":
        assert told == 0  # a withdrawal tells nobody
    else:
        recipient = supervisor_a if action == "submit" else unit_head_a
        assert told == 1
        assert Notification.objects.filter(recipient=recipient, kind=PENDING_KINDS[kind][action]).count() == 1


# ---------------------------------------------------------------------------- once, then again


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_repeated_submit_or_withdraw_answers_409_and_writes_nothing(kind, employee_a):
    obj = draft(kind, employee_a)
    api = client(employee_a)
    assert api.post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    before = written()

    assert_stale(api.post(url(kind, obj, "submit"), {}, format="json"))
    assert written() == before

    assert api.post(url(kind, obj, "withdraw"), {}, format="json").status_code == 200
    before = written()
    assert_stale(api.post(url(kind, obj, "withdraw"), {}, format="json"))
    assert written() == before
    assert list(rows(kind, obj).values_list("action", "to_status")) == [
        ("submit", "submitted"),
        ("withdraw", "withdrawn"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["return", "reject"])
def test_a_repeated_return_or_reject_by_the_recommender_is_409_not_403(kind, action, employee_a, supervisor_a):
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    api = client(supervisor_a)
    assert api.post(url(kind, obj, action), {"note": "Lengkapi"}, format="json").status_code == 200
    before = written()

    assert_stale(api.post(url(kind, obj, action), {"note": "Lengkapi"}, format="json"))
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ["recommend", "return", "reject"])
def test_an_approver_whose_step_has_passed_gets_409(kind, action, employee_a, supervisor_a):
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    api = client(supervisor_a)
    assert api.post(url(kind, obj, "recommend"), {}, format="json").status_code == 200
    before = written()

    # The request now waits for the decider: the recommender's step has passed.
    assert_stale(api.post(url(kind, obj, action), {"note": "x"}, format="json"))
    assert written() == before
    assert MODELS[kind].objects.get(id=obj.id).status == S.RECOMMENDED


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_decider_whose_decision_is_made_gets_409(kind, employee_a, supervisor_a, unit_head_a):
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    assert client(supervisor_a).post(url(kind, obj, "recommend"), {}, format="json").status_code == 200
    decider = client(unit_head_a)
    assert decider.post(url(kind, obj, "approve"), {"override_reason": "ok"}, format="json").status_code == 200
    before = written()

    for action in ("approve", "reject", "return"):
        assert_stale(decider.post(url(kind, obj, action), {"note": "x", "override_reason": "ok"}, format="json"))
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_stranger_in_scope_gets_403_and_another_agency_404(kind, employee_a, hr_admin_a, hr_admin_b):
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    before = written()

    for action in ("recommend", "approve", "reject", "return", "withdraw"):
        response = client(hr_admin_a).post(url(kind, obj, action), {"note": "x"}, format="json")
        assert response.status_code == 403, (action, response.content)  # HR sees it, but acts on no step
        response = client(hr_admin_b).post(url(kind, obj, action), {"note": "x"}, format="json")
        assert response.status_code == 404, (action, response.content)
    assert written() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_the_owner_never_acts_as_an_approver(kind, employee_a):
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200

    assert client(employee_a).post(url(kind, obj, "recommend"), {}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_repeated_partial_cancel_of_the_same_day_is_409(employee_a, supervisor_a, unit_head_a):
    monday = next_monday(2, employee_user=employee_a)
    ar = create(employee_a, [monday, monday + datetime.timedelta(days=4)])
    assert client(supervisor_a).post(url("arrangement", ar, "recommend"), {}, format="json").status_code == 200
    assert client(unit_head_a).post(url("arrangement", ar, "approve"), {}, format="json").status_code == 200
    api = client(employee_a)
    body = {"dates": [monday.isoformat()]}
    assert api.post(url("arrangement", ar, "cancel"), body, format="json").status_code == 200
    before = written()

    assert_stale(api.post(url("arrangement", ar, "cancel"), body, format="json"))
    assert written() == before
    assert ArrangementRequest.objects.get(id=ar.id).status == S.APPROVED


@pytest.mark.django_db
def test_a_correction_has_no_cancel_or_revoke(employee_a):
    obj = draft("correction", employee_a)
    client(employee_a).post(url("correction", obj, "submit"), {}, format="json")

    from flexwork.approvals import engine

    assert "cancel" not in engine.allowed_actions(obj=obj, user=employee_a)
    with pytest.raises(ApplicationError) as caught:
        request_services.request_act(obj=obj, action="cancel", actor=employee_a)
    assert caught.value.status_code == 400


# ---------------------------------------------------------------------------- pages


@pytest.fixture
def page_client():
    from django.test import Client

    def make(user):
        page = Client()
        page.cookies["django_language"] = "en"
        page.force_login(user)
        return page

    return make


@pytest.mark.django_db
def test_a_double_clicked_page_button_shows_a_message_and_writes_once(page_client, employee_a, supervisor_a):
    ar = draft("arrangement", employee_a)
    client(employee_a).post(url("arrangement", ar, "submit"), {}, format="json")
    page = page_client(supervisor_a)

    first = page.post(f"/arrangements/{ar.id}/return/", {"note": "Lengkapi"}, follow=True)
    second = page.post(f"/arrangements/{ar.id}/return/", {"note": "Lengkapi"}, follow=True)

    # The repeat is the request's page again with a calm notice (409), not an error page.
    assert first.status_code == 200 and second.status_code == 409
    assert 'id="refusal"' in second.content.decode()
    assert rows("arrangement", ar).filter(action="return").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["leave", "correction"])
def test_a_double_clicked_decision_on_the_requests_page_shows_a_message(kind, page_client, employee_a, supervisor_a):
    obj = draft(kind, employee_a)
    client(employee_a).post(url(kind, obj, "submit"), {}, format="json")
    page = page_client(supervisor_a)
    path = f"/attendance/requests/{kind}/{obj.id}/decide/"

    first = page.post(path, {"action": "recommend", "note": ""}, follow=True)
    second = page.post(path, {"action": "recommend", "note": ""}, follow=True)

    # The repeat is the requests page again with the message (409), not an error page.
    assert first.status_code == 200 and second.status_code == 409
    assert "message error" in second.content.decode()
    assert rows(kind, obj).filter(action="recommend").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_delegate_acts_once_on_behalf_and_a_repeat_is_409(kind, employee_a, supervisor_a, hr_admin_a):
    from flexwork.approvals import services as approval_services

    today = office_today(emp(supervisor_a))
    approval_services.delegation_create(
        delegator=emp(supervisor_a), delegate=emp(hr_admin_a), date_from=today, date_to=today, kinds=[kind]
    )
    obj = draft(kind, employee_a)
    assert client(employee_a).post(url(kind, obj, "submit"), {}, format="json").status_code == 200
    api = client(hr_admin_a)

    assert api.post(url(kind, obj, "recommend"), {}, format="json").status_code == 200
    before = written()
    assert_stale(api.post(url(kind, obj, "recommend"), {}, format="json"))
    assert_stale(api.post(url(kind, obj, "return"), {"note": "x"}, format="json"))
    assert written() == before
    recommend = rows(kind, obj).get(action="recommend")
    assert recommend.actor_id == hr_admin_a.id and recommend.on_behalf_of_id == emp(supervisor_a).id
