"""Files of a report run, from one execution of the kind's SQL, in constant memory.

- Data CSV (for scripts): `COPY (<kind's SQL>) TO STDOUT` straight from PostgreSQL into a temporary
  file, hashed on the way (SHA-256 = the run's checksum); stable English column names, decimal
  points. This is the only query: the rest reads that file once.
- One pass over the CSV then feeds the summary (per-unit sums, the exception rows), the Excel CSV
  (";", decimal comma, UTF-8 BOM, labelled headers: what a spreadsheet in the Indonesian locale opens
  in columns) and the XLSX detail sheet, written by `XlsxWriter` below; the XLSX summary sheet (title,
  agency, period, scope, provisional flag, unit totals) follows once the pass is done. The XLSX is
  deterministic (fixed timestamps and document properties), so a rerun produces the same bytes.
- No text cell is read as a formula: the kinds' statements neutralise a leading = + - @, tab or CR
  (flexwork.reports.kinds.inert), so every file carries the same inert text.
- PDF: the unit summaries and the exceptions (never every row), through flexwork.reports.pdf.
Files reach the storage API only when complete (local disk or S3-compatible storage alike)."""

from __future__ import annotations

import csv
import datetime
import decimal
import functools
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.core.files import File
from django.db import connections
from django.utils.translation import gettext as _

from flexwork.common.db import REPORT_STATEMENT_SETTINGS, statement_settings
from flexwork.reports.kinds import KindSpec

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A text cell no spreadsheet reads as a formula: a leading = + - @, tab or CR gets a leading
    apostrophe (the same rule as flexwork.reports.kinds.inert, for files written in Python)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


SUMMARY_UNIT_LIMIT = 500
EXCEPTION_LIMIT = 500


class _HashingWriter:
    """A binary file that hashes what COPY writes into it."""

    def __init__(self, target) -> None:
        self.target = target
        self.sha = hashlib.sha256()

    def write(self, data) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sha.update(data)
        self.target.write(data)
        return len(data)


def bound_sql(sql: str, params: dict, *, using: str = "default") -> str:
    with connections[using].cursor() as cursor:
        return cursor.mogrify(sql, params).decode("utf-8")


FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>FlexWork</Application></Properties>"
)
# Styles: 0 plain; 1 header (bold, wrapped, shaded); 2 a number with two decimals; 3 the title; 4 bold.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
HEADER, DECIMAL, TITLE, BOLD = 1, 2, 3, 4


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook(names: list[str], filter_sheet: int, filter_ref: str) -> str:
    sheets = "".join(
        f'<sheet name="{_text(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets><definedNames>"
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{filter_sheet}" hidden="1">'
        f"'{_text(names[filter_sheet])}'!{filter_ref}</definedName></definedNames></workbook>"
    )


def _workbook_rels(sheets: int) -> str:
    parts = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{parts}"
        f'<Relationship Id="rId{sheets + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _cols(widths: list[float]) -> str:
    return (
        "<cols>"
        + "".join(f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        + "</cols>"
    )


def _sheet_head(widths: list[float], *, frozen: bool) -> str:
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if frozen
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f"{_cols(widths) if widths else ''}<sheetData>"
    )


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.lru_cache(maxsize=1 << 16)
def _text(value: str) -> str:
    """A cell's text for the sheet's XML. Cached: a report's text cells repeat (units, names, dates, causes),
    and escaping them was most of the time the detail sheet took per row (docs/performance.md)."""
    return escape(CONTROL.sub("", value))


def _cell(ref: str, value, style: int = 0) -> str:
    """A typed cell: numbers (int, Decimal, float) as numbers, everything else as inline text."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, bool) or value is None or value == "":
        return "" if not style else f'<c r="{ref}"{s}/>'
    if isinstance(value, (int, float, decimal.Decimal)):
        if isinstance(value, decimal.Decimal) and value.as_tuple().exponent < 0 and not style:
            s = f' s="{DECIMAL}"'
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'


class XlsxWriter:
    """A workbook written in constant memory: the detail sheet row by row into its zip entry (strings
    inline, no shared-string table to hold; numbers as numbers, decimals with two places; the labelled
    header bold, wrapped and frozen; column widths; an autofilter), and, when `close` is given them,
    the summary rows as a first sheet. Deterministic: fixed zip timestamps and document properties,
    so the same rows always make the same bytes."""

    def __init__(
        self,
        target,
        *,
        header: list[str],
        text_columns: frozenset[str],
        title: str,
        labels: list[str] | None = None,
        widths: list[float] | None = None,
        sheet_name: str = "Data",
    ) -> None:
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        for name, data in (
            ("_rels/.rels", ROOT_RELS),
            ("docProps/app.xml", APP),
            ("docProps/core.xml", self._core(title)),
            ("xl/styles.xml", STYLES),
        ):
            self.archive.writestr(self._info(name), data)
        self.sheet_name = sheet_name
        self.sheet = self.archive.open(self._info("xl/worksheets/detail.xml"), "w", force_zip64=True)
        self.letters = [column_letter(i) for i in range(len(header))]
        self.numeric = [column not in text_columns for column in header]
        self.buffer: list[str] = [_sheet_head(widths or [], frozen=True)]
        self.rows = 1
        shown = labels or header
        height = ' ht="48" customHeight="1"' if labels else ""
        self.buffer.append(
            f'<row r="1"{height}>'
            + "".join(
                _cell(f"{letter}1", str(value), HEADER) for letter, value in zip(self.letters, shown, strict=True)
            )
            + "</row>"
        )

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    @staticmethod
    def _core(title: str) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_text(title[:200])}</dc:title><dc:creator>FlexWork</dc:creator>"
            '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
            "</cp:coreProperties>"
        )

    def row(self, values: list[str]) -> None:
        self.rows += 1
        n = str(self.rows)
        cells = []
        for letter, numeric, value in zip(self.letters, self.numeric, values, strict=False):
            if value == "":
                continue
            if numeric and NUMBER.match(value):
                style = f' s="{DECIMAL}"' if "." in value else ""
                cells.append(f'<c r="{letter}{n}"{style}><v>{value}</v></c>')
            else:
                cells.append(
                    f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
                )
        self.buffer.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self.buffer) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self.sheet.write("".join(self.buffer).encode("utf-8"))
        self.buffer = []

    def close(
        self,
        *,
        summary_rows: list[tuple[int, list]] | None = None,
        summary_widths: list[float] | None = None,
        summary_name: str = "Summary",
    ) -> None:
        """`summary_rows`: (style of the row, its values) for the first sheet; none, one sheet."""
        last = f"{self.letters[-1]}{self.rows}" if self.letters else "A1"
        self.buffer.append(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>')
        self._flush()
        self.sheet.close()
        names = [self.sheet_name]
        parts = ["detail"]
        if summary_rows is not None:
            body = [_sheet_head(summary_widths or [], frozen=False)]
            for number, (style, values) in enumerate(summary_rows, start=1):
                cells = "".join(_cell(f"{column_letter(i)}{number}", v, style) for i, v in enumerate(values))
                body.append(f'<row r="{number}">{cells}</row>')
            body.append("</sheetData></worksheet>")
            self.archive.writestr(self._info("xl/worksheets/summary.xml"), "".join(body))
            names.insert(0, summary_name)
            parts.insert(0, "summary")
        # The parts were written under working names; the workbook points at them by relationship.
        self.archive.writestr(self._info("[Content_Types].xml"), _content_types_named(parts))
        self.archive.writestr(self._info("xl/_rels/workbook.xml.rels"), _workbook_rels_named(parts))
        self.archive.writestr(
            self._info("xl/workbook.xml"), _workbook(names, names.index(self.sheet_name), _absolute(f"A1:{last}"))
        )
        self.archive.close()


def _absolute(ref: str) -> str:
    return ":".join("$" + re.sub(r"(\d+)", r"$\1", part) for part in ref.split(":"))


def _content_types_named(parts: list[str]) -> str:
    text = _content_types(len(parts))
    for i, part in enumerate(parts, start=1):
        text = text.replace(f"/xl/worksheets/sheet{i}.xml", f"/xl/worksheets/{part}.xml")
    return text


def _workbook_rels_named(parts: list[str]) -> str:
    text = _workbook_rels(len(parts))
    for i, part in enumerate(parts, start=1):
        text = text.replace(f"worksheets/sheet{i}.xml", f"worksheets/{part}.xml")
    return text


@dataclass
class _Unit:
    code: str
    name: str
    people: set[str] = field(default_factory=set)
    rows: int = 0
    sums: list[decimal.Decimal | None] = field(default_factory=list)


class Summary:
    """Per-unit sums (people counted once per unit) and the first exception rows, read off the CSV
    rows in the order COPY wrote them (the kinds order by unit code, then NIP)."""

    def __init__(self, spec: KindSpec, header: list[str]) -> None:
        self.spec = spec
        self.header = header
        self.position = {column: i for i, column in enumerate(header)}
        self.sum_positions = [self.position[column] for column in spec.sum_columns]
        self.units: dict[str, _Unit] = {}
        self.exceptions: list[list[str]] = []
        self.exception_total = 0

    def add(self, row: list[str]) -> None:
        code = row[self.position["unit_code"]]
        unit = self.units.get(code)
        if unit is None:
            unit = self.units[code] = _Unit(
                code, row[self.position["unit_name"]], sums=[None] * len(self.sum_positions)
            )
        unit.rows += 1
        if self.spec.employee_rows:
            unit.people.add(row[self.position["nip"]])
        sums = unit.sums
        for i, position in enumerate(self.sum_positions):
            value = row[position]
            if value != "":
                sums[i] = decimal.Decimal(value) + (sums[i] or 0)
        if self.spec.exception_test(dict(zip(self.header, row, strict=True))):
            self.exception_total += 1
            if len(self.exceptions) < EXCEPTION_LIMIT:
                self.exceptions.append(row)

    def _cell(self, column: str, value: str):
        if value == "":
            return None  # COPY writes NULL and '' alike as an empty cell; pages show both as blank
        if column not in self.spec.text_columns and NUMBER.match(value):
            return int(value) if "." not in value else value
        return value

    def result(self) -> dict:
        units = list(self.units.values())[:SUMMARY_UNIT_LIMIT]
        return {
            "unit_columns": ["unit_code", "unit_name", "n", *self.spec.sum_columns],
            "units": [
                [
                    unit.code,
                    unit.name,
                    len(unit.people) if self.spec.employee_rows else unit.rows,
                    *(_json(value) for value in unit.sums),
                ]
                for unit in units
            ],
            "exception_columns": self.header,
            "exceptions": [
                [self._cell(column, value) for column, value in zip(self.header, row, strict=True)]
                for row in self.exceptions
            ],
            "exception_total": self.exception_total,
        }


@dataclass
class Written:
    rows: int
    checksum: str
    summary: dict


def _width(name: str, label: str, text: bool) -> float:
    """A column width (characters) that shows a cell uncut: names and units wide, counts narrow, the
    header wrapped onto up to three lines."""
    if name in TEXT_WIDTHS:
        return TEXT_WIDTHS[name]
    longest_word = max((len(word) for word in label.split()), default=4)
    return float(max(10, min(20, longest_word + 2, len(label) // 3 + 4)) if not text else 18)


TEXT_WIDTHS = {"unit_code": 12.0, "unit_name": 34.0, "nip": 21.0, "name": 34.0, "indicator": 48.0, "band": 40.0,
               "weeks_below_requirement": 24.0}  # fmt: skip


def _typed(value):
    """A summary cell for the XLSX: counts and sums as numbers."""
    if isinstance(value, str) and NUMBER.match(value):
        return decimal.Decimal(value)
    return value


def _summary_sheet(*, spec: KindSpec, facts: list[tuple[str, str]], result: dict, count_label: str) -> list:
    rows: list[tuple[int, list]] = [(TITLE, [facts[1][1] if len(facts) > 1 else ""])]
    rows += [(0, [label, value]) for label, value in facts]
    rows.append((0, []))
    columns = result["unit_columns"]
    rows.append((HEADER, [count_label if c == "n" else str(spec.column_label(c)) for c in columns]))
    rows += [(0, [_typed(v) for v in unit]) for unit in result["units"]]
    if len(result["units"]) > 1:
        totals = [str(_("Total")), ""]
        for i in range(2, len(columns)):
            values = [_typed(unit[i]) for unit in result["units"] if unit[i] is not None]
            totals.append(sum(values) if values else None)
        rows.append((BOLD, totals))
    return rows


def files_write(
    *,
    spec: KindSpec,
    params: dict,
    storage,
    names: dict[str, str],
    title: str,
    facts: list[tuple[str, str]] | None = None,
    using: str = "default",
    on_progress: Callable[[int], None] = lambda percent: None,
    chunk_rows: int = 5000,
) -> Written:
    """The data CSV by COPY, then one pass over it for the summary, the Excel CSV and the XLSX detail
    sheet; the XLSX summary sheet once the pass is done. All three files saved to storage under
    names["csv"], names["excel"] and names["xlsx"]. Labels are in the active language. Progress runs
    10 → 40 (CSV) → 90 (the rest)."""
    statement = (
        f"COPY ({bound_sql(spec.sql, params, using=using)}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    )
    with (
        tempfile.TemporaryFile() as csv_file,
        tempfile.TemporaryFile() as xlsx_file,
        tempfile.TemporaryFile() as excel_file,
    ):
        writer = _HashingWriter(csv_file)
        # One core, no JIT, the period read by its index (flexwork.common.db.REPORT_STATEMENT_SETTINGS).
        with statement_settings(REPORT_STATEMENT_SETTINGS, using), connections[using].cursor() as cursor:
            cursor.copy_expert(statement, writer)  # psycopg2, through Django's cursor wrapper
            rows = max(cursor.rowcount, 0)
        on_progress(40)
        csv_file.seek(0)
        reader = csv.reader(io.TextIOWrapper(csv_file, encoding="utf-8", newline=""))
        header = next(reader)
        labels = [str(spec.column_label(column)) for column in header]
        text_columns = spec.text_columns
        summary = Summary(spec, header)
        xlsx = XlsxWriter(
            xlsx_file,
            header=header,
            text_columns=text_columns,
            title=title,
            labels=labels,
            widths=[_width(c, label, c in text_columns) for c, label in zip(header, labels, strict=True)],
            sheet_name=str(_("Data")),
        )
        excel_text = io.TextIOWrapper(excel_file, encoding="utf-8-sig", newline="")
        excel = csv.writer(excel_text, delimiter=";", lineterminator="\r\n")
        excel.writerow(labels)
        decimal_columns = [i for i, column in enumerate(header) if column not in text_columns]
        for done, row in enumerate(reader, start=1):
            summary.add(row)
            xlsx.row(row)
            shown = row.copy()
            for i in decimal_columns:
                shown[i] = shown[i].replace(".", ",")
            excel.writerow(shown)
            if done % chunk_rows == 0:
                on_progress(40 + int(50 * done / max(rows, 1)))
        result = summary.result()
        count_label = str(_("Employees") if spec.employee_rows else _("Rows"))
        xlsx.close(
            summary_rows=_summary_sheet(spec=spec, facts=facts or [], result=result, count_label=count_label),
            summary_widths=[22.0, 40.0] + [14.0] * max(len(result["unit_columns"]) - 2, 0),
            summary_name=str(_("Summary")),
        )
        excel_text.flush()
        excel_text.detach()
        for name, source in ((names["csv"], csv_file), (names["excel"], excel_file), (names["xlsx"], xlsx_file)):
            source.seek(0)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, File(source, name=name))
    return Written(rows=rows, checksum=writer.sha.hexdigest(), summary=result)


def _json(value):
    if value is None or isinstance(value, (int, str, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal) and value.as_tuple().exponent == 0:
        return int(value)  # sums of counts
    return str(value)
