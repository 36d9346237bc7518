"""Writes of the onboarding app: organisation imports, activation codes, MFA resets and
home-location requests. Role checks are done by the interfaces (APIs, pages, the command)."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import time
from typing import Any

import pgtrigger
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.i18n import user_language
from flexwork.notifications.services import notification_send
from flexwork.onboarding import importing
from flexwork.onboarding.models import (
    ADDRESS_MAX_LENGTH,
    IMPORT_RUNNING_STATUSES,
    AccountAction,
    AccountActionKind,
    ActivationCode,
    HomeLocationRequest,
    HomeLocationStatus,
    ImportBatch,
    ImportFile,
    ImportKind,
    ImportStatus,
)
from flexwork.org import events
from flexwork.org import services as org_services
from flexwork.org.models import (
    Agency,
    Employee,
    EmployeeChange,
    EmployeeChangeKind,
    Position,
    Unit,
)
from flexwork.org.validators import validate_latitude, validate_longitude
from flexwork.outbox.services import outbox_enqueue

User = get_user_model()
logger = logging.getLogger("flexwork.onboarding")

# ---------------------------------------------------------------------------- imports

IMPORT_NOT_PREVIEWED = gettext_lazy("This import was already confirmed or has failed; upload the file again.")
IMPORT_HAS_ERRORS = gettext_lazy("The file has rows with errors. Fix them and upload the corrected file.")
IMPORT_STALE = gettext_lazy(
    "The organisation data changed since the preview, and the file no longer fits it. Upload the file again."
)
IMPORT_KIND_MISSING = gettext_lazy("Choose what the file holds: employees, units or positions.")
# Why a background job failed, stored in English and shown translated (gettext_noop: the msgids are
# also the lazy messages above and in flexwork.common.tabular).
IMPORT_JOB_BROKEN = gettext_noop(
    "The import could not be finished after several attempts. Nothing was imported. Upload the file again; "
    "if it keeps failing, tell the system administrator."
)


def _check(
    *, kind: str, agency_id: int, records: list, pre_errors: list | None = None, on_progress=None
) -> importing.CheckResult:
    if kind == ImportKind.EMPLOYEES:
        return importing.employees_check(
            agency_id=agency_id, records=records, pre_errors=pre_errors, on_progress=on_progress
        )
    if kind == ImportKind.POSITIONS:
        return importing.positions_check(
            agency_id=agency_id, records=records, pre_errors=pre_errors, on_progress=on_progress
        )
    return importing.units_check(agency_id=agency_id, records=records, pre_errors=pre_errors, on_progress=on_progress)


def _kind_check(kind: str) -> None:
    if kind not in ImportKind.values:
        message = str(IMPORT_KIND_MISSING)
        raise ApplicationError(message, fields={"kind": [message]})


def _preview_fields(check: importing.CheckResult, *, kind: str, records: list) -> dict:
    return {
        "row_count": check.rows,
        "new_count": len(check.new),
        "changed_count": len(check.changed),
        "unchanged_count": check.unchanged,
        "error_count": check.error_rows,
        "rows": records,
        "errors": check.errors,
        "new_rows": [record["row"] for record in check.new],
        "changed_rows": _changed_summary(check, kind),
    }


def _changed_summary(check: importing.CheckResult, kind: str) -> list[dict]:
    key = "nip" if kind == ImportKind.EMPLOYEES else "code"
    compared = {
        ImportKind.EMPLOYEES: importing.EMPLOYEE_COMPARED,
        ImportKind.POSITIONS: importing.POSITION_COMPARED,
    }.get(kind, importing.UNIT_COMPARED)
    out = []
    for record in check.changed:
        before = record.get("before") or {}
        fields = [name for name in compared if name in before and before[name] != record[name]]
        out.append({"row": record["row"], "key": record[key], "fields": fields})
    return out


@transaction.atomic
def import_preview(*, agency: Agency, kind: str, data: bytes, name: str, uploaded_by) -> ImportBatch:
    """Read and check a file without changing anything but the stored preview. File-level
    problems raise ApplicationError (400 / 413 / 415); row problems are listed in the batch."""
    _kind_check(kind)
    parsed = importing.import_file_read(data=data, name=name, kind=kind)
    records, pre_errors = importing.rows_as_records(parsed, kind=kind)
    check = _check(kind=kind, agency_id=agency.id, records=records, pre_errors=pre_errors)
    batch = ImportBatch(
        agency=agency,
        kind=kind,
        uploaded_by=uploaded_by,
        original_name=(name or "import")[:255],
        progress_rows=check.rows,
        **_preview_fields(check, kind=kind, records=records),
    )
    batch.save()
    return batch


@transaction.atomic
def import_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Write the previewed rows in ONE transaction, keyed by NIP (units: by code). The rows are
    checked again against the data as it is now; only rows that really changed are written, so a
    second import of the same file writes nothing and records no history."""
    batch = ImportBatch.objects.select_for_update().select_related("agency").get(id=batch.id)
    if batch.status != ImportStatus.PREVIEWED:
        raise ConflictError(str(IMPORT_NOT_PREVIEWED), code="import_not_previewed")
    if batch.error_count:
        raise ApplicationError(str(IMPORT_HAS_ERRORS), code="import_has_errors")
    check = _check(kind=batch.kind, agency_id=batch.agency_id, records=batch.rows)
    if check.errors:
        raise ConflictError(str(IMPORT_STALE), code="import_stale")
    _apply(batch=batch, check=check, actor=actor)
    batch.status = ImportStatus.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.new_count = len(check.new)
    batch.changed_count = len(check.changed)
    batch.unchanged_count = check.unchanged
    batch.save(update_fields=["status", "confirmed_at", "new_count", "changed_count", "unchanged_count", "updated_at"])
    return batch


# ---------------------------------------------------------------------------- imports as background jobs
# docs/rules.md §7: the upload request stores the file and answers at once; the check (preview) and
# the write (confirm) run on a worker. Each step happens once: a worker claims the batch by
# compare-and-swap (bumping `attempts`, with a lease); every later write of that attempt is
# conditional on the same `attempts`, so a worker that lost its lease writes nothing. The confirm
# writes all rows and the CONFIRMED status in one transaction that holds the batch's row lock.

IMPORT_TOPIC = "onboarding.import"
PREVIEW_STEP, CONFIRM_STEP = "preview", "confirm"


class ImportLeaseLost(Exception):
    """Another attempt owns the batch now: stop without writing anything."""


def import_lease_seconds(step: str) -> int:
    if step == CONFIRM_STEP:
        # Longer than the task's hard time limit: once it expired, the attempt's transaction is gone.
        return int(getattr(settings, "ONBOARDING_IMPORT_CONFIRM_LEASE_SECONDS", settings.CELERY_TASK_TIME_LIMIT + 60))
    return int(getattr(settings, "ONBOARDING_IMPORT_LEASE_SECONDS", 120))


def import_max_attempts() -> int:
    return int(getattr(settings, "ONBOARDING_IMPORT_MAX_ATTEMPTS", 3))


def _enqueue(batch_id: int, step: str) -> None:
    outbox_enqueue(topic=IMPORT_TOPIC, payload={"batch_id": batch_id, "step": step})


def _failure(error: ApplicationError) -> dict:
    template = getattr(error, "template", None)
    with translation.override("en"):
        message = str(template) if template is not None else str(error.message)
    return {"code": error.code, "message": message, "params": getattr(error, "params", None) or {}}


def import_failure_text(batch: ImportBatch) -> str:
    """Why the batch's job failed, in the active language."""
    from flexwork.common.tabular import file_error_text

    failure = batch.failure or {}
    if not failure.get("message"):
        return ""
    return file_error_text(_(failure["message"]), failure.get("params"))


@transaction.atomic
def import_upload(*, agency: Agency, kind: str, data: bytes, name: str, uploaded_by) -> ImportBatch:
    """Store an upload and queue its check; answers without parsing the file. What needs no
    parsing is refused here (400 empty / an XLSX that unpacks too large, 413 too large, 415 neither
    CSV nor XLSX); everything else is found by the check (`import_preview_execute`)."""
    _kind_check(kind)
    importing.import_upload_check(data=data, name=name)
    batch = ImportBatch.objects.create(
        agency=agency,
        kind=kind,
        uploaded_by=uploaded_by,
        original_name=(name or "import")[:255],
        status=ImportStatus.CHECKING,
    )
    ImportFile.objects.create(batch=batch, data=data)
    _enqueue(batch.id, PREVIEW_STEP)
    return batch


def _claim(batch_id: int, status: str, step: str) -> ImportBatch | None:
    now = timezone.now()
    claimed = (
        ImportBatch.objects.filter(id=batch_id, status=status)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_expires_at=now + datetime.timedelta(seconds=import_lease_seconds(step)),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if claimed != 1:
        return None
    return ImportBatch.objects.defer("rows", "errors", "new_rows", "changed_rows").get(id=batch_id)


def _progress(batch: ImportBatch, rows: int) -> None:
    """Rows checked so far, and a longer lease; ImportLeaseLost when a newer attempt owns the batch."""
    now = timezone.now()
    renewed = ImportBatch.objects.filter(id=batch.id, status=ImportStatus.CHECKING, attempts=batch.attempts).update(
        progress_rows=rows,
        lease_expires_at=now + datetime.timedelta(seconds=import_lease_seconds(PREVIEW_STEP)),
        updated_at=now,
    )
    if renewed != 1:
        raise ImportLeaseLost(batch.id)
    delay = float(getattr(settings, "ONBOARDING_IMPORT_PROGRESS_DELAY_SECONDS", 0) or 0)
    if delay:
        time.sleep(delay)  # tests only: a check slow enough to watch its progress


def _fail(batch: ImportBatch, failure: dict) -> bool:
    with transaction.atomic():
        failed = ImportBatch.objects.filter(id=batch.id, status=batch.status, attempts=batch.attempts).update(
            status=ImportStatus.FAILED, failure=failure, lease_expires_at=None, updated_at=timezone.now()
        )
        if failed:
            ImportFile.objects.filter(batch_id=batch.id).delete()
    return failed == 1


def _release(batch: ImportBatch) -> None:
    """Give a failed attempt's claim back, so the task's retry can claim the batch again."""
    ImportBatch.objects.filter(id=batch.id, status=batch.status, attempts=batch.attempts).update(
        lease_expires_at=None, updated_at=timezone.now()
    )


def import_preview_execute(*, batch_id: int, final_attempt: bool = True) -> bool:
    """The check of an uploaded file, on a worker. Returns True when this call finished it (the
    batch is PREVIEWED, or FAILED with the file's problem); False when it was not claimable."""
    batch = _claim(batch_id, ImportStatus.CHECKING, PREVIEW_STEP)
    if batch is None:
        return False
    try:
        upload = ImportFile.objects.filter(batch_id=batch.id).first()
        if upload is None:
            return _fail(batch, {"code": "import_failed", "message": IMPORT_JOB_BROKEN, "params": {}})
        try:
            parsed = importing.import_file_read(data=bytes(upload.data), name=batch.original_name, kind=batch.kind)
        except ApplicationError as error:
            return _fail(batch, _failure(error))
        del upload
        records, pre_errors = importing.rows_as_records(parsed, kind=batch.kind)
        _progress(batch, 0)
        total = len(records)
        ImportBatch.objects.filter(id=batch.id, attempts=batch.attempts).update(row_count=total)
        check = _check(
            kind=batch.kind,
            agency_id=batch.agency_id,
            records=records,
            pre_errors=pre_errors,
            on_progress=lambda rows: _progress(batch, rows),
        )
        with transaction.atomic():
            finished = ImportBatch.objects.filter(
                id=batch.id, status=ImportStatus.CHECKING, attempts=batch.attempts
            ).update(
                status=ImportStatus.PREVIEWED,
                progress_rows=check.rows,
                lease_expires_at=None,
                updated_at=timezone.now(),
                **_preview_fields(check, kind=batch.kind, records=records),
            )
            if finished != 1:
                return False
            ImportFile.objects.filter(batch_id=batch.id).delete()
        return True
    except ImportLeaseLost:
        logger.warning("onboarding: import %s attempt %s lost its lease", batch.id, batch.attempts)
        return False
    except Exception:
        logger.exception("onboarding: import %s check, attempt %s, failed", batch.id, batch.attempts)
        if final_attempt:
            _fail(batch, {"code": "import_failed", "message": IMPORT_JOB_BROKEN, "params": {}})
        else:
            _release(batch)
        raise


@transaction.atomic
def import_confirm_request(*, batch: ImportBatch, actor) -> ImportBatch:
    """Queue the write of a previewed batch (compare-and-swap PREVIEWED → CONFIRMING): 400 while it
    has row errors, 409 `stale_transition` when it was already confirmed, queued or failed."""
    queued = ImportBatch.objects.filter(
        id=batch.id, status=ImportStatus.PREVIEWED, error_count=0, row_count__gt=0
    ).update(status=ImportStatus.CONFIRMING, confirmed_by=actor, lease_expires_at=None, updated_at=timezone.now())
    if queued != 1:
        current = ImportBatch.objects.only("status", "error_count").get(id=batch.id)
        if current.status == ImportStatus.PREVIEWED and current.error_count:
            raise ApplicationError(str(IMPORT_HAS_ERRORS), code="import_has_errors")
        raise ConflictError(str(IMPORT_NOT_PREVIEWED), code="stale_transition")
    _enqueue(batch.id, CONFIRM_STEP)
    return ImportBatch.objects.defer("rows", "errors", "new_rows", "changed_rows").get(id=batch.id)


def import_confirm_execute(*, batch_id: int, final_attempt: bool = True) -> bool:
    """The write of a queued confirmation, on a worker: the rows are checked again against the data
    as it is now and written in one transaction with the CONFIRMED status. Stale rows fail the batch
    (409's message: upload again). Returns True when this call finished it."""
    claimed = _claim(batch_id, ImportStatus.CONFIRMING, CONFIRM_STEP)
    if claimed is None:
        return False
    try:
        with transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("agency", "confirmed_by")
                .filter(id=batch_id, status=ImportStatus.CONFIRMING, attempts=claimed.attempts)
                .first()
            )
            if batch is None:
                return False
            check = _check(kind=batch.kind, agency_id=batch.agency_id, records=batch.rows)
            if check.errors:
                batch.status = ImportStatus.FAILED
                with translation.override("en"):
                    batch.failure = {"code": "import_stale", "message": str(IMPORT_STALE), "params": {}}
                batch.lease_expires_at = None
                batch.save(update_fields=["status", "failure", "lease_expires_at", "updated_at"])
                return True
            _apply(batch=batch, check=check, actor=batch.confirmed_by)
            batch.status = ImportStatus.CONFIRMED
            batch.confirmed_at = timezone.now()
            batch.new_count = len(check.new)
            batch.changed_count = len(check.changed)
            batch.unchanged_count = check.unchanged
            batch.lease_expires_at = None
            batch.save(
                update_fields=[
                    "status",
                    "confirmed_at",
                    "new_count",
                    "changed_count",
                    "unchanged_count",
                    "lease_expires_at",
                    "updated_at",
                ]
            )
        return True
    except Exception:
        logger.exception("onboarding: import %s confirm, attempt %s, failed", batch_id, claimed.attempts)
        if final_attempt:
            _fail(claimed, {"code": "import_failed", "message": IMPORT_JOB_BROKEN, "params": {}})
        else:
            _release(claimed)
        raise


@transaction.atomic
def import_jobs_requeue_expired(*, now: datetime.datetime | None = None) -> list[int]:
    """The beat sweeper: a job whose lease expired (its worker died), or that waited for a worker
    longer than a lease (its message was lost), is queued again through the outbox; after too many
    attempts it fails."""
    now = now or timezone.now()
    waiting_since = now - datetime.timedelta(seconds=import_lease_seconds(PREVIEW_STEP))
    stuck = list(
        ImportBatch.objects.select_for_update(skip_locked=True)
        .filter(status__in=IMPORT_RUNNING_STATUSES)
        .filter(Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, updated_at__lt=waiting_since))
        .only("id", "status", "attempts", "lease_expires_at")
    )
    requeued = []
    for batch in stuck:
        if batch.attempts >= import_max_attempts():
            _fail(batch, {"code": "import_failed", "message": IMPORT_JOB_BROKEN, "params": {}})
            continue
        updated = ImportBatch.objects.filter(id=batch.id, status=batch.status, attempts=batch.attempts).update(
            lease_expires_at=None, updated_at=now
        )
        if updated == 1:
            _enqueue(batch.id, CONFIRM_STEP if batch.status == ImportStatus.CONFIRMING else PREVIEW_STEP)
            requeued.append(batch.id)
    return requeued


def _unusable_password() -> str:
    # What set_unusable_password() stores ("!" + random text: never a valid hash), made with
    # one call to the OS generator instead of 40 random.choice calls: 60,000 users per import.
    return "!" + secrets.token_urlsafe(30)


# Inserting new employees layer by layer (supervisors first) gives each row its supervisor at
# insert time: one audit event per new employee, no second pass. A pathological chain deeper
# than this falls back to insert-then-update for the rest.
MAX_SUPERVISOR_LAYERS = 40
BATCH_SIZE = 5000


def _employees_apply(*, agency: Agency, check: importing.CheckResult, actor) -> None:
    now = timezone.now()
    today = today_in(agency.time_zone)
    id_of = importing.existing_employee_ids(agency.id)

    # 1. Logins of new employees: unusable passwords (first login by activation code), e-mail verified.
    users = [
        User(
            username=record["nip"],
            email=record["email"],
            is_active=record["is_active"],
            password=_unusable_password(),
            date_joined=now,
        )
        for record in check.new
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    user_id_of = {user.username: user.id for user in users}
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=user.id, email=user.email, verified=True, primary=True) for user in users if user.email],
        batch_size=BATCH_SIZE,
    )

    # 2. New employees, supervisors before their reports.
    def build(record: dict, *, with_supervisor: bool = True) -> Employee:
        return Employee(
            agency=agency,
            user_id=user_id_of[record["nip"]],
            nip=record["nip"],
            name=record["name"],
            employee_type=record["employee_type"],
            unit_id=record["unit_id"],
            position_id=record["position_id"],
            position_start_date=record["position_start_date"],
            service_start_date=record["service_start_date"],
            contract_months=record["contract_months"],
            supervisor_id=id_of.get(record["supervisor_nip"]) if with_supervisor else None,
            is_active=record["is_active"],
        )

    pending = check.new
    inserted: list[int] = []
    # pghistory's row trigger opens a subtransaction per row (its EXCEPTION block), which makes
    # bulk inserts quadratic (60,000 rows: 70 s). It is switched off for these statements and the
    # very same audit rows are written afterwards with one INSERT … SELECT (_employee_insert_events).
    with pgtrigger.ignore(EMPLOYEE_INSERT_TRIGGER):
        pending = _employees_insert(pending, build=build, id_of=id_of, inserted=inserted)
    _employee_insert_events(inserted)
    if pending:  # pragma: no cover - only a supervisor chain deeper than MAX_SUPERVISOR_LAYERS
        objects = Employee.objects.bulk_create([build(r, with_supervisor=False) for r in pending])
        id_of.update({employee.nip: employee.id for employee in objects})
        for employee, record in zip(objects, pending, strict=True):
            employee.supervisor_id = id_of[record["supervisor_nip"]]
        Employee.objects.bulk_update(objects, ["supervisor_id"], batch_size=1000)

    if not check.changed:
        return
    _employees_update(agency=agency, check=check, actor=actor, id_of=id_of, now=now, today=today)


def _employees_insert(pending: list[dict], *, build, id_of: dict, inserted: list[int]) -> list[dict]:
    """Insert new employees layer by layer, supervisors first; returns rows left (too deep)."""
    for _layer in range(MAX_SUPERVISOR_LAYERS):
        if not pending:
            break
        ready = [r for r in pending if r["supervisor_nip"] is None or r["supervisor_nip"] in id_of]
        waiting = [r for r in pending if not (r["supervisor_nip"] is None or r["supervisor_nip"] in id_of)]
        if not ready:
            break
        objects = Employee.objects.bulk_create([build(r) for r in ready], batch_size=BATCH_SIZE)
        id_of.update({employee.nip: employee.id for employee in objects})
        inserted.extend(employee.id for employee in objects)
        pending = waiting
    return pending


EMPLOYEE_INSERT_TRIGGER = "org.Employee:insert_insert"


def _employee_insert_events(ids: list[int]) -> None:
    """The pghistory "insert" events of freshly inserted employees, as the trigger writes them
    (same columns, same context), in one statement."""
    if not ids:
        return
    from django.apps import apps

    event_model = apps.get_model("org", "EmployeeEvent")
    tracked = [f.column for f in event_model._meta.concrete_fields if not f.column.startswith("pgh_")]
    columns = ", ".join(f'"{column}"' for column in tracked)
    with connection.cursor() as cursor:
        cursor.execute("SELECT _pgh_attach_context()")
        context_id = cursor.fetchone()[0]
        cursor.execute(
            f'INSERT INTO "{event_model._meta.db_table}" ({columns}, pgh_context_id, pgh_created_at, pgh_label, '
            f"pgh_obj_id) SELECT {columns}, %s, NOW(), 'insert', id FROM \"{Employee._meta.db_table}\" "
            "WHERE id = ANY(%s)",
            [context_id, ids],
        )


def _employees_update(*, agency, check, actor, id_of, now, today) -> None:
    # 3. Existing employees whose row changed: one bulk update, their history, events, notices.
    employees, users_changed, email_changed, changes = [], [], [], []
    notices: list[tuple[int, list[tuple[str, Any, Any]]]] = []
    deactivated, unit_or_supervisor = [], []
    for record in check.changed:
        before = record["before"]
        supervisor_id = id_of.get(record["supervisor_nip"])
        old_supervisor_id = id_of.get(before["supervisor_nip"])
        employees.append(
            Employee(
                id=record["id"],
                name=record["name"],
                employee_type=record["employee_type"],
                unit_id=record["unit_id"],
                position_id=record["position_id"],
                position_start_date=record["position_start_date"],
                service_start_date=record["service_start_date"],
                contract_months=record["contract_months"],
                supervisor_id=supervisor_id,
                is_active=record["is_active"],
                updated_at=now,
            )
        )
        moved = []
        for kind, old, new in (
            (EmployeeChangeKind.UNIT, before["unit_id"], record["unit_id"]),
            (EmployeeChangeKind.SUPERVISOR, old_supervisor_id, supervisor_id),
            (EmployeeChangeKind.POSITION, before["position_id"], record["position_id"]),
        ):
            if old != new:
                moved.append((kind, old, new))
                changes.append(
                    EmployeeChange(
                        agency=agency,
                        employee_id=record["id"],
                        kind=kind,
                        old_id=old,
                        new_id=new,
                        effective_date=today,
                        actor=actor,
                    )
                )
        if before["is_active"] != record["is_active"]:
            kind = EmployeeChangeKind.REACTIVATED if record["is_active"] else EmployeeChangeKind.DEACTIVATED
            changes.append(
                EmployeeChange(agency=agency, employee_id=record["id"], kind=kind, effective_date=today, actor=actor)
            )
            if not record["is_active"]:
                deactivated.append(record["id"])
        if before["is_active"] != record["is_active"] or before["email"] != record["email"]:
            users_changed.append(User(id=record["user_id"], is_active=record["is_active"], email=record["email"]))
            if before["email"] != record["email"]:
                email_changed.append(record)
        if moved:
            unit_or_supervisor.extend((record["id"], kind, old, new) for kind, old, new in moved)
            if record["is_active"]:
                notices.append((record["id"], moved))
    Employee.objects.bulk_update(
        employees,
        [
            "name",
            "employee_type",
            "unit_id",
            "position_id",
            "position_start_date",
            "service_start_date",
            "contract_months",
            "supervisor_id",
            "is_active",
            "updated_at",
        ],
        batch_size=1000,
    )
    EmployeeChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
    if users_changed:
        User.objects.bulk_update(users_changed, ["is_active", "email"], batch_size=1000)
    if email_changed:
        user_ids = [record["user_id"] for record in email_changed]
        EmailAddress.objects.filter(user_id__in=user_ids).delete()
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=record["user_id"], email=record["email"], verified=True, primary=True)
                for record in email_changed
                if record["email"]
            ]
        )
    _employees_changed_announce(
        agency=agency, moves=unit_or_supervisor, deactivated=deactivated, notices=notices, today=today, actor=actor
    )


def _employees_changed_announce(*, agency, moves, deactivated, notices, today, actor) -> None:
    """Fire the organisation events (the arrangements app re-routes pending approvals) and tell
    each employee what changed, as employee_update does for a single change."""
    ids = {employee_id for employee_id, *_rest in moves} | set(deactivated) | {n[0] for n in notices}
    if not ids:
        return
    employees = {e.id: e for e in Employee.objects.filter(id__in=ids).select_related("user")}
    for employee_id, kind, old, new in moves:
        if kind == EmployeeChangeKind.UNIT:
            signal = events.employee_unit_changed
        elif kind == EmployeeChangeKind.SUPERVISOR:
            signal = events.employee_supervisor_changed
        else:
            continue
        signal.send(employee=employees[employee_id], old_id=old, new_id=new, effective_date=today, actor=actor)
    for employee_id in deactivated:
        events.employee_deactivated.send(
            employee=employees[employee_id], old_id=None, new_id=None, effective_date=today, actor=actor
        )
    if not notices:
        return
    unit_ids = {x for _e, moved in notices for kind, o, n in moved if kind == EmployeeChangeKind.UNIT for x in (o, n)}
    position_ids = {
        x for _e, moved in notices for kind, o, n in moved if kind == EmployeeChangeKind.POSITION for x in (o, n)
    }
    people_ids = {
        x for _e, moved in notices for kind, o, n in moved if kind == EmployeeChangeKind.SUPERVISOR for x in (o, n)
    }
    names = {
        EmployeeChangeKind.UNIT: dict(Unit.objects.filter(id__in=unit_ids - {None}).values_list("id", "name")),
        EmployeeChangeKind.POSITION: dict(
            Position.objects.filter(id__in=position_ids - {None}).values_list("id", "name")
        ),
        EmployeeChangeKind.SUPERVISOR: dict(
            Employee.objects.filter(id__in=people_ids - {None}).values_list("id", "name")
        ),
    }
    labels = {
        EmployeeChangeKind.UNIT: gettext_lazy("Unit"),
        EmployeeChangeKind.SUPERVISOR: gettext_lazy("Supervisor"),
        EmployeeChangeKind.POSITION: gettext_lazy("Position"),
    }
    for employee_id, moved in notices:
        employee = employees[employee_id]
        with translation.override(user_language(employee.user) or "id"):
            summary = "; ".join(
                f"{labels[kind]}: {names[kind].get(old, '—')} → {names[kind].get(new, '—')}" for kind, old, new in moved
            )
        notification_send(
            recipient=employee.user,
            kind="employee_changed",
            context={
                "summary": summary,
                "effective_date": today.isoformat(),
                "fields": [str(kind).lower() for kind, _o, _n in moved],
            },
        )


def _apply(*, batch: ImportBatch, check: importing.CheckResult, actor) -> None:
    if batch.kind == ImportKind.EMPLOYEES:
        _employees_apply(agency=batch.agency, check=check, actor=actor)
    elif batch.kind == ImportKind.POSITIONS:
        _positions_apply(agency=batch.agency, check=check)
    else:
        _units_apply(agency=batch.agency, check=check)


def _positions_apply(*, agency: Agency, check: importing.CheckResult) -> None:
    """Positions are few (hundreds): each goes through the organisation services and their checks. Only the
    import's columns are written; eligibility for flexible work stays as HR set it on the positions page."""
    for record in check.new:
        org_services.position_create(
            agency=agency,
            code=record["code"],
            name=record["name"],
            type=record["type"],
            shift_eligible=record["shift_eligible"],
            shift_criterion=record["shift_criterion"],
        )
    if not check.changed:
        return
    positions = Position.objects.filter(agency=agency).in_bulk([record["id"] for record in check.changed])
    for record in check.changed:
        org_services.position_update(
            position=positions[record["id"]],
            data={key: record[key] for key in importing.POSITION_COMPARED},
        )


def _units_apply(*, agency: Agency, check: importing.CheckResult) -> None:
    """Units are few (hundreds): each goes through the organisation services, which keep `path`
    and refuse cycles. Rows are applied parents first, in the order of the final tree, so that
    no intermediate state is a cycle."""
    units = {unit.code: unit for unit in Unit.objects.filter(agency=agency)}
    todo = {record["code"]: record for record in [*check.new, *check.changed]}
    done: set[str] = set()

    def depth_first(code: str) -> None:
        if code in done or code not in todo:
            return
        record = todo[code]
        if record["parent_code"]:
            depth_first(record["parent_code"])
        parent = units.get(record["parent_code"]) if record["parent_code"] else None
        fields = {
            "is_public_service": record["is_public_service"],
            "time_zone": record["time_zone"],
            "office_latitude": record["latitude"],
            "office_longitude": record["longitude"],
            "office_radius_m": record["radius_m"],
            "work_week": record.get("work_week", "MON_FRI"),
            "work_week_basis": record.get("work_week_basis", ""),
        }
        if code in units:
            data = {"name": record["name"], **fields}
            if parent is not None:
                data["parent"] = parent
            units[code] = org_services.unit_update(unit=units[code], data=data)
        else:
            units[code] = org_services.unit_create(
                agency=agency, code=code, name=record["name"], parent=parent, **fields
            )
        done.add(code)

    for code in todo:
        depth_first(code)


# ---------------------------------------------------------------------------- activation codes

ACTIVATION_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
CODE_LENGTH = 12
ACTIVATION_MAX_FAILURES = 5
ACTIVATION_WINDOW_SECONDS = 15 * 60
LINK_TOKEN_SALT = "flexwork.onboarding.activation-link"
LINK_TOKEN_LENGTH = 20

ERR_CODE_WRONG = gettext_lazy("The NIP or the activation code is not right. Check both and try again.")
ERR_CODE_USED = gettext_lazy(
    "This activation code was already used. Log in with your password, or ask HR for a new code."
)
ERR_CODE_REPLACED = gettext_lazy("A newer activation code was issued for you. Use the newest code, or ask HR.")
ERR_CODE_EXPIRED = gettext_lazy("This activation code has expired. Ask HR for a new one.")
ERR_TOO_MANY = gettext_lazy("Too many wrong attempts for this NIP. Wait 15 minutes, then try again.")
ERR_NO_EMAIL = gettext_lazy("This employee has no e-mail address: print or export a code instead.")
ERR_ALREADY_ACTIVE = gettext_lazy(
    "This account is already active: an activation code cannot replace its password. Someone who lost their "
    "password uses “Forgot your password?” on the login page; their two-factor authentication stays as it is."
)
ERR_SOME_ALREADY_ACTIVE = gettext_lazy(
    "Some of these accounts were activated meanwhile. Reload the page and issue the codes again."
)
ERR_ACCOUNT_ACTIVE = gettext_lazy(
    "This account is already active. Log in with your password, or use “Forgot your password?” on the login page."
)


def activation_code_normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def activation_code_hash(code: str) -> str:
    return hashlib.sha256(activation_code_normalise(code).encode()).hexdigest()


def activation_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def activation_link_token(activation_code: ActivationCode) -> str:
    """The code of an e-mailed link, derived from the stored row with the server's secret key
    (like Django's password-reset tokens): the e-mail is rendered when it is sent, so the link's
    code is stored nowhere, neither in the notification nor in the outbox, and the admin never
    shows it. It works exactly as long as the row's code does."""
    digest = salted_hmac(
        LINK_TOKEN_SALT,
        f"{activation_code.id}:{activation_code.employee_id}:{activation_code.code_hash}",
        algorithm="sha256",
    ).hexdigest()[:LINK_TOKEN_LENGTH]
    return "-".join(digest.upper()[i : i + 4] for i in range(0, LINK_TOKEN_LENGTH, 4))


def account_is_activated(user) -> bool:
    """Whether the login has a password of its own (imported accounts start with an unusable one)."""
    return bool(user.password) and user.has_usable_password()


@transaction.atomic
def activation_codes_issue(*, employees: list[Employee], issued_by) -> list[tuple[Employee, str]]:
    """A fresh code (valid 7 days) for each employee; their older live codes stop working.
    Returns (employee, code) pairs: the codes exist nowhere else, show or print them now.

    Only for accounts never activated (docs/rules.md §7, first login): a code sets a password
    without the old one and without the authenticator app, so for an active account it would let
    whoever issues it take the account over. Refused with 409 `already_activated` (the activation
    was already made); the users' rows are locked, so an activation at the same moment cannot
    slip between the check and the issue."""
    if not employees:
        return []
    user_ids = [employee.user_id for employee in employees]
    active = [u for u in User.objects.select_for_update().filter(id__in=user_ids) if account_is_activated(u)]
    if active:
        message = ERR_ALREADY_ACTIVE if len(employees) == 1 else ERR_SOME_ALREADY_ACTIVE
        raise ConflictError(str(message), code="already_activated")
    now = timezone.now()
    ids = [employee.id for employee in employees]
    ActivationCode.objects.filter(employee_id__in=ids, used_at__isnull=True, invalidated_at__isnull=True).update(
        invalidated_at=now, updated_at=now
    )
    issued = [(employee, activation_code_new()) for employee in employees]
    ActivationCode.objects.bulk_create(
        [
            ActivationCode(
                agency_id=employee.agency_id,
                employee=employee,
                code_hash=activation_code_hash(code),
                expires_at=now + datetime.timedelta(days=ACTIVATION_DAYS),
                issued_by=issued_by,
                created_at=now,
            )
            for employee, code in issued
        ],
        batch_size=BATCH_SIZE,
    )
    AccountAction.objects.bulk_create(
        [
            AccountAction(
                agency_id=employee.agency_id, employee=employee, kind=AccountActionKind.CODE_ISSUED, actor=issued_by
            )
            for employee in employees
        ],
        batch_size=BATCH_SIZE,
    )
    return issued


@transaction.atomic
def activation_link_send(*, employee: Employee, issued_by, activate_url: str) -> None:
    """E-mail a one-time activation link (a fresh code; older codes stop working). The notification
    keeps the code's id and the page's address only; the e-mail renders the link from the row
    (`activation_link_token`, template tag `activation_link`)."""
    if not employee.user.email:
        raise ApplicationError(str(ERR_NO_EMAIL), code="no_email")
    activation_codes_issue(employees=[employee], issued_by=issued_by)
    code = ActivationCode.objects.filter(employee=employee, used_at__isnull=True, invalidated_at__isnull=True).get()
    notification_send(
        recipient=employee.user,
        kind="activation_link",
        context={
            "activation_code_id": code.id,
            "activate_url": activate_url,
            "expires_at": code.expires_at.isoformat(),
        },
    )
    AccountAction.objects.create(
        agency_id=employee.agency_id, employee=employee, kind=AccountActionKind.LINK_SENT, actor=issued_by
    )


def activation_link_for(*, activation_code_id, activate_url: str) -> str:
    """The link of an activation e-mail, or "" once its code was used, replaced or has expired."""
    from urllib.parse import urlencode

    code = ActivationCode.objects.select_related("employee").filter(id=activation_code_id).first()
    if code is None or not code.is_live:
        return ""
    return f"{activate_url}?{urlencode({'nip': code.employee.nip, 'code': activation_link_token(code)})}"


def _failure_key(nip: str) -> str:
    return f"onboarding:activation-failures:{hashlib.sha256(nip.encode()).hexdigest()[:32]}"


def _count_failure(nip: str) -> None:
    key = _failure_key(nip)
    cache.add(key, 0, ACTIVATION_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ACTIVATION_WINDOW_SECONDS)


def _code_candidate(*, employee: Employee, code: str) -> ActivationCode | None:
    """The employee's code that `code` is: a printed code (by its hash) or an e-mailed link's code."""
    normalised = activation_code_normalise(code)
    if not normalised:
        return None
    codes = ActivationCode.objects.filter(employee=employee).order_by("-created_at", "-id")
    printed = codes.filter(code_hash=activation_code_hash(code)).first()
    if printed is not None:
        return printed
    if len(normalised) != LINK_TOKEN_LENGTH:
        return None
    for candidate in codes[:20]:
        if constant_time_compare(activation_code_normalise(activation_link_token(candidate)), normalised):
            return candidate
    return None


@transaction.atomic
def account_activate(*, nip: str, code: str, password: str):
    """First login: NIP + activation code → the chosen password is set and the code used up.
    Wrong, used, replaced or expired codes change nothing; at most 5 failures per NIP in 15 min.
    An account that is already active is refused (409 `already_activated`), whatever code is typed:
    activation never replaces a password (docs/rules.md §7, first login)."""
    nip = (nip or "").strip()
    if (cache.get(_failure_key(nip)) or 0) >= ACTIVATION_MAX_FAILURES:
        raise ApplicationError(str(ERR_TOO_MANY), code="rate_limited", status_code=429)
    employee = Employee.objects.select_related("user").filter(nip=nip, is_active=True).first()
    candidate = _code_candidate(employee=employee, code=code) if employee is not None else None
    now = timezone.now()
    problem = None
    if candidate is None:
        problem = ERR_CODE_WRONG
    elif candidate.used_at is not None:
        problem = ERR_CODE_USED
    elif candidate.invalidated_at is not None:
        problem = ERR_CODE_REPLACED
    elif candidate.expires_at <= now:
        problem = ERR_CODE_EXPIRED
    if problem is not None:
        _count_failure(nip)
        raise ApplicationError(str(problem), code="activation_refused", fields={"code": [str(problem)]})
    # The row lock orders this activation against a code being issued at the same moment.
    user = User.objects.select_for_update().get(id=employee.user_id)
    if account_is_activated(user):
        raise ConflictError(
            str(ERR_ACCOUNT_ACTIVE), code="already_activated", fields={"code": [str(ERR_ACCOUNT_ACTIVE)]}
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("Choose another password."), code="invalid", fields={"password": exc.messages}
        ) from exc
    # Compare-and-swap: of two concurrent activations with one code, exactly one wins.
    claimed = ActivationCode.objects.filter(id=candidate.id, used_at__isnull=True, invalidated_at__isnull=True).update(
        used_at=now, updated_at=now
    )
    if claimed != 1:
        raise ConflictError(str(ERR_CODE_USED), code="activation_refused", fields={"code": [str(ERR_CODE_USED)]})
    user.set_password(password)
    user.save(update_fields=["password"])
    # Whoever typed the code did this; the code's issuer is who made it possible. Neither is known
    # to be the account's owner, so the row names no actor and says whose code it was.
    AccountAction.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=AccountActionKind.ACTIVATED,
        actor=None,
        detail={"code_issued_by": candidate.issued_by_id, "code_issued_at": candidate.created_at.isoformat()},
    )
    cache.delete(_failure_key(nip))
    return user


# ---------------------------------------------------------------------------- home location

ERR_HOME_DECIDED = gettext_lazy("This request was already decided.")


def _coordinates_check(latitude, longitude, accuracy_m) -> None:
    fields: dict[str, list[str]] = {}
    for name, value, check in (("latitude", latitude, validate_latitude), ("longitude", longitude, validate_longitude)):
        if value is None:
            fields[name] = [_("This value is required.")]
            continue
        try:
            check(value)
        except ValidationError as exc:
            fields[name] = [str(m) for m in exc.messages]
    if accuracy_m is not None and accuracy_m < 0:
        fields["accuracy_m"] = [_("The accuracy cannot be negative.")]
    if fields:
        raise ApplicationError(_("Some fields are not valid."), code="invalid", fields=fields)


@transaction.atomic
def home_location_request_submit(
    *, employee: Employee, latitude, longitude, accuracy_m: int | None = None, address: str = ""
) -> HomeLocationRequest:
    """Propose home coordinates (and the address in words). A request still waiting is replaced by
    the new one. The direct supervisor (atasan langsung) is told; HR sees every request in its queue."""
    _coordinates_check(latitude, longitude, accuracy_m)
    address = (address or "").strip()
    if len(address) > ADDRESS_MAX_LENGTH:
        message = _("Use at most %(count)d characters.") % {"count": ADDRESS_MAX_LENGTH}
        raise ApplicationError(_("Some fields are not valid."), code="invalid", fields={"address": [message]})
    pending = (
        HomeLocationRequest.objects.select_for_update()
        .filter(employee=employee, status=HomeLocationStatus.PENDING)
        .first()
    )
    if pending is not None:
        pending.latitude, pending.longitude, pending.accuracy_m = latitude, longitude, accuracy_m
        pending.address = address
        pending.save(update_fields=["latitude", "longitude", "accuracy_m", "address", "updated_at"])
        home_request = pending
    else:
        home_request = HomeLocationRequest.objects.create(
            agency_id=employee.agency_id,
            employee=employee,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=accuracy_m,
            address=address,
        )
    supervisor = (
        Employee.objects.select_related("user").filter(id=employee.supervisor_id, is_active=True).first()
        if employee.supervisor_id
        else None
    )
    if supervisor is not None and supervisor.user is not None and supervisor.user_id != employee.user_id:
        notification_send(
            recipient=supervisor.user,
            kind="home_location_submitted",
            context={"name": employee.name},
            url=reverse("home-location-queue"),
        )
    return home_request


@transaction.atomic
def home_location_request_decide(*, home_request: HomeLocationRequest, actor, approve: bool) -> HomeLocationRequest:
    """Approve (the coordinates become the employee's registered home) or reject a request.
    The caller checked that `actor` is the employee's supervisor or an HR admin."""
    now = timezone.now()
    status = HomeLocationStatus.APPROVED if approve else HomeLocationStatus.REJECTED
    won = HomeLocationRequest.objects.filter(id=home_request.id, status=HomeLocationStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, updated_at=now
    )
    if won != 1:
        raise ConflictError(str(ERR_HOME_DECIDED), code="already_decided")
    home_request.refresh_from_db()
    employee = Employee.objects.select_related("user").get(id=home_request.employee_id)
    if approve:
        org_services.employee_home_location_set(
            employee=employee, latitude=home_request.latitude, longitude=home_request.longitude, actor=actor
        )
    notification_send(
        recipient=employee.user,
        kind="home_location_approved" if approve else "home_location_rejected",
        context={},
    )
    return home_request
