"""The office calendar at the edges of the day (docs/rules.md §1). The server runs in UTC: 23:30
and 00:30 in WIB, WITA and WIT fall on other UTC dates, and every "today" the product shows or
decides on is the office date. Also: API datetimes come out in the caller's office zone."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from attendance.models import CheckEvent
from flexwork.accounts.services import api_token_create
from flexwork.approvals.models import ApprovalKind, Delegation
from flexwork.common import calendar
from flexwork.org import scope as org_scope
from flexwork.org import services as org_services
from schedules.nav import may_approve
from tests.attendance.conftest import MONDAY, OFFICE, WITA, at, check

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
SUNDAY = MONDAY - datetime.timedelta(days=1)
CHECK_IN = "/api/v1/attendance/check-in/"


def frozen_now(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(datetime.UTC))


# ---------------------------------------------------------------------------- today in the office zone


@pytest.mark.parametrize("zone", ZONES.values(), ids=ZONES.keys())
def test_office_today_is_the_office_date_not_the_utc_date(zone):
    just_after_midnight = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=zone)
    just_before_midnight = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=zone)
    assert just_after_midnight.astimezone(datetime.UTC).date() == SUNDAY  # the server's date lags
    assert calendar.today_in(zone.key, now=just_after_midnight) == MONDAY
    assert calendar.today_in(zone.key, now=just_before_midnight) == SUNDAY
    assert calendar.now_in(zone.key, now=just_after_midnight).strftime("%H:%M") == "00:30"
    assert calendar.office_date_of(just_after_midnight, zone.key) == MONDAY
    assert calendar.start_of_day(MONDAY, zone.key) == just_after_midnight - datetime.timedelta(minutes=30)


def test_an_employee_is_in_the_unit_zone_else_the_agency_zone(employee_a, org_world):
    moment = datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC)  # 23:30 WITA, 00:30 WIT
    assert calendar.office_zone_name(employee_a.employee) == "Asia/Makassar"
    assert calendar.office_today(employee_a.employee, now=moment) == SUNDAY
    org_services.unit_update(unit=org_world.sec_a, data={"time_zone": "Asia/Jayapura"})
    employee_a.employee.unit.refresh_from_db()
    assert calendar.office_zone_name(employee_a.employee) == "Asia/Jayapura"
    assert calendar.office_today(employee_a.employee, now=moment) == MONDAY
    assert calendar.unit_today(employee_a.employee.unit, now=moment) == MONDAY
    assert calendar.user_today(employee_a, now=moment) == MONDAY


def test_a_user_without_an_employee_row_gets_the_installation_zone(platform_operator):
    moment = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)  # 00:30 WIB
    assert calendar.user_today(platform_operator, now=moment) == MONDAY


# ---------------------------------------------------------------------------- delegations


def _delegate_in(zone_label: str, org_world):
    """(delegate, delegator) in `zone_label`: agency B is WIB, agency A WITA, and agency A's Seksi
    moved to WIT."""
    if zone_label == "WIB":
        return org_world.employee_b, org_world.hr_admin_b
    if zone_label == "WIT":
        org_services.unit_update(unit=org_world.sec_a, data={"time_zone": "Asia/Jayapura"})
    return org_world.employee_a, org_world.supervisor_a


@pytest.mark.parametrize("zone_label", ZONES.keys())
def test_a_delegation_starting_today_is_active_from_0000_office_time(zone_label, org_world, monkeypatch):
    delegate, delegator = _delegate_in(zone_label, org_world)
    Delegation.objects.create(
        agency_id=delegate.employee.agency_id,
        delegator=delegator.employee,
        delegate=delegate.employee,
        date_from=MONDAY,
        date_to=MONDAY + datetime.timedelta(days=4),
        kinds=[ApprovalKind.ARRANGEMENT],
    )
    zone = ZONES[zone_label]
    scope = org_scope.scope_for(delegate)
    assert not scope.roles & {org_scope.SUPERVISOR, org_scope.UNIT_HEAD, org_scope.DECIDER}

    frozen_now(monkeypatch, datetime.datetime(2026, 3, 1, 23, 30, tzinfo=zone))  # Sunday evening, office time
    assert may_approve(scope) is False

    after_midnight = datetime.datetime(2026, 3, 2, 0, 30, tzinfo=zone)
    assert after_midnight.astimezone(datetime.UTC).date() == SUNDAY
    frozen_now(monkeypatch, after_midnight)
    assert may_approve(scope) is True  # Monday in the office, although still Sunday in UTC


@pytest.mark.parametrize("zone_label", ZONES.keys())
def test_a_delegation_ending_today_still_holds_at_2330_office_time(zone_label, org_world, monkeypatch):
    delegate, delegator = _delegate_in(zone_label, org_world)
    Delegation.objects.create(
        agency_id=delegate.employee.agency_id,
        delegator=delegator.employee,
        delegate=delegate.employee,
        date_from=MONDAY - datetime.timedelta(days=7),
        date_to=MONDAY,
        kinds=[ApprovalKind.ARRANGEMENT],
    )
    zone = ZONES[zone_label]
    scope = org_scope.scope_for(delegate)
    frozen_now(monkeypatch, datetime.datetime(2026, 3, 2, 23, 30, tzinfo=zone))
    assert may_approve(scope) is True
    frozen_now(monkeypatch, datetime.datetime(2026, 3, 3, 0, 30, tzinfo=zone))
    assert may_approve(scope) is False


# ---------------------------------------------------------------------------- check-in office date


def test_a_0030_wita_check_in_lands_on_its_makassar_date(employee_a):
    when = at(MONDAY, 0, 30)
    assert when.astimezone(datetime.UTC).date() == SUNDAY
    outcome = check(employee_a, when, point=OFFICE)
    assert outcome.local_date == MONDAY
    assert outcome.time.isoformat() == "2026-03-02T00:30:00+08:00"
    assert CheckEvent.objects.get(id=outcome.id).local_date == MONDAY


def test_a_2330_wita_check_out_stays_on_its_makassar_date(employee_a):
    from attendance.models import CheckKind

    when = at(MONDAY, 23, 30)
    assert when.astimezone(datetime.UTC).date() == MONDAY
    outcome = check(employee_a, when, kind=CheckKind.OUT, point=OFFICE)
    assert outcome.local_date == MONDAY


# ---------------------------------------------------------------------------- API datetimes


def _session_client(client, user):
    client.force_login(user)
    return client


def _token_client(api_client, user):
    _token, key = api_token_create(user=user, name="calendar test")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize(("persona", "offset"), [("employee_a", "+08:00"), ("employee_b", "+07:00")])
def test_api_datetimes_are_in_the_callers_office_zone(auth, persona, offset, org_world, client, api_client):
    user = getattr(org_world, persona)
    caller = _session_client(client, user) if auth == "session" else _token_client(api_client, user)
    response = caller.post(CHECK_IN, {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 12.5})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["time"].endswith(offset), body["time"]
    stored = CheckEvent.objects.get(id=body["id"])
    assert datetime.datetime.fromisoformat(body["time"]) == stored.at  # the same instant


def test_a_wit_unit_in_a_wita_agency_gets_wit_datetimes(org_world, api_client):
    org_services.unit_update(unit=org_world.sec_a, data={"time_zone": "Asia/Jayapura"})
    caller = _token_client(api_client, org_world.employee_a)
    body = caller.post(CHECK_IN, {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 12.5}).json()
    assert body["time"].endswith("+09:00"), body
