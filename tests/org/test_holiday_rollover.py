"""Next year's holidays (docs/rules.md §7): the yearly job in December, the HR home's warning while
next year has none, and confirming a date removing "(perkiraan)" wherever the name shows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flexwork.common.calendar import today_in
from flexwork.org import services
from flexwork.org.models import Holiday
from flexwork.org.tasks import holidays_next_year_seed_task
from tests.org.factories import HolidayFactory

pytestmark = pytest.mark.django_db
DECEMBER_FIRST = datetime.datetime(2026, 12, 1, 1, 30, tzinfo=datetime.UTC)
NEXT = today_in("Asia/Makassar").year + 1  # agency A's next year, as the pages see it


@pytest.fixture
def hr(client, org_world):
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    return client


def _clear(agency, year):
    Holiday.objects.filter(agency=agency, date__year=year).delete()


def test_the_job_adds_next_years_calendar_unconfirmed_for_every_agency(org_world):
    for agency in (org_world.agency_a, org_world.agency_b):
        _clear(agency, 2027)

    added = services.holidays_next_year_seed(now=DECEMBER_FIRST)

    for agency in (org_world.agency_a, org_world.agency_b):
        rows = Holiday.objects.filter(agency=agency, date__year=2027)
        assert added[agency.id] == rows.count() > 10
        assert not rows.filter(confirmed=True).exists()  # HR confirms each against the decree
        assert rows.filter(date=datetime.date(2027, 1, 1), name="Tahun Baru Masehi").exists()
        assert rows.filter(kind="CUTI_BERSAMA").exists()


def test_the_job_is_idempotent_and_leaves_an_agency_with_a_calendar_alone(org_world):
    _clear(org_world.agency_a, 2027)
    _clear(org_world.agency_b, 2027)
    HolidayFactory(agency=org_world.agency_b, date=datetime.date(2027, 1, 1), name="Tahun Baru", confirmed=True)

    first = services.holidays_next_year_seed(now=DECEMBER_FIRST)
    count = Holiday.objects.filter(agency=org_world.agency_a, date__year=2027).count()
    second = services.holidays_next_year_seed(now=DECEMBER_FIRST)

    assert org_world.agency_b.id not in first
    assert Holiday.objects.filter(agency=org_world.agency_b, date__year=2027).count() == 1
    assert org_world.agency_a.id not in second
    assert Holiday.objects.filter(agency=org_world.agency_a, date__year=2027).count() == count


def test_the_task_runs_the_job(org_world, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "holidays_next_year_seed", lambda **kwargs: calls.append(kwargs) or {})

    holidays_next_year_seed_task()

    assert calls == [{}]


def test_the_job_is_in_the_beat_schedule_in_december():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["holidays-next-year"]
    assert entry["task"] == "flexwork.org.tasks.holidays_next_year_seed_task"
    assert entry["schedule"].month_of_year == {12}
    assert entry["schedule"].day_of_month == {1}


def test_the_warning_starts_on_the_first_of_october(org_world):
    _clear(org_world.agency_a, 2027)

    assert services.holidays_next_year_missing(agency=org_world.agency_a, today=datetime.date(2026, 9, 30)) is None
    assert services.holidays_next_year_missing(agency=org_world.agency_a, today=datetime.date(2026, 10, 1)) == 2027


def test_the_hr_home_warns_while_next_year_has_no_holidays_and_stops_once_it_has(hr, org_world):
    _clear(org_world.agency_a, NEXT)

    html = hr.get("/hr/").content.decode()
    assert 'id="holiday-year-missing"' in html
    assert f"{NEXT} has no holidays yet" in html
    assert f'href="/hr/holidays/?year={NEXT}"' in html

    services.holidays_seed(agency=org_world.agency_a, year=NEXT, unconfirmed=True)

    assert 'id="holiday-year-missing"' not in hr.get("/hr/").content.decode()
    assert 'id="holiday-year-missing"' not in hr.get(f"/hr/holidays/?year={NEXT}").content.decode()


def test_confirming_removes_perkiraan_everywhere(hr, client, org_world):
    _clear(org_world.agency_a, 2028)
    services.holidays_seed(agency=org_world.agency_a, year=2028)
    estimated = Holiday.objects.get(agency=org_world.agency_a, name="Hari Raya Idul Fitri (perkiraan)")
    assert "(perkiraan)" in hr.get("/hr/holidays/?year=2028").content.decode()

    response = hr.post("/hr/holidays/", {"year": 2028, "holiday": estimated.id, "action": "confirm"})

    assert response.status_code == 302
    estimated.refresh_from_db()
    assert estimated.confirmed and estimated.name == "Hari Raya Idul Fitri"
    page = hr.get("/hr/holidays/?year=2028").content.decode()
    assert "<td>Hari Raya Idul Fitri</td>" in page
    assert ">Hari Raya Idul Fitri (perkiraan)<" not in page  # neither the table nor the phone cards
    # The employee's calendar of that month shows the plain name.
    client.force_login(org_world.employee_a)
    month = client.get(f"/schedule/?month={estimated.date:%Y-%m}").content.decode()
    assert "Hari Raya Idul Fitri" in month
    assert "Hari Raya Idul Fitri (perkiraan)" not in month.replace(
        "Hari kedua dari Hari Raya Idul Fitri (perkiraan)", ""
    )
    # Seeding the year again does not bring the estimate back.
    assert services.holidays_seed(agency=org_world.agency_a, year=2028) == []


def test_confirming_by_an_update_removes_it_too(org_world):
    holiday = HolidayFactory(
        agency=org_world.agency_a, date=datetime.date(2028, 5, 5), name="Hari Raya Waisak (perkiraan)", confirmed=False
    )

    services.holiday_update(holiday=holiday, data={"confirmed": True})

    holiday.refresh_from_db()
    assert holiday.name == "Hari Raya Waisak" and holiday.confirmed


def test_an_unconfirmed_rename_keeps_the_label(org_world):
    holiday = HolidayFactory(
        agency=org_world.agency_a, date=datetime.date(2028, 5, 6), name="Waisak (perkiraan)", confirmed=False
    )

    services.holiday_update(holiday=holiday, data={"date": datetime.date(2028, 5, 7)})

    holiday.refresh_from_db()
    assert holiday.name == "Waisak (perkiraan)"


def test_confirming_it_hides_other_agencies(hr, org_world):
    other = HolidayFactory(
        agency=org_world.agency_b, date=datetime.date(2028, 5, 5), name="Waisak (perkiraan)", confirmed=False
    )

    response = hr.post("/hr/holidays/", {"year": 2028, "holiday": other.id, "action": "confirm"})

    assert response.status_code == 404
    other.refresh_from_db()
    assert not other.confirmed


def test_the_holiday_pages_forbid_other_roles(client, org_world):
    client.force_login(org_world.employee_a)

    assert client.get("/hr/").status_code == 403
    assert client.get("/hr/holidays/").status_code == 403
    assert client.post("/hr/holidays/", {"action": "seed", "year": 2029}).status_code == 403
    assert not Holiday.objects.filter(agency=org_world.agency_a, date__year=2029).exists()


def test_the_holiday_page_runs_in_a_fixed_number_of_queries(hr, org_world):
    _clear(org_world.agency_a, 2030)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert hr.get("/hr/holidays/?year=2030").status_code == 200
        return len(captured)

    HolidayFactory(agency=org_world.agency_a, date=datetime.date(2030, 1, 1), name="Tahun Baru")
    few = count()
    for day in range(2, 8):
        HolidayFactory(agency=org_world.agency_a, date=datetime.date(2030, 1, day), name=f"Libur {day}")
    assert count() == few


def test_now_default_is_the_current_year(org_world):
    _clear(org_world.agency_a, timezone.now().year + 1)

    added = services.holidays_next_year_seed()

    assert (
        added.get(org_world.agency_a.id, 0) > 0
        or Holiday.objects.filter(agency=org_world.agency_a, date__year=timezone.now().year + 1).exists()
    )
