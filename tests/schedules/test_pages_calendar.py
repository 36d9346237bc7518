"""My calendar and the team calendar pages: content, roles, scope and a fixed number of queries
(the 500-person month: 5 vs 30 people and 1 vs 4 weeks must cost the same)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from schedules.models import Location, ScheduleDay
from tests.org.factories import EmployeeFactory
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(user):
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(user)
        return client

    return make


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return len(captured)


def test_my_calendar_shows_my_days(page_client, employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)

    html = page_client(employee_a).get(f"/schedule/?month={monday:%Y-%m}").content.decode()

    assert f'data-date="{monday.isoformat()}" data-location="HOME"' in html
    friday = monday + datetime.timedelta(days=4)
    if friday.month == monday.month:
        assert f'data-date="{friday.isoformat()}" data-location="HOME"' in html


def test_my_calendar_ignores_a_bad_month(page_client, employee_a):
    assert page_client(employee_a).get("/schedule/?month=2026-13").status_code == 200


def test_my_calendar_runs_in_a_fixed_number_of_queries(page_client, employee_a, supervisor_a, unit_head_a, monday):
    client = page_client(employee_a)
    url = f"/schedule/?month={monday:%Y-%m}"
    few = count_queries(client, url)
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)

    assert count_queries(client, url) == few


def test_the_team_calendar_forbids_an_employee(page_client, employee_a):
    assert page_client(employee_a).get("/schedule/team/").status_code == 403


def test_the_team_calendar_hides_other_agencies_units(page_client, unit_head_a, org_world):
    assert page_client(unit_head_a).get(f"/schedule/team/?unit={org_world.root_b.id}").status_code == 404


def test_the_team_calendar_shows_locations_hours_counts_and_warnings(
    page_client, employee_a, supervisor_a, unit_head_a, org_world, monday
):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)
    ScheduleDay.objects.create(
        agency=org_world.agency_a,
        employee=supervisor_a.employee,
        local_date=monday,
        location=Location.HOME,
        planned_start=datetime.time(9, 0),
        planned_end=datetime.time(17, 0),
        unit=org_world.sec_a,
    )

    html = page_client(unit_head_a).get(f"/schedule/team/?unit={org_world.sec_a.id}&date={monday}").content.decode()

    assert "Pegawai A" in html and "Kasi A" in html
    assert "WFH" in html and "09:00–17:00" in html
    assert 'data-count-home="2"' in html  # both away on Monday
    assert "Coverage warnings" in html  # 2 of 2 away, at most 1
    assert f"/schedule/recall/?employee={employee_a.employee.id}&amp;date={monday.isoformat()}" in html


def _fill(unit, agency, supervisor, count, start, weeks):
    people = [EmployeeFactory(agency=agency, unit=unit, supervisor=supervisor) for _ in range(count)]
    rows = []
    for person in people:
        for offset in range(0, weeks * 7, 7):
            rows.append(
                ScheduleDay(
                    agency=agency,
                    employee=person,
                    local_date=start + datetime.timedelta(days=offset),
                    location=Location.HOME,
                    unit=unit,
                )
            )
    ScheduleDay.objects.bulk_create(rows)


def test_the_team_calendar_runs_in_a_fixed_number_of_queries(page_client, unit_head_a, org_world, monday):
    client = page_client(unit_head_a)
    unit, agency, boss = org_world.sec_a, org_world.agency_a, unit_head_a.employee
    week = f"/schedule/team/?unit={unit.id}&date={monday}&view=week"
    month = f"/schedule/team/?unit={unit.id}&date={monday}&view=month"
    _fill(unit, agency, boss, 3, monday, 1)  # 5 people with the personas
    small_week, small_month = count_queries(client, week), count_queries(client, month)
    _fill(unit, agency, boss, 25, monday, 4)  # 30 people
    large_week, large_month = count_queries(client, week), count_queries(client, month)

    assert small_week == small_month == large_week == large_month
    assert client.get(month).content.decode().count('<th scope="row">') == 30 + 6  # people + count rows


def test_hr_sees_every_unit_in_the_picker(page_client, hr_admin_a, org_world):
    html = page_client(hr_admin_a).get(f"/schedule/team/?unit={org_world.div_a.id}&view=month").content.decode()

    for name in ("Sekretariat A", "Bidang A", "Seksi A", "Subbagian Kepegawaian A"):
        assert name in html
    assert "Dinas B" not in html and "Sekretariat B" not in html


def test_the_team_calendar_shows_leave_pending_and_holidays_as_such(
    page_client, employee_a, supervisor_a, unit_head_a, org_world, monday
):
    from attendance.models import LeaveKind, LeaveRequest
    from flexwork.approvals.models import ApprovalStatus
    from tests.org.factories import HolidayFactory

    LeaveRequest.objects.create(
        agency=org_world.agency_a,
        employee=supervisor_a.employee,
        kind=LeaveKind.DINAS_LUAR,
        date_from=monday,
        date_to=monday + datetime.timedelta(days=1),
        status=ApprovalStatus.APPROVED,
    )
    ScheduleDay.objects.create(  # an approved home day the official duty overrides
        agency=org_world.agency_a,
        employee=supervisor_a.employee,
        local_date=monday,
        location=Location.HOME,
        unit=org_world.sec_a,
    )
    create(employee_a, days(monday, 3))  # pending
    HolidayFactory(agency=org_world.agency_a, date=monday + datetime.timedelta(days=2), name="Hari Libur Uji")
    url = f"/schedule/team/?unit={org_world.sec_a.id}&date={monday}"

    html = page_client(unit_head_a).get(url).content.decode()

    assert html.count("Official duty</span>") == 2 and "loc-HOME" not in html
    assert "WFH (pending)" in html
    holiday = f'rowspan="2" data-holiday="{(monday + datetime.timedelta(days=2)).isoformat()}">Hari Libur Uji</td>'
    assert holiday in html  # one cell down the whole column
    assert 'data-count-leave="1"' in html and 'data-away="0" data-allowed-away="1"' in html
    assert "Coverage warnings" not in html
    for raw in ("DINAS_LUAR", ">HOME<", ">OFFICE<", "PENDING", "submitted"):
        assert raw not in html

    client = page_client(unit_head_a)
    client.cookies["django_language"] = "id"
    html = client.get(url).content.decode()
    assert html.count("Dinas luar</span>") == 2 and "Hari Libur Uji" in html


def test_the_team_calendar_warns_below_the_public_service_minimum(
    page_client, supervisor_a, unit_head_a, org_world, monday
):
    from flexwork.org import services as org_services

    org_services.unit_update(unit=org_world.sec_a, data={"is_public_service": True, "min_onsite_headcount": 2})
    ScheduleDay.objects.create(
        agency=org_world.agency_a,
        employee=supervisor_a.employee,
        local_date=monday,
        location="HOME",
        unit=org_world.sec_a,
    )

    html = page_client(unit_head_a).get(f"/schedule/team/?unit={org_world.sec_a.id}&date={monday}").content.decode()

    assert "Coverage warnings" in html and ": 1 on site, at least 2." in html and ": 1 away, at most 0." in html
