"""Duties in the iCal feed (docs/rules.md §8): one timed event per published shift, UID = the duty,
SEQUENCE raised on a change, the replaced duty as STATUS:CANCELLED with the same UID."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from schedules import ical
from shifts import rosters
from shifts.models import Duty, DutyKind

JAN = datetime.date(2027, 1, 1)


def unfold(body: str) -> str:
    return body.replace("\r\n ", "")


def events(body: str) -> dict[str, str]:
    found = {}
    for block in re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfold(body), re.S):
        uid = re.search(r"UID:(\S+)", block).group(1)
        found[uid] = block
    return found


def feed_body(user) -> str:
    _feed, token = ical.calendar_feed_create(owner=user)
    response = Client().get(f"/schedule/ical/{token}.ics")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_feed_has_one_timed_event_per_published_shift(published_roster, nurses):
    from flexwork.common.calendar import today_in

    today = today_in("Asia/Makassar")
    roster = published_roster(today.replace(day=1))
    body = feed_body(nurses[0])
    shifts = Duty.objects.filter(roster=roster, employee_id=nurses[0].employee.id, kind=DutyKind.SHIFT, is_active=True)
    found = events(body)
    for duty in shifts:
        block = found[f"duty-{duty.id}@testserver"]
        assert f"DTSTART:{duty.start_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in block
        assert f"DTEND:{duty.end_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in block
        assert "SEQUENCE:0" in block and "STATUS:CONFIRMED" in block
    off = Duty.objects.filter(roster=roster, employee_id=nurses[0].employee.id, kind=DutyKind.OFF).first()
    assert f"duty-{off.id}@" not in body
    other = Duty.objects.filter(roster=roster, employee_id=nurses[1].employee.id).first()
    assert f"duty-{other.id}@" not in body


@pytest.mark.django_db
def test_a_changed_duty_is_cancelled_and_its_successor_has_a_higher_sequence(published_roster, roster_head, nurses):
    from flexwork.common.calendar import today_in

    today = today_in("Asia/Makassar")
    roster = published_roster(today.replace(day=1))
    old = (
        Duty.objects.filter(roster=roster, employee_id=nurses[0].employee.id, kind=DutyKind.SHIFT, is_active=True)
        .order_by("-duty_date")
        .first()
    )
    new = rosters.duty_change(duty=old, actor=roster_head, reason="Pelatihan", cell="L")
    found = events(feed_body(nurses[0]))
    cancelled = found[f"duty-{old.id}@testserver"]
    assert "STATUS:CANCELLED" in cancelled and "SEQUENCE:1" in cancelled
    assert "SEQUENCE:1" in found[f"duty-{new.id}@testserver"]
    assert "STATUS:CONFIRMED" in found[f"duty-{new.id}@testserver"]


@pytest.mark.django_db
def test_draft_duties_are_not_in_the_feed(roster_unit, assigned, nurses):
    roster = rosters.roster_for(unit=roster_unit, period_start=JAN)
    rosters.roster_generate(roster=roster)
    assert "duty-" not in feed_body(nurses[0])
