"""Units of any size (docs/rules.md §3 "Team calendar"): the team calendar (API and page), the team page and
the employee list answer a page of the people, with the counts of the whole unit from SQL aggregates. A unit
of 3,000 people, inserted in bulk, shows the shape: the same number of queries as a unit of three, and a
body far under the 1 MB bound a 30,000-person unit must keep (no timings here)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attendance.models import LeaveKind, LeaveRequest
from flexwork.accounts.models import User
from flexwork.approvals.models import ApprovalStatus
from flexwork.org.models import Employee
from schedules.models import ScheduleDay
from tests.org.factories import nip_for
from tests.org.helpers import assert_error

pytestmark = pytest.mark.django_db
BIG = 3_000
ONE_MB = 1_000_000
CAL_URL = "/api/v1/team-calendar/"


def _crowd(unit, n: int, *, start: int = 500_000) -> list[Employee]:
    """`n` active people in `unit`, in two bulk inserts (no services: this is about reading)."""
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"crowd{start + i}", email="", password=password, language="id") for i in range(n)]
    )
    return Employee.objects.bulk_create(
        [
            Employee(
                agency_id=unit.agency_id,
                user=user,
                nip=nip_for(start + i),
                name=f"Pegawai Ramai {i:05d}",
                employee_type="PNS",
                unit=unit,
                is_active=True,
            )
            for i, user in enumerate(users)
        ]
    )


def _month(monday) -> tuple[datetime.date, datetime.date]:
    first = monday.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first, last


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured), response


def _body_rows(html: str) -> int:
    """The grid's people rows (the table's body; its foot has a row per count)."""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count('<tr><th scope="row">')


def _days_away(people, first, last, location="HOME"):
    ScheduleDay.objects.bulk_create(
        [
            ScheduleDay(agency_id=p.agency_id, employee=p, local_date=day, location=location, unit_id=p.unit_id)
            for p in people
            for day in (first, last)
        ]
    )


def test_the_api_answers_a_page_of_a_big_unit_with_the_whole_units_counts(client_for, unit_head_a, org_world, monday):
    first, last = _month(monday)
    url = f"{CAL_URL}?unit={org_world.sec_a.id}&date_from={first}&date_to={last}"
    small, response = _count(client_for(unit_head_a), url)
    before = response.json()["headcount"]

    crowd = _crowd(org_world.sec_a, BIG)
    _days_away(crowd[:40], first, last)  # 40 at home on the first and last day
    LeaveRequest.objects.create(
        agency_id=crowd[0].agency_id, employee=crowd[-1], kind=LeaveKind.CT, date_from=first, date_to=last,
        status=ApprovalStatus.APPROVED,
    )  # fmt: skip
    queries, response = _count(client_for(unit_head_a), url)
    body = response.json()

    assert queries == small
    assert len(response.content) < ONE_MB / 4
    assert body["headcount"] == body["count"] == before + BIG
    assert len(body["rows"]) == 50 and body["previous"] is None and "offset=50" in body["next"]
    day = body["days"][0]
    assert day["counts"]["HOME"] == 40 and day["on_leave"] == 1
    assert sum(day["counts"].values()) + day["on_leave"] == body["headcount"]

    last_page = client_for(unit_head_a).get(f"{url}&limit=500&offset={before + BIG - 10}").json()
    assert len(last_page["rows"]) == 10 and last_page["next"] is None and "offset=" in last_page["previous"]
    assert last_page["days"] == body["days"]  # the counts are the unit's, whichever page


def test_the_api_searches_by_name_and_refuses_a_page_too_big(client_for, unit_head_a, org_world, monday):
    _crowd(org_world.sec_a, 120)
    base = f"{CAL_URL}?unit={org_world.sec_a.id}&date_from={monday}&date_to={monday}"
    found = client_for(unit_head_a).get(f"{base}&q=ramai 0010").json()
    assert found["count"] == 10 and {r["employee"]["name"] for r in found["rows"]} >= {"Pegawai Ramai 00100"}
    assert found["headcount"] > 120  # the coverage stays the whole unit's
    assert_error(client_for(unit_head_a).get(f"{base}&limit=501"), 400, field="limit")
    assert_error(client_for(unit_head_a).get(f"{base}&offset=-1"), 400, field="offset")


def test_the_page_shows_fifty_people_and_a_pager(org_world, unit_head_a, monday):
    client = Client()
    client.force_login(unit_head_a)
    url = f"/schedule/team/?unit={org_world.sec_a.id}&view=month&date={monday}"
    small, _response = _count(client, url)
    _crowd(org_world.sec_a, BIG)

    queries, response = _count(client, url)
    html = response.content.decode()

    assert queries == small
    assert len(response.content) < ONE_MB
    assert _body_rows(html) == 50
    assert "1–50" in html and 'rel="next"' in html
    page_two = client.get(f"{url}&page=2").content.decode()
    assert "51–100" in page_two and 'rel="prev"' in page_two
    beyond = client.get(f"{url}&page=9999")  # past the end: the last page
    assert beyond.status_code == 200 and 'rel="next"' not in beyond.content.decode()
    searched = client.get(f"{url}&q=Ramai+0299").content.decode()
    assert _body_rows(searched) == 10


def test_the_team_page_and_the_employee_list_page_a_big_unit(org_world, unit_head_a, hr_admin_a):
    head, hr = Client(), Client()
    head.force_login(unit_head_a)
    hr.force_login(hr_admin_a)
    team_small, _r = _count(head, "/attendance/team/")
    list_small, _r = _count(hr, f"/hr/employees/?unit={org_world.sec_a.id}")
    _crowd(org_world.sec_a, BIG)

    team_queries, team = _count(head, "/attendance/team/")
    list_queries, employees = _count(hr, f"/hr/employees/?unit={org_world.sec_a.id}")

    assert (team_queries, list_queries) == (team_small, list_small)
    for response in (team, employees):
        assert len(response.content) < ONE_MB and 'rel="next"' in response.content.decode()
    assert team.content.decode().count('class="team-row"') == 50
