"""The remaining leave rules of PP 11/2017 (docs/rules.md §9): the sick-leave, backdating, abroad and
PPPK numbers as agency policy, the exceptions of cuti besar (a first hajj, a 4th or later birth), the CT
already taken that shortens a cuti besar, the length of a PNS's sick leave with the health board's
extension, and a PPPK's long sick leave needing a government doctor's letter."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from flexwork.common.calendar import office_today
from flexwork.org.models import AgencyPolicy
from flexwork.org.selectors import policy_for
from leave import rules
from schedules.policy import SOURCES
from tests.leave.rules_helpers import MONDAY, approve, emp, leave
from tests.leave.test_kinds_rules import ask, codes, refused, set_type

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def set_policy(user, **values):
    AgencyPolicy.objects.filter(agency_id=emp(user).agency_id).update(**values)


def set_tmt(user, day):
    employee = emp(user)
    employee.service_start_date = day
    employee.save(update_fields=["service_start_date"])


# ---------------------------------------------------------------------------- policy settings


def test_the_four_numbers_are_agency_policy_with_the_regulations_defaults(employee_a):
    policy = policy_for(agency=emp(employee_a).agency_id, unit=emp(employee_a).unit)
    assert (policy.cs_backdate_working_days, policy.leave_abroad_lead_days) == (3, 20)
    assert (policy.cs_miscarriage_days, policy.pppk_cs_months) == (45, 1)
    assert (policy.cs_max_days, policy.cs_extension_months, policy.pppk_cs_gov_doctor_days) == (365, 6, 14)


def test_the_miscarriage_length_follows_the_policy(employee_a):
    set_policy(employee_a, cs_miscarriage_days=30)
    error = refused(employee_a, "CS", MONDAY, MONDAY + D(days=30), sub_reason="MISCARRIAGE", letter=True)
    assert codes(error) == ["LEAVE_TOO_LONG"] and "30" in error.violations[0]["message"]
    assert ask(employee_a, "CS", MONDAY, MONDAY + D(days=29), sub_reason="MISCARRIAGE", letter=True).status == (
        "submitted"
    )


def test_a_pppks_sick_leave_length_follows_the_policy(employee_a):
    set_type(employee_a, "PPPK")
    set_policy(employee_a, pppk_cs_months=2)
    assert ask(employee_a, "CS", MONDAY, MONDAY + D(days=45), letter=True).status == "submitted"


def test_the_backdating_follows_the_policy(employee_a):
    today = office_today(emp(employee_a))
    set_policy(employee_a, cs_backdate_working_days=0)
    error = refused(employee_a, "CS", today - D(days=1))
    assert "LEAVE_BACKDATE" in codes(error)
    set_policy(employee_a, cs_backdate_working_days=10)
    assert ask(employee_a, "CS", today - D(days=8), today, letter=True).status == "submitted"


def test_the_notice_of_leave_abroad_follows_the_policy(employee_a):
    today = office_today(emp(employee_a))
    start = today + D(days=21)  # about 15 working days ahead
    set_policy(employee_a, leave_abroad_lead_days=30)
    assert "LEAD_TIME" in codes(refused(employee_a, "CS", start, abroad=True))
    set_policy(employee_a, leave_abroad_lead_days=5)
    assert ask(employee_a, "CS", start, abroad=True).status == "submitted"


NEW_SETTINGS = (
    "cs_backdate_working_days",
    "leave_abroad_lead_days",
    "cs_miscarriage_days",
    "pppk_cs_months",
    "cs_max_days",
    "cs_extension_months",
    "pppk_cs_gov_doctor_days",
)


def test_the_policy_page_shows_the_new_settings_with_labels_and_their_regulation(hr_admin_a):
    from django.test import Client
    from django.urls import reverse

    from flexwork.onboarding import policy_groups

    group = next(g for g in policy_groups.GROUPS if g.key == "leave")
    assert set(NEW_SETTINGS) <= set(group.fields)
    assert policy_groups.SOURCES["cs_miscarriage_days"] == "PP 11/2017 Pasal 322"
    assert policy_groups.SOURCES["leave_abroad_lead_days"] == policy_groups.AGENCY_POLICY
    client = Client()
    client.cookies["django_language"] = "id"
    client.force_login(hr_admin_a)
    page = client.get(reverse("hr-policy")).content.decode()
    for name in NEW_SETTINGS:
        assert f'name="{name}"' in page
    assert "Hari kerja pemberitahuan sebelum cuti di luar negeri" in page


# ---------------------------------------------------------------------------- cuti besar


def test_a_first_hajj_skips_the_five_years_and_needs_its_statement(employee_a, supervisor_a, unit_head_a):
    set_tmt(employee_a, datetime.date(2025, 1, 1))
    start = MONDAY + D(days=28)
    assert codes(refused(employee_a, "CB", start)) == ["LEAVE_SERVICE_SHORT"]

    with translation.override("id"):
        error = refused(employee_a, "CB", start, sub_reason="HAJJ")
    assert codes(error) == ["LEAVE_EVIDENCE_REQUIRED"]
    assert "haji" in error.violations[0]["message"].lower()
    assert error.violations[0]["source"] == SOURCES["LEAVE_EVIDENCE_REQUIRED"]

    hajj = ask(employee_a, "CB", start, start + D(days=40), sub_reason="HAJJ", letter=True)
    assert hajj.status == "submitted"
    approve(hajj, supervisor_a, unit_head_a)

    # A second hajj is not the first: the years of service and since the last CB apply again.
    later = datetime.date(2029, 3, 5)
    assert codes(refused(employee_a, "CB", later, sub_reason="HAJJ", letter=True)) == ["LEAVE_SERVICE_SHORT"]


def test_a_fourth_birth_skips_the_service_and_the_years_since_the_last_long_leave(
    employee_a, supervisor_a, unit_head_a
):
    set_tmt(employee_a, datetime.date(2010, 1, 1))
    first = ask(employee_a, "CB", MONDAY + D(days=28), MONDAY + D(days=40), letter=False)
    approve(first, supervisor_a, unit_head_a)
    again = datetime.date(2028, 3, 6)
    assert codes(refused(employee_a, "CB", again)) == ["LEAVE_SERVICE_SHORT"]  # 5 years since the last CB

    assert codes(refused(employee_a, "CB", again, sub_reason="BIRTH")) == ["LEAVE_EVIDENCE_REQUIRED"]
    assert ask(employee_a, "CB", again, again + D(days=60), sub_reason="BIRTH", letter=True).status == "submitted"


def test_annual_leave_taken_that_year_shortens_long_leave_by_as_many_working_days(
    employee_a, supervisor_a, unit_head_a
):
    set_tmt(employee_a, datetime.date(2010, 1, 1))
    ct = leave(employee_a, MONDAY, MONDAY + D(days=2))  # Monday to Wednesday: 3 working days
    approve(ct, supervisor_a, unit_head_a)
    start = datetime.date(2027, 4, 5)  # Monday; 3 months end on 4 July 2027 (a Sunday)
    assert rules.ct_taken_in(emp(employee_a), 2027, start) == 3

    with translation.override("id"):
        error = refused(employee_a, "CB", start, datetime.date(2027, 7, 4))
    assert codes(error) == ["CB_AFTER_CT"]
    assert error.fields["date_to"]
    assert error.violations[0]["source"] == SOURCES["CB_AFTER_CT"] == "PP 11/2017 Pasal 316; Perka BKN 24/2017"
    # Back from 4 July: Friday 2, Thursday 1 and Wednesday 30 June are the three working days given up.
    assert "29 Juni 2027" in error.violations[0]["message"]
    assert ask(employee_a, "CB", start, datetime.date(2027, 6, 29)).status == "submitted"


def test_annual_leave_of_another_year_does_not_shorten_long_leave(employee_a, supervisor_a, unit_head_a):
    set_tmt(employee_a, datetime.date(2010, 1, 1))
    approve(leave(employee_a, MONDAY, MONDAY + D(days=2)), supervisor_a, unit_head_a)
    start = datetime.date(2028, 1, 10)
    assert rules.ct_taken_in(emp(employee_a), 2028, start) == 0
    assert ask(employee_a, "CB", start, datetime.date(2028, 4, 9)).status == "submitted"


# ---------------------------------------------------------------------------- cuti sakit


def test_a_pns_sick_leave_past_a_year_needs_the_health_board_and_stops_six_months_later(
    employee_a, supervisor_a, unit_head_a
):
    start = MONDAY
    year = ask(employee_a, "CS", start, start + D(days=364), letter=True)  # 365 days
    approve(year, supervisor_a, unit_head_a)
    nxt = start + D(days=365)
    assert rules.sick_episode_start(emp(employee_a), nxt) == start

    with translation.override("id"):
        error = refused(employee_a, "CS", nxt, nxt + D(days=30))
    assert "LEAVE_EVIDENCE_REQUIRED" in codes(error)
    assert any("tim penguji kesehatan" in v["message"] for v in error.violations)

    plain, extended = rules.cs_limits(emp(employee_a), policy_for(agency=emp(employee_a).agency_id), start)
    assert plain == start + D(days=364) and extended == datetime.date(2028, 8, 28)
    error = refused(employee_a, "CS", nxt, extended + D(days=1), letter=True)
    assert codes(error) == ["LEAVE_TOO_LONG"]
    assert ask(employee_a, "CS", nxt, extended, letter=True).status == "submitted"


def test_a_sick_leave_after_a_gap_starts_a_new_run(employee_a, supervisor_a, unit_head_a):
    approve(ask(employee_a, "CS", MONDAY, MONDAY + D(days=300), letter=True), supervisor_a, unit_head_a)
    later = MONDAY + D(days=302)  # a day between
    assert rules.sick_episode_start(emp(employee_a), later) == later
    assert ask(employee_a, "CS", later, later + D(days=200), letter=True).status == "submitted"


def test_a_sick_leave_after_an_accident_on_duty_lasts_until_recovery(employee_a, supervisor_a, unit_head_a):
    year = ask(employee_a, "CS", MONDAY, MONDAY + D(days=364), sub_reason="ACCIDENT_ON_DUTY", letter=True)
    approve(year, supervisor_a, unit_head_a)
    nxt = MONDAY + D(days=365)
    more = ask(employee_a, "CS", nxt, nxt + D(days=300), sub_reason="ACCIDENT_ON_DUTY", letter=True)
    assert more.status == "submitted"  # 665 days in a row, past the year and the six months


def test_a_pppks_sick_leave_over_fourteen_days_needs_a_government_doctor(employee_a):
    set_type(employee_a, "PPPK")
    assert ask(employee_a, "CS", MONDAY, MONDAY + D(days=13)).status == "submitted"  # 14 days, no letter
    with translation.override("id"):
        error = refused(employee_a, "CS", MONDAY + D(days=20), MONDAY + D(days=34))  # 15 days
    assert codes(error) == ["LEAVE_EVIDENCE_REQUIRED"]
    assert "dokter pemerintah" in error.violations[0]["message"]
    assert ask(employee_a, "CS", MONDAY + D(days=20), MONDAY + D(days=34), letter=True).status == "submitted"
