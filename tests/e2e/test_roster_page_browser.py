# ruff: noqa: F811  (the shift fixtures are imported from tests/shifts; the browser ones come from tests/e2e/conftest.py,
# and importing those here would start a second Playwright in the same session)
"""The roster page in a browser (docs/rules.md §8): on a phone the day cards fit the screen and a tap
on a person opens the cell's form; on a desktop the grid; both in Indonesian and English, without
serious accessibility faults."""

from __future__ import annotations

import os

import pytest

from shifts import rosters
from shifts.models import DayKind, ShiftCoverage
from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login
from tests.shifts.conftest import (  # noqa: F401
    assigned,
    month_start,
    nurses,
    pattern_4,
    roster_head,
    roster_unit,
    shift_position,
    shift_types,
)

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("ROSTER_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_roster_page_on_a_phone_and_a_desktop(browser, live_server, roster_unit, roster_head, assigned, nurses,  # noqa: F811
                                             shift_types, locale):  # fmt: skip
    ShiftCoverage.objects.create(
        agency_id=roster_unit.agency_id, unit=roster_unit, shift_type=shift_types["M"], day_kind=DayKind.WEEKDAY,
        min_staff=2,
    )  # fmt: skip
    roster = rosters.roster_for(unit=roster_unit, period_start=month_start(1))
    rosters.roster_generate(roster=roster)
    language = locale[:2]
    roster_head.language = language
    roster_head.save(update_fields=["language"])
    url = f"{live_server.url}/shifts/rosters/{roster.id}/"

    phone = login(browser, live_server, roster_head, locale=locale)
    phone.goto(f"{live_server.url}/shifts/rosters/")
    assert_fits_phone(phone)
    axe(phone)
    shot(phone, f"list-phone-{language}")
    phone.goto(url)
    assert_fits_phone(phone)
    axe(phone)
    shot(phone, f"roster-phone-{language}")
    phone.locator(".sched-daylist").scroll_into_view_if_needed()
    shot(phone, f"roster-phone-days-{language}")
    phone.locator(".sched-daylist .roster-person-link").first.click()
    phone.wait_for_load_state()
    assert phone.locator("#cell-edit").is_visible()
    assert_fits_phone(phone)
    shot(phone, f"roster-phone-edit-{language}")
    assert not phone.csp_errors
    phone.context.close()

    desk = login(browser, live_server, roster_head, viewport=DESKTOP, locale=locale)
    desk.goto(url)
    axe(desk)
    assert desk.locator("#roster-grid").is_visible()
    shot(desk, f"roster-desktop-{language}")
    desk.locator("#roster-grid").scroll_into_view_if_needed()
    shot(desk, f"roster-desktop-grid-{language}")
    desk.locator("#publish").scroll_into_view_if_needed()
    shot(desk, f"roster-desktop-warnings-{language}")
    assert not desk.csp_errors
    desk.context.close()
