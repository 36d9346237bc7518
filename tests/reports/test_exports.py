"""The report files from one pass over the CSV: the XLSX opens in a spreadsheet reader with the same
cells as the CSV (numbers as numbers, NIPs as text, header frozen), odd text survives, and the summary
counts people once per unit and follows SQL's NULL rules."""

import csv
import io

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from flexwork.reports import services
from flexwork.reports.exports import Summary, XlsxWriter, column_letter
from flexwork.reports.kinds import KINDS
from flexwork.reports.models import RunStatus, reports_storage
from tests.reports.test_kinds import run_report

pytestmark = pytest.mark.django_db


def workbook_of(data: bytes):
    return load_workbook(io.BytesIO(data), read_only=False)


def test_the_xlsx_holds_the_csv_cells_typed(march, hr_admin_a):
    run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    storage = reports_storage()
    with storage.open(run.csv_name, "rb") as fh:
        rows = list(csv.reader(io.StringIO(fh.read().decode("utf-8"))))
    with storage.open(run.xlsx_name, "rb") as fh:
        book = workbook_of(fh.read())
    sheet = book["Data"]
    assert book.sheetnames == ["Ringkasan", "Data"]  # the requester's language (Indonesian)
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert book.properties.creator == "FlexWork"
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    spec = KINDS["COMPLIANCE"]
    with translation.override("id"):
        assert cells[0] == [str(spec.column_label(column)) for column in rows[0]]  # labels, not identifiers
    assert len(cells) == len(rows) == run.row_count + 1
    header = rows[0]
    for got, want in zip(cells[1:], rows[1:], strict=True):
        for column, cell, value in zip(header, got, want, strict=True):
            if value == "":
                assert cell is None
            elif column in ("nip", "unit_code", "weeks_below_requirement"):
                assert cell == value  # text stays text: an 18-digit NIP keeps every digit
            elif "." in value:
                assert cell == pytest.approx(float(value))
            else:
                assert cell == (int(value) if value.lstrip("-").isdigit() else value)
    nips = {row[header.index("nip")] for row in rows[1:]}
    assert march.p.nip in nips and all(isinstance(n, str) and len(n) == 18 for n in nips)


def test_the_xlsx_writer_keeps_odd_text_and_many_columns():
    header = [f"c{i}" for i in range(30)]
    odd = ['<b>&"Rapat"</b>', "=SUM(A1:A9)", "tab\there", "bell\x07gone", "  spaced  ", "Ħ ĳ 日本"]
    row = odd + ["0012", "12", "-3.50", ""] + ["x"] * 20
    target = io.BytesIO()
    writer = XlsxWriter(target, header=header, text_columns=frozenset({"c6"}), title="Uji <judul>")
    writer.row(row)
    writer.close()
    sheet = workbook_of(target.getvalue())["Data"]
    got = next(sheet.iter_rows(min_row=2, values_only=True))
    assert list(got[:6]) == ['<b>&"Rapat"</b>', "=SUM(A1:A9)", "tab\there", "bellgone", "  spaced  ", "Ħ ĳ 日本"]
    assert sheet["A2"].data_type == "s"  # a leading "=" is text, never a formula
    assert got[6:10] == ("0012", 12, -3.5, None)  # a text column keeps its leading zeros
    assert sheet["AD2"].value == "x" and sheet["AD1"].value == "c29"
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_the_summary_counts_people_once_and_skips_nulls():
    spec = KINDS["PERFORMANCE"]
    header = ["unit_code", "unit_name", "nip", "name", "achievement_pct", "realisation"]

    class Spec:  # the performance kind's rules on a narrower row
        sum_columns = ("realisation",)
        employee_rows = True
        text_columns = spec.text_columns
        exception_test = staticmethod(spec.exception_test)

    summary = Summary(Spec, header)
    for row in (
        ["U1", "Unit 1", "1", "A", "100.00", "2.50"],
        ["U1", "Unit 1", "1", "A", "", ""],  # no realisation yet: an exception, not a zero
        ["U1", "Unit 1", "2", "B", "79.99", "1.25"],
        ["U2", "Unit 2", "3", "C", "80.00", ""],
    ):
        summary.add(row)
    result = summary.result()
    assert result["unit_columns"] == ["unit_code", "unit_name", "n", "realisation"]
    assert result["units"] == [["U1", "Unit 1", 2, "3.75"], ["U2", "Unit 2", 1, None]]
    assert result["exception_total"] == 2
    assert [row[2] for row in result["exceptions"]] == ["1", "2"]
    assert result["exceptions"][0][4:] == [None, None]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_with_a_replica_the_report_reads_its_rows_there_and_records_the_run_on_the_primary(settings, march, hr_admin_a):
    settings.DATABASE_ROUTERS = ["flexwork.common.db_routers.ReplicaRouter"]
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        # Committed, the request goes through the outbox to the (eager) worker task.
        run, _ = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.row_count == 7  # the rows committed on the primary, read there
    copies = [q["sql"] for q in on_replica.captured_queries if q["sql"].lstrip().startswith("COPY")]
    assert len(copies) == 1 and "attendance_daystatus" in copies[0]
    assert not any(q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT")) for q in on_replica.captured_queries)
    assert not any("COPY" in q["sql"][:20] for q in on_primary.captured_queries)
