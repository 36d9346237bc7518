import json
from io import StringIO

import pytest
from django.core.management import call_command

from flexwork.org.management.commands.seed_demo import AGENCY_CODE
from flexwork.org.models import Employee, EmployeeType, Holiday, Position, RamadanRange, Unit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def demo(model):
    """The demo agency's rows only (the session's persona agencies are in the database too)."""
    return model.objects.filter(agency__code=AGENCY_CODE)


def counts():
    return [demo(m).count() for m in (Unit, Position, Employee, Holiday, RamadanRange)]


def test_it_builds_the_demo_agency_and_a_second_run_adds_nothing():
    output = run()
    assert "FlexWork-demo-2026" in output
    first = counts()
    employees = demo(Employee)
    assert 35 <= employees.count() <= 45
    units = demo(Unit)
    assert max(len(u.path) for u in units) == 3
    assert units.filter(time_zone="Asia/Jayapura").exists()
    assert units.get(parent__isnull=True).agency.time_zone == "Asia/Makassar"
    assert demo(Position).filter(is_fwa_eligible=False).exists()
    assert employees.filter(sanction_start__isnull=False).count() == 1
    assert employees.filter(employee_type=EmployeeType.PPPK).exists()
    assert not employees.filter(user__mfa_required=True).exists()
    run()
    assert counts() == first


def test_json_prints_accounts_with_working_tokens(client):
    run()
    body = json.loads(run("--json"))
    roles = {row["role"] for row in body["accounts"]}
    assert {"agency_head", "hr_admin", "unit_head", "supervisor", "employee"} <= roles
    hr = next(row for row in body["accounts"] if row["role"] == "hr_admin")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {hr['token']}")
    assert response.status_code == 200, response.content
    assert response.json()["employee"]["nip"] == hr["username"]
    assert "hr_admin" in response.json()["roles"]
    assert client.login(username=hr["username"], password=hr["password"])
