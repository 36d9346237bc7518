"""After the demo seed (what `make run` loads), every dashboard a role opens shows real numbers:
no headline tile is empty, every chart has rows behind it, and last month's report of each kind
has rows. Walked on a phone in Bahasa Indonesia and in English, axe on every page."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.conftest import DESKTOP, PHONE, assert_fits_phone, axe, screenshot

pytestmark = pytest.mark.e2e

EMPTY_ROWS = {"No data.", "Nobody.", "None.", "Tidak ada data.", "Tidak ada.", "Tidak ada siapa pun."}


def sign_in(browser, live_server, account, language):
    from flexwork.org.management.commands.seed_demo import DEMO_PASSWORD

    context = browser.new_context(viewport=PHONE, locale="id-ID" if language == "id" else "en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", account["username"])
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


def visit(page, url, name):
    page.goto(url)
    page.wait_for_load_state()
    assert page.locator("main h1").first.is_visible()
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def headline_values(page, scope="main") -> dict[str, str]:
    tiles = page.locator(f"{scope} dl.headline-grid > div")
    assert tiles.count() >= 6, page.url
    return {
        tiles.nth(i).locator("dt").inner_text().strip(): tiles.nth(i).locator("dd").inner_text().strip()
        for i in range(tiles.count())
    }


def assert_tiles_filled(values: dict[str, str], *, working_day: bool, url: str) -> None:
    for label, value in values.items():
        assert label, url
        if not working_day and value.startswith("–"):
            continue  # nobody is expected on a day off: attendance has no share to show
        assert re.search(r"\d", value), f"{url}: the tile {label!r} is empty ({value!r})"


def assert_charts_have_rows(page, *, skip_today: bool) -> None:
    panels = page.locator("main section.chart-pair")
    assert panels.count() >= 4
    for i in range(panels.count()):
        panel = panels.nth(i)
        heading = panel.locator("h2").inner_text()
        if skip_today and panel.locator("h2#p-today, h2#p-coverage").count():
            continue
        rows = [r.strip() for r in panel.locator("details.chart-data tbody tr").all_inner_texts()]
        assert rows and not set(rows) <= EMPTY_ROWS, f"{page.url}: the chart {heading!r} has no data"


@pytest.mark.django_db(transaction=True)
def test_every_dashboard_of_the_demo_shows_numbers(live_server, browser):
    from flexwork.common.calendar import is_working_day, today_in
    from flexwork.org.management.commands.seed_demo import AGENCY_CODE
    from flexwork.org.models import Agency
    from flexwork.org.selectors import holiday_dates

    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    accounts = [a for a in json.loads(out.getvalue())["accounts"] if a["agency"] == AGENCY_CODE]
    by_role = {}
    for account in accounts:
        by_role.setdefault(account["role"], account)
    agency = Agency.objects.get(code=AGENCY_CODE)
    today = today_in(agency.time_zone)
    working_day = is_working_day(today, holiday_dates(agency_id=agency.id, date_from=today, date_to=today))

    for language in ("id", "en"):
        hr = sign_in(browser, live_server, by_role["hr_admin"], language)
        visit(hr, live_server.url + "/dashboard/", f"demo-hr-dashboard-{language}")
        assert_tiles_filled(headline_values(hr), working_day=working_day, url=hr.url)
        assert_charts_have_rows(hr, skip_today=not working_day)
        at_risk = hr.locator("section[aria-labelledby=p-at-risk] tbody tr")
        assert at_risk.count() >= 1  # the demo has targets behind their expected pace
        if language == "id":
            hr.set_viewport_size(DESKTOP)
            axe(hr)
            screenshot(hr, "demo-hr-dashboard-desktop")
            hr.set_viewport_size(PHONE)

        visit(hr, live_server.url + "/reports/", f"demo-reports-{language}")
        links = hr.locator("main table tbody tr td:first-child a")
        assert links.count() >= 4
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            hr.goto(live_server.url + href)
            text = hr.locator("main").inner_text()
            assert hr.locator("#report-empty").count() == 0, f"{href} is empty: {text[:300]}"
            rows = re.search(r"([\d.]+) (baris|rows?)", text)
            assert rows and int(rows.group(1).replace(".", "")) > 0, href
        axe(hr)
        hr.context.close()

        head = sign_in(browser, live_server, by_role["unit_head"], language)
        visit(head, live_server.url + "/dashboard/", f"demo-unit-head-dashboard-{language}")
        assert_tiles_filled(headline_values(head), working_day=working_day, url=head.url)
        head.context.close()

        supervisor = sign_in(browser, live_server, by_role["supervisor"], language)
        visit(supervisor, live_server.url + "/dashboard/team/", f"demo-supervisor-dashboard-{language}")
        assert_tiles_filled(headline_values(supervisor), working_day=working_day, url=supervisor.url)
        supervisor.context.close()

        chief = sign_in(browser, live_server, by_role["agency_head"], language)
        visit(chief, live_server.url + "/", f"demo-agency-head-home-{language}")
        heading = chief.locator("#home-agency")
        assert heading.is_visible() and ("hari ini" if language == "id" else "today") in heading.inner_text()
        values = headline_values(chief, "section.agency-today")
        assert_tiles_filled(values, working_day=working_day, url=chief.url)
        chief.context.close()
