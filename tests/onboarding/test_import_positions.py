"""The positions import (docs/rules.md §7 (import), §8): kode_jabatan, nama, jenis_jabatan, sif and kriteria_sif;
preview, confirm, idempotent; eligibility for flexible work is left as the positions page set it."""

import pytest
from django.utils import translation

from flexwork.onboarding import sample, services
from flexwork.onboarding.importing import POSITION_HEADERS, row_error_message
from flexwork.org.models import Position

pytestmark = pytest.mark.django_db


def preview(org_world, rows, *, name="jabatan.csv", headers=POSITION_HEADERS, fmt="csv"):
    data = sample.to_xlsx(rows, headers=headers) if fmt == "xlsx" else sample.to_csv(rows, headers=headers)
    return services.import_preview(
        agency=org_world.agency_a, kind="POSITIONS", data=data, name=name, uploaded_by=org_world.hr_admin_a
    )


def errors(batch):
    return {(e["row"], e["column"]): e["code"] for e in batch.errors}


def test_the_template_has_the_columns():
    assert POSITION_HEADERS == ("kode_jabatan", "nama", "jenis_jabatan", "sif", "kriteria_sif")
    assert sample.template_file(kind="POSITIONS", fmt="csv").startswith(b"\xef\xbb\xbfkode_jabatan,nama")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_imports_positions_with_their_shifts(org_world, fmt):
    rows = [
        ["P-OPR", "Operator 112", "pelaksana", "1", "harian"],
        ["P-JAGA", "Petugas Jaga", "FUNGSIONAL", "1", "mingguan"],
        ["P-ADM", "Pengadministrasi", "PELAKSANA", "0", ""],
    ]
    batch = preview(org_world, rows, fmt=fmt, name=f"jabatan.{fmt}")
    assert (batch.error_count, batch.new_count) == (0, 3), batch.errors
    assert not Position.objects.filter(agency=org_world.agency_a, code="P-OPR").exists()
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    found = {
        p.code: (p.name, p.type, p.shift_eligible, p.shift_criterion)
        for p in Position.objects.filter(agency=org_world.agency_a, code__startswith="P-")
    }
    assert found == {
        "P-OPR": ("Operator 112", "PELAKSANA", True, "DAILY_OVER_8H30"),
        "P-JAGA": ("Petugas Jaga", "FUNGSIONAL", True, "WEEK_OVER_5D"),
        "P-ADM": ("Pengadministrasi", "PELAKSANA", False, ""),
    }
    # The same file again changes nothing.
    again = preview(org_world, rows, fmt=fmt, name=f"jabatan.{fmt}")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 3)


def test_a_changed_row_updates_only_its_columns_and_keeps_the_eligibility(org_world):
    analyst = Position.objects.get(agency=org_world.agency_a, code="A-ANALIS")
    eligible = analyst.is_fwa_eligible
    batch = preview(org_world, [["A-ANALIS", "Analis Kebijakan", analyst.type, "1", "harian"]])
    assert (batch.changed_count, batch.error_count) == (1, 0)
    assert set(batch.changed_rows[0]["fields"]) >= {"shift_eligible", "shift_criterion"}
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    analyst.refresh_from_db()
    assert (analyst.name, analyst.shift_eligible, analyst.shift_criterion) == (
        "Analis Kebijakan",
        True,
        "DAILY_OVER_8H30",
    )
    assert analyst.is_fwa_eligible == eligible
    # The positions of another agency are never touched (codes are per agency).
    assert not Position.objects.filter(agency=org_world.agency_b, code="A-ANALIS", shift_eligible=True).exists()


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        (["P-1", "Operator", "PELAKSANA", "1", ""], "kriteria_sif", "shift_criterion_missing"),
        (["P-1", "Operator", "PELAKSANA", "0", "harian"], "kriteria_sif", "shift_criterion_without_shifts"),
        (["P-1", "Operator", "PELAKSANA", "", "mingguan"], "kriteria_sif", "shift_criterion_without_shifts"),
        (["P-1", "Operator", "PELAKSANA", "1", "kadang"], "kriteria_sif", "bad_shift_criterion"),
        (["P-1", "Operator", "PELAKSANA", "mungkin", ""], "sif", "bad_bool"),
        (["P-1", "Operator", "STAF", "0", ""], "jenis_jabatan", "bad_position_type"),
        (["P-1", "", "PELAKSANA", "0", ""], "nama", "required"),
        (["", "Operator", "PELAKSANA", "0", ""], "kode_jabatan", "required"),
        (["P-0", "Operator", "PELAKSANA", "0", ""], "kode_jabatan", "position_duplicate"),
    ],
)
def test_bad_rows_are_row_errors_in_both_languages(org_world, row, column, code):
    batch = preview(org_world, [["P-0", "Satu", "PELAKSANA", "0", ""], row])
    assert errors(batch) == {(3, column): code}
    assert batch.new_count == 1 and batch.error_count == 1
    for language in ("en", "id"):
        with translation.override(language):
            message = row_error_message(batch.errors[0])
        assert message and "%(" not in message


def test_the_messages_name_the_words_to_use(org_world):
    batch = preview(org_world, [["P-1", "Operator", "PELAKSANA", "1", ""]])
    with translation.override("en"):
        assert "harian" in row_error_message(batch.errors[0]) and "mingguan" in row_error_message(batch.errors[0])


def test_a_file_with_errors_cannot_be_confirmed(org_world):
    from flexwork.common.exceptions import ApplicationError

    batch = preview(org_world, [["P-1", "Operator", "PELAKSANA", "1", ""]])
    with pytest.raises(ApplicationError):
        services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    assert not Position.objects.filter(agency=org_world.agency_a, code="P-1").exists()


def test_a_missing_header_refuses_the_file(org_world):
    from flexwork.common.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        preview(org_world, [["P-1", "Operator", "PELAKSANA", "0"]], headers=POSITION_HEADERS[:4])
    assert "kriteria_sif" in refused.value.message


def test_the_page_offers_the_positions_file_and_its_columns(client, org_world):
    client.force_login(org_world.hr_admin_a)
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        page = client.get("/hr/imports/").content.decode()
        assert "/hr/imports/template/positions.csv" in page and 'id="position-columns"' in page
        assert "kriteria_sif" in page
    template = client.get("/hr/imports/template/positions.xlsx")
    assert template.status_code == 200


def test_the_page_and_the_api_upload_a_positions_file(client, api_client, org_world):
    data = sample.to_csv([["P-API", "Operator", "PELAKSANA", "1", "harian"]], headers=POSITION_HEADERS)
    api_client.force_authenticate(org_world.hr_admin_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client.post(
        "/api/v1/imports/",
        {"kind": "positions", "file": SimpleUploadedFile("jabatan.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    client.force_login(org_world.hr_admin_a)
    page = client.post(
        "/hr/imports/", {"kind": "POSITIONS", "file": SimpleUploadedFile("jabatan.csv", data, content_type="text/csv")}
    )
    assert page.status_code == 302
    detail = client.get(page["Location"])
    assert detail.status_code == 200 and "jabatan.csv" in detail.content.decode()
    batch = services.import_preview(
        agency=org_world.agency_a, kind="POSITIONS", data=data, name="jabatan.csv", uploaded_by=org_world.hr_admin_a
    )
    for language, kind in (("id", "Jabatan"), ("en", "Positions")):
        client.cookies["django_language"] = language
        shown = client.get(f"/hr/imports/{batch.id}/")
        assert shown.status_code == 200
        assert kind in shown.content.decode()
