"""The employee import's columns for leave (docs/rules.md §7 (import)): CPNS as a type, `tmt` (the service
start) and `masa_kontrak_bulan` (PPPK only); both columns may be left out, and then keep the values."""

import datetime

import pytest
from django.utils import translation

from flexwork.onboarding import sample, services
from flexwork.onboarding.importing import EMPLOYEE_HEADERS, row_error_message
from flexwork.org.models import Employee
from tests.onboarding.conftest import employee_row, nip

pytestmark = pytest.mark.django_db

HEADERS_WITHOUT_LEAVE = tuple(h for h in EMPLOYEE_HEADERS if h not in ("tmt", "masa_kontrak_bulan"))


def row(n, *, jenis="PNS", tmt="", months=""):
    values = employee_row(n)
    values[3] = jenis
    values[-2:] = [tmt, months]
    return values


def preview(org_world, rows, *, headers=EMPLOYEE_HEADERS):
    return services.import_preview(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=sample.to_csv(rows, headers=headers),
        name="pegawai.csv",
        uploaded_by=org_world.hr_admin_a,
    )


def errors(batch):
    return {(e["row"], e["column"]): e["code"] for e in batch.errors}


def test_the_template_has_the_new_columns_last():
    assert EMPLOYEE_HEADERS[-2:] == ("tmt", "masa_kontrak_bulan")


def test_it_imports_cpns_with_tmt_and_pppk_with_a_contract(org_world):
    rows = [
        row(1, jenis="CPNS", tmt="2025-03-01"),
        row(2, jenis="PPPK", tmt="2024-01-01", months="60"),
        row(3, jenis="pppk paruh waktu", months="12"),
    ]
    batch = preview(org_world, rows)
    assert batch.error_count == 0, batch.errors
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    cpns, pppk, part_time = (Employee.objects.get(nip=nip(n)) for n in (1, 2, 3))
    assert (cpns.employee_type, cpns.service_start_date, cpns.contract_months) == (
        "CPNS",
        datetime.date(2025, 3, 1),
        None,
    )
    assert (pppk.service_start_date, pppk.contract_months) == (datetime.date(2024, 1, 1), 60)
    assert (part_time.employee_type, part_time.contract_months) == ("PPPK_PARUH_WAKTU", 12)


@pytest.mark.parametrize(
    ("values", "column", "code"),
    [
        ({"jenis": "PNS", "months": "24"}, "masa_kontrak_bulan", "contract_not_pppk"),
        ({"jenis": "CPNS", "months": "24"}, "masa_kontrak_bulan", "contract_not_pppk"),
        ({"jenis": "PPPK", "months": "0"}, "masa_kontrak_bulan", "bad_months"),
        ({"jenis": "PPPK", "months": "dua belas"}, "masa_kontrak_bulan", "bad_months"),
        ({"jenis": "PPPK", "months": "121"}, "masa_kontrak_bulan", "bad_months"),
        ({"jenis": "PNS", "tmt": "2025-13-01"}, "tmt", "bad_date"),
        ({"jenis": "HONORER"}, "jenis", "bad_type"),
    ],
)
def test_it_refuses_bad_cells_with_a_row_error(org_world, values, column, code):
    batch = preview(org_world, [row(1), row(2, **values)])
    assert errors(batch) == {(3, column): code}
    message = row_error_message(batch.errors[0])
    assert message and "%(" not in message
    with translation.override("id"):
        assert row_error_message(batch.errors[0])


def test_the_messages_name_the_column_and_the_types(org_world):
    batch = preview(org_world, [row(1, jenis="CPNS", months="6"), row(2, jenis="X")])
    with translation.override("en"):
        texts = {e["column"]: row_error_message(e) for e in batch.errors}
    assert "masa_kontrak_bulan" in texts["masa_kontrak_bulan"] and "CPNS" in texts["masa_kontrak_bulan"]
    assert "CPNS" in texts["jenis"]


def test_a_cpns_nip_is_checked_like_a_pns_nip(org_world):
    bad = row(1, jenis="CPNS")
    bad[0] = bad[0][:12] + "13" + bad[0][14:]  # month 13
    assert errors(preview(org_world, [bad])) == {(2, "nip"): "nip_start_month"}


def test_a_file_without_the_columns_keeps_the_values(org_world):
    services.import_confirm(
        batch=preview(org_world, [row(1, jenis="PPPK", tmt="2024-01-01", months="36")]), actor=org_world.hr_admin_a
    )
    old_style = employee_row(1)[:9]
    old_style[3] = "PPPK"
    old_style[1] = "Nama Baru"
    batch = preview(org_world, [old_style], headers=HEADERS_WITHOUT_LEAVE)
    assert (batch.error_count, batch.changed_count) == (0, 1)
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    employee = Employee.objects.get(nip=nip(1))
    assert (employee.name, employee.service_start_date, employee.contract_months) == (
        "Nama Baru",
        datetime.date(2024, 1, 1),
        36,
    )
    # The same file again changes nothing.
    assert preview(org_world, [old_style], headers=HEADERS_WITHOUT_LEAVE).changed_count == 0


def test_a_change_of_the_columns_is_a_change_and_empty_clears(org_world):
    services.import_confirm(
        batch=preview(org_world, [row(1, jenis="PPPK", tmt="2024-01-01", months="36")]), actor=org_world.hr_admin_a
    )
    batch = preview(org_world, [row(1, jenis="PPPK", tmt="2024-01-01", months="48")])
    assert batch.changed_count == 1
    assert batch.changed_rows[0]["fields"] == ["contract_months"]
    services.import_confirm(batch=batch, actor=org_world.hr_admin_a)
    assert Employee.objects.get(nip=nip(1)).contract_months == 48
    services.import_confirm(batch=preview(org_world, [row(1, jenis="PPPK")]), actor=org_world.hr_admin_a)
    employee = Employee.objects.get(nip=nip(1))
    assert (employee.service_start_date, employee.contract_months) == (None, None)


def test_becoming_a_pns_clears_the_contract(org_world):
    services.import_confirm(batch=preview(org_world, [row(1, jenis="PPPK", months="36")]), actor=org_world.hr_admin_a)
    old_style = employee_row(1)[:9]  # PNS, no leave columns
    services.import_confirm(
        batch=preview(org_world, [old_style], headers=HEADERS_WITHOUT_LEAVE), actor=org_world.hr_admin_a
    )
    assert Employee.objects.get(nip=nip(1)).contract_months is None
