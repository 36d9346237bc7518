"""What a user of the API sees when a leave rule refuses (docs/rules.md §9; docs/api.md error shape):
400 with the violation's code, its regulation and the form field, nothing written; a decider's note
is the override reason of a soft warning; the counting of a roster employee's days; a bounded number
of queries for the preview, whatever its length."""

from __future__ import annotations

import datetime

import pytest

from attendance.models import LeaveRequest
from flexwork.org.models import AgencyPolicy
from leave import services
from leave.models import Bucket, LeaveBalanceEntry
from tests.helpers import ERROR_KEYS
from tests.leave.rules_helpers import MONDAY, act, emp, grant, leave, n

pytestmark = pytest.mark.django_db
D = datetime.timedelta
LEAVES = "/api/v1/leaves/"


def post(client, body):
    return client.post(LEAVES, body, format="json", HTTP_ACCEPT_LANGUAGE="id")


def test_over_the_balance_is_a_400_with_the_numbers_and_nothing_is_written(employee_a, client_for):
    client = client_for(employee_a)
    grant(employee_a, 2027, Bucket.N1, 2)

    response = post(client, {"kind": "CT", "date_from": "2027-03-01", "date_to": "2027-03-19"})  # 15 days, 14 left

    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "policy_violation"
    (violation,) = body["violations"]
    assert (violation["code"], violation["severity"], violation["source"]) == (
        "LEAVE_BALANCE",
        "hard",
        "PP 11/2017 Pasal 310, 313",
    )
    assert "15 hari diajukan, sisa 14 hari" in body["message"]
    assert body["fields"]["date_to"]
    assert not LeaveRequest.objects.filter(employee=emp(employee_a)).exists()
    assert n(employee_a, 2027) == (12, 0, 0)
    assert not LeaveBalanceEntry.objects.filter(kind="HOLD").exists()


def test_a_pppk_asking_for_long_leave_reads_why_in_indonesian(employee_a, client_for):
    employee = emp(employee_a)
    employee.employee_type = "PPPK"
    employee.save(update_fields=["employee_type"])

    response = post(client_for(employee_a), {"kind": "CB", "date_from": "2027-04-05", "date_to": "2027-05-05"})

    assert response.status_code == 400
    body = response.json()
    assert body["violations"][0]["code"] == "LEAVE_KIND_NOT_ALLOWED"
    assert body["message"].startswith("PPPK tidak berhak atas Cuti besar (PP 49/2018")
    assert body["fields"] == {"kind": ["Jenis cuti tidak berlaku untuk jenis kepegawaian ini"]}


def test_the_deciders_note_is_the_override_reason(employee_a, supervisor_a, unit_head_a, client_for):
    AgencyPolicy.objects.filter(agency_id=emp(employee_a).agency_id).update(coverage_share_percent=10)
    act(leave(supervisor_a, MONDAY), "approve", unit_head_a)
    request = leave(employee_a, MONDAY)
    act(request, "recommend", supervisor_a)
    path = f"{LEAVES}{request.id}/approve/"

    refused = client_for(unit_head_a).post(path, {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "override_reason_required"
    assert refused.json()["violations"][0]["code"] == "COVERAGE_UNIT_SHARE"

    approved = client_for(unit_head_a).post(path, {"note": "Tugas sudah dialihkan ke staf lain"}, format="json")
    assert approved.status_code == 200
    request.refresh_from_db()
    assert request.override_reason == "Tugas sudah dialihkan ke staf lain"
    assert n(employee_a, 2027) == (12, 0, 1)

    again = client_for(unit_head_a).post(path, {"note": "Tugas sudah dialihkan ke staf lain"}, format="json")
    assert again.status_code == 409  # a double tap writes nothing twice
    assert n(employee_a, 2027) == (12, 0, 1)


def test_the_preview_reads_a_fixed_number_of_queries(employee_a, django_assert_max_num_queries):
    employee = emp(employee_a)
    with django_assert_max_num_queries(14):  # two years, however many days
        result = services.preview(
            employee=employee, kind="CT", date_from=datetime.date(2027, 12, 1), date_to=datetime.date(2028, 1, 31)
        )
    assert [year.year for year in result.years] == [2027, 2028]


def test_annual_leave_over_a_weekend_only_is_refused(employee_a):
    from django.utils import translation

    from flexwork.common.exceptions import ApplicationError

    saturday = MONDAY - D(days=2)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        leave(employee_a, saturday, saturday + D(days=1))

    assert refused.value.fields["date_to"] == ["Annual leave counts working days, and these dates have none."]
    assert not LeaveRequest.objects.filter(employee=emp(employee_a)).exists()
