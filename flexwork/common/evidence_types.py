"""Which kind of file an upload really is, judged by its bytes, never by its name or the
Content-Type the client claims. Only the five kinds evidence may be are recognised."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from flexwork.common.models import EvidenceMediaType

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"

# An Office Open XML package names its main part in [Content_Types].xml. Only the plain document
# and workbook types count: macro-enabled (.docm/.xlsm) and template packages are refused.
DOCX_MAIN = b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
XLSX_MAIN = b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
# [Content_Types].xml is a few kilobytes; refuse to inflate anything bigger (zip bombs).
CONTENT_TYPES_MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class EvidenceKind:
    media_type: str
    extension: str
    extensions: tuple[str, ...]  # every extension a user may already have given this kind


PDF = EvidenceKind(EvidenceMediaType.PDF, "pdf", ("pdf",))
JPEG = EvidenceKind(EvidenceMediaType.JPEG, "jpg", ("jpg", "jpeg"))
PNG = EvidenceKind(EvidenceMediaType.PNG, "png", ("png",))
DOCX = EvidenceKind(EvidenceMediaType.DOCX, "docx", ("docx",))
XLSX = EvidenceKind(EvidenceMediaType.XLSX, "xlsx", ("xlsx",))
KINDS = {kind.media_type: kind for kind in (PDF, JPEG, PNG, DOCX, XLSX)}


def evidence_kind_detect(fileobj) -> EvidenceKind | None:
    """The kind of `fileobj` (any seekable binary file), or None when it is none of the allowed ones.
    Leaves the file positioned at its start."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(PDF_MAGIC):
        return PDF
    if head.startswith(JPEG_MAGIC):
        return JPEG
    if head.startswith(PNG_MAGIC):
        return PNG
    if head.startswith(ZIP_MAGIC):
        return _office_kind(fileobj)
    return None


def _office_kind(fileobj) -> EvidenceKind | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            content_types = archive.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError):
        # Not a zip, no [Content_Types].xml, encrypted or damaged: not an Office document.
        return None
    finally:
        fileobj.seek(0)
    if DOCX_MAIN in content_types and "word/document.xml" in names:
        return DOCX
    if XLSX_MAIN in content_types and "xl/workbook.xml" in names:
        return XLSX
    return None
