"""The monthly deduction as a report kind (docs/rules.md §10 "Monthly deduction"): computed through the
report framework (exactly once, checksum, files), the same lines as the employee's page, the whole agency in
one statement, an approved correction replacing the record before any cut."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.utils import timezone

from flexwork.reports import services
from flexwork.reports.models import RunStatus, reports_storage
from tests.allowances.conftest import D, month_write

pytestmark = pytest.mark.django_db


def run_allowance(user, period="2025-06"):
    run, created = services.report_run_request(user=user, kind="ALLOWANCE", period=period)
    assert created
    assert services.report_run_execute(run_id=run.id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


def rows_of(run):
    with reports_storage().open(run.csv_name, "rb") as fh:
        return list(csv.DictReader(io.StringIO(fh.read().decode("utf-8"))))


def test_hr_computes_the_agency_month(employee_a, supervisor_a, employee_b, hr_admin_a, june_lines):
    month_write(employee_a.employee, {D(2025, 6, 5): {"arrival": "HKD"}, D(2025, 6, 9): {"absence": "TK"}})
    month_write(supervisor_a.employee, {D(2025, 6, 2): {"departure": "PSW1"}})
    month_write(employee_b.employee, {D(2025, 6, 2): {"absence": "TK"}})  # another agency: never in A's report
    run = run_allowance(hr_admin_a)
    rows = rows_of(run)
    nips = {row["nip"] for row in rows}
    assert employee_b.employee.nip not in nips
    mine = [row for row in rows if row["nip"] == employee_a.employee.nip]
    assert [(r["line"], r["local_date"], r["cause"], r["rule"], r["pct"], r["allowance_pct"]) for r in mine] == [
        ("CUT", "2025-06-05", "HKD", "TL4", "1.5", "1.5"),
        ("CUT", "2025-06-09", "TK", "TK", "4", "4"),
        ("TOTAL", "", "", "TOTAL", "5.5", "5.5"),
    ]
    # everyone of the agency has a TOTAL line, with nothing to cut when they have no day yet
    totals = [row for row in rows if row["line"] == "TOTAL"]
    assert len(totals) == len(nips)
    assert {row["nip"]: row["allowance_pct"] for row in totals}[supervisor_a.employee.nip] == "0.5"
    # the employee's page reads the same statement
    assert june_lines(employee_a.employee).total.allowance_pct == 5.5
    # a refresh computes the same file
    again, _ = services.report_run_request(user=hr_admin_a, kind="ALLOWANCE", period="2025-06", refresh=True)
    services.report_run_execute(run_id=again.id)
    again.refresh_from_db()
    assert again.checksum == run.checksum
    assert not services.report_run_execute(run_id=again.id)  # done once; never again


def test_the_export_shows_words_and_the_csv_keeps_codes(employee_a, hr_admin_a):
    from django.utils import translation

    from flexwork.reports.kinds import KINDS

    spec = KINDS["ALLOWANCE"]
    with translation.override("id"):
        assert str(spec.value_label("cause", "HKD")) not in ("", "HKD")
        assert str(spec.column_label("allowance_pct")) != "allowance_pct"
    with translation.override("en"):
        assert str(spec.value_label("rule", "LEAVE")) == "Per working day of leave beyond its free days"


def test_the_employees_own_page_needs_no_report_and_others_cannot_run_it(employee_a, unit_head_a):
    from django.core.exceptions import PermissionDenied

    for user in (employee_a, unit_head_a):
        with pytest.raises(PermissionDenied):
            services.report_run_request(user=user, kind="ALLOWANCE", period="2025-06")


WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def test_an_approved_correction_replaces_the_record_before_any_cut(
    client_for, employee_a, supervisor_a, unit_head_a, django_capture_on_commit_callbacks
):
    """A check-in at 09:10 (late 61–90 minutes: 1.25 %) corrected to 07:25 by an approved correction: no cut."""
    from allowances.selectors import month_lines
    from tests.attendance.conftest import OFFICE, check, north_of

    day = timezone.now().astimezone(WITA).date() - datetime.timedelta(days=1)
    while day.isoweekday() > 5:
        day -= datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = check(
            employee_a, datetime.datetime.combine(day, datetime.time(9, 10), tzinfo=WITA), point=north_of(OFFICE, 5000)
        )
        check(employee_a, datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=WITA), kind="OUT")
    from attendance.models import DayStatus
    from attendance.status import day_status_refresh

    day_status_refresh(employee_id=employee_a.employee.id, local_date=day)
    status = DayStatus.objects.get(employee=employee_a.employee, local_date=day)
    before = month_lines(employee=employee_a.employee, year=day.year, month=day.month)
    assert [(line.local_date, line.cause) for line in before.lines] == [(day, status.arrival)]
    assert status.arrival in ("TL3", "TL4")
    body = {"local_date": str(outcome.local_date), "kind": "IN", "corrected_time": "07:25", "reason": "GPS salah"}
    correction = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json").json()
    client_for(supervisor_a).post(f"/api/v1/attendance/corrections/{correction['id']}/recommend/", {})
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(unit_head_a).post(f"/api/v1/attendance/corrections/{correction['id']}/approve/", {})
    assert approved.status_code == 200
    day_status_refresh(employee_id=employee_a.employee.id, local_date=day)
    assert DayStatus.objects.get(employee=employee_a.employee, local_date=day).arrival == "H"
    after = month_lines(employee=employee_a.employee, year=day.year, month=day.month)
    assert [line for line in after.lines if line.local_date == day] == []


def test_hr_downloads_the_export_and_nobody_else_does(client_for, employee_a, hr_admin_a, hr_admin_b):
    month_write(employee_a.employee, {D(2025, 6, 9): {"absence": "TK"}})
    run = run_allowance(hr_admin_a)
    for fmt in ("csv", "excel", "xlsx", "pdf"):
        answer = client_for(hr_admin_a).get(f"/reports/{run.id}/download/{fmt}/")
        assert answer.status_code == 200, fmt
        body = b"".join(answer.streaming_content)
        if fmt == "csv":
            assert body.startswith(b"unit_code,unit_name,nip,name,line,local_date,cause,rule")
        if fmt == "xlsx":
            assert body.startswith(b"PK")
    assert client_for(employee_a).get(f"/reports/{run.id}/download/csv/").status_code in (403, 404)
    assert client_for(hr_admin_b).get(f"/reports/{run.id}/download/csv/").status_code == 404


def test_a_changed_scheme_or_leave_marks_the_report_as_changed_since(employee_a, hr_admin_a, scheme_for):
    from flexwork.reports.selectors import source_changed_at
    from tests.allowances.conftest import approved_leave

    run = run_allowance(hr_admin_a)
    assert source_changed_at(run=run) is None
    approved_leave(employee_a.employee, "CS", D(2025, 6, 10), D(2025, 6, 12))
    scheme_for("PERMENTAN_68_2012", effective_from=D(2025, 8, 1))
    assert source_changed_at(run=run) is not None
