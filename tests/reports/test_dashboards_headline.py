"""Dashboard headline numbers: what is counted today, attendance over those expected so far, the
share of a unit present; the same numbers on the pages in both languages; fixed query counts."""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_in_sec(org_world):
    """Seven people in one unit today: one on leave, one checked in at home, the supervisor checked
    in at the office, four not checked in yet; one unverified output log."""
    from attendance.models import CheckEvent, LeaveKind, LeaveRequest, WorkLog
    from flexwork.approvals.models import ApprovalStatus
    from flexwork.common.calendar import today_in
    from schedules.models import ScheduleDay
    from tests.org.factories import EmployeeFactory

    agency, sec = org_world.agency_a, org_world.sec_a
    today = today_in(agency.time_zone)
    others = [
        EmployeeFactory(
            agency=agency, unit=sec, position=org_world.position_a, supervisor=org_world.supervisor_a.employee
        )
        for _ in range(5)
    ]
    LeaveRequest.objects.create(
        agency=agency,
        employee=others[0],
        kind=LeaveKind.CT,
        date_from=today,
        date_to=today,
        status=ApprovalStatus.APPROVED,
    )
    ScheduleDay.objects.create(agency=agency, employee=others[1], local_date=today, location="HOME", unit=sec)
    now = timezone.now()
    for person, location in ((others[1], "HOME"), (org_world.supervisor_a.employee, "OFFICE")):
        CheckEvent.objects.create(
            agency=agency, employee=person, kind="IN", local_date=today, at=now, location=location, unit=sec
        )
    WorkLog.objects.create(
        agency=agency,
        employee=others[2],
        local_date=today - datetime.timedelta(days=1),
        location="OFFICE",
        description="Menyusun notulen rapat",
        quantity=1,
        unit_of_measure="dokumen",
        minutes_spent=60,
        unit=sec,
        supervisor=org_world.supervisor_a.employee,
    )
    return org_world


def test_hr_headline_counts_today_and_attendance_over_those_expected(today_in_sec, hr_admin_a, client_for):
    sec = today_in_sec.sec_a
    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"unit": sec.id}).json()
    headline = body["headline"]
    assert (headline["in_office"], headline["away"], headline["on_leave"], headline["not_yet"]) == (1, 1, 1, 4)
    # Two of the six expected have checked in: a third, not 100 %.
    assert (headline["checked_in"], headline["expected"], headline["attendance_pct"]) == (2, 6, 33.3)
    assert headline["logs_waiting"] == 1
    row = next(c for c in body["coverage"] if c["code"] == sec.code)
    assert (row["present"], row["active_headcount"], row["present_pct"]) == (1, 6, 16.7)


@pytest.mark.parametrize(
    ("language", "label", "table"),
    [
        ("id", "Pegawai di luar kantor hari ini", "Tampilkan angkanya dalam tabel"),
        ("en", "Employees away from the office today", "Show the numbers as a table"),
    ],
)
def test_hr_page_says_what_it_counts_with_unit_names_and_a_table_behind_each_chart(
    today_in_sec, client, hr_admin_a, language, label, table
):
    sec = today_in_sec.sec_a
    client.force_login(hr_admin_a)
    client.cookies["django_language"] = language
    page = client.get("/dashboard/", {"unit": sec.id}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert label in page
    assert "33,3" in page or "33.3" in page
    # Each of the six chart panels has its table in a disclosure, also when its chart is empty.
    assert page.count('<details class="chart-data">') == 6 and 4 <= page.count('<svg class="chart"') <= 6
    assert sec.name in page
    assert 'font-size="11"' not in page and 'font-size="9"' not in page


def test_supervisor_headline(today_in_sec, supervisor_a, client_for, django_assert_num_queries):
    client = client_for(supervisor_a)
    # Savepoint, scope, team today, logs to verify, pending decisions, current plans, release.
    with django_assert_num_queries(7):
        body = client.get("/api/v1/dashboard/supervisor/").json()
    headline = body["headline"]
    assert (headline["in_office"], headline["away"], headline["on_leave"], headline["not_yet"]) == (0, 1, 1, 4)
    assert headline["logs_waiting"] == 1 and headline["pending"] == 0 and headline["at_risk"] == 0
