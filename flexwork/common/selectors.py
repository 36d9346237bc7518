"""Reads shared by every app: evidence files."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from flexwork.common.models import EvidenceFile


def evidence_is_visible_to(*, evidence: EvidenceFile, user) -> bool:
    """An unattached file is its uploader's alone; an attached one is visible to whoever its owner
    says (`owner.evidence_visible_to(user)`). An owner that is gone or does not answer hides it."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not evidence.is_attached:
        return evidence.uploaded_by_id == user.id
    owner = evidence.owner
    visible_to = getattr(owner, "evidence_visible_to", None)
    if not callable(visible_to):
        return False
    return bool(visible_to(user))


def evidence_get_for(*, user, evidence_id: int) -> EvidenceFile:
    """The evidence file if `user` may see it. Http404 otherwise: the same answer for "does not
    exist" and "not yours", so that ids reveal nothing."""
    evidence = EvidenceFile.objects.select_related("owner_type").filter(id=evidence_id).first()
    if evidence is None or not evidence_is_visible_to(evidence=evidence, user=user):
        raise Http404
    return evidence


def evidence_list_attachable_for(*, user) -> QuerySet[EvidenceFile]:
    """Files `user` uploaded that no object owns yet: what a request or a log entry may attach."""
    return EvidenceFile.objects.filter(uploaded_by=user, owner_type__isnull=True)


def evidence_list_for_owner(*, owner) -> QuerySet[EvidenceFile]:
    """Files attached to `owner`. The caller has already decided the viewer may see `owner`."""
    from django.contrib.contenttypes.models import ContentType

    return EvidenceFile.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)


def evidence_by_owner(*, owners) -> dict:
    """Files attached to each of `owners` (one model), keyed by the owner's pk, in one query. The
    caller has already decided the viewer may see every owner."""
    from django.contrib.contenttypes.models import ContentType

    owners = list(owners)
    found: dict = {owner.pk: [] for owner in owners}
    if not owners:
        return found
    files = EvidenceFile.objects.filter(
        owner_type=ContentType.objects.get_for_model(owners[0]), owner_id__in=list(found)
    ).order_by("created_at", "id")
    for evidence in files:
        found[evidence.owner_id].append(evidence)
    return found
