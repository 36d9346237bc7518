"""The check-in write floor (bench.views.write_floor_check_in) writes the row the real check-in writes for the
same input (rows compared column by column, ids aside; no timings here)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

from bench.seed import seed
from bench.views import write_floor_insert

MONTH = (2026, 10)
COLUMNS = ("agency_id", "employee_id", "kind", "local_date", "at", "location", "latitude", "longitude", "accuracy_m",
           "distance_m", "fence_radius_m", "inside_fence", "flags", "ip", "duty_id", "flagged", "attempts",
           "attempt_count", "unit_id", "supervisor_id", "created_at", "updated_at")  # fmt: skip


class _Rollback(Exception):
    pass


def _row(employee_id: int, local_date) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM attendance_checkevent "
                       "WHERE employee_id = %s AND local_date = %s AND kind = 'IN'", [employee_id, local_date])  # fmt: skip
        return cursor.fetchone()


def _written(write) -> tuple:
    try:
        with transaction.atomic():
            row = write()
            raise _Rollback(row)
    except _Rollback as done:
        return done.args[0]


@pytest.mark.django_db
def test_the_write_floor_writes_the_row_of_the_real_check_in(tmp_path):
    from attendance.services import attendance_check
    from flexwork.accounts.models import User
    from flexwork.org.models import Employee

    result = seed(employees=200, days=3, seed=7, month=MONTH, checked=True, out_dir=tmp_path, log=lambda _l: None)
    day = datetime.date.fromisoformat(result.personas["month_days"][1])
    now = datetime.datetime(day.year, day.month, day.day, 0, 31, 7, 123456, tzinfo=datetime.UTC)  # 07:31 WIB
    with connection.cursor() as cursor:  # the seeded check-ins of the day go: both paths write the first one
        cursor.execute("DELETE FROM attendance_checkevent WHERE agency_id = %s AND local_date IN (%s, %s)",
                       [result.agency_id, day, day + datetime.timedelta(days=-1)])  # fmt: skip
        cursor.execute(
            "SELECT DISTINCT ON (coalesce(s.location, 'OFFICE'), u.time_zone IS NULL) e.id FROM org_employee e "
            "JOIN org_unit u ON u.id = e.unit_id LEFT JOIN schedules_scheduleday s ON s.employee_id = e.id "
            "AND s.local_date = %s WHERE e.agency_id = %s ORDER BY coalesce(s.location, 'OFFICE'), "
            "u.time_zone IS NULL, e.id",
            [day, result.agency_id],
        )
        chosen = [r[0] for r in cursor.fetchall()]
        # and someone on official duty that day
        cursor.execute("SELECT employee_id FROM attendance_leaverequest WHERE agency_id = %s AND kind = 'DINAS_LUAR' "
                       "AND status = 'approved' ORDER BY id LIMIT 1", [result.agency_id])  # fmt: skip
        duty = cursor.fetchone()
        if duty:
            cursor.execute("UPDATE attendance_leaverequest SET date_from = %s, date_to = %s WHERE employee_id = %s "
                           "AND kind = 'DINAS_LUAR'", [day, day, duty[0]])  # fmt: skip
            chosen.append(duty[0])
    locations = set()
    inputs = [(-6.175, 106.827, 12.0), (-5.147, 119.432, 250.5), (-6.2, 106.816666, 7.25)]
    for employee in Employee.objects.filter(id__in=chosen).select_related("unit"):
        user = User.objects.get(id=employee.user_id)
        if employee.home_latitude is not None:  # at home, just inside or outside its fence
            inputs.append((float(employee.home_latitude) + 0.0008, float(employee.home_longitude), 10.0))
        inputs.append((float(employee.unit.office_latitude), float(employee.unit.office_longitude) + 0.0013, 30.0))
        for lat, lon, acc in inputs:
            local = day  # the check's office date: both zones are ahead of UTC by less than 24 h at 00:31 UTC

            def real(user=user, employee=employee, lat=lat, lon=lon, acc=acc, local=local):
                attendance_check(user=user, kind="IN", latitude=lat, longitude=lon, accuracy_m=acc, ip="10.1.2.3",
                                 now=now)  # fmt: skip
                return _row(employee.id, local)

            def floor(user=user, employee=employee, lat=lat, lon=lon, acc=acc, local=local):
                assert write_floor_insert(user_id=user.pk, latitude=lat, longitude=lon, accuracy_m=acc,
                                          ip="10.1.2.3", now=now)  # fmt: skip
                return _row(employee.id, local)

            expected = _written(real)
            assert expected is not None
            assert _written(floor) == expected, (employee.id, lat, lon, acc)
            locations.add(expected[COLUMNS.index("location")])
    # the cases cover the office, the home, another place, official duty, flagged and unflagged rows
    assert {"OFFICE", "HOME"} <= locations
