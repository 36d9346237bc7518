"""The menus offer exactly the pages a role can open (flexwork/common/nav.py), cheaply; the frame
shows the viewer's office zone; the installable app's manifest, service worker and offline page."""

from __future__ import annotations

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from flexwork.common import nav

PERSONAS = (
    "employee_a",
    "supervisor_a",
    "unit_head_a",
    "agency_head_a",
    "hr_admin_a",
    "delegate_a",
    "roster_head_a",
    "operator_a",
    "roster_hr_a",
)


class MenuLinks(HTMLParser):
    """The hrefs of the links inside the header and every <nav> (bottom bar, tabs, "More")."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.links: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in ("header", "nav"):
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("/accounts/logout"):
                self.links.add(href)

    def handle_endtag(self, tag):
        if tag in ("header", "nav"):
            self.depth -= 1


def menu_links(html: str) -> set[str]:
    """The links to pages (not to one object: a page's own list of its objects may be a <nav> too)."""
    from django.urls import Resolver404, resolve

    parser = MenuLinks()
    parser.feed(html)
    found = set()
    for link in parser.links:
        try:
            match = resolve(link.split("?", 1)[0].split("#", 1)[0])
        except Resolver404:
            found.add(link)
            continue
        if not match.kwargs:
            found.add(link)
    return found


@pytest.fixture
def delegate_a(org_world):
    """A plain employee acting for the unit head this week: an approver by delegation only."""
    from flexwork.approvals.models import ApprovalKind
    from flexwork.approvals.services import delegation_create
    from flexwork.common.calendar import today_in
    from tests.org.factories import EmployeeFactory

    delegate = EmployeeFactory(
        agency=org_world.agency_a,
        unit=org_world.employee_a.employee.unit,
        position=org_world.employee_a.employee.position,
        supervisor=org_world.supervisor_a.employee,
        name="Plh A",
    )
    today = today_in("Asia/Makassar")
    delegation_create(
        delegator=org_world.unit_head_a.employee,
        delegate=delegate,
        date_from=today,
        date_to=today + datetime.timedelta(days=5),
        kinds=[ApprovalKind.ARRANGEMENT],
    )
    return delegate.user


@pytest.fixture
def roster_world(org_world):
    """A unit of agency A working on a roster (docs/rules.md §8), headed by unit head A, with two
    operators, a published roster and a duty swap: the shift links of the menus have something to open."""
    from tests.reliability.world import _roster_world

    return _roster_world(org_world)


@pytest.fixture
def roster_head_a(org_world, roster_world):
    return org_world.unit_head_a


@pytest.fixture
def operator_a(roster_world):
    """An operator of the roster unit: "My duties" and "Duty swaps" in the menus."""
    return roster_world.assignment.employee.user


@pytest.fixture
def roster_hr_a(org_world, roster_world):
    """HR of an agency with a unit on a roster: the shift setup pages and the agency's rosters."""
    return org_world.hr_admin_a


def _persona(request, name):
    return request.getfixturevalue(name)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_a_menu_shows_opens_and_every_hidden_page_refuses(request, org_world, persona):
    user = _persona(request, persona)
    client = _client(user)
    roles = frozenset(client.session[nav.SESSION_KEY])
    shown = {reverse(page.url_name) for page in nav.allowed_pages(roles)}
    # The links the menus draw, on every page they lead to (each page adds its section's tabs).
    seen: set[str] = set()
    queue = [reverse("home")]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{persona}: the menu's {url} answers {response.status_code}"
        links = menu_links(response.content.decode())
        assert links <= shown, f"{persona} on {url}: links outside the registry {links - shown}"
        queue.extend(links - seen)
    assert shown <= seen, f"{persona}: the registry allows pages no menu links: {shown - seen}"
    for page in nav.pages():
        if page.allows(roles):
            continue
        status = client.get(reverse(page.url_name)).status_code
        assert status in (403, 404), f"{persona}: hidden {page.url_name} answers {status}"


def test_menus_match_each_role(request, org_world, delegate_a):
    def names(persona):
        roles = frozenset(_client(_persona(request, persona)).session[nav.SESSION_KEY])
        return {page.url_name for page in nav.allowed_pages(roles)}

    employee = names("employee_a")
    for hidden in (
        "attendance-team",
        "attendance-verify",
        "attendance-exceptions",
        "performance-team",
        "performance-distribution",
        "schedules-queue",
        "hr-index",
        "reports-list",
    ):
        assert hidden not in employee
    assert {"attendance-check", "attendance-log", "schedules-request-new", "performance-my-targets"} <= employee
    supervisor = names("supervisor_a")
    assert {"schedules-queue", "attendance-verify", "attendance-exceptions", "performance-team"} <= supervisor
    assert "hr-index" not in supervisor and "performance-distribution" not in supervisor
    delegate = names("delegate_a")
    assert "schedules-queue" in delegate and "schedules-team-calendar" not in delegate
    hr = names("hr_admin_a")
    assert {"hr-index", "reports-list", "schedules-directives", "performance-distribution"} <= hr
    assert "schedules-queue" not in hr
    shifts = {"shifts:my_duties", "shifts:swaps", "shifts:rosters"}
    assert not shifts & (employee | supervisor | delegate)  # nobody of them works in a roster unit


def test_the_shift_links_follow_the_roster_roles(request, org_world, roster_world):
    def names(persona):
        roles = frozenset(_client(_persona(request, persona)).session[nav.SESSION_KEY])
        return {page.url_name for page in nav.allowed_pages(roles)}

    operator = names("operator_a")
    assert {"shifts:my_duties", "shifts:swaps", "attendance-check"} <= operator
    assert "shifts:rosters" not in operator and "shifts:hr_shifts" not in operator
    head = names("roster_head_a")
    assert {"shifts:rosters", "shifts:swaps"} <= head and "shifts:my_duties" not in head
    hr = names("roster_hr_a")
    assert {"shifts:hr_shifts", "shifts:hr_patterns", "shifts:hr_shift_units"} <= hr
    assert "shifts:my_duties" not in hr and "shifts:rosters" not in hr
    assert "shifts:my_duties" not in names("employee_a")


def test_a_supervisor_sees_exceptions_of_their_people_only(org_world, supervisor_a):
    response = _client(supervisor_a).get(reverse("attendance-exceptions"))
    assert response.status_code == 200
    options = response.content.decode()
    assert "Seksi A" in options and "Subbagian Kepegawaian A" not in options


def test_the_phone_bar_has_at_most_five_items(org_world, hr_admin_a):
    html = _client(hr_admin_a).get(reverse("home")).content.decode()
    bar = html.split('<nav class="tabbar"', 1)[1].split('<details class="more">', 1)[0]
    assert bar.count("<li>") <= 5  # the last one holds "More"
    assert f'href="{reverse("home")}" aria-current="page"' in bar


def test_the_current_page_is_marked_in_its_tabs(org_world, supervisor_a):
    html = _client(supervisor_a).get(reverse("attendance-verify")).content.decode()
    tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("attendance-verify")}" aria-current="page"' in tabs


def test_the_menus_cost_no_query_once_logged_in(org_world, hr_admin_a, django_assert_num_queries):
    client = _client(hr_admin_a)
    request = RequestFactory().get(reverse("home"))
    request.user = hr_admin_a
    request.session = client.session
    assert request.session[nav.SESSION_KEY]  # loaded, as SessionMiddleware does once per request
    from django.urls import resolve

    request.resolver_match = resolve(reverse("home"))
    with django_assert_num_queries(1):  # the unread notifications count, nothing for the menus
        html = render_to_string("base.html", request=request)
    assert reverse("hr-index") in html and reverse("reports-list") in html


def test_login_works_out_the_roles_in_at_most_three_queries(org_world, delegate_a, django_assert_max_num_queries):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore()
    with django_assert_max_num_queries(3):
        nav.remember_roles(sender=None, request=request, user=delegate_a)
    assert nav.APPROVER in request.session[nav.SESSION_KEY]
    assert request.session[nav.AGENCY_NAME_KEY] == "Dinas A"


def test_a_session_from_before_gets_its_roles_once(org_world, supervisor_a, django_assert_num_queries):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.user = supervisor_a
    request.session = SessionStore()
    assert nav.APPROVER in nav.session_roles(request)
    with django_assert_num_queries(0):
        nav.session_roles(request)


def test_the_footer_shows_the_viewers_office_zone(org_world, employee_a, employee_b):
    assert "WITA" in _footer(_client(employee_a).get(reverse("home")).content.decode())
    assert "WIB" in _footer(_client(employee_b).get(reverse("home")).content.decode())


def _footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def test_api_links_live_only_in_the_profiles_advanced_section(org_world, employee_a):
    client = _client(employee_a)
    home = client.get(reverse("home")).content.decode()
    frame = home.split("<main", 1)[0] + _footer(home)
    assert reverse("api-docs") not in frame and reverse("token-list") not in frame
    profile = client.get(reverse("profile")).content.decode()
    advanced = profile.split('id="advanced"', 1)[1]
    assert reverse("api-docs") in advanced and reverse("token-list") in advanced


def test_the_manifest_names_the_app_after_the_agency(org_world, employee_a):
    response = _client(employee_a).get(reverse("web-manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Dinas A"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512", "any"}
    assert "private" in response["Cache-Control"]


def test_the_manifest_of_a_visitor_names_the_site(db):
    manifest = json.loads(Client().get(reverse("web-manifest")).content)
    assert manifest["name"] == "FlexWork"


def test_the_service_worker_is_served_from_the_root_with_its_scope(db):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    config = json.loads(body.split("self.FLEXWORK_SW = ", 1)[1].split(";\n", 1)[0])
    assert reverse("offline") in config["precache"]
    assert not any(url.startswith("/api/") for url in config["precache"])
    assert 'request.method !== "GET"' in body and '"/api/"' in body


def test_the_offline_page_speaks_both_languages(db):
    html = Client().get(reverse("offline")).content.decode()
    assert "Anda sedang luring" in html and "You are offline" in html


def test_the_policy_allows_the_manifest_and_the_worker(db):
    policy = Client().get(reverse("account_login"))["Content-Security-Policy"]
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy


def test_one_item_of_the_phone_bar_is_marked(org_world, agency_head_a):
    html = _client(agency_head_a).get(reverse("schedules-team-calendar")).content.decode()
    bar = html.split('<nav class="tabbar"', 1)[1].split('<div class="more-panel">', 1)[0]
    assert bar.count('aria-current="true"') == 1 and 'summary class="current"' not in bar
    html = _client(agency_head_a).get(reverse("performance-team")).content.decode()
    bar = html.split('<nav class="tabbar"', 1)[1].split('<div class="more-panel">', 1)[0]
    assert "aria-current" not in bar and 'summary class="current"' in bar


def test_the_desktop_menu_marks_one_item(org_world, supervisor_a):
    html = _client(supervisor_a).get(reverse("schedules-queue")).content.decode()
    top = html.split('<nav class="topnav"', 1)[1].split("</nav>", 1)[0]
    assert top.count("aria-current") == 1
    assert f'href="{reverse("schedules-queue")}" aria-current="page"' in top


def test_a_shift_page_is_marked_in_the_bar_and_its_tabs(org_world, operator_a):
    """The shift pages are named with their namespace ("shifts:my_duties"), as the registry names them."""
    html = _client(operator_a).get(reverse("shifts:my_duties")).content.decode()
    bar = html.split('<nav class="tabbar"', 1)[1].split('<div class="more-panel">', 1)[0]
    assert f'href="{reverse("schedules-my-requests")}" aria-current="true"' in bar
    tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("shifts:my_duties")}" aria-current="page"' in tabs


def test_the_hr_shift_pages_belong_to_hr_after_its_own_set_up(org_world, roster_hr_a):
    client = _client(roster_hr_a)
    html = client.get(reverse("shifts:hr_shifts")).content.decode()
    bar = html.split('<nav class="tabbar"', 1)[1].split('<div class="more-panel">', 1)[0]
    assert 'summary class="current"' in bar and "aria-current" not in bar
    index = client.get(reverse("hr-index")).content.decode()
    assert index.index(f'href="{reverse("hr-employees")}"') < index.index(f'href="{reverse("shifts:hr_shifts")}"')
