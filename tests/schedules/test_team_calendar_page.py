"""The team calendar on a phone: one card per day (who is where, leave, holidays, pending), and a
recall that comes back to the week it changed, not to this week."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from django.test import Client
from django.utils import translation

from schedules.models import Location
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


def cards(html: str) -> dict[str, str]:
    """The day list's cards by date."""
    found = re.findall(r'<li class="panel sched-daycard[^"]*" data-date="([0-9-]+)">(.*?)</ul>', html, re.S)
    return dict(found)


def test_each_working_day_is_a_card_saying_who_works_where(page_client, employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    create(employee_a, days(monday, 2))  # still pending
    html = (
        page_client(unit_head_a)
        .get(f"/schedule/team/?date={monday}&unit={employee_a.employee.unit_id}")
        .content.decode()
    )
    week = cards(html)
    assert len(week) == 5  # Monday to Friday
    monday_card = week[monday.isoformat()]
    with translation.override("en"):
        home = str(Location.HOME.label)
    assert "Pegawai A" in monday_card and home in monday_card
    wednesday = week[days(monday, 2)[0].isoformat()]
    assert 'class="sched-pending"' in wednesday  # a request not decided yet is marked
    assert "Office" in week[days(monday, 1)[0].isoformat()]


def test_the_recall_link_carries_the_week_and_the_recall_returns_to_it(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)
    client = page_client(supervisor_a)
    calendar = f"/schedule/team/?date={monday}&unit={employee_a.employee.unit_id}"
    html = client.get(calendar).content.decode()
    link = re.search(r'class="sched-recall" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["next"] == [calendar]
    form = client.get(link).content.decode()
    assert f'name="next" value="{calendar.replace("&", "&amp;")}"' in form
    response = client.post(
        "/schedule/recall/",
        {"employee": employee_a.employee.id, "local_date": monday.isoformat(), "reason": "Rapat", "next": calendar},
    )
    assert response.status_code == 302 and response["Location"] == calendar


def test_a_recall_without_next_goes_to_the_week_of_the_recalled_day(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)
    friday = days(monday, 4)[0]
    response = page_client(supervisor_a).post(
        "/schedule/recall/", {"employee": employee_a.employee.id, "local_date": friday.isoformat(), "reason": "Rapat"}
    )
    assert response.status_code == 302 and response["Location"] == f"/schedule/team/?date={friday.isoformat()}"


def test_a_next_to_another_site_is_ignored(page_client, employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    response = page_client(supervisor_a).post(
        "/schedule/recall/",
        {"employee": employee_a.employee.id, "local_date": monday.isoformat(), "reason": "Rapat",
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response["Location"] == f"/schedule/team/?date={monday.isoformat()}"


def test_it_forbids_employee(page_client, employee_a):
    assert page_client(employee_a).get("/schedule/team/").status_code == 403


def test_it_hides_other_agencies(page_client, hr_admin_b, employee_a):
    html = page_client(hr_admin_b).get(f"/schedule/team/?unit={employee_a.employee.unit_id}").content.decode()
    assert "Pegawai A" not in html
