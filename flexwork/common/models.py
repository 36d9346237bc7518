from typing import Any, Protocol, runtime_checkable

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every FlexWork table carries when a row was made and last changed (HackSoft BaseModel)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AgencyOwnedModel(BaseModel):
    """Every tenant table belongs to one agency (CONTRIBUTING.md). Selectors filter on `agency` first;
    unique constraints include it."""

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+", db_index=True)

    class Meta:
        abstract = True


def evidence_storage():
    """The private store of evidence files (settings.STORAGES["evidence"]): no public URL, served
    only through a permission-checking view. A function, so that tests and settings can swap it."""
    return storages["evidence"]


class EvidenceMediaType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"


# Deletes are tracked too: the nightly purge of files never attached (docs/rules.md §1 "Evidence files").
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="EvidenceFileEvent"
)
class EvidenceFile(BaseModel):
    """An uploaded evidence file (a scan, a photo, a document). The bytes live in the evidence
    storage under a random name; the client's name is kept only for display and downloads.

    Until it is attached, a file belongs to its uploader alone. Once attached, its owner decides who
    may see it: the owner model implements `evidence_visible_to(user) -> bool` (see `EvidenceOwner`)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_files", verbose_name=_("uploaded by")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=255, unique=True, help_text="The name in the evidence storage.")
    media_type = models.CharField(_("type"), max_length=100, choices=EvidenceMediaType.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    # The owner (an arrangement request, an output log entry, …): null until attached.
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"], name="common_evidence_owner_idx"),
            # The quota (a user's uploads of the last 24 h) and the purge (files never attached).
            models.Index(fields=["uploaded_by", "created_at"], name="common_evidence_uploader_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="common_evidence_size_positive"),
            models.CheckConstraint(
                condition=models.Q(media_type__in=EvidenceMediaType.values), name="common_evidence_media_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(owner_type__isnull=True, owner_id__isnull=True)
                | models.Q(owner_type__isnull=False, owner_id__isnull=False),
                name="common_evidence_owner_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_attached(self) -> bool:
        return self.owner_type_id is not None


@runtime_checkable
class EvidenceOwner(Protocol):
    """What a model must offer to own evidence files: the answer to "may this user see my
    evidence?". Selectors ask it before every download; a file whose owner says no is a 404."""

    pk: Any

    def evidence_visible_to(self, user) -> bool: ...
