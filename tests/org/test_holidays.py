import datetime

import pytest

from flexwork.org import services
from flexwork.org.models import Holiday
from tests.org.factories import HolidayFactory
from tests.org.helpers import assert_error, queries_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/holidays/"


def test_seeding_takes_both_categories_with_their_kinds(org_world):
    services.holidays_seed(agency=org_world.agency_a, year=2025)
    rows = Holiday.objects.filter(agency=org_world.agency_a)
    kinds = dict(rows.values_list("date", "kind"))
    assert kinds[datetime.date(2025, 8, 17)] == "LIBUR_NASIONAL"
    assert kinds[datetime.date(2025, 12, 26)] == "CUTI_BERSAMA"
    assert rows.filter(kind="CUTI_BERSAMA").count() >= 5


def test_estimated_dates_start_unconfirmed(org_world):
    # 2028: a year whose lunar dates the holidays package only estimates (2026 is confirmed, see below).
    services.holidays_seed(agency=org_world.agency_a, year=2028)
    rows = Holiday.objects.filter(agency=org_world.agency_a)
    estimated = rows.get(name__startswith="Hari Raya Idul Fitri")
    assert "(perkiraan)" in estimated.name and estimated.confirmed is False
    fixed = rows.get(date=datetime.date(2028, 8, 17))
    assert fixed.confirmed is True
    assert rows.filter(confirmed=False).exists() and rows.filter(confirmed=True).exists()


def test_seeding_twice_adds_nothing_and_keeps_confirmations(org_world):
    services.holidays_seed(agency=org_world.agency_a, year=2028)
    estimated = Holiday.objects.filter(agency=org_world.agency_a, confirmed=False).first()
    services.holiday_confirm(holiday=estimated)
    count = Holiday.objects.count()
    assert services.holidays_seed(agency=org_world.agency_a, year=2028) == []
    assert Holiday.objects.count() == count
    estimated.refresh_from_db()
    assert estimated.confirmed


# Cuti bersama 2026 as set by the joint decree of the three ministers (SKB 3 Menteri on national holidays and
# cuti bersama 2026), which the holidays package follows for Indonesia's "government" category.
CUTI_BERSAMA_2026 = {
    datetime.date(2026, 2, 16): "Cuti Bersama Tahun Baru Imlek",
    datetime.date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    datetime.date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    datetime.date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    datetime.date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
    datetime.date(2026, 5, 15): "Cuti Bersama Kenaikan Yesus Kristus",
    datetime.date(2026, 5, 28): "Cuti Bersama Hari Raya Idul Adha",
    datetime.date(2026, 12, 24): "Cuti Bersama Hari Raya Natal",
}


def test_the_2026_calendar_has_the_official_cuti_bersama_and_idul_fitri(org_world):
    services.holidays_seed(agency=org_world.agency_a, year=2026)
    rows = Holiday.objects.filter(agency=org_world.agency_a, date__year=2026)
    cuti = {row.date: row.name for row in rows.filter(kind="CUTI_BERSAMA")}
    assert cuti == CUTI_BERSAMA_2026
    national = dict(rows.filter(kind="LIBUR_NASIONAL").values_list("date", "name"))
    assert national[datetime.date(2026, 3, 21)] == "Hari Raya Idul Fitri"
    assert national[datetime.date(2026, 3, 22)] == "Hari kedua dari Hari Raya Idul Fitri"
    assert national[datetime.date(2026, 5, 27)] == "Hari Raya Idul Adha"
    # Decreed dates, not estimates: nothing of 2026 waits for HR's confirmation.
    assert not rows.filter(confirmed=False).exists()


def test_everyone_in_the_agency_reads_a_year(client_for, org_world):
    services.holidays_seed(agency=org_world.agency_a, year=2026)
    HolidayFactory(agency=org_world.agency_a, date=datetime.date(2027, 1, 1), name="Tahun Baru")
    body = client_for(org_world.employee_a).get(URL, {"year": 2026}).json()
    assert body["count"] == Holiday.objects.filter(date__year=2026).count()
    assert {row["date"][:4] for row in body["results"]} == {"2026"}


def test_hr_adds_a_holiday_and_a_duplicate_is_a_conflict(client_for, org_world):
    client = client_for(org_world.hr_admin_a)
    body = {"date": "2026-12-24", "name": "Cuti Bersama Natal", "kind": "CUTI_BERSAMA"}
    assert client.post(URL, body, format="json").status_code == 201
    assert_error(client.post(URL, body, format="json"), 409, field="name")


def test_it_rejects_a_bad_year(client_for, org_world):
    assert_error(client_for(org_world.employee_a).get(URL, {"year": "abc"}), 400, field="year")


def test_it_hides_other_agencies(client_for, org_world):
    services.holidays_seed(agency=org_world.agency_a, year=2026)
    assert client_for(org_world.employee_b).get(URL).json()["count"] == 0


def test_it_forbids_employee(client_for, org_world):
    body = {"date": "2026-12-24", "name": "X", "kind": "CUTI_BERSAMA"}
    assert_error(client_for(org_world.employee_a).post(URL, body, format="json"), 403)


def test_it_forbids_unit_head(client_for, org_world):
    body = {"date": "2026-12-24", "name": "X", "kind": "CUTI_BERSAMA"}
    assert_error(client_for(org_world.unit_head_a).post(URL, body, format="json"), 403)


def test_it_forbids_platform_operator(client_for, platform_operator):
    assert_error(client_for(platform_operator).get(URL), 403)


def test_the_list_costs_a_fixed_number_of_queries(client_for, org_world, django_assert_num_queries):
    client = client_for(org_world.employee_a)
    HolidayFactory.create_batch(2, agency=org_world.agency_a)
    few = queries_for(client, URL)
    HolidayFactory.create_batch(8, agency=org_world.agency_a)
    assert queries_for(client, URL) == few
    with django_assert_num_queries(5):
        client.get(URL)
