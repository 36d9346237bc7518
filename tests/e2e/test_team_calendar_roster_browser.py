# ruff: noqa: F811  (the shift and browser fixtures are imported from tests/shifts and tests/e2e)
"""The team calendar of a ROSTER unit in the browser: on a phone (390×844) one card per day that fits the
screen, on a desktop (1366×768) the grid; in Indonesian and English; axe on each; the CSP allows the
shift colours."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot
from tests.schedules.test_team_calendar_roster import rostered, url, week  # noqa: F401
from tests.shifts.conftest import nurses, roster_head, roster_unit, shift_position, shift_types  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_the_roster_calendar_on_a_phone_and_a_desktop(
    locale, browser, live_server, roster_head, roster_unit, rostered, week
):
    language = locale[:2]
    for name, viewport in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1366, "height": 768})):
        page = login(browser, live_server, roster_head, viewport=viewport, locale=locale)
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto(live_server.url + url(roster_unit, week))
        page.wait_for_load_state()
        if name == "phone":
            assert page.locator(".roster-daylist .sched-daycard").count() == 7
            assert_fits_phone(page)
        else:
            assert page.locator("#team-calendar").is_visible()
        axe(page)
        screenshot(page, f"roster-calendar-{name}-{language}")
        assert not page.csp_errors
        page.context.close()
