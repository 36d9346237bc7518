"""Dashboards: fixed query counts, a cold and a warm cache, no leak across scopes; the pages."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def test_hr_dashboard_cold_then_warm(march, hr_admin_a, client_for, django_assert_num_queries):
    client = client_for(hr_admin_a)
    # Savepoint, scope, unit, JIT off, 8 one-query panels, the logs awaiting verification, the current
    # period plans (at risk), coverage by unit (units with headcount, holidays, directives, agency share,
    # leave, away), JIT reset, release: whatever the agency's size.
    with django_assert_num_queries(22):
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


def test_hr_coverage_today_is_the_team_calendars_and_leaves_people_on_leave_out(
    org_world, hr_admin_a, unit_head_a, client_for
):
    """Coverage by unit today reads schedules.coverage, as the team calendar and the rule check do: a person
    on approved leave (with a home day the leave overrides) is out of the active headcount and not away."""
    from attendance.models import LeaveKind, LeaveRequest
    from flexwork.approvals.models import ApprovalStatus
    from flexwork.common.calendar import today_in
    from schedules.models import ScheduleDay
    from tests.org.factories import EmployeeFactory

    today = today_in(org_world.agency_a.time_zone)
    sec = org_world.sec_a
    others = [EmployeeFactory(agency=org_world.agency_a, unit=sec, position=org_world.position_a) for _ in range(5)]
    LeaveRequest.objects.create(
        agency=org_world.agency_a,
        employee=others[0],
        kind=LeaveKind.CT,
        date_from=today,
        date_to=today,
        status=ApprovalStatus.APPROVED,
    )
    for person in (others[0], others[1], org_world.supervisor_a.employee):
        ScheduleDay.objects.create(
            agency=org_world.agency_a, employee=person, local_date=today, location="HOME", unit=sec
        )

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/").json()
    calendar = (
        client_for(unit_head_a).get(f"/api/v1/team-calendar/?unit={sec.id}&date_from={today}&date_to={today}").json()
    )

    row = next(c for c in body["coverage"] if c["code"] == sec.code)
    day = calendar["days"][0]
    assert (row["headcount"], row["on_leave"], row["active_headcount"], row["away"]) == (7, 1, 6, 2)
    assert (row["away"], row["allowed_away"], row["warning"]) == (
        day["away"],
        day["allowed_away"],
        day["coverage_warning"],
    )
    assert row["allowed_away"] == 1 and row["away_pct"] == 33.3
    assert row["warning"] is day["working"]
    by_location = {c["location"]: c for c in body["today_by_location"]}
    leave = by_location["LEAVE"]
    assert leave["checked_in"] + leave["not_yet"] == 1 and leave["label"] != "LEAVE"
    assert by_location["HOME"]["checked_in"] + by_location["HOME"]["not_yet"] == 2


def test_hr_pending_ages_and_decisions_count_days_in_the_viewers_office_zone(org_world, hr_admin_a, client_for):
    """Agency A counts in WITA (UTC+8), where 06:00 is 22:00 UTC the day before (docs/rules.md §1): a request
    submitted yesterday morning is 0–1 days old, and a decision belongs to the day it was made there."""
    import datetime
    from zoneinfo import ZoneInfo

    from flexwork.common.calendar import today_in
    from schedules.models import ArrangementRequest

    wita = ZoneInfo("Asia/Makassar")
    today = today_in("Asia/Makassar")
    day = datetime.timedelta(days=1)
    planned = today + 30 * day

    def at(date, hour):
        return datetime.datetime.combine(date, datetime.time(hour), tzinfo=wita)

    def request(**fields):
        ArrangementRequest.objects.create(
            agency=org_world.agency_a, employee=org_world.employee_a.employee, location="HOME", dates=[planned],
            first_date=planned, last_date=planned, reason="Menyusun laporan", **fields,
        )  # fmt: skip

    decided_on = today - 3 * day
    request(status="submitted", step="RECOMMEND", submitted_at=at(today - day, 6))  # 2 days old by the UTC date
    request(status="approved", decided_at=at(decided_on, 6))  # the day before, by the UTC date
    request(status="rejected", decided_at=at(decided_on + day, 5))  # still decided_on, by the UTC date

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/", {"date_from": decided_on, "date_to": decided_on}).json()

    arrangements = next(row for row in body["pending"] if row["kind"] == "arrangement")
    assert (arrangements["0-1"], arrangements["2-3"]) == (1, 0)
    assert [(row["code"], row["approved"], row["rejected"]) for row in body["decisions"]] == [("A-SEC", 1, 0)]
