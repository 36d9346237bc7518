"""The check page on a phone (390×844), in Indonesian and in English, axe on every page: after check-in
the answer is inside the viewport and the button has become "check out"; an early check-out asks first,
records nothing on cancel and PSW4 on confirm; the home page shows the check-in at once; a home day
without an approved home links to registering one; the supervisor sees the homes awaiting them.

The server's clock is moved to 07:12 office time of a working day (django.utils.timezone.now shifted
by a fixed offset, so it keeps running) so the journey does not depend on when it runs."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from attendance.models import CheckEvent, DayStatus
from attendance.status import day_status_refresh
from flexwork.onboarding.services import home_location_request_submit
from schedules.models import Location
from tests.attendance.conftest import OFFICE, north_of, schedule_day
from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot
from tests.org.factories import EmployeeFactory

pytestmark = pytest.mark.e2e
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
DESKTOP = {"width": 1366, "height": 768}
NEAR_OFFICE = {"latitude": north_of(OFFICE, 30)[0], "longitude": OFFICE[1], "accuracy": 12}


@pytest.fixture
def at_7_12(monkeypatch):
    """The server's clock at 07:12:00 WITA of the latest Monday–Thursday up to today, still running."""
    real = timezone.now
    local = real().astimezone(WITA)
    day = local.date()
    while day.isoweekday() > 4:
        day -= datetime.timedelta(days=1)
    target = datetime.datetime.combine(day, datetime.time(7, 12), tzinfo=WITA)
    offset = target - real()
    monkeypatch.setattr(timezone, "now", lambda: real() + offset)
    return day


def in_viewport(page, selector: str, *, whole: bool = False) -> bool:
    """The element's top (or, with `whole`, all of it) is on screen, not under the phone's tab bar."""
    box = page.locator(selector).bounding_box()
    bottom = page.viewport_size["height"]
    tabbar = page.locator("nav.tabbar")
    if tabbar.count() and tabbar.is_visible():
        bottom = tabbar.bounding_box()["y"]
    height = box["height"] if whole else min(box["height"], 120) if box else 0
    return box is not None and box["y"] >= 0 and box["y"] + height <= bottom


def visit(page, url: str, name: str, *, phone: bool = True) -> None:
    page.goto(url)
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def on_desktop(browser, live_server, user, path: str, name: str, locale: str) -> None:
    page = login(browser, live_server, user, viewport=DESKTOP, locale=locale)
    visit(page, live_server.url + path, name, phone=False)
    assert not page.csp_errors
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_check_in_then_an_early_check_out_in_indonesian(live_server, browser, org_world, at_7_12):
    employee = org_world.employee_a
    page = login(browser, live_server, employee, geolocation=NEAR_OFFICE, permissions=["geolocation"])
    visit(page, live_server.url + "/", "home-before")
    assert "belum" in page.locator("section[aria-labelledby=home-today]").inner_text()
    # The home page's button says what the next tap does, on the first screen of the phone.
    assert page.locator("#home-check a").inner_text() == "Presensi masuk sekarang"
    assert in_viewport(page, "#home-check a", whole=True)

    visit(page, live_server.url + "/attendance/", "check-id-before")
    assert page.locator("#check-button").inner_text() == "Presensi masuk sekarang"
    assert page.locator("#status-in").inner_text() == "Belum presensi masuk"
    assert "07.30–16.00" in page.locator("#today-hours").inner_text()
    page.locator("#check-button").click()
    page.wait_for_url("**/attendance/?recorded=in*")
    assert in_viewport(page, "#check-result"), "the answer is below the fold"
    assert page.locator("#check-result").get_attribute("role") == "status"
    assert "Presensi masuk tercatat pukul 07.1" in page.locator("#check-result").inner_text()
    assert "Anda berada di dalam radius: 30 m dari" in page.locator("#check-result").inner_text()
    assert page.locator("#status-in").inner_text().startswith("Sudah presensi masuk pukul 07.1")
    assert page.locator("#check-button").inner_text() == "Presensi pulang sekarang"
    assert page.locator("button.check-button").count() == 1  # never two primary buttons
    axe(page)
    screenshot(page, "check-id-after-in")
    assert CheckEvent.objects.filter(employee=employee.employee, kind="IN").count() == 1

    # The home page shows it at once (its cache was forgotten on the check).
    visit(page, live_server.url + "/", "home-after")
    today_panel = page.locator("section[aria-labelledby=home-today]").inner_text()
    assert "07.1" in today_panel and today_panel.count("belum") == 1  # check-out only
    assert page.locator("#home-check a").inner_text() == "Presensi pulang sekarang"

    # A tap on "check out" at 07:1x asks first: the minutes, the band, confirm or cancel.
    page.goto(live_server.url + "/attendance/")
    page.locator("#check-button").click()
    page.locator("#check-confirm").wait_for()
    page.wait_for_load_state("load")
    assert in_viewport(page, "#check-confirm")
    assert in_viewport(page, "#confirm-early-button", whole=True) and in_viewport(
        page, "#cancel-early-button", whole=True
    )
    question = page.locator("#check-confirm").inner_text()
    assert "menit lebih awal" in question and "PSW4 (pulang sebelum waktunya ≥ 91 menit)" in question
    assert_fits_phone(page)
    axe(page)
    screenshot(page, "check-id-early-confirm")
    page.locator("#cancel-early-button").click()
    page.wait_for_load_state()
    assert not CheckEvent.objects.filter(employee=employee.employee, kind="OUT").exists()
    assert page.locator("#check-button").inner_text() == "Presensi pulang sekarang"

    page.locator("#check-button").click()
    page.locator("#confirm-early-button").click()
    page.wait_for_url("**/attendance/?recorded=out*")
    assert in_viewport(page, "#check-result")
    assert "Presensi pulang tercatat pukul 07.1" in page.locator("#check-result").inner_text()
    assert page.locator("#check-done").inner_text().strip().endswith("Presensi hari ini selesai")
    assert page.locator("#check-button").count() == 0
    axe(page)
    screenshot(page, "check-id-done")
    out = CheckEvent.objects.get(employee=employee.employee, kind="OUT")
    assert out.attempt_count == 1
    day_status_refresh(employee_id=employee.employee.id, local_date=at_7_12)
    assert DayStatus.objects.get(employee=employee.employee, local_date=at_7_12).departure == "PSW4"
    assert not page.csp_errors
    page.context.close()
    on_desktop(browser, live_server, employee, "/attendance/", "check-id-done-desktop", "id-ID")


@pytest.mark.django_db(transaction=True)
def test_check_in_english_on_a_home_day_without_a_home(live_server, browser, org_world, at_7_12):
    colleague = EmployeeFactory(
        agency=org_world.agency_a,
        unit=org_world.sec_a,
        position=org_world.position_a,
        supervisor=org_world.supervisor_a.employee,
        name="Rina Kartika",
    ).user
    colleague.language = "en"
    colleague.save(update_fields=["language"])
    schedule_day(colleague, at_7_12, Location.HOME)
    page = login(browser, live_server, colleague, locale="en-US", geolocation=NEAR_OFFICE, permissions=["geolocation"])
    visit(page, live_server.url + "/attendance/", "check-en-home-day-before")
    assert page.locator("#check-button").inner_text() == "Check in now"
    assert "You have no approved home location yet" in page.locator("#home-missing").inner_text()
    page.locator("#check-button").click()
    page.wait_for_url("**/attendance/?recorded=in*")
    assert in_viewport(page, "#check-result")
    result = page.locator("#check-result").inner_text()
    assert "Check-in recorded at 07:1" in result and "Ask for a correction" in result
    assert page.locator("#check-button").inner_text() == "Check out now"
    axe(page)
    screenshot(page, "check-en-after-in")

    page.locator("#home-missing a").click()
    page.wait_for_url("**/profile/home-location/")
    assert_fits_phone(page)
    axe(page)
    page.fill("#id_address", "Jl. Cendrawasih No. 12, Mamajang, Makassar")
    page.fill("#id_latitude", "-5.135")
    page.fill("#id_longitude", "119.42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/profile/home-location/")
    assert "Jl. Cendrawasih No. 12" in page.locator("main table").inner_text()
    axe(page)
    screenshot(page, "home-location-en")
    assert not page.csp_errors
    page.context.close()

    # The supervisor is told, sees it on the team dashboard and in the queue, in words.
    supervisor = org_world.supervisor_a
    boss = login(browser, live_server, supervisor)
    visit(boss, live_server.url + "/dashboard/team/", "supervisor-dashboard-id")
    block = boss.locator("#home-locations-awaiting").inner_text()
    assert "Rina Kartika" in block and "dari kantor" in block
    boss.locator("#home-locations-awaiting a").click()
    boss.wait_for_url("**/home-locations/")
    assert_fits_phone(boss)
    axe(boss)
    screenshot(boss, "home-queue-id")
    assert "2,0 km" in boss.locator("main").inner_text()
    assert supervisor.notifications.filter(kind="home_location_submitted").exists()
    assert not boss.csp_errors
    boss.context.close()
    on_desktop(browser, live_server, supervisor, "/home-locations/", "home-queue-id-desktop", "id-ID")


@pytest.mark.django_db(transaction=True)
def test_the_remaining_states_in_both_languages(live_server, browser, org_world, at_7_12):
    """Screens to look at: the English early check-out question and the Indonesian home pages."""
    employee = org_world.employee_a
    home_location_request_submit(
        employee=employee.employee,
        latitude=Decimal("-5.135"),
        longitude=Decimal("119.42"),
        address="Jl. Melati 3, Makassar",
    )
    employee.language = "en"
    employee.save(update_fields=["language"])
    page = login(browser, live_server, employee, locale="en-US", geolocation=NEAR_OFFICE, permissions=["geolocation"])
    page.goto(live_server.url + "/attendance/")
    page.locator("#check-out-only-button").evaluate("b => b.closest('details').open = true")
    page.locator("#check-out-only-button").click()
    page.locator("#check-confirm").wait_for()
    page.wait_for_load_state("load")
    question = page.locator("#check-confirm").inner_text()
    assert "minutes early" in question and "PSW4 (early leave of 91 minutes or more)" in question
    assert in_viewport(page, "#check-confirm")
    axe(page)
    screenshot(page, "check-en-early-confirm")
    visit(page, live_server.url + "/profile/home-location/", "home-location-en-pending")
    page.context.close()
    on_desktop(browser, live_server, employee, "/attendance/", "check-en-before-desktop", "en-US")
    on_desktop(
        browser, live_server, org_world.supervisor_a, "/dashboard/team/", "supervisor-dashboard-desktop", "id-ID"
    )
