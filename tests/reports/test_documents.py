"""The report files as HR hands them upward: the PDF read back as text (pdftotext), the XLSX opened with
openpyxl, both CSVs; names that look like formulas stay inert in every file; the current month lists
every employee; an empty result says why; a failed refresh keeps the previous run; a lost file is a 410."""

import csv
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from flexwork.common.calendar import today_in
from flexwork.reports import services
from flexwork.reports.kinds import KINDS
from flexwork.reports.models import ReportRun, RunStatus, reports_storage
from flexwork.reports.tasks import REPORT_MAX_RETRIES, report_run_execute_task
from tests.reports.test_kinds import run_report

pytestmark = pytest.mark.django_db

NON_LATIN1 = "Ma’ruf Şahin"
FORMULA = '=HYPERLINK("http://contoh.test/x","klik")'


def read(name: str) -> bytes:
    with reports_storage().open(name, "rb") as fh:
        return fh.read()


def pdf_text(data: bytes, look: str = "report") -> str:
    """The PDF's text in drawing order with whitespace collapsed (a wrapped cell reads as one phrase)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True)
        shots = os.environ.get("E2E_SCREENSHOTS")
        if shots:  # look at the pages: pdftoppm -r 60 -png
            Path(shots).mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(Path(shots) / f"{look}-pdf")], check=True)
            shutil.copy(path, Path(shots) / f"{look}.pdf")
    return " ".join(out.stdout.split())


@pytest.fixture
def named(march):
    from flexwork.org.models import Agency

    Agency.objects.filter(id=march.agency.id).update(address="Jl. Merdeka No. 1, Makassar 90111")
    march.p.name = NON_LATIN1
    march.p.save(update_fields=["name"])
    march.k.name = FORMULA
    march.k.save(update_fields=["name"])
    return march


def test_the_compliance_pdf_reads_as_a_report_for_the_reader(named, hr_admin_a):
    with translation.override("id"):
        run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    assert run.language == "id"
    text = pdf_text(read(run.pdf_name), "compliance-id")
    assert named.agency.name in text and "Jl. Merdeka No. 1, Makassar 90111" in text  # the kop
    assert "1 Maret 2025 – 31 Maret 2025" in text  # an en dash, not "?"
    assert "Halaman 1 dari" in text
    assert NON_LATIN1 in text  # ’ and Ş spelled right
    assert "UPT Papua" in text  # unit names whole
    spec = KINDS["COMPLIANCE"]
    with translation.override("id"):
        labels = ["Pegawai"] + [str(spec.column_label(c)) for c in run.summary["unit_columns"] if c != "n"]
        signer = named.world.root_a.head
    for label in labels:
        assert label in text, label
    assert "working_days" not in text and "no_check_out" not in text  # no identifier shows
    assert "TK" in text and "PSW1–PSW4" in text and "HKP" in text  # the legend of codes
    assert "Mengetahui," in text and signer.name in text and f"NIP {signer.nip}" in text
    assert run.checksum in text  # small print only


def test_the_pdf_speaks_english_to_an_english_requester(named, hr_admin_a):
    with translation.override("en"):
        run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    text = pdf_text(read(run.pdf_name), "compliance-en")
    assert "1 March 2025 – 31 March 2025" in text and "Page 1 of" in text and "Acknowledged by," in text
    assert "Hours credited" in text


def test_the_xlsx_has_a_summary_sheet_and_a_labelled_detail_sheet(named, hr_admin_a):
    with translation.override("id"):
        run = run_report(hr_admin_a, "COMPLIANCE", today_in(named.agency.time_zone).strftime("%Y-%m"))
    assert run.provisional
    book = load_workbook(io.BytesIO(read(run.xlsx_name)))
    assert book.sheetnames == ["Ringkasan", "Data"]
    summary = [[c for c in row if c is not None] for row in book["Ringkasan"].iter_rows(values_only=True)]
    flat = [str(c) for row in summary for c in row]
    assert named.agency.name in flat and "Kepatuhan bulanan" in " ".join(flat)
    assert any(cell.startswith("Sementara") for cell in flat)  # the provisional flag
    assert any("–" in cell for cell in flat)  # the period
    detail = book["Data"]
    header = [c.value for c in detail[1]]
    assert header[:4] == ["Kode unit", "Unit kerja", "NIP", "Nama"]
    assert "Hari belum ditutup" in header
    assert (
        detail.freeze_panes == "A2"
        and detail.auto_filter.ref == f"A1:{detail.cell(1, len(header)).column_letter}{detail.max_row}"
    )
    assert detail.column_dimensions["D"].width >= 30 and detail.column_dimensions["B"].width >= 30
    row = next(detail.iter_rows(min_row=2, values_only=True))
    assert isinstance(row[2], str) and len(row[2]) == 18  # NIP as text
    assert isinstance(row[4], int)  # counts as numbers


def test_a_name_that_looks_like_a_formula_is_inert_in_every_file(named, hr_admin_a):
    with translation.override("id"):
        run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    rows = list(csv.DictReader(io.StringIO(read(run.csv_name).decode("utf-8"))))
    assert "'" + FORMULA in [r["name"] for r in rows]  # the data CSV keeps identifiers, not formulas
    assert not any(value.startswith(("=", "+", "@")) for r in rows for value in r.values())

    excel = read(run.excel_name)
    assert excel.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    table = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:4] == ["Kode unit", "Unit kerja", "NIP", "Nama"]
    names = [line[3] for line in table[1:]]
    assert "'" + FORMULA in names and NON_LATIN1 in names
    with translation.override("id"):
        hours = table[0].index(str(KINDS["COMPLIANCE"].column_label("credited_hours")))
    assert any("," in line[hours] and "." not in line[hours] for line in table[1:])  # decimal comma

    sheet = load_workbook(io.BytesIO(read(run.xlsx_name)))["Data"]
    cells = [c for c in sheet["D"][1:] if c.value and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


def test_the_activation_code_csv_writes_no_formula(client, org_world):
    from tests.org.factories import EmployeeFactory

    newcomer = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, name="@SUM(1+1)")
    newcomer.user.set_unusable_password()
    newcomer.user.save()
    client.force_login(org_world.hr_admin_a)
    export = client.post("/hr/activation-codes/", {"unit": org_world.sec_a.id, "format": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert ["'@SUM(1+1)"] == [row[3] for row in rows[1:] if "SUM" in row[3]]


def test_the_current_month_lists_every_employee_with_its_open_days(march, hr_admin_a):
    from flexwork.org.models import Employee

    month = today_in(march.agency.time_zone).strftime("%Y-%m")
    run = run_report(hr_admin_a, "PAYROLL", month)
    rows = list(csv.DictReader(io.StringIO(read(run.csv_name).decode("utf-8"))))
    everyone = set(Employee.objects.filter(agency=march.agency, is_active=True).values_list("nip", flat=True))
    assert {r["nip"] for r in rows} == everyone and len(rows) == len(everyone)
    assert all(r["tk"] == "0" for r in rows)  # days not yet closed are never TK
    assert all(int(r["open_days"]) > 0 for r in rows)
    assert run.provisional and run.row_count == len(everyone)


def test_an_empty_result_says_why_and_offers_no_downloads(org_world, hr_admin_a, client, client_for):
    # Agency A has no flexible work start date yet: FWA monitoring has nothing to compare.
    run = run_report(hr_admin_a, "FWA_MONITORING", "2025-03")
    assert run.row_count == 0
    client.force_login(hr_admin_a)
    page = client.get(f"/reports/{run.id}/").content.decode()
    assert "report-empty" in page and "/download/" not in page
    assert "tanggal mulai kerja fleksibel" in page  # why, in the reader's language
    assert "Checksum" not in page and "SHA-256" not in page
    body = client_for(hr_admin_a).get(f"/api/v1/reports/{run.id}/").json()
    assert set(body["downloads"].values()) == {None}


def test_a_failed_refresh_keeps_the_previous_run_and_says_nothing_of_the_server(march, hr_admin_a, client, monkeypatch):
    first = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    second, created = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03", refresh=True)
    assert created
    first.refresh_from_db()
    assert first.status == RunStatus.DONE  # still current while its successor is computed

    storage = reports_storage()
    calls = []

    def unwritable(name, content, max_length=None):
        calls.append(name)
        raise PermissionError(13, "Permission denied", "/srv/flexwork/var/reports/secret")

    monkeypatch.setattr(storage, "save", unwritable)
    monkeypatch.setattr("flexwork.reports.services.reports_storage", lambda: storage)
    # Eagerly, each retry runs at once (the backoff's countdown is a worker's); nothing propagates.
    monkeypatch.setattr(report_run_execute_task.app.conf, "task_eager_propagates", False)
    report_run_execute_task.apply(args=[second.id])
    monkeypatch.undo()
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == RunStatus.FAILED and second.attempts == REPORT_MAX_RETRIES + 1  # retried, then failed
    assert len(calls) == REPORT_MAX_RETRIES + 1
    assert "/srv" not in second.error and "Permission" not in second.error
    assert first.status == RunStatus.DONE and read(first.xlsx_name)

    client.force_login(hr_admin_a)
    page = client.get(f"/reports/{second.id}/").content.decode()
    assert "/srv/" not in page and f"/reports/{first.id}/" in page  # a way back to the current report
    assert client.get(f"/reports/{first.id}/download/xlsx/").status_code == 200

    third, created = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03", refresh=True)
    assert created and services.report_run_execute(run_id=third.id)
    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED  # only now, with its successor done
    assert ReportRun.objects.filter(status=RunStatus.DONE, kind="COMPLIANCE").get().id == third.id


def test_a_finished_run_whose_file_is_gone_answers_410(march, hr_admin_a, client, client_for):
    run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    reports_storage().delete(run.pdf_name)
    answer = client_for(hr_admin_a).get(f"/reports/{run.id}/download/pdf/")
    assert answer.status_code == 410 and answer.json()["code"] == "file_gone"
    client.force_login(hr_admin_a)
    page = client.get(f"/reports/{run.id}/download/pdf/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 410
    assert f"/reports/{run.id}/" in page.content.decode()


def test_the_letterhead_address_is_set_through_the_agency_service(march, hr_admin_a):
    from flexwork.org import services as org_services

    org_services.agency_update(agency=march.agency, data={"address": "Jl. Urip Sumoharjo No. 269\nMakassar"})
    march.agency.refresh_from_db()
    assert march.agency.address == "Jl. Urip Sumoharjo No. 269\nMakassar"
    run = run_report(hr_admin_a, "COMPLIANCE", "2025-03")
    assert "Jl. Urip Sumoharjo No. 269 Makassar" in pdf_text(read(run.pdf_name))
