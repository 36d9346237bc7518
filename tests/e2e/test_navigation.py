"""The frame around every page, as each role sees it: on a 390×844 phone a bottom bar of at most five
items and a header that leaves the page title within the first 120 px; every link of the role's
menus opens (no 403), in Indonesian and in English, with axe on each page (the head and an operator
of a unit on a roster included); on 1366×768 the top menu. And the installable app: with the network
gone, the service worker shows the offline page."""

import pytest

from flexwork.common import nav
from flexwork.org.scope import scope_for
from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

PERSONAS = ("employee_a", "supervisor_a", "unit_head_a", "agency_head_a", "hr_admin_a")
# With a unit of agency A on a roster (docs/rules.md §8): its head (unit head A) and one of its operators.
ROSTER_PERSONAS = ("roster_head_a", "operator_a")
TITLE_TOP_MAX = 120  # px above the page title on a phone, header and sub-menu included
# Pages whose path the menus give with a query string or that lead off the frame are not in the registry.


def menu_urls(user) -> list[str]:
    from django.urls import reverse

    roles = nav.roles_of(scope_for(user), with_roster=True)
    return [reverse(page.url_name) for page in nav.allowed_pages(roles)]


def set_language(page, live_server, code: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": code, "url": live_server.url}])


def check_phone_frame(page, url: str) -> None:
    bar = page.locator("nav.tabbar")
    assert bar.is_visible(), f"{url}: no bottom bar"
    items = bar.locator(":scope > ul > li")
    assert items.count() <= 5, f"{url}: {items.count()} items in the bottom bar"
    for index in range(items.count()):
        box = items.nth(index).locator("a, summary").first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, f"{url}: bottom bar item {index} is {box}"
    assert not page.locator("nav.topnav").is_visible()
    title_top = page.evaluate("document.querySelector('main h1').getBoundingClientRect().top + window.scrollY")
    assert title_top <= TITLE_TOP_MAX, f"{url}: the page title starts at {title_top:.0f} px"
    tabs = page.locator("nav.tabs a")
    for index in range(tabs.count()):
        box = tabs.nth(index).bounding_box()
        assert box["height"] >= 24, f"{url}: a tab is {box['height']:.0f} px tall"
    current = page.locator("nav.tabbar [aria-current], nav.tabbar summary.current, nav.tabs [aria-current]")
    assert current.count() >= 1, f"{url}: nothing in the menus says where we are"
    assert_fits_phone(page)


def persona_user(org_world, persona: str):
    if persona not in ROSTER_PERSONAS:
        return getattr(org_world, persona)
    from tests.reliability.world import _roster_world

    shifts = _roster_world(org_world)
    return org_world.unit_head_a if persona == "roster_head_a" else shifts.assignment.employee.user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS + ROSTER_PERSONAS)
def test_every_menu_page_of_a_role_on_a_phone_in_both_languages(live_server, browser, org_world, persona):
    user = persona_user(org_world, persona)
    urls = menu_urls(user)
    if persona in ROSTER_PERSONAS:
        assert {"/shifts/swaps/", "/shifts/my/" if persona == "operator_a" else "/shifts/rosters/"} <= set(urls)
    page = login(browser, live_server, user)
    for language in ("id", "en"):
        set_language(page, live_server, language)
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status == 200, f"{persona}: {url} answers {response.status}"
            assert page.get_attribute("html", "lang") == language
            check_phone_frame(page, url)
            axe(page)
            screenshot(page, f"{persona}-{language}-{url.strip('/').replace('/', '-') or 'home'}")
    assert not page.csp_errors
    page.context.close()


@pytest.mark.django_db(transaction=True)
def test_the_more_menu_opens_and_switches_the_language(live_server, browser, org_world):
    page = login(browser, live_server, org_world.supervisor_a)
    more = page.locator("nav.tabbar details.more")
    more.locator("summary").click()
    panel = more.locator(".more-panel")
    assert panel.is_visible()
    assert panel.get_by_role("link", name="Persetujuan").is_visible()
    assert panel.get_by_role("button", name="Keluar").is_visible()
    axe(page)
    screenshot(page, "supervisor-more-open")
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    more.locator("summary").click()
    panel.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("nav.tabbar").get_by_text("More").is_visible()
    page.context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_desktop_has_a_top_menu(live_server, browser, org_world, persona):
    user = getattr(org_world, persona)
    page = login(browser, live_server, user, viewport=DESKTOP)
    for language in ("id", "en"):
        set_language(page, live_server, language)
        for url in ("/", "/attendance/", "/arrangements/"):
            page.goto(live_server.url + url)
            top = page.locator("nav.topnav")
            assert top.is_visible() and not page.locator("nav.tabbar").is_visible()
            assert top.locator("[aria-current]").count() == 1
            header = page.locator("header.site-header").bounding_box()
            assert header["height"] <= 64, f"{persona}: the desktop header is {header['height']:.0f} px tall"
            axe(page)
            screenshot(page, f"desktop-{persona}-{language}-{url.strip('/') or 'home'}")
    page.locator("details.menu summary").click()
    assert page.locator("details.menu .more-panel").is_visible()
    axe(page)
    screenshot(page, f"desktop-{persona}-menu-open")
    page.context.close()


def _unreachable(route):
    """The network is gone for the service worker too (offline emulation alone does not reach it)."""
    route.abort("internetdisconnected")


@pytest.mark.django_db(transaction=True)
def test_without_network_the_offline_page_shows(live_server, browser, org_world):
    page = login(browser, live_server, org_world.employee_a)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)
    page.context.set_offline(True)
    page.context.route("**/*", _unreachable)
    page.goto(live_server.url + "/attendance/")
    assert page.get_by_role("heading", name="Anda sedang luring").is_visible()
    assert page.get_by_role("heading", name="You are offline").is_visible()
    axe(page)
    screenshot(page, "offline")
    page.context.unroute("**/*", _unreachable)
    page.context.set_offline(False)
    page.get_by_role("button", name="Coba lagi").click()
    page.wait_for_load_state()
    assert page.locator("nav.tabs a[aria-current]").is_visible()  # the check-in page, back online
    assert not page.get_by_text("Anda sedang luring").is_visible()
    page.context.close()
