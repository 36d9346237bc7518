"""Each report kind against numbers worked out by hand from the dataset in conftest.py (March 2025:
Ramadan, two holidays, a WITA and a WIT unit, a unit snapshot that changes mid-month)."""

import csv
import datetime
import hashlib
import io
import zipfile

import pytest
from django.utils import translation

from flexwork.org.models import Employee
from flexwork.reports import services
from flexwork.reports.kinds import DUTY, KINDS, MONTHLY_KINDS, sql_params
from flexwork.reports.models import ReportRun, RunStatus, reports_storage
from flexwork.reports.pdf import pdf_bytes

pytestmark = pytest.mark.django_db


def run_report(user, kind, period, **kwargs) -> ReportRun:
    run, created = services.report_run_request(user=user, kind=kind, period=period, **kwargs)
    assert created
    assert services.report_run_execute(run_id=run.id)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    return run


def rows_of(run) -> list[dict]:
    with reports_storage().open(run.csv_name, "rb") as fh:
        return list(csv.DictReader(io.StringIO(fh.read().decode("utf-8"))))


def by_key(rows, *keys):
    return {tuple(row[k] for k in keys): row for row in rows}


def test_monthly_compliance(march, hr_admin_a):
    run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    rows = rows_of(run)
    # P twice (snapshot A-DIV, then A-SEC), K, W, and the three other employees of agency A without a daily
    # row (docs/rules.md §6: everyone of the scope is a row); never agency B
    assert run.row_count == len(rows) == 7
    assert [(r["unit_code"], r["nip"]) for r in rows] == sorted((r["unit_code"], r["nip"]) for r in rows)
    got = by_key(rows, "unit_code", "nip")
    p, k, w = march.p.nip, march.k.nip, march.wit.nip

    p_div = got[("A-DIV", p)]
    assert (p_div["working_days"], p_div["on_time"], p_div["required_hours"], p_div["credited_hours"]) == (
        "1",
        "1",
        "6.50",
        "6.50",
    )
    p_sec = got[("A-SEC", p)]
    assert {key: p_sec[key] for key in p_sec if key not in ("unit_name", "name")} == {
        "unit_code": "A-SEC",
        "nip": p,
        "working_days": "18",
        "planned_office_days": "16",
        "planned_flexible_days": "2",
        "present_office_days": "15",
        "present_flexible_days": "2",
        "flagged_days": "0",
        "on_time": "16",
        "late": "1",
        "early_leave": "0",
        "no_check_in": "0",
        "no_check_out": "0",
        "tk": "1",
        "leave_days": "0",
        "official_duty_days": "0",
        "holidays": "2",
        "required_hours": "131.00",  # 18 Ramadan days × 6.5 h + 28 March (Ramadan) 6.5 h + 31 March 7.5 h
        "credited_hours": "123.75",  # minus the TK day (6.5 h) and 45 late minutes
        "worked_hours": "109.75",  # holidays are credited, not worked
        "weeks_below_requirement": "2025-W11 2025-W12",
        "missing_logs": "1",
        "policy_overrides": "1",
        "open_days": "0",
        **dict.fromkeys(DUTY, ""),  # a Monday–Friday employee works no duties
    }
    assert p_div["weeks_below_requirement"] == "2025-W11 2025-W12"  # per person, whatever the snapshot
    kasi = got[("A-SEC", k)]
    assert (kasi["working_days"], kasi["tk"], kasi["required_hours"], kasi["credited_hours"]) == (
        "19",
        "1",
        "137.50",
        "131.00",
    )
    assert kasi["weeks_below_requirement"] == "2025-W10"
    wit = got[("A-PAPUA", w)]
    assert (wit["tk"], wit["no_check_out"], wit["present_office_days"], wit["credited_hours"]) == (
        "10",
        "1",
        "9",
        "66.00",
    )
    assert wit["weeks_below_requirement"] == "2025-W10 2025-W11 2025-W12"  # W14 (Thursday 3 April) is not March's

    # The checksum is the SHA-256 of the canonical CSV; the unit summary sums the rows.
    with reports_storage().open(run.csv_name, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == run.checksum
    units = {row[0]: dict(zip(run.summary["unit_columns"], row, strict=True)) for row in run.summary["units"]}
    assert units["A-SEC"]["n"] == 2
    assert units["A-SEC"]["tk"] == 2
    assert run.summary["exception_total"] == 4  # everyone has a TK day or a week below


def test_payroll_recap(march, hr_admin_a):
    rows = rows_of(run_report(hr_admin_a, "PAYROLL", "2025-03"))
    got = by_key(rows, "unit_code", "nip")
    p = got[("A-SEC", march.p.nip)]
    assert (p["working_days"], p["present_days"], p["tl1"], p["tl2"], p["tk"], p["hkp"]) == (
        "18",
        "17",
        "0",
        "1",
        "1",
        "0",
    )
    w = got[("A-PAPUA", march.wit.nip)]
    assert (w["present_days"], w["tk"], w["hkp"], w["psw1"]) == ("9", "10", "1", "0")


def test_absence_discipline_counts_the_calendar_year(march, hr_admin_a):
    rows = rows_of(run_report(hr_admin_a, "DISCIPLINE", "2025-03"))
    got = {row["nip"]: row for row in rows}
    # Everyone of the agency is a row (docs/rules.md §6); only P, K and W have TK days.
    everyone = set(Employee.objects.filter(agency=march.agency, is_active=True).values_list("nip", flat=True))
    assert set(got) == everyone and march.b.nip not in got
    counted = {nip for nip, row in got.items() if row["total_days"] != "0"}
    assert counted == {march.p.nip, march.k.nip, march.wit.nip}
    assert all(got[nip]["band"] == "" and got[nip]["tk_days"] == "0" for nip in everyone - counted)
    assert (got[march.p.nip]["tk_days"], got[march.p.nip]["band"], got[march.p.nip]["unit_code"]) == (
        "3",
        "TEGURAN_LISAN",
        "A-SEC",
    )
    assert (got[march.k.nip]["tk_days"], got[march.k.nip]["longest_consecutive_tk"]) == ("4", "1")
    assert got[march.k.nip]["band"] == "TEGURAN_TERTULIS"
    # 10 consecutive working days without reason: dismissal, although 10 days alone would be band 7–10.
    assert (got[march.wit.nip]["tk_days"], got[march.wit.nip]["longest_consecutive_tk"]) == ("10", "10")
    assert got[march.wit.nip]["band"] == "DISMISSAL"


def test_performance_per_period(performance_data, march, hr_admin_a):
    rows = rows_of(run_report(hr_admin_a, "PERFORMANCE", "2025-03"))
    assert [row["indicator"] for row in rows] == ["Jumlah laporan", "Keluhan", "Dokumen", "Rapat"]
    assert [row["achievement_pct"] for row in rows] == ["80.00", "83.33", "125.00", ""]
    assert {row["unit_code"] for row in rows} == {"A-SEC"}


def test_fwa_monitoring_before_and_after(performance_data, march, hr_admin_a):
    run = run_report(hr_admin_a, "FWA_MONITORING", "2025-03", parameters={"months": 1})
    rows = rows_of(run)
    got = by_key(rows, "unit_code", "window")
    assert len(rows) == 10  # five units × before/after
    before = got[("A-SEC", "before")]
    assert (before["date_from"], before["date_to"]) == ("2025-02-01", "2025-02-28")
    assert (before["days_due"], before["present_days"], before["tk_days"], before["attendance_pct"]) == (
        "5",
        "3",
        "2",
        "60.00",
    )
    assert before["avg_achievement_pct"] == ""
    after = got[("A-SEC", "after")]
    assert (after["employees"], after["days_due"], after["present_days"], after["tk_days"]) == ("2", "37", "35", "2")
    assert (after["attendance_pct"], after["hours_fulfilled_pct"]) == ("94.59", "94.88")
    assert after["avg_achievement_pct"] == "96.11"  # (80 + 83.33 + 125) / 3
    papua = got[("A-PAPUA", "after")]
    assert (papua["attendance_pct"], papua["hours_fulfilled_pct"]) == ("47.37", "48.00")
    assert got[("A-HR", "after")]["attendance_pct"] == ""


def test_xlsx_and_pdf_are_written_and_deterministic(march, hr_admin_a):
    first = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    storage = reports_storage()
    with storage.open(first.xlsx_name, "rb") as fh:
        xlsx = fh.read()
    with storage.open(first.pdf_name, "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF-1.4")
    with translation.override(first.language):  # the same run renders the same bytes
        assert pdf_bytes(services._pdf_document(first, first.summary, first.checksum)) == pdf
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet = archive.read("xl/worksheets/detail.xml").decode()
    assert march.p.nip in sheet  # the NIP stays text
    second, created = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03", refresh=True)
    assert created
    services.report_run_execute(run_id=second.id)
    second.refresh_from_db()
    assert second.checksum == first.checksum
    with storage.open(second.xlsx_name, "rb") as fh:
        assert fh.read() == xlsx


# ------------------------------------------------------------------ the kinds as one table


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_specs_columns_are_the_sql_output_columns_and_each_has_a_label(kind):
    """The spec's column table (names, labels, text flags) stays in step with the kind's SQL."""
    from django.db import connection

    spec = KINDS[kind]
    start, end = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    params = sql_params(kind=kind, agency_id=0, scope_unit_id=0, start=start, end=end, parameters={})
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({spec.sql}) AS q LIMIT 0", params)
        names = tuple(column.name for column in cursor.description)
    assert names == spec.column_names
    assert set(spec.sum_columns) <= set(names) - spec.text_columns
    with translation.override("id"):
        for column in spec.columns:
            assert str(column.label) and str(column.label) != column.name


def test_every_leave_kind_counts_as_leave_in_the_reports(march, hr_admin_a):
    """Leave codes come from the LeaveKind enum: each kind's absence (official duty apart) is a
    leave day in compliance; in payroll the C- kinds are leave, SAKIT sick and IZIN permission."""
    from attendance.models import LEAVE_ABSENCE, DayStatus, LeaveKind

    days = [d for d in (datetime.date(2025, 3, n) for n in range(5, 28)) if d.isoweekday() <= 5]
    assert len(days) >= len(LeaveKind)
    for day, kind in zip(days, LeaveKind, strict=False):
        DayStatus.objects.filter(employee=march.k, local_date=day).update(
            absence=LEAVE_ABSENCE[kind], arrival=None, departure=None, check_in_at=None, check_out_at=None
        )
    compliance = by_key(rows_of(run_report(hr_admin_a, "COMPLIANCE", "2025-03")), "unit_code", "nip")
    k = compliance[("A-SEC", march.k.nip)]
    assert (k["leave_days"], k["official_duty_days"]) == (str(len(LeaveKind) - 1), "1")
    payroll = by_key(rows_of(run_report(hr_admin_a, "PAYROLL", "2025-03")), "unit_code", "nip")
    k = payroll[("A-SEC", march.k.nip)]
    cuti = sum(1 for kind in LeaveKind if LEAVE_ABSENCE[kind].startswith("C-"))
    assert (k["leave_days"], k["sick_days"], k["permission_days"], k["official_duty_days"]) == (
        str(cuti),
        "1",
        "1",
        "1",
    )


def test_roles_monthly_flag_and_period_rules_are_read_from_the_spec(march, unit_head_a, hr_admin_a):
    from django.core.exceptions import PermissionDenied

    assert (
        set(MONTHLY_KINDS)
        == {kind for kind, spec in KINDS.items() if spec.monthly}
        == {"COMPLIANCE", "PAYROLL", "ALLOWANCE"}
    )
    # A unit head may run the kinds whose spec lists the role, and no other.
    for kind, spec in KINDS.items():
        period = "2025" if kind == "DISCIPLINE" else "2025-03"
        if "unit_head" in spec.roles:
            services.report_run_request(user=unit_head_a, kind=kind, period=period)
        else:
            with pytest.raises(PermissionDenied):
                services.report_run_request(user=unit_head_a, kind=kind, period=period)
    # Discipline counts the year to date; its bands are shown by label.
    assert services.period_parse(kind="DISCIPLINE", period="2025-03")[0] == datetime.date(2025, 1, 1)
    assert services.period_parse(kind="PAYROLL", period="2025-03")[0] == datetime.date(2025, 3, 1)
    with translation.override("en"):
        assert str(KINDS["DISCIPLINE"].value_label("band", "DISMISSAL")).startswith("Dismissal")
