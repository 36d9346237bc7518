"""The decree file of a unit's working week (docs/rules.md §8 "Work week of a unit"): uploaded on the unit's page
or attached in the API through the evidence checks (size, type), shown by name and size, downloadable by the
agency's HR admins only; WORKWEEK_BASIS keeps asking for the decree's number and date beside it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from flexwork.common.models import EvidenceFile
from flexwork.common.services import evidence_upload
from flexwork.org.models import Unit
from tests.common.files import PDF_BYTES, TEXT_BYTES
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

BASIS = "Keputusan Kepala Dinas No. 800/12/2026"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="sk-hari-kerja.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def post(client, unit, **values):
    unit = Unit.objects.get(id=unit.id)
    data = {"work_week": "ROSTER", "work_week_basis": BASIS, "version": unit.updated_at.isoformat(), **values}
    return client.post(reverse("hr-unit-work-week", args=[unit.id]), data)


def test_hr_uploads_the_decree_and_downloads_it(org_world):
    unit, client = org_world.sec_a, login(org_world.hr_admin_a)
    response = post(client, unit, work_week_basis_file=pdf())
    assert response.status_code == 302
    unit = Unit.objects.select_related("work_week_basis_file").get(id=unit.id)
    evidence = unit.work_week_basis_file
    assert (unit.work_week, evidence.original_name, evidence.size) == ("ROSTER", "sk-hari-kerja.pdf", len(PDF_BYTES))
    assert evidence.owner == unit  # attached: the unit decides who sees it
    for language, word in (("en", "uploaded on"), ("id", "diunggah")):
        client.cookies["django_language"] = language
        page = client.get(reverse("hr-unit-work-week", args=[unit.id])).content.decode()
        assert "sk-hari-kerja.pdf" in page and f"{len(PDF_BYTES)}" in page
        assert word in page
    download = client.get(reverse("hr-unit-work-week-file", args=[unit.id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "sk-hari-kerja.pdf" in download["Content-Disposition"]


def test_only_hr_of_the_agency_downloads_the_file(org_world, client_for):
    unit = org_world.sec_a
    post(login(org_world.hr_admin_a), unit, work_week_basis_file=pdf())
    evidence_id = Unit.objects.get(id=unit.id).work_week_basis_file_id
    url = reverse("hr-unit-work-week-file", args=[unit.id])
    assert login(org_world.employee_a).get(url).status_code == 403
    assert login(org_world.unit_head_a).get(url).status_code == 403
    assert login(org_world.hr_admin_b).get(url).status_code == 404
    download = f"/api/v1/evidence/{evidence_id}/download/"
    assert client_for(org_world.hr_admin_a).get(download).status_code == 200
    assert client_for(org_world.employee_a).get(download).status_code == 404
    assert client_for(org_world.hr_admin_b).get(download).status_code == 404


def test_a_unit_without_a_file_has_no_download(org_world):
    client = login(org_world.hr_admin_a)
    assert client.get(reverse("hr-unit-work-week-file", args=[org_world.sec_a.id])).status_code == 404
    page = client.get(reverse("hr-unit-work-week", args=[org_world.sec_a.id])).content.decode()
    assert 'id="basis-file"' in page and 'enctype="multipart/form-data"' in page


def test_a_refused_file_is_a_form_error_and_writes_nothing(org_world):
    unit, client = org_world.sec_a, login(org_world.hr_admin_a)
    response = post(client, unit, work_week_basis_file=SimpleUploadedFile("sk.pdf", TEXT_BYTES))
    assert response.status_code == 415
    assert "work_week_basis_file" in response.context["form"].errors
    unit = Unit.objects.get(id=unit.id)
    assert (unit.work_week, unit.work_week_basis_file_id) == ("MON_FRI", None)
    assert not EvidenceFile.objects.filter(uploaded_by=org_world.hr_admin_a, original_name="sk.pdf").exists()


@override_settings(EVIDENCE_MAX_BYTES=10)
def test_a_too_large_file_is_a_form_error(org_world):
    response = post(login(org_world.hr_admin_a), org_world.sec_a, work_week_basis_file=pdf())
    assert response.status_code == 413
    assert "work_week_basis_file" in response.context["form"].errors


def test_a_file_without_the_decree_number_is_refused(org_world):
    response = post(login(org_world.hr_admin_a), org_world.sec_a, work_week_basis="", work_week_basis_file=pdf())
    assert response.status_code == 400
    assert "work_week_basis" in response.context["form"].errors
    assert Unit.objects.get(id=org_world.sec_a.id).work_week_basis_file_id is None


def test_a_double_submit_stores_the_file_once(org_world):
    unit, client = org_world.sec_a, login(org_world.hr_admin_a)
    version = Unit.objects.get(id=unit.id).updated_at.isoformat()
    url = reverse("hr-unit-work-week", args=[unit.id])
    data = {"work_week": "ROSTER", "work_week_basis": BASIS, "version": version}
    assert client.post(url, {**data, "work_week_basis_file": pdf()}).status_code == 302
    assert client.post(url, {**data, "work_week_basis_file": pdf()}).status_code == 409
    assert EvidenceFile.objects.filter(uploaded_by=org_world.hr_admin_a, original_name="sk-hari-kerja.pdf").count() == 1


def test_a_new_file_replaces_and_remove_clears(org_world):
    unit, client = org_world.sec_a, login(org_world.hr_admin_a)
    post(client, unit, work_week_basis_file=pdf())
    first = Unit.objects.get(id=unit.id).work_week_basis_file_id
    assert post(client, unit, work_week_basis_file=pdf("sk-baru.pdf")).status_code == 302
    second = Unit.objects.select_related("work_week_basis_file").get(id=unit.id).work_week_basis_file
    assert second.id != first and second.original_name == "sk-baru.pdf"
    assert post(client, unit, remove_file="on").status_code == 302
    assert Unit.objects.get(id=unit.id).work_week_basis_file_id is None


def test_the_api_attaches_an_uploaded_file(org_world, client_for):
    unit = org_world.sec_a
    url = f"/api/v1/units/{unit.id}/"
    hr = client_for(org_world.hr_admin_a)
    mine = evidence_upload(user=org_world.hr_admin_a, uploaded_file=pdf())
    body = hr.patch(
        url, {"work_week": "ROSTER", "work_week_basis": BASIS, "work_week_basis_file": mine.id}, format="json"
    ).json()
    assert body["work_week_basis_file"] == {
        "id": mine.id,
        "name": "sk-hari-kerja.pdf",
        "size": len(PDF_BYTES),
        "content_type": "application/pdf",
    }
    assert hr.get(url).json()["work_week_basis_file"]["id"] == mine.id
    # Someone else's upload, an unknown id, or the same file for another unit: 400 on the field.
    other = evidence_upload(user=org_world.employee_a, uploaded_file=pdf())
    for evidence_id in (other.id, 999_999_999):
        assert_error(
            hr.patch(url, {"work_week_basis_file": evidence_id}, format="json"), 400, fields=["work_week_basis_file"]
        )
    assert_error(
        hr.patch(
            f"/api/v1/units/{org_world.div_a.id}/",
            {"work_week": "ROSTER", "work_week_basis": BASIS, "work_week_basis_file": mine.id},
            format="json",
        ),
        400,
        fields=["work_week_basis_file"],
    )
    # A file alone is not a basis.
    assert_error(
        hr.patch(f"/api/v1/units/{org_world.div_a.id}/", {"work_week": "ROSTER"}, format="json"),
        400,
        code="WORKWEEK_BASIS",
    )
    # null removes it.
    assert hr.patch(url, {"work_week_basis_file": None}, format="json").json()["work_week_basis_file"] is None


def test_the_units_list_reads_the_files_in_a_fixed_number_of_queries(
    org_world, client_for, django_assert_max_num_queries
):
    hr = client_for(org_world.hr_admin_a)
    for unit in (org_world.sec_a, org_world.div_a):
        post(login(org_world.hr_admin_a), unit, work_week_basis_file=pdf())
    with django_assert_max_num_queries(8):
        body = hr.get("/api/v1/units/").json()
    names = [u["work_week_basis_file"]["name"] for u in body["results"] if u["work_week_basis_file"]]
    assert names == ["sk-hari-kerja.pdf", "sk-hari-kerja.pdf"]
