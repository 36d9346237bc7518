"""The per-unit, per-day totals the dashboards read (attendance.models.UnitDayTotal) are kept by triggers on the
daily statuses: after inserts, updates, upserts, a unit change and deletes they equal the statuses' own sums,
and a day whose statuses are all gone has no totals left. The HR dashboard's trends and compliance read them."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum

from tests.reports.conftest import MARCH, status_row, weekdays

pytestmark = pytest.mark.django_db
D = datetime.date
RANGE = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def sums_from_statuses() -> dict:
    """What the totals should hold, summed by the ORM from the daily statuses themselves."""
    from attendance.models import DayStatus

    rows = (
        DayStatus.objects.values("unit_id", "local_date")
        .annotate(
            days=Count("id"),
            due=Count("id", filter=Q(is_working_day=True) & (Q(absence__isnull=True) | Q(absence="TK"))),
            present=Count("id", filter=Q(check_in_at__isnull=False) | Q(check_out_at__isnull=False)),
            tk=Count("id", filter=Q(absence="TK")),
            flexible=Count("id", filter=Q(location__in=["HOME", "DESIGNATED", "OTHER_OFFICE"])),
            required_minutes=Sum("required_minutes"),
            credited_minutes=Sum("credited_minutes"),
            missing_logs=Count("id", filter=Q(missing_log=True)),
        )
        .order_by()
    )
    return {(r.pop("unit_id"), r.pop("local_date")): r for r in rows}


def totals() -> dict:
    from attendance.models import UnitDayTotal

    fields = ("days", "due", "present", "tk", "flexible", "required_minutes", "credited_minutes", "missing_logs")
    return {
        (t["unit_id"], t["local_date"]): {f: t[f] for f in fields}
        for t in UnitDayTotal.objects.values("unit_id", "local_date", *fields)
    }


def test_the_totals_follow_every_kind_of_write(org_world):
    from attendance.models import DayStatus

    w = org_world
    people = [w.employee_a.employee, w.supervisor_a.employee, w.unit_head_a.employee]
    days = weekdays(MARCH)[:6]
    DayStatus.objects.bulk_create([status_row(p, d) for p in people for d in days])
    assert totals() == sums_from_statuses() and len(totals()) >= len(days)
    first = totals()[(people[0].unit_id, days[0])]
    assert first["days"] >= 1 and first["present"] >= 1 and first["required_minutes"] > 0

    # An update of some columns, one that moves a day to another unit, and one that changes nothing counted.
    DayStatus.objects.filter(employee=people[0], local_date=days[1]).update(
        absence="TK", check_in_at=None, check_out_at=None, credited_minutes=0
    )
    DayStatus.objects.filter(employee=people[1], local_date=days[2]).update(unit=w.div_a, location="HOME")
    DayStatus.objects.filter(local_date=days[3]).update(computed_at=datetime.datetime.now(datetime.UTC))
    assert totals() == sums_from_statuses()
    assert totals()[(people[0].unit_id, days[1])]["tk"] >= 1
    assert totals()[(w.div_a.id, days[2])]["flexible"] == 1

    # The job's upsert: INSERT … ON CONFLICT DO UPDATE fires both the insert's and the update's triggers.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO attendance_daystatus AS d (agency_id, employee_id, local_date, location, is_working_day,"
            " is_ramadan, is_dynamic, lateness_minutes, early_minutes, worked_minutes, required_minutes,"
            " credited_minutes, flagged, corrected, missing_log, holiday_worked, unit_id, computed_at,"
            " created_at, updated_at)"
            " SELECT agency_id, employee_id, local_date + 7, location, is_working_day, is_ramadan, is_dynamic,"
            " lateness_minutes, early_minutes, worked_minutes, required_minutes, credited_minutes, flagged,"
            " corrected, true, holiday_worked, unit_id, computed_at, created_at, updated_at"
            " FROM attendance_daystatus WHERE local_date = ANY(%s)"
            " ON CONFLICT (employee_id, local_date) DO UPDATE SET missing_log = true",
            [[days[0], days[1]]],
        )
    assert totals() == sums_from_statuses()
    assert totals()[(people[0].unit_id, days[0] + datetime.timedelta(days=7))]["missing_logs"] >= 1

    # Deletes: a day whose statuses are all gone has no totals row; the others lose exactly their share.
    DayStatus.objects.filter(local_date=days[4]).delete()
    DayStatus.objects.filter(employee=people[2]).delete()
    assert totals() == sums_from_statuses()
    assert all(day != days[4] for _, day in totals())
    assert totals(), "the other days are still there"


def test_the_hr_dashboard_reads_the_same_numbers_from_the_totals_as_from_the_statuses(
    march, org_world, hr_admin_a, client_for
):
    """The fixture's month through the dashboard, against the same sums worked out from the daily statuses."""
    from attendance.models import DayStatus

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", RANGE).json()
    statuses = DayStatus.objects.filter(
        agency=org_world.agency_a, local_date__range=(RANGE["date_from"], RANGE["date_to"])
    )
    assert totals() == sums_from_statuses()
    tk = {row["code"]: row["tk"] for row in body["compliance"]}
    for code in tk:
        assert tk[code] == statuses.filter(unit__code=code, absence="TK").count()
    assert sum(t["tk"] for t in body["trends"]) == statuses.filter(absence="TK").count()
