"""/api/v1/schedule-days/ and /api/v1/team-calendar/."""

from __future__ import annotations

import datetime

import pytest

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from schedules.models import ScheduleDay
from tests.org.factories import EmployeeFactory, HolidayFactory
from tests.org.helpers import assert_error, queries_for
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db
DAYS_URL = "/api/v1/schedule-days/"
CAL_URL = "/api/v1/team-calendar/"


@pytest.fixture
def approved(employee_a, supervisor_a, unit_head_a, monday):
    return approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)


def leave(person, first, last=None, *, kind=LeaveKind.CT, status=ApprovalStatus.APPROVED):
    return LeaveRequest.objects.create(
        agency_id=person.agency_id, employee=person, kind=kind, date_from=first, date_to=last or first, status=status
    )


def home_day(person, day, location="HOME"):
    return ScheduleDay.objects.create(
        agency_id=person.agency_id, employee=person, local_date=day, location=location, unit_id=person.unit_id
    )


def _cal(unit, start, end=None):
    end = end or start + datetime.timedelta(days=6)
    return f"{CAL_URL}?unit={unit.id}&date_from={start}&date_to={end}"


def test_an_employee_sees_their_days(client_for, employee_a, approved, monday):
    response = client_for(employee_a).get(
        f"{DAYS_URL}?date_from={monday}&date_to={monday + datetime.timedelta(days=6)}"
    )

    assert response.status_code == 200
    assert [(d["date"], d["location"], d["source"]) for d in response.json()["results"]] == [
        (monday.isoformat(), "HOME", "INDIVIDUAL"),
        ((monday + datetime.timedelta(days=4)).isoformat(), "HOME", "INDIVIDUAL"),
    ]


def test_a_supervisor_filters_by_employee(client_for, supervisor_a, employee_a, approved):
    response = client_for(supervisor_a).get(f"{DAYS_URL}?employee={employee_a.employee.id}")

    assert response.json()["count"] == 2


def test_schedule_days_it_hides_other_agencies(client_for, employee_b, hr_admin_b, employee_a, approved):
    assert client_for(hr_admin_b).get(DAYS_URL).json()["count"] == 0
    assert_error(client_for(employee_b).get(f"{DAYS_URL}?employee={employee_a.employee.id}"), 404)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(DAYS_URL), 403)


def test_schedule_days_reversed_range_is_400(client_for, employee_a):
    assert_error(
        client_for(employee_a).get(f"{DAYS_URL}?date_from=2030-02-10&date_to=2030-02-01"), 400, field="date_to"
    )


def test_the_team_calendar_shows_people_days_counts_and_holidays(client_for, unit_head_a, approved, monday, org_world):
    HolidayFactory(agency=org_world.agency_a, date=monday + datetime.timedelta(days=2), name="Libur Nasional")

    response = client_for(unit_head_a).get(_cal(org_world.sec_a, monday))

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["headcount"] == 2 and len(data["days"]) == 7
    monday_cell = data["days"][0]
    assert monday_cell["counts"] == {"OFFICE": 1, "OTHER_OFFICE": 0, "HOME": 1, "DESIGNATED": 0}
    assert monday_cell["away"] == 1 and monday_cell["allowed_away"] == 1 and not monday_cell["coverage_warning"]
    assert data["days"][2]["holiday"] == "Libur Nasional" and not data["days"][2]["working"]
    row = next(r for r in data["rows"] if r["employee"]["name"] == "Pegawai A")
    assert [c["location"] for c in row["cells"]][:5] == ["HOME", "OFFICE", "OFFICE", "OFFICE", "HOME"]
    assert row["cells"][0]["arrangement"] == approved.id


def test_the_team_calendar_warns_about_coverage(client_for, unit_head_a, supervisor_a, approved, monday, org_world):
    from schedules.models import ScheduleDay

    ScheduleDay.objects.create(
        agency=org_world.agency_a,
        employee=supervisor_a.employee,
        local_date=monday,
        location="HOME",
        unit=org_world.sec_a,
    )

    day = client_for(unit_head_a).get(_cal(org_world.sec_a, monday)).json()["days"][0]

    assert day["away"] == 2 and day["coverage_warning"]


def test_the_team_calendar_runs_in_a_fixed_number_of_queries(client_for, unit_head_a, approved, monday, org_world):
    url = _cal(org_world.sec_a, monday, monday + datetime.timedelta(days=30))
    small = queries_for(client_for(unit_head_a), url)
    for offset in (2, 3, 4, 7, 8, 9):
        person = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        create(person.user, days(monday, 1), submit=False)
        create(person.user, days(monday, offset))  # pending
        leave(person, monday + datetime.timedelta(days=7 + offset), monday + datetime.timedelta(days=20))
    HolidayFactory(agency=org_world.agency_a, date=monday + datetime.timedelta(days=3), name="Libur Nasional")

    # Savepoint, scope, unit (scope check, then the grid), the page of people, their schedule days, the unit's
    # policy (2), the units with people, coverage (units with headcount, holidays, directives, leave, away),
    # the away days per location (an aggregate), pending requests, release.
    assert queries_for(client_for(unit_head_a), url) == small == 17


def test_the_team_calendar_it_hides_other_agencies(client_for, hr_admin_b, org_world, monday):
    assert_error(client_for(hr_admin_b).get(_cal(org_world.sec_a, monday)), 404)


def test_the_team_calendar_it_forbids_employee(client_for, employee_a, org_world, monday):
    assert_error(client_for(employee_a).get(_cal(org_world.sec_a, monday)), 403)


def test_the_team_calendar_limits_the_range(client_for, unit_head_a, org_world, monday):
    response = client_for(unit_head_a).get(_cal(org_world.sec_a, monday, monday + datetime.timedelta(days=90)))

    assert_error(response, 400, field="date_to")


def test_the_schedule_days_list_runs_in_a_fixed_number_of_queries(client_for, hr_admin_a, approved, org_world, monday):
    small = queries_for(client_for(hr_admin_a), DAYS_URL)
    from schedules.models import ScheduleDay

    for offset in range(1, 7):
        person = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        ScheduleDay.objects.create(
            agency=org_world.agency_a,
            employee=person,
            local_date=monday + datetime.timedelta(days=offset),
            location="HOME",
            unit=org_world.sec_a,
        )

    assert queries_for(client_for(hr_admin_a), DAYS_URL) == small


def test_the_team_calendar_body_is_what_its_documented_serializer_gives(
    client_for, unit_head_a, approved, monday, org_world
):
    """The API builds the grid without a serializer per cell; it must stay the documented shape, key for key."""
    from rest_framework.renderers import JSONRenderer

    from schedules import selectors
    from schedules.apis.calendar import TeamCalendarApi, team_calendar_data
    from schedules.models import Location, ScheduleDay
    from tests.org.factories import LocationFactory

    HolidayFactory(agency=org_world.agency_a, date=monday + datetime.timedelta(days=2), name="Libur Nasional")
    supervisor = org_world.supervisor_a.employee
    other = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    for offset, extra in (
        (1, {"location": "HOME", "planned_start": datetime.time(7, 5), "planned_end": datetime.time(15, 35)}),
        (2, {"location": "OTHER_OFFICE", "other_office_unit": org_world.hr_unit_a, "source": "DIRECTIVE"}),
        (3, {"location": "DESIGNATED", "designated_location": LocationFactory(agency=org_world.agency_a)}),
        (4, {"location": "OFFICE", "source": "RECALL"}),
    ):
        ScheduleDay.objects.create(
            agency=org_world.agency_a,
            employee=supervisor,
            local_date=monday + datetime.timedelta(days=offset),
            unit=org_world.sec_a,
            **extra,
        )
    ScheduleDay.objects.create(  # a cancelled day is an ordinary day
        agency=org_world.agency_a,
        employee=other,
        local_date=monday,
        location="HOME",
        unit=org_world.sec_a,
        cancelled_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    leave(other, monday + datetime.timedelta(days=1), monday + datetime.timedelta(days=2), kind=LeaveKind.DINAS_LUAR)
    create(org_world.employee_a, days(monday, 8))  # pending
    calendar = selectors.team_calendar_for(
        user=unit_head_a, unit_id=org_world.sec_a.id, date_from=monday, date_to=monday + datetime.timedelta(days=9)
    )
    documented = TeamCalendarApi.OutputSerializer(
        {
            **vars(calendar),
            "next": None,
            "previous": None,
            "days": [vars(day) for day in calendar.days],
            "rows": [
                {
                    "employee": row.employee,
                    "cells": [
                        {
                            "date": day.date,
                            "location": None if kind else cell.location if cell else Location.OFFICE,
                            "planned_start": cell.planned_start if cell else None,
                            "planned_end": cell.planned_end if cell else None,
                            "source": cell.source if cell else None,
                            "arrangement": cell.arrangement_id if cell else None,
                            "leave": kind,
                            "pending": [{"arrangement": p.arrangement_id, "location": p.location} for p in pending],
                        }
                        for day, cell, kind, pending in zip(
                            calendar.days, row.cells, row.leave, row.pending, strict=True
                        )
                    ],
                }
                for row in calendar.rows
            ],
        }
    ).data

    body = team_calendar_data(calendar)

    assert JSONRenderer().render(body) == JSONRenderer().render(documented)
    response = client_for(unit_head_a).get(_cal(org_world.sec_a, monday, monday + datetime.timedelta(days=9)))
    assert response.content == JSONRenderer().render(documented)
    row = next(r for r in body["rows"] if r["employee"]["id"] == supervisor.id)
    assert [c["location"] for c in row["cells"][1:5]] == ["HOME", "OTHER_OFFICE", "DESIGNATED", "OFFICE"]
    assert row["cells"][1]["planned_start"] == "07:05" and row["cells"][4]["source"] == "RECALL"
    assert body["days"][0]["counts"] == {"OFFICE": 2, "OTHER_OFFICE": 0, "HOME": 1, "DESIGNATED": 0}
    other_row = next(r for r in body["rows"] if r["employee"]["id"] == other.id)
    assert [(c["location"], c["leave"]) for c in other_row["cells"][1:4]] == [
        (None, "DINAS_LUAR"),
        (None, "DINAS_LUAR"),
        ("OFFICE", None),
    ]
    mine = next(r for r in body["rows"] if r["employee"]["name"] == "Pegawai A")
    assert mine["cells"][8]["pending"][0]["location"] == "HOME" and mine["cells"][8]["location"] == "OFFICE"


# ---------------------------------------------------------------------------- coverage: the calendar and the rule check


def test_the_team_calendar_and_the_rule_check_agree_on_a_day_with_leave(
    client_for, unit_head_a, employee_a, supervisor_a, monday, org_world, body
):
    """Seven people; one on approved leave (with an approved home day the leave overrides): the active
    headcount is 6, so at most floor(6 × 30 %) = 1 may be away, in the calendar and in the rule check."""
    others = [
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        for _ in range(5)
    ]
    on_leave = others[0]
    leave(on_leave, monday)
    home_day(on_leave, monday)
    home_day(supervisor_a.employee, monday)
    url = _cal(org_world.sec_a, monday)

    data = client_for(unit_head_a).get(url).json()
    check = client_for(employee_a).post(
        "/api/v1/arrangements/check/", {**body, "dates": [monday.isoformat()]}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    day = data["days"][0]
    assert (data["headcount"], day["active_headcount"], day["on_leave"]) == (7, 6, 1)
    assert (day["away"], day["allowed_away"], day["coverage_warning"]) == (1, 1, False)
    assert day["counts"] == {"OFFICE": 5, "OTHER_OFFICE": 0, "HOME": 1, "DESIGNATED": 0}
    cell = next(r for r in data["rows"] if r["employee"]["id"] == on_leave.id)["cells"][0]
    assert (cell["location"], cell["leave"]) == (None, "CT")
    assert check.status_code == 200, check.content
    coverage = [v for v in check.json()["violations"] if v["code"] == "COVERAGE_UNIT_SHARE"]
    assert "At most 1 of 6 people" in coverage[0]["message"]
    assert coverage[0]["dates"] == [monday.isoformat()]

    home_day(others[1], monday)  # a second person away: now over the limit the rule check warned about

    day = client_for(unit_head_a).get(url).json()["days"][0]
    assert (day["away"], day["allowed_away"], day["coverage_warning"]) == (2, 1, True)


def test_pending_requests_are_marked_and_do_not_count(client_for, unit_head_a, employee_a, monday, org_world):
    request = create(employee_a, days(monday, 0, 1))

    data = client_for(unit_head_a).get(_cal(org_world.sec_a, monday)).json()

    row = next(r for r in data["rows"] if r["employee"]["id"] == employee_a.employee.id)
    assert row["cells"][0]["pending"] == [{"arrangement": request.id, "location": "HOME"}]
    assert row["cells"][0]["location"] == "OFFICE" and row["cells"][2]["pending"] == []
    assert data["days"][0]["away"] == 0 and data["days"][0]["counts"]["HOME"] == 0


def test_pending_leave_keeps_the_person_in_the_headcount(client_for, unit_head_a, employee_a, monday, org_world):
    leave(employee_a.employee, monday, status=ApprovalStatus.SUBMITTED)

    data = client_for(unit_head_a).get(_cal(org_world.sec_a, monday)).json()

    assert data["days"][0]["active_headcount"] == 2 and data["days"][0]["on_leave"] == 0
    row = next(r for r in data["rows"] if r["employee"]["id"] == employee_a.employee.id)
    assert row["cells"][0]["leave"] is None


def test_a_directive_day_uses_the_directives_share(client_for, unit_head_a, hr_admin_a, monday, org_world):
    from schedules import services

    for _ in range(8):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    for offset, share in ((0, 50), (1, None)):
        services.directive_create(
            agency_id=org_world.agency_a.id,
            unit=None,
            date_from=monday + datetime.timedelta(days=offset),
            date_to=monday + datetime.timedelta(days=offset),
            allowed_locations=["HOME"],
            max_share_percent=share,
            message="WFH bergilir.",
            actor=hr_admin_a,
        )

    data = client_for(unit_head_a).get(_cal(org_world.sec_a, monday)).json()

    assert [d["allowed_away"] for d in data["days"][:3]] == [5, 10, 3]  # 50 % of 10; no limit; the unit's 30 %


def test_the_policy_share_of_a_public_service_unit_is_zero_with_a_minimum_on_site(
    client_for, unit_head_a, supervisor_a, monday, org_world
):
    from flexwork.org import services as org_services

    org_services.unit_update(unit=org_world.sec_a, data={"is_public_service": True, "min_onsite_headcount": 2})
    home_day(supervisor_a.employee, monday)

    day = client_for(unit_head_a).get(_cal(org_world.sec_a, monday)).json()["days"][0]

    assert (day["allowed_away"], day["min_onsite"], day["coverage_warning"]) == (0, 2, True)


def test_with_the_sub_units_each_unit_keeps_its_own_coverage(client_for, unit_head_a, supervisor_a, monday, org_world):
    """docs/rules.md §3 counts a unit's own people: the subtree view adds the units' figures and warns when
    one of them is over its limit (here A-SEC: 2 people, both away; A-DIV: its head, in the office)."""
    home_day(supervisor_a.employee, monday)
    home_day(org_world.employee_a.employee, monday)

    data = client_for(unit_head_a).get(_cal(org_world.div_a, monday) + "&subtree=true").json()

    day = data["days"][0]
    assert data["headcount"] == 3
    assert (day["active_headcount"], day["away"], day["allowed_away"], day["coverage_warning"]) == (3, 2, 2, True)
