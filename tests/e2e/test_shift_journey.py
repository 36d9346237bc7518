# ruff: noqa: F811 (the shift fixtures are imported into this module and named as arguments)
"""The shift journey on a phone (390×844), axe on every page (docs/rules.md §8): the unit head creates
and generates next month's roster, changes one cell and publishes it over its warnings with a reason;
a nurse on tonight's night duty checks in at 20:50 and out at 07:05 the next morning, both on that
duty's date; a nurse asks a colleague to take a duty, the colleague accepts and the unit head approves.
Indonesian for the unit head and the first nurse, English for the colleague.

The server's clock is set to a fixed office time (django.utils.timezone.now shifted by an offset that
the test can move, so it keeps running), so the journey does not depend on when it runs."""

from __future__ import annotations

import datetime
import os
import zoneinfo
from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot
from tests.shifts.conftest import (  # noqa: F401 (fixtures)
    assigned,
    month_start,
    nurses,
    pattern_4,
    published_roster,
    roster_head,
    roster_unit,
    shift_position,
    shift_types,
)

pytestmark = pytest.mark.e2e
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


@pytest.fixture
def clock(monkeypatch):
    """clock(local_datetime) moves the server's clock there (WITA); it keeps running from there."""
    real = timezone.now
    offset = {"value": datetime.timedelta(0)}
    monkeypatch.setattr(timezone, "now", lambda: real() + offset["value"])

    def move(local: datetime.datetime) -> None:
        offset["value"] = local.replace(tzinfo=WITA) - real()

    return move


def shot(page, name: str) -> None:
    """The full page (conftest's screenshot) and, to look at, what the phone's screen shows."""
    screenshot(page, name)
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / "screen" / f"{name}.png"))


def visit(page, url: str, name: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    assert_fits_phone(page)
    axe(page)
    shot(page, name)


def near_office(unit) -> dict:
    return {"latitude": float(unit.office_latitude), "longitude": float(unit.office_longitude), "accuracy": 10}


def speak(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.django_db(transaction=True)
def test_the_unit_head_generates_changes_and_publishes_next_months_roster(
    live_server,
    browser,
    roster_unit,
    roster_head,
    assigned,
):
    from shifts.models import Duty, Roster

    page = login(browser, live_server, roster_head)
    visit(page, live_server.url + "/shifts/rosters/", "head-rosters-id")
    start = month_start(1)
    page.locator(f"form:has(input[name=period_start][value='{start:%Y-%m-%d}']) button[type=submit]").click()
    page.wait_for_load_state()
    roster = Roster.objects.get(unit=roster_unit, period_start=start)
    assert page.url.rstrip("/").endswith(f"/shifts/rosters/{roster.id}") or f"/shifts/rosters/{roster.id}/" in page.url
    assert_fits_phone(page)
    axe(page)
    shot(page, "head-roster-empty-id")

    page.locator("form[action$='/generate/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert Duty.objects.filter(roster=roster, is_active=True).count() == 4 * (
        (roster.period_end - roster.period_start).days + 1
    )
    assert_fits_phone(page)
    axe(page)
    shot(page, "head-roster-generated-id")

    # On a phone the day cards carry the cells: the first nurse's first day becomes a day off.
    nurse = assigned[0].employee
    card = page.locator(f"li.sched-daycard[data-date='{start:%Y-%m-%d}']")
    card.locator("a.roster-person-link", has_text=nurse.name).click()
    page.locator("#cell-edit").wait_for()
    assert_fits_phone(page)
    axe(page)
    shot(page, "head-roster-cell-id")
    page.locator("#cell-edit select[name=cell]").select_option("OFF")
    page.locator("#cell-edit button[type=submit]").click()
    page.wait_for_load_state()
    edited = Duty.objects.get(roster=roster, employee=nurse, duty_date=start, is_active=True)
    assert edited.kind == "OFF" and edited.source == "MANUAL"

    # Publish: over the warnings only with a reason (an empty reason is refused in the page).
    publish = page.locator("#publish")
    if page.locator("#roster-warnings").count():
        publish.locator("button[type=submit]").click()
        page.wait_for_load_state()
        roster.refresh_from_db()
        assert roster.status == "DRAFT"
        assert (
            page.locator("#publish .error-message, #publish [id$=-error]").count()
            or page.locator(".error-summary, [role=alert]").count()
        )
        axe(page)
        shot(page, "head-roster-publish-refused-id")
        page.locator("#publish textarea[name=override_reason]").fill(
            "Kekurangan jam minggu pertama diganti pada minggu berikutnya."
        )
    page.locator("#publish button[type=submit]").click()
    page.wait_for_load_state()
    roster.refresh_from_db()
    assert roster.status == "PUBLISHED"
    assert Duty.objects.filter(roster=roster, is_active=True, is_published=False).count() == 0
    assert_fits_phone(page)
    axe(page)
    shot(page, "head-roster-published-id")
    assert not page.csp_errors
    page.context.close()

    desk = login(browser, live_server, roster_head, viewport=DESKTOP)
    desk.goto(live_server.url + f"/shifts/rosters/{roster.id}/")
    axe(desk)
    shot(desk, "head-roster-published-desktop-id")
    desk.context.close()


@pytest.mark.django_db(transaction=True)
def test_a_night_duty_checked_in_at_20_50_and_out_at_07_05(
    live_server,
    browser,
    roster_unit,
    published_roster,
    nurses,
    clock,
):
    from attendance.models import CheckEvent
    from shifts.models import Duty

    today = datetime.datetime.now(WITA).date()
    published_roster(month_start(0))
    if today.day >= 27:
        published_roster(month_start(1))
    night = Duty.objects.filter(
        employee__unit=roster_unit, duty_date=today, is_active=True, is_published=True, shift_type__code="M"
    ).first()
    assert night is not None
    user = next(u for u in nurses if u.employee.id == night.employee_id)
    gps = {"geolocation": near_office(roster_unit), "permissions": ["geolocation"]}
    clock(datetime.datetime.combine(today, datetime.time(20, 50)))

    # In English first: tonight's duty on the home page, in my duties and on the check page.
    page = login(browser, live_server, speak(user, "en"), locale="en-GB", **gps)
    visit(page, live_server.url + "/", "nurse-home-tonight-en")
    visit(page, live_server.url + "/shifts/my/", "nurse-my-duties-en")
    assert "21:00" in page.locator("main").inner_text()
    visit(page, live_server.url + "/attendance/", "nurse-check-before-en")
    page.context.close()

    # In Indonesian: check in at 20:50 ...
    page = login(browser, live_server, speak(user, "id"), **gps)
    visit(page, live_server.url + "/", "nurse-home-tonight-id")
    visit(page, live_server.url + "/shifts/my/", "nurse-my-duties-id")
    visit(page, live_server.url + "/attendance/", "nurse-check-before-id")
    page.locator("#check-button").click()
    page.wait_for_url("**/attendance/?recorded=in*")
    assert "20.5" in page.locator("#check-result").inner_text()
    axe(page)
    shot(page, "nurse-check-in-20-50-id")
    assert not page.csp_errors
    page.context.close()

    # ... and out at 07:05 the next morning (signed in again: the evening's session has ended).
    clock(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(7, 5)))
    page = login(browser, live_server, user, **gps)
    visit(page, live_server.url + "/attendance/", "nurse-check-morning-id")
    page.locator("#check-button").click()
    page.wait_for_url("**/attendance/?recorded=out*")
    assert "07.0" in page.locator("#check-result").inner_text()
    axe(page)
    shot(page, "nurse-check-out-07-05-id")
    assert not page.csp_errors
    page.context.close()

    events = {e.kind: e for e in CheckEvent.objects.filter(employee_id=night.employee_id)}
    assert set(events) == {"IN", "OUT"}
    assert {e.duty_id for e in events.values()} == {night.id}
    assert {e.local_date for e in events.values()} == {today}  # the duty's date, not the morning's


@pytest.mark.django_db(transaction=True)
def test_a_swap_asked_accepted_and_approved(
    live_server,
    browser,
    roster_unit,
    roster_head,
    published_roster,
    nurses,
):
    from shifts.models import Duty, DutySwap

    today = datetime.datetime.now(WITA).date()
    published_roster(month_start(0))
    published_roster(month_start(1))
    # A day soon when one nurse is off: the afternoon nurse gives her duty to the nurse who is off.
    day = today + datetime.timedelta(days=2)
    while not Duty.objects.filter(employee__unit=roster_unit, duty_date=day, kind="OFF", is_active=True).exists():
        day += datetime.timedelta(days=1)
    duties = Duty.objects.filter(employee__unit=roster_unit, duty_date=day, is_active=True).select_related("shift_type")
    given = next(d for d in duties if d.shift_type and d.shift_type.code == "S")
    off = next(d for d in duties if d.kind == "OFF")
    asker = next(u for u in nurses if u.employee.id == given.employee_id)
    colleague = speak(next(u for u in nurses if u.employee.id == off.employee_id), "en")

    page = login(browser, live_server, asker)
    visit(page, live_server.url + "/shifts/my/", "swap-my-duties-id")
    page.locator(f"a[href*='duty={given.id}']").click()
    page.wait_for_load_state()
    assert_fits_phone(page)
    axe(page)
    shot(page, "swap-new-id")
    page.locator("select[name=colleague]").select_option(str(off.employee_id))
    page.locator("textarea[name=reason]").fill("Mengantar orang tua berobat ke Rumah Sakit Wahidin.")
    page.locator("form[action*='/shifts/swaps/new/'] button[type=submit]").click()
    page.wait_for_load_state()
    swap = DutySwap.objects.get(duty=given)
    assert swap.status == "draft" and swap.answer == "WAITING"  # with the colleague, not yet the head
    assert_fits_phone(page)
    axe(page)
    shot(page, "swap-asked-id")
    page.context.close()

    page = login(browser, live_server, colleague, locale="en-GB")
    visit(page, live_server.url + "/shifts/swaps/", "swap-asked-of-me-en")
    visit(page, live_server.url + f"/shifts/swaps/{swap.id}/", "swap-to-answer-en")
    page.locator(f"form[action$='/{swap.id}/accept/'] button[type=submit]").click()
    page.wait_for_load_state()
    swap.refresh_from_db()
    assert swap.answer == "ACCEPTED"
    axe(page)
    shot(page, "swap-accepted-en")
    page.context.close()

    page = login(browser, live_server, roster_head)
    visit(page, live_server.url + f"/shifts/swaps/{swap.id}/", "swap-to-decide-id")
    if page.locator("#override-reason").count():
        page.locator("#override-reason").fill("Regu tetap lengkap pada hari itu.")
    page.locator(f"form[action$='/{swap.id}/approve/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    swap.refresh_from_db()
    assert swap.status == "approved"
    assert_fits_phone(page)
    axe(page)
    shot(page, "swap-approved-id")
    assert not page.csp_errors
    page.context.close()

    taken = Duty.objects.get(employee_id=off.employee_id, duty_date=day, is_active=True)
    assert taken.kind == "SHIFT" and taken.shift_type.code == "S" and taken.source == "SWAP"
    assert Duty.objects.get(employee_id=given.employee_id, duty_date=day, is_active=True).kind == "OFF"


@pytest.mark.django_db(transaction=True)
def test_the_demo_call_centre_in_both_languages(live_server, browser):
    """After `seed_demo`: the call centre's head opens this month's roster (phone and desktop) and the
    rosters list; an operator opens her duties and the swaps page; in Indonesian and in English."""
    from io import StringIO

    from django.core.management import call_command

    from flexwork.common.calendar import today_in
    from flexwork.org.management.commands.seed_demo import AGENCY_CODE, DEMO_PASSWORD, ROSTER_UNIT
    from flexwork.org.models import Employee
    from shifts.models import DutySwap, Roster

    call_command("seed_demo", stdout=StringIO())
    head = Employee.objects.get(agency__code=AGENCY_CODE, headed_units__code=ROSTER_UNIT)
    operator = Employee.objects.filter(unit__code=ROSTER_UNIT, unit__agency__code=AGENCY_CODE).exclude(id=head.id)
    operator = operator.order_by("nip").first()
    month = today_in("Asia/Makassar").replace(day=1)
    roster = Roster.objects.get(unit__code=ROSTER_UNIT, unit__agency__code=AGENCY_CODE, period_start=month)

    def sign_in(employee, language, **options):
        locale = "id-ID" if language == "id" else "en-GB"
        context = browser.new_context(**{"viewport": {"width": 390, "height": 844}, "locale": locale, **options})
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_login", employee.nip)
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        return page

    for language in ("id", "en"):
        page = sign_in(head, language)
        visit(page, live_server.url + "/shifts/rosters/", f"demo-head-rosters-{language}")
        visit(page, live_server.url + f"/shifts/rosters/{roster.id}/", f"demo-head-roster-{language}")
        assert page.locator("li.sched-daycard").count() == (roster.period_end - roster.period_start).days + 1
        page.context.close()
        desk = sign_in(head, language, viewport=DESKTOP)
        desk.goto(live_server.url + f"/shifts/rosters/{roster.id}/")
        axe(desk)
        shot(desk, f"demo-head-roster-desktop-{language}")
        counts = desk.locator("#roster-grid tfoot td[data-minimum]")
        assert counts.count() > 0
        minimums = 0
        for i in range(counts.count()):
            cell = counts.nth(i)
            minimum = cell.get_attribute("data-minimum")
            if minimum and minimum.isdigit() and int(minimum):
                minimums += 1
                assert int(cell.get_attribute("data-count")) >= int(minimum)
        assert minimums >= 3 * 28  # P, S and M every day of the month
        desk.context.close()

        waiting = DutySwap.objects.filter(duty__unit=roster.unit, status="submitted").first()
        if waiting is not None:  # a swap a few days ahead, when the month still has them
            page = sign_in(head, language)
            visit(page, live_server.url + "/shifts/swaps/", f"demo-head-swaps-{language}")
            assert waiting.employee.name in page.locator("main").inner_text()
            visit(page, live_server.url + f"/shifts/swaps/{waiting.id}/", f"demo-head-swap-{language}")
            assert page.locator(f"form[action$='/{waiting.id}/approve/']").count() == 1
            page.context.close()

        page = sign_in(operator, language)
        visit(page, live_server.url + "/", f"demo-operator-home-{language}")
        visit(page, live_server.url + "/shifts/my/", f"demo-operator-duties-{language}")
        visit(page, live_server.url + "/shifts/swaps/", f"demo-operator-swaps-{language}")
        page.context.close()
