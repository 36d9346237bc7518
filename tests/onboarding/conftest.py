import pytest

from flexwork.onboarding.importing import EMPLOYEE_HEADERS, UNIT_HEADERS
from flexwork.onboarding.sample import to_csv, to_xlsx
from tests.org.factories import nip_for


def nip(n: int) -> str:
    """A valid NIP far away from the personas' (factories count from 1)."""
    return nip_for(9000 + n)


def employee_row(n: int, *, unit="A-SEC", position="A-ANALIS", supervisor="", email=None, name=None, active="1"):
    return [
        nip(n),
        name or f"Pegawai Impor {n}",
        f"impor{n}@example.go.id" if email is None else email,
        "PNS",
        unit,
        position,
        supervisor,
        "2021-03-01",
        active,
        "",  # tmt
        "",  # masa_kontrak_bulan
    ]


def employees_csv(rows, **kwargs) -> bytes:
    return to_csv(rows, headers=EMPLOYEE_HEADERS, **kwargs)


def employees_xlsx(rows) -> bytes:
    return to_xlsx(rows, headers=EMPLOYEE_HEADERS)


def units_csv(rows) -> bytes:
    return to_csv(rows, headers=UNIT_HEADERS)


@pytest.fixture
def good_rows(org_world):
    """Three new employees: a head reporting to an existing supervisor, and two staff under the head."""
    supervisor_nip = org_world.supervisor_a.employee.nip
    return [
        employee_row(1, supervisor=supervisor_nip),
        employee_row(2, supervisor=nip(1)),
        employee_row(3, supervisor=nip(1), email=""),
    ]
