"""iCal feeds at secret-token URLs: content, escaping and folding, scope, and revocation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from schedules import ical
from schedules.models import CalendarFeed
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


def feed_url(client, **data) -> str:
    client.post("/schedule/feeds/", data)
    html = client.get("/schedule/").content.decode()
    match = re.search(r'id="new-feed-url">(http[^<]+)<', html)
    assert match, "the new feed address is shown once"
    return match.group(1).replace("http://testserver", "")


def unfold(body: str) -> str:
    return body.replace("\r\n ", "")


def test_escaping_and_folding_follow_rfc_5545():
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "Rapat koordinasi ✓ " * 10
    folded = ical.fold_line(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_a_person_feed_lists_each_schedule_day(page_client, employee_a, supervisor_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)
    dynamic = create(
        employee_a,
        [monday + datetime.timedelta(days=8)],
        location="OFFICE",
        planned_start=datetime.time(9, 0),
        planned_end=datetime.time(17, 30),
    )
    approve_fully(dynamic, supervisor=supervisor_a, decider=unit_head_a)
    client = page_client(employee_a)
    url = feed_url(client)

    response = Client().get(url)  # no login: the token is the credential

    body = unfold(response.content.decode())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 3
    assert f"DTSTART;VALUE=DATE:{monday:%Y%m%d}" in body
    assert f"DTEND;VALUE=DATE:{monday + datetime.timedelta(days=1):%Y%m%d}" in body
    tuesday_next = monday + datetime.timedelta(days=8)
    assert f"DTSTART;TZID=Asia/Makassar:{tuesday_next:%Y%m%d}T090000" in body
    assert f"DTEND;TZID=Asia/Makassar:{tuesday_next:%Y%m%d}T173000" in body
    assert body.count("CATEGORIES:HOME") == 2 and "CATEGORIES:OFFICE" in body
    assert "(09:00–17:30)" in body
    assert all(len(line.encode()) <= 75 for line in response.content.decode().split("\r\n"))


def test_the_token_is_stored_hashed(page_client, employee_a):
    url = feed_url(page_client(employee_a))
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")

    feed = CalendarFeed.objects.get()
    assert token not in feed.token_hash and len(feed.token_hash) == 64


def test_a_revoked_feed_answers_404(page_client, employee_a):
    client = page_client(employee_a)
    url = feed_url(client)
    assert Client().get(url).status_code == 200
    feed = CalendarFeed.objects.get()

    client.post(f"/schedule/feeds/{feed.id}/revoke/")

    assert Client().get(url).status_code == 404
    assert "No feed yet." in client.get("/schedule/").content.decode()


def test_an_unknown_token_answers_404(client):
    assert client.get("/schedule/ical/not-a-token.ics").status_code == 404


def test_nobody_else_revokes_my_feed(page_client, employee_a, hr_admin_a):
    url = feed_url(page_client(employee_a))
    feed = CalendarFeed.objects.get()

    assert page_client(hr_admin_a).post(f"/schedule/feeds/{feed.id}/revoke/").status_code == 404
    assert Client().get(url).status_code == 200


def test_a_unit_head_publishes_the_unit_feed(page_client, employee_a, supervisor_a, unit_head_a, org_world, monday):
    approve_fully(create(employee_a, [monday]), supervisor=supervisor_a, decider=unit_head_a)
    url = feed_url(page_client(unit_head_a), unit=org_world.sec_a.id)

    body = unfold(Client().get(url).content.decode())

    assert "X-WR-CALNAME:Seksi A" in body
    assert "SUMMARY:Pegawai A · " in body and "CATEGORIES:HOME" in body


def test_an_employee_cannot_publish_a_unit_feed(page_client, employee_a, org_world):
    client = page_client(employee_a)

    assert client.post("/schedule/feeds/", {"unit": org_world.sec_a.id}).status_code == 403
    assert client.post("/schedule/feeds/", {"unit": org_world.root_b.id}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_feed_stops_when_its_owner_loses_the_scope(page_client, employee_a):
    url = feed_url(page_client(employee_a))
    employee = employee_a.employee
    employee.is_active = False
    employee.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404
