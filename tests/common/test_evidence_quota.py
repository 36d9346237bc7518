"""Evidence quota per user and the nightly purge of files never attached (docs/rules.md §1 "Evidence
files"). Storage is each test's temporary directory (the autouse `evidence_root` fixture)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.utils import timezone
from rest_framework.test import APIClient

from flexwork.accounts.models import User
from flexwork.common.exceptions import ApplicationError
from flexwork.common.models import EvidenceFile
from flexwork.common.services import evidence_attach, evidence_unattached_purge, evidence_upload
from flexwork.common.tasks import evidence_unattached_purge_task
from tests.common.files import PDF_BYTES, PNG_BYTES, upload
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def users_own_their_evidence(monkeypatch):
    monkeypatch.setattr(User, "evidence_visible_to", lambda self, user: user.pk == self.pk, raising=False)


def _pdf(size: int = 0):
    return upload("scan.pdf", PDF_BYTES + b"0" * size)


def _age(evidence: EvidenceFile, hours: float) -> None:
    EvidenceFile.objects.filter(id=evidence.id).update(created_at=timezone.now() - datetime.timedelta(hours=hours))


def _event_labels(evidence_id: int) -> list[str]:
    from flexwork.common.models import EvidenceFileEvent

    return list(
        EvidenceFileEvent.objects.filter(pgh_obj_id=evidence_id).order_by("pgh_id").values_list("pgh_label", flat=True)
    )


# ---------------------------------------------------------------------------- quota


def test_the_daily_bytes_quota_refuses_the_upload_that_would_pass_it(alice, settings):
    settings.EVIDENCE_QUOTA_BYTES_PER_DAY = 3000
    evidence_upload(user=alice, uploaded_file=_pdf(1000))
    evidence_upload(user=alice, uploaded_file=_pdf(1000))
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(user=alice, uploaded_file=_pdf(1000))
    assert (caught.value.status_code, caught.value.code) == (413, "evidence_quota_exceeded")
    assert "24" in str(caught.value.fields["file"][0])
    assert EvidenceFile.objects.filter(uploaded_by=alice).count() == 2


def test_the_daily_quota_counts_the_last_24_hours_only(alice, settings):
    settings.EVIDENCE_QUOTA_BYTES_PER_DAY = 3000
    old = evidence_upload(user=alice, uploaded_file=_pdf(2000))
    _age(old, 25)
    evidence_upload(user=alice, uploaded_file=_pdf(2000))  # the old one no longer counts


def test_the_quota_is_per_user(alice, bob, settings):
    settings.EVIDENCE_QUOTA_BYTES_PER_DAY = 2000
    evidence_upload(user=alice, uploaded_file=_pdf(1500))
    evidence_upload(user=bob, uploaded_file=_pdf(1500))


def test_too_many_unattached_files_are_refused_until_some_are_attached(alice, settings, users_own_their_evidence):
    settings.EVIDENCE_QUOTA_UNATTACHED_FILES = 3
    files = [evidence_upload(user=alice, uploaded_file=_pdf()) for _ in range(3)]
    with pytest.raises(ApplicationError) as caught:
        evidence_upload(user=alice, uploaded_file=_pdf())
    assert (caught.value.status_code, caught.value.code) == (400, "too_many_unattached")
    evidence_attach(evidence=files[0], owner=alice)
    evidence_upload(user=alice, uploaded_file=_pdf())


def test_the_api_answers_the_quota_in_the_error_shape(alice, settings):
    settings.EVIDENCE_QUOTA_BYTES_PER_DAY = 200
    client = APIClient()
    client.force_authenticate(alice)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    first = client.post("/api/v1/evidence/", {"file": _pdf(50)}, format="multipart")
    assert first.status_code == 201
    second = client.post("/api/v1/evidence/", {"file": _pdf(100)}, format="multipart")
    body = assert_error(second, 413, "evidence_quota_exceeded", fields=["file"])
    assert "200\xa0bytes" in body["message"]

    settings.EVIDENCE_QUOTA_BYTES_PER_DAY = 10**9
    settings.EVIDENCE_QUOTA_UNATTACHED_FILES = 1
    third = client.post("/api/v1/evidence/", {"file": upload("p.png", PNG_BYTES)}, format="multipart")
    assert_error(third, 400, "too_many_unattached", fields=["file"])


def test_the_defaults_are_documented_settings():
    assert django_settings.EVIDENCE_QUOTA_BYTES_PER_DAY == 100 * 1024 * 1024
    assert django_settings.EVIDENCE_QUOTA_UNATTACHED_FILES == 20
    assert django_settings.EVIDENCE_UNATTACHED_KEEP_HOURS == 24


# ---------------------------------------------------------------------------- purge


def test_the_purge_deletes_rows_and_files_never_attached_after_a_day(
    alice, users_own_their_evidence, evidence_root, django_capture_on_commit_callbacks
):
    stale = evidence_upload(user=alice, uploaded_file=_pdf())
    fresh = evidence_upload(user=alice, uploaded_file=_pdf())
    attached = evidence_upload(user=alice, uploaded_file=_pdf())
    evidence_attach(evidence=attached, owner=alice)
    for evidence in (stale, attached):
        _age(evidence, 25)
    _age(fresh, 23)
    storage = storages["evidence"]
    assert storage.exists(stale.stored_name)

    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_unattached_purge() == 1

    assert not EvidenceFile.objects.filter(id=stale.id).exists()
    assert not storage.exists(stale.stored_name)
    for kept in (fresh, attached):
        assert EvidenceFile.objects.filter(id=kept.id).exists()
        assert storage.exists(kept.stored_name)
    # Audited: the history keeps the deleted row, with the purge as its context.
    assert _event_labels(stale.id)[-1] == "delete"  # (the update before it is the test ageing the row)
    from flexwork.common.models import EvidenceFileEvent

    deleted = EvidenceFileEvent.objects.get(pgh_obj_id=stale.id, pgh_label="delete")
    assert deleted.pgh_context.metadata.get("purge") == "evidence_unattached"
    assert deleted.stored_name == stale.stored_name


def test_the_purge_is_idempotent(alice, django_capture_on_commit_callbacks):
    stale = evidence_upload(user=alice, uploaded_file=_pdf())
    _age(stale, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_unattached_purge() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_unattached_purge() == 0
    # A file already gone from the storage (a manual clean-up) does not stop the purge of its row.
    again = evidence_upload(user=alice, uploaded_file=_pdf())
    _age(again, 30)
    storages["evidence"].delete(again.stored_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_unattached_purge() == 1


def test_the_purge_works_in_batches(alice, settings, monkeypatch, django_capture_on_commit_callbacks):
    from flexwork.common import services

    monkeypatch.setattr(services, "PURGE_BATCH", 2)
    settings.EVIDENCE_QUOTA_UNATTACHED_FILES = 100
    files = [evidence_upload(user=alice, uploaded_file=_pdf()) for _ in range(5)]
    for evidence in files:
        _age(evidence, 48)
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_unattached_purge() == 5
    assert not EvidenceFile.objects.filter(uploaded_by=alice).exists()
    assert not any(storages["evidence"].exists(f.stored_name) for f in files)


def test_a_rolled_back_purge_keeps_the_files(alice):
    """The bytes are deleted after the commit only: in a transaction that never commits they stay."""
    stale = evidence_upload(user=alice, uploaded_file=_pdf())
    _age(stale, 30)
    assert evidence_unattached_purge() == 1
    assert storages["evidence"].exists(stale.stored_name)


def test_the_nightly_task_is_scheduled_and_runs(alice, settings, django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["evidence-unattached-purge"]
    assert entry["task"] == evidence_unattached_purge_task.name
    stale = evidence_upload(user=alice, uploaded_file=_pdf())
    _age(stale, 25)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_unattached_purge_task.delay()
    assert not EvidenceFile.objects.filter(id=stale.id).exists()
