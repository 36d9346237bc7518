"""Browser journey of a directive on a phone (390×844), in Indonesian and English, with axe on every
page: HR declares "WFA only" for a week, which cancels Pegawai A's approved day at home; HR then
withdraws it on the directive's page; Pegawai A reads both notices and has her day back."""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot
from tests.e2e.test_decide_journey import working_mondays

pytestmark = pytest.mark.e2e


def look(page, name: str, language: str = "id") -> None:
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def set_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def _approved_home_day(org_world, monday):
    from flexwork.org.models import Employee
    from schedules.models import ScheduleDay
    from tests.schedules.conftest import PERSONA_HOME, approve_fully, create

    Employee.objects.filter(id=org_world.employee_a.employee.id).update(
        home_latitude=PERSONA_HOME[0], home_longitude=PERSONA_HOME[1]
    )
    ar = approve_fully(
        create(org_world.employee_a, [monday]), supervisor=org_world.supervisor_a, decider=org_world.unit_head_a
    )
    return ScheduleDay.objects.get(arrangement=ar)


@pytest.mark.django_db(transaction=True)
def test_hr_declares_then_withdraws_a_directive_and_the_employee_is_told(live_server, browser, org_world):
    from schedules.models import Directive

    monday = working_mondays(org_world.employee_a.employee, 1)[0]
    day = _approved_home_day(org_world, monday)

    # 1. HR declares the directive, in Indonesian.
    hr = login(browser, live_server, org_world.hr_admin_a)
    hr.goto(f"{live_server.url}/schedule/directives/")
    look(hr, "directives-phone-id")
    hr.fill("#id_date_from", monday.isoformat())
    hr.fill("#id_date_to", (monday + datetime.timedelta(days=4)).isoformat())
    hr.locator("input[name=allowed_locations][value=DESIGNATED]").check()
    hr.fill("#id_message", "Pekan kerja di lokasi yang ditetapkan.")
    declare = hr.get_by_role("button", name="Tetapkan dan umumkan")
    assert declare.bounding_box()["height"] >= 44
    declare.click()
    hr.wait_for_load_state()
    assert "Arahan telah ditetapkan." in hr.locator(".messages").inner_text()
    look(hr, "directive-declared-phone-id")
    directive = Directive.objects.get(agency=org_world.agency_a, message="Pekan kerja di lokasi yang ditetapkan.")
    day.refresh_from_db()
    assert day.cancelled_at is not None

    # 2. Pegawai A is told: her day at home is cancelled.
    employee = login(browser, live_server, org_world.employee_a)
    employee.goto(f"{live_server.url}/notifications/")
    text = employee.locator("main").inner_text()
    assert "Arahan instansi:" in text
    look(employee, "directive-notice-employee-phone-id")

    # 3. HR withdraws it on the directive's page, in English.
    set_language(hr, live_server, "en")
    hr.goto(f"{live_server.url}/schedule/directives/")
    hr.locator(f'.directive-cards a[href="/schedule/directives/{directive.id}/"]').click()
    hr.wait_for_load_state()
    look(hr, "directive-detail-phone-en", "en")
    hr.fill("#id_reason", "The situation is back to normal.")
    withdraw = hr.get_by_role("button", name="Withdraw and tell everyone")
    assert withdraw.bounding_box()["height"] >= 44
    withdraw.click()
    hr.wait_for_load_state()
    assert "The directive was withdrawn." in hr.locator(".messages").inner_text()
    assert "Withdrawn" in hr.locator(".directive-cards").inner_text()
    look(hr, "directive-withdrawn-phone-en", "en")
    day.refresh_from_db()
    assert day.cancelled_at is None

    # 4. Pegawai A reads the withdrawal and that her day is back, in Indonesian and in English.
    employee.goto(f"{live_server.url}/notifications/")
    text = employee.locator("main").inner_text()
    assert "Arahan instansi ditarik" in text
    assert "Hari pengaturan kerja Anda kembali berlaku" in text
    look(employee, "directive-withdrawn-employee-phone-id")
    # Notices are written in their recipient's language (her profile's), whatever the page's.
    set_language(employee, live_server, "en")
    employee.reload()
    text = employee.locator("main").inner_text()
    assert "Mark all as read" in text and "Hari pengaturan kerja Anda kembali berlaku" in text
    look(employee, "directive-withdrawn-employee-phone-en", "en")

    # 5. The directive's page of a withdrawn directive only reads.
    hr.goto(f"{live_server.url}/schedule/directives/{directive.id}/")
    assert "A withdrawn directive no longer applies" in hr.locator("main").inner_text()
    assert hr.locator("#id_reason").count() == 0
    look(hr, "directive-withdrawn-detail-phone-en", "en")
    assert not hr.csp_errors and not employee.csp_errors
