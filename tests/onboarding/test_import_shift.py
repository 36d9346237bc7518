"""The units import's working week (docs/rules.md §7, §8): hari_kerja (senin_jumat / tetap / sif, empty:
senin_jumat) and dasar_hari_kerja; a week other than Monday to Friday without its decree is a row error."""

import pytest

from flexwork.onboarding import importing

pytestmark = pytest.mark.django_db


def rows(**extra):
    base = {"row": 2, "kode_unit": "A-IGD2", "nama": "IGD", "kode_induk": "A-DIV", "layanan_publik": "1"}
    return [{**base, **extra}]


def test_a_shift_unit_with_its_decree_is_planned(org_world):
    result = importing.units_check(
        agency_id=org_world.agency_a.id, records=rows(hari_kerja="sif", dasar_hari_kerja="SK 800/12/2026")
    )
    assert result.errors == []
    assert result.new[0]["work_week"] == "ROSTER" and result.new[0]["work_week_basis"] == "SK 800/12/2026"


def test_an_empty_week_is_monday_to_friday(org_world):
    result = importing.units_check(agency_id=org_world.agency_a.id, records=rows())
    assert result.errors == [] and result.new[0]["work_week"] == "MON_FRI"


@pytest.mark.parametrize(
    ("extra", "column", "code"),
    [
        ({"hari_kerja": "tetap"}, "dasar_hari_kerja", "work_week_basis"),
        ({"hari_kerja": "kadang"}, "hari_kerja", "bad_work_week"),
    ],
)
def test_row_errors(org_world, extra, column, code):
    result = importing.units_check(agency_id=org_world.agency_a.id, records=rows(**extra))
    assert [(e["column"], e["code"]) for e in result.errors] == [(column, code)]
    assert result.new == []
