"""The daily output log: entries, verification by the direct supervisor, the missing-log flag."""

import datetime
import zoneinfo

from django.utils import timezone

from attendance.models import DayStatus, MissingLogReminder, WorkLog
from attendance.services import missing_logs_flag
from attendance.status import day_status_refresh
from schedules.models import Location
from tests.attendance.conftest import MONDAY, schedule_day
from tests.helpers import assert_error

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def today():
    return timezone.now().astimezone(WITA).date()


def entry_body(**extra):
    return {
        "local_date": str(today()),
        "description": "Draf laporan triwulan",
        "quantity": "1",
        "unit": "dokumen",
        "minutes_spent": 120,
        **extra,
    }


def test_an_employee_logs_an_output_with_the_days_location(client_for, employee_a):
    schedule_day(employee_a, today(), Location.HOME)
    response = client_for(employee_a).post("/api/v1/worklogs/", entry_body(link="https://example.org/x"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["location"] == "HOME" and body["verification"] is None and body["unit"] == "dokumen"


def test_a_log_for_a_future_day_is_refused(client_for, employee_a):
    body = entry_body(local_date=str(today() + datetime.timedelta(days=1)))
    response = client_for(employee_a).post("/api/v1/worklogs/", body, format="json")
    assert response.status_code == 400 and "local_date" in response.json()["fields"]
    assert not WorkLog.objects.exists()


def test_bad_log_input_is_refused(client_for, employee_a):
    for bad in ({"quantity": "0"}, {"minutes_spent": 0}, {"minutes_spent": 5000}, {"link": "javascript:alert(1)"},
                {"indicator": 999999}, {"evidence": [999999]}):  # fmt: skip
        response = client_for(employee_a).post("/api/v1/worklogs/", entry_body(**bad), format="json")
        assert_error(response, 400)
    assert not WorkLog.objects.exists()


def test_the_supervisor_verifies_an_entry(client_for, employee_a, supervisor_a):
    entry = client_for(employee_a).post("/api/v1/worklogs/", entry_body(), format="json").json()
    queue = client_for(supervisor_a).get("/api/v1/worklogs/?to_verify=true").json()
    assert [e["id"] for e in queue["results"]] == [entry["id"]]
    verdict = {"verification": "KURANG", "note": "Lampirkan data"}
    response = client_for(supervisor_a).post(f"/api/v1/worklogs/{entry['id']}/verify/", verdict, format="json")
    assert response.status_code == 200
    assert response.json()["verification"] == "KURANG" and response.json()["verification_note"] == "Lampirkan data"
    assert client_for(supervisor_a).get("/api/v1/worklogs/?to_verify=true").json()["count"] == 0
    # A verified entry is no longer the author's to delete.
    assert client_for(employee_a).delete(f"/api/v1/worklogs/{entry['id']}/").status_code == 409


def test_it_forbids_unit_head_to_verify(client_for, employee_a, unit_head_a):
    entry = client_for(employee_a).post("/api/v1/worklogs/", entry_body(), format="json").json()
    assert client_for(unit_head_a).get(f"/api/v1/worklogs/{entry['id']}/").status_code == 200
    response = client_for(unit_head_a).post(f"/api/v1/worklogs/{entry['id']}/verify/", {"verification": "SESUAI"})
    assert_error(response, 403)


def test_it_forbids_employee_to_verify_own_entry(client_for, employee_a):
    entry = client_for(employee_a).post("/api/v1/worklogs/", entry_body(), format="json").json()
    response = client_for(employee_a).post(f"/api/v1/worklogs/{entry['id']}/verify/", {"verification": "SESUAI"})
    assert response.status_code == 403


def test_it_hides_other_agencies(client_for, employee_a, employee_b, hr_admin_b):
    entry = client_for(employee_a).post("/api/v1/worklogs/", entry_body(), format="json").json()
    for user in (employee_b, hr_admin_b):
        response = client_for(user).get(f"/api/v1/worklogs/{entry['id']}/")
        assert_error(response, 404)
    assert (
        client_for(hr_admin_b).post(f"/api/v1/worklogs/{entry['id']}/verify/", {"verification": "SESUAI"}).status_code
        == 404
    )


def test_the_list_runs_a_fixed_number_of_queries(client_for, employee_a, django_assert_num_queries):
    client = client_for(employee_a)
    for count in (1, 5):
        while WorkLog.objects.count() < count:
            created = client.post("/api/v1/worklogs/", entry_body(), format="json")
            assert created.status_code == 201, created.json()
        with django_assert_num_queries(5):  # SAVEPOINT, the caller's scope, count, page, RELEASE
            assert client.get("/api/v1/worklogs/").json()["count"] == count


def test_a_home_day_without_a_log_is_flagged_after_the_next_working_day(employee_a, agency_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    day_status_refresh(employee_id=employee_a.employee.id, local_date=MONDAY)
    tuesday, wednesday = MONDAY + datetime.timedelta(days=1), MONDAY + datetime.timedelta(days=2)
    assert missing_logs_flag(agency=agency_a, today=tuesday) == 0  # Tuesday has not ended yet
    assert missing_logs_flag(agency=agency_a, today=wednesday) == 1
    assert missing_logs_flag(agency=agency_a, today=wednesday) == 1  # idempotent
    reminder = MissingLogReminder.objects.get()
    assert (reminder.employee_id, reminder.local_date, reminder.digested_at) == (employee_a.employee.id, MONDAY, None)
    assert DayStatus.objects.get(employee=employee_a.employee, local_date=MONDAY).missing_log


def test_a_friday_home_day_waits_for_monday_and_an_office_day_is_never_flagged(employee_a, supervisor_a, agency_a):
    friday = MONDAY + datetime.timedelta(days=4)
    schedule_day(employee_a, friday, Location.DESIGNATED)
    schedule_day(supervisor_a, friday, Location.OTHER_OFFICE, other_office_unit=supervisor_a.employee.unit)
    assert missing_logs_flag(agency=agency_a, today=friday + datetime.timedelta(days=3)) == 0  # Monday
    assert missing_logs_flag(agency=agency_a, today=friday + datetime.timedelta(days=4)) == 1
    assert MissingLogReminder.objects.get().employee_id == employee_a.employee.id


def test_a_logged_home_day_is_not_flagged(employee_a, agency_a):
    schedule_day(employee_a, MONDAY, Location.HOME)
    employee = employee_a.employee
    WorkLog.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=MONDAY,
        location="HOME",
        description="x",
        quantity=1,
        unit_of_measure="dok",
        minutes_spent=60,
        unit_id=employee.unit_id,
    )
    assert missing_logs_flag(agency=agency_a, today=MONDAY + datetime.timedelta(days=2)) == 0
