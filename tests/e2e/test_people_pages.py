"""The pages of a unit's people in the browser, a unit of 120: a page of 50 with a pager that says
"1–50 of 120" in the viewer's language, whose targets are big enough for a thumb, on a phone and a desktop,
axe on each (docs/rules.md §3 "Team calendar")."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login_in, look
from tests.schedules.test_team_calendar_scale import _crowd

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CROWD = 117


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_team_calendar_team_page_and_employee_list_page_their_people(
    language, browser, live_server, org_world, unit_head_a, hr_admin_a
):
    from tests.schedules.conftest import next_monday

    _crowd(org_world.sec_a, CROWD)
    word = {"id": "dari", "en": "of"}[language]
    monday = next_monday(1, employee_user=unit_head_a)
    page = login_in(browser, live_server, unit_head_a, language)

    page.goto(f"{live_server.url}/schedule/team/?unit={org_world.sec_a.id}&view=week&date={monday}")
    total = page.locator(".people-pager-range").first.inner_text()
    assert total.startswith("1–50 ") and f" {word} " in total
    assert page.locator("#team-calendar tbody tr").count() == 50
    box = page.locator(".people-pager a[rel=next]").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    look(page, "team-calendar-pager", language)
    page.locator(".people-pager a[rel=next]").first.click()
    page.wait_for_load_state()
    assert page.locator(".people-pager-range").first.inner_text().startswith("51–100 ")
    page.fill("#team-search", "Ramai 0010")
    page.locator("form.sched-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#team-calendar tbody tr").count() == 10
    look(page, "team-calendar-search", language)

    page.goto(f"{live_server.url}/attendance/team/")
    assert page.locator(".team-row").count() == 50
    look(page, "team-today-pager", language)
    page.context.close()

    page = login_in(browser, live_server, hr_admin_a, language)
    page.goto(f"{live_server.url}/hr/employees/?unit={org_world.sec_a.id}")
    assert page.locator(".people-pager a[rel=next]").count() == 1
    look(page, "employee-list-pager", language)
    page.context.close()
