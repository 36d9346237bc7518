"""/api/v1/schedule-days/ and /api/v1/team-calendar/."""

from __future__ import annotations

import datetime

import pytest

from tests.org.factories import EmployeeFactory, HolidayFactory
from tests.org.helpers import assert_error, queries_for
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db
DAYS_URL = "/api/v1/schedule-days/"
CAL_URL = "/api/v1/team-calendar/"


@pytest.fixture
def approved(employee_a, supervisor_a, unit_head_a, monday):
    return approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)


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
    for _ in range(6):
        person = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        create(person.user, days(monday, 1), submit=False)

    assert queries_for(client_for(unit_head_a), url) == small


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
    calendar = selectors.team_calendar_for(
        user=unit_head_a, unit_id=org_world.sec_a.id, date_from=monday, date_to=monday + datetime.timedelta(days=9)
    )
    documented = TeamCalendarApi.OutputSerializer(
        {
            **vars(calendar),
            "days": [vars(day) for day in calendar.days],
            "rows": [
                {
                    "employee": row.employee,
                    "cells": [
                        {
                            "date": day.date,
                            "location": cell.location if cell else Location.OFFICE,
                            "planned_start": cell.planned_start if cell else None,
                            "planned_end": cell.planned_end if cell else None,
                            "source": cell.source if cell else None,
                            "arrangement": cell.arrangement_id if cell else None,
                        }
                        for day, cell in zip(calendar.days, row.cells, strict=True)
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
