from __future__ import annotations

import hashlib
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
