"""UU PDP: positions are purged after the retention period, statuses stay; a person sees every
position stored about them, others never see positions."""

import datetime

from django.utils import timezone

from attendance.models import CheckEvent, CheckKind, DayStatus
from attendance.services import positions_purge
from attendance.status import day_status_refresh
from flexwork.org.services import policy_update
from tests.attendance.conftest import MONDAY, OFFICE, at, check, north_of


def test_positions_are_purged_after_the_retention_period_and_statuses_stay(employee_a, agency_a):
    now = timezone.now()
    old = check(employee_a, now - datetime.timedelta(days=366))
    check(employee_a, now - datetime.timedelta(days=366, hours=-8), kind=CheckKind.OUT)
    recent = check(employee_a, now - datetime.timedelta(days=300))
    day_status_refresh(employee_id=employee_a.employee.id, local_date=old.local_date)
    status_before = DayStatus.objects.filter(local_date=old.local_date).values("arrival", "worked_minutes").first()
    assert positions_purge(now=now) == 2
    purged = CheckEvent.objects.get(id=old.id)
    assert purged.latitude is None and purged.longitude is None and purged.accuracy_m is None
    assert purged.attempts == [] and purged.ip is None and purged.positions_purged_at is not None
    assert purged.at == old.at and purged.distance_m == 0  # time and distance stay
    assert CheckEvent.objects.get(id=recent.id).latitude is not None
    assert DayStatus.objects.filter(local_date=old.local_date).values("arrival", "worked_minutes").first() == (
        status_before
    )
    assert positions_purge(now=now) == 0


def test_a_unit_can_keep_positions_for_less_time(employee_a, org_world):
    policy_update(agency=org_world.agency_a, unit=org_world.sec_a, data={"location_retention_days": 30})
    recent = check(employee_a, timezone.now() - datetime.timedelta(days=31))
    assert positions_purge() == 1
    assert CheckEvent.objects.get(id=recent.id).latitude is None


def test_a_person_sees_their_positions_and_the_supervisor_does_not(client_for, employee_a, supervisor_a):
    now = at(MONDAY, 7, 10)
    first = check(employee_a, now, point=north_of(OFFICE, 5000))
    check(employee_a, now, point=north_of(OFFICE, 10))
    day_status_refresh(employee_id=employee_a.employee.id, local_date=first.local_date)
    mine = client_for(employee_a).get(f"/api/v1/attendance/days/?employee={employee_a.employee.id}").json()
    positions = mine["results"][0]["events"][0]["positions"]
    assert len(positions) == 2 and positions[0]["latitude"] == north_of(OFFICE, 5000)[0].__round__(6)
    theirs = client_for(supervisor_a).get(f"/api/v1/attendance/days/?employee={employee_a.employee.id}").json()
    event = theirs["results"][0]["events"][0]
    assert event["positions"] == [] and event["distance_m"] is not None


def test_the_days_list_runs_a_fixed_number_of_queries(client_for, hr_admin_a, org_world, django_assert_num_queries):
    from attendance.status import zone_day_close

    base = datetime.date(2026, 3, 2)
    client = client_for(hr_admin_a)
    for days in (1, 3):
        for offset in range(days):
            zone_day_close(zone="Asia/Makassar", local_date=base + datetime.timedelta(days=offset))
        # SAVEPOINT, scope, count, page, events of the page, RELEASE
        with django_assert_num_queries(6):
            assert client.get("/api/v1/attendance/days/").json()["count"] == 5 * days


def test_the_positions_page_lists_every_attempt(client, employee_a):
    now = timezone.now()
    check(employee_a, now, point=north_of(OFFICE, 5000))
    check(employee_a, now)
    client.force_login(employee_a)
    html = client.get("/attendance/positions/").content.decode()
    assert html.count("<tr>") >= 3  # header + two attempts


def test_the_positions_page_shows_each_attempt_in_the_office_zone(client, employee_a):
    """Attempts are stored in UTC; agency A works in WITA (UTC+8), so 00:05 UTC reads as 08.05."""
    moment = timezone.now().replace(hour=0, minute=5, second=0, microsecond=0)
    check(employee_a, moment)
    client.force_login(employee_a)
    html = client.get("/attendance/positions/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "08.05" in html
    assert "00:05" not in html and "00.05" not in html
