"""Dashboards: fixed query counts, a cold and a warm cache, no leak across scopes; the pages."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

MARCH = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def test_hr_dashboard_cold_then_warm(march, hr_admin_a, client_for, django_assert_num_queries):
    client = client_for(hr_admin_a)
    # Savepoint, scope, unit, JIT off, 8 one-query panels, the logs awaiting verification, the current
    # period plans (at risk), coverage by unit (units, holidays, directives, agency share; the people counted
    # by the today panel's statement), JIT reset, release: whatever the agency's size.
    with django_assert_num_queries(20):
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


def test_hr_coverage_counts_what_the_rule_check_counts_for_every_unit(org_world, hr_admin_a, client_for):
    """The dashboard takes each unit's headcount, leave and days away from its today statement; they are the
    numbers schedules.coverage reads for the rule check: unpaid leave (CLTN) out of the headcount, leave over
    a day away, every place away from the office, a cancelled day and someone inactive not counted."""
    from django.utils import timezone

    from attendance.models import LeaveKind, LeaveRequest
    from flexwork.approvals.models import ApprovalStatus
    from flexwork.common.calendar import today_in
    from flexwork.org.models import Unit
    from schedules.coverage import coverage_for
    from schedules.models import ScheduleDay
    from tests.org.factories import EmployeeFactory

    w = org_world
    today = today_in(w.agency_a.time_zone)
    people = {
        unit: [EmployeeFactory(agency=w.agency_a, unit=unit, position=w.position_a) for _ in range(6)]
        for unit in (w.sec_a, w.div_a)
    }
    sec, div = people[w.sec_a], people[w.div_a]
    for person, kind in ((sec[0], LeaveKind.CT), (sec[1], LeaveKind.CLTN), (div[0], LeaveKind.CS)):
        LeaveRequest.objects.create(
            agency=w.agency_a, employee=person, kind=kind, date_from=today, date_to=today,
            status=ApprovalStatus.APPROVED,
        )  # fmt: skip
    days = [
        (sec[0], "HOME", None), (sec[2], "HOME", None), (sec[3], "DESIGNATED", None),
        (sec[4], "HOME", timezone.now()), (div[1], "OTHER_OFFICE", None), (div[2], "HOME", None),
    ]  # fmt: skip
    for person, location, cancelled in days:
        ScheduleDay.objects.create(
            agency=w.agency_a, employee=person, local_date=today, location=location, unit=person.unit,
            cancelled_at=cancelled, other_office_unit=w.hr_unit_a if location == "OTHER_OFFICE" else None,
        )  # fmt: skip
    div[3].is_active = False
    div[3].save(update_fields=["is_active"])
    ScheduleDay.objects.create(agency=w.agency_a, employee=div[3], local_date=today, location="HOME", unit=w.div_a)

    body = client_for(hr_admin_a).get("/api/v1/dashboard/hr/").json()
    shown = {row["code"]: row for row in body["coverage"]}
    expected = coverage_for(
        agency_id=w.agency_a.id, unit_ids=list(Unit.objects.filter(agency=w.agency_a).values_list("id", flat=True)),
        date_from=today, date_to=today,
    )  # fmt: skip
    assert {(shown[w.sec_a.code]["headcount"], shown[w.sec_a.code]["on_leave"], shown[w.sec_a.code]["away"])} == {
        (expected.days[w.sec_a.id][0].headcount, 1, 2)
    }
    for unit_id, [day] in expected.days.items():
        unit = expected.units[unit_id]
        if unit.code not in shown:
            assert day.headcount == 0
            continue
        row = shown[unit.code]
        assert (row["headcount"], row["on_leave"], row["away"], row["allowed_away"], row["warning"]) == (
            day.headcount, day.on_leave, day.away, day.allowed_away, day.warning,
        ), unit.code  # fmt: skip


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
