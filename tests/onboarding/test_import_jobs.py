"""Imports as background jobs (docs/rules.md §7): the upload answers at once, the check reports its
progress, the confirm is written once, lost jobs are queued again; pages and API are scoped (404
other agency, 403 other roles, 409 a repeated confirm). One test goes through a real Celery worker."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flexwork.onboarding import services
from flexwork.onboarding.models import ImportBatch, ImportFile, ImportStatus
from flexwork.org.models import Employee
from flexwork.outbox.models import OutboxMessage
from tests.helpers import assert_error
from tests.onboarding.conftest import employee_row, employees_csv, nip


def upload(org_world, data=None, *, agency=None, user=None, rows=None):
    return services.import_upload(
        agency=agency or org_world.agency_a,
        kind="EMPLOYEES",
        data=data or employees_csv(rows or [employee_row(1), employee_row(2)]),
        name="pegawai.csv",
        uploaded_by=user or org_world.hr_admin_a,
    )


def state(batch) -> ImportBatch:
    return ImportBatch.objects.get(id=batch.id)


def test_the_upload_stores_the_file_and_queues_the_check_without_parsing(org_world, monkeypatch):
    from flexwork.onboarding import importing

    monkeypatch.setattr(importing, "import_file_read", lambda **kwargs: pytest.fail("parsed in the request"))
    batch = upload(org_world)
    assert (batch.status, batch.row_count, batch.is_running) == (ImportStatus.CHECKING, 0, True)
    assert ImportFile.objects.filter(batch=batch).exists()
    [message] = OutboxMessage.objects.filter(topic="onboarding.import", payload__batch_id=batch.id)
    assert message.payload == {"batch_id": batch.id, "step": "preview"}


def test_the_check_reports_progress_and_ends_previewed(org_world, monkeypatch):
    from flexwork.onboarding import importing

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 2)
    seen = []
    original = services._progress

    def watch(batch, rows):
        original(batch, rows)
        seen.append((state(batch).status, state(batch).progress_rows, state(batch).row_count))

    monkeypatch.setattr(services, "_progress", watch)
    batch = upload(org_world, rows=[employee_row(n) for n in range(1, 8)])
    assert services.import_preview_execute(batch_id=batch.id)
    assert seen == [("CHECKING", 0, 0), ("CHECKING", 2, 7), ("CHECKING", 4, 7), ("CHECKING", 6, 7)]
    done = state(batch)
    assert (done.status, done.progress_rows, done.row_count, done.new_count) == ("PREVIEWED", 7, 7, 7)
    assert not ImportFile.objects.filter(batch=batch).exists()  # the rows are in the preview now
    assert not services.import_preview_execute(batch_id=batch.id)  # a second delivery does nothing


def test_a_worker_that_lost_its_lease_writes_nothing(org_world):
    batch = upload(org_world)
    lost = services._claim(batch.id, ImportStatus.CHECKING, services.PREVIEW_STEP)
    ImportBatch.objects.filter(id=batch.id).update(lease_expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert services.import_preview_execute(batch_id=batch.id)  # a newer attempt claims and finishes
    with pytest.raises(services.ImportLeaseLost):
        services._progress(lost, 1)
    assert state(batch).status == ImportStatus.PREVIEWED


def test_confirm_is_queued_once_and_written_once(org_world):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    queued = services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)
    assert queued.status == ImportStatus.CONFIRMING
    with pytest.raises(services.ConflictError) as caught:
        services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)
    assert caught.value.code == "stale_transition"
    assert OutboxMessage.objects.filter(topic="onboarding.import", payload__step="confirm").count() == 1
    assert services.import_confirm_execute(batch_id=batch.id)
    assert not services.import_confirm_execute(batch_id=batch.id)  # redelivered: nothing more
    done = state(batch)
    assert (done.status, done.new_count, done.confirmed_by_id) == ("CONFIRMED", 2, org_world.hr_admin_a.id)
    assert Employee.objects.filter(nip__in=[nip(1), nip(2)]).count() == 2


def test_a_confirm_that_no_longer_fits_the_data_fails_with_upload_again(org_world):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)
    org_world.sec_a.code = "A-SEC-2"  # the unit of the rows was renamed meanwhile
    org_world.sec_a.save(update_fields=["code"])
    assert services.import_confirm_execute(batch_id=batch.id)
    failed = state(batch)
    assert failed.status == ImportStatus.FAILED
    assert "Upload the file again" in failed.failure["message"]
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_a_failing_write_is_released_for_the_retry_and_fails_on_the_last_attempt(org_world, monkeypatch):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_employees_apply", broken)
    with pytest.raises(RuntimeError):
        services.import_confirm_execute(batch_id=batch.id, final_attempt=False)
    assert (state(batch).status, state(batch).lease_expires_at) == (ImportStatus.CONFIRMING, None)
    with pytest.raises(RuntimeError):
        services.import_confirm_execute(batch_id=batch.id, final_attempt=True)
    assert state(batch).status == ImportStatus.FAILED
    assert not Employee.objects.filter(nip=nip(1)).exists()


def test_the_sweeper_queues_lost_jobs_again_and_gives_up_after_the_attempts(org_world):
    batch = upload(org_world)
    OutboxMessage.objects.filter(topic="onboarding.import").delete()  # the start message was lost
    later = timezone.now() + timezone.timedelta(minutes=10)
    assert services.import_jobs_requeue_expired(now=later) == [batch.id]
    assert OutboxMessage.objects.filter(topic="onboarding.import", payload__batch_id=batch.id).count() == 1
    ImportBatch.objects.filter(id=batch.id).update(attempts=3, lease_expires_at=timezone.now())
    assert services.import_jobs_requeue_expired(now=later) == []
    assert state(batch).status == ImportStatus.FAILED
    assert state(batch).failure["code"] == "import_failed"


# ---------------------------------------------------------------------------- pages and API


def test_the_page_shows_progress_with_a_status_url_for_the_script(client, org_world):
    batch = upload(org_world, rows=[employee_row(n) for n in range(1, 5)])
    ImportBatch.objects.filter(id=batch.id).update(row_count=4, progress_rows=2)
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    page = client.get(f"/hr/imports/{batch.id}/").content.decode()
    assert f'data-poll-url="/api/v1/imports/{batch.id}/"' in page
    assert "2 of 4 rows checked" in page
    assert 'value="50"' in page
    assert "/static/js/import.js" in page
    assert "<script>" not in page  # no inline script (CSP)


def test_the_page_confirms_through_the_job(client, org_world, django_capture_on_commit_callbacks):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/hr/imports/{batch.id}/")
    assert response.status_code == 302
    assert state(batch).status == ImportStatus.CONFIRMED
    again = client.post(f"/hr/imports/{batch.id}/", follow=True)  # a double tap: told, nothing written twice
    assert "already confirmed" in again.content.decode()
    assert Employee.objects.filter(nip=nip(1)).count() == 1


def test_pages_and_api_hide_other_agencies_and_forbid_other_roles(client, client_for, org_world):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    client.force_login(org_world.hr_admin_b)
    assert client.get(f"/hr/imports/{batch.id}/").status_code == 404
    assert client.post(f"/hr/imports/{batch.id}/").status_code == 404
    api_b = client_for(org_world.hr_admin_b)
    assert_error(api_b.get(f"/api/v1/imports/{batch.id}/"), 404, "not_found")
    assert api_b.post(f"/api/v1/imports/{batch.id}/confirm/").status_code == 404
    client.force_login(org_world.employee_a)
    assert client.get(f"/hr/imports/{batch.id}/").status_code == 403
    assert client.post(f"/hr/imports/{batch.id}/").status_code == 403
    api_employee = client_for(org_world.employee_a)
    assert api_employee.get(f"/api/v1/imports/{batch.id}/").status_code == 403
    assert api_employee.post(f"/api/v1/imports/{batch.id}/confirm/").status_code == 403
    assert state(batch).status == ImportStatus.PREVIEWED


def test_a_repeated_api_confirm_is_409_and_writes_nothing(client_for, org_world):
    batch = upload(org_world)
    services.import_preview_execute(batch_id=batch.id)
    api = client_for(org_world.hr_admin_a)
    assert api.post(f"/api/v1/imports/{batch.id}/confirm/").status_code == 202
    assert_error(api.post(f"/api/v1/imports/{batch.id}/confirm/"), 409, "stale_transition")
    assert OutboxMessage.objects.filter(topic="onboarding.import", payload__step="confirm").count() == 1


def test_the_status_of_a_big_preview_reads_a_fixed_number_of_queries_without_its_rows(client_for, org_world):
    api = client_for(org_world.hr_admin_a)

    def count(batch) -> int:
        with CaptureQueriesContext(connection) as context:
            assert api.get(f"/api/v1/imports/{batch.id}/").status_code == 200
        assert not any('"rows"' in query["sql"].split("FROM")[0] for query in context.captured_queries)
        return len(context.captured_queries)

    small = upload(org_world, rows=[employee_row(1, unit="NOPE")])
    services.import_preview_execute(batch_id=small.id)
    big = upload(org_world, rows=[employee_row(n, unit="NOPE") for n in range(1, 1500)])
    services.import_preview_execute(batch_id=big.id)
    assert count(small) == count(big)
    body = api.get(f"/api/v1/imports/{big.id}/").json()
    assert body["error_count"] == 1499
    assert len(body["errors"]) == 1000


def test_the_upload_page_redirects_at_once_to_the_progress(client, org_world):
    client.force_login(org_world.hr_admin_a)
    data = employees_csv([employee_row(1)])
    response = client.post("/hr/imports/", {"kind": "EMPLOYEES", "file": SimpleUploadedFile("p.csv", data)})
    assert response.status_code == 302
    batch = ImportBatch.objects.filter(agency=org_world.agency_a).latest("id")
    assert response["Location"] == f"/hr/imports/{batch.id}/"
    assert batch.status == ImportStatus.CHECKING  # checked by the worker, after the request


# ---------------------------------------------------------------------------- a real worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_confirms_an_upload(org_world, settings):
    from flexwork.outbox.services import outbox_relay
    from tests.outbox.helpers import RedisServer, celery_broker
    from tests.reports.test_faults import Worker, wait_for

    redis = RedisServer(6397)
    redis.start()
    try:
        with celery_broker(settings, redis.url):
            worker = Worker(redis.url)
            try:
                started = time.monotonic()
                batch = upload(org_world, rows=[employee_row(n) for n in range(1, 40)])
                outbox_relay()  # this test's upload ran outside a request: publish what it queued
                wait_for(
                    lambda: state(batch).status == ImportStatus.PREVIEWED,
                    timeout=30,
                    what="the check",
                    worker=worker,
                )
                assert state(batch).new_count == 39
                services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)
                outbox_relay()
                wait_for(
                    lambda: state(batch).status == ImportStatus.CONFIRMED,
                    timeout=30,
                    what="the write",
                    worker=worker,
                )
                assert Employee.objects.filter(nip__in=[nip(n) for n in range(1, 40)]).count() == 39
                assert time.monotonic() - started < 60
            finally:
                worker.stop()
    finally:
        redis.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_check_is_replaced_and_the_import_happens_once(org_world, settings):
    from tests.outbox.helpers import RedisServer, celery_broker
    from tests.reports.test_faults import Worker, wait_for

    knobs = {"DJANGO_SETTINGS_MODULE": "tests.onboarding.worker_settings"}
    redis = RedisServer(6398)
    redis.start()
    try:
        with celery_broker(settings, redis.url):
            started = time.monotonic()
            slow = Worker(
                redis.url, **knobs, ONBOARDING_IMPORT_PROGRESS_DELAY_SECONDS="3", ONBOARDING_IMPORT_LEASE_SECONDS="3"
            )
            try:
                batch = upload(org_world, rows=[employee_row(n) for n in range(1, 4500)])
                wait_for(
                    lambda: state(batch).status == ImportStatus.CHECKING and state(batch).progress_rows >= 2000,
                    timeout=30,
                    what="the first worker to be midway",
                    worker=slow,
                )
                slow.kill_hard()
            finally:
                slow.stop()
            assert state(batch).status == ImportStatus.CHECKING  # the dead worker's claim, until its lease ends
            wait_for(lambda: services.import_jobs_requeue_expired() == [batch.id], timeout=10, what="the sweeper")
            second = Worker(redis.url, **knobs)
            try:
                wait_for(
                    lambda: state(batch).status == ImportStatus.PREVIEWED, timeout=30, what="the rerun", worker=second
                )
                assert (state(batch).attempts, state(batch).new_count) == (2, 4499)
                services.import_confirm_request(batch=state(batch), actor=org_world.hr_admin_a)
                wait_for(
                    lambda: state(batch).status == ImportStatus.CONFIRMED, timeout=30, what="the write", worker=second
                )
                time.sleep(1)  # a duplicate would show now
            finally:
                second.stop()
            assert Employee.objects.filter(nip__in=[nip(n) for n in range(1, 4500)]).count() == 4499
            assert not ImportFile.objects.filter(batch_id=batch.id).exists()
            assert time.monotonic() - started < 60
    finally:
        redis.stop()
