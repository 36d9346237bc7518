"""A PPPK's family days before annual leave (docs/rules.md §9 "Family days"): up to
`pppk_family_ct_days` (6) working days of annual leave for a listed family reason before
`ct_min_service_months` of service, held from no balance, owed and taken off the first year's N."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from attendance.forms import LeaveForm
from leave import family, rules, services
from leave.models import Bucket, EntryKind, FamilyLeaveDays, LeaveBalance, LeaveBalanceEntry
from schedules.policy import SOURCES
from tests.leave.rules_helpers import MONDAY, act, approve, emp, n
from tests.leave.test_kinds_rules import ask, codes, refused, set_type
from tests.leave.test_rules_pp11 import set_policy, set_tmt

pytestmark = pytest.mark.django_db
D = datetime.timedelta
TMT = datetime.date(2026, 7, 1)  # on MONDAY (1 March 2027) 8 months of service; annual leave from 1 July 2027


@pytest.fixture
def pppk(employee_a):
    set_type(employee_a, "PPPK")
    set_tmt(employee_a, TMT)
    return employee_a


def test_a_pppk_at_eight_months_takes_two_days_for_a_parents_death_owed_to_the_first_n(pppk, supervisor_a, unit_head_a):
    first = ask(pppk, "CT", MONDAY, MONDAY + D(days=1), sub_reason="FAMILY_DEATH")  # Monday and Tuesday
    assert first.status == "submitted"
    assert not LeaveBalanceEntry.objects.filter(leave_request=first).exists()  # nothing held: no balance yet
    approve(first, supervisor_a, unit_head_a)
    first.refresh_from_db()
    assert first.status == "approved"
    owed = FamilyLeaveDays.objects.get(leave_request=first)
    assert (owed.days, owed.settled_year) == (2, None)

    with translation.override("id"):
        error = refused(pppk, "CT", MONDAY + D(days=7), MONDAY + D(days=11), sub_reason="FAMILY_ILL")  # 5 days
    assert codes(error) == ["CT_FAMILY_DAYS"]
    assert error.fields["date_to"]
    assert error.violations[0]["source"] == SOURCES["CT_FAMILY_DAYS"] == "PP 49/2018 Pasal 79; Perban BKN 7/2022"
    assert "6" in error.violations[0]["message"]

    # The first year of annual leave (2027: eligible from 1 July) gets 12 − 2 = 10.
    services.ensure_year(employee=emp(pppk), year=2027)
    assert n(pppk, 2027) == (10, 0, 0)
    entry = LeaveBalanceEntry.objects.get(balance__employee=emp(pppk), kind=EntryKind.FAMILY_DAYS)
    assert entry.days == -2
    owed.refresh_from_db()
    assert owed.settled_year == 2027
    services.ensure_year(employee=emp(pppk), year=2027)  # once
    assert n(pppk, 2027) == (10, 0, 0)


def test_waiting_family_days_count_towards_the_six(pppk):
    assert ask(pppk, "CT", MONDAY, MONDAY + D(days=3), sub_reason="MARRIAGE").status == "submitted"  # 4 days
    error = refused(pppk, "CT", MONDAY + D(days=7), MONDAY + D(days=9), sub_reason="FAMILY_ILL")  # 3 days
    assert codes(error) == ["CT_FAMILY_DAYS"]
    assert ask(pppk, "CT", MONDAY + D(days=7), MONDAY + D(days=8), sub_reason="FAMILY_ILL").status == "submitted"


def test_the_limit_follows_the_policy(pppk):
    set_policy(pppk, pppk_family_ct_days=1)
    assert codes(refused(pppk, "CT", MONDAY, MONDAY + D(days=1), sub_reason="FAMILY_DEATH")) == ["CT_FAMILY_DAYS"]


def test_without_a_family_reason_annual_leave_still_waits_for_twelve_months(pppk):
    assert codes(refused(pppk, "CT", MONDAY)) == ["CT_NOT_ELIGIBLE"]


def test_a_family_reason_is_refused_to_others(employee_a, pppk):
    # The same PPPK after 12 months of service: annual leave from the balance, no family reason.
    assert refused(pppk, "CT", datetime.date(2027, 8, 2), sub_reason="FAMILY_DEATH").fields["sub_reason"]
    set_type(employee_a, "PNS")
    set_tmt(employee_a, datetime.date(2010, 1, 1))
    assert refused(employee_a, "CT", MONDAY, sub_reason="FAMILY_DEATH").fields["sub_reason"]
    # The rule says the same of a stored request (a draft whose employee's type changed since).
    set_type(employee_a, "PPPK")
    set_tmt(employee_a, TMT)
    draft = ask(employee_a, "CT", MONDAY, sub_reason="FAMILY_DEATH", submit=False)
    set_type(employee_a, "PNS")
    draft.employee.refresh_from_db()
    found = rules.check(employee=draft.employee, kind="CT", date_from=MONDAY, date_to=MONDAY, leave_request=draft)
    assert [v["code"] for v in found.hard] == ["CT_NOT_ELIGIBLE", "CT_FAMILY_DAYS"]


def test_a_cancelled_family_leave_owes_nothing(pppk, supervisor_a, unit_head_a):
    leave = ask(pppk, "CT", MONDAY, MONDAY + D(days=1), sub_reason="FAMILY_DEATH")
    approve(leave, supervisor_a, unit_head_a)
    act(leave, "cancel", pppk, note="Tidak jadi")
    assert not FamilyLeaveDays.objects.filter(leave_request=leave).exists()
    services.ensure_year(employee=emp(pppk), year=2027)
    assert n(pppk, 2027) == (12, 0, 0)


def test_owed_days_come_off_an_n_granted_already(pppk, supervisor_a, unit_head_a):
    services.ensure_year(employee=emp(pppk), year=2027)
    assert LeaveBalance.objects.get(employee=emp(pppk), year=2027, bucket=Bucket.N).granted == 12
    leave = ask(pppk, "CT", MONDAY, MONDAY + D(days=2), sub_reason="FAMILY_ILL")
    approve(leave, supervisor_a, unit_head_a)
    assert n(pppk, 2027) == (9, 0, 0)


def test_the_form_offers_the_family_reasons_only_to_a_pppk_before_annual_leave(pppk, employee_a):
    assert family.offered(emp(pppk), today=MONDAY)
    offered = LeaveForm(prefix="leave", family_ct=True)
    assert "CT" in offered.fields["sub_reason"].show_for.split()
    data = {"leave-kind": "CT", "leave-date_from": "2027-03-01", "leave-date_to": "2027-03-02"}
    assert LeaveForm({**data, "leave-sub_reason": "FAMILY_DEATH"}, prefix="leave", family_ct=True).is_valid()
    plain = LeaveForm(prefix="leave")
    assert "CT" not in plain.fields["sub_reason"].show_for.split()
    form = LeaveForm({**data, "leave-sub_reason": "FAMILY_DEATH"}, prefix="leave")
    assert form.is_valid() and form.cleaned_data["sub_reason"] == ""
    assert not family.offered(emp(pppk), today=datetime.date(2027, 7, 1))
    set_type(employee_a, "PNS")
    assert not family.offered(emp(employee_a), today=MONDAY)


def test_the_live_preview_says_family_days_take_no_balance(pppk):
    from tests.leave.test_pages import form_data, html, page

    client = page(pppk)
    with translation.override("en"):  # the page's language, put back afterwards for the next test
        without = html(client.post("/leave/preview/", form_data()))
        body = html(client.post("/leave/preview/", form_data(**{"leave-sub_reason": "FAMILY_DEATH"})))
    assert "leave-preview-table" in without and "take nothing from a balance" not in without

    assert "This request counts 3 working days." in body
    assert "take nothing from a balance now" in body and "leave-preview-table" not in body
