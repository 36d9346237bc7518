"""Check-in and check-out (docs/rules.md §4): fences by the day's location, flags, attempts, the
office date, idempotency and bad input."""

import datetime
import uuid

import pytest
from django.db import connection

from attendance import services
from attendance.models import CheckEvent, CheckKind, DayLocation, DayStatus, LeaveKind, LeaveRequest
from attendance.status import day_statuses_refresh_recent
from flexwork.approvals.models import ApprovalStatus
from flexwork.org import services as org_services
from schedules.models import Location
from tests.attendance.conftest import MONDAY, OFFICE, WIB, WIT, at, check, north_of, schedule_day
from tests.helpers import assert_error
from tests.org.factories import LocationFactory, UnitFactory

CHECK_IN = "/api/v1/attendance/check-in/"
CHECK_OUT = "/api/v1/attendance/check-out/"


# ---------------------------------------------------------------------------- fences


def test_an_ordinary_day_uses_the_unit_office(employee_a):
    outcome = check(employee_a, at(MONDAY, 7, 20), point=north_of(OFFICE, 40))
    assert outcome.location == DayLocation.OFFICE
    assert outcome.inside_fence is True
    assert 35 <= outcome.distance_m <= 45
    assert outcome.flags == []
    assert outcome.created


def test_a_check_in_5_km_away_is_recorded_and_flagged(employee_a):
    outcome = check(employee_a, at(MONDAY, 7, 20), point=north_of(OFFICE, 5000))
    assert outcome.inside_fence is False
    assert outcome.flags == ["OUTSIDE_FENCE"]
    assert 4990 <= outcome.distance_m <= 5010
    event = CheckEvent.objects.get(id=outcome.id)
    assert event.flagged and float(event.latitude) == pytest.approx(north_of(OFFICE, 5000)[0], abs=1e-6)


def test_a_home_day_uses_the_registered_home(employee_a, home_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    inside = check(employee_a, at(MONDAY, 7, 20), point=north_of(home_a, 30))
    assert inside.location == DayLocation.HOME and inside.inside_fence is True
    # The office is ~1.9 km away from home: on a home day it is outside.
    schedule_day(employee_a, MONDAY + datetime.timedelta(days=1), Location.HOME)
    outside = check(employee_a, at(MONDAY + datetime.timedelta(days=1), 7, 20), point=OFFICE)
    assert outside.inside_fence is False and "OUTSIDE_FENCE" in outside.flags


def test_a_home_day_without_a_registered_home_is_flagged_no_fence(employee_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    outcome = check(employee_a, at(MONDAY, 7, 20))
    assert outcome.flags == ["NO_FENCE"] and outcome.inside_fence is None


def test_another_office_day_uses_that_office(employee_a, org_world):
    other = UnitFactory(
        agency=org_world.agency_a, parent=org_world.root_a, office_latitude="-5.200000", office_longitude="119.500000"
    )
    schedule_day(employee_a, MONDAY, Location.OTHER_OFFICE, other_office_unit=other)
    outcome = check(employee_a, at(MONDAY, 7, 20), point=(-5.2, 119.5))
    assert outcome.location == DayLocation.OTHER_OFFICE and outcome.inside_fence is True
    assert outcome.fence.label == other.name


def test_a_designated_day_uses_that_location(employee_a, org_world):
    place = LocationFactory(agency=org_world.agency_a, latitude="-5.100000", longitude="119.400000", radius_m=250)
    schedule_day(employee_a, MONDAY, Location.DESIGNATED, designated_location=place)
    outcome = check(employee_a, at(MONDAY, 7, 20), point=north_of((-5.1, 119.4), 200))
    assert outcome.location == DayLocation.DESIGNATED and outcome.inside_fence is True
    assert outcome.fence.radius_m == 250


def test_official_duty_has_no_fence_and_records_the_position(employee_a):
    employee = employee_a.employee
    LeaveRequest.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=LeaveKind.DINAS_LUAR,
        date_from=MONDAY,
        date_to=MONDAY,
        status=ApprovalStatus.APPROVED,
    )
    schedule_day(employee_a, MONDAY, Location.HOME)  # official duty takes precedence
    outcome = check(employee_a, at(MONDAY, 7, 20), point=(-6.2, 106.8))
    assert outcome.location == DayLocation.OFFICIAL_DUTY
    assert outcome.inside_fence is None and outcome.flags == []
    assert CheckEvent.objects.get(id=outcome.id).latitude is not None


def test_accuracy_worse_than_the_policy_is_flagged(employee_a):
    outcome = check(employee_a, at(MONDAY, 7, 20), accuracy=100.5)
    assert outcome.inside_fence is True and outcome.flags == ["POOR_ACCURACY"]
    assert not check(employee_a, at(MONDAY, 16, 20), kind=CheckKind.OUT, accuracy=100).flags


# ---------------------------------------------------------------------------- office dates


def test_a_0655_wib_check_in_lands_on_its_jakarta_date(employee_b):
    when = at(MONDAY, 6, 55, zone=WIB)
    assert when.astimezone(datetime.UTC).date() == MONDAY - datetime.timedelta(days=1)
    outcome = check(employee_b, when, point=OFFICE)
    assert outcome.local_date == MONDAY
    assert outcome.time.strftime("%H:%M") == "06:55"


def test_a_0859_wit_check_in_lands_on_its_jayapura_date(employee_a, org_world):
    org_services.unit_update(unit=org_world.sec_a, data={"time_zone": "Asia/Jayapura"})
    when = at(MONDAY, 8, 59, zone=WIT)
    assert when.astimezone(datetime.UTC).date() == MONDAY - datetime.timedelta(days=1)
    outcome = check(employee_a, when)
    assert outcome.local_date == MONDAY and outcome.zone == "Asia/Jayapura"


# ---------------------------------------------------------------------------- repeats and attempts


def test_a_repeat_after_an_accepted_check_in_returns_it_unchanged(employee_a):
    first = check(employee_a, at(MONDAY, 7, 20))
    again = check(employee_a, at(MONDAY, 7, 45), point=north_of(OFFICE, 5000))
    assert again.id == first.id and not again.created
    assert again.time == first.time and again.flags == [] and again.attempt_count == 1
    assert CheckEvent.objects.filter(employee=employee_a.employee).count() == 1


def test_a_repeat_after_a_flagged_check_in_adds_an_attempt_and_the_first_in_fence_one_counts(employee_a):
    flagged = check(employee_a, at(MONDAY, 7, 10), point=north_of(OFFICE, 5000))
    still_flagged = check(employee_a, at(MONDAY, 7, 15), point=north_of(OFFICE, 3000))
    assert still_flagged.id == flagged.id and still_flagged.attempt_count == 2
    assert still_flagged.time == flagged.time  # no in-fence attempt yet: the first counts
    accepted = check(employee_a, at(MONDAY, 7, 25))
    assert accepted.attempt_count == 3 and accepted.flags == [] and accepted.inside_fence
    assert accepted.time.strftime("%H:%M") == "07:25"
    later = check(employee_a, at(MONDAY, 7, 40))
    assert later.time.strftime("%H:%M") == "07:25" and later.attempt_count == 3
    assert len(CheckEvent.objects.get(id=flagged.id).attempts) == 3


def test_check_out_keeps_the_latest(employee_a):
    check(employee_a, at(MONDAY, 7, 20))
    check(employee_a, at(MONDAY, 16, 5), kind=CheckKind.OUT)
    last = check(employee_a, at(MONDAY, 17, 0), kind=CheckKind.OUT, point=north_of(OFFICE, 900))
    assert last.time.strftime("%H:%M") == "17:00" and last.flags == ["OUTSIDE_FENCE"] and last.attempt_count == 2
    assert CheckEvent.objects.filter(kind=CheckKind.OUT).count() == 1


def test_a_check_out_without_check_in_is_stored_and_the_arrival_is_hkd(employee_a):
    outcome = check(employee_a, at(MONDAY, 16, 5), kind=CheckKind.OUT)
    assert outcome.created
    assert day_statuses_refresh_recent(now=at(MONDAY, 16, 6)) == 1  # the minute job
    status = DayStatus.objects.get(employee=employee_a.employee, local_date=MONDAY)
    assert status.arrival == "HKD" and status.departure == "ON_TIME" and status.absence is None


def test_the_minute_job_refreshes_the_days_checked_in_the_last_minutes(employee_a, supervisor_a):
    check(employee_a, at(MONDAY, 7, 44))
    check(supervisor_a, at(MONDAY, 7, 45))  # 15 minutes late: TL1 (1–30 minutes)
    assert not DayStatus.objects.exists()  # the check request itself computes nothing
    assert day_statuses_refresh_recent(now=at(MONDAY, 7, 46)) == 2
    statuses = {s.employee_id: s for s in DayStatus.objects.filter(local_date=MONDAY)}
    assert statuses[employee_a.employee.id].arrival == "TL1"
    assert statuses[supervisor_a.employee.id].arrival == "TL1"
    check(employee_a, at(MONDAY, 16, 30), kind=CheckKind.OUT)
    assert day_statuses_refresh_recent(now=at(MONDAY, 16, 31)) == 1  # only the day checked out just now
    assert DayStatus.objects.get(employee=employee_a.employee, local_date=MONDAY).departure == "ON_TIME"
    # Checks older than the window are left to the nightly close.
    assert day_statuses_refresh_recent(now=at(MONDAY, 16, 34)) == 0


# ---------------------------------------------------------------------------- the API


def test_the_api_answers_the_fixed_body(client_for, employee_a):
    response = client_for(employee_a).post(CHECK_IN, {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 12.5})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {"id", "local_date", "time", "location", "distance_m", "inside_fence", "flags"} <= set(body)
    assert body["location"] == "OFFICE" and body["inside_fence"] is True and body["distance_m"] == 0
    again = client_for(employee_a).post(CHECK_IN, {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 12.5})
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_the_check_in_path_runs_a_fixed_number_of_queries(client_for, employee_a, django_assert_num_queries):
    client = client_for(employee_a)
    payload = {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 12.5}
    # One statement for employee, policy, office date, official duty and schedule day, then the upsert;
    # plus the request's SAVEPOINT and RELEASE (ATOMIC_REQUESTS inside the test's transaction; in
    # production a BEGIN/COMMIT).
    with django_assert_num_queries(4):
        assert client.post(CHECK_IN, payload).status_code == 201
    # An accepted repeat: the upsert changes nothing, the standing check-in is read back.
    with django_assert_num_queries(5):
        assert client.post(CHECK_IN, payload).status_code == 200
    # + the key's claim and its stored answer
    with django_assert_num_queries(6):
        response = client.post(CHECK_OUT, payload, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert response.status_code == 201


def test_an_idempotency_key_replays_the_stored_answer(client_for, employee_a):
    client = client_for(employee_a)
    key = str(uuid.uuid4())
    far = north_of(OFFICE, 5000)
    payload = {"latitude": far[0], "longitude": far[1], "accuracy": 10}
    first = client.post(CHECK_IN, payload, HTTP_IDEMPOTENCY_KEY=key)
    replay = client.post(CHECK_IN, payload, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    # Without the key a flagged repeat adds an attempt; with it nothing was recorded twice.
    assert CheckEvent.objects.get().attempt_count == 1
    reused = client.post(CHECK_OUT, payload, HTTP_IDEMPOTENCY_KEY=key)
    assert reused.status_code == 400 and reused.json()["code"] == "idempotency_key_reused"


def test_an_expired_idempotency_key_is_a_new_request(client_for, employee_a):
    from attendance.models import IdempotencyKey

    client = client_for(employee_a)
    key = str(uuid.uuid4())
    payload = {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 10}
    client.post(CHECK_OUT, payload, HTTP_IDEMPOTENCY_KEY=key)
    IdempotencyKey.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    again = client.post(CHECK_OUT, payload, HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
    assert CheckEvent.objects.get().attempt_count == 2
    assert services.idempotency_keys_purge() == 0  # the renewed key is fresh


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"latitude": 91, "longitude": 119.4, "accuracy": 10}, "latitude"),
        ({"latitude": -91, "longitude": 119.4, "accuracy": 10}, "latitude"),
        ({"latitude": -5.1, "longitude": -181, "accuracy": 10}, "longitude"),
        ({"latitude": -5.1, "longitude": 181, "accuracy": 10}, "longitude"),
        ({"latitude": -5.1, "longitude": 119.4, "accuracy": -1}, "accuracy"),
        ({"latitude": -5.1, "longitude": 119.4, "accuracy": 1e9}, "accuracy"),
        ({"latitude": "NaN", "longitude": 119.4, "accuracy": 10}, "latitude"),
        ({"latitude": -5.1, "longitude": "Infinity", "accuracy": 10}, "longitude"),
        ({"latitude": -5.1, "longitude": 119.4, "accuracy": "NaN"}, "accuracy"),
        ({"latitude": "abc", "longitude": 119.4, "accuracy": 10}, "latitude"),
        ({"longitude": 119.4, "accuracy": 10}, "latitude"),
        ({"latitude": -5.1, "accuracy": 10}, "longitude"),
        ({"latitude": -5.1, "longitude": 119.4}, "accuracy"),
    ],
)
def test_bad_input_is_a_400_with_fields_and_nothing_is_stored(client_for, employee_a, payload, field):
    response = client_for(employee_a).post(CHECK_IN, payload, format="json")
    body = assert_error(response, 400)
    assert field in body["fields"]
    assert not CheckEvent.objects.exists()


def test_a_malformed_idempotency_key_is_a_400(client_for, employee_a):
    response = client_for(employee_a).post(
        CHECK_IN, {"latitude": -5.1, "longitude": 119.4, "accuracy": 1}, HTTP_IDEMPOTENCY_KEY="not-a-uuid"
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]
    assert not CheckEvent.objects.exists()


def test_it_needs_credentials(db, api_client):
    response = api_client.post(CHECK_IN, {"latitude": -5.1, "longitude": 119.4, "accuracy": 1})
    assert_error(response, 401)


def test_it_forbids_platform_operator(client_for, platform_operator):
    response = client_for(platform_operator).post(CHECK_IN, {"latitude": -5.1, "longitude": 119.4, "accuracy": 1})
    assert_error(response, 403)


def test_it_hides_other_agencies(client_for, employee_b, hr_admin_a):
    check(employee_b, at(MONDAY, 7, 0, zone=WIB))
    response = client_for(hr_admin_a).get(f"/api/v1/attendance/days/?employee={employee_b.employee.id}")
    assert_error(response, 404)


def test_positions_never_enter_the_audit_history(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname IN ('attendance_checkevent', 'attendance_daystatus') AND NOT t.tgisinternal"
        )
        # No audit trigger: only the dashboards' unit-day totals (sums, no positions) follow the daily statuses.
        assert sorted(cursor.fetchall()) == [
            ("attendance_daystatus", f"attendance_unitdaytotal_{event}")
            for event in ("delete", "insert", "truncate", "update")
        ]
    from django.apps import apps

    assert not any(m.__name__ == "CheckEventEvent" for m in apps.get_models())
