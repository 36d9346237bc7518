"""A unit's working week and a position's shifts (docs/rules.md §8): anything but Monday to Friday needs the
decree it rests on (WORKWEEK_BASIS), on the HR page and in the API; a position that works shifts names why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from flexwork.org.models import Position, Unit
from tests.org.helpers import assert_error

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_roster_week_without_a_basis_is_a_form_error(org_world):
    unit = org_world.sec_a
    url = reverse("hr-unit-work-week", args=[unit.id])
    client = login(org_world.hr_admin_a)
    assert client.get(url).status_code == 200
    data = {"work_week": "ROSTER", "work_week_basis": "", "version": unit.updated_at.isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Hari kerja selain Senin–Jumat memerlukan keputusan PPK" in response.content.decode()
    assert Unit.objects.get(id=unit.id).work_week == "MON_FRI"
    ok = client.post(url, {**data, "work_week_basis": "Keputusan Kepala Dinas No. 800/1/2026"})
    assert ok.status_code == 302
    assert Unit.objects.get(id=unit.id).work_week == "ROSTER"
    assert client.post(url, {**data, "work_week_basis": "Lain"}).status_code == 409  # the old version


def test_the_work_week_page_is_for_hr_in_its_agency(org_world):
    url = reverse("hr-unit-work-week", args=[org_world.sec_a.id])
    assert login(org_world.employee_a).get(url).status_code == 403
    assert login(org_world.hr_admin_b).get(url).status_code == 404


def test_the_unit_api_sets_the_week_with_its_basis(client_for, org_world):
    url = f"/api/v1/units/{org_world.sec_a.id}/"
    client = client_for(org_world.hr_admin_a)
    assert_error(client.patch(url, {"work_week": "FIXED_WEEK"}, format="json"), 400, code="WORKWEEK_BASIS")
    body = client.patch(url, {"work_week": "FIXED_WEEK", "work_week_basis": "SK 1/2026"}, format="json").json()
    assert body["work_week"] == "FIXED_WEEK" and body["work_week_basis"] == "SK 1/2026"
    assert_error(client_for(org_world.employee_a).patch(url, {"work_week": "MON_FRI"}, format="json"), 403)
    assert_error(client_for(org_world.hr_admin_b).patch(url, {"work_week": "MON_FRI"}, format="json"), 404)


def test_a_position_that_works_shifts_names_why(org_world):
    position = org_world.position_a
    url = reverse("hr-position-edit", args=[position.id])
    client = login(org_world.hr_admin_a)
    data = {
        "code": position.code,
        "name": position.name,
        "type": position.type,
        "shift_eligible": "on",
        "shift_criterion": "",
        "version": position.updated_at.isoformat(),
        "once": "s1",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert not Position.objects.get(id=position.id).shift_eligible
    assert client.post(url, {**data, "shift_criterion": "DAILY_OVER_8H30", "once": "s2"}).status_code == 302
    saved = Position.objects.get(id=position.id)
    assert saved.shift_eligible and saved.shift_criterion == "DAILY_OVER_8H30"
    page = client.get(reverse("hr-positions")).content.decode()
    assert "Service over 8 h 30 min a day" in page or "8 jam 30 menit" in page
