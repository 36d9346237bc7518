"""The per-unit, per-day totals of the output logs the HR dashboard reads (attendance.models.WorkLogDayTotal) are
kept by triggers on the logs: after inserts, a verification, a move to another unit or location, and deletes they
equal the logs' own sums, a day whose logs are all gone has no totals left, and the dashboard's output panel and
"logs waiting" read them."""

import datetime

import pytest
from django.db.models import Count, Q, Sum

pytestmark = pytest.mark.django_db
D = datetime.date


def sums_from_logs() -> dict:
    """What the totals should hold, summed by the ORM from the output logs themselves."""
    from attendance.models import WorkLog

    rows = (
        WorkLog.objects.values("unit_id", "local_date", "location")
        .annotate(
            entries=Count("id"),
            minutes=Sum("minutes_spent"),
            verified=Count("id", filter=Q(verification="SESUAI")),
            waiting=Count("id", filter=Q(verification__isnull=True)),
        )
        .order_by()
    )
    return {(r.pop("unit_id"), r.pop("local_date"), r.pop("location")): r for r in rows}


def totals() -> dict:
    from attendance.models import WorkLogDayTotal

    fields = ("entries", "minutes", "verified", "waiting")
    return {
        (t["unit_id"], t["local_date"], t["location"]): {f: t[f] for f in fields}
        for t in WorkLogDayTotal.objects.values("unit_id", "local_date", "location", *fields)
    }


def log(employee, day, *, location="HOME", minutes=60, **extra):
    from attendance.models import WorkLog

    return WorkLog(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=day,
        location=location,
        description="Menyusun notulen rapat",
        quantity=1,
        unit_of_measure="dokumen",
        minutes_spent=minutes,
        unit_id=employee.unit_id,
        **extra,
    )


def test_the_totals_follow_every_kind_of_write(org_world):
    from attendance.models import WorkLog

    w = org_world
    people = [w.employee_a.employee, w.supervisor_a.employee, w.unit_head_a.employee]
    days = [D(2025, 3, 3) + datetime.timedelta(days=i) for i in range(4)]
    WorkLog.objects.bulk_create([log(p, d, minutes=30 + i) for i, p in enumerate(people) for d in days])
    log(people[0], days[0], location="OFFICE").save()  # one row of its own: the ORM's single INSERT
    assert totals() == sums_from_logs() and len(totals()) >= len(days)
    assert totals()[(people[0].unit_id, days[0], "HOME")]["waiting"] >= 1

    # A verification, a move to another unit and location, and an update that changes nothing counted.
    WorkLog.objects.filter(employee=people[0], local_date=days[1]).update(verification="SESUAI")
    WorkLog.objects.filter(employee=people[1], local_date=days[2]).update(verification="KURANG")
    WorkLog.objects.filter(employee=people[2], local_date=days[2]).update(unit=w.div_a, location="DESIGNATED")
    WorkLog.objects.filter(local_date=days[3]).update(description="Menyusun laporan")
    assert totals() == sums_from_logs()
    assert totals()[(w.div_a.id, days[2], "DESIGNATED")] == {"entries": 1, "minutes": 32, "verified": 0, "waiting": 1}
    assert totals()[(people[0].unit_id, days[1], "HOME")]["verified"] >= 1

    # Deletes: a day whose logs are all gone has no totals row; the others lose exactly their share.
    WorkLog.objects.filter(local_date=days[3]).delete()
    WorkLog.objects.filter(employee=people[2]).delete()
    assert totals() == sums_from_logs()
    assert all(day != days[3] for _, day, _ in totals())
    assert (w.div_a.id, days[2], "DESIGNATED") not in totals()
    assert totals(), "the other days are still there"


def test_the_hr_dashboard_reads_output_and_logs_waiting_from_the_totals(org_world, hr_admin_a, client_for):
    from attendance.models import WorkLog
    from flexwork.common.calendar import today_in
    from flexwork.org import scope as org_scope

    w = org_world
    today = today_in(org_scope.scope_for(hr_admin_a).office_time_zone)
    yesterday = today - datetime.timedelta(days=1)
    people = [w.employee_a.employee, w.supervisor_a.employee]
    WorkLog.objects.bulk_create(
        [log(people[0], yesterday, minutes=90), log(people[0], yesterday, location="OFFICE", minutes=30)]
        + [log(people[1], yesterday, minutes=120, verification="SESUAI")]
    )
    body = (
        client_for(hr_admin_a)
        .get("/api/v1/dashboard/hr/", {"date_from": (today - datetime.timedelta(days=7)).isoformat(), "date_to": today})
        .json()
    )
    assert body["headline"]["logs_waiting"] == 2
    by_location = {row["location"]: row for row in body["output"]}
    assert (by_location["HOME"]["entries"], by_location["HOME"]["hours"], by_location["HOME"]["verified"]) == (
        2,
        3.5,
        1,
    )
    assert by_location["OFFICE"]["entries"] == 1
    # A supervisor's verification is seen at once (the dashboard's cache keys on the range, so ask another).
    WorkLog.objects.filter(employee=people[0], location="HOME").update(verification="SESUAI")
    body = (
        client_for(hr_admin_a)
        .get("/api/v1/dashboard/hr/", {"date_from": (today - datetime.timedelta(days=6)).isoformat(), "date_to": today})
        .json()
    )
    assert body["headline"]["logs_waiting"] == 1
    assert {row["location"]: row["verified"] for row in body["output"]}["HOME"] == 2


def test_the_decisions_by_unit_count_a_decision_on_the_days_of_the_range_only(org_world, hr_admin_a, client_for):
    """Decided at 23:59 UTC on the range's last day counts; a minute after midnight UTC the next day does not, nor
    a minute before the first day."""
    from schedules.models import ArrangementRequest

    employee = org_world.employee_a.employee
    for decided in ("2025-03-31T23:59:00+00:00", "2025-04-01T00:01:00+00:00", "2025-02-28T23:59:00+00:00"):
        ArrangementRequest.objects.create(
            agency=employee.agency,
            employee=employee,
            status="approved",
            location="HOME",
            dates=[D(2025, 3, 19)],
            first_date=D(2025, 3, 19),
            last_date=D(2025, 3, 19),
            reason="Menyusun laporan",
            decided_at=datetime.datetime.fromisoformat(decided),
        )
    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"date_from": "2025-03-01", "date_to": "2025-03-31"})
    assert sum(row["approved"] for row in body.json()["decisions"]) == 1
