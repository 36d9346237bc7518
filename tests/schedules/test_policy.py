"""Every rule of the docs/rules.md §3 catalogue, passing and failing, with its edges."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in
from flexwork.common.models import EvidenceFile
from flexwork.org import services as org_services
from flexwork.org.models import Employee, Unit
from schedules import services
from schedules.models import DaySource, Location, ScheduleDay
from schedules.policy import SOURCES, allowed_away, expand_dates
from tests.org.factories import EmployeeFactory, HolidayFactory, LocationFactory
from tests.schedules.conftest import approve_fully, arrangement_input, create, days, emp

pytestmark = pytest.mark.django_db


def check(user, dates, **kwargs):
    return services.arrangement_request_check(employee=emp(user), data=arrangement_input(dates, **kwargs))


def codes(result, severity=None):
    return {v.code for v in result.violations if severity is None or v.severity == severity}


def by_code(result, code):
    return [v for v in result.violations if v.code == code]


def away_day(user_unit_mate, day, location=Location.HOME):
    person = emp(user_unit_mate) if not isinstance(user_unit_mate, Employee) else user_unit_mate
    return ScheduleDay.objects.create(
        agency_id=person.agency_id,
        employee=person,
        local_date=day,
        location=location,
        unit_id=person.unit_id,
        source=DaySource.INDIVIDUAL,
    )


def evidence_of(user):
    return EvidenceFile.objects.create(
        uploaded_by=user,
        original_name="surat-tugas.pdf",
        stored_name=f"t/{uuid.uuid4().hex}.pdf",
        media_type="application/pdf",
        size=10,
        sha256="0" * 64,
    )


def test_a_plain_request_breaks_no_rule_and_every_source_is_the_rules_md_text(employee_a, monday):
    result = check(employee_a, days(monday, 0, 4))

    assert result.violations == []
    assert SOURCES["CAP_WEEKLY"] == "PermenPANRB 4/2025 Pasal 13(1)"
    assert SOURCES["WORK_PLAN_REQUIRED"] == "PermenPANRB 4/2025 Pasal 7; PermenPANRB 6/2022"
    assert len(SOURCES) == 47  # §3, §8 and §9 of docs/rules.md


def test_all_violations_come_at_once(employee_a, monday):
    result = check(employee_a, days(monday, 0, 1, 2, 5), work_plan=[], exception_basis=None, location="DESIGNATED")

    assert {"CAP_WEEKLY", "WORK_PLAN_REQUIRED", "LOCATION_NOT_DESIGNATED", "HOLIDAY_SKIPPED"} <= codes(result)
    for violation in result.as_list():
        assert set(violation) == {"code", "severity", "message", "source", "dates"}
        assert violation["message"] and violation["source"] == SOURCES[violation["code"]]


def test_messages_follow_the_active_language(employee_a, monday):
    with translation.override("en"):
        result = check(employee_a, days(monday, 0), work_plan=[])

    assert "planned output" in by_code(result, "WORK_PLAN_REQUIRED")[0].message


# ---------------------------------------------------------------------------- eligibility


def test_elig_position_refuses_a_position_that_is_not_eligible(employee_a, monday, org_world):
    org_services.position_update(position=org_world.position_a, data={"is_fwa_eligible": False})

    assert "ELIG_POSITION" in codes(check(employee_a, days(monday, 0)), "hard")


def test_elig_position_refuses_an_employee_without_position(employee_a, monday):
    Employee.objects.filter(user=employee_a).update(position=None)

    assert "ELIG_POSITION" in codes(check(employee_a, days(monday, 0)), "hard")


def test_elig_sanction_refuses_the_days_under_sanction_only(employee_a, monday):
    Employee.objects.filter(user=employee_a).update(
        sanction_start=monday + datetime.timedelta(days=1), sanction_end=monday + datetime.timedelta(days=1)
    )

    found = by_code(check(employee_a, days(monday, 0, 1)), "ELIG_SANCTION")

    assert [v.dates for v in found] == [(monday + datetime.timedelta(days=1),)]


def test_elig_sanction_in_process_refuses(employee_a, monday):
    Employee.objects.filter(user=employee_a).update(sanction_in_process=True)

    assert "ELIG_SANCTION" in codes(check(employee_a, days(monday, 0)), "hard")


def test_elig_sanction_passes_after_the_sanction_ended(employee_a, monday):
    Employee.objects.filter(user=employee_a).update(
        sanction_start=datetime.date(2020, 1, 1), sanction_end=datetime.date(2020, 6, 30)
    )

    assert "ELIG_SANCTION" not in codes(check(employee_a, days(monday, 0)))


def test_elig_new_in_post_edges(employee_a, monday):
    six_months_before = (
        monday.replace(year=monday.year - 1, month=monday.month + 6)
        if monday.month <= 6
        else monday.replace(month=monday.month - 6)
    )
    Employee.objects.filter(user=employee_a).update(position_start_date=six_months_before)
    assert "ELIG_NEW_IN_POST" not in codes(check(employee_a, days(monday, 0)))

    Employee.objects.filter(user=employee_a).update(position_start_date=six_months_before + datetime.timedelta(days=1))
    assert "ELIG_NEW_IN_POST" in codes(check(employee_a, days(monday, 0)), "hard")


# ---------------------------------------------------------------------------- weekly cap


def test_cap_weekly_allows_two_days_and_refuses_a_third(employee_a, monday):
    assert "CAP_WEEKLY" not in codes(check(employee_a, days(monday, 0, 1)))

    found = by_code(check(employee_a, days(monday, 0, 1, 2)), "CAP_WEEKLY")
    assert found[0].severity == "hard"
    assert found[0].source == "PermenPANRB 4/2025 Pasal 13(1)"


def test_cap_weekly_counts_approved_days_plus_this_request(employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 1)), supervisor=supervisor_a, decider=unit_head_a)

    result = check(employee_a, days(monday, 3))

    assert "CAP_WEEKLY" in codes(result, "hard")
    assert result.quota["used"] == 2 and result.quota["left"] == 0


def test_cap_weekly_quota_shows_used_and_left(employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)

    quota = check(employee_a, days(monday, 2)).quota

    assert quota["cap"] == 2 and quota["used"] == 1 and quota["left"] == 1
    assert quota["weeks"][0]["requested"] == 1


def test_cap_weekly_other_pending_requests_give_a_soft_warning(employee_a, monday):
    create(employee_a, days(monday, 0, 1))

    found = by_code(check(employee_a, days(monday, 3)), "CAP_WEEKLY")

    assert [v.severity for v in found] == ["soft"]


def test_cap_weekly_uses_the_iso_week_across_new_year(employee_a):
    year = next(
        y
        for y in range(today_in(None).year + 1, today_in(None).year + 12)
        if datetime.date(y, 12, 31).isoweekday() <= 3
    )
    dec31, jan1, jan2 = datetime.date(year, 12, 31), datetime.date(year + 1, 1, 1), datetime.date(year + 1, 1, 2)
    assert dec31.isocalendar()[:2] == jan2.isocalendar()[:2]

    found = by_code(check(employee_a, [dec31, jan1, jan2]), "CAP_WEEKLY")

    assert found and found[0].dates == (dec31, jan1, jan2)


def test_cap_weekly_skips_holidays_in_the_week(employee_a, monday, agency_a):
    HolidayFactory(agency=agency_a, date=monday + datetime.timedelta(days=2), name="Libur")

    result = check(employee_a, days(monday, 0, 2, 4))

    assert "CAP_WEEKLY" not in codes(result)
    assert by_code(result, "HOLIDAY_SKIPPED")[0].dates == (monday + datetime.timedelta(days=2),)
    assert result.working_dates == days(monday, 0, 4)


def test_cap_weekly_counts_other_office(employee_a, monday, org_world):
    other = org_world.hr_unit_a

    result = check(employee_a, days(monday, 0, 1, 2), location="OTHER_OFFICE", other_office_unit=other)

    assert "CAP_WEEKLY" in codes(result, "hard")


def test_cap_weekly_switch_excludes_other_office(employee_a, monday, org_world):
    org_services.policy_update(agency=org_world.agency_a, data={"other_office_counts_in_cap": False})

    result = check(employee_a, days(monday, 0, 1, 2), location="OTHER_OFFICE", other_office_unit=org_world.hr_unit_a)

    assert "CAP_WEEKLY" not in codes(result)


def test_cap_weekly_does_not_count_recalled_days(employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 1)), supervisor=supervisor_a, decider=unit_head_a)
    services.recall_create(employee=emp(employee_a), local_date=monday, reason="Rapat pimpinan", actor=supervisor_a)

    assert "CAP_WEEKLY" not in codes(check(employee_a, days(monday, 3)))


def test_cap_weekly_does_not_count_directive_days(employee_a, supervisor_a, unit_head_a, hr_admin_a, monday):
    services.directive_create(
        agency_id=emp(employee_a).agency_id,
        unit=None,
        date_from=monday,
        date_to=monday + datetime.timedelta(days=1),
        allowed_locations=["HOME", "DESIGNATED"],
        max_share_percent=None,
        message="WFA menjelang Lebaran.",
        actor=hr_admin_a,
    )

    result = check(employee_a, days(monday, 0, 1, 2, 3))
    assert "CAP_WEEKLY" not in codes(result)

    ar = approve_fully(create(employee_a, days(monday, 0, 1, 2)), supervisor=supervisor_a, decider=unit_head_a)
    sources = dict(ScheduleDay.objects.filter(arrangement=ar).values_list("local_date", "source"))
    assert sources == {
        monday: "DIRECTIVE",
        monday + datetime.timedelta(days=1): "DIRECTIVE",
        monday + datetime.timedelta(days=2): "INDIVIDUAL",
    }


def test_cap_weekly_does_not_count_dynamic_hours_only_days(employee_a, monday):
    result = check(
        employee_a,
        days(monday, 0, 1, 2),
        location="OFFICE",
        planned_start=datetime.time(7, 0),
        planned_end=datetime.time(16, 30),
    )

    assert "CAP_WEEKLY" not in codes(result)


def test_an_exception_basis_lifts_the_cap_but_needs_evidence(employee_a, monday):
    without = check(employee_a, days(monday, 0, 1, 2), exception_basis="TASK_OUTSIDE_OFFICE")
    assert "CAP_WEEKLY" not in codes(without)
    assert "EVIDENCE_REQUIRED" in codes(without, "hard")

    with_evidence = check(
        employee_a, days(monday, 0, 1, 2), exception_basis="TASK_OUTSIDE_OFFICE", evidence=[evidence_of(employee_a)]
    )
    assert with_evidence.violations == []


# ---------------------------------------------------------------------------- overlap, lead time, span


def test_overlap_refuses_a_day_already_approved(employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)

    found = by_code(check(employee_a, days(monday, 0, 4)), "OVERLAP")

    assert found[0].dates == (monday,)


def test_lead_time_refuses_today_and_accepts_it_when_the_policy_says_zero(employee_a, org_world):
    from flexwork.common.calendar import office_today

    today = office_today(emp(employee_a))
    while today.isoweekday() > 5:
        today += datetime.timedelta(days=1)
    assert "LEAD_TIME" in codes(check(employee_a, [today]), "hard")

    org_services.policy_update(agency=org_world.agency_a, data={"lead_working_days": 0})
    assert "LEAD_TIME" not in codes(check(employee_a, [today]))


def test_max_span_edges(employee_a, monday):
    inside = expand_dates(date_from=monday, date_to=monday + datetime.timedelta(days=91), weekdays=[1])
    outside = expand_dates(date_from=monday, date_to=monday + datetime.timedelta(days=92), weekdays=[1, 2])

    assert "MAX_SPAN" not in codes(check(employee_a, inside))
    assert "MAX_SPAN" in codes(check(employee_a, outside), "hard")


def test_a_weekly_pattern_expands_to_its_weekdays(monday):
    dates = expand_dates(date_from=monday, date_to=monday + datetime.timedelta(days=13), weekdays=[1, 5])

    assert dates == days(monday, 0, 4, 7, 11)


# ---------------------------------------------------------------------------- location, evidence, work plan


def test_designated_location_must_be_an_active_one_of_the_agency(employee_a, monday, agency_a, agency_b):
    active = LocationFactory(agency=agency_a)
    inactive = LocationFactory(agency=agency_a, is_active=False)
    foreign = LocationFactory(agency=agency_b)

    assert "LOCATION_NOT_DESIGNATED" not in codes(
        check(employee_a, days(monday, 0), location="DESIGNATED", designated_location_id=active.id)
    )
    for location in (inactive, foreign):
        result = check(employee_a, days(monday, 0), location="DESIGNATED", designated_location_id=location.id)
        assert "LOCATION_NOT_DESIGNATED" in codes(result, "hard")


def test_work_plan_required(employee_a, monday):
    assert "WORK_PLAN_REQUIRED" in codes(check(employee_a, days(monday, 0), work_plan=[]), "hard")


# ---------------------------------------------------------------------------- dynamic hours


def dyn(user, dates, start, end):
    return check(user, dates, location="OFFICE", planned_start=datetime.time(*start), planned_end=datetime.time(*end))


def test_dynamic_hours_inside_the_window_covering_the_core_pass(employee_a, monday):
    assert dyn(employee_a, days(monday, 0), (7, 0), (16, 30)).violations == []


def test_dyn_window(employee_a, monday):
    assert "DYN_WINDOW" in codes(dyn(employee_a, days(monday, 0), (5, 30), (15, 0)), "hard")
    assert "DYN_WINDOW" in codes(dyn(employee_a, days(monday, 0), (9, 0), (19, 30)), "hard")


def test_dyn_core_uses_the_friday_core_on_fridays(employee_a, monday):
    monday_result = dyn(employee_a, days(monday, 0), (9, 30), (18, 30))
    friday_result = dyn(employee_a, days(monday, 4), (8, 0), (17, 30))

    assert by_code(monday_result, "DYN_CORE")[0].dates == (monday,)
    assert "DYN_CORE" not in codes(friday_result)


def test_dyn_weekly_total(employee_a, monday):
    assert "DYN_WEEKLY_TOTAL" in codes(dyn(employee_a, days(monday, 0), (9, 0), (15, 0)), "hard")
    assert "DYN_WEEKLY_TOTAL" not in codes(dyn(employee_a, days(monday, 0), (6, 30), (15, 30)))


def test_dyn_daily_floor_is_a_soft_warning(employee_a, monday):
    found = by_code(dyn(employee_a, days(monday, 4), (8, 30), (12, 0)), "DYN_DAILY_FLOOR")

    assert found[0].severity == "soft"


# ---------------------------------------------------------------------------- coverage and directives


def test_allowed_away_formula():
    assert allowed_away(10, 0) == 0
    assert allowed_away(2, 30) == 1
    assert allowed_away(10, 30) == 3
    assert allowed_away(19, 30) == 5


def test_coverage_unit_share_warns_when_the_unit_would_be_too_empty(employee_a, supervisor_a, monday):
    assert "COVERAGE_UNIT_SHARE" not in codes(check(employee_a, days(monday, 0)))

    away_day(supervisor_a, monday)
    found = by_code(check(employee_a, days(monday, 0, 1)), "COVERAGE_UNIT_SHARE")

    assert found[0].severity == "soft" and found[0].dates == (monday,)


def test_coverage_counts_the_own_unit_only(employee_a, unit_head_a, monday):
    away_day(unit_head_a, monday)  # A-DIV, the parent unit

    assert "COVERAGE_UNIT_SHARE" not in codes(check(employee_a, days(monday, 0)))


def test_public_service_units_default_to_share_zero_and_keep_a_minimum_on_site(employee_a, monday, org_world):
    org_services.unit_update(unit=org_world.sec_a, data={"is_public_service": True, "min_onsite_headcount": 2})

    result = check(employee_a, days(monday, 0))

    assert by_code(result, "COVERAGE_UNIT_SHARE")[0].severity == "soft"
    assert by_code(result, "PUBLIC_SERVICE_MIN_ONSITE")[0].severity == "soft"


def test_directive_mode_refuses_a_location_the_directive_does_not_allow(employee_a, hr_admin_a, monday, org_world):
    services.directive_create(
        agency_id=org_world.agency_a.id,
        unit=org_world.div_a,
        date_from=monday,
        date_to=monday,
        allowed_locations=["DESIGNATED"],
        max_share_percent=None,
        message="WFA di lokasi yang ditetapkan.",
        actor=hr_admin_a,
    )

    found = by_code(check(employee_a, days(monday, 0, 1)), "DIRECTIVE_MODE")

    assert found[0].severity == "hard" and found[0].dates == (monday,)
    assert found[0].source == "SE MenPANRB (directive)"


def test_a_directive_of_another_subtree_does_not_apply(employee_a, hr_admin_a, monday, org_world):
    services.directive_create(
        agency_id=org_world.agency_a.id,
        unit=org_world.hr_unit_a,
        date_from=monday,
        date_to=monday,
        allowed_locations=["DESIGNATED"],
        max_share_percent=None,
        message="Hanya untuk Kepegawaian.",
        actor=hr_admin_a,
    )

    assert "DIRECTIVE_MODE" not in codes(check(employee_a, days(monday, 0)))


def test_directive_share_warns(employee_a, supervisor_a, hr_admin_a, monday, org_world):
    away_day(supervisor_a, monday)
    services.directive_create(
        agency_id=org_world.agency_a.id,
        unit=None,
        date_from=monday,
        date_to=monday,
        allowed_locations=["HOME"],
        max_share_percent=10,
        message="WFH bergilir.",
        actor=hr_admin_a,
    )

    result = check(employee_a, days(monday, 0))

    assert by_code(result, "DIRECTIVE_SHARE")[0].severity == "soft"
    assert "COVERAGE_UNIT_SHARE" not in codes(result)  # the directive takes precedence


def test_holiday_skipped_reports_weekends_as_info(employee_a, monday):
    found = by_code(check(employee_a, days(monday, 0, 5)), "HOLIDAY_SKIPPED")

    assert found[0].severity == "info" and found[0].dates == (monday + datetime.timedelta(days=5),)


# ---------------------------------------------------------------------------- speed


def test_the_check_runs_in_the_same_number_of_queries_for_few_and_many_dates(
    employee_a, supervisor_a, monday, org_world
):
    for _ in range(3):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    away_day(supervisor_a, monday)
    dates_few = days(monday, 0, 1)
    dates_many = expand_dates(date_from=monday, date_to=monday + datetime.timedelta(days=60))
    employee = emp(employee_a)

    def count(dates):
        data = arrangement_input(
            dates,
            location="DESIGNATED",
            designated_location_id=LocationFactory(agency=org_world.agency_a).id,
            planned_start=datetime.time(7, 0),
            planned_end=datetime.time(16, 30),
        )
        with CaptureQueriesContext(connection) as captured:
            services.arrangement_request_check(employee=employee, data=data)
        return len(captured)

    assert count(dates_few) == count(dates_many)


def test_unit_fixture_is_the_own_unit(org_world, employee_a):
    assert emp(employee_a).unit_id == org_world.sec_a.id
    assert Unit.objects.get(id=org_world.div_a.id).is_decision_level


# ---------------------------------------------------------------------------- leave and official duty


def approved_leave(person, first, last=None, *, kind=LeaveKind.CT, status=ApprovalStatus.APPROVED):
    person = emp(person) if not isinstance(person, Employee) else person
    return LeaveRequest.objects.create(
        agency_id=person.agency_id, employee=person, kind=kind, date_from=first, date_to=last or first, status=status
    )


def test_cap_weekly_does_not_count_a_leave_day_of_the_request(employee_a, monday):
    approved_leave(employee_a, monday + datetime.timedelta(days=2))

    assert "CAP_WEEKLY" not in codes(check(employee_a, days(monday, 0, 1, 2)))


def test_cap_weekly_does_not_count_an_approved_day_now_on_official_duty(employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 1)), supervisor=supervisor_a, decider=unit_head_a)
    approved_leave(employee_a, monday + datetime.timedelta(days=1), kind=LeaveKind.DINAS_LUAR)

    result = check(employee_a, days(monday, 3))

    assert "CAP_WEEKLY" not in codes(result)
    assert result.quota["used"] == 1


def test_cap_weekly_still_counts_leave_that_is_not_approved(employee_a, monday):
    approved_leave(employee_a, monday + datetime.timedelta(days=2), status=ApprovalStatus.SUBMITTED)

    assert "CAP_WEEKLY" in codes(check(employee_a, days(monday, 0, 1, 2)), "hard")


def seven_people_in_the_unit(org_world):
    """employee_a, supervisor_a and five more: allowed away = floor(7 × 30 %) = 2."""
    return [
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        for _ in range(5)
    ]


def test_a_person_on_leave_is_not_in_the_active_headcount(employee_a, supervisor_a, monday, org_world):
    others = seven_people_in_the_unit(org_world)
    away_day(supervisor_a, monday)
    assert "COVERAGE_UNIT_SHARE" not in codes(check(employee_a, days(monday, 0)))

    approved_leave(others[0], monday, monday + datetime.timedelta(days=4), kind=LeaveKind.DINAS_LUAR)
    with translation.override("en"):
        found = by_code(check(employee_a, days(monday, 0)), "COVERAGE_UNIT_SHARE")

    assert found[0].dates == (monday,)
    assert "At most 1 of 6 people" in found[0].message


def test_pending_leave_keeps_the_person_in_the_headcount(employee_a, supervisor_a, monday, org_world):
    others = seven_people_in_the_unit(org_world)
    away_day(supervisor_a, monday)
    approved_leave(others[0], monday, status=ApprovalStatus.SUBMITTED)

    assert "COVERAGE_UNIT_SHARE" not in codes(check(employee_a, days(monday, 0)))


def test_someone_on_leave_with_a_home_day_is_not_counted_away(employee_a, supervisor_a, monday):
    away_day(supervisor_a, monday)
    assert "COVERAGE_UNIT_SHARE" in codes(check(employee_a, days(monday, 0)))

    approved_leave(supervisor_a, monday, kind=LeaveKind.SAKIT)

    assert "COVERAGE_UNIT_SHARE" not in codes(check(employee_a, days(monday, 0)))


def test_leave_keeps_the_check_at_the_same_number_of_queries_for_few_and_many_dates(
    employee_a, supervisor_a, monday, org_world
):
    others = seven_people_in_the_unit(org_world)
    away_day(supervisor_a, monday)
    approved_leave(employee_a, monday + datetime.timedelta(days=1))
    for offset, person in enumerate(others):
        approved_leave(person, monday + datetime.timedelta(days=offset), monday + datetime.timedelta(days=offset + 20))
    employee = emp(employee_a)

    def count(dates):
        with CaptureQueriesContext(connection) as captured:
            services.arrangement_request_check(employee=employee, data=arrangement_input(dates))
        return len(captured)

    assert count(days(monday, 0, 1)) == count(
        expand_dates(date_from=monday, date_to=monday + datetime.timedelta(days=60))
    )
