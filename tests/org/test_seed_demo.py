import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from flexwork.org.management.commands.seed_demo import AGENCY_CODE, DEMO_PASSWORD, SECOND_AGENCY_CODE
from flexwork.org.models import Employee, EmployeeType, Holiday, Position, RamadanRange, Unit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo(model):
    """The demo agency's rows only (the session's persona agencies are in the database too)."""
    return model.objects.filter(agency__code=AGENCY_CODE)


def counts():
    return [demo(m).count() for m in (Unit, Position, Employee, Holiday, RamadanRange)]


def test_it_builds_the_demo_agency_and_a_second_run_adds_nothing():
    output = run()
    assert "FlexWork-demo-2026" in output
    first = counts()
    employees = demo(Employee)
    assert 35 <= employees.count() <= 55
    units = demo(Unit)
    assert max(len(u.path) for u in units) == 3
    assert units.filter(time_zone="Asia/Jayapura").exists()
    assert units.get(parent__isnull=True).agency.time_zone == "Asia/Makassar"
    assert demo(Position).filter(is_fwa_eligible=False).exists()
    assert employees.filter(sanction_start__isnull=False).count() == 1
    assert employees.filter(employee_type=EmployeeType.PPPK).exists()
    assert not employees.filter(user__mfa_required=True).exists()
    run()
    assert counts() == first


def test_json_prints_accounts_with_working_tokens(client):
    run()
    body = json.loads(run("--json"))
    roles = {row["role"] for row in body["accounts"]}
    assert {"agency_head", "hr_admin", "unit_head", "supervisor", "employee"} <= roles
    hr = next(row for row in body["accounts"] if row["role"] == "hr_admin")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {hr['token']}")
    assert response.status_code == 200, response.content
    assert response.json()["employee"]["nip"] == hr["username"]
    assert "hr_admin" in response.json()["roles"]
    assert client.login(username=hr["username"], password=hr["password"])


def test_it_builds_months_of_history_that_a_second_run_leaves_alone():
    from collections import Counter

    from attendance.models import DayStatus, WorkLog
    from flexwork.common.calendar import add_months, is_working_day, today_in
    from flexwork.org.selectors import holiday_dates
    from schedules.models import ScheduleDay

    run()
    agency = demo(Employee).first().agency
    today = today_in(agency.time_zone)
    first = add_months(today.replace(day=1), -3)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    holidays = holiday_dates(agency_id=agency.id, date_from=first, date_to=last)
    working = [
        first + datetime.timedelta(days=n)
        for n in range((last - first).days + 1)
        if is_working_day(first + datetime.timedelta(days=n), holidays)
    ]
    assert len(working) > 55
    statuses = DayStatus.objects.filter(agency=agency, local_date__gte=first, local_date__lte=last)
    pairs = set(statuses.filter(is_working_day=True).values_list("employee_id", "local_date"))
    office = set(demo(Employee).filter(unit__work_week="MON_FRI").values_list("id", flat=True))  # not rosters
    assert {p for p in pairs if p[0] in office} == {(e, d) for e in office for d in working}
    assert statuses.filter(arrival__startswith="TL").count() > 50
    assert statuses.filter(departure__startswith="PSW").count() > 50
    assert statuses.filter(absence="TK").exists() and statuses.filter(absence="DL").exists()
    assert statuses.filter(flagged=True).exists()
    away = ScheduleDay.objects.filter(
        agency=agency,
        cancelled_at__isnull=True,
        arrangement__status="approved",
        location__in=["HOME", "DESIGNATED"],
        local_date__range=(first, last),
    )
    per_week = Counter(
        (employee, day.isocalendar()[:2]) for employee, day in away.values_list("employee_id", "local_date")
    )
    assert len(per_week) > 100 and max(per_week.values()) <= 2
    assert away.filter(location="HOME").count() == statuses.filter(location="HOME").count() > 100
    logs = WorkLog.objects.filter(agency=agency)
    assert {"SESUAI", "KURANG", "TIDAK_SESUAI"} <= set(logs.values_list("verification", flat=True))
    assert logs.filter(verification__isnull=True).exists() and logs.exclude(link="").exists()

    # Today is not closed: nobody is marked absent yet.
    assert not DayStatus.objects.filter(agency=agency, local_date=today, absence="TK").exists()
    from performance.models import Realisation, Skp

    assert Skp.objects.filter(agency=agency, status="APPROVED").count() > 15
    assert Realisation.objects.filter(agency=agency).count() > 100

    from flexwork.reports.models import ReportRun

    assert ReportRun.objects.filter(agency=agency, status="DONE").count() >= 4
    tables = (DayStatus, WorkLog, ScheduleDay, Skp, Realisation, ReportRun)
    before = [m.objects.filter(agency=agency).count() for m in tables]
    assert "0 new objects" in run()
    assert [m.objects.filter(agency=agency).count() for m in tables] == before


def test_a_second_small_agency_stands_apart(client):
    from django.urls import reverse

    run()
    second = Employee.objects.filter(agency__code=SECOND_AGENCY_CODE)
    assert 6 <= second.count() <= 10
    assert second.first().agency.time_zone == "Asia/Jayapura"
    body = json.loads(run("--json"))
    hr = next(r for r in body["accounts"] if r["role"] == "hr_admin" and r["agency"] == SECOND_AGENCY_CODE)
    assert client.login(username=hr["username"], password=DEMO_PASSWORD)
    page = client.get(reverse("hr-employees")).content.decode()
    assert "Novita Wattimena" in page
    assert "Nadia Paramitha" not in page  # the first agency's people are not in the second's list
    first_hr = next(r for r in body["accounts"] if r["role"] == "hr_admin" and r["agency"] == AGENCY_CODE)
    client.logout()
    assert client.login(username=first_hr["username"], password=DEMO_PASSWORD)
    page = client.get(reverse("hr-employees")).content.decode()
    assert "Nadia Paramitha" in page and "Novita Wattimena" not in page
    other = second.get(name="Novita Wattimena")
    assert client.get(reverse("hr-employee-detail", args=[other.id])).status_code == 404
