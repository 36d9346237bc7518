"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Playwright's sync API runs an event loop in the test thread, so Django sees an "async context" and
would refuse ORM calls made by the tests themselves; the tests are plain synchronous code, so that is
safe here."""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Requests a service worker makes show up in routes, so a test can cut them off (offline emulation
# alone does not reach the worker); read by the Playwright driver when it starts.
os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone_page(browser):
    """A fresh browser context the size of a phone (390×844)."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not csp_errors, f"the CSP blocked something: {csp_errors}"


def axe(page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    report = "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']]}" for v in blocking
    )
    assert not blocking, f"accessibility violations on {page.url}:\n{report}"


def screenshot(page, name: str) -> None:
    """With E2E_SCREENSHOTS=<dir>, keep a full-page PNG of each checked page (to look at by eye)."""
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        count = len(list(Path(folder).glob("*.png")))
        page.screenshot(path=str(Path(folder) / f"{count:02d}-{name}.png"), full_page=True)


def assert_fits_phone(page) -> None:
    """Nothing makes the whole page scroll sideways on a 390 px screen (wide tables scroll in their box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


PASSWORD = "demo-pass-123"  # tests/org/factories.EmployeeFactory


def login(browser, live_server, user, **context_options):
    """A phone-sized page (Indonesian locale) logged in as `user`; `page.csp_errors` collects the
    console's Content-Security-Policy complaints from then on. `context_options` go to
    `browser.new_context` and may replace the viewport (`viewport=DESKTOP`) or the locale."""
    context = browser.new_context(**{"viewport": PHONE, "locale": "id-ID", **context_options})
    page = context.new_page()
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.csp_errors = csp_errors
    return page


def look(page, name: str, language: str) -> None:
    """The page speaks `language`, fits a phone and passes axe; with E2E_SCREENSHOTS it is kept at
    390×844 and 1366×768."""
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, f"{name}-{language}-phone")
    if os.environ.get("E2E_SCREENSHOTS"):
        page.set_viewport_size(DESKTOP)
        screenshot(page, f"{name}-{language}-desktop")
        page.set_viewport_size(PHONE)


def login_in(browser, live_server, user, language: str):
    """A logged-in page whose language cookie is `language`."""
    page = login(browser, live_server, user)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page
