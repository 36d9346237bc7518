"""The home page: its check button says what the next tap does, like the check page's own button:
check in → check out → the day is complete (docs/rules.md §4); the day's cache is forgotten on each
check, so the label changes at once. The head of the agency sees the agency's day first."""

import re

import pytest
from django.conf import settings

from tests.attendance.conftest import MONDAY, at
from tests.attendance.test_check_page import post


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): timezone.now() returns it from then on."""
    from django.utils import timezone

    state = {}
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: state.get("now") or real())
    return lambda moment: state.__setitem__("now", moment)


@pytest.fixture
def home_client(client, employee_a):
    client.force_login(employee_a)
    return client


def home_check(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    block = html.split('id="home-check">', 1)[1].split("</p>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", block).split())


@pytest.mark.parametrize(
    "language, before, after_in, done",
    [
        ("id", "Presensi masuk sekarang", "Presensi pulang sekarang", "✓ Presensi hari ini selesai · Presensi"),
        ("en", "Check in now", "Check out now", "✓ Today's attendance is complete · Attendance"),
    ],
)
def test_the_home_button_follows_the_day(
    home_client,
    clock,
    django_capture_on_commit_callbacks,
    language,
    before,
    after_in,
    done,
):
    clock(at(MONDAY, 7, 12))
    assert home_check(home_client, language) == before
    with django_capture_on_commit_callbacks(execute=True):  # the check forgets the cached day on commit
        post(home_client, "IN")
    assert home_check(home_client, language) == after_in
    clock(at(MONDAY, 16, 5))
    with django_capture_on_commit_callbacks(execute=True):
        post(home_client, "OUT")
    assert home_check(home_client, language) == done


def test_the_agency_head_starts_from_the_agencys_day(client, agency_head_a):
    client.force_login(agency_head_a)
    html = client.get("/").content.decode()
    assert 'id="first-steps"' in html
    assert html.index('aria-labelledby="home-agency"') < html.index('id="first-steps"')
    assert html.index('aria-labelledby="home-agency"') < html.index('aria-labelledby="home-today"')


def test_the_day_at_hand_comes_before_the_first_steps(home_client):
    html = home_client.get("/").content.decode()
    assert 'id="first-steps"' in html
    assert html.index('aria-labelledby="home-today"') < html.index('id="first-steps"')


def test_staff_on_a_roster_check_in_from_the_duty_card_only(client, org_world):
    """One check button on the page: the duty card's, which says whether today has a duty."""
    from tests.reliability.world import _roster_world

    operator = _roster_world(org_world).assignment.employee.user
    client.force_login(operator)
    html = client.get("/").content.decode()
    assert 'aria-labelledby="home-today"' in html and 'id="home-check"' not in html
    card = html.split('id="duty-today"', 1)[1].split("</section>", 1)[0]
    assert 'class="button" href="/attendance/"' in card
