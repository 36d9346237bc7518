# ruff: noqa: F811  (the shift fixtures are imported from tests/shifts/conftest.py)
"""The team calendar of a ROSTER unit (docs/rules.md §8 "Calendar"), page and API: people × duty dates
with shift codes, rest after nights, days off and leave, "+1" on nights, a count row per shift against
its minimum and the weekly hours; a fixed number of queries whatever the number of people."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attendance.models import LeaveKind, LeaveRequest
from flexwork.approvals.models import ApprovalStatus
from shifts.models import DayKind, ShiftCoverage
from tests.org.factories import EmployeeFactory, UnitFactory
from tests.schedules.conftest import next_monday
from tests.schedules.test_policy_shifts import put_duties
from tests.shifts.conftest import nurses, roster_head, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(user, language="en"):
        client = Client()
        client.cookies["django_language"] = language
        client.force_login(user)
        return client

    return make


@pytest.fixture
def week():
    monday = next_monday(2)
    return [monday + datetime.timedelta(days=i) for i in range(7)]


@pytest.fixture
def rostered(roster_unit, nurses, shift_types, week):
    """Sari: P P S S M M LM; Budi: M LM Off P P S S; Dewi on leave on Wednesday over her P; Rahmat Off all week."""
    sari, budi, dewi, rahmat = nurses
    cells = {
        sari: ["P", "P", "S", "S", "M", "M", "POST_NIGHT"],
        budi: ["M", "POST_NIGHT", "OFF", "P", "P", "S", "S"],
        dewi: ["S", "S", "P", "M", "POST_NIGHT", "OFF", "P"],
        rahmat: ["OFF"] * 7,
    }
    put_duties(
        roster_unit, shift_types, [(user, week[i], cell) for user, row in cells.items() for i, cell in enumerate(row)]
    )
    LeaveRequest.objects.create(
        agency_id=roster_unit.agency_id,
        employee=dewi.employee,
        kind=LeaveKind.CT,
        date_from=week[2],
        date_to=week[2],
        status=ApprovalStatus.APPROVED,
    )
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id,
        unit=roster_unit,
        shift_type=shift_types["P"],
        day_kind=DayKind.WEEKDAY,
        min_staff=2,
    )
    return cells


def url(unit, week, view="week"):
    return f"/schedule/team/?unit={unit.id}&view={view}&date={week[0].isoformat()}"


def row_of(html: str, name: str) -> str:
    match = re.search(r'<tr><th scope="row">' + re.escape(name) + r"</th>(.*?)</tr>", html, re.S)
    assert match, name
    return match.group(1)


def test_the_grid_shows_codes_rest_days_off_leave_and_nights(page_client, roster_head, roster_unit, rostered, week):
    response = page_client(roster_head).get(url(roster_unit, week))
    assert response.status_code == 200
    html = response.content.decode()
    assert "roster-team" in html
    sari = row_of(html, "Ns. Sari Wulandari")
    marks = re.findall(r'data-mark="([^"]+)"', sari)
    assert marks == ["P", "P", "S", "S", "M", "M", "RN"]
    assert sari.count('class="roster-next"') == 2  # the two nights end the next day
    assert "40.5 h" in sari or "41 h" in sari or " h<" in sari
    budi = row_of(html, "Ns. Budi Santoso")
    assert re.findall(r'data-mark="([^"]+)"', budi) == ["M", "RN", "Off", "P", "P", "S", "S"]
    dewi = row_of(html, "Ns. Dewi Lestari")
    with_leave = re.search(r'data-date="' + week[2].isoformat() + r'"[^>]*>(.*?)</td>', dewi, re.S).group(1)
    assert "sched-leave" in with_leave
    # The P shift on Wednesday: Dewi is on leave, nobody else on P → 0 of 2, a warning.
    assert re.search(r'<td class="warn" data-count="0" data-minimum="2">', html)
    assert 'data-code="COVERAGE_SHIFT_MIN"' in html
    # A colour per shift type, through the page's nonce'd style, never a style attribute.
    assert "style=" not in html
    assert re.search(r"\.shift-t\d+ \{ --shift: #2e7d32; \}", html)


def test_the_phone_list_has_one_card_a_day_with_the_counts(page_client, roster_head, roster_unit, rostered, week):
    html = page_client(roster_head).get(url(roster_unit, week)).content.decode()
    found = re.findall(r'<li class="panel sched-daycard[^"]*" data-date="([0-9-]+)">', html)
    assert found == [day.isoformat() for day in week]  # the weekend too
    saturday = html.split(f'data-date="{week[5].isoformat()}">', 1)[1].split("</li>\n  \n", 1)[0]
    assert "Ns. Budi Santoso" in saturday and "14:00–21:00" in saturday


def test_it_reads_in_indonesian(page_client, roster_head, roster_unit, rostered, week):
    html = page_client(roster_head, "id").get(url(roster_unit, week)).content.decode()
    assert "Kalender tim" in html or "kalender" in html.lower()
    sari = row_of(html, "Ns. Sari Wulandari")
    assert re.findall(r'data-mark="([^"]+)"', sari)[-1] == "LM"
    budi = row_of(html, "Ns. Budi Santoso")
    assert re.findall(r'data-mark="([^"]+)"', budi)[2] == "L"


def test_a_monday_to_friday_unit_keeps_its_calendar(page_client, unit_head_a, employee_a):
    html = page_client(unit_head_a).get(f"/schedule/team/?unit={employee_a.employee.unit_id}").content.decode()
    assert "roster-team" not in html and 'id="team-calendar"' in html


def test_the_month_view_counts_the_hours_per_iso_week(page_client, roster_head, roster_unit, rostered, week):
    html = page_client(roster_head).get(url(roster_unit, week, view="month")).content.decode()
    assert html.count('class="roster-cell') >= 4 * 28


def test_an_employee_is_refused_and_another_agency_unit_is_not_found(
    page_client, client_for, nurses, roster_head, org_world, week
):
    assert page_client(nurses[0]).get(f"/schedule/team/?unit={nurses[0].employee.unit_id}").status_code == 403
    other = UnitFactory(agency=org_world.agency_b, code="B-IGD", name="IGD B", parent=org_world.root_b)
    response = client_for(roster_head).get(
        "/api/v1/team-calendar/", {"unit": other.id, "date_from": week[0], "date_to": week[6]}
    )
    assert response.status_code == 404


def test_the_api_gives_the_duties_in_the_office_zone(client_for, roster_head, roster_unit, rostered, week, shift_types):
    response = client_for(roster_head).get(
        "/api/v1/team-calendar/", {"unit": roster_unit.id, "date_from": week[0], "date_to": week[6]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["work_week"] == "ROSTER" and body["zone"] == "Asia/Makassar" and body["published"] is True
    rows = {row["employee"]["name"]: row for row in body["rows"]}
    night = rows["Ns. Sari Wulandari"]["cells"][4]["duty"]
    assert night["kind"] == "SHIFT" and night["code"] == "M" and night["ends_next_day"] is True
    assert night["start"] == f"{week[4].isoformat()}T21:00:00+08:00"
    assert night["end"] == f"{week[5].isoformat()}T07:00:00+08:00"
    assert rows["Ns. Sari Wulandari"]["cells"][6]["duty"]["kind"] == "POST_NIGHT"
    assert rows["Ns. Rahmat Hidayat"]["cells"][0]["duty"]["kind"] == "OFF"
    assert rows["Ns. Dewi Lestari"]["cells"][2]["leave"] == LeaveKind.CT
    # Sari: P P S S (4 × 7 h) + M M (2 × 9 h net) = 46 h.
    assert rows["Ns. Sari Wulandari"]["weeks"][0]["net_minutes"] == 4 * 420 + 2 * 540
    # Dewi's leave day leaves her P out of the hours.
    assert rows["Ns. Dewi Lestari"]["weeks"][0]["net_minutes"] == 3 * 420 + 540
    p = next(t for t in body["shift_types"] if t["code"] == "P")
    wednesday = {s["shift_type"]: s for s in body["days"][2]["shifts"]}[p["id"]]
    assert (wednesday["count"], wednesday["min_staff"], wednesday["short"]) == (0, 2, True)
    assert body["days"][5]["day_kind"] == "SATURDAY"


def _more_nurses(roster_unit, shift_position, shift_types, week, count):
    people = [
        EmployeeFactory(
            agency=roster_unit.agency, unit=roster_unit, position=shift_position, supervisor=roster_unit.head
        )
        for _ in range(count)
    ]
    for person in people:
        person.refresh_from_db()
    users = [type("U", (), {"employee": person})() for person in people]
    put_duties(roster_unit, shift_types, [(user, day, "P") for user in users for day in week])


def _queries(client, path, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params) if params else client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_and_api_run_in_a_fixed_number_of_queries(
    page_client, client_for, roster_head, roster_unit, rostered, week, shift_position, shift_types
):
    page, api = page_client(roster_head), client_for(roster_head)
    params = {"unit": roster_unit.id, "date_from": week[0], "date_to": week[6]}
    page_few, api_few = _queries(page, url(roster_unit, week)), _queries(api, "/api/v1/team-calendar/", params)
    _more_nurses(roster_unit, shift_position, shift_types, week, 6)
    page_many, api_many = _queries(page, url(roster_unit, week)), _queries(api, "/api/v1/team-calendar/", params)
    assert page_many == page_few and api_many == api_few
    assert page_few <= 36 and api_few <= 30  # the roster warnings (shifts.warnings) included
