"""XLSX uploads read with python-calamine, the caps of an import (size, rows, columns, cell length)
and the zip bomb guard that refuses before any parsing (docs/rules.md §7)."""

import datetime
import io
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation

from flexwork.common import tabular
from flexwork.common.exceptions import ApplicationError
from flexwork.onboarding import importing, sample, services
from flexwork.onboarding.importing import EMPLOYEE_HEADERS
from flexwork.onboarding.models import ImportBatch, ImportFile, ImportStatus
from tests.onboarding.conftest import employee_row, employees_csv, employees_xlsx, nip


def plain(text: str) -> str:
    return text.replace("\xa0", " ")  # sizes are written with a no-break space


def preview(org_world, data, *, name="pegawai.xlsx"):
    return services.import_preview(
        agency=org_world.agency_a, kind="EMPLOYEES", data=data, name=name, uploaded_by=org_world.hr_admin_a
    )


def bomb(*, unpacked: int = 200 * 1024 * 1024) -> bytes:
    """A real XLSX whose shared strings hold one string of `unpacked` bytes: it compresses to a few
    hundred KB (the issue's 209 KB file held 200 MB)."""
    base = employees_xlsx([employee_row(1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            )
            strings.write(b' count="1" uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_file() -> bytes:
    return bomb()


def test_xlsx_cells_come_back_as_text_from_a1_by_header(org_world, good_rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(EMPLOYEE_HEADERS))
    for row in good_rows:
        sheet.append(row)
    sheet.append([None] * len(EMPLOYEE_HEADERS))  # an empty row is skipped, its number kept
    last = employee_row(4)
    last[7] = datetime.date(2022, 5, 17)  # a date cell
    last[8] = 1  # a number cell for status_aktif
    sheet.append(last)
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = preview(org_world, buffer.getvalue())
    assert (batch.row_count, batch.new_count, batch.error_count) == (4, 4, 0), batch.errors
    rows = {record["row"]: record for record in batch.rows}
    assert set(rows) == {2, 3, 4, 6}
    assert rows[6]["tmt_jabatan"] == "2022-05-17"
    assert rows[6]["status_aktif"] == "1"
    assert rows[2]["nip"] == nip(1)


def test_a_table_that_starts_after_column_a_still_finds_its_headers():
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["C1"], sheet["D1"] = "nip", "nama"
    sheet["C2"], sheet["D2"] = nip(1), "Siti"
    buffer = io.BytesIO()
    workbook.save(buffer)
    columns = (tabular.Column("nip", "NIP"), tabular.Column("nama", "Name"))
    table = tabular.table_read(data=buffer.getvalue(), name="x.xlsx", columns=columns, max_bytes=10**6)
    assert table.records == [{"row": 2, "nip": nip(1), "nama": "Siti"}]


def test_the_zip_bomb_is_refused_from_the_zip_directory_before_parsing(org_world, bomb_file, monkeypatch):
    assert len(bomb_file) < 1024 * 1024  # small on the wire
    parsed = []
    monkeypatch.setattr(tabular, "_calamine_rows", lambda data: parsed.append(data) or iter(()))
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, bomb_file)
    assert (caught.value.code, caught.value.status_code) == ("too_large_unpacked", 400)
    assert parsed == []  # the parser never ran
    with translation.override("en"):
        shown = plain(tabular.file_error_text(caught.value.template, caught.value.params))
    assert shown.startswith("The XLSX file unpacks to 200.0 MB, more than the 160.0 MB allowed.")


def test_the_upload_refuses_the_zip_bomb_at_once_and_stores_nothing(org_world, bomb_file, monkeypatch):
    monkeypatch.setattr(tabular, "_calamine_rows", lambda data: pytest.fail("parsed"))
    before = ImportBatch.objects.filter(agency=org_world.agency_a).count()
    with pytest.raises(ApplicationError) as caught:
        services.import_upload(
            agency=org_world.agency_a, kind="EMPLOYEES", data=bomb_file, name="b.xlsx", uploaded_by=None
        )
    assert caught.value.code == "too_large_unpacked"
    assert caught.value.fields == {"file": [caught.value.message]}
    assert ImportBatch.objects.filter(agency=org_world.agency_a).count() == before


def test_a_highly_compressed_member_is_refused_even_under_the_total_cap(org_world, monkeypatch):
    monkeypatch.setattr(tabular, "_calamine_rows", lambda data: pytest.fail("parsed"))
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, bomb(unpacked=20 * 1024 * 1024))
    assert caught.value.code == "too_large_unpacked"
    with translation.override("en"):
        assert "unpacks to 20.0 MB from" in plain(tabular.file_error_text(caught.value.template, caught.value.params))


def test_a_sixty_thousand_row_xlsx_is_read_by_calamine(org_world):
    units = sample.sample_units(prefix="X")
    rows = sample.sample_employees(count=60_000, unit_rows=units, position_codes=["P1"], seed=3)
    data = sample.to_xlsx(rows, headers=EMPLOYEE_HEADERS)
    table = importing.import_file_read(data=data, name="besar.xlsx", kind="EMPLOYEES")
    assert len(table.records) == 60_000
    assert table.records[-1]["nip"] == rows[-1][0]
    assert table.records[-1]["row"] == 60_001


@override_settings(ONBOARDING_IMPORT_MAX_ROWS=5)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_more_rows_than_the_cap_are_refused_with_the_cap_named(org_world, fmt):
    rows = [employee_row(n) for n in range(1, 7)]
    data = employees_csv(rows) if fmt == "csv" else employees_xlsx(rows)
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data, name=f"p.{fmt}")
    assert (caught.value.code, caught.value.status_code) == ("too_many_rows", 400)
    with translation.override("en"):
        text = tabular.file_error_text(caught.value.template, caught.value.params)
    assert text == "The file has more than 5 data rows. Split it into files of at most 5 rows."
    # Exactly at the cap is fine.
    assert preview(org_world, employees_csv(rows[:5]), name="p.csv").row_count == 5


def test_the_row_cap_is_written_with_the_languages_grouping():
    with translation.override("id"):
        assert "100.000" in tabular.file_error_text(tabular.FILE_TOO_MANY_ROWS, {"count": 100_000})
    with translation.override("en"):
        assert "100,000" in tabular.file_error_text(tabular.FILE_TOO_MANY_ROWS, {"count": 100_000})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_longer_than_the_cap_is_refused_with_its_row(org_world, fmt):
    rows = [employee_row(1), employee_row(2, name="x" * (importing.MAX_CELL_CHARS + 1))]
    data = employees_csv(rows) if fmt == "csv" else employees_xlsx(rows)
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data, name=f"p.{fmt}")
    assert caught.value.code == "cell_too_long"
    assert caught.value.params == {"row": 3, "count": importing.MAX_CELL_CHARS}


def test_a_csv_field_beyond_the_csv_modules_limit_is_the_same_refusal(org_world):
    data = employees_csv([employee_row(1, name="x" * 200_000)])
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data, name="p.csv")
    assert caught.value.code == "cell_too_long"


def test_values_beyond_the_column_cap_are_refused(org_world):
    row = [*employee_row(1), *([""] * 60), "stray"]
    data = sample.to_csv([row], headers=EMPLOYEE_HEADERS)
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data, name="p.csv")
    assert caught.value.code == "too_many_columns"
    assert caught.value.params == {"row": 2, "count": importing.MAX_COLUMNS}


def test_the_size_cap_answers_413_before_anything_is_stored(org_world):
    with override_settings(ONBOARDING_IMPORT_MAX_BYTES=100), pytest.raises(ApplicationError) as caught:
        services.import_upload(
            agency=org_world.agency_a,
            kind="EMPLOYEES",
            data=employees_csv([employee_row(1)]),
            name="p.csv",
            uploaded_by=org_world.hr_admin_a,
        )
    assert (caught.value.code, caught.value.status_code) == ("too_large", 413)
    assert not ImportFile.objects.filter(batch__agency=org_world.agency_a).exists()


def test_the_import_page_names_the_caps_and_shows_a_refusal_as_a_form_error(client, org_world, bomb_file):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    page = plain(client.get("/hr/imports/").content.decode())
    assert "At most 10.0 MB, 100,000 data rows under the header, 50 columns and 500 characters in a cell." in page
    response = client.post("/hr/imports/", {"kind": "EMPLOYEES", "file": SimpleUploadedFile("b.xlsx", bomb_file)})
    assert response.status_code == 400
    assert "The XLSX file unpacks to 200.0 MB, more than the 160.0 MB allowed." in plain(response.content.decode())
    client.cookies["django_language"] = "id"
    response = client.post("/hr/imports/", {"kind": "EMPLOYEES", "file": SimpleUploadedFile("b.xlsx", bomb_file)})
    assert response.status_code == 400
    assert "200,0 MB" in plain(response.content.decode())


def test_a_failed_check_shows_its_reason_in_the_readers_language(client, org_world):
    batch = services.import_upload(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=employees_csv([employee_row(1), employee_row(2), employee_row(3)]),
        name="p.csv",
        uploaded_by=org_world.hr_admin_a,
    )
    with override_settings(ONBOARDING_IMPORT_MAX_ROWS=2):
        assert services.import_preview_execute(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert not ImportFile.objects.filter(batch=batch).exists()
    client.force_login(org_world.hr_admin_a)
    for language in ("en", "id"):
        client.cookies["django_language"] = language
        page = client.get(f"/hr/imports/{batch.id}/").content.decode()
        with translation.override(language):
            assert services.import_failure_text(batch) in page
        assert 'id="import-failure"' in page


def test_the_api_answers_the_zip_bomb_with_400_in_the_error_shape(client_for, org_world, bomb_file, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.helpers import assert_error

    monkeypatch.setattr(tabular, "_calamine_rows", lambda data: pytest.fail("parsed"))
    client = client_for(org_world.hr_admin_a)
    response = client.post(
        "/api/v1/imports/",
        {"file": SimpleUploadedFile("b.xlsx", bomb_file), "kind": "employees"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = assert_error(response, 400, "too_large_unpacked", fields=["file"])
    assert plain(body["message"]).startswith("The XLSX file unpacks to 200.0 MB")
