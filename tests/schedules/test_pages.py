"""The arrangement pages: my requests, the detail page and
its actions, the approval queue with bulk approve, recall, and HR's pages. Pages in English (the
language cookie) so that messages can be read; the rule codes and sources are not translated."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from flexwork.approvals.models import ApprovalStatus
from schedules.models import Directive, Recall, ScheduleDay
from tests.schedules.conftest import approve_fully, create, days, fetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(user):
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(user)
        return client

    return make


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return len(captured)


# ---------------------------------------------------------------------------- the request form
# The request in steps: tests/schedules/test_request_steps.py.


# ---------------------------------------------------------------------------- lists and detail


def test_my_requests_run_in_a_fixed_number_of_queries(page_client, employee_a, monday):
    client = page_client(employee_a)
    create(employee_a, [monday])
    few = count_queries(client, "/arrangements/")
    for week in range(1, 6):
        create(employee_a, [monday + datetime.timedelta(weeks=week)])
    many = count_queries(client, "/arrangements/?status=submitted")

    assert few == many
    assert count_queries(client, "/arrangements/") == few


def test_my_requests_filter_by_status(page_client, employee_a, monday):
    create(employee_a, [monday], submit=False)
    create(employee_a, [monday + datetime.timedelta(days=1)])

    html = page_client(employee_a).get("/arrangements/?status=draft").content.decode()

    assert html.count('class="sched-status st-draft"') == 1
    assert "st-submitted" not in html


def test_the_detail_shows_days_history_and_actions(page_client, employee_a, supervisor_a, monday):
    ar = create(employee_a, days(monday, 0, 4))

    mine = page_client(employee_a).get(f"/arrangements/{ar.id}/").content.decode()
    boss = page_client(supervisor_a).get(f"/arrangements/{ar.id}/").content.decode()

    assert 'data-status="submitted"' in mine and monday.isoformat() in mine
    assert "/withdraw/" in mine and "/recommend/" not in mine
    assert "Submit" in mine  # the history: who submitted
    assert "/recommend/" in boss and "/withdraw/" not in boss


def test_the_detail_hides_other_agencies(page_client, employee_a, employee_b, hr_admin_b, monday):
    ar = create(employee_a, [monday])

    assert page_client(employee_b).get(f"/arrangements/{ar.id}/").status_code == 404
    assert page_client(hr_admin_b).get(f"/arrangements/{ar.id}/").status_code == 404
    assert page_client(hr_admin_b).post(f"/arrangements/{ar.id}/withdraw/").status_code == 404


def test_an_employee_withdraws_and_cancels_days(page_client, employee_a, supervisor_a, unit_head_a, monday):
    client = page_client(employee_a)
    pending = create(employee_a, [monday])
    client.post(f"/arrangements/{pending.id}/withdraw/")
    assert fetch(pending).status == ApprovalStatus.WITHDRAWN

    approved = approve_fully(create(employee_a, days(monday, 7, 11)), supervisor=supervisor_a, decider=unit_head_a)
    client.post(f"/arrangements/{approved.id}/cancel/", {"dates": [(monday + datetime.timedelta(days=7)).isoformat()]})

    active = ScheduleDay.objects.filter(arrangement=approved, cancelled_at__isnull=True)
    assert list(active.values_list("local_date", flat=True)) == [monday + datetime.timedelta(days=11)]


def test_the_employee_cannot_approve_their_own_request(page_client, employee_a, monday):
    ar = create(employee_a, [monday])

    response = page_client(employee_a).post(f"/arrangements/{ar.id}/recommend/")

    assert response.status_code in (302, 403)
    assert fetch(ar).status == ApprovalStatus.SUBMITTED


# ---------------------------------------------------------------------------- the approval queue


def test_the_queue_forbids_an_employee(page_client, employee_a):
    assert page_client(employee_a).get("/arrangements/queue/").status_code == 403
    assert page_client(employee_a).post("/arrangements/queue/approve/").status_code == 403


def test_the_queue_shows_violations_and_runs_in_a_fixed_number_of_queries(
    page_client, employee_a, supervisor_a, monday
):
    client = page_client(supervisor_a)
    create(employee_a, days(monday, 0, 1))
    few = count_queries(client, "/arrangements/queue/")
    for week in range(1, 5):
        create(employee_a, days(monday + datetime.timedelta(weeks=week), 0, 1))
    create(employee_a, [monday + datetime.timedelta(days=2)])  # a pending-cap warning at submission
    many = count_queries(client, "/arrangements/queue/")

    html = client.get("/arrangements/queue/").content.decode()
    assert few == many
    assert html.count('class="sched-card panel"') == 6
    # The queue shows the check as of now: at a decision other pending requests do not count
    # (docs/rules.md §3), so the submission's warning is gone and the card says so.
    assert 'data-code="CAP_WEEKLY"' not in html
    assert "The check differs from the one at submission." in html


def test_the_queue_filters_by_date_and_location(page_client, employee_a, supervisor_a, monday):
    create(employee_a, [monday])
    create(employee_a, [monday + datetime.timedelta(weeks=3)])
    later = (monday + datetime.timedelta(weeks=2)).isoformat()

    html = page_client(supervisor_a).get(f"/arrangements/queue/?date_from={later}&location=HOME").content.decode()

    assert html.count('class="sched-card panel"') == 1


def test_the_supervisor_recommends_and_the_decider_approves_from_the_queue(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    ar = create(employee_a, days(monday, 0, 4))
    response = page_client(supervisor_a).post(
        f"/arrangements/{ar.id}/recommend/", {"note": "OK", "next": "/arrangements/queue/"}
    )
    assert response.status_code == 302 and response.url == "/arrangements/queue/"
    assert fetch(ar).status == ApprovalStatus.RECOMMENDED

    page_client(unit_head_a).post(f"/arrangements/{ar.id}/approve/", {"note": "Setuju"})

    assert fetch(ar).status == ApprovalStatus.APPROVED
    assert ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True).count() == 2


def test_bulk_approve_takes_only_requests_without_violations(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    from schedules import services

    clean = create(employee_a, days(monday, 0, 1))
    warned = create(employee_a, days(monday, 7, 8))
    for ar in (clean, warned):
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    # The supervisor, the other member of the section, is approved away on the warned request's
    # first day meanwhile: the section (2 people, 30 %) may have one away, so a warning applies now.
    colleague = create(supervisor_a, [monday + datetime.timedelta(days=7)])
    services.arrangement_request_approve(arrangement_request=fetch(colleague), actor=unit_head_a)
    client = page_client(unit_head_a)
    html = client.get("/arrangements/queue/").content.decode()
    assert f'name="ids" value="{clean.id}"' in html
    assert f'name="ids" value="{warned.id}"' not in html

    client.post("/arrangements/queue/approve/", {"ids": [clean.id, warned.id]})

    assert fetch(clean).status == ApprovalStatus.APPROVED
    assert fetch(warned).status == ApprovalStatus.RECOMMENDED


def test_a_refused_decision_shows_the_reason(page_client, employee_a, unit_head_a, monday):
    ar = create(employee_a, [monday])
    client = page_client(unit_head_a)  # the decider, before the recommendation: 409, shown as a message

    response = client.post(f"/arrangements/{ar.id}/approve/", follow=True)

    assert fetch(ar).status == ApprovalStatus.SUBMITTED
    assert response.status_code == 409
    assert "This request is not at this step" in response.content.decode()


# ---------------------------------------------------------------------------- recall


def test_a_supervisor_recalls_a_person_from_the_form(page_client, employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)
    employee_id = employee_a.employee.id
    client = page_client(supervisor_a)
    assert client.get(f"/schedule/recall/?employee={employee_id}&date={monday}").status_code == 200

    response = client.post(
        "/schedule/recall/", {"employee": employee_id, "local_date": monday.isoformat(), "reason": "Rapat pimpinan"}
    )

    assert response.status_code == 302
    day = ScheduleDay.objects.get(employee_id=employee_id, local_date=monday, cancelled_at__isnull=True)
    assert day.location == "OFFICE" and Recall.objects.count() == 1


def test_recall_forbids_an_employee(page_client, employee_a):
    assert page_client(employee_a).get("/schedule/recall/").status_code == 403


def test_recall_refuses_a_past_day_with_the_message(page_client, employee_a, supervisor_a):
    response = page_client(supervisor_a).post(
        "/schedule/recall/",
        {"employee": employee_a.employee.id, "local_date": "2020-01-06", "reason": "Rapat"},
    )

    assert "A recall is for today or a later day." in response.content.decode()


# ---------------------------------------------------------------------------- HR


def test_all_requests_are_for_hr_and_run_in_a_fixed_number_of_queries(
    page_client, hr_admin_a, employee_a, supervisor_a, monday
):
    assert page_client(employee_a).get("/arrangements/all/").status_code == 403
    assert page_client(supervisor_a).get("/arrangements/all/").status_code == 403
    client = page_client(hr_admin_a)
    create(employee_a, [monday])
    few = count_queries(client, "/arrangements/all/")
    for week in range(1, 6):
        create(employee_a, [monday + datetime.timedelta(weeks=week)])
    many = count_queries(client, "/arrangements/all/")

    assert few == many
    html = client.get(f"/arrangements/all/?unit={employee_a.employee.unit_id}&status=submitted").content.decode()
    assert html.count("st-submitted") == 6


def test_hr_of_another_agency_sees_none(page_client, hr_admin_b, employee_a, monday):
    create(employee_a, [monday])

    html = page_client(hr_admin_b).get("/arrangements/all/").content.decode()

    assert "No requests." in html


def test_hr_declares_a_directive(page_client, hr_admin_a, employee_a, monday):
    assert page_client(employee_a).get("/schedule/directives/").status_code == 403
    client = page_client(hr_admin_a)
    data = {
        "date_from": monday.isoformat(),
        "date_to": (monday + datetime.timedelta(days=4)).isoformat(),
        "allowed_locations": ["HOME", "DESIGNATED"],
        "max_share_percent": "50",
        "message": "WFA pasca libur",
    }

    response = client.post("/schedule/directives/", data)

    assert response.status_code == 302
    directive = Directive.objects.get()
    assert directive.allowed_locations == ["DESIGNATED", "HOME"] and directive.max_share_percent == 50
    assert "WFA pasca libur" in client.get("/schedule/directives/").content.decode()


def test_a_directive_ending_before_it_starts_is_refused(page_client, hr_admin_a, monday):
    data = {
        "date_from": monday.isoformat(),
        "date_to": (monday - datetime.timedelta(days=1)).isoformat(),
        "allowed_locations": ["HOME"],
        "message": "x",
    }

    response = page_client(hr_admin_a).post("/schedule/directives/", data)

    assert "The end date is before the start date." in response.content.decode()
    assert not Directive.objects.exists()


def test_delegations_are_created_and_revoked(page_client, unit_head_a, supervisor_a, employee_a, monday):
    from flexwork.approvals.models import Delegation

    assert page_client(employee_a).get("/schedule/delegations/").status_code == 403
    client = page_client(unit_head_a)
    data = {
        "delegator": unit_head_a.employee.id,
        "delegate": supervisor_a.employee.id,
        "date_from": monday.isoformat(),
        "date_to": (monday + datetime.timedelta(days=4)).isoformat(),
        "kinds": ["arrangement"],
        "note": "Cuti",
    }
    assert client.post("/schedule/delegations/", data).status_code == 302
    delegation = Delegation.objects.get()
    assert "Kasi A" in client.get("/schedule/delegations/").content.decode()

    client.post(f"/schedule/delegations/{delegation.id}/revoke/")

    delegation.refresh_from_db()
    assert delegation.revoked_at is not None


def test_a_supervisor_cannot_delegate_for_someone_else(page_client, supervisor_a, unit_head_a, employee_a, monday):
    data = {
        "delegator": unit_head_a.employee.id,
        "delegate": employee_a.employee.id,
        "date_from": monday.isoformat(),
        "date_to": monday.isoformat(),
        "kinds": ["arrangement"],
    }

    response = page_client(supervisor_a).post("/schedule/delegations/", data)

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_header_shows_approvals_only_to_approvers(page_client, employee_a, supervisor_a):
    mine = page_client(employee_a).get("/arrangements/").content.decode()
    boss = page_client(supervisor_a).get("/arrangements/").content.decode()

    assert 'href="/arrangements/queue/"' not in mine
    assert 'href="/arrangements/queue/"' in boss
    assert 'href="/schedule/"' in mine and 'href="/arrangements/"' in mine


def test_directive_and_delegation_lists_run_in_a_fixed_number_of_queries(
    page_client, hr_admin_a, unit_head_a, supervisor_a, org_world, monday
):
    from flexwork.approvals.models import Delegation

    client = page_client(hr_admin_a)

    def add(count):
        for offset in range(count):
            day = monday + datetime.timedelta(weeks=offset)
            Directive.objects.create(
                agency=org_world.agency_a,
                unit=org_world.div_a,
                date_from=day,
                date_to=day,
                allowed_locations=["HOME"],
                message="WFH",
            )
            Delegation.objects.create(
                agency=org_world.agency_a,
                delegator=unit_head_a.employee,
                delegate=supervisor_a.employee,
                date_from=day,
                date_to=day,
                kinds=["arrangement"],
            )

    add(1)
    few = (count_queries(client, "/schedule/directives/"), count_queries(client, "/schedule/delegations/"))
    add(6)
    many = (count_queries(client, "/schedule/directives/"), count_queries(client, "/schedule/delegations/"))

    assert few == many
