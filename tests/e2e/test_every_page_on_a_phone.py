"""Every page of FlexWork on a 390×844 phone, in Indonesian and in English: the frame above the page
title (header, sub-menu, anything else) ends within 120 px, nothing scrolls sideways, every button is
at least 44 px tall and every other control 24 px; the pages of an operator of a roster unit (which
no other persona opens) also show no raw code and pass axe.

The pages are the GET pages of the URL resolver that the access matrix lets a persona of agency A
open (tests/common/test_visible_words.py walks the same list for raw codes), each opened by the
first persona allowed, on a world with an object of each kind, a roster unit included; plus the
operator's own pages (my duties, swaps, a swap asked for, a new swap) and the pages before login."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import BLOCKING_IMPACTS, PHONE, login

pytestmark = pytest.mark.e2e

TITLE_TOP_MAX = 120  # px from the top of the page to the top of its title
ORDER = ("employee_a", "supervisor_a", "unit_head_a", "hr_admin_a", "agency_head_a")
BILINGUAL = {"/offline/"}  # the service worker's page speaks both languages at once


def title_top(page) -> float | None:
    return page.evaluate(
        "() => { const h = document.querySelector('main h1');"
        " return h ? h.getBoundingClientRect().top + window.scrollY : null; }"
    )


def html_pages(user, language: str, paths: list[str], problems: list[str]) -> list[str]:
    """The paths that answer a page (200, HTML in the site's frame) to this user: downloads,
    redirects and the fragments a page fetches are no pages; a server error is a problem."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found = []
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path} ({language}): answers {response.status_code}")
        elif (
            response.status_code == 200
            and "text/html" in response.get("Content-Type", "")
            and b'<main id="main"' in response.content
        ):
            found.append(path)
    return found


def operator_paths(world) -> list[str]:
    from django.urls import reverse

    from flexwork.common import nav
    from flexwork.org.scope import scope_for
    from shifts.models import Duty, DutyKind

    shifts = world.shifts
    operator = shifts.assignment.employee
    roles = nav.roles_of(scope_for(operator.user), with_roster=True)
    paths = [reverse(page.url_name) for page in nav.allowed_pages(roles)]
    other = (
        Duty.objects.filter(employee=operator, kind=DutyKind.SHIFT, is_active=True, is_published=True)
        .exclude(id=shifts.duty.id)
        .order_by("duty_date")
        .first()
    )
    paths.append(reverse("shifts:swap", args=[shifts.swap.id]))
    if other is not None:
        paths.append(reverse("shifts:swap_new") + f"?duty={other.id}")
    return paths


# Buttons (and links styled as buttons) are the page's actions: 44 px for the thumb. Other controls
# (links in their own line, summaries, fields) at least 24 px; a link inside running text is exempt.
SMALL_TARGETS = """() => {
  const small = [];
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
      && getComputedStyle(el).visibility !== 'hidden'; };
  const name = el => (el.innerText || el.value || el.getAttribute('aria-label') || el.id || el.tagName).trim().slice(0, 40);
  for (const el of document.querySelectorAll('main button, main .button, main input[type=submit]')) {
    if (visible(el) && el.getBoundingClientRect().height < 44) small.push(`button “${name(el)}” ${Math.round(el.getBoundingClientRect().height)} px`);
  }
  for (const el of document.querySelectorAll('main summary, main select, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main textarea')) {
    if (visible(el) && el.getBoundingClientRect().height < 24) small.push(`${el.tagName.toLowerCase()} “${name(el)}” ${Math.round(el.getBoundingClientRect().height)} px`);
  }
  return small;
}"""


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def sweep(page, live_server, paths: list[str], who: str, language: str, *, closely: bool = False) -> list[str]:
    """Open each path; with `closely`, also look for raw codes and run axe."""
    from tests.common.test_visible_words import offences

    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    problems = []
    for path in paths:
        response = page.goto(live_server.url + path)
        where = f"{path} as {who} ({language})"
        if response is None or response.status != 200:
            problems.append(f"{where}: answers {response.status if response else 'nothing'}")
            continue
        if path not in BILINGUAL and page.get_attribute("html", "lang") != language:
            problems.append(f"{where}: the page is not in {language}")
        top = title_top(page)
        if top is None:
            problems.append(f"{where}: no page title (main h1)")
        elif top > TITLE_TOP_MAX:
            problems.append(f"{where}: the title starts at {top:.0f} px")
        problems += [f"{where}: {target}" for target in page.evaluate(SMALL_TARGETS)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{where}: {width} px wide")
        if closely:
            problems += [f"{where}: {offence}" for offence in offences(page.content(), language)]
            problems += [f"{where}: {violation}" for violation in axe_problems(page)]
    return problems


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_keeps_its_title_near_the_top_of_a_phone(live_server, browser, org_world, language):
    from tests.common.test_visible_words import _build, _pages

    world = _build(org_world)
    by_persona: dict[str, list[str]] = {}
    public: list[str] = []
    for _key, path, personas in _pages(world):
        if personas == ["anonymous"]:
            public.append(path)
            continue
        first = next(p for p in ORDER if p in personas)
        by_persona.setdefault(first, []).append(path)

    problems: list[str] = []
    opened = 0
    for persona, paths in by_persona.items():
        user = getattr(org_world, persona)
        paths = html_pages(user, language, paths, problems)
        opened += len(paths)
        page = login(browser, live_server, user)
        problems += sweep(page, live_server, paths, persona, language)
        assert not page.csp_errors, page.csp_errors
        page.context.close()

    operator = world.shifts.assignment.employee.user
    paths = html_pages(operator, language, operator_paths(world), problems)
    assert any("/shifts/my/" in p for p in paths) and any("/shifts/swaps/new/" in p for p in paths), paths
    opened += len(paths)
    page = login(browser, live_server, operator)
    problems += sweep(page, live_server, paths, "an operator of a roster unit", language, closely=True)
    page.context.close()

    context = browser.new_context(viewport=PHONE, locale="id-ID")
    paths = html_pages(None, language, public, problems)
    opened += len(paths)
    problems += sweep(context.new_page(), live_server, paths, "a visitor", language)
    context.close()

    assert opened > 80, f"only {opened} pages opened: the world or the access table lost its pages"
    assert not problems, "\n".join(problems)
