"""HR's shift setup pages (docs/rules.md §8): HR only (403), another agency's object 404, rules shown in
the form, a double submit writes once, a stale edit writes nothing, lists at a fixed query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shifts.models import RosterAssignment, ShiftCoverage, ShiftPattern, ShiftType
from tests.shifts.conftest import ANCHOR

pytestmark = pytest.mark.django_db

NIGHT = {
    "code": "N",
    "name": "Malam",
    "colour": "#3949ab",
    "start_time": "21:00",
    "end_time": "07:00",
    "break_minutes": "60",
    "checkin_open_before": "60",
    "checkout_close_after": "240",
    "once": "tok1",
}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def hr(org_world):
    return login(org_world.hr_admin_a)


def test_the_shift_types_page_shows_hours_over_midnight(hr, shift_types):
    page = hr.get(reverse("shifts:hr_shifts")).content.decode()
    assert "21:00–07:00 (+1)" in page and "Malam" in page


def test_hr_adds_a_shift_once_on_a_double_submit(hr, org_world):
    url = reverse("shifts:hr_shifts")
    assert hr.post(url, NIGHT).status_code == 302
    assert hr.post(url, NIGHT).status_code == 302
    assert ShiftType.objects.filter(agency=org_world.agency_a, code="N").count() == 1


def test_a_rule_is_shown_on_its_field_and_nothing_is_written(hr, org_world):
    response = hr.post(reverse("shifts:hr_shifts"), {**NIGHT, "break_minutes": "600", "once": "tok2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "shorter than the shift" in html or "lebih pendek dari sif" in html
    assert not ShiftType.objects.filter(code="N").exists()


def test_others_are_refused_and_other_agencies_hidden(org_world, shift_types, pattern_4):
    for name in ("hr_shifts", "hr_patterns", "hr_shift_units"):
        assert login(org_world.employee_a).get(reverse(f"shifts:{name}")).status_code == 403
    other = login(org_world.hr_admin_b)
    assert other.get(reverse("shifts:hr_shift_type", args=[shift_types["P"].id])).status_code == 404
    assert other.get(reverse("shifts:hr_pattern", args=[pattern_4.id])).status_code == 404
    assert login(org_world.employee_a).get(reverse("shifts:hr_pattern", args=[pattern_4.id])).status_code == 403


def test_a_stale_shift_edit_writes_nothing(hr, shift_types):
    shift = shift_types["P"]
    url = reverse("shifts:hr_shift_type", args=[shift.id])
    data = {**NIGHT, "code": "P", "name": "Pagi 1", "start_time": "07:00", "end_time": "14:00", "break_minutes": "0"}
    version = shift.updated_at.isoformat()
    assert hr.post(url, {**data, "version": version, "once": "a"}).status_code == 302
    response = hr.post(url, {**data, "name": "Pagi 2", "version": version, "once": "b"})
    assert response.status_code == 409
    assert ShiftType.objects.get(id=shift.id).name == "Pagi 1"


def test_the_pattern_page_draws_the_cycle_and_a_preview(hr, pattern_4):
    page = hr.get(reverse("shifts:hr_pattern", args=[pattern_4.id]), {"start": "2026-01-05", "offset": "2"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="cycle-cell') == 8 + 14


def test_hr_adds_a_pattern_typed_with_words(hr, org_world, shift_types):
    data = {"name": "Pekan", "anchor_date": "2026-01-05", "cells": "P P P P P LIBUR LIBUR", "once": "p1"}
    assert hr.post(reverse("shifts:hr_patterns"), data).status_code == 302
    assert ShiftPattern.objects.get(name="Pekan").cells[-1] == "OFF"
    response = hr.post(reverse("shifts:hr_patterns"), {**data, "name": "Z", "cells": "P Q", "once": "p2"})
    assert response.status_code == 400 and "“Q”" in response.content.decode()


def test_hr_assigns_and_sets_coverage_for_a_unit(hr, roster_unit, nurses, pattern_4, shift_types):
    url = reverse("shifts:hr_shift_unit", args=[roster_unit.id])
    assert hr.get(url).status_code == 200
    data = {
        "action": "assign",
        "employee": nurses[0].employee.id,
        "pattern": pattern_4.id,
        "offset": "2",
        "date_from": ANCHOR.isoformat(),
        "once": "a1",
    }
    assert hr.post(url, data).status_code == 302
    assert hr.post(url, data).status_code == 302  # the double tap
    assert RosterAssignment.objects.filter(employee=nurses[0].employee).count() == 1
    again = hr.post(url, {**data, "once": "a2"})
    html = again.content.decode()
    assert again.status_code == 400
    assert "end that assignment first" in html or "akhiri penugasan itu" in html
    coverage = {"action": "coverage", "once": "c1", f"staff_{shift_types['M'].id}_weekday": "2"}
    assert hr.post(url, coverage).status_code == 302
    assert ShiftCoverage.objects.get().min_staff == 2


def test_the_pages_cost_a_fixed_number_of_queries(hr, org_world, roster_unit, nurses, shift_types, pattern_4):
    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert hr.get(url).status_code == 200
        return len(captured)

    urls = [
        reverse("shifts:hr_shifts"),
        reverse("shifts:hr_patterns"),
        reverse("shifts:hr_shift_units"),
        reverse("shifts:hr_shift_unit", args=[roster_unit.id]),
    ]
    few = [count(url) for url in urls]
    for index in range(3):
        ShiftPattern.objects.create(agency=org_world.agency_a, name=f"P{index}", anchor_date=ANCHOR, cells=["P"])
        RosterAssignment.objects.create(
            agency=org_world.agency_a, employee=nurses[index].employee, pattern=pattern_4, date_from=ANCHOR
        )
    assert [count(url) for url in urls] == few
