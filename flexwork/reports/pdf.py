"""A minimal, deterministic PDF writer for report summaries: text lines in the standard Courier
and Helvetica fonts on A4 landscape pages. No PDF library is installed (fpdf2 would bring Pillow,
fontTools and defusedxml), and the report PDF holds only unit summaries and exceptions, so plain
text pages are enough. Characters outside Latin-1 are replaced by "?"."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_WIDTH, PAGE_HEIGHT = 842, 595  # A4 landscape, points
MARGIN = 36
LINE_HEIGHT = 11
BODY_SIZE = 8
TITLE_SIZE = 13


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    title: bool = False


def _escape(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def table_lines(columns: list[str], rows: list[list], *, max_width: int = 150) -> list[Line]:
    """A fixed-width text table (Courier), columns as wide as their widest cell (capped)."""
    cells = [[str(c) for c in columns]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [min(24, max(len(row[i]) for row in cells)) for i in range(len(columns))]

    def render(row: list[str]) -> str:
        return " ".join(value[:width].ljust(width) for value, width in zip(row, widths, strict=False))[:max_width]

    lines = [Line(render(cells[0]), bold=True)]
    lines += [Line(render(row)) for row in cells[1:]]
    return lines


def pdf_bytes(lines: list[Line]) -> bytes:
    per_page = (PAGE_HEIGHT - 2 * MARGIN) // LINE_HEIGHT
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font_mono = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    font_bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>")
    font_title = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for page_lines in pages:
        stream = ["BT"]
        y = PAGE_HEIGHT - MARGIN
        for line in page_lines:
            font, size = ("F3", TITLE_SIZE) if line.title else (("F2" if line.bold else "F1"), BODY_SIZE)
            stream.append(f"/{font} {size} Tf 1 0 0 1 {MARGIN} {y} Tm ({_escape(line.text)}) Tj")
            y -= LINE_HEIGHT + (6 if line.title else 0)
        stream.append("ET")
        content = "\n".join(stream).encode("latin-1")
        content_id = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        page_ids.append(
            add(
                (
                    f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                    f"/Resources << /Font << /F1 {font_mono} 0 R /F2 {font_bold} 0 R /F3 {font_title} 0 R >> >> "
                    f"/Contents {content_id} 0 R >>"
                ).encode("ascii")
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode("ascii")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode("ascii")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)
