"""bench/pages.py against the live server on small data: it answers the keys of its contract, counts only the
right pages, and its titles are the catalogues' (no timings are asserted)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, pgettext

from bench import pages


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_the_titles_are_the_pages_titles_in_both_languages():
    with translation.override("en"):
        home = pgettext("start page", "Home")
    english = {
        "home": home,
        "checkin": "Check in or out",
        "approval_queue": "Approvals",
        "team_calendar": "Team calendar",
        "employee_list": "Employees",
        "hr_dashboard": "Dashboard",
        "report": "Reports",
    }
    with translation.override("id"):
        indonesian = {
            name: pgettext("start page", text) if name == "home" else gettext(text) for name, text in english.items()
        }
    assert {name: titles for name, titles in pages.TITLES.items()} == {
        name: (english[name], indonesian[name]) for name in english
    }


@pytest.mark.django_db(transaction=True)
def test_measure_pages_answers_each_page_and_role(live_server, org_world, hr_admin_a, unit_head_a):
    sessions = {"hr_admin": _session(hr_admin_a), "unit_head": _session(unit_head_a)}
    result = pages.measure_pages(
        live_server.url, sessions, seconds=0.01, team_unit_id=org_world.sec_a.id, cookie_name="sessionid"
    )
    for name in ("home", "checkin", "approval_queue", "team_calendar", "employee_list", "hr_dashboard", "report"):
        assert result[f"page_{name}_p50_ms"] > 0, name
        assert result[f"page_{name}_p95_ms"] >= result[f"page_{name}_p50_ms"]
    assert result["page_team_calendar_hr_admin_n"] >= pages.MIN_REQUESTS
    assert "page_team_calendar_unit_head_p95_ms" in result


@pytest.mark.django_db(transaction=True)
def test_a_page_that_is_not_the_page_is_not_counted(live_server, org_world):
    with pytest.raises(RuntimeError, match="not the page"):  # no session: the login page, not home
        pages.measure_pages(live_server.url, {"hr_admin": "nobody"}, seconds=0.01, pages=("home",))


def test_the_cli_prints_the_measures(monkeypatch, capsys):
    seen = {}

    def fake(base_url, sessions, **kwargs):
        seen.update(base_url=base_url, sessions=sessions, **kwargs)
        return {"page_home_p50_ms": 1.0, "page_home_p95_ms": 2.0}

    monkeypatch.setattr(pages, "measure_pages", fake)
    assert pages.main(["--base-url", "http://127.0.0.1:1", "--sessionid", "abc", "--role", "unit_head"]) == 0
    assert seen["sessions"] == {"unit_head": "abc"} and '"page_home_p95_ms": 2.0' in capsys.readouterr().out
