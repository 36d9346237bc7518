"""Bad input is a 400 in the error shape, never a 500 (docs/api.md "Errors"; docs/rules.md §1 "Accepted
dates"): dates outside 1900–2100 or not on the calendar, JSON nested too deep, NUL characters, lists of
10,000 dates. Pages given an unusable date in their address show today and say so."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.test import Client
from rest_framework.test import APIClient

from flexwork.api.parsers import MAX_DEPTH, json_depth_exceeds, nul_paths
from flexwork.common.dates import DATE_LIST_MAX, date_parse, month_parse
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

EDGE_DATES = ("0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01")
NOT_A_DATE = ("2026-02-29", "2026-13-01", "10000-01-01")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _work_plan():
    return [{"description": "Draf laporan", "quantity": 1, "unit": "dokumen", "indicator": None}]


# ---------------------------------------------------------------------------- the validator


def test_the_accepted_range_is_1900_to_2100():
    assert date_parse("1900-01-01") == datetime.date(1900, 1, 1)
    assert date_parse("2100-12-31") == datetime.date(2100, 12, 31)
    for value in (*EDGE_DATES, *NOT_A_DATE, "", None, "2026-1-1", "2026-01-01T00:00"):
        assert date_parse(value) is None, value
    assert month_parse("2026-02") == datetime.date(2026, 2, 1)
    for value in ("0001-01", "9999-12", "2026-13", "2026", "", None, "2026-02-01"):
        assert month_parse(value) is None, value


# ---------------------------------------------------------------------------- API dates


@pytest.mark.parametrize("value", EDGE_DATES)
def test_arrangement_check_refuses_a_date_outside_the_range(org_world, value):
    body = {"location": "HOME", "dates": [value], "reason": "x", "work_plan": _work_plan()}
    response = api(org_world.employee_a).post("/api/v1/arrangements/check/", body, format="json")
    body = assert_error(response, 400, "invalid", fields=["dates.0"])
    assert "1900" in body["fields"]["dates.0"][0] and "2100" in body["fields"]["dates.0"][0]


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_arrangement_check_refuses_a_range_end_outside_the_range(org_world, field, value):
    body = {"location": "HOME", "date_from": "2026-12-07", "date_to": "2026-12-11", "reason": "x"}
    body[field] = value
    response = api(org_world.employee_a).post("/api/v1/arrangements/check/", body, format="json")
    assert_error(response, 400, "invalid", fields=[field])


@pytest.mark.parametrize("value", NOT_A_DATE)
def test_arrangement_check_refuses_a_day_that_is_not_on_the_calendar(org_world, value):
    body = {"location": "HOME", "dates": [value], "reason": "x", "work_plan": _work_plan()}
    response = api(org_world.employee_a).post("/api/v1/arrangements/check/", body, format="json")
    assert_error(response, 400, "invalid", fields=["dates.0"])


@pytest.mark.parametrize(
    ("value_from", "value_to"),
    [("0001-01-01", "0001-01-07"), ("9999-12-25", "9999-12-31"), ("0001-01-01", "9999-12-31")],
)
def test_team_calendar_refuses_dates_outside_the_range(org_world, value_from, value_to):
    response = api(org_world.supervisor_a).get(
        "/api/v1/team-calendar/", {"unit": org_world.sec_a.id, "date_from": value_from, "date_to": value_to}
    )
    assert_error(response, 400, "invalid", fields=["date_from"] if value_from < "1900" else ["date_to"])


@pytest.mark.parametrize(
    ("persona", "path", "parameter"),
    [
        ("employee_a", "/api/v1/arrangements/", "date_from"),
        ("employee_a", "/api/v1/schedule-days/", "date_to"),
        ("employee_a", "/api/v1/attendance/days/", "date_from"),
        ("employee_a", "/api/v1/leaves/", "date_to"),
        ("employee_a", "/api/v1/attendance/corrections/", "date_from"),
        ("employee_a", "/api/v1/worklogs/", "date_from"),
        ("employee_a", "/api/v1/realisations/", "date_to"),
        ("employee_a", "/api/v1/indicators/", "on_date"),
        ("hr_admin_a", "/api/v1/directives/", "active_on"),
        ("hr_admin_a", "/api/v1/dashboard/hr/", "date_to"),
    ],
)
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_date_query_parameters_refuse_dates_outside_the_range(org_world, persona, path, parameter, value):
    response = api(getattr(org_world, persona)).get(path, {parameter: value})
    assert_error(response, 400, "invalid", fields=[parameter])


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_directive_refuses_years_outside_the_range(org_world, value):
    body = {
        "name": "WFH serentak",
        "date_from": value,
        "date_to": "2026-12-31",
        "allowed_locations": ["HOME"],
        "units": [],
        "reason": "Banjir",
    }
    response = api(org_world.hr_admin_a).post("/api/v1/directives/", body, format="json")
    assert_error(response, 400, "invalid", fields=["date_from"])


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_delegation_refuses_years_outside_the_range(org_world, value):
    body = {
        "delegate": org_world.supervisor_a.employee.id,
        "date_from": "2026-12-01",
        "date_to": value,
        "kinds": ["ARRANGEMENT"],
    }
    response = api(org_world.unit_head_a).post("/api/v1/delegations/", body, format="json")
    assert_error(response, 400, "invalid", fields=["date_to"])


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_leave_refuses_years_outside_the_range(org_world, value):
    body = {"kind": "IZIN", "date_from": value, "date_to": value, "reason": "Keperluan keluarga"}
    response = api(org_world.employee_a).post("/api/v1/leaves/", body, format="json")
    assert_error(response, 400, "invalid", fields=["date_from", "date_to"])


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_correction_refuses_years_outside_the_range(org_world, value):
    body = {"local_date": value, "kind": "IN", "corrected_time": "07:30", "reason": "Lupa presensi"}
    response = api(org_world.employee_a).post("/api/v1/attendance/corrections/", body, format="json")
    assert_error(response, 400, "invalid", fields=["local_date"])


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_log_entry_refuses_years_outside_the_range(org_world, value):
    body = {"local_date": value, "description": "Draf", "quantity": "1", "unit": "dokumen", "minutes_spent": 60}
    response = api(org_world.employee_a).post("/api/v1/worklogs/", body, format="json")
    assert_error(response, 400, "invalid", fields=["local_date"])


# ---------------------------------------------------------------------------- lists of dates


def test_ten_thousand_dates_are_refused_at_once(org_world):
    start = datetime.date(2026, 1, 1)
    dates = [(start + datetime.timedelta(days=i % 365)).isoformat() for i in range(10_000)]
    body = {"location": "HOME", "dates": dates, "reason": "x", "work_plan": _work_plan()}
    began = time.monotonic()
    response = api(org_world.employee_a).post("/api/v1/arrangements/check/", body, format="json")
    assert time.monotonic() - began < 5
    body = assert_error(response, 400, "invalid", fields=["dates"])
    assert body["fields"]["dates"] == [f"Send at most {400} dates."]
    assert len(body["fields"]) == 1  # the list is refused as a whole, not 10,000 messages


def test_ending_days_refuses_ten_thousand_dates(org_world):
    dates = ["2026-12-07"] * 10_000
    response = api(org_world.employee_a).post("/api/v1/arrangements/1/cancel/", {"dates": dates}, format="json")
    # The list is refused before the request is looked up (400, not 404): bad input first.
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert_error(response, 400, "invalid", fields=["dates"])


def test_the_list_cap_is_documented_in_the_rules():
    from pathlib import Path

    rules = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text()
    assert f"A list of dates holds at most {DATE_LIST_MAX}" in rules


# ---------------------------------------------------------------------------- deep JSON


def _nested(depth: int) -> str:
    return '{"location": "HOME", "reason": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 10_000, 100_000])
def test_json_nested_too_deep_is_a_400(org_world, depth):
    response = api(org_world.employee_a).post(
        "/api/v1/arrangements/check/", _nested(depth), content_type="application/json"
    )
    body = assert_error(response, 400, "parse_error")
    assert str(MAX_DEPTH) in body["message"]


def test_json_nested_within_the_limit_reaches_the_serializer(org_world):
    response = api(org_world.employee_a).post(
        "/api/v1/arrangements/check/", _nested(MAX_DEPTH - 1), content_type="application/json"
    )
    assert_error(response, 400, "invalid", fields=["reason"])


def test_the_depth_scan_ignores_brackets_inside_strings():
    assert not json_depth_exceeds(json.dumps({"reason": "[" * 1000}).encode())
    assert not json_depth_exceeds(json.dumps({"reason": '\\"' + "{" * 1000}).encode())
    assert json_depth_exceeds(("[" * 40 + "]" * 40).encode())
    assert not json_depth_exceeds(("[" * 32 + "]" * 32).encode())
    assert not json_depth_exceeds(("[]" * 1000).encode())  # wide is not deep


def test_malformed_json_is_a_400(org_world):
    for raw in ('{"location": ', "[" * 50, "\x00", '{"a": "\x00"}', "NaN"):
        response = api(org_world.employee_a).post("/api/v1/arrangements/check/", raw, content_type="application/json")
        assert_error(response, 400)


# ---------------------------------------------------------------------------- NUL characters


def test_nul_in_a_text_field_is_a_field_error(org_world):
    body = {"location": "HOME", "dates": ["2026-12-07"], "reason": "a\x00b", "work_plan": _work_plan()}
    response = api(org_world.employee_a).post("/api/v1/arrangements/", body, format="json")
    assert_error(response, 400, "invalid", fields=["reason"])


def test_nul_deep_in_the_body_names_its_place(org_world):
    plan = _work_plan()
    plan[0]["unit"] = "\x00"
    body = {"location": "HOME", "dates": ["2026-12-07"], "reason": "x", "work_plan": plan}
    response = api(org_world.employee_a).post("/api/v1/arrangements/", body, format="json")
    assert_error(response, 400, "invalid", fields=["work_plan.0.unit"])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/api/v1/worklogs/",
            {"local_date": "2026-12-07", "description": "x\x00", "quantity": "1", "unit": "dok", "minutes_spent": 5},
            "description",
        ),  # fmt: skip
        (
            "/api/v1/leaves/",
            {"kind": "IZIN", "date_from": "2026-12-07", "date_to": "2026-12-07", "reason": "\x00"},
            "reason",
        ),  # fmt: skip
        ("/api/v1/tokens/", {"name": "\x00"}, "name"),
        ("/api/v1/arrangements/check/", {"\x00": 1, "location": "HOME"}, "non_field_errors"),
    ],
)
def test_nul_anywhere_is_a_400_never_a_database_error(org_world, path, body, field):
    response = api(org_world.employee_a).post(path, body, format="json")
    assert response.status_code in (400, 405), response.content[:300]
    if response.status_code == 400:
        assert_error(response, 400, fields=[field])


def test_the_nul_walk_finds_keys_and_values():
    assert nul_paths({"a": ["x", "y\x00"], "b": {"c\x00": 1}, "d": "ok"}) == ["a.1", "b"]
    assert nul_paths(["\x00"]) == ["0"]
    assert nul_paths("\x00") == ["non_field_errors"]
    assert nul_paths({"a": 1, "b": [None, True, 2.5]}) == []


# ---------------------------------------------------------------------------- pages


@pytest.mark.parametrize("value", ["0001-01", "9999-12", "2026-13", "garbage", "0001-01-01"])
def test_my_schedule_page_shows_this_month_for_an_unusable_month(org_world, value):
    response = page(org_world.employee_a).get("/schedule/", {"month": value})
    assert response.status_code == 200
    assert "could not be shown" in response.content.decode() or "tidak dapat" in response.content.decode()


@pytest.mark.parametrize("value", ["0001-01", "9999-12", "2026-00"])
def test_my_attendance_month_shows_this_month_for_an_unusable_month(org_world, value):
    response = page(org_world.employee_a).get("/attendance/month/", {"month": value})
    assert response.status_code == 200
    assert b"1900" in response.content and b"2100" in response.content


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-29"])
@pytest.mark.parametrize("view", ["week", "month"])
def test_the_team_calendar_page_shows_today_for_an_unusable_date(org_world, value, view):
    response = page(org_world.supervisor_a).get("/schedule/team/", {"date": value, "view": view})
    assert response.status_code == 200
    assert b"1900" in response.content


@pytest.mark.parametrize("parameter", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_dashboard_page_names_an_unusable_date(org_world, parameter, value):
    response = page(org_world.hr_admin_a).get("/dashboard/", {parameter: value})
    assert response.status_code == 200
    assert b"1900" in response.content and b"2100" in response.content


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_a_page_form_refuses_a_year_outside_the_range(org_world, value):
    response = page(org_world.employee_a).post(
        "/attendance/log/",
        {"local_date": value, "description": "Draf", "quantity": "1", "unit_of_measure": "dok", "minutes_spent": "5"},
    )
    assert response.status_code in (200, 400)
    assert b"1900" in response.content and b"2100" in response.content


# ---------------------------------------------------------------------------- imports


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "31/12/9999", "01/01/1899"])
def test_an_import_cell_refuses_a_year_outside_the_range(value):
    from flexwork.common.tabular import CellError, date_parser

    with pytest.raises(CellError) as caught:
        date_parser(value)
    assert caught.value.code == "date_out_of_range"
    text = str(caught.value.message) % caught.value.params
    assert "1900" in text and "2100" in text
    assert date_parser("31/12/2100") == datetime.date(2100, 12, 31)
