"""Deciding leave over a warning on the requests page (docs/rules.md §9 "Coverage"): the queue re-runs
the rule check of each waiting leave at render, so a coverage warning that arose after submission (a
colleague approved away since) shows in words with its regulation, with a field for the reason to
approve over it; approving without that reason is refused on the page and keeps what was typed; with
it the leave is approved and the reason is stored on the request and its transition; a double tap
writes once.

The personas: employee_a and supervisor_a are the two members of A-SEC; with a share of 10 % one of
them may be away a day. supervisor_a recommends employee_a's leave, unit_head_a decides both."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import LeaveRequest
from flexwork.approvals.models import Transition
from flexwork.org.models import AgencyPolicy
from leave.models import LeaveBalanceEntry
from tests.leave.rules_helpers import MONDAY, act, emp, leave, n

pytestmark = pytest.mark.django_db

PAGE = reverse("attendance-requests")
REASON_LABEL_ID = "Alasan menyetujui meskipun ada peringatan"


def page_client(user, language="en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def decide_url(obj) -> str:
    return reverse("attendance-request-decide", args=["leave", obj.id])


@pytest.fixture
def warned(employee_a, supervisor_a, unit_head_a):
    """employee_a's leave, submitted and recommended while nobody else was away; then the supervisor,
    the section's other member, is approved away on the same day: the unit is over its share now."""
    AgencyPolicy.objects.filter(agency_id=emp(employee_a).agency_id).update(coverage_share_percent=10)
    request = leave(employee_a, MONDAY)
    act(request, "recommend", supervisor_a)
    act(leave(supervisor_a, MONDAY), "approve", unit_head_a)
    return LeaveRequest.objects.get(id=request.id)


def test_a_warning_that_arose_after_submission_shows_on_the_queue(employee_a, supervisor_a, unit_head_a):
    AgencyPolicy.objects.filter(agency_id=emp(employee_a).agency_id).update(coverage_share_percent=10)
    request = leave(employee_a, MONDAY)
    act(request, "recommend", supervisor_a)
    client = page_client(unit_head_a, "id")
    before = client.get(PAGE).content.decode()
    assert f'id="note-leave-{request.id}"' in before and "COVERAGE_UNIT_SHARE" not in before

    act(leave(supervisor_a, MONDAY), "approve", unit_head_a)  # the section's other member, away that day
    html = client.get(PAGE).content.decode()

    assert 'data-code="COVERAGE_UNIT_SHARE"' in html
    assert "Terlalu banyak pegawai unit yang tidak di kantor" in html  # in words
    assert "kebijakan instansi" in html  # the regulation it rests on
    assert ">COVERAGE_UNIT_SHARE" not in html  # no raw code as text
    assert REASON_LABEL_ID in html
    assert f'id="override-leave-{request.id}"' in html


def test_without_a_warning_no_reason_is_asked(employee_a, supervisor_a, unit_head_a):
    request = leave(employee_a, MONDAY)
    act(request, "recommend", supervisor_a)

    html = page_client(unit_head_a).get(PAGE).content.decode()

    assert f'id="note-leave-{request.id}"' in html
    assert 'name="override_reason"' not in html
    assert "sched-violation" not in html


def test_approving_without_a_reason_is_refused_and_keeps_the_note(warned, unit_head_a, employee_a):
    client = page_client(unit_head_a, "id")

    response = client.post(decide_url(warned), {"action": "approve", "note": "Sudah dibicarakan dengan tim"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Isi alasan untuk menyetujui meskipun ada peringatan." in html
    assert 'value="Sudah dibicarakan dengan tim"' in html  # the note typed, on the row still waiting
    assert 'data-code="COVERAGE_UNIT_SHARE"' in html
    warned.refresh_from_db()
    assert warned.status == "recommended"
    assert n(employee_a, 2027) == (12, 1, 0)  # still held, nothing debited


def test_a_decision_on_a_request_returned_meanwhile_writes_nothing(warned, unit_head_a):
    client = page_client(unit_head_a)
    act(warned, "return", unit_head_a)

    response = client.post(
        decide_url(warned), {"action": "approve", "note": "", "override_reason": "Tugas dialihkan ke Budi"}
    )

    assert response.status_code == 409
    warned.refresh_from_db()
    assert (warned.status, warned.override_reason) == ("returned", "")


def test_with_a_reason_it_is_approved_and_the_reason_is_stored(warned, unit_head_a, employee_a):
    client = page_client(unit_head_a)

    response = client.post(
        decide_url(warned),
        {"action": "approve", "note": "Disetujui", "override_reason": "Tugas sudah dialihkan ke staf lain"},
    )

    assert response.status_code == 302
    warned.refresh_from_db()
    assert (warned.status, warned.override_reason) == ("approved", "Tugas sudah dialihkan ke staf lain")
    transition = Transition.objects.filter(object_id=warned.id, action="approve").get()
    assert transition.override_reason == "Tugas sudah dialihkan ke staf lain"
    assert transition.note == "Disetujui"
    assert n(employee_a, 2027) == (12, 0, 1)


def test_a_double_tap_writes_once(warned, unit_head_a, employee_a):
    client = page_client(unit_head_a)
    data = {"action": "approve", "note": "", "override_reason": "Tugas sudah dialihkan ke staf lain"}

    first = client.post(decide_url(warned), data)
    again = client.post(decide_url(warned), data)

    assert (first.status_code, again.status_code) == (302, 409)
    assert Transition.objects.filter(object_id=warned.id, action="approve").count() == 1
    assert LeaveBalanceEntry.objects.filter(leave_request_id=warned.id, kind="DEBIT").count() == 1
    assert n(employee_a, 2027) == (12, 0, 1)


def test_a_warned_leave_is_not_offered_to_the_bulk_approval(warned, unit_head_a):
    html = page_client(unit_head_a).get(PAGE).content.decode()

    assert f'value="leave-{warned.id}"' not in html
    assert "Decide this one on its own: it has a warning." in html


def test_the_recommender_sees_the_warning_without_a_reason_field(employee_a, supervisor_a, unit_head_a):
    AgencyPolicy.objects.filter(agency_id=emp(employee_a).agency_id).update(coverage_share_percent=10)
    request = leave(employee_a, MONDAY)
    act(leave(supervisor_a, MONDAY), "approve", unit_head_a)

    html = page_client(supervisor_a).get(PAGE).content.decode()

    assert 'data-code="COVERAGE_UNIT_SHARE"' in html
    assert f'id="override-leave-{request.id}"' not in html
    recommended = page_client(supervisor_a).post(decide_url(request), {"action": "recommend", "note": ""})
    assert recommended.status_code == 302


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    assert response.status_code == 200
    return len(queries)


def test_the_queue_check_costs_the_same_queries_for_one_leave_and_for_ten(employee_a, supervisor_a, unit_head_a):
    """docs/rules.md §9 "Coverage": the coverage check of every waiting leave runs at render in one pass
    for the whole page (leave.rules.coverage_warnings_many), so the page's queries do not grow with
    its rows."""
    client = page_client(unit_head_a)
    first = leave(employee_a, MONDAY)
    act(first, "recommend", supervisor_a)
    one = _queue_queries(client)
    for week in range(1, 10):
        act(leave(employee_a, MONDAY + datetime.timedelta(weeks=week)), "recommend", supervisor_a)
    ten = _queue_queries(client)

    assert one == ten
    assert one <= 40


def test_a_bulk_approval_leaves_a_warned_leave_waiting(warned, unit_head_a, employee_a):
    """A page opened before the warning arose still offers the tick: the bulk approval's note is no
    reason to approve over a warning, so the leave waits, and the page says why."""
    response = page_client(unit_head_a).post(
        reverse("attendance-requests-bulk-decide"), {"ids": [f"leave-{warned.id}"], "note": "Setuju"}, follow=True
    )

    assert "Decide this one on its own: it has a warning." in response.content.decode()
    warned.refresh_from_db()
    assert warned.status == "recommended"
    assert n(employee_a, 2027) == (12, 1, 0)
