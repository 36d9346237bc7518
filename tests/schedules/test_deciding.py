"""Deciding an arrangement (docs/rules.md §3 "Deciding"): the detail page and the approval queue show
the rule check as it stands now, not the verdict stored at submission; a warning that arose after
submission (the unit filled up as colleagues were approved) asks for an override reason, on the page
and in the API; a refused decision keeps what was typed; the queue's cards and its bulk action.

The personas: employee_a and supervisor_a are the two members of A-SEC (share 30 %: one may be away a
day); supervisor_a recommends employee_a's requests, unit_head_a decides both."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from flexwork.approvals.models import ApprovalStatus, Transition
from schedules import services
from schedules.models import ArrangementRequest, ScheduleDay
from schedules.policy import DECISION, check_proposal, proposal_from_request
from schedules.recheck import people_away, requests_check
from tests.helpers import assert_error
from tests.schedules.conftest import create, days, fetch

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(user, language="en"):
        client = Client()
        client.cookies["django_language"] = language
        client.force_login(user)
        return client

    return make


def recommended(employee, supervisor, dates, **kwargs) -> ArrangementRequest:
    ar = create(employee, dates, **kwargs)
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor)
    return fetch(ar)


def colleague_away(supervisor_a, unit_head_a, dates) -> ArrangementRequest:
    """The section's other member approved away on `dates` (the supervisor's decider is the unit head)."""
    ar = create(supervisor_a, dates)
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
    return fetch(ar)


def transitions_of(ar) -> list[str]:
    return list(Transition.objects.filter(object_id=ar.id).order_by("id").values_list("action", flat=True))


# ---------------------------------------------------------------------------- the check as of now


def test_the_check_of_many_requests_equals_the_check_of_each(employee_a, supervisor_a, unit_head_a, monday):
    """requests_check gathers the facts of a whole page at once; its verdicts are check_proposal's."""
    warned = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    dynamic = create(
        employee_a,
        days(monday, 7),
        location="OFFICE",
        planned_start=datetime.time(9),
        planned_end=datetime.time(12),
        submit=False,
    )
    capped = create(employee_a, days(monday, 2, 3))  # a pending-cap warning at submission
    other_week = create(employee_a, days(monday, 14, 18))
    colleague_away(supervisor_a, unit_head_a, [monday])
    stored = [fetch(ar) for ar in (warned, dynamic, capped, other_week)]

    batch = requests_check(stored)

    for ar in stored:
        one = check_proposal(proposal_from_request(fetch(ar)), at=DECISION, as_of=services._submitted_date(ar))
        assert batch[ar.id].result.as_list() == one.as_list(), ar
        assert batch[ar.id].result.working_dates == one.working_dates
        assert batch[ar.id].result.quota == one.quota
    assert [v["code"] for v in batch[warned.id].blocking] == ["COVERAGE_UNIT_SHARE"]
    assert {v["code"] for v in batch[dynamic.id].violations} >= {"DYN_CORE"}


def test_the_check_of_many_requests_runs_in_a_fixed_number_of_queries(employee_a, supervisor_a, monday):
    few = [recommended(employee_a, supervisor_a, [monday])]
    with CaptureQueriesContext(connection) as one:
        requests_check(few)
    many = few + [create(employee_a, [monday + datetime.timedelta(weeks=week)]) for week in range(1, 10)]
    many = [fetch(ar) for ar in many]
    with CaptureQueriesContext(connection) as ten:
        checks = requests_check(many)

    assert len(checks) == 10
    assert len(one) == len(ten)


def test_people_away_names_leave_and_days_away(employee_a, supervisor_a, unit_head_a, agency_a, sec_a_id, monday):
    from attendance.models import LeaveKind, LeaveRequest

    colleague_away(supervisor_a, unit_head_a, [monday])
    LeaveRequest.objects.create(
        agency=agency_a,
        employee=employee_a.employee,
        kind=LeaveKind.CT,
        date_from=monday + datetime.timedelta(days=1),
        date_to=monday + datetime.timedelta(days=1),
        status=ApprovalStatus.APPROVED,
    )

    with translation.override("en"):
        away = people_away(
            agency_id=agency_a.id, unit_ids=[sec_a_id], date_from=monday, date_to=monday + datetime.timedelta(days=2)
        )
        labels = {day: [(a.name, a.label) for a in people] for (_unit, day), people in away.items()}

    assert labels == {
        monday: [("Kasi A", "Home")],
        monday + datetime.timedelta(days=1): [("Pegawai A", "Annual leave")],
    }


@pytest.fixture
def sec_a_id(employee_a):
    return employee_a.employee.unit_id


# ---------------------------------------------------------------------------- a warning after submission, on the page


def test_the_detail_shows_a_warning_that_arose_after_submission(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    assert not [v for v in fetch(ar).violations if v["severity"] != "info"]  # no warning when it was sent
    colleague_away(supervisor_a, unit_head_a, [monday])

    html = page_client(unit_head_a).get(f"/arrangements/{ar.id}/").content.decode()

    assert 'data-code="COVERAGE_UNIT_SHARE"' in html
    assert "No rule is broken" not in html
    assert 'id="id_override_reason"' in html and 'name="override_reason"' in html
    assert "The check at submission was different" in html
    assert "Waiting for the decision of Kepala Bidang A" in html


def test_approving_over_the_new_warning_needs_a_reason_and_keeps_what_was_typed(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    colleague_away(supervisor_a, unit_head_a, [monday])
    client = page_client(unit_head_a)
    before = transitions_of(ar)

    response = client.post(
        f"/arrangements/{ar.id}/approve/", {"note": "Setuju, tim sudah diatur", "override_reason": "  "}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert fetch(ar).status == ApprovalStatus.RECOMMENDED and transitions_of(ar) == before
    assert 'id="error-summary"' in html and 'href="#id_override_reason"' in html
    assert "Give a reason to approve over the warnings." in html
    assert "Setuju, tim sudah diatur</textarea>" in html  # the note is kept
    assert 'id="id_override_reason"' in html

    response = client.post(
        f"/arrangements/{ar.id}/approve/",
        {"note": "Setuju, tim sudah diatur", "override_reason": "Laporan triwulan harus selesai minggu ini"},
    )

    assert response.status_code == 302
    approved = fetch(ar)
    assert approved.status == ApprovalStatus.APPROVED
    assert approved.override_reason == "Laporan triwulan harus selesai minggu ini"
    assert [v["code"] for v in approved.violations if v["severity"] == "soft"] == ["COVERAGE_UNIT_SHARE"]
    last = Transition.objects.filter(object_id=ar.id, action="approve").get()
    assert last.override_reason == "Laporan triwulan harus selesai minggu ini"
    page = page_client(employee_a).get(f"/arrangements/{ar.id}/").content.decode()
    assert "Reason to approve over the warnings: Laporan triwulan harus selesai minggu ini" in page
    assert ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True).count() == 2


def test_the_refusal_reads_in_indonesian(page_client, employee_a, supervisor_a, unit_head_a, monday):
    ar = recommended(employee_a, supervisor_a, [monday])
    colleague_away(supervisor_a, unit_head_a, [monday])

    html = page_client(unit_head_a, "id").post(f"/arrangements/{ar.id}/approve/", {"note": "Oke"}).content.decode()

    assert "Isi alasan menyetujui meskipun ada peringatan." in html
    assert 'href="#id_override_reason"' in html


def test_a_rule_broken_now_leaves_only_return_and_reject(page_client, employee_a, supervisor_a, unit_head_a, monday):
    first = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    second = recommended(employee_a, supervisor_a, days(monday, 2, 3))
    services.arrangement_request_approve(arrangement_request=fetch(first), actor=unit_head_a)

    html = page_client(unit_head_a).get(f"/arrangements/{second.id}/").content.decode()

    assert 'data-code="CAP_WEEKLY"' in html and 'id="decide-blocked"' in html
    assert f'formaction="/arrangements/{second.id}/reject/"' in html
    assert ">Approve</button>" not in html
    response = page_client(unit_head_a).post(f"/arrangements/{second.id}/approve/", {"override_reason": "Perlu"})
    assert response.status_code == 400 and fetch(second).status == ApprovalStatus.RECOMMENDED


# ---------------------------------------------------------------------------- the same through the API


def test_the_api_asks_for_an_override_reason_for_a_warning_that_arose_after_submission(
    client_for, employee_a, supervisor_a, unit_head_a, monday
):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    colleague_away(supervisor_a, unit_head_a, [monday])
    api = client_for(unit_head_a)

    response = api.post(f"/api/v1/arrangements/{ar.id}/approve/", {"note": "Setuju"}, format="json")

    assert_error(
        response, 400, "override_reason_required", fields=["override_reason"], violation_codes=["COVERAGE_UNIT_SHARE"]
    )
    assert fetch(ar).status == ApprovalStatus.RECOMMENDED

    response = api.post(f"/api/v1/arrangements/{ar.id}/approve/", {"override_reason": "Tenggat laporan"}, format="json")

    assert response.status_code == 200, response.content
    assert fetch(ar).override_reason == "Tenggat laporan"
    assert Transition.objects.get(object_id=ar.id, action="approve").override_reason == "Tenggat laporan"


def test_the_api_refuses_a_rule_broken_now(client_for, employee_a, supervisor_a, unit_head_a, monday):
    first = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    second = recommended(employee_a, supervisor_a, days(monday, 2, 3))
    services.arrangement_request_approve(arrangement_request=fetch(first), actor=unit_head_a)

    response = client_for(unit_head_a).post(
        f"/api/v1/arrangements/{second.id}/approve/", {"override_reason": "Perlu"}, format="json"
    )

    assert_error(response, 400, "policy_violation", violation_codes=["CAP_WEEKLY"])
    assert fetch(second).status == ApprovalStatus.RECOMMENDED


# ---------------------------------------------------------------------------- 404 / 403 / 409 for each page action


@pytest.mark.parametrize("action", ["recommend", "approve", "reject", "return", "withdraw", "cancel", "revoke"])
def test_every_page_action_hides_another_agencys_request(
    page_client, employee_a, hr_admin_b, employee_b, monday, action
):
    ar = create(employee_a, [monday])

    for outsider in (hr_admin_b, employee_b):
        response = page_client(outsider).post(f"/arrangements/{ar.id}/{action}/", {"note": "x"})
        assert response.status_code == 404
    assert page_client(hr_admin_b).get(f"/arrangements/{ar.id}/").status_code == 404
    assert fetch(ar).status == ApprovalStatus.SUBMITTED


@pytest.mark.parametrize("action", ["recommend", "approve", "reject", "return"])
def test_every_decision_forbids_who_is_in_scope_but_not_an_approver(
    page_client, employee_a, hr_admin_a, agency_head_a, monday, action
):
    ar = create(employee_a, [monday])

    for bystander in (hr_admin_a, agency_head_a):
        response = page_client(bystander).post(f"/arrangements/{ar.id}/{action}/", {"note": "x"})
        assert response.status_code == 403
    assert fetch(ar).status == ApprovalStatus.SUBMITTED


def test_the_bulk_action_ignores_another_agencys_ids_and_forbids_an_employee(
    page_client, employee_a, supervisor_a, employee_b, monday
):
    ar = create(employee_a, [monday])

    assert page_client(employee_b).post("/arrangements/queue/approve/", {"ids": [ar.id]}).status_code == 403
    assert fetch(ar).status == ApprovalStatus.SUBMITTED


@pytest.mark.parametrize("action", ["recommend", "reject", "return"])
def test_a_repeated_recommendation_step_answers_409_calmly(page_client, employee_a, supervisor_a, monday, action):
    ar = create(employee_a, [monday])
    client = page_client(supervisor_a)

    first = client.post(f"/arrangements/{ar.id}/{action}/", {"note": "Sudah dicek"})
    second = client.post(f"/arrangements/{ar.id}/{action}/", {"note": "Sudah dicek"})

    assert first.status_code == 302
    html = second.content.decode()
    assert second.status_code == 409
    assert 'id="refusal"' in html and "Nothing was changed" in html
    assert 'id="error-summary"' not in html
    assert transitions_of(ar).count(action) == 1


def test_a_double_tapped_approval_writes_once(page_client, employee_a, supervisor_a, unit_head_a, monday):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 4))
    client = page_client(unit_head_a)

    first = client.post(f"/arrangements/{ar.id}/approve/", {"note": "Setuju", "next": "/arrangements/queue/"})
    second = client.post(f"/arrangements/{ar.id}/approve/", {"note": "Setuju", "next": "/arrangements/queue/"})

    assert first.status_code == 302 and first.url == "/arrangements/queue/"
    assert second.status_code == 409 and "Nothing was changed" in second.content.decode()
    assert transitions_of(ar).count("approve") == 1
    assert ScheduleDay.objects.filter(arrangement=ar).count() == 2


def test_a_stale_revoke_and_cancel_answer_409(page_client, employee_a, supervisor_a, unit_head_a, monday):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 4))
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
    boss = page_client(unit_head_a)

    assert boss.post(f"/arrangements/{ar.id}/revoke/", {"note": "Kebutuhan kantor"}).status_code == 302
    again = boss.post(f"/arrangements/{ar.id}/revoke/", {"note": "Kebutuhan kantor"})
    cancel = page_client(employee_a).post(f"/arrangements/{ar.id}/cancel/", {"note": "x"})

    assert again.status_code == 409 and cancel.status_code == 409
    assert transitions_of(ar).count("revoke") == 1 and "cancel" not in transitions_of(ar)


def test_a_revoke_without_a_reason_links_to_its_field(page_client, employee_a, supervisor_a, unit_head_a, monday):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 4))
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)

    response = page_client(unit_head_a).post(f"/arrangements/{ar.id}/revoke/", {"note": ""})

    assert response.status_code == 400
    assert 'href="#id_note_end"' in response.content.decode()
    assert fetch(ar).status == ApprovalStatus.APPROVED


# ---------------------------------------------------------------------------- the queue


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/arrangements/queue/")
    assert response.status_code == 200
    return len(captured)


def test_the_queue_runs_in_the_same_queries_for_one_and_ten_requests(
    page_client, django_assert_num_queries, employee_a, supervisor_a, unit_head_a, monday
):
    client = page_client(unit_head_a)
    recommended(employee_a, supervisor_a, [monday])
    colleague_away(supervisor_a, unit_head_a, [monday])
    one = queue_queries(client)
    for week in range(1, 10):
        recommended(employee_a, supervisor_a, [monday + datetime.timedelta(weeks=week)])

    with django_assert_num_queries(one):
        html = client.get("/arrangements/queue/").content.decode()

    assert html.count('class="sched-card panel"') == 10


def test_a_queue_card_says_who_what_when_and_who_else_is_away(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    ar = recommended(employee_a, supervisor_a, days(monday, 0, 1))
    colleague_away(supervisor_a, unit_head_a, [monday])

    html = page_client(unit_head_a).get("/arrangements/queue/").content.decode()
    card = html[html.index(f'id="request-{ar.id}"') :]

    assert "Pegawai A" in card and "Analis · Seksi A" in card
    assert "Waiting for the decision of Kepala Bidang A" in card
    assert '<span class="sched-tag loc-HOME">Home</span>' in card
    assert "Draf laporan — 1 dokumen" in card
    assert "Kasi A (Home)" in card and "nobody else away" in card  # Monday, and Tuesday
    assert 'data-code="COVERAGE_UNIT_SHARE"' in card
    assert '<summary class="button secondary">Decide</summary>' in card
    assert f'name="ids" value="{ar.id}"' not in card  # a warning: not in the bulk approval
    assert 'id="override-' in card


def test_an_empty_queue_has_no_bulk_box(page_client, unit_head_a):
    html = page_client(unit_head_a).get("/arrangements/queue/").content.decode()

    assert "Nothing waits for your decision." in html
    assert 'id="bulk-form"' not in html


def test_a_supervisor_recommends_in_bulk_after_the_list(page_client, employee_a, supervisor_a, monday):
    first = create(employee_a, [monday])
    second = create(employee_a, [monday + datetime.timedelta(weeks=1)])
    client = page_client(supervisor_a)

    html = client.get("/arrangements/queue/").content.decode()
    assert html.index('id="bulk-form"') > html.index(f'id="request-{second.id}"')
    assert "Recommend the ticked requests" in html
    assert "Recommend together: Pegawai A" in html

    response = client.post(
        "/arrangements/queue/approve/", {"ids": [first.id, second.id], "note": "Layak", "next": "/arrangements/queue/"}
    )

    assert response.status_code == 302
    assert fetch(first).status == fetch(second).status == ApprovalStatus.RECOMMENDED
    assert Transition.objects.get(object_id=first.id, action="recommend").note == "Layak"
    page = client.get("/arrangements/queue/").content.decode()
    assert "2 requests recommended." in page
    assert 'id="bulk-form"' not in page  # nothing left to tick

    repeat = client.post("/arrangements/queue/approve/", {"ids": [first.id, second.id]})

    assert repeat.status_code == 409
    assert "2 requests had been decided already: nothing was changed for them." in repeat.content.decode()
    assert transitions_of(first).count("recommend") == 1


def test_bulk_approval_leaves_a_request_that_needs_a_reason(page_client, employee_a, supervisor_a, unit_head_a, monday):
    clean = recommended(employee_a, supervisor_a, [monday + datetime.timedelta(days=2)])
    warned = recommended(employee_a, supervisor_a, [monday])
    colleague_away(supervisor_a, unit_head_a, [monday])
    client = page_client(unit_head_a)

    # Ticked anyway (the page was older than the colleague's approval): the engine's check refuses it.
    response = client.post("/arrangements/queue/approve/", {"ids": [clean.id, warned.id]}, follow=True)

    html = response.content.decode()
    assert fetch(clean).status == ApprovalStatus.APPROVED
    assert fetch(warned).status == ApprovalStatus.RECOMMENDED
    assert "1 request approved." in html
    assert "Pegawai A: a warning applies now; approve it on its own page with a reason." in html


# ---------------------------------------------------------------------------- leave and corrections, several at once


def sent(kind: str, user):
    """A leave request or a correction of `user`, submitted (recommender supervisor_a)."""
    from attendance import requests as attendance_requests
    from flexwork.common.calendar import office_today
    from tests.schedules.conftest import emp

    today = office_today(emp(user))
    if kind == "leave":
        start = today + datetime.timedelta(days=14)
        while start.isoweekday() > 4:  # it and the day after are working days, whatever today is
            start += datetime.timedelta(days=1)
        return attendance_requests.leave_request_create(
            user=user, kind="CT", date_from=start, date_to=start + datetime.timedelta(days=1)
        )
    return attendance_requests.correction_create(
        user=user, local_date=today, kind="IN", corrected_time=datetime.time(7, 30), reason="Lupa"
    )


def test_leave_and_corrections_are_recommended_together_once(page_client, employee_a, supervisor_a):
    leave, correction = sent("leave", employee_a), sent("correction", employee_a)
    client = page_client(supervisor_a)

    html = client.get("/attendance/requests/").content.decode()
    assert html.index('id="bulk-requests-form"') > html.index(f'value="correction-{correction.id}"')
    ticked = {"ids": [f"leave-{leave.id}", f"correction-{correction.id}"], "note": "Sesuai"}

    response = client.post("/attendance/requests/decide/", ticked)

    assert response.status_code == 302
    leave.refresh_from_db()
    correction.refresh_from_db()
    assert leave.status == correction.status == ApprovalStatus.RECOMMENDED
    assert "2 requests decided." in client.get("/attendance/requests/").content.decode()

    repeat = client.post("/attendance/requests/decide/", ticked)

    assert repeat.status_code == 409
    assert "2 requests had been decided already" in repeat.content.decode()
    assert Transition.objects.filter(object_id=leave.id, action="recommend").count() == 1


def test_the_leave_bulk_ignores_another_agency_and_what_is_not_the_viewers(
    page_client, employee_a, supervisor_a, hr_admin_b, hr_admin_a
):
    leave = sent("leave", employee_a)

    for outsider in (hr_admin_b, hr_admin_a):
        page_client(outsider).post("/attendance/requests/decide/", {"ids": [f"leave-{leave.id}"]})

    leave.refresh_from_db()
    assert leave.status == ApprovalStatus.SUBMITTED
    assert page_client(employee_a).get("/attendance/requests/").content.decode().count('id="bulk-requests-form"') == 0


def test_a_refused_leave_decision_is_the_page_again_with_a_409(page_client, employee_a, unit_head_a):
    leave = sent("leave", employee_a)

    # The decider before the recommendation: 409, nothing written, the page with the reason.
    response = page_client(unit_head_a).post(
        f"/attendance/requests/leave/{leave.id}/decide/", {"action": "approve", "note": "Setuju cuti"}
    )

    assert response.status_code == 409
    assert "This request is not at this step" in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == ApprovalStatus.SUBMITTED
