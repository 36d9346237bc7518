import hashlib

import pytest
from django.core.files.storage import storages
from django.http import Http404
from rest_framework.test import APIClient

from flexwork.accounts.models import User
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.models import EvidenceFile
from flexwork.common.selectors import evidence_get_for, evidence_list_attachable_for, evidence_list_for_owner
from flexwork.common.services import evidence_attach, evidence_clean_name, evidence_upload
from tests.common.files import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    TEXT_BYTES,
    WORD_MACRO_MAIN,
    docx_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def users_own_their_evidence(monkeypatch):
    """Stand-in owner for these tests: a user's profile owns evidence that only that user and staff
    may see. Real owners (arrangement requests, output logs) implement the same one method."""
    monkeypatch.setattr(
        User, "evidence_visible_to", lambda self, user: user.pk == self.pk or user.is_staff, raising=False
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# ---------------------------------------------------------------------------- upload: types by content


@pytest.mark.parametrize(
    ("name", "content", "media_type", "extension"),
    [
        ("surat tugas.pdf", PDF_BYTES, "application/pdf", "pdf"),
        ("foto.jpeg", JPEG_BYTES, "image/jpeg", "jpg"),
        ("layar.png", PNG_BYTES, "image/png", "png"),
        (
            "laporan.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ("rekap.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ],
    # Named ids: the generated Office files carry timestamps, and pytest-xdist workers must agree on ids.
    ids=["pdf", "jpeg", "png", "docx", "xlsx"],
)
def test_it_accepts_each_allowed_type_by_content(alice, name, content, media_type, extension, evidence_root):
    evidence = evidence_upload(user=alice, uploaded_file=upload(name, content))

    assert evidence.media_type == media_type
    assert evidence.original_name == name
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    # Stored under a random name with the detected type's extension, never the client's name.
    assert evidence.stored_name.endswith("." + extension)
    assert name.rsplit(".", 1)[0] not in evidence.stored_name
    with storages["evidence"].open(evidence.stored_name, "rb") as stored:
        assert stored.read() == content
    assert (evidence_root / evidence.stored_name).is_file()


def test_content_decides_the_type_not_the_name(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("scan.pdf", PNG_BYTES, "application/pdf"))

    assert evidence.media_type == "image/png"
    assert evidence.stored_name.endswith(".png")
    assert evidence.original_name == "scan.pdf"


@pytest.mark.parametrize(
    "content",
    [
        TEXT_BYTES,
        b"MZ\x90\x00" + b"\x00" * 60,  # a Windows executable
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        zip_bytes({"a.txt": "hello"}),  # a plain zip
        docx_bytes(main_type=WORD_MACRO_MAIN),  # a macro-enabled document dressed as .docx
        b"PK\x03\x04 not really a zip",
    ],
    ids=["text", "exe", "svg", "zip", "docm", "broken-zip"],
)
def test_it_refuses_other_types_with_415(alice, content, evidence_root):
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(user=alice, uploaded_file=upload("bukti.pdf", content, "application/pdf"))

    assert caught.value.status_code == 415
    assert caught.value.code == "unsupported_media_type"
    assert "file" in caught.value.fields
    assert not EvidenceFile.objects.exists()
    assert not evidence_root.exists() or not any(p.is_file() for p in evidence_root.rglob("*"))


def test_it_refuses_a_file_above_the_limit_with_413(alice, settings, evidence_root):
    settings.EVIDENCE_MAX_BYTES = 100

    with pytest.raises(ApplicationError) as caught:
        evidence_upload(user=alice, uploaded_file=upload("big.pdf", PDF_BYTES + b"x" * 100))

    assert caught.value.status_code == 413
    assert caught.value.code == "too_large"
    assert not EvidenceFile.objects.exists()


def test_a_file_exactly_at_the_limit_is_accepted(alice, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF_BYTES)

    assert evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES)).size == len(PDF_BYTES)


def test_it_refuses_an_empty_file(alice):
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(user=alice, uploaded_file=upload("a.pdf", b""))

    assert caught.value.status_code == 400
    assert caught.value.code == "empty_file"


# ---------------------------------------------------------------------------- safe names


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\budi\\Desktop\\surat.pdf", "surat.pdf"),
        ("laporan\r\nSet-Cookie: x=1.pdf", "laporanSet-Cookie: x=1.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("  spasi.pdf  ", "spasi.pdf"),
        ("..", ""),
        ("Surat Keputusan Ñandú.pdf", "Surat Keputusan Ñandú.pdf"),
    ],
)
def test_it_cleans_the_client_name(given, kept):
    assert evidence_clean_name(given) == kept


def test_a_long_name_keeps_its_extension():
    name = evidence_clean_name("a" * 400 + ".docx")

    assert len(name) == 255
    assert name.endswith(".docx")


def test_a_name_that_cleans_to_nothing_gets_a_default(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("\x00\x01", PDF_BYTES))

    assert evidence.original_name == "evidence.pdf"


# ---------------------------------------------------------------------------- visibility and attaching


def test_unattached_evidence_is_visible_only_to_its_uploader(alice, bob):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))

    assert evidence_get_for(user=alice, evidence_id=evidence.id) == evidence
    with pytest.raises(Http404):
        evidence_get_for(user=bob, evidence_id=evidence.id)
    assert list(evidence_list_attachable_for(user=alice)) == [evidence]
    assert list(evidence_list_attachable_for(user=bob)) == []


def test_once_attached_the_owner_decides_who_sees_it(alice, bob, make_user, users_own_their_evidence):
    carol = make_user("carol")
    hr = make_user("hr", is_staff=True)
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))

    evidence_attach(evidence=evidence, owner=carol)

    assert evidence_get_for(user=carol, evidence_id=evidence.id) == evidence
    assert evidence_get_for(user=hr, evidence_id=evidence.id) == evidence
    for outsider in (alice, bob):
        with pytest.raises(Http404):
            evidence_get_for(user=outsider, evidence_id=evidence.id)
    assert list(evidence_list_for_owner(owner=carol)) == [evidence]
    assert list(evidence_list_attachable_for(user=alice)) == []


def test_attaching_twice_to_the_same_owner_changes_nothing(alice, users_own_their_evidence):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    evidence_attach(evidence=evidence, owner=alice)

    again = evidence_attach(evidence=EvidenceFile.objects.get(id=evidence.id), owner=alice)

    assert again.owner == alice


def test_attaching_evidence_owned_by_something_else_is_a_conflict(alice, bob, users_own_their_evidence):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    stale = EvidenceFile.objects.get(id=evidence.id)
    evidence_attach(evidence=evidence, owner=alice)

    with pytest.raises(ConflictError):
        evidence_attach(evidence=stale, owner=bob)
    evidence.refresh_from_db()
    assert evidence.owner == alice


def test_only_a_model_that_answers_visibility_may_own_evidence(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))

    with pytest.raises(TypeError):
        evidence_attach(evidence=evidence, owner=alice)  # User does not implement evidence_visible_to here


def test_evidence_whose_owner_cannot_answer_is_hidden_from_everyone(alice, users_own_their_evidence, monkeypatch):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    evidence_attach(evidence=evidence, owner=alice)
    monkeypatch.delattr(User, "evidence_visible_to")

    with pytest.raises(Http404):
        evidence_get_for(user=alice, evidence_id=evidence.id)


def test_a_deactivated_uploader_no_longer_sees_the_file(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    with pytest.raises(Http404):
        evidence_get_for(user=alice, evidence_id=evidence.id)


# ---------------------------------------------------------------------------- API


def test_upload_api_answers_201_with_the_metadata(alice):
    response = client_for(alice).post(
        "/api/v1/evidence/", {"file": upload("Surat Tugas.pdf", PDF_BYTES)}, format="multipart"
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "content_type", "size", "sha256", "created_at"}
    assert body["name"] == "Surat Tugas.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF_BYTES)
    assert body["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert EvidenceFile.objects.get(id=body["id"]).uploaded_by == alice


def test_upload_api_refuses_a_json_body_with_415(alice):
    response = client_for(alice).post("/api/v1/evidence/", {"file": "JVBERi0="}, format="json")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_metadata_api_shows_own_evidence(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.png", PNG_BYTES))

    response = client_for(alice).get(f"/api/v1/evidence/{evidence.id}/")

    assert response.status_code == 200
    assert response.json()["id"] == evidence.id
    assert response.json()["content_type"] == "image/png"


def test_it_hides_other_users_evidence(alice, bob):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.png", PNG_BYTES))
    client = client_for(bob)

    for path in (f"/api/v1/evidence/{evidence.id}/", f"/api/v1/evidence/{evidence.id}/download/"):
        hidden = client.get(path)
        missing = client.get(path.replace(str(evidence.id), str(evidence.id + 1000)))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()  # the same answer: existence is not revealed


def test_download_api_streams_the_file_as_an_attachment(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("Surat Tugas Dinas.pdf", PDF_BYTES))

    response = client_for(alice).get(f"/api/v1/evidence/{evidence.id}/download/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Surat Tugas Dinas.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_download_of_a_non_ascii_name_uses_rfc_5987(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload('Bukti "lembur" Ñandú.pdf', PDF_BYTES))

    response = client_for(alice).get(f"/api/v1/evidence/{evidence.id}/download/")

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "%C3%91and%C3%BA.pdf" in disposition
    assert '"' not in disposition.split("filename*=", 1)[1]
    response.close()


def test_download_name_gets_the_real_extension(alice):
    evidence = evidence_upload(user=alice, uploaded_file=upload("scan.pdf", PNG_BYTES))

    response = client_for(alice).get(f"/api/v1/evidence/{evidence.id}/download/")

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf.png"'
    response.close()


def test_page_download_asks_for_login_and_hides_other_users_files(alice, bob, client):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    url = f"/evidence/{evidence.id}/download/"

    assert client.get(url).status_code == 302
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_evidence_lives_outside_every_public_directory():
    """FileSystemStorage falls back to MEDIA_URL for URLs, so the guard is where the bytes live:
    not under MEDIA_ROOT (served in development) nor STATIC_ROOT (served by WhiteNoise)."""
    from pathlib import Path

    from flexwork.settings import base

    evidence = base.STORAGES["evidence"]
    location = Path(evidence["OPTIONS"]["location"]).resolve()
    assert evidence["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert evidence["OPTIONS"]["base_url"] is None
    for public in (base.MEDIA_ROOT, base.STATIC_ROOT, *base.STATICFILES_DIRS):
        assert not location.is_relative_to(Path(public).resolve())
