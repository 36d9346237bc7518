# ruff: noqa: F811  (the shift fixtures are imported from tests/shifts/conftest.py)
"""Arrangement rules on duties that depend on time (docs/rules.md §8 "Flexibility on duties"): a request
over duties expires when its first duty starts, not at midnight; its lead time counts the person's duty
dates, not Monday–Friday; and the "is this a roster employee" decision is the shifts app's."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import translation

from flexwork.approvals import engine
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in
from flexwork.org import services as org_services
from schedules import services as schedule_services
from schedules.models import ArrangementRequest
from shifts.models import Duty
from tests.schedules.conftest import arrangement_input, create, emp, fetch, next_monday
from tests.schedules.test_policy_shifts import put_duties
from tests.shifts.conftest import nurses, roster_head, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")  # the roster unit's zone (agency A)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WITA)


@pytest.fixture
def week(roster_unit):
    monday = next_monday(2)
    return [monday + datetime.timedelta(days=i) for i in range(7)]


def expire(now) -> int:
    return schedule_services.arrangement_requests_expire_due(now=now)


def on_duty_today(user, unit, types) -> None:
    """A duty day before the request's first duty: the lead time counts duty dates."""
    put_duties(unit, types, [(user, today_in("Asia/Makassar"), "P")])


# ---------------------------------------------------------------------------- expiry at the first duty's start


def test_a_request_over_a_night_duty_expires_when_the_duty_starts(nurses, shift_types, week):
    sari = nurses[0]
    mon = week[0]
    put_duties(sari.employee.unit, shift_types, [(sari, mon, "M")])  # Malam 21:00–07:00 WITA
    on_duty_today(sari, sari.employee.unit, shift_types)
    ar = create(sari, [mon])
    assert ar.status == ApprovalStatus.SUBMITTED

    assert expire(at(mon, 0)) == 0  # no longer at 00:00 of the duty date
    assert expire(at(mon, 20, 59)) == 0
    assert fetch(ar).status == ApprovalStatus.SUBMITTED
    assert expire(at(mon, 21)) == 1
    assert fetch(ar).status == ApprovalStatus.EXPIRED
    assert expire(at(mon, 21, 15)) == 0  # once


def test_the_earliest_duty_of_the_request_counts(nurses, shift_types, week):
    sari = nurses[0]
    mon, tue, wed = week[:3]
    put_duties(sari.employee.unit, shift_types, [(sari, mon, "OFF"), (sari, tue, "S"), (sari, wed, "P")])
    on_duty_today(sari, sari.employee.unit, shift_types)
    ar = create(sari, [mon, tue, wed])
    assert fetch(ar).first_date == tue
    assert expire(at(tue, 13, 59)) == 0  # Siang starts 14:00 on Tuesday
    assert expire(at(tue, 14)) == 1


def test_a_duty_swapped_away_after_submission_is_not_waited_for(nurses, shift_types, week):
    """The instant is read when the sweep runs: with the first duty gone, the next one counts."""
    sari = nurses[0]
    mon, tue = week[:2]
    first, _second = put_duties(sari.employee.unit, shift_types, [(sari, mon, "M"), (sari, tue, "P")])
    on_duty_today(sari, sari.employee.unit, shift_types)
    ar = create(sari, [mon, tue])
    Duty.objects.filter(id=first.id).update(is_active=False)
    assert expire(at(mon, 21)) == 0
    assert expire(at(tue, 6, 59)) == 0
    assert expire(at(tue, 7)) == 1
    assert fetch(ar).status == ApprovalStatus.EXPIRED


def test_a_request_without_duties_still_expires_at_midnight(employee_a):
    monday = next_monday(2, employee_user=employee_a)
    ar = create(employee_a, [monday])
    assert expire(at(monday, 0) - datetime.timedelta(minutes=1)) == 0
    assert engine.expire_due(now=at(monday, 0), kinds=["arrangement"]) == 1
    assert ArrangementRequest.objects.get(id=ar.id).status == ApprovalStatus.EXPIRED


# ---------------------------------------------------------------------------- lead time in duty days


def lead_check(user, dates):
    return schedule_services.arrangement_request_check(employee=emp(user), data=arrangement_input(dates))


def lead_violations(result):
    return [v for v in result.violations if v.code == "LEAD_TIME"]


def test_the_lead_time_of_a_roster_employee_counts_their_duty_dates(nurses, shift_types, roster_unit):
    """Two duty days before the first duty, whatever the weekdays: a day off before it does not count."""
    sari = nurses[0]
    org_services.policy_update(agency=roster_unit.agency, data={"lead_working_days": 2})
    today = today_in("Asia/Makassar")
    d = [today + datetime.timedelta(days=i) for i in range(5)]
    put_duties(
        roster_unit, shift_types, [(sari, d[0], "OFF"), (sari, d[1], "P"), (sari, d[2], "OFF"), (sari, d[3], "P")]
    )
    with translation.override("en"):
        found = lead_violations(lead_check(sari, [d[3]]))
    assert len(found) == 1 and found[0].severity == "hard" and found[0].dates == (d[3],)
    assert found[0].message == "Ask at least 2 duty day(s) before the first duty."
    Duty.objects.filter(employee=sari.employee, duty_date=d[2]).delete()
    put_duties(roster_unit, shift_types, [(sari, d[2], "S")])
    assert lead_violations(lead_check(sari, [d[3]])) == []


def test_todays_duty_counts_like_an_office_colleagues_today(nurses, shift_types, roster_unit):
    sari = nurses[0]
    today = today_in("Asia/Makassar")
    tomorrow = today + datetime.timedelta(days=1)
    put_duties(roster_unit, shift_types, [(sari, today, "OFF"), (sari, tomorrow, "P")])
    assert len(lead_violations(lead_check(sari, [tomorrow]))) == 1  # lead 1, no duty day before
    Duty.objects.filter(employee=sari.employee, duty_date=today).delete()
    put_duties(roster_unit, shift_types, [(sari, today, "M")])
    assert lead_violations(lead_check(sari, [tomorrow])) == []


def test_the_monday_to_friday_lead_time_is_unchanged(employee_a):
    day = today_in("Asia/Makassar")  # today, or on a weekend the Monday: no working day before it either way
    while day.isoweekday() > 5:
        day += datetime.timedelta(days=1)
    with translation.override("en"):
        found = lead_violations(lead_check(employee_a, [day]))
    assert found and found[0].message == "Ask at least 1 working day(s) before the first day."


# ---------------------------------------------------------------------------- one decision


def test_the_rule_check_asks_the_shifts_app_who_works_a_roster(nurses, shift_types, week, monkeypatch):
    """schedules.policy does not decide it: shifts.selectors.works_roster does, for every app."""
    from shifts import selectors

    sari = nurses[0]
    put_duties(sari.employee.unit, shift_types, [(sari, week[1], "P")])
    assert lead_check(sari, week).working_dates == [week[1]]
    monkeypatch.setattr(selectors, "works_roster", lambda employee: False)
    assert lead_check(sari, week[:5]).working_dates == week[:5]  # Monday–Friday once shifts says so
