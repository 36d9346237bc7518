"""The direct supervisor's opinion with the four outcomes of the official leave form (docs/rules.md §9
"The decision"): approve, other dates proposed, deferral proposed (annual and long leave) and reject. A
proposal needs a reason, goes on to the deciding official like any recommendation, is shown to them on
the queue (the proposed dates filled in) and is ticked on the printable form. employee_a's chain:
supervisor_a recommends, unit_head_a decides."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from attendance import requests
from attendance.models import LeaveRequest
from flexwork.approvals.models import Transition
from flexwork.common.exceptions import ApplicationError
from tests.leave.rules_helpers import MONDAY, leave, n

pytestmark = pytest.mark.django_db
D = datetime.timedelta
TUESDAY, FRIDAY = MONDAY + D(days=1), MONDAY + D(days=4)
URL = "/attendance/requests/leave/{id}/decision/"


def opinion(obj, user, how, note="Pelayanan akhir bulan", dates=None):
    return requests.request_act(obj=obj, action="recommend", actor=user, note=note, opinion=how, dates=dates)


def recommendation(obj) -> Transition:
    return Transition.objects.get(object_id=obj.id, content_type__model="leaverequest", action="recommend")


def test_the_supervisor_proposes_other_dates_and_the_official_sees_them_filled_in(
    client, employee_a, supervisor_a, unit_head_a
):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=2))

    opinion(obj, supervisor_a, "change", dates=[TUESDAY, FRIDAY])

    obj.refresh_from_db()
    # The request goes on to the official with its own dates; the days held stay those asked.
    assert (obj.status, obj.step, obj.date_from, obj.date_to) == ("recommended", "DECIDE", MONDAY, MONDAY + D(days=2))
    assert n(employee_a, 2027) == (12, 3, 0)
    row = recommendation(obj)
    assert (row.opinion, row.dates, row.note) == ("change", [TUESDAY, FRIDAY], "Pelayanan akhir bulan")
    client.force_login(unit_head_a)
    with translation.override("id"):
        page = client.get("/attendance/requests/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Pertimbangan atasan: perubahan tanggal" in page
    assert "Pelayanan akhir bulan" in page
    assert f'id="new-from-{obj.id}" value="2027-03-02"' in page and f'id="new-to-{obj.id}" value="2027-03-05"' in page


def test_the_supervisor_proposes_a_deferral_of_annual_leave_only_with_a_reason(employee_a, supervisor_a):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=2))
    with pytest.raises(ApplicationError) as no_reason:
        opinion(obj, supervisor_a, "defer", note="")
    assert "note" in no_reason.value.fields
    assert LeaveRequest.objects.get(id=obj.id).status == "submitted"

    opinion(obj, supervisor_a, "defer")

    assert recommendation(obj).opinion == "defer"
    assert LeaveRequest.objects.get(id=obj.id).status == "recommended"


def test_other_dates_are_not_proposed_without_dates_in_order(employee_a, supervisor_a):
    annual = leave(employee_a, MONDAY + D(days=7), MONDAY + D(days=8))
    with pytest.raises(ApplicationError) as no_dates:
        opinion(annual, supervisor_a, "change", dates=None)
    assert "date_from" in no_dates.value.fields
    with pytest.raises(ApplicationError) as backwards:
        opinion(annual, supervisor_a, "change", dates=[FRIDAY, TUESDAY])
    assert "date_to" in backwards.value.fields
    assert not Transition.objects.filter(object_id=annual.id, action="recommend").exists()


def test_the_page_keeps_the_proposed_dates_on_a_refusal_and_writes_once(client, employee_a, supervisor_a):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=2))
    client.force_login(supervisor_a)
    page = client.get("/attendance/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="recommend_change"' in page and 'value="recommend_defer"' in page
    body = {"action": "recommend_change", "note": "", "new_date_from": "2027-03-02", "new_date_to": "2027-03-05"}

    refused = client.post(URL.format(id=obj.id), body, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 400
    assert 'value="2027-03-05"' in refused.content.decode() and 'class="errors"' in refused.content.decode()
    body["note"] = "Rapat kerja tanggal 1"
    assert client.post(URL.format(id=obj.id), body).status_code == 302
    assert client.post(URL.format(id=obj.id), body).status_code == 409
    assert Transition.objects.filter(object_id=obj.id, action="recommend").count() == 1
    assert recommendation(obj).dates == [TUESDAY, FRIDAY]


def test_the_api_takes_the_opinion(client_for, employee_a, supervisor_a):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=2))
    api = client_for(supervisor_a)
    url = f"/api/v1/leaves/{obj.id}/recommend/"

    refused = api.post(url, {"opinion": "change", "note": "Rapat"}, format="json")
    assert refused.status_code == 400
    ok = api.post(
        url, {"opinion": "change", "note": "Rapat", "date_from": "2027-03-02", "date_to": "2027-03-05"}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert recommendation(obj).opinion == "change"
    assert api.post(url, {"opinion": "defer", "note": "Rapat"}, format="json").status_code == 409


@pytest.mark.parametrize(("how", "ticked"), [("change", "Perubahan"), ("defer", "Ditangguhkan")])
def test_the_printable_form_ticks_the_supervisors_opinion(client, employee_a, supervisor_a, unit_head_a, how, ticked):
    from tests.reports.test_documents import pdf_text

    obj = leave(employee_a, MONDAY, MONDAY + D(days=2))
    opinion(obj, supervisor_a, how, note="Rapat kerja", dates=[TUESDAY, FRIDAY] if how == "change" else None)
    requests.request_act(obj=LeaveRequest.objects.get(id=obj.id), action="approve", actor=unit_head_a)
    client.force_login(employee_a)

    with translation.override("id"):
        response = client.get(f"/leave/requests/{obj.id}/form.pdf", HTTP_ACCEPT_LANGUAGE="id")

    text = pdf_text(response.content, f"leave-opinion-{how}")
    # The supervisor's opinion ticked as proposed; the official's decision: approved.
    assert text.count(f"☒ {ticked}") == 1 and text.count("☒ Disetujui") == 1
    assert "Rapat kerja" in text
