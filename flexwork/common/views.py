"""Pages shared by every app: evidence downloads for the browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from flexwork.common.evidence_types import KINDS
from flexwork.common.models import EvidenceFile, evidence_storage
from flexwork.common.selectors import evidence_get_for


def evidence_download_name(evidence: EvidenceFile) -> str:
    """The name a download is saved under: the uploader's name, with the extension of the real type
    added when the name claims another (a PNG uploaded as "scan.pdf" downloads as "scan.pdf.png")."""
    kind = KINDS[evidence.media_type]
    name = evidence.original_name
    if name.rpartition(".")[2].lower() not in kind.extensions or "." not in name:
        name = f"{name}.{kind.extension}"
    return name


def evidence_file_response(evidence: EvidenceFile) -> FileResponse:
    """Stream an evidence file as an attachment. Django writes Content-Disposition with an RFC 5987
    `filename*` for non-ASCII names. The browser must never render it in our origin: nosniff and a
    sandboxing CSP as well as the attachment disposition."""
    response = FileResponse(
        evidence_storage().open(evidence.stored_name, "rb"),
        as_attachment=True,
        filename=evidence_download_name(evidence),
        content_type=evidence.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def evidence_download(request, evidence_id: int):
    evidence = evidence_get_for(user=request.user, evidence_id=evidence_id)
    return evidence_file_response(evidence)
