"""What each leave kind needs (docs/rules.md §9 "Kinds and their reasons", "Decided by the PPK"):
the reason of a CAP, a sick leave's letter, length and backdating, the CLTN's BKN letter, and the
agency head deciding CLTN and leave abroad in person."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from attendance import requests as request_services
from attendance.forms import LeaveForm
from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import Delegation
from flexwork.common.calendar import office_today
from flexwork.common.exceptions import ApplicationError
from flexwork.common.services import evidence_upload
from leave import rules
from schedules.policy import SOURCES
from tests.common.files import PDF_BYTES
from tests.leave.rules_helpers import MONDAY, act, emp

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def ask(user, kind, date_from, date_to=None, *, sub_reason="", abroad=False, letter=False, submit=True):
    evidence = []
    if letter:
        evidence = [evidence_upload(user=user, uploaded_file=SimpleUploadedFile("surat.pdf", PDF_BYTES)).id]
    return request_services.leave_request_create(
        user=user,
        kind=kind,
        date_from=date_from,
        date_to=date_to or date_from,
        sub_reason=sub_reason,
        abroad=abroad,
        evidence_ids=evidence,
        submit=submit,
    )


def refused(*args, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as error:
        ask(*args, **kwargs)
    return error.value


def codes(error: ApplicationError) -> list[str]:
    return [v["code"] for v in error.violations if v["severity"] == "hard"]


def set_type(user, employee_type):
    employee = emp(user)
    employee.employee_type = employee_type
    employee.save(update_fields=["employee_type"])


# ---------------------------------------------------------------------------- CAP


def test_leave_for_important_reasons_needs_a_listed_reason(employee_a):
    with translation.override("id"):
        error = refused(employee_a, "CAP", MONDAY)

    assert codes(error) == ["LEAVE_REASON_REQUIRED"]
    assert error.fields["sub_reason"]
    assert error.violations[0]["source"] == SOURCES["LEAVE_REASON_REQUIRED"]
    assert "alasan" in error.violations[0]["message"].lower()  # in the viewer's language
    assert not LeaveRequest.objects.filter(status="submitted").exists()

    leave = ask(employee_a, "CAP", MONDAY, MONDAY + D(days=2), sub_reason="FAMILY_DEATH")
    assert (leave.status, leave.sub_reason) == ("submitted", "FAMILY_DEATH")


def test_a_reason_of_another_kind_is_refused_and_the_database_refuses_it_too(employee_a):
    error = refused(employee_a, "CAP", MONDAY, sub_reason="MISCARRIAGE")
    assert error.fields["sub_reason"] and str(LeaveKind.CAP.label) in error.message
    assert refused(employee_a, "CT", MONDAY, sub_reason="MARRIAGE").fields["sub_reason"]

    leave = ask(employee_a, "CT", MONDAY, submit=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaveRequest.objects.filter(id=leave.id).update(sub_reason="INPATIENT")  # CT takes only the family reasons


def test_leave_for_important_reasons_lasts_at_most_a_month(employee_a):
    error = refused(employee_a, "CAP", MONDAY, MONDAY + D(days=31), sub_reason="WIFE_BIRTH")
    assert codes(error) == ["LEAVE_TOO_LONG"]
    assert ask(employee_a, "CAP", MONDAY, MONDAY + D(days=30), sub_reason="WIFE_BIRTH").status == "submitted"


# ---------------------------------------------------------------------------- CS


def test_sick_leave_of_more_than_a_day_needs_the_doctors_letter(employee_a):
    error = refused(employee_a, "CS", MONDAY, MONDAY + D(days=1))
    assert codes(error) == ["LEAVE_EVIDENCE_REQUIRED"]
    assert error.fields["evidence"]
    assert "surat keterangan dokter" in error.violations[0]["message"]

    assert ask(employee_a, "CS", MONDAY).status == "submitted"  # one day: no letter asked
    later = MONDAY + D(days=7)
    assert ask(employee_a, "CS", later, later + D(days=4), letter=True).status == "submitted"


def test_sick_leave_after_a_miscarriage_lasts_at_most_45_days(employee_a):
    error = refused(employee_a, "CS", MONDAY, MONDAY + D(days=45), sub_reason="MISCARRIAGE", letter=True)
    assert codes(error) == ["LEAVE_TOO_LONG"]
    assert "45" in error.violations[0]["message"]

    leave = ask(employee_a, "CS", MONDAY, MONDAY + D(days=44), sub_reason="MISCARRIAGE", letter=True)
    assert leave.status == "submitted"


def test_a_pppk_has_sick_leave_of_at_most_a_month(employee_a):
    set_type(employee_a, "PPPK")
    error = refused(employee_a, "CS", MONDAY, MONDAY + D(days=31), letter=True)
    assert codes(error) == ["LEAVE_TOO_LONG"]
    assert "PPPK paling lama 1 bulan" in error.violations[0]["message"]
    assert ask(employee_a, "CS", MONDAY, MONDAY + D(days=30), letter=True).status == "submitted"


def test_sick_leave_may_be_asked_for_up_to_three_working_days_after_its_first_day(employee_a):
    today = office_today(emp(employee_a))
    too_late = today - D(days=8)  # at least five working days ago
    error = refused(employee_a, "CS", too_late, today)
    assert "LEAVE_BACKDATE" in codes(error)
    assert error.fields["date_from"]

    yesterday = today - D(days=1)  # at most one working day ago
    assert ask(employee_a, "CS", yesterday).status == "submitted"


# ---------------------------------------------------------------------------- CLTN and leave abroad


def test_unpaid_leave_needs_the_bkn_letter_and_goes_to_the_agency_head(employee_a, agency_head_a, unit_head_a):
    start = MONDAY + D(days=70)
    error = refused(employee_a, "CLTN", start, start + D(days=60))
    assert codes(error) == ["LEAVE_EVIDENCE_REQUIRED"]
    assert "BKN" in error.violations[0]["message"]

    leave = ask(employee_a, "CLTN", start, start + D(days=60), letter=True)

    assert leave.decider_id == emp(agency_head_a).id
    assert leave.recommender_id is not None and leave.recommender_id != emp(agency_head_a).id
    recommender = LeaveRequest.objects.get(id=leave.id).recommender.user
    act(leave, "recommend", recommender)
    with pytest.raises(PermissionDenied):  # the unit head is not the decider of a CLTN
        act(LeaveRequest.objects.get(id=leave.id), "approve", unit_head_a)
    approved = act(LeaveRequest.objects.get(id=leave.id), "approve", agency_head_a)
    assert approved.status == "approved"


def test_a_delegate_of_the_agency_head_may_not_approve_unpaid_leave(employee_a, agency_head_a, unit_head_a):
    start = MONDAY + D(days=70)
    leave = ask(employee_a, "CLTN", start, start + D(days=30), letter=True)
    act(leave, "recommend", LeaveRequest.objects.get(id=leave.id).recommender.user)
    today = office_today(emp(agency_head_a))
    Delegation.objects.create(
        agency=emp(agency_head_a).agency,
        delegator=emp(agency_head_a),
        delegate=emp(unit_head_a),
        date_from=today,
        date_to=today + D(days=30),
        kinds=["leave"],
    )

    with pytest.raises(ApplicationError) as error:
        act(LeaveRequest.objects.get(id=leave.id), "approve", unit_head_a)

    assert codes(error.value) == ["LEAVE_PPK_ONLY"]
    assert LeaveRequest.objects.get(id=leave.id).status != "approved"


def test_leave_abroad_needs_twenty_working_days_and_the_agency_head_decides(employee_a, agency_head_a):
    today = office_today(emp(employee_a))
    soon = today + D(days=14)  # ten working days ahead: enough for annual leave at home
    error = refused(employee_a, "CAP", soon, sub_reason="FAMILY_ILL", abroad=True)
    assert codes(error) == ["LEAD_TIME"]
    assert "20" in error.violations[0]["message"]

    leave = ask(employee_a, "CAP", MONDAY, sub_reason="FAMILY_ILL", abroad=True)
    assert leave.abroad and leave.decider_id == emp(agency_head_a).id


def test_the_agency_heads_own_unpaid_leave_has_nobody_to_decide(agency_head_a):
    start = MONDAY + D(days=70)
    with pytest.raises(ApplicationError) as error:
        ask(agency_head_a, "CLTN", start, start + D(days=30), letter=True)
    assert "pimpinan" in error.value.message
    assert [v["code"] for v in error.value.violations] == ["NO_APPROVER"]


def test_the_check_without_evidence_known_refuses_no_letter(employee_a):
    result = rules.check(employee=emp(employee_a), kind="CS", date_from=MONDAY, date_to=MONDAY + D(days=3))
    assert not result.hard


# ---------------------------------------------------------------------------- the form and the API


def test_the_form_asks_the_reason_only_for_sick_leave_and_important_reasons(employee_a):
    form = LeaveForm(prefix="leave")
    assert form.fields["sub_reason"].show_for == "CS CAP CB"
    assert "CLTN" in form.fields["abroad"].show_for and "IZIN" not in form.fields["abroad"].show_for
    with translation.override("id"):
        html = str(LeaveForm(prefix="leave")["sub_reason"])
    assert "INPATIENT" in html  # the value; the label is in words
    assert "_" not in html.split(">", 1)[1].replace('value="', "").split('"')[0]

    data = {"leave-kind": "CAP", "leave-date_from": "2027-03-01", "leave-date_to": "2027-03-01"}
    bad = LeaveForm({**data, "leave-sub_reason": "MISCARRIAGE"}, prefix="leave")
    assert not bad.is_valid() and bad.errors["sub_reason"]
    good = LeaveForm({**data, "leave-sub_reason": "MARRIAGE", "leave-abroad": "on"}, prefix="leave")
    assert good.is_valid() and good.cleaned_data["sub_reason"] == "MARRIAGE" and good.cleaned_data["abroad"]
    other = LeaveForm(
        {**data, "leave-kind": "IZIN", "leave-sub_reason": "MARRIAGE", "leave-abroad": "on"}, prefix="leave"
    )
    assert other.is_valid() and other.cleaned_data["sub_reason"] == "" and not other.cleaned_data["abroad"]


def test_the_api_takes_and_returns_the_reason_and_abroad(client_for, employee_a):
    body = {"kind": "CAP", "date_from": "2027-03-01", "date_to": "2027-03-02", "sub_reason": "MARRIAGE"}
    created = client_for(employee_a).post("/api/v1/leaves/", {**body, "abroad": True}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["sub_reason"] == "MARRIAGE" and created.json()["abroad"] is True

    missing = client_for(employee_a).post(
        "/api/v1/leaves/", {**body, "sub_reason": "", "date_from": "2027-04-05", "date_to": "2027-04-05"}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json()["violations"][0]["code"] == "LEAVE_REASON_REQUIRED"
    wrong = client_for(employee_a).post("/api/v1/leaves/", {**body, "sub_reason": "NOPE"}, format="json")
    assert wrong.status_code == 400


def test_the_printable_form_says_what_the_leave_is_for_and_that_it_is_abroad(client, employee_a):
    from tests.reports.test_documents import pdf_text

    leave = ask(employee_a, "CAP", MONDAY, MONDAY + D(days=2), sub_reason="FAMILY_DEATH", abroad=True)
    LeaveRequest.objects.filter(id=leave.id).update(reason="Ayah wafat di Kuala Lumpur")
    client.force_login(employee_a)

    with translation.override("id"):
        response = client.get(f"/leave/requests/{leave.id}/form.pdf", HTTP_ACCEPT_LANGUAGE="id")

    text = pdf_text(response.content, "leave-abroad")
    assert "Anggota keluarga meninggal dunia" in text
    assert "Cuti di luar negeri" in text
    assert "Ayah wafat di Kuala Lumpur" in text
    assert "FAMILY_DEATH" not in text


def test_the_head_whom_an_escalation_reached_may_not_approve_leave_abroad(employee_a, agency_head_a, unit_head_a):
    leave = ask(employee_a, "CT", MONDAY, sub_reason="", abroad=True)
    act(leave, "recommend", LeaveRequest.objects.get(id=leave.id).recommender.user)
    LeaveRequest.objects.filter(id=leave.id).update(escalated_to_id=emp(unit_head_a).id)

    with pytest.raises((ApplicationError, PermissionDenied)):
        act(LeaveRequest.objects.get(id=leave.id), "approve", unit_head_a)

    assert LeaveRequest.objects.get(id=leave.id).status != "approved"
