"""Files of a report run, written in constant memory.

- CSV: `COPY (<kind's SQL>) TO STDOUT` straight from PostgreSQL into a temporary file, hashed on
  the way (SHA-256 = the run's checksum), then saved through the storage API.
- XLSX: openpyxl's write-only workbook fed from the stored CSV in chunks; deterministic (fixed
  document properties and zip timestamps), so a rerun produces the same bytes.
- PDF: the unit summaries and the exceptions (never every row), through flexwork.reports.pdf.
- Summary: per-unit sums and the exception rows, computed by SQL over the kind's statement."""

from __future__ import annotations

import csv
import datetime
import decimal
import hashlib
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator

from django.core.files import File
from django.db import connection

from flexwork.reports.kinds import KindSpec

FIXED_MOMENT = datetime.datetime(2000, 1, 1)  # noqa: DTZ001 (openpyxl takes naive UTC)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
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


def bound_sql(sql: str, params: dict) -> str:
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode("utf-8")


def csv_write(*, spec: KindSpec, params: dict, storage, name: str) -> tuple[int, str]:
    """Run the kind's SQL with COPY into storage[name]. Returns (rows, sha256 hex)."""
    statement = f"COPY ({bound_sql(spec.sql, params)}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    with tempfile.TemporaryFile() as tmp:
        writer = _HashingWriter(tmp)
        with connection.cursor() as cursor:
            cursor.copy_expert(statement, writer)  # psycopg2, through Django's cursor wrapper
            rows = cursor.rowcount
        tmp.seek(0)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, File(tmp, name=name))
    return max(rows, 0), writer.sha.hexdigest()


def csv_rows(*, storage, name: str) -> Iterator[list[str]]:
    with storage.open(name, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield from csv.reader(text)


class _FixedTimeZipFile(zipfile.ZipFile):
    """Every entry gets the same timestamp, so that the same rows make the same XLSX bytes."""

    def _info(self, arcname: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(arcname, date_time=FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        info = self._info(arcname or str(filename))
        with open(filename, "rb") as source, self.open(info, "w") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)


def _cell(column: str, value: str, spec: KindSpec):
    if column in spec.text_columns or value == "" or not NUMBER.match(value):
        return value
    return float(value) if "." in value else int(value)


def xlsx_write(
    *, spec: KindSpec, storage, csv_name: str, name: str, title: str, on_chunk: Callable[[int], None], chunk_rows: int
) -> None:
    """The CSV as a one-sheet workbook (header row frozen), chunk by chunk."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "FlexWork"
    workbook.properties.title = title[:200]
    sheet = workbook.create_sheet(title="Data")
    sheet.freeze_panes = "A2"
    header: list[str] | None = None
    done = 0
    for row in csv_rows(storage=storage, name=csv_name):
        if header is None:
            header = row
            sheet.append(row)
            continue
        sheet.append([_cell(column, value, spec) for column, value in zip(header, row, strict=False)])
        done += 1
        if done % chunk_rows == 0:
            on_chunk(done)
    workbook.properties.created = FIXED_MOMENT
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        archive = _FixedTimeZipFile(tmp.name, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        workbook.properties.modified = FIXED_MOMENT
        ExcelWriter(workbook, archive).save()
        tmp.seek(0)
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, File(tmp, name=name))


def summary_compute(*, spec: KindSpec, params: dict) -> dict:
    """Per-unit sums and the exception rows, by SQL over the kind's statement (two queries)."""
    inner = bound_sql(spec.sql, params)
    sums = ", ".join(f'sum("{column}") AS "{column}"' for column in spec.sum_columns)
    people = 'count(DISTINCT "nip")' if spec.employee_rows else "count(*)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT unit_code, unit_name, {people} AS n, {sums} FROM ({inner}) AS rows "
            f"GROUP BY unit_code, unit_name ORDER BY unit_code LIMIT {SUMMARY_UNIT_LIMIT}"
        )
        unit_columns = [c.name for c in cursor.description]
        units = [[_json(v) for v in row] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT *, count(*) OVER () AS total FROM ({inner}) AS rows WHERE {spec.exception_where} "
            f"ORDER BY unit_code{', nip' if spec.employee_rows else ''} LIMIT {EXCEPTION_LIMIT}"
        )
        exception_columns = [c.name for c in cursor.description][:-1]
        fetched = cursor.fetchall()
    return {
        "unit_columns": unit_columns,
        "units": units,
        "exception_columns": exception_columns,
        "exceptions": [[_json(v) for v in row[:-1]] for row in fetched],
        "exception_total": fetched[0][-1] if fetched else 0,
    }


def _json(value):
    if value is None or isinstance(value, (int, str, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal) and value.as_tuple().exponent == 0:
        return int(value)  # sums of counts
    return str(value)
