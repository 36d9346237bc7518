"""manage.py agency_create, agency_appoint and activation_codes_issue: the operator console's set-up
from a shell, with --help, clear errors (CommandError, never a traceback), codes only for accounts
never activated and audit rows naming the command and the superuser given with --by."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from flexwork.onboarding.models import AccountAction, ActivationCode
from flexwork.org.models import Agency, AgencyPolicy, Employee, Role, RoleAssignment, Unit
from tests.accounts.factories import UserFactory
from tests.org.factories import nip_for

pytestmark = pytest.mark.django_db

HR_NIP = nip_for(7201)
HEAD_NIP = nip_for(7202, employee_type="PPPK")


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def made():
    run("agency_create", "--code", "DINKES-Y", "--name", "Dinas Kesehatan Y", "--zone", "WITA", "--root-code", "DKY")
    return Agency.objects.get(code="DINKES-Y")


@pytest.mark.parametrize("command", ["agency_create", "agency_appoint", "activation_codes_issue"])
def test_each_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit):
        call_command(command, "--help")
    text = capsys.readouterr().out
    assert "--agency" in text or "--code" in text
    assert len(text) > 300


def test_agency_create_makes_the_agency_its_policy_and_root_unit(made):
    assert made.name == "Dinas Kesehatan Y" and made.time_zone == "Asia/Makassar"
    assert AgencyPolicy.objects.filter(agency=made).exists()
    root = Unit.objects.get(agency=made)
    assert root.parent_id is None and root.code == "DKY" and root.name == "Dinas Kesehatan Y"


def test_agency_create_records_the_command_and_the_superuser_in_the_audit(db):
    root = UserFactory(is_superuser=True, is_staff=True)
    run("agency_create", "--code", "AUD", "--name", "Audit", "--root-code", "R", "--by", root.username)
    agency = Agency.objects.get(code="AUD")
    event = apps.get_model("org", "AgencyEvent").objects.filter(pgh_obj_id=agency.id).get()
    metadata = event.pgh_context.metadata
    assert metadata["command"] == "agency_create" and metadata["user"] == root.pk


@pytest.mark.parametrize(
    "args, message",
    [
        (["--code", "DINKES-Y", "--name", "Lagi", "--root-code", "X"], "already exists"),
        (["--code", "dinkes-y", "--name", "Lagi", "--root-code", "X"], "already exists"),
        (["--code", "Z1", "--name", "Z", "--root-code", "X", "--zone", "CET"], "Unknown time zone"),
        (["--code", "Z2", "--name", "Z", "--root-code", "X", "--by", "nobody"], "not an active superuser"),
        (["--code", "Z3" * 20, "--name", "Z", "--root-code", "X"], "code"),
    ],
)
def test_agency_create_refuses_bad_input_with_a_clear_error(made, args, message):
    with pytest.raises(CommandError, match=message):
        run("agency_create", *args)
    assert Agency.objects.filter(name__in=["Lagi", "Z"]).count() == 0


def test_agency_appoint_creates_a_new_hr_admin_and_is_idempotent(made):
    out = run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--name", "Rina")
    assert "Appointed Rina (new employee in the root unit)" in out
    employee = Employee.objects.select_related("user").get(nip=HR_NIP)
    assert employee.agency_id == made.id and not employee.user.has_usable_password()
    again = run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP)
    assert "nothing changed" in again
    assert RoleAssignment.objects.filter(agency=made, role=Role.HR_ADMIN).count() == 1


def test_agency_appoint_a_pppk_head(made):
    run(
        "agency_appoint",
        *("--agency", "DINKES-Y", "--role", "agency_head", "--nip", HEAD_NIP, "--name", "Budi", "--type", "pppk"),
    )
    assert RoleAssignment.objects.filter(agency=made, role=Role.AGENCY_HEAD, user__username=HEAD_NIP).exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--agency", "NOPE", "--role", "hr_admin", "--nip", HR_NIP, "--name", "R"], "No agency"),
        (["--agency", "DINKES-Y", "--role", "hr_admin", "--nip", "123", "--name", "R"], "18 digits"),
        (["--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP], "full name"),
        (["--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--remove"], "No employee"),
    ],
)
def test_agency_appoint_refuses_bad_input_with_a_clear_error(made, args, message):
    with pytest.raises(CommandError, match=message):
        run("agency_appoint", *args)
    assert not Employee.objects.filter(agency=made).exists()


def test_agency_appoint_refuses_an_employee_of_another_agency(made, org_world):
    with pytest.raises(CommandError, match="another agency"):
        run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", org_world.employee_b.username)


def test_agency_appoint_remove_and_remove_again(made):
    run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--name", "Rina")
    out = run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--remove")
    assert "no longer" in out
    assert not RoleAssignment.objects.filter(agency=made).exists()
    with pytest.raises(CommandError, match="no longer holds"):
        run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--remove")


def test_codes_are_printed_for_the_holders_waiting_with_the_superuser_as_actor(made):
    root = UserFactory(is_superuser=True, is_staff=True)
    run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--name", "Rina")
    out = run("activation_codes_issue", "--agency", "DINKES-Y", "--by", root.username)
    line = next(line for line in out.splitlines() if line.startswith(HR_NIP))
    code = line.split()[1]
    assert len(code) == 14 and "Rina" in line
    employee = Employee.objects.get(nip=HR_NIP)
    assert ActivationCode.objects.get(employee=employee).issued_by_id == root.pk
    assert AccountAction.objects.get(employee=employee).actor_id == root.pk


def test_codes_go_to_a_formula_safe_csv(made, tmp_path):
    run("agency_appoint", "--agency", "DINKES-Y", "--role", "hr_admin", "--nip", HR_NIP, "--name", "=SUM(A1)")
    target = tmp_path / "codes.csv"
    out = run("activation_codes_issue", "--agency", "DINKES-Y", "--nip", HR_NIP, "--csv", str(target))
    assert "1 code(s) written" in out and HR_NIP not in out
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0] == ["kode_instansi", "nip", "nama", "kode_aktivasi", "berlaku_sampai"]
    assert rows[1][2] == "'=SUM(A1)" and len(rows[1][3]) == 14


def test_no_code_is_issued_for_an_activated_account(org_world):
    hr = org_world.hr_admin_a  # has a password of their own
    with pytest.raises(CommandError, match="already"):
        run("activation_codes_issue", "--agency", org_world.agency_a.code, "--nip", hr.username)
    assert not ActivationCode.objects.filter(employee__user=hr).exists()


def test_codes_issue_refuses_unknown_people_and_an_agency_with_nobody_waiting(made, org_world, tmp_path):
    with pytest.raises(CommandError, match="No active employee"):
        run("activation_codes_issue", "--agency", "DINKES-Y", "--nip", org_world.employee_b.username)
    with pytest.raises(CommandError, match="waiting"):
        run("activation_codes_issue", "--agency", "DINKES-Y")
    with pytest.raises(CommandError, match="Cannot write"):
        run("activation_codes_issue", "--agency", "DINKES-Y", "--csv", str(tmp_path / "missing" / "x.csv"))
