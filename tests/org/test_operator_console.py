"""The operator console (/operator/): only a superuser signed in with the authenticator app opens it;
it creates an agency with its root unit, appoints or removes HR admins and the agency head (creating
the employee when needed, the NIP checked as the import checks it) and prints first-login codes for
accounts never activated. Every write is audited with the operator as the actor."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from flexwork.onboarding.models import AccountAction, AccountActionKind, ActivationCode
from flexwork.org.models import Agency, AgencyPolicy, Employee, Role, RoleAssignment, Unit
from tests.accounts.conftest import totp_enrol
from tests.accounts.factories import PASSWORD, UserFactory
from tests.org.factories import AgencyFactory, EmployeeFactory, UnitFactory, nip_for

pytestmark = pytest.mark.django_db

NEW_NIP = nip_for(7101)
OTHER_NIP = nip_for(7102)
AGENCY = {
    "code": "DISKOMINFO-X",
    "name": "Dinas Komunikasi dan Informatika X",
    "time_zone": "Asia/Makassar",
    "address": "Jl. Contoh 1, Makassar",
    "root_code": "DKI-X",
    "root_name": "",
}


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def mfa_login(client: Client, user, secret: str) -> Client:
    """A real sign-in: password, then the authenticator app's code (what the console asks for)."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root-operator", is_staff=True, is_superuser=True, language="en")
    user.totp_secret = totp_enrol(user)
    return user


@pytest.fixture
def console(superuser):
    return mfa_login(Client(), superuser, superuser.totp_secret)


@pytest.fixture
def agency(db):
    agency = AgencyFactory(code="NEWAG", name="Dinas Baru", time_zone="Asia/Jayapura")
    UnitFactory(agency=agency, parent=None, code="ROOT", name="Dinas Baru")
    return agency


def context_user(event_model: str, **filters):
    model = apps.get_model(*event_model.split("."))
    return model.objects.filter(**filters).values_list("pgh_context__metadata__user", flat=True).last()


ROUTES = (
    ("get", "operator-agencies", False),
    ("get", "operator-agency-new", False),
    ("post", "operator-agency-new", False),
    ("get", "operator-agency", True),
    ("post", "operator-appoint", True),
    ("post", "operator-remove", True),
    ("post", "operator-codes", True),
)


def _url(name: str, with_agency: bool, agency_id: int) -> str:
    return reverse(name, kwargs={"agency_id": agency_id}) if with_agency else reverse(name)


# ---------------------------------------------------------------------------- who may open it


@pytest.mark.parametrize("persona", ["employee_a", "hr_admin_a", "agency_head_a"])
def test_it_forbids_agency_staff(request, org_world, persona):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    for method, name, with_agency in ROUTES:
        response = getattr(client, method)(_url(name, with_agency, org_world.agency_a.id), {"code": "X"})
        assert response.status_code == 403, (persona, name)
    assert not Agency.objects.filter(code="X").exists()


def test_it_forbids_staff_who_are_not_superusers(db):
    staff = UserFactory(is_staff=True)
    client = mfa_login(Client(), staff, totp_enrol(staff))
    assert client.get(reverse("operator-agencies")).status_code == 403
    assert client.post(reverse("operator-agency-new"), AGENCY).status_code == 403
    assert not Agency.objects.filter(code=AGENCY["code"]).exists()
    # ... and their menus do not offer a page they cannot open.
    assert reverse("operator-agencies") not in client.get(reverse("profile")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("operator-agencies"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_superuser_without_the_authenticator_app_enrols_first(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("operator-agencies"))
    assert response["Location"] == reverse("mfa_activate_totp")
    response = client.post(reverse("operator-agency-new"), AGENCY)
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not Agency.objects.filter(code=AGENCY["code"]).exists()


def test_a_session_that_did_not_pass_the_app_confirms_a_code_first(client, superuser):
    client.force_login(superuser)  # no record of the authenticator app in this session
    response = client.get(reverse("operator-agencies"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=%2Foperator%2F" in response["Location"]
    response = client.post(reverse("operator-agency-new"), AGENCY)
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not Agency.objects.filter(code=AGENCY["code"]).exists()


def test_an_unknown_agency_is_404(console):
    assert console.get(reverse("operator-agency", kwargs={"agency_id": 999999})).status_code == 404
    assert console.post(reverse("operator-appoint", kwargs={"agency_id": 999999}), {}).status_code == 404


# ---------------------------------------------------------------------------- agencies


def test_the_list_costs_the_same_queries_for_any_number_of_agencies(console, agency, django_assert_num_queries):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert console.get(reverse("operator-agencies")).status_code == 200
        return len(queries)

    few = measure()
    for _n in range(4):
        extra = AgencyFactory()
        UnitFactory(agency=extra, parent=None)
        EmployeeFactory(agency=extra)
    assert measure() == few
    with django_assert_num_queries(few):
        response = console.get(reverse("operator-agencies"))
    html = response.content.decode()
    assert "Dinas Baru" in html and "WIT (Jayapura)" in html and "Asia/Jayapura" not in html


def test_the_list_shows_hr_admins_and_the_head_by_name(console, org_world):
    html = console.get(reverse("operator-agencies")).content.decode()
    row = html.split("Dinas A", 1)[1].split("</tr>", 1)[0]
    assert org_world.agency_head_a.employee.name in row
    assert org_world.agency_head_a.employee.nip not in html


def test_creating_an_agency_makes_its_policy_and_root_unit_and_audits_the_operator(console, superuser):
    response = console.post(reverse("operator-agency-new"), AGENCY)
    agency = Agency.objects.get(code=AGENCY["code"])
    assert response.status_code == 302
    assert response["Location"] == reverse("operator-agency", kwargs={"agency_id": agency.id})
    assert agency.time_zone == "Asia/Makassar" and agency.address == AGENCY["address"]
    assert agency.mfa_required_for_hr
    assert AgencyPolicy.objects.filter(agency=agency).count() == 1
    root = Unit.objects.get(agency=agency)
    assert root.parent_id is None and root.code == "DKI-X" and root.name == AGENCY["name"]
    assert root.path == [root.id]
    assert str(context_user("org.AgencyEvent", pgh_obj_id=agency.id)) == str(superuser.pk)
    assert str(context_user("org.UnitEvent", pgh_obj_id=root.id)) == str(superuser.pk)
    page = console.get(response["Location"]).content.decode()
    assert "WITA (Makassar)" in page and "Appoint its first HR admin" in page


def test_bad_input_is_shown_in_the_form(console):
    response = console.post(reverse("operator-agency-new"), {**AGENCY, "code": "", "time_zone": "Europe/Paris"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "code" in form.errors and "time_zone" in form.errors
    assert not Agency.objects.filter(name=AGENCY["name"]).exists()


def test_a_code_already_used_is_a_form_error(console, agency):
    response = console.post(reverse("operator-agency-new"), {**AGENCY, "code": "newag"})
    assert response.status_code == 409
    assert "An agency with this code already exists." in response.context["form"].errors["code"]
    assert Agency.objects.filter(code__iexact="newag").count() == 1


def test_a_double_submit_creates_one_agency_and_both_land_on_it(console):
    first = console.post(reverse("operator-agency-new"), AGENCY)
    second = console.post(reverse("operator-agency-new"), AGENCY)
    agency = Agency.objects.get(code=AGENCY["code"])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("operator-agency", kwargs={"agency_id": agency.id})
    assert Unit.objects.filter(agency=agency).count() == 1


def test_another_operator_reusing_the_code_gets_the_error_not_the_agency(superuser):
    AgencyFactory(code=AGENCY["code"], name=AGENCY["name"])  # made by someone else, before this login
    console = mfa_login(Client(), superuser, superuser.totp_secret)
    response = console.post(reverse("operator-agency-new"), AGENCY)
    assert response.status_code == 409


# ---------------------------------------------------------------------------- appointing


def appoint(console, agency, **data):
    body = {"nip": NEW_NIP, "role": Role.HR_ADMIN, "name": "Rina Sari", "employee_type": "PNS", "email": "", **data}
    return console.post(reverse("operator-appoint", kwargs={"agency_id": agency.id}), body)


def test_appointing_someone_new_creates_them_in_the_root_unit_with_an_unusable_login(console, superuser, agency):
    response = appoint(console, agency, email="rina@example.go.id")
    assert response.status_code == 302
    employee = Employee.objects.select_related("user", "unit").get(nip=NEW_NIP)
    assert employee.agency_id == agency.id and employee.unit.parent_id is None
    assert not employee.user.has_usable_password() and employee.user.email == "rina@example.go.id"
    assert RoleAssignment.objects.filter(agency=agency, user=employee.user, role=Role.HR_ADMIN).count() == 1
    assert str(context_user("org.RoleAssignmentEvent", agency_id=agency.id)) == str(superuser.pk)
    assert str(context_user("org.EmployeeEvent", pgh_obj_id=employee.id)) == str(superuser.pk)
    page = console.get(response["Location"]).content.decode()
    assert "Rina Sari" in page and "waiting for activation" in page and "HR admin" in page
    assert "HR_ADMIN" not in page.split("<main", 1)[1].split('name="role"', 1)[0]


def test_appointing_twice_writes_once(console, agency):
    appoint(console, agency)
    again = appoint(console, agency)
    assert again.status_code == 302
    assert Employee.objects.filter(nip=NEW_NIP).count() == 1
    assert RoleAssignment.objects.filter(agency=agency, role=Role.HR_ADMIN).count() == 1


def test_appointing_an_employee_of_the_agency_keeps_their_record(console, org_world):
    employee = org_world.employee_a.employee
    response = appoint(console, org_world.agency_a, nip=employee.nip, name="", role=Role.HR_ADMIN)
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.name == "Pegawai A"
    assert RoleAssignment.objects.filter(agency=org_world.agency_a, user=org_world.employee_a).exists()


@pytest.mark.parametrize(
    "data, field, status",
    [
        ({"nip": "12345"}, "nip", 400),
        ({"nip": "196501012005131001"}, "nip", 400),  # month 13 for a PNS, as the import refuses it
        ({"name": ""}, "name", 400),
        ({"role": "SUPERVISOR"}, "role", 400),
    ],
)
def test_bad_input_when_appointing_is_a_form_error(console, agency, data, field, status):
    response = appoint(console, agency, **data)
    assert response.status_code == status
    assert field in response.context["form"].errors
    assert not RoleAssignment.objects.filter(agency=agency).exists()
    assert not Employee.objects.filter(agency=agency).exists()


def test_an_employee_of_another_agency_cannot_be_appointed(console, org_world, agency):
    response = appoint(console, agency, nip=org_world.employee_b.employee.nip)
    assert response.status_code == 400
    assert "another agency" in str(response.context["form"].errors["nip"])
    assert not RoleAssignment.objects.filter(agency=agency).exists()


def test_a_second_agency_head_is_refused_until_the_first_is_removed(console, agency):
    assert appoint(console, agency, role=Role.AGENCY_HEAD).status_code == 302
    response = appoint(console, agency, nip=OTHER_NIP, name="Budi", role=Role.AGENCY_HEAD)
    assert response.status_code == 409
    assert "Rina Sari" in str(response.context["form"].errors["role"])
    assert RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_HEAD).count() == 1


def test_removing_a_role_and_removing_it_again(console, superuser, agency):
    appoint(console, agency)
    employee = Employee.objects.get(nip=NEW_NIP)
    url = reverse("operator-remove", kwargs={"agency_id": agency.id})
    body = {"employee": employee.id, "role": Role.HR_ADMIN}
    assert console.post(url, body).status_code == 302
    assert not RoleAssignment.objects.filter(agency=agency).exists()
    assert Employee.objects.filter(id=employee.id, is_active=True).exists()  # the person stays
    deleted = apps.get_model("org", "RoleAssignmentEvent").objects.filter(agency_id=agency.id, pgh_label="delete")
    assert str(deleted.values_list("pgh_context__metadata__user", flat=True).get()) == str(superuser.pk)
    again = console.post(url, body)
    assert again.status_code == 409
    assert "no longer holds" in again.content.decode()


def test_removing_someone_of_another_agency_is_404(console, org_world, agency):
    url = reverse("operator-remove", kwargs={"agency_id": agency.id})
    body = {"employee": org_world.hr_admin_a.employee.id, "role": Role.HR_ADMIN}
    assert console.post(url, body).status_code == 404
    assert RoleAssignment.objects.filter(user=org_world.hr_admin_a, role=Role.HR_ADMIN).exists()


# ---------------------------------------------------------------------------- first-login codes


def test_codes_are_printed_once_for_holders_never_activated_with_the_operator_as_actor(console, superuser, agency):
    appoint(console, agency, name="=Rina Sari")
    employee = Employee.objects.get(nip=NEW_NIP)
    page = console.get(reverse("operator-agency", kwargs={"agency_id": agency.id})).content.decode()
    assert f'type="checkbox" name="employee" value="{employee.id}"' in page

    response = console.post(
        reverse("operator-codes", kwargs={"agency_id": agency.id}), {"employee": [employee.id], "format": "html"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    [(issued_to, code)] = response.context["issued"]
    assert issued_to.id == employee.id and code in html and NEW_NIP in html
    assert "/activate/" in html
    action = AccountAction.objects.get(employee=employee)
    assert action.kind == AccountActionKind.CODE_ISSUED and action.actor_id == superuser.pk
    assert ActivationCode.objects.get(employee=employee).issued_by_id == superuser.pk
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_csv_of_codes_is_formula_safe(console, agency):
    appoint(console, agency, name="=HYPERLINK(1)")
    employee = Employee.objects.get(nip=NEW_NIP)
    response = console.post(
        reverse("operator-codes", kwargs={"agency_id": agency.id}), {"employee": [employee.id], "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "kode_instansi,nip,nama,kode_aktivasi,berlaku_sampai"
    assert ",'=HYPERLINK(1)," in lines[1]


def test_no_code_for_an_account_already_activated(console, org_world):
    hr = org_world.hr_admin_a.employee  # has a password of their own
    page = console.get(reverse("operator-agency", kwargs={"agency_id": org_world.agency_a.id})).content.decode()
    assert f'type="checkbox" name="employee" value="{hr.id}"' not in page
    response = console.post(
        reverse("operator-codes", kwargs={"agency_id": org_world.agency_a.id}), {"employee": [hr.id], "format": "html"}
    )
    assert response.status_code == 409
    assert not ActivationCode.objects.filter(employee=hr).exists()
    assert not AccountAction.objects.filter(employee=hr).exists()


def test_codes_only_for_role_holders_of_this_agency(console, org_world, agency):
    stranger = EmployeeFactory(agency=agency, password="")  # employed, but no role
    url = reverse("operator-codes", kwargs={"agency_id": agency.id})
    response = console.post(url, {"employee": [stranger.id]})
    assert response.status_code == 400
    assert console.post(url, {"employee": [org_world.employee_b.employee.id]}).status_code == 400  # not found here
    assert not ActivationCode.objects.filter(employee__agency=agency).exists()


def test_the_pages_speak_indonesian_too(console, superuser, agency):
    superuser.language = "id"
    superuser.save(update_fields=["language"])
    console.cookies["django_language"] = "id"
    html = console.get(reverse("operator-agency", kwargs={"agency_id": agency.id})).content.decode()
    assert 'lang="id"' in html
    assert "Tunjuk" in html


# ---------------------------------------------------------------------------- races


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_make_one_agency_one_employee_and_one_head():
    from django.contrib.contenttypes.models import ContentType

    from flexwork.org import operator
    from tests.schedules.test_races import run_concurrently

    ContentType.objects.clear_cache()
    setup = {key: value for key, value in AGENCY.items() if key != "root_name"}
    outcomes = run_concurrently([lambda: operator.agency_setup(**setup, root_name="Root")] * 5)
    assert sorted(outcomes) == [200, 409, 409, 409, 409]
    agency = Agency.objects.get(code=AGENCY["code"])
    assert Unit.objects.filter(agency=agency).count() == 1

    def appoint_hr():
        operator.person_appoint(agency=agency, nip=NEW_NIP, role=Role.HR_ADMIN, name="Rina Sari")

    assert run_concurrently([appoint_hr] * 5) == [200] * 5
    assert Employee.objects.filter(nip=NEW_NIP).count() == 1
    assert RoleAssignment.objects.filter(agency=agency, role=Role.HR_ADMIN).count() == 1

    heads = [
        lambda n=n: operator.person_appoint(agency=agency, nip=nip_for(7400 + n), role=Role.AGENCY_HEAD, name=f"K{n}")
        for n in range(4)
    ]
    outcomes = run_concurrently(heads)
    assert outcomes.count(200) == 1 and outcomes.count(409) == 3, outcomes
    assert RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_HEAD).count() == 1
    ContentType.objects.clear_cache()
