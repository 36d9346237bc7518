"""POST /api/v1/imports/ (202, the check is queued), GET /api/v1/imports/{id}/ and
POST /api/v1/imports/{id}/confirm/ (202, the write is queued) (docs/api.md). The jobs run here in
process, as the outbox hands them to Celery once the request commits (tests run tasks eagerly)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from flexwork.onboarding import services
from flexwork.org.models import Employee
from tests.onboarding.conftest import employee_row, employees_csv, nip

ERROR_KEYS = {"message", "code", "fields", "violations"}


@pytest.fixture
def jobs(django_capture_on_commit_callbacks):
    """Run what a request queued (outbox → Celery, eager here) once the request has committed."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def upload(client, data, *, name="pegawai.csv", kind="employees"):
    return client.post("/api/v1/imports/", {"file": SimpleUploadedFile(name, data), "kind": kind}, format="multipart")


def checked(client, jobs, data, **kwargs) -> dict:
    """Upload, let the check run, and read the status."""
    response = jobs(lambda: upload(client, data, **kwargs))
    assert response.status_code == 202, response.json()
    return client.get(response.json()["status_url"]).json()


def test_it_previews_then_confirms(client_for, org_world, good_rows, jobs):
    client = client_for(org_world.hr_admin_a)
    response = jobs(lambda: upload(client, employees_csv(good_rows)))
    assert response.status_code == 202, response.json()
    assert response["Location"] == response.json()["status_url"]
    assert response.json()["status_url"].endswith(f"/api/v1/imports/{response.json()['id']}/")
    body = client.get(response["Location"]).json()
    assert body["status"] == "PREVIEWED" and body["is_running"] is False
    assert (body["row_count"], body["rows_checked"], body["new_count"], body["errors"], body["can_confirm"]) == (
        3,
        3,
        3,
        [],
        True,
    )
    assert not Employee.objects.filter(nip=nip(1)).exists()

    response = jobs(lambda: client.post(f"/api/v1/imports/{body['id']}/confirm/"))
    assert response.status_code == 202
    assert response["Location"] == body["status_url"]
    assert client.get(body["status_url"]).json()["status"] == "CONFIRMED"
    assert Employee.objects.filter(nip__in=[nip(1), nip(2), nip(3)]).count() == 3

    again = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert again.status_code == 409
    assert set(again.json()) == ERROR_KEYS
    assert again.json()["code"] == "stale_transition"


def test_it_lists_row_errors_with_numbers_and_refuses_to_confirm(client_for, org_world, jobs):
    client = client_for(org_world.hr_admin_a)
    body = checked(client, jobs, employees_csv([employee_row(1), employee_row(2, unit="NOPE")]))
    assert body["error_count"] == 1
    [error] = body["errors"]
    assert (error["row"], error["column"], error["code"]) == (3, "kode_unit", "unknown_unit")
    assert "NOPE" in error["message"]
    response = client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert response.status_code == 400
    assert response.json()["code"] == "import_has_errors"


def test_it_answers_bad_files_in_the_error_shape(client_for, org_world, jobs):
    client = client_for(org_world.hr_admin_a)
    # Refused by the upload itself, without parsing.
    assert upload(client, b"%PDF-1.4", name="x.pdf").status_code == 415
    response = upload(client, b"", name="x.csv")
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["fields"]["file"]
    # Found by the check: the job fails with the message, in the caller's language.
    latin = employees_csv([employee_row(1, name="Nuñez")]).decode().encode("latin-1")
    body = checked(client, jobs, latin)
    assert (body["status"], body["is_running"], body["can_confirm"]) == ("FAILED", False, False)
    assert "UTF-8" in body["failure"]
    english = client.get(body["status_url"], HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["failure"].startswith("The file is not UTF-8 encoded.")


def test_it_forbids_employees(client_for, org_world, good_rows):
    batch = services.import_upload(
        agency=org_world.agency_a,
        kind="EMPLOYEES",
        data=employees_csv(good_rows),
        name="a.csv",
        uploaded_by=org_world.hr_admin_a,
    )
    for user in (org_world.employee_a, org_world.supervisor_a, org_world.agency_head_a):
        response = upload(client_for(user), employees_csv(good_rows))
        assert response.status_code == 403
        assert set(response.json()) == ERROR_KEYS
        assert client_for(user).get(f"/api/v1/imports/{batch.id}/").status_code == 403


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
    assert client_for(org_world.hr_admin_b).get(f"/api/v1/imports/{batch.id}/").status_code == 404
    assert client_for(org_world.employee_a).post(f"/api/v1/imports/{batch.id}/confirm/").status_code == 403
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_it_needs_credentials(api_client, db):
    assert api_client.post("/api/v1/imports/", {}, format="multipart").status_code == 401
    assert api_client.get("/api/v1/imports/1/").status_code == 401


def test_the_command_previews_and_confirms(org_world, good_rows, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(employees_csv(good_rows))
    out = io.StringIO()
    call_command("import_org", str(path), agency="AGA", kind="employees", stdout=out)
    assert "3 new" in out.getvalue()
    assert not Employee.objects.filter(nip=nip(1)).exists()
    call_command("import_org", str(path), agency="AGA", kind="employees", confirm=True, stdout=out)
    assert Employee.objects.filter(nip__in=[nip(1), nip(2), nip(3)]).count() == 3
