from __future__ import annotations

import datetime
import hashlib
import logging
import re
import unicodedata
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flexwork.common.evidence_types import evidence_kind_detect
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.models import EvidenceFile, EvidenceOwner, evidence_storage

logger = logging.getLogger("flexwork.evidence")


def model_update(*, instance: models.Model, fields: list[str], data: dict[str, Any]) -> tuple[models.Model, bool]:
    """Set `fields` from `data` and save only what really changed (HackSoft model_update).

    Returns the instance and whether anything was written, so callers can skip no-op side effects.
    """
    changed = []
    for field in fields:
        if field not in data:
            continue
        if getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    if changed:
        instance.full_clean()
        if any(f.name == "updated_at" for f in instance._meta.fields):
            instance.updated_at = timezone.now()
            changed.append("updated_at")
        instance.save(update_fields=changed)
    return instance, bool(changed)


# ---------------------------------------------------------------------------- evidence files

EVIDENCE_EMPTY = _("The file is empty.")
EVIDENCE_TOO_LARGE = _("The file is larger than %(limit)s.")
EVIDENCE_WRONG_TYPE = _("Only PDF, JPEG, PNG, DOCX and XLSX files can be uploaded.")
EVIDENCE_ALREADY_ATTACHED = _("This file is already attached to something else.")
EVIDENCE_DAILY_QUOTA = _(
    "You have uploaded %(used)s in the last 24 hours, and this file would pass your limit of %(limit)s. "
    "Try again tomorrow, or ask your HR administrator."
)
EVIDENCE_UNATTACHED_LIMIT = _(
    "You have %(count)d uploaded files that are not attached to anything yet. Attach or send them first "
    "(files never attached are deleted after a day)."
)
EVIDENCE_NAME_MAX_LENGTH = 255


def evidence_clean_name(name: str | None) -> str:
    """The client's file name made safe to show and to put in Content-Disposition: no directory
    parts, no control or invisible formatting characters (a right-to-left override can make
    "fdp.exe" look like "exe.pdf"), at most 255 characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip()
    if name in (".", ".."):
        name = ""
    if len(name) > EVIDENCE_NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: EVIDENCE_NAME_MAX_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:EVIDENCE_NAME_MAX_LENGTH]
    return name


@transaction.atomic
def evidence_upload(*, user, uploaded_file: UploadedFile) -> EvidenceFile:
    """Store an evidence file for `user`. The bytes decide the type (PDF, JPEG, PNG, DOCX, XLSX);
    the stored name is random. Raises ApplicationError: 400 empty, 413 too large, 415 wrong type."""
    size = uploaded_file.size or 0
    if size == 0:
        raise ApplicationError(EVIDENCE_EMPTY, code="empty_file", fields={"file": [str(EVIDENCE_EMPTY)]})
    if size > settings.EVIDENCE_MAX_BYTES:
        message = EVIDENCE_TOO_LARGE % {"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
        raise ApplicationError(message, code="too_large", status_code=413, fields={"file": [message]})
    kind = evidence_kind_detect(uploaded_file)
    if kind is None:
        raise ApplicationError(
            EVIDENCE_WRONG_TYPE,
            code="unsupported_media_type",
            status_code=415,
            fields={"file": [str(EVIDENCE_WRONG_TYPE)]},
        )
    evidence_quota_check(user=user, size=size)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)

    storage = evidence_storage()
    now = timezone.now()
    # Never the client's name in the path: a random name with the extension of the detected type.
    stored_name = storage.save(f"{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extension}", uploaded_file)
    evidence = EvidenceFile(
        uploaded_by=user,
        original_name=evidence_clean_name(uploaded_file.name) or f"evidence.{kind.extension}",
        stored_name=stored_name,
        media_type=kind.media_type,
        size=size,
        sha256=digest.hexdigest(),
    )
    try:
        evidence.full_clean()
        evidence.save()
    except BaseException:
        storage.delete(stored_name)  # no row, no file
        raise
    return evidence


def evidence_quota_check(*, user, size: int, now=None) -> None:
    """docs/rules.md §1 "Evidence files": a user may upload at most EVIDENCE_QUOTA_BYTES_PER_DAY in any 24
    hours (413 `evidence_quota_exceeded`) and hold at most EVIDENCE_QUOTA_UNATTACHED_FILES files not yet
    attached (400 `too_many_unattached`), so that nobody can fill the evidence disk. Called inside the
    upload's transaction: the user's row is locked, so two uploads at once cannot both pass."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    mine = EvidenceFile.objects.filter(uploaded_by_id=user.pk)
    unattached = mine.filter(owner_type__isnull=True).count()
    if unattached >= settings.EVIDENCE_QUOTA_UNATTACHED_FILES:
        message = EVIDENCE_UNATTACHED_LIMIT % {"count": unattached}
        raise ApplicationError(message, code="too_many_unattached", fields={"file": [message]})
    used = (
        mine.filter(created_at__gte=now - datetime.timedelta(hours=24)).aggregate(total=models.Sum("size"))["total"]
        or 0
    )
    if used + size > settings.EVIDENCE_QUOTA_BYTES_PER_DAY:
        message = EVIDENCE_DAILY_QUOTA % {
            "used": filesizeformat(used),
            "limit": filesizeformat(settings.EVIDENCE_QUOTA_BYTES_PER_DAY),
        }
        raise ApplicationError(message, code="evidence_quota_exceeded", status_code=413, fields={"file": [message]})


PURGE_BATCH = 500


def evidence_unattached_purge(*, now=None) -> int:
    """docs/rules.md §1 "Evidence files": delete the files never attached within
    EVIDENCE_UNATTACHED_KEEP_HOURS of their upload, row and bytes (the row's history records the delete,
    with the purge as its context). Idempotent: a second run finds nothing. A file being attached at
    that moment is skipped (its row is locked) or attached first; never both. Returns the rows deleted."""
    import pghistory

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EVIDENCE_UNATTACHED_KEEP_HOURS)
    storage = evidence_storage()
    purged = 0
    last_id = 0
    while True:
        with transaction.atomic(), pghistory.context(purge="evidence_unattached"):
            batch = list(
                EvidenceFile.objects.select_for_update(skip_locked=True)
                .filter(owner_type__isnull=True, created_at__lt=cutoff, id__gt=last_id)
                .order_by("id")
                .values_list("id", "stored_name")[:PURGE_BATCH]
            )
            if not batch:
                return purged
            last_id = batch[-1][0]
            ids = [evidence_id for evidence_id, _name in batch]
            purged += EvidenceFile.objects.filter(id__in=ids, owner_type__isnull=True).delete()[0]
            names = [name for _id, name in batch]
            # The bytes go once the rows are gone for good: a rolled-back delete keeps both.
            transaction.on_commit(lambda names=names: _evidence_bytes_delete(storage, names))


def _evidence_bytes_delete(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)  # a missing file is not an error (a second run, a manual clean-up)
        except OSError:
            logger.warning("evidence file %s could not be deleted; its row is gone", name)


@transaction.atomic
def evidence_attach(*, evidence: EvidenceFile, owner: EvidenceOwner) -> EvidenceFile:
    """Give `evidence` to `owner` (an arrangement request, an output log entry, …), which from now on
    decides who may see it. Attaching to the same owner again changes nothing; a file already owned
    by something else is a conflict (409). The caller checks that the actor may attach this file,
    e.g. by taking it from `evidence_list_attachable_for(user=actor)`."""
    if not isinstance(owner, EvidenceOwner) or owner.pk is None:
        raise TypeError(f"{owner!r} cannot own evidence: it must be saved and define evidence_visible_to(user).")
    owner_type = ContentType.objects.get_for_model(owner)
    if evidence.owner_type_id == owner_type.id and evidence.owner_id == owner.pk:
        return evidence
    # Compare-and-swap: of two concurrent attachments of one file, exactly one wins.
    won = EvidenceFile.objects.filter(id=evidence.id, owner_type__isnull=True).update(
        owner_type=owner_type, owner_id=owner.pk, updated_at=timezone.now()
    )
    if won != 1:
        evidence.refresh_from_db()
        if evidence.owner_type_id == owner_type.id and evidence.owner_id == owner.pk:
            return evidence
        raise ConflictError(EVIDENCE_ALREADY_ATTACHED, code="already_attached")
    evidence.refresh_from_db()
    return evidence
