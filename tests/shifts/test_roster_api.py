"""The roster and duty API (docs/api.md shift row): scoping (404 / 403), stale writes (409), the error
shape and fixed query counts for the lists."""

from __future__ import annotations

import datetime

import pytest

from shifts import rosters
from shifts.models import Duty, DutyKind, Roster
from tests.helpers import assert_error
from tests.shifts.conftest import month_start

JAN = datetime.date(2027, 1, 1)


def draft(unit):
    roster = rosters.roster_for(unit=unit, period_start=month_start(2))
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    return roster


# ---------------------------------------------------------------------------- rosters


@pytest.mark.django_db
def test_roster_create_and_read(client_for, roster_unit, roster_head, assigned):
    client = client_for(roster_head)
    response = client.post("/api/v1/rosters/", {"unit": roster_unit.id, "period_start": "2027-03-15"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["period_start"] == "2027-03-01" and body["period_end"] == "2027-03-31" and body["status"] == "DRAFT"
    again = client.post("/api/v1/rosters/", {"unit": roster_unit.id, "period_start": "2027-03-01"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    generate = client.post(f"/api/v1/rosters/{body['id']}/generate/", {}, format="json")
    assert generate.status_code == 200 and generate.json()["written"] == 4 * 31
    detail = client.get(f"/api/v1/rosters/{body['id']}/").json()
    assert len(detail["duties"]) == 4 * 31 and detail["can_manage"] is True
    assert {d["kind"] for d in detail["duties"]} == {"SHIFT", "OFF", "POST_NIGHT"}


@pytest.mark.django_db
def test_roster_create_by_a_nurse_is_403(client_for, roster_unit, nurses):
    response = client_for(nurses[0]).post(
        "/api/v1/rosters/", {"unit": roster_unit.id, "period_start": "2027-03-01"}, format="json"
    )
    assert_error(response, 403)


@pytest.mark.django_db
def test_roster_create_for_another_agency_is_404(client_for, roster_unit, hr_admin_b):
    response = client_for(hr_admin_b).post(
        "/api/v1/rosters/", {"unit": roster_unit.id, "period_start": "2027-03-01"}, format="json"
    )
    assert_error(response, 404)


@pytest.mark.django_db
def test_roster_of_another_agency_is_404(client_for, roster_unit, assigned, employee_b, hr_admin_b):
    roster = draft(roster_unit)
    for user in (employee_b, hr_admin_b):
        client = client_for(user)
        assert_error(client.get(f"/api/v1/rosters/{roster.id}/"), 404)
        assert_error(client.post(f"/api/v1/rosters/{roster.id}/generate/", {}, format="json"), 404)
        body = {"expected_version": roster.version, "override_reason": "x"}
        assert_error(client.post(f"/api/v1/rosters/{roster.id}/publish/", body, format="json"), 404)


@pytest.mark.django_db
def test_roster_out_of_reach_in_the_agency_is_404(client_for, roster_unit, assigned, employee_a):
    roster = draft(roster_unit)
    assert_error(client_for(employee_a).get(f"/api/v1/rosters/{roster.id}/"), 404)


@pytest.mark.django_db
def test_roster_generate_and_publish_by_staff_or_hr_is_403(client_for, roster_unit, assigned, nurses, hr_admin_a):
    roster = draft(roster_unit)
    for user in (nurses[0], hr_admin_a):
        client = client_for(user)
        assert client.get(f"/api/v1/rosters/{roster.id}/").status_code == 200
        assert_error(client.post(f"/api/v1/rosters/{roster.id}/generate/", {}, format="json"), 403)
        body = {"expected_version": roster.version, "override_reason": "x"}
        assert_error(client.post(f"/api/v1/rosters/{roster.id}/publish/", body, format="json"), 403)
    assert not Roster.objects.get(id=roster.id).is_published


@pytest.mark.django_db
def test_roster_publish_stale_and_repeated_is_409(client_for, roster_unit, roster_head, assigned, nurses):
    roster = draft(roster_unit)
    client = client_for(roster_head)
    url = f"/api/v1/rosters/{roster.id}/publish/"
    stale = client.post(url, {"expected_version": roster.version + 5, "override_reason": "x"}, format="json")
    assert_error(stale, 409, "stale")
    first = client.post(url, {"expected_version": roster.version, "override_reason": "x"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "PUBLISHED"
    second = client.post(url, {"expected_version": roster.version, "override_reason": "x"}, format="json")
    assert_error(second, 409)
    generate = client.post(f"/api/v1/rosters/{roster.id}/generate/", {}, format="json")
    assert_error(generate, 409)


@pytest.mark.django_db
def test_roster_generate_stale_is_409(client_for, roster_unit, roster_head, assigned):
    roster = draft(roster_unit)
    response = client_for(roster_head).post(
        f"/api/v1/rosters/{roster.id}/generate/", {"expected_version": roster.version + 1}, format="json"
    )
    assert_error(response, 409, "stale")


@pytest.mark.django_db
def test_roster_publish_over_warnings_needs_a_reason(client_for, roster_unit, roster_head, assigned):
    roster = rosters.roster_for(unit=roster_unit, period_start=datetime.date.fromisoformat("2027-01-01"))
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    found = rosters.roster_warnings(roster)
    url = f"/api/v1/rosters/{roster.id}/publish/"
    response = client_for(roster_head).post(url, {"expected_version": roster.version}, format="json")
    if found:
        body = assert_error(response, 400, "override_reason_required", fields=["override_reason"])
        assert body["violations"]
    else:
        assert response.status_code == 200


@pytest.mark.django_db
def test_roster_cell_edit_and_double_tap(client_for, roster_unit, roster_head, assigned, nurses):
    roster = draft(roster_unit)
    day = roster.period_start + datetime.timedelta(days=3)
    body = {
        "employee": nurses[0].employee.id,
        "duty_date": day.isoformat(),
        "cell": "L",
        "expected_version": roster.version,
    }
    client = client_for(roster_head)
    first = client.post(f"/api/v1/rosters/{roster.id}/cells/", body, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["shift_type"]["code"] == "L" and first.json()["source"] == "MANUAL"
    assert_error(client.post(f"/api/v1/rosters/{roster.id}/cells/", body, format="json"), 409, "stale")
    assert_error(client_for(nurses[1]).post(f"/api/v1/rosters/{roster.id}/cells/", body, format="json"), 403)


@pytest.mark.django_db
def test_roster_list_is_scoped_in_fixed_queries(
    client_for, roster_unit, roster_head, assigned, hr_admin_b, django_assert_max_num_queries
):
    for months in (1, 2, 3, 4):
        rosters.roster_for(unit=roster_unit, period_start=month_start(months))
    client = client_for(roster_head)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/rosters/")
    assert response.json()["count"] == 4
    assert client_for(hr_admin_b).get("/api/v1/rosters/").json()["count"] == 0


# ---------------------------------------------------------------------------- duties


@pytest.mark.django_db
def test_duty_list_scoped_and_filtered_by_duty_date(
    client_for, roster_unit, roster_head, published_roster, nurses, employee_a, hr_admin_b, hr_admin_a
):
    published_roster(JAN)
    mine = client_for(nurses[0]).get("/api/v1/duties/?date_from=2027-01-01&date_to=2027-01-07").json()
    assert mine["count"] == 7
    assert {d["employee"]["id"] for d in mine["results"]} == {nurses[0].employee.id}
    head = client_for(roster_head).get("/api/v1/duties/?date_from=2027-01-01&date_to=2027-01-07").json()
    assert head["count"] == 28
    hr = client_for(hr_admin_a).get(f"/api/v1/duties/?unit={roster_unit.id}&date_from=2027-01-31&date_to=2027-01-31")
    assert hr.json()["count"] == 4
    assert client_for(employee_a).get("/api/v1/duties/").json()["count"] == 0
    assert_error(client_for(hr_admin_b).get(f"/api/v1/duties/?unit={roster_unit.id}"), 404)
    assert_error(client_for(nurses[0]).get(f"/api/v1/duties/?employee={nurses[1].employee.id}"), 404)


@pytest.mark.django_db
def test_duty_list_runs_in_fixed_queries(client_for, roster_head, published_roster, django_assert_max_num_queries):
    published_roster(JAN)
    client = client_for(roster_head)
    with django_assert_max_num_queries(8):
        few = client.get("/api/v1/duties/?date_from=2027-01-01&date_to=2027-01-02")
    with django_assert_max_num_queries(8):
        many = client.get("/api/v1/duties/?date_from=2027-01-01&date_to=2027-01-31&limit=500")
    assert few.json()["count"] == 8 and many.json()["count"] == 124


@pytest.mark.django_db
def test_draft_duties_are_only_for_the_managers(client_for, roster_unit, roster_head, assigned, nurses):
    roster = draft(roster_unit)
    days = (roster.period_end - roster.period_start).days + 1
    assert client_for(nurses[0]).get("/api/v1/duties/").json()["count"] == 0
    assert client_for(roster_head).get("/api/v1/duties/").json()["count"] == 4 * days


@pytest.mark.django_db
def test_duty_change_over_the_api(client_for, roster_unit, roster_head, published_roster, nurses, hr_admin_b):
    published_roster(JAN)
    duty = Duty.objects.get(employee_id=nurses[0].employee.id, duty_date=datetime.date(2027, 1, 12), is_active=True)
    url = f"/api/v1/duties/{duty.id}/"
    assert client_for(nurses[0]).get(url).status_code == 200
    assert_error(client_for(hr_admin_b).get(url), 404)
    assert_error(client_for(hr_admin_b).patch(url, {"reason": "x", "cell": "OFF"}, format="json"), 404)
    assert_error(client_for(nurses[0]).patch(url, {"reason": "x", "cell": "OFF"}, format="json"), 403)
    no_reason = client_for(roster_head).patch(url, {"reason": "", "cell": "OFF"}, format="json")
    assert_error(no_reason, 400, "reason_required", fields=["reason"])
    body = {"reason": "Pelatihan", "cell": "OFF", "expected_sequence": duty.sequence}
    changed = client_for(roster_head).patch(url, body, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["kind"] == DutyKind.OFF and changed.json()["id"] != duty.id
    assert_error(client_for(roster_head).patch(url, body, format="json"), 409, "stale")
    old = client_for(roster_head).get(url).json()
    assert old["is_active"] is False and old["replaced_by"] == changed.json()["id"]


@pytest.mark.django_db
def test_duty_change_span_over_the_api(client_for, roster_head, published_roster, nurses):
    published_roster(JAN)
    duty = Duty.objects.get(employee_id=nurses[0].employee.id, duty_date=datetime.date(2027, 1, 12), is_active=True)
    start = "2027-01-12T08:00:00+08:00"
    body = {"reason": "Jaga", "cell": "L", "start_at": start, "end_at": "2027-01-13T08:01:00+08:00"}
    assert_error(client_for(roster_head).patch(f"/api/v1/duties/{duty.id}/", body, format="json"), 400, "SHIFT_SPAN")


@pytest.mark.django_db
def test_roster_cells_of_another_agency_is_404(client_for, roster_unit, assigned, nurses, hr_admin_b):
    roster = draft(roster_unit)
    body = {"employee": nurses[0].employee.id, "duty_date": roster.period_start.isoformat(), "cell": "OFF"}
    assert_error(client_for(hr_admin_b).post(f"/api/v1/rosters/{roster.id}/cells/", body, format="json"), 404)


@pytest.mark.django_db
def test_duty_change_of_a_draft_duty_is_refused(client_for, roster_unit, roster_head, assigned, nurses):
    roster = draft(roster_unit)
    duty = Duty.objects.filter(roster=roster, employee_id=nurses[0].employee.id).first()
    response = client_for(roster_head).patch(
        f"/api/v1/duties/{duty.id}/", {"reason": "x", "cell": "OFF"}, format="json"
    )
    assert_error(response, 400)
