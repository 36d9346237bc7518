"""Files of a report run, from one execution of the kind's SQL, in constant memory.

- CSV: `COPY (<kind's SQL>) TO STDOUT` straight from PostgreSQL into a temporary file, hashed on
  the way (SHA-256 = the run's checksum). This is the only query: the rest reads that file once.
- One pass over the CSV then feeds both the summary (per-unit sums, the exception rows) and the
  XLSX, written by `XlsxWriter` below: a one-sheet SpreadsheetML package streamed into the zip,
  deterministic (fixed timestamps and document properties), so a rerun produces the same bytes.
- PDF: the unit summaries and the exceptions (never every row), through flexwork.reports.pdf.
Files reach the storage API only when complete (local disk or S3-compatible storage alike)."""

from __future__ import annotations

import csv
import datetime
import decimal
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

from flexwork.reports.kinds import KindSpec

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
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
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
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
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: plain; style 1: bold (the header row).
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    "</sheetView></sheetViews><sheetData>"
)
SHEET_TAIL = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    return escape(CONTROL.sub("", value))


class XlsxWriter:
    """A one-sheet workbook written row by row into a zip entry: strings inline (no shared-string
    table to hold in memory), numbers as numbers, the header bold and frozen. Deterministic: fixed
    zip timestamps and document properties, so the same rows always make the same bytes."""

    def __init__(self, target, *, header: list[str], text_columns: frozenset[str], title: str) -> None:
        self.archive = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("docProps/app.xml", APP),
            ("docProps/core.xml", self._core(title)),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ):
            self.archive.writestr(self._info(name), data)
        self.sheet = self.archive.open(self._info("xl/worksheets/sheet1.xml"), "w", force_zip64=True)
        self.letters = [column_letter(i) for i in range(len(header))]
        self.numeric = [column not in text_columns for column in header]
        self.buffer: list[str] = [SHEET_HEAD]
        self.rows = 1
        self.buffer.append(
            '<row r="1">'
            + "".join(
                f'<c r="{letter}1" s="1" t="inlineStr"><is><t>{_text(value)}</t></is></c>'
                for letter, value in zip(self.letters, header, strict=True)
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
                cells.append(f'<c r="{letter}{n}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{letter}{n}" t="inlineStr"><is><t>{_text(value)}</t></is></c>')
        self.buffer.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self.buffer) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self.sheet.write("".join(self.buffer).encode("utf-8"))
        self.buffer = []

    def close(self) -> None:
        self.buffer.append(SHEET_TAIL)
        self._flush()
        self.sheet.close()
        self.archive.close()


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


def files_write(
    *,
    spec: KindSpec,
    params: dict,
    storage,
    names: dict[str, str],
    title: str,
    using: str = "default",
    on_progress: Callable[[int], None] = lambda percent: None,
    chunk_rows: int = 5000,
) -> Written:
    """The CSV by COPY, then one pass over it for the summary and the XLSX; both files saved to
    storage under names["csv"] and names["xlsx"]. Progress runs 10 → 40 (CSV) → 90 (XLSX)."""
    statement = (
        f"COPY ({bound_sql(spec.sql, params, using=using)}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    )
    with tempfile.TemporaryFile() as csv_file, tempfile.TemporaryFile() as xlsx_file:
        writer = _HashingWriter(csv_file)
        with connections[using].cursor() as cursor:
            cursor.copy_expert(statement, writer)  # psycopg2, through Django's cursor wrapper
            rows = max(cursor.rowcount, 0)
        on_progress(40)
        csv_file.seek(0)
        reader = csv.reader(io.TextIOWrapper(csv_file, encoding="utf-8", newline=""))
        header = next(reader)
        summary = Summary(spec, header)
        xlsx = XlsxWriter(xlsx_file, header=header, text_columns=spec.text_columns, title=title)
        for done, row in enumerate(reader, start=1):
            summary.add(row)
            xlsx.row(row)
            if done % chunk_rows == 0:
                on_progress(40 + int(50 * done / max(rows, 1)))
        xlsx.close()
        for name, source in ((names["csv"], csv_file), (names["xlsx"], xlsx_file)):
            source.seek(0)
            if storage.exists(name):
                storage.delete(name)
            storage.save(name, File(source, name=name))
    return Written(rows=rows, checksum=writer.sha.hexdigest(), summary=summary.result())


def _json(value):
    if value is None or isinstance(value, (int, str, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal) and value.as_tuple().exponent == 0:
        return int(value)  # sums of counts
    return str(value)
