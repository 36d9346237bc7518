"""Import of employees and units: preview with per-row errors, atomic idempotent upsert."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.test import override_settings
from django.utils import translation

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.onboarding import sample, services
from flexwork.onboarding.importing import EMPLOYEE_HEADERS, row_error, row_error_message
from flexwork.onboarding.models import ImportStatus
from flexwork.org import services as org_services
from flexwork.org.models import Employee, EmployeeChange, Position, PositionType, Unit
from tests.onboarding.conftest import employee_row, employees_csv, employees_xlsx, nip, units_csv

EmployeeEvent = apps.get_model("org", "EmployeeEvent")


def preview(org_world, data, *, name="pegawai.csv", kind="EMPLOYEES"):
    return services.import_preview(
        agency=org_world.agency_a, kind=kind, data=data, name=name, uploaded_by=org_world.hr_admin_a
    )


def errors_by_row(batch):
    return {(e["row"], e["column"]): (e["code"], row_error_message(e)) for e in batch.errors}


def test_it_imports_a_good_csv_file(org_world, good_rows):
    batch = preview(org_world, employees_csv(good_rows, bom=True, delimiter=";"))
    assert (batch.row_count, batch.new_count, batch.error_count) == (3, 3, 0)
    assert not Employee.objects.filter(nip=nip(1)).exists()  # the preview writes nothing

    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)

    head = Employee.objects.select_related("user", "unit", "supervisor").get(nip=nip(1))
    assert head.unit.code == "A-SEC"
    assert head.supervisor.user == org_world.supervisor_a
    assert Employee.objects.get(nip=nip(2)).supervisor_id == head.id
    assert head.user.username == nip(1)
    assert not head.user.has_usable_password()
    address = EmailAddress.objects.get(user=head.user)
    assert (address.email, address.verified, address.primary) == ("impor1@example.go.id", True, True)
    assert not EmailAddress.objects.filter(user__username=nip(3)).exists()
    # The insert is in the audit trail, like any other insert.
    assert EmployeeEvent.objects.filter(pgh_obj_id=head.id, pgh_label="insert").count() == 1


def test_it_imports_a_good_xlsx_file(org_world, good_rows):
    batch = preview(org_world, employees_xlsx(good_rows), name="pegawai.xlsx")
    assert batch.error_count == 0, batch.errors
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    assert Employee.objects.filter(nip__in=[nip(1), nip(2), nip(3)]).count() == 3


def test_it_refuses_a_numeric_nip_cell_in_xlsx(org_world):
    row = employee_row(1)
    row[0] = int(row[0])
    batch = preview(org_world, employees_xlsx([employee_row(2), row]), name="pegawai.xlsx")
    code, message = errors_by_row(batch)[(3, "nip")]
    assert code == "nip_not_text"
    assert message == "NIP harus berformat teks" or "text" in message
    assert batch.error_count == 1


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "nip_format"),
        ("197013321990011001", "nip_birth_date"),
        ("197001011950011001", "nip_start_year"),
        ("197001011990131001", "nip_start_month"),
        ("197001011990013001", "nip_sex_digit"),
        ("197001011990011000", "nip_sequence"),
    ],
)
def test_it_lists_each_kind_of_bad_nip_with_its_row(org_world, value, code):
    bad = employee_row(2)
    bad[0] = value
    batch = preview(org_world, employees_csv([employee_row(1), bad]))
    assert errors_by_row(batch)[(3, "nip")][0] == code
    assert batch.error_count == 1


def test_it_lists_every_other_bad_row_with_number_and_reason(org_world):
    other_agency_nip = org_world.employee_b.employee.nip
    rows = [
        employee_row(1),  # row 2: fine
        employee_row(2, unit="NOPE"),  # row 3
        employee_row(3, position="NOPE"),  # row 4
        employee_row(1, name="Duplikat"),  # row 5: duplicate NIP of row 2
        employee_row(5, supervisor=nip(99)),  # row 6: unknown supervisor
        employee_row(6, supervisor=other_agency_nip),  # row 7
        employee_row(7, email="bukan-email"),  # row 8
        [other_agency_nip, "Pindahan", "", "PNS", "A-SEC", "", "", "", "1"],  # row 9
        employee_row(9, email="impor1@example.go.id"),  # row 10: e-mail of row 2
    ]
    batch = preview(org_world, employees_csv(rows))
    errors = errors_by_row(batch)
    assert errors[(3, "kode_unit")][0] == "unknown_unit"
    assert "NOPE" in errors[(3, "kode_unit")][1]
    assert errors[(4, "kode_jabatan")][0] == "unknown_position"
    assert errors[(5, "nip")][0] == "nip_duplicate"
    assert "2" in errors[(5, "nip")][1]
    assert errors[(6, "nip_atasan")][0] == "unknown_supervisor"
    assert errors[(7, "nip_atasan")][0] == "supervisor_other_agency"
    assert errors[(8, "email")][0] == "bad_email"
    assert errors[(9, "nip")][0] == "nip_other_agency"
    assert errors[(10, "email")][0] == "email_duplicate"
    assert batch.error_count == 8
    with pytest.raises(ApplicationError) as caught:
        services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    assert caught.value.code == "import_has_errors"
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_it_finds_supervisor_cycles_in_the_file_and_with_the_database(org_world):
    supervisor = org_world.supervisor_a.employee
    employee = org_world.employee_a.employee  # reports to supervisor
    rows = [
        employee_row(1, supervisor=nip(2)),  # row 2
        employee_row(2, supervisor=nip(1)),  # row 3: 1 ↔ 2
        # row 4: the supervisor would report to their own report (a cycle through the database)
        [supervisor.nip, supervisor.name, "", "PNS", "A-SEC", "A-ANALIS", employee.nip, "", "1"],
    ]
    batch = preview(org_world, employees_csv(rows))
    errors = errors_by_row(batch)
    assert errors[(2, "nip_atasan")][0] == "supervisor_cycle"
    assert errors[(3, "nip_atasan")][0] == "supervisor_cycle"
    assert errors[(4, "nip_atasan")][0] == "supervisor_cycle"
    assert employee.nip in errors[(4, "nip_atasan")][1]


def test_it_refuses_a_wrongly_encoded_file(org_world):
    data = b"nip,nama,email,jenis,kode_unit,kode_jabatan,nip_atasan,tmt_jabatan,status_aktif\r\n"
    data += f"{nip(1)},Siti Aisyah Nu\u00f1ez,,PNS,A-SEC,,,,1\r\n".encode("latin-1")
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data)
    assert caught.value.code == "wrong_encoding"
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize(
    ("data", "name", "code", "status"),
    [
        (b"", "kosong.csv", "empty_file", 400),
        (b"\xef\xbb\xbf\r\n", "kosong.csv", "empty_file", 400),
        (",".join(EMPLOYEE_HEADERS).encode() + b"\r\n", "header.csv", "empty_file", 400),
        (b"%PDF-1.7 not a table", "pegawai.pdf", "unsupported_media_type", 415),
        (b"PK\x03\x04 a zip that is no workbook", "pegawai.xlsx", "unsupported_media_type", 415),
        (b"nip,nama\r\n1,2\r\n", "pegawai.csv", "missing_headers", 400),
    ],
)
def test_it_refuses_bad_files_whole(org_world, data, name, code, status):
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, data, name=name)
    assert (caught.value.code, caught.value.status_code) == (code, status)


@override_settings(ONBOARDING_IMPORT_MAX_BYTES=1000)
def test_it_refuses_an_oversized_file(org_world):
    rows = [employee_row(n) for n in range(1, 40)]
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, employees_csv(rows))
    assert (caught.value.code, caught.value.status_code) == ("too_large", 413)


def test_reimporting_the_same_file_writes_nothing_and_records_no_history(org_world, good_rows):
    data = employees_csv(good_rows)
    services.import_confirm(batch=preview(org_world, data), actor=org_world.hr_admin_a)
    events, changes = EmployeeEvent.objects.count(), EmployeeChange.objects.count()
    stamps = dict(Employee.objects.values_list("nip", "updated_at"))

    again = preview(org_world, data)
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 3)
    services.import_confirm(batch=again, actor=org_world.hr_admin_a)

    assert EmployeeEvent.objects.count() == events
    assert EmployeeChange.objects.count() == changes
    assert dict(Employee.objects.values_list("nip", "updated_at")) == stamps


def test_a_changed_row_is_written_with_its_history(org_world, good_rows, django_capture_on_commit_callbacks):
    services.import_confirm(batch=preview(org_world, employees_csv(good_rows)), actor=org_world.hr_admin_a)
    good_rows[1][4] = "A-DIV"  # employee 2 moves unit
    good_rows[2][8] = "0"  # employee 3 is deactivated
    batch = preview(org_world, employees_csv(good_rows))
    assert (batch.new_count, batch.changed_count, batch.unchanged_count) == (0, 2, 1)
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)

    moved = Employee.objects.get(nip=nip(2))
    assert moved.unit == org_world.div_a
    assert list(EmployeeChange.objects.filter(employee=moved).values_list("kind", flat=True)) == ["UNIT"]
    gone = Employee.objects.select_related("user").get(nip=nip(3))
    assert not gone.is_active and not gone.user.is_active
    assert list(EmployeeChange.objects.filter(employee=gone).values_list("kind", flat=True)) == ["DEACTIVATED"]
    assert moved.user.notifications.filter(kind="employee_changed").exists()


def test_a_confirmed_import_cannot_be_confirmed_twice(org_world, good_rows):
    batch = services.import_confirm(batch=preview(org_world, employees_csv(good_rows)), actor=org_world.hr_admin_a)
    assert batch.status == ImportStatus.CONFIRMED
    with pytest.raises(ConflictError):
        services.import_confirm(batch=batch, actor=org_world.hr_admin_a)


def test_it_imports_units_and_keeps_the_tree_paths(org_world):
    rows = [
        ["A-NEW", "Bidang Baru", "A-ROOT", "1", "Asia/Jayapura", "-2,5337", "140.7181", "200"],
        ["A-NEW-1", "Seksi Baru", "A-NEW", "0", "", "", "", ""],
        ["A-SEC", "Seksi A", "A-NEW", "0", "", "", "", ""],  # moved under the new unit
    ]
    batch = preview(org_world, units_csv(rows), kind="UNITS")
    assert (batch.new_count, batch.changed_count, batch.error_count) == (2, 1, 0), batch.errors
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    new = Unit.objects.get(agency=org_world.agency_a, code="A-NEW")
    child = Unit.objects.get(agency=org_world.agency_a, code="A-NEW-1")
    moved = Unit.objects.get(id=org_world.sec_a.id)
    assert new.is_public_service and new.time_zone == "Asia/Jayapura" and str(new.office_latitude) == "-2.533700"
    assert child.path == [org_world.root_a.id, new.id, child.id]
    assert moved.path == [org_world.root_a.id, new.id, moved.id]
    # Again: nothing changes.
    again = preview(org_world, units_csv(rows), kind="UNITS")
    assert (again.new_count, again.changed_count, again.unchanged_count) == (0, 0, 3)


def test_it_refuses_unit_cycles_and_a_second_root(org_world):
    rows = [
        ["A-ROOT", "Sekretariat A", "A-SEC", "0", "", "", "", ""],  # the root under its own descendant
        ["X-ROOT", "Akar Kedua", "", "0", "", "", "", ""],
        ["A-X", "Unit X", "NOPE", "0", "Europe/Paris", "95", "", "-1"],
    ]
    batch = preview(org_world, units_csv(rows), kind="UNITS")
    errors = errors_by_row(batch)
    assert errors[(2, "kode_induk")][0] == "unit_cycle"
    assert errors[(3, "kode_induk")][0] == "second_root"
    assert errors[(4, "kode_induk")][0] == "unknown_parent"
    assert errors[(4, "zona_waktu")][0] == "bad_time_zone"
    assert errors[(4, "lat")][0] in ("bad_latitude", "coordinates_together")
    assert errors[(4, "radius_m")][0] == "bad_radius"


def test_sixty_thousand_employees_import_correctly_within_a_minute(org_world):
    agency = org_world.agency_a
    positions = [f"JAB{i:02d}" for i in range(1, 6)]
    for code in positions:
        org_services.position_create(agency=agency, code=code, name=code, type=PositionType.PELAKSANA)
    units = sample.sample_units(prefix="T")
    units[0][2] = "A-ROOT"  # the generated tree hangs under the agency's root
    unit_batch = preview(org_world, units_csv(units), kind="UNITS")
    assert unit_batch.error_count == 0, unit_batch.errors
    services.import_confirm(batch=unit_batch, actor=org_world.hr_admin_a)
    rows = sample.sample_employees(count=60_000, unit_rows=units, position_codes=positions, seed=7)
    # Unit heads of the generated tree report to the agency's existing head.
    rows[0][6] = org_world.agency_head_a.employee.nip

    started = time.perf_counter()
    batch = preview(org_world, employees_csv(rows))
    assert batch.error_count == 0, batch.errors[:3]
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    elapsed = time.perf_counter() - started

    assert elapsed <= 60
    imported = Employee.objects.filter(agency=agency, unit__code__startswith="T")
    assert imported.count() == 60_000
    for row in (rows[0], rows[1], rows[12_345], rows[-1]):
        employee = Employee.objects.select_related("unit", "position", "supervisor", "user").get(nip=row[0])
        assert (employee.name, employee.unit.code, employee.position.code) == (row[1], row[4], row[5])
        assert employee.supervisor.nip == row[6]
        assert employee.position_start_date.isoformat() == row[7]
        assert employee.user.email == row[2]
    assert Position.objects.filter(agency=agency).count() == 6


def test_columns_are_read_by_header_so_a_reordered_file_imports_the_same(org_world, good_rows):
    order = list(reversed(EMPLOYEE_HEADERS))
    rows = [[row[EMPLOYEE_HEADERS.index(name)] for name in order] for row in good_rows]
    batch = preview(org_world, sample.to_csv(rows, headers=order, delimiter=";"))
    assert (batch.row_count, batch.new_count, batch.error_count) == (3, 3, 0), batch.errors
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    head = Employee.objects.select_related("unit", "position").get(nip=nip(1))
    assert (head.name, head.unit.code, head.position.code, str(head.position_start_date)) == (
        "Pegawai Impor 1",
        "A-SEC",
        "A-ANALIS",
        "2021-03-01",
    )
    assert Employee.objects.get(nip=nip(2)).supervisor_id == head.id


def test_a_shifted_column_in_xlsx_still_lands_in_its_place(org_world, good_rows):
    # "email" moved to the end: positional reading would have put addresses into "jenis".
    order = [name for name in EMPLOYEE_HEADERS if name != "email"] + ["email"]
    rows = [[row[EMPLOYEE_HEADERS.index(name)] for name in order] for row in good_rows]
    batch = preview(org_world, sample.to_xlsx(rows, headers=order), name="pegawai.xlsx")
    assert batch.error_count == 0, batch.errors
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    assert Employee.objects.select_related("user").get(nip=nip(1)).user.email == "impor1@example.go.id"
    assert Employee.objects.get(nip=nip(1)).employee_type == "PNS"


def test_missing_required_headers_are_one_clear_error(org_world, good_rows):
    order = [name for name in EMPLOYEE_HEADERS if name not in ("status_aktif", "nip_atasan")]
    rows = [[row[EMPLOYEE_HEADERS.index(name)] for name in order] for row in good_rows]
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, sample.to_csv(rows, headers=order))
    assert (caught.value.code, caught.value.status_code) == ("missing_headers", 400)
    assert "nip_atasan, status_aktif" in caught.value.message
    assert caught.value.fields == {"file": [caught.value.message]}
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_an_unknown_header_is_refused_rather_than_ignored(org_world, good_rows):
    rows = [[*row, "x"] for row in good_rows]
    with pytest.raises(ApplicationError) as caught:
        preview(org_world, sample.to_csv(rows, headers=[*EMPLOYEE_HEADERS, "golongan"]))
    assert caught.value.code == "unknown_headers"
    assert "golongan" in caught.value.message


def test_row_errors_have_one_shape_row_column_code_message(org_world):
    batch = preview(org_world, employees_csv([employee_row(1, unit="NOPE")]))
    [stored] = batch.errors
    with translation.override("en"):
        shown = row_error(stored).as_dict()
    assert shown == {"row": 2, "column": "kode_unit", "code": "unknown_unit", "message": "Unknown unit code “NOPE”."}
    # A preview stored with the former key ("field") still renders.
    legacy = {"row": 2, "field": "kode_unit", "code": "unknown_unit", "params": {"code": "NOPE"}}
    assert row_error(legacy).column == "kode_unit"


def test_the_import_page_lists_the_columns_of_the_table_and_the_preview_its_errors(
    client, org_world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    page = client.get("/hr/imports/").content.decode()
    assert ", ".join(EMPLOYEE_HEADERS) in page
    assert "<code>nip_atasan</code></td><td>Supervisor&#x27;s NIP (optional)" in page
    data = employees_csv([employee_row(1), employee_row(2, unit="NOPE")])
    with django_capture_on_commit_callbacks(execute=True):  # the check runs once the upload committed
        posted = client.post("/hr/imports/", {"kind": "EMPLOYEES", "file": SimpleUploadedFile("p.csv", data)})
    posted = client.get(posted["Location"])
    assert "<tr><td>3</td><td>kode_unit</td><td>Unknown unit code “NOPE”.</td></tr>" in posted.content.decode()
