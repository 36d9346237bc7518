"""Swagger UI works under the CSP, with assets served by this server only (no CDN)."""

import pytest

pytestmark = pytest.mark.e2e


def test_swagger_ui_renders_in_a_browser_without_csp_violations(live_server, browser):
    problems: list[str] = []
    page = browser.new_page()
    try:
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        requested_hosts: set[str] = set()
        page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector(".opblock-tag", timeout=15000)
        assert page.locator(".opblock").count() > 0
    finally:
        page.close()

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert requested_hosts == {live_server.url.split("/")[2]}
