"""The report PDF (reportlab): what HR hands upward. A4 landscape; the agency's letterhead (kop), the
title, period, scope unit and "sementara" when provisional; the unit summary and the exception rows
(never every row) as tables whose header rows repeat on every page and whose cells wrap, so no column
or name is cut; a legend of the attendance codes; "Halaman x dari y"; the signature block of the scope
unit's head. Text is DejaVu Sans (Debian fonts-dejavu-core), embedded, so every letter of a name is
spelled right. Bytes are deterministic for the same input (`invariant=1`: no creation date or random
document id), so a rerun of the same attempt produces the same file.

The caller passes labels already in the requester's language (flexwork.reports.services)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path(getattr(settings, "REPORTS_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE = landscape(A4)
MARGIN = 12 * mm
GREY = colors.HexColor("#555555")
HEADER_FILL = colors.HexColor("#E8EEF4")
RULE = colors.HexColor("#9AA5B1")


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _style(name: str, size: float, *, bold: bool = False, color=colors.black, **extra) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT_BOLD if bold else FONT, fontSize=size, leading=size * 1.22, textColor=color, **extra
    )


STYLES = {
    "agency": _style("agency", 13, bold=True),
    "address": _style("address", 8.5, color=GREY),
    "title": _style("title", 12, bold=True, spaceBefore=4),
    "fact": _style("fact", 8.5),
    "heading": _style("heading", 9.5, bold=True, spaceBefore=8, spaceAfter=3),
    "small": _style("small", 6.5, color=GREY),
    "sign": _style("sign", 9),
}


@dataclass
class Signer:
    position: str
    name: str
    nip: str


@dataclass
class ReportDocument:
    """Everything the PDF shows, as text in the reader's language. Rows hold cells already formatted
    (numbers in the reader's notation); `numeric` marks the columns set flush right."""

    agency_name: str
    agency_address: str
    title: str
    facts: list[tuple[str, str]]
    unit_heading: str
    unit_columns: list[str]
    unit_rows: list[list[str]]
    unit_numeric: list[bool]
    exception_heading: str
    exception_note: str
    exception_columns: list[str]
    exception_rows: list[list[str]]
    exception_numeric: list[bool]
    exception_identity: list[int]  # the columns that say who a row is, repeated in every column group
    legend_heading: str
    legend: list[tuple[str, str]]
    sign_intro: str
    signer: Signer | None
    nip_label: str
    page_label: str  # "Page %(page)s of %(pages)s", translated
    small_print: str = ""
    empty_text: str = ""
    unit_identity: list[int] = field(default_factory=list)


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


PAD = 4.6  # left + right cell padding and the grid
TEXT_MIN_CAP = 72.0  # a text column need not fit its longest word beyond this (it wraps inside it)
TEXT_WANT_CAP = 170.0


def _needs(columns, rows, numeric, size) -> list[tuple[float, float]]:
    """Per column (the least width at which nothing is split inside a word, the width it would like)."""
    needs = []
    for i, column in enumerate(columns):
        head = max((pdfmetrics.stringWidth(word, FONT_BOLD, size) for word in column.split()), default=0)
        cells = [row[i] for row in rows if row[i]]
        if numeric[i]:
            widest = max((pdfmetrics.stringWidth(cell, FONT, size) for cell in cells), default=0)
            least = max(head, widest) + PAD
            needs.append((least, least))
        else:
            words = max((pdfmetrics.stringWidth(w, FONT, size) for c in cells for w in c.split()), default=0)
            full = max((pdfmetrics.stringWidth(cell, FONT, size) for cell in cells), default=0)
            least = max(head, min(words, TEXT_MIN_CAP)) + PAD
            needs.append((least, max(least, min(full + PAD, TEXT_WANT_CAP))))
    return needs


def _groups(needs, identity: list[int], width: float) -> list[list[int]]:
    """Column groups that each fit the page width: every group repeats the identity columns (who the
    row is), the others follow in order. One group when everything fits."""
    if sum(least for least, _ in needs) <= width or not identity:
        return [list(range(len(needs)))]
    fixed = sum(needs[i][0] for i in identity)
    groups, current, used = [], [], fixed
    for i in range(len(needs)):
        if i in identity:
            continue
        if current and used + needs[i][0] > width:
            groups.append(current)
            current, used = [], fixed
        current.append(i)
        used += needs[i][0]
    if current:
        groups.append(current)
    # Even the groups out (a last group of one column wastes a table): fill each up to an equal share.
    others = [i for i in range(len(needs)) if i not in identity]
    share = sum(needs[i][0] for i in others) / len(groups)
    balanced, current, used = [], [], 0.0
    for i in others:
        if current and used + needs[i][0] / 2 > share and len(balanced) < len(groups) - 1:
            balanced.append(current)
            current, used = [], 0.0
        current.append(i)
        used += needs[i][0]
    balanced.append(current)
    if all(fixed + sum(needs[i][0] for i in group) <= width for group in balanced):
        groups = balanced
    return [sorted(set(identity) | set(group)) for group in groups]


def _widths(needs, indices, width: float) -> list[float]:
    """The least widths, then the room left to the text columns up to what they would like, then evenly."""
    widths = [needs[i][0] for i in indices]
    room = width - sum(widths)
    wants = [needs[i][1] - needs[i][0] for i in indices]
    if room > 0 and sum(wants) > 0:
        share = min(1.0, room / sum(wants))
        widths = [w + want * share for w, want in zip(widths, wants, strict=True)]
        room = width - sum(widths)
    if room > 0:
        widths = [w + room / len(widths) for w in widths]
    return widths


def _tables(columns, rows, numeric, identity, *, width: float, sizes, empty: str) -> list[Table]:
    """The table at the largest size whose columns fit side by side (a split into column groups at
    the smallest size otherwise). Header rows repeat on every page; cells wrap, nothing is cut."""
    for size in sizes:
        needs = _needs(columns, rows, numeric, size)
        groups = _groups(needs, identity, width)
        if len(groups) == 1:
            break
    return [
        _table(
            [columns[i] for i in group],
            [[row[i] for i in group] for row in rows],
            [numeric[i] for i in group],
            _widths(needs, group, width),
            size=size,
            empty=empty,
        )
        for group in groups
    ]


def _table(columns, rows, numeric, widths, *, size: float, empty: str) -> Table:
    head = _style("th", size, bold=True)
    body = _style("td", size)
    data = [[_cell(c, head) for c in columns]]
    for row in rows:
        # Numbers never wrap (their column fits the widest): plain strings, far cheaper than paragraphs.
        data.append([v if numeric[i] else _cell(v, body) for i, v in enumerate(row)])
    if not rows:
        data.append([_cell(empty, body)] + [""] * (len(columns) - 1))
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("FONT", (0, 1), (-1, -1), FONT, size, size * 1.22),
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n),
    ]
    if not rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    return table


def _numbered_canvas(page_label: str, agency_name: str, title: str):
    """A canvas that knows the page count when it draws each page's footer (two passes)."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(count)
                super().showPage()
            super().save()

        def _footer(self, count: int) -> None:
            self.saveState()
            self.setFont(FONT, 7)
            self.setFillColor(GREY)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.3)
            self.line(MARGIN, 9 * mm, PAGE[0] - MARGIN, 9 * mm)
            self.drawString(MARGIN, 6 * mm, f"{agency_name} · {title}")
            self.drawRightString(PAGE[0] - MARGIN, 6 * mm, page_label % {"page": self._pageNumber, "pages": count})
            self.restoreState()

    return NumberedCanvas


def pdf_bytes(document: ReportDocument) -> bytes:
    _fonts()
    width = PAGE[0] - 2 * MARGIN
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=14 * mm,
        title=document.title,
        author=document.agency_name,
        creator="FlexWork",
        invariant=1,
    )
    story: list = [_cell(document.agency_name, STYLES["agency"])]
    if document.agency_address:
        story.append(_cell(document.agency_address, STYLES["address"]))
    kop_rule = Table([[""]], colWidths=[width], rowHeights=[2])
    kop_rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.2, colors.black)]))
    story += [kop_rule, _cell(document.title, STYLES["title"])]
    facts = Table(
        [[_cell(label, _style("fl", 8.5, bold=True)), _cell(value, STYLES["fact"])] for label, value in document.facts],
        colWidths=[50 * mm, width - 50 * mm],
        hAlign="LEFT",
    )
    facts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))  # fmt: skip
    story.append(facts)

    story.append(_cell(document.unit_heading, STYLES["heading"]))
    story += _tables(document.unit_columns, document.unit_rows, document.unit_numeric, document.unit_identity,
                     width=width, sizes=(7.5, 7, 6.5, 6), empty=document.empty_text)  # fmt: skip
    story.append(_cell(document.exception_heading, STYLES["heading"]))
    if document.exception_note:
        story += [_cell(document.exception_note, STYLES["small"]), Spacer(1, 2)]
    tables = [] if not document.exception_rows else _tables(document.exception_columns, document.exception_rows, document.exception_numeric,
                     document.exception_identity, width=width, sizes=(7, 6.5, 6, 5.5), empty=document.empty_text)  # fmt: skip
    for table in tables:
        story += [table, Spacer(1, 3 * mm)]
    if not tables:
        story.append(_cell(document.empty_text, STYLES["fact"]))
    if document.legend:
        legend = [_cell(document.legend_heading, STYLES["heading"])]
        legend.append(
            Table(
                [
                    [_cell(code, _style("lc", 7.5, bold=True)), _cell(text, _style("lt", 7.5))]
                    for code, text in document.legend
                ],
                colWidths=[34 * mm, width - 34 * mm],
                hAlign="LEFT",
                style=TableStyle(
                    [
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                    ]
                ),  # fmt: skip
            )
        )
        story.append(KeepTogether(legend))
    story.append(Spacer(1, 6 * mm))
    sign = [_cell(document.sign_intro, STYLES["sign"])]
    if document.signer is not None:
        sign += [
            _cell(document.signer.position, STYLES["sign"]),
            Spacer(1, 16 * mm),
            _cell(document.signer.name, _style("sn", 9, bold=True)),
            _cell(f"{document.nip_label} {document.signer.nip}", STYLES["sign"]),
        ]
    else:
        sign += [Spacer(1, 16 * mm), _cell("(" + " " * 40 + ")", STYLES["sign"])]
    block = Table([["", sign]], colWidths=[width - 85 * mm, 85 * mm])
    block.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(KeepTogether([block]))
    if document.small_print:
        story += [Spacer(1, 4 * mm), _cell(document.small_print, STYLES["small"])]
    doc.build(story, canvasmaker=_numbered_canvas(document.page_label, document.agency_name, document.title))
    return out.getvalue()
