"""POST /api/v1/imports/ and /api/v1/imports/{id}/confirm/ (docs/api.md)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from flexwork.onboarding import services
from flexwork.org.models import Employee
from tests.onboarding.conftest import employee_row, employees_csv, nip

ERROR_KEYS = {"message", "code", "fields", "violations"}


def upload(client, data, *, name="pegawai.csv", kind="employees"):
    return client.post("/api/v1/imports/", {"file": SimpleUploadedFile(name, data), "kind": kind}, format="multipart")


def test_it_previews_then_confirms(client_for, org_world, good_rows):
    client = client_for(org_world.hr_admin_a)
    response = upload(client, employees_csv(good_rows))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["row_count"], body["new_count"], body["errors"], body["can_confirm"]) == (3, 3, [], True)
    assert not Employee.objects.filter(nip=nip(1)).exists()

    response = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert response.status_code == 200
    assert response.json()["status"] == "CONFIRMED"
    assert Employee.objects.filter(nip__in=[nip(1), nip(2), nip(3)]).count() == 3

    again = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 409
    assert set(again.json()) == ERROR_KEYS


def test_it_lists_row_errors_with_numbers_and_refuses_to_confirm(client_for, org_world):
    client = client_for(org_world.hr_admin_a)
    body = upload(client, employees_csv([employee_row(1), employee_row(2, unit="NOPE")])).json()
    assert body["error_count"] == 1
    [error] = body["errors"]
    assert (error["row"], error["column"], error["code"]) == (3, "kode_unit", "unknown_unit")
    assert "NOPE" in error["message"]
    response = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert response.status_code == 400
    assert response.json()["code"] == "import_has_errors"


def test_it_answers_bad_files_in_the_error_shape(client_for, org_world):
    client = client_for(org_world.hr_admin_a)
    latin = employees_csv([employee_row(1, name="Nuñez")]).decode().encode("latin-1")
    response = upload(client, latin)
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "wrong_encoding"
    assert response.json()["fields"]["file"]
    assert upload(client, b"%PDF-1.4", name="x.pdf").status_code == 415
    assert upload(client, b"", name="x.csv").status_code == 400


def test_it_forbids_employees(client_for, org_world, good_rows):
    for user in (org_world.employee_a, org_world.supervisor_a, org_world.agency_head_a):
        response = upload(client_for(user), employees_csv(good_rows))
        assert response.status_code == 403
        assert set(response.json()) == ERROR_KEYS


def test_it_hides_other_agencies(client_for, org_world, good_rows):
    batch = services.import_preview(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=employees_csv(good_rows),
        name="a.csv",
        uploaded_by=org_world.hr_admin_a,
    )
    response = client_for(org_world.hr_admin_b).post(f"/api/v1/imports/{batch.id}/confirm/")
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS
    assert client_for(org_world.employee_a).post(f"/api/v1/imports/{batch.id}/confirm/").status_code == 403
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_it_needs_credentials(api_client, db):
    assert api_client.post("/api/v1/imports/", {}, format="multipart").status_code == 401


def test_the_command_previews_and_confirms(org_world, good_rows, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(employees_csv(good_rows))
    out = io.StringIO()
    call_command("import_org", str(path), agency="AGA", kind="employees", stdout=out)
    assert "3 new" in out.getvalue()
    assert not Employee.objects.filter(nip=nip(1)).exists()
    call_command("import_org", str(path), agency="AGA", kind="employees", confirm=True, stdout=out)
    assert Employee.objects.filter(nip__in=[nip(1), nip(2), nip(3)]).count() == 3
