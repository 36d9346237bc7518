"""Pages shared by every app: evidence downloads for the browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from flexwork.common.evidence_types import KINDS
from flexwork.common.models import EvidenceFile, EvidenceMediaType, evidence_storage
from flexwork.common.selectors import evidence_get_for


def evidence_download_name(evidence: EvidenceFile) -> str:
    """The name a download is saved under: the uploader's name, with the extension of the real type
    added when the name claims another (a PNG uploaded as "scan.pdf" downloads as "scan.pdf.png")."""
    kind = KINDS[evidence.media_type]
    name = evidence.original_name
    if name.rpartition(".")[2].lower() not in kind.extensions or "." not in name:
        name = f"{name}.{kind.extension}"
    return name


# Kinds the browser may show in a tab of its own (a photo, a scan): their bytes were checked at upload.
INLINE_MEDIA_TYPES = frozenset({EvidenceMediaType.PDF, EvidenceMediaType.JPEG, EvidenceMediaType.PNG})


def evidence_file_response(evidence: EvidenceFile, *, inline: bool = False) -> FileResponse:
    """Stream an evidence file as an attachment. Django writes Content-Disposition with an RFC 5987
    `filename*` for non-ASCII names. An attachment is never rendered in our origin: nosniff and a
    sandboxing CSP as well as the attachment disposition. With `inline`, a PDF or an image (kinds
    whose bytes were checked at upload) opens in the browser's own viewer: an image stays sandboxed;
    a PDF gets a CSP that allows no script, frame, form or connection, without `sandbox`, which
    would stop Chromium's PDF viewer. Other kinds stay attachments."""
    inline = inline and evidence.media_type in INLINE_MEDIA_TYPES
    response = FileResponse(
        evidence_storage().open(evidence.stored_name, "rb"),
        as_attachment=not inline,
        filename=evidence_download_name(evidence),
        content_type=evidence.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if inline and evidence.media_type == EvidenceMediaType.PDF:
        response["Content-Security-Policy"] = (
            "default-src 'none'; object-src 'self'; base-uri 'none'; form-action 'none'"
        )
    else:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def evidence_download(request, evidence_id: int):
    evidence = evidence_get_for(user=request.user, evidence_id=evidence_id)
    return evidence_file_response(evidence, inline=request.GET.get("inline") == "1")
