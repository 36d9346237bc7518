"""Dashboards: fixed query counts, a cold and a warm cache, no leak across scopes; the pages."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def test_hr_dashboard_cold_then_warm(march, hr_admin_a, client_for, django_assert_num_queries):
    client = client_for(hr_admin_a)
    with django_assert_num_queries(12):  # savepoint, scope, unit, 8 panels, release: whatever the agency's size
        cold = client.get("/api/v1/dashboard/hr/", MARCH)
    assert cold.status_code == 200
    body = cold.json()
    assert body["unit"]["code"] == "A-ROOT"
    compliance = {row["code"]: row for row in body["compliance"]}
    assert compliance["A-PAPUA"]["tk"] == 10 and compliance["A-PAPUA"]["hours_pct"] == 48.0
    assert [f["window"] for f in body["fwa"]] == ["before", "after"]
    with django_assert_num_queries(3):  # savepoint, scope, release: the rest comes from the cache
        warm = client.get("/api/v1/dashboard/hr/", MARCH)
    assert warm.json() == body


def test_a_unit_head_sees_only_their_subtree_even_after_hr_warmed_the_cache(
    march, org_world, hr_admin_a, unit_head_a, client_for
):
    assert client_for(hr_admin_a).get("/api/v1/dashboard/hr/", MARCH).status_code == 200
    head = client_for(unit_head_a)
    body = head.get("/api/v1/dashboard/hr/", MARCH).json()
    assert body["unit"]["code"] == "A-DIV"
    assert {row["code"] for row in body["compliance"]} <= {"A-DIV", "A-SEC"}
    outside = head.get("/api/v1/dashboard/hr/", {**MARCH, "unit": org_world.hr_unit_a.id})
    assert outside.status_code == 404
    assert set(outside.json()) == {"message", "code", "fields", "violations"}
    cache.clear()
    assert head.get("/api/v1/dashboard/hr/", {**MARCH, "unit": org_world.root_a.id}).status_code == 404


def test_roles_and_bad_ranges(march, employee_a, hr_admin_a, client_for):
    assert client_for(employee_a).get("/api/v1/dashboard/hr/").status_code == 403
    response = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"date_from": "2025-04-01", "date_to": "2025-03-01"})
    assert response.status_code == 400 and "date_from" in response.json()["fields"]
    assert client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"date_from": "not-a-date"}).status_code == 400


def test_supervisor_and_me_dashboards(march, supervisor_a, employee_a, client_for, django_assert_num_queries):
    team = client_for(supervisor_a).get("/api/v1/dashboard/supervisor/")
    assert team.status_code == 200
    assert [m["name"] for m in team.json()["team"]] == ["Pegawai A"]
    assert client_for(employee_a).get("/api/v1/dashboard/supervisor/").status_code == 403
    with django_assert_num_queries(7):  # savepoint, scope, days, today, requests, plans, release
        me = client_for(employee_a).get("/api/v1/dashboard/me/")
    assert me.status_code == 200 and me.json()["location"] == "OFFICE"


def test_pages(march, client, hr_admin_a, employee_a, supervisor_a):
    client.force_login(hr_admin_a)
    page = client.get("/reports/")
    assert page.status_code == 200 and b'name="period"' in page.content
    dashboard = client.get("/dashboard/", {"date_from": "2025-03-01", "date_to": "2025-03-31"})
    assert dashboard.status_code == 200 and b"<svg" in dashboard.content and b"<table" in dashboard.content
    posted = client.post("/reports/", {"kind": "PAYROLL", "unit": march.world.root_a.id, "period": "2025-13"})
    assert posted.status_code == 400
    client.force_login(employee_a)
    assert client.get("/reports/").status_code == 403
    home = client.get("/")
    assert home.status_code == 200 and b"home-today" in home.content
    client.force_login(supervisor_a)
    assert client.get("/dashboard/team/").status_code == 200


def test_the_reports_link_follows_the_role(march, client, hr_admin_a, employee_a):
    client.post("/accounts/login/", {"login": hr_admin_a.username, "password": "demo-pass-123"})
    assert b'href="/reports/"' in client.get("/").content
    client.logout()
    client.post("/accounts/login/", {"login": employee_a.username, "password": "demo-pass-123"})
    assert b'href="/reports/"' not in client.get("/").content
