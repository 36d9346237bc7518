"""HR edits one employee (docs/rules.md §7): every import field with the import's checks, the check
of what saving does, re-routing through the engine, deactivation, 404/403/409, a double submit."""

from __future__ import annotations

import pytest

from flexwork.approvals.models import ApprovalStatus, ApprovalStep, Transition
from flexwork.notifications.models import Notification
from flexwork.org.models import Employee, EmployeeChange, EmployeeChangeKind
from schedules.models import ScheduleDay
from tests.org.factories import nip_for
from tests.schedules.conftest import (
    approve_fully,
    create,
    days,
    emp,
    fetch,
    next_monday,
    personas_have_homes,  # noqa: F401 (autouse: HOME requests pass)
)

pytestmark = pytest.mark.django_db
S = ApprovalStatus


def url(user) -> str:
    return f"/hr/employees/{user.employee.id}/edit/"


def form_data(employee: Employee, **overrides) -> dict:
    employee = Employee.objects.select_related("user", "supervisor").get(id=employee.id)
    data = {
        "version": employee.updated_at.isoformat(),
        "name": employee.name,
        "email": employee.user.email,
        "language": employee.user.language,
        "employee_type": employee.employee_type,
        "unit": employee.unit_id,
        "position": employee.position_id or "",
        "position_start_date": employee.position_start_date.isoformat() if employee.position_start_date else "",
        "supervisor_nip": employee.supervisor.nip if employee.supervisor else "",
        "sanction_start": "",
        "sanction_end": "",
        "effective_date": "2026-12-02",
        "reason": "",
    }
    if employee.is_active:
        data["is_active"] = "on"
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def day(employee_a):
    """The Monday of the week after next: far enough for the lead time."""
    return next_monday(2, employee_user=employee_a)


@pytest.fixture
def hr(client, hr_admin_a):
    client.force_login(hr_admin_a)
    return client


def test_the_page_shows_the_employee_in_both_languages(hr, employee_a):
    for language in ("id", "en"):
        hr.cookies["django_language"] = language
        response = hr.get(url(employee_a))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Pegawai A" in page and f'lang="{language}"' in page


def test_it_hides_other_agencies(client, employee_a, employee_b, hr_admin_a, hr_admin_b):
    client.force_login(hr_admin_b)
    assert client.get(url(employee_a)).status_code == 404
    assert client.post(url(employee_a), form_data(employee_a.employee, name="X", action="save")).status_code == 404
    client.force_login(hr_admin_a)
    assert client.get(url(employee_b)).status_code == 404
    assert Employee.objects.get(id=employee_a.employee.id).name == "Pegawai A"


@pytest.mark.parametrize("persona", ["supervisor_a", "unit_head_a", "agency_head_a"])
def test_it_forbids_other_roles(client, org_world, employee_a, persona):
    client.force_login(getattr(org_world, persona))
    assert client.get(url(employee_a)).status_code == 403
    response = client.post(url(employee_a), form_data(employee_a.employee, name="X", action="save"))
    assert response.status_code == 403
    assert Employee.objects.get(id=employee_a.employee.id).name == "Pegawai A"


def test_check_shows_what_will_happen_and_writes_nothing(hr, employee_a, supervisor_a, unit_head_a, day):
    create(employee_a, days(day, 0))
    create(employee_a, days(day, 1))
    data = form_data(employee_a.employee, supervisor_nip=unit_head_a.employee.nip, action="check")

    response = hr.post(url(employee_a), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Kasi A" in page and "Kepala Bidang A" in page
    assert ("2 waiting requests will be re-routed to Kepala Bidang A" in page) or (
        "2 pengajuan yang menunggu akan dialihkan ke Kepala Bidang A" in page
    )
    assert 'value="save"' in page
    assert Employee.objects.get(id=employee_a.employee.id).supervisor_id == supervisor_a.employee.id


def test_a_new_supervisor_gets_the_waiting_request(hr, client, employee_a, supervisor_a, unit_head_a, org_world, day):
    """The new supervisor sees it in their queue, the old one no longer does."""
    new_supervisor = org_world.hr_admin_a  # an agency colleague who is not the decider
    ar = create(employee_a, days(day, 0))
    data = form_data(employee_a.employee, supervisor_nip=new_supervisor.employee.nip, action="save")

    response = hr.post(url(employee_a), data)

    assert response.status_code == 302
    ar = fetch(ar)
    assert ar.recommender_id == new_supervisor.employee.id and ar.step == ApprovalStep.RECOMMEND
    assert Transition.objects.filter(object_id=ar.id, action="reroute").count() == 1
    change = EmployeeChange.objects.get(employee=employee_a.employee, kind=EmployeeChangeKind.SUPERVISOR)
    assert (change.old_id, change.new_id, change.actor_id) == (
        supervisor_a.employee.id,
        new_supervisor.employee.id,
        org_world.hr_admin_a.id,
    )
    assert Notification.objects.filter(recipient=employee_a, kind="employee_changed").exists()
    assert Notification.objects.filter(recipient=new_supervisor, kind="arrangement_rerouted").exists()
    client.force_login(new_supervisor)
    assert f"/arrangements/{ar.id}/" in client.get("/arrangements/queue/").content.decode()
    client.force_login(supervisor_a)
    assert f"/arrangements/{ar.id}/" not in client.get("/arrangements/queue/").content.decode()


def test_every_import_field_is_saved(hr, employee_a, org_world):
    data = form_data(
        employee_a.employee,
        name="Pegawai A Baru",
        email="pegawai.a.baru@example.go.id",
        language="en",
        unit=org_world.hr_unit_a.id,
        position="",
        position_start_date="2024-01-02",
        supervisor_nip="",
        sanction_start="2026-01-01",
        sanction_end="2026-06-30",
        sanction_in_process="on",
        action="save",
    )
    assert hr.post(url(employee_a), data).status_code == 302
    employee = Employee.objects.select_related("user").get(id=employee_a.employee.id)
    assert (employee.name, employee.user.email, employee.user.language) == (
        "Pegawai A Baru",
        "pegawai.a.baru@example.go.id",
        "en",
    )
    assert employee.unit_id == org_world.hr_unit_a.id and employee.position_id is None
    assert employee.supervisor_id is None and employee.sanction_in_process
    kinds = set(EmployeeChange.objects.filter(employee=employee).values_list("kind", flat=True))
    assert {"UNIT", "SUPERVISOR", "POSITION", "EMAIL"} <= kinds
    email = EmployeeChange.objects.get(employee=employee, kind=EmployeeChangeKind.EMAIL)
    assert email.new_value == "pegawai.a.baru@example.go.id"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"employee_type": "HONORER"}, "employee_type"),
        ({"unit": "999999"}, "unit"),
        ({"position": "999999"}, "position"),
        ({"supervisor_nip": "123"}, "supervisor_nip"),
        ({"position_start_date": "0001-01-01"}, "position_start_date"),
        ({"position_start_date": "2026-02-30"}, "position_start_date"),
        ({"sanction_start": "2026-06-01", "sanction_end": "2026-05-01"}, "sanction_end"),
        ({"is_active": None, "reason": ""}, "reason"),
    ],
)
def test_bad_input_is_a_form_error_and_keeps_what_was_typed(hr, employee_a, overrides, field):
    data = form_data(employee_a.employee, action="save", **overrides)
    data.setdefault("name", "")
    response = hr.post(url(employee_a), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Employee.objects.get(id=employee_a.employee.id).name == "Pegawai A"


def test_the_services_checks_reach_the_form(hr, employee_a, supervisor_a, org_world, agency_b):
    # A cycle: supervisor_a cannot get their own report as supervisor.
    data = form_data(supervisor_a.employee, supervisor_nip=employee_a.employee.nip, action="save")
    response = hr.post(url(supervisor_a), data)
    assert response.status_code == 400
    assert "supervisor_nip" in response.context["form"].errors
    # Another agency's employee as supervisor: unknown in this agency.
    data = form_data(employee_a.employee, supervisor_nip=org_world.employee_b.employee.nip, action="save")
    response = hr.post(url(employee_a), data)
    assert response.status_code == 400 and "supervisor_nip" in response.context["form"].errors
    # An e-mail address of another account.
    data = form_data(employee_a.employee, email=org_world.supervisor_a.email or "kasi@example.go.id", action="save")
    if not org_world.supervisor_a.email:
        org_world.supervisor_a.email = "kasi@example.go.id"
        org_world.supervisor_a.save(update_fields=["email"])
    response = hr.post(url(employee_a), data)
    assert response.status_code in (400, 409) and "email" in response.context["form"].errors
    # A type the NIP does not fit: a PNS NIP's month digits are 01–12; a PPPK NIP may have any, so
    # turning a PPPK with month 13+ into a PNS is refused.
    pppk = Employee.objects.get(id=employee_a.employee.id)
    Employee.objects.filter(id=pppk.id).update(nip=nip_for(77, employee_type="PPPK"), employee_type="PPPK")
    nip = Employee.objects.get(id=pppk.id).nip
    if int(nip[12:14]) > 12:
        response = hr.post(url(employee_a), form_data(pppk, employee_type="PNS", action="save"))
        assert response.status_code == 400


def test_a_stale_form_is_409_and_writes_nothing(hr, employee_a):
    data = form_data(employee_a.employee, name="Nama Pertama", action="save")
    stale = dict(data, name="Nama Kedua")

    assert hr.post(url(employee_a), data).status_code == 302
    response = hr.post(url(employee_a), stale)

    assert response.status_code == 409
    assert Employee.objects.get(id=employee_a.employee.id).name == "Nama Pertama"
    page = response.content.decode()
    assert "Nama Kedua" in page  # what was typed is still there


def test_a_double_submit_writes_once(hr, employee_a, unit_head_a, day):
    ar = create(employee_a, days(day, 0))
    data = form_data(employee_a.employee, supervisor_nip=unit_head_a.employee.nip, action="save")

    first = hr.post(url(employee_a), data)
    second = hr.post(url(employee_a), data)

    assert (first.status_code, second.status_code) == (302, 409)
    assert EmployeeChange.objects.filter(employee=employee_a.employee, kind=EmployeeChangeKind.SUPERVISOR).count() == 1
    assert Transition.objects.filter(object_id=ar.id, action="reroute").count() == 1
    assert Notification.objects.filter(recipient=employee_a, kind="employee_changed").count() == 1


def test_deactivation_withdraws_with_the_reason_and_cancels_future_days(hr, employee_a, supervisor_a, unit_head_a, day):
    approved = approve_fully(create(employee_a, days(day, 0)), supervisor=supervisor_a, decider=unit_head_a)
    pending = create(employee_a, days(day, 4))
    check = form_data(employee_a.employee, is_active=None, reason="Pensiun", action="check")
    page = hr.post(url(employee_a), check).content.decode()
    assert "1" in page and ("withdrawn" in page or "ditarik" in page)

    response = hr.post(url(employee_a), dict(check, action="save"))

    assert response.status_code == 302
    assert fetch(pending).status == S.WITHDRAWN
    withdraw = Transition.objects.get(object_id=pending.id, action="withdraw")
    assert withdraw.note == "Pensiun"
    assert fetch(approved).status == S.CANCELLED
    assert not ScheduleDay.objects.filter(employee=emp(employee_a), cancelled_at__isnull=True).exists()
    change = EmployeeChange.objects.get(employee=employee_a.employee, kind=EmployeeChangeKind.DEACTIVATED)
    assert change.reason == "Pensiun"
    assert not Employee.objects.get(id=employee_a.employee.id).user.is_active


def test_the_api_patch_refuses_a_stale_version(client_for, hr_admin_a, employee_a):
    from tests.helpers import assert_error

    api = client_for(hr_admin_a)
    path = f"/api/v1/employees/{employee_a.employee.id}/"
    version = api.get(path).json().get("updated_at")
    assert api.patch(path, {"name": "Baru", "version": version}, format="json").status_code == 200
    response = api.patch(path, {"name": "Lagi", "version": version}, format="json")
    assert_error(response, 409, "stale")
    assert Employee.objects.get(id=employee_a.employee.id).name == "Baru"


def test_values_changed_after_the_check_are_checked_again(hr, employee_a, supervisor_a, unit_head_a, org_world):
    checked = hr.post(url(employee_a), form_data(employee_a.employee, name="Nama Dicek", action="check"))
    digest = checked.context["digest"]
    assert digest
    changed = form_data(employee_a.employee, name="Nama Lain", checked=digest, action="save")

    response = hr.post(url(employee_a), changed)

    assert response.status_code == 200 and response.context["checked"]
    assert Employee.objects.get(id=employee_a.employee.id).name == "Pegawai A"
    same = form_data(employee_a.employee, name="Nama Dicek", checked=digest, action="save")
    assert hr.post(url(employee_a), same).status_code == 302
    assert Employee.objects.get(id=employee_a.employee.id).name == "Nama Dicek"


def test_the_employee_as_their_own_supervisor_is_an_error_on_the_field(hr, employee_a):
    data = form_data(employee_a.employee, supervisor_nip=employee_a.employee.nip, action="save")
    response = hr.post(url(employee_a), data)
    assert response.status_code == 400
    assert "supervisor_nip" in response.context["form"].errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_form_write_once(org_world):
    """Five taps at once: the row lock orders them and the version lets one through."""
    import threading

    from django.db import connection
    from django.test import Client

    employee, hr_user = org_world.employee_a, org_world.hr_admin_a
    data = form_data(employee.employee, supervisor_nip=org_world.unit_head_a.employee.nip, action="save")
    barrier = threading.Barrier(5)
    statuses: list = []

    def tap():
        try:
            client = Client()
            client.force_login(hr_user)
            barrier.wait(timeout=30)
            statuses.append(client.post(url(employee), data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302, 409, 409, 409, 409]
    assert (
        EmployeeChange.objects.filter(employee_id=employee.employee.id, kind=EmployeeChangeKind.SUPERVISOR).count() == 1
    )
