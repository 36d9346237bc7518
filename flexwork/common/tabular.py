"""Reading tabular uploads (CSV or XLSX) by header name, and the one shape of a row error.

Every import (organisation, leave, FWA baselines) describes its file as a tuple of `Column`s and
reads it with `table_read`: CSV is UTF-8 (a BOM is allowed) separated by `,` or `;` (sniffed from the
header line); XLSX is read with python-calamine (the first sheet), after its zip directory showed that it
unpacks to a sane size (a zip bomb is refused before any parsing). Rows come back as dicts keyed by header,
so a reordered or shifted column still lands where it belongs; a missing required header is one
file error naming every missing column (docs/rules.md §7).

Problems of single cells are `RowError`s: row number (the header is row 1), column, code and
message. Pages list them in one table (templates/common/_row_errors.html), the API returns
`RowError.as_dict()`, and an all-or-nothing import raises `RowsInvalid` carrying them."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from flexwork.common.exceptions import ApplicationError

# ---------------------------------------------------------------------------- messages
# File-level problems (the upload is refused as a whole).
FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_TOO_MANY_ROWS = _("The file has more than %(count)s data rows. Split it into files of at most %(count)s rows.")
FILE_TOO_MANY_COLUMNS = _(
    "Row %(row)s has values in more than %(count)s columns. Remove the columns after the last one."
)
FILE_CELL_TOO_LONG = _("Row %(row)s has a cell longer than %(count)s characters. No cell of an import may be longer.")
FILE_XLSX_UNPACKED = _(
    "The XLSX file unpacks to %(size)s, more than the %(limit)s allowed. Remove other sheets, pictures and "
    "formatting, or upload a CSV file."
)
FILE_XLSX_RATIO = _(
    "The XLSX file unpacks to %(size)s from %(packed)s: that is no plain table. Save it again from your "
    "spreadsheet program, or upload a CSV file."
)
FILE_WRONG_TYPE = _("Only CSV (UTF-8) and XLSX files can be imported.")
FILE_WRONG_ENCODING = _(
    "The file is not UTF-8 encoded. In your spreadsheet choose “Save as” → “CSV UTF-8”, or upload an XLSX file."
)
FILE_NO_ROWS = _("The file has a header but no data rows.")
FILE_MISSING_HEADERS = _("Missing columns: %(columns)s. The first row must hold the template's headers.")
FILE_UNKNOWN_HEADERS = _("Unknown columns: %(columns)s. Use the headers of the template exactly.")
FILE_BAD_XLSX = _("The XLSX file cannot be read. Save it again from your spreadsheet program.")
ROWS_INVALID = _("%(count)d rows have errors; nothing was imported.")

# Cell problems shared by the importers: code → message.
CELL_MESSAGES: dict[str, Any] = {
    "required": _("This value is required."),
    "too_long": _("At most %(max)s characters."),
    "nip_not_text": _("NIP must be formatted as text"),
    "bad_date": _("Enter a date as YYYY-MM-DD."),
    "date_out_of_range": _("Enter a date between the years %(first)s and %(last)s."),
    "bad_bool": _("Use 1 or 0 (ya/tidak)."),
    "bad_number": _("Enter a number (a decimal point or comma)."),
    "bad_integer": _("Enter a whole number of 0 or more."),
    "out_of_range": _("Enter a number from %(minimum)s to %(maximum)s."),
    "invalid": _("This value is not valid."),
}

TRUE_WORDS = {"1", "ya", "y", "yes", "true", "aktif", "benar"}
FALSE_WORDS = {"0", "tidak", "t", "no", "n", "false", "nonaktif", "tidak aktif", "salah"}


class CellError(ValueError):
    """A cell's value is not valid: a code and its message template's parameters."""

    def __init__(self, code: str, message: Any = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message if message is not None else CELL_MESSAGES.get(code, CELL_MESSAGES["invalid"])
        self.params = params


@dataclass(frozen=True)
class RowError:
    """One problem of one row: where (row number, column) and what (code, message)."""

    row: int
    column: str
    code: str
    message: Any  # a (lazy) message template, filled from `params`
    params: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        template = str(self.message)
        return template % self.params if self.params else template

    def as_dict(self) -> dict:
        """The shape pages and the API show: row, column, code, message (in the active language)."""
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.text}

    def stored(self) -> dict:
        """What an import preview keeps (JSON): rendered again in the reader's language."""
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_stored(cls, data: dict, messages: dict[str, Any]) -> RowError:
        code = data.get("code") or "invalid"
        message = messages.get(code) or CELL_MESSAGES.get(code) or CELL_MESSAGES["invalid"]
        column = data.get("column", data.get("field", ""))
        return cls(row=data["row"], column=column, code=code, message=message, params=data.get("params") or {})


class RowsInvalid(ApplicationError):
    """An all-or-nothing import refused because of row errors; `errors` lists them (RowError)."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda error: error.row)
        rows = len({error.row for error in self.errors})
        fields: dict[str, list[str]] = {}
        for error in self.errors:
            fields.setdefault(f"rows.{error.row}.{error.column or 'row'}", []).append(error.text)
        super().__init__(str(ROWS_INVALID) % {"count": rows}, code="invalid_rows", fields=fields)


# ---------------------------------------------------------------------------- parsers


def text_parser(*, max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError("too_long", max=max_length)
        return value

    return parse


def bool_parser(value: str) -> bool:
    text = value.strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("bad_bool")


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def date_value(value: str) -> datetime.date | None:
    """YYYY-MM-DD (a time after it is ignored) or DD/MM/YYYY; None when neither."""
    text = value.strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        try:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None


def date_parser(value: str) -> datetime.date:
    from flexwork.common.dates import DATE_MAX, DATE_MIN, date_in_range

    parsed = date_value(value)
    if parsed is None:
        raise CellError("bad_date")
    if not date_in_range(parsed):  # docs/rules.md §1 "Accepted dates"
        raise CellError("date_out_of_range", first=DATE_MIN.year, last=DATE_MAX.year)
    return parsed


def decimal_value(value: str) -> Decimal | None:
    """A decimal with `.` or an Indonesian `,` (spaces dropped); None when it is not a finite number."""
    text = value.strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal_parser(*, minimum: Decimal, maximum: Decimal, code: str = "out_of_range", message=None):
    def parse(value: str) -> Decimal:
        number = decimal_value(value)
        if number is None:
            raise CellError("bad_number")
        if not minimum <= number <= maximum:
            raise CellError(code, message, minimum=str(minimum), maximum=str(maximum))
        return number

    return parse


def natural_parser(value: str) -> int:
    """A whole number of 0 or more."""
    try:
        number = int(value.strip())
    except ValueError:
        raise CellError("bad_integer") from None
    if number < 0:
        raise CellError("bad_integer")
    return number


# ---------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    `name` is the header (Indonesian, as in the template); `required`: the header must be in the
    file; `blank`: an empty cell is allowed (its value is `default`); `parser` turns a non-empty
    cell's text into its value or raises CellError; `text_only`: a number typed into an XLSX cell is
    a row error (a NIP loses its leading zeros and precision that way); `field`: the model field
    the value is written to, for importers that write columns straight into a model."""

    name: str
    label: Any
    required: bool = True
    parser: Callable[[str], Any] | None = None
    blank: bool = True
    default: Any = None
    text_only: bool = False
    field: str = ""

    def parse(self, value: str) -> Any:
        if value == "":
            if not self.blank:
                raise CellError("required")
            return self.default
        return self.parser(value) if self.parser else value


def headers(columns: Sequence[Column]) -> tuple[str, ...]:
    return tuple(column.name for column in columns)


def row_parse(columns: Sequence[Column], record: dict) -> tuple[dict[str, Any], list[RowError]]:
    """Every column's value of one text record (from `Table.records`); the cells that failed
    are missing from the values and listed as errors."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in columns:
        try:
            values[column.name] = column.parse(record.get(column.name, ""))
        except CellError as exc:
            errors.append(RowError(record["row"], column.name, exc.code, exc.message, exc.params))
    return values, errors


# ---------------------------------------------------------------------------- reading files


class FileSize(int):
    """A number of bytes in a message's parameters, shown as "10.0 MB" in the reader's language."""


def _shown(value: Any) -> Any:
    if isinstance(value, FileSize):
        return filesizeformat(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)
    return value


def file_error_text(message, params: dict | None) -> str:
    """A file-level message in the active language; sizes and whole numbers as the language writes them."""
    if not params:
        return str(message)
    return str(message) % {key: _shown(value) for key, value in params.items()}


def _file_error(message, *, code: str, status_code: int = 400, **params) -> ApplicationError:
    """A refusal of the whole file. It keeps its message template and parameters (`template`,
    `params`), so that a refusal found by a background job is shown in the reader's language."""
    text = file_error_text(message, params)
    error = ApplicationError(text, code=code, status_code=status_code, fields={"file": [text]})
    error.template = message
    error.params = params
    return error


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Table:
    """An upload as read: its header and its non-empty rows as {header: text} with "row" (the
    row number in the file), plus the cells only visible as wrong in the raw file (a NIP typed
    as a number in XLSX)."""

    header: list[str]
    records: list[dict[str, str]]
    errors: list[RowError] = field(default_factory=list)


# A zip bomb guard (docs/rules.md §7): what the zip directory says the members unpack to, read
# before any XML is parsed. A 100,000-row employee file unpacks to about 55 MB at a ratio of about 10.
XLSX_MAX_UNPACKED_BYTES = 160 * 1024 * 1024
XLSX_MAX_RATIO = 100  # for members above XLSX_RATIO_FROM_BYTES; plain sheet XML compresses ~10:1
XLSX_RATIO_FROM_BYTES = 8 * 1024 * 1024
XLSX_MAX_MEMBERS = 1000


def xlsx_guard(data: bytes) -> None:
    """Refuse an XLSX whose members would unpack too large, from the zip's central directory only
    (nothing is decompressed): 400 `too_large_unpacked`, 415 for a zip that cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    if len(members) > XLSX_MAX_MEMBERS:
        raise _file_error(FILE_BAD_XLSX, code="invalid_file")
    total = sum(member.file_size for member in members)
    if total > XLSX_MAX_UNPACKED_BYTES:
        raise _file_error(
            FILE_XLSX_UNPACKED,
            code="too_large_unpacked",
            size=FileSize(total),
            limit=FileSize(XLSX_MAX_UNPACKED_BYTES),
        )
    for member in members:
        if member.file_size > XLSX_RATIO_FROM_BYTES and member.file_size > XLSX_MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _file_error(
                FILE_XLSX_RATIO,
                code="too_large_unpacked",
                size=FileSize(member.file_size),
                packed=FileSize(member.compress_size),
            )


def _calamine_rows(data: bytes) -> Iterable[list[Any]]:
    """The first sheet's rows from A1 (calamine starts at the first used cell: pad to column A)."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # a zip that is no workbook, or a damaged one
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    try:
        sheet = workbook.get_sheet_by_index(0)
        pad = [""] * (sheet.start[1] if sheet.start else 0)
        for cells in sheet.iter_rows():
            yield pad + cells if pad else cells
    except ApplicationError:
        raise
    except Exception as exc:
        raise _file_error(FILE_BAD_XLSX, code="invalid_file") from exc
    finally:
        workbook.close()


def _read_xlsx(data: bytes, caps: _Caps) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    iterator = iter(_calamine_rows(data))
    header_cells = next(iterator, None)
    if header_cells is None:
        raise _file_error(FILE_EMPTY, code="empty_file")
    header = [_header_text(cell) for cell in header_cells]
    caps.check(1, header_cells, 0)
    rows = []
    for number, cells in enumerate(iterator, start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        caps.check(number, cells, len(rows))
        rows.append((number, cells))
    return header, rows


def _header_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip().lower()


@dataclass
class _Caps:
    """The row, column and cell-length caps of one read (None: no cap), checked row by row so that a
    file over a cap is refused at the first row past it."""

    max_rows: int | None = None
    max_columns: int | None = None
    max_cell_chars: int | None = None

    def check(self, number: int, cells: list[Any], rows_before: int) -> None:
        if self.max_rows is not None and rows_before >= self.max_rows:
            raise _file_error(FILE_TOO_MANY_ROWS, code="too_many_rows", count=self.max_rows)
        if self.max_columns is not None and len(cells) > self.max_columns:
            if any(cell not in (None, "") for cell in cells[self.max_columns :]):
                raise _file_error(FILE_TOO_MANY_COLUMNS, code="too_many_columns", row=number, count=self.max_columns)
        if self.max_cell_chars is not None:
            limit = self.max_cell_chars
            for cell in cells:
                if isinstance(cell, str) and len(cell) > limit:
                    raise _file_error(FILE_CELL_TOO_LONG, code="cell_too_long", row=number, count=limit)


def _read_csv(data: bytes, caps: _Caps) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(FILE_WRONG_ENCODING, code="wrong_encoding") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader, None)
        if header_cells is None:
            raise _file_error(FILE_EMPTY, code="empty_file")
        header = [cell.strip().lower() for cell in header_cells]
        caps.check(1, header_cells, 0)
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                caps.check(reader.line_num, cells, len(rows))
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc) and caps.max_cell_chars is not None:
            raise _file_error(
                FILE_CELL_TOO_LONG, code="cell_too_long", row=reader.line_num, count=caps.max_cell_chars
            ) from exc
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    return header, rows


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z")


def upload_check(*, data: bytes, name: str, max_bytes: int) -> str:
    """The checks that need no parsing, cheap enough for the upload request: size (413), empty,
    type (415) and, for XLSX, the zip bomb guard. Returns "xlsx" or "csv"."""
    if len(data) > max_bytes:
        raise _file_error(FILE_TOO_LARGE, code="too_large", status_code=413, limit=FileSize(max_bytes))
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _file_error(FILE_EMPTY, code="empty_file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"PK\x03\x04"):
        xlsx_guard(data)
        return "xlsx"
    if extension in ("xlsx", "xls") or data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    if extension not in ("csv", "txt", ""):
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    return "csv"


def table_read(
    *,
    data: bytes,
    columns: Sequence[Column],
    name: str = "",
    max_bytes: int,
    max_rows: int | None = None,
    max_columns: int | None = None,
    max_cell_chars: int | None = None,
    unknown_headers: bool = False,
) -> Table:
    """Read an upload by header name, or raise ApplicationError: 400 empty / wrong encoding /
    missing headers (or unknown ones, unless `unknown_headers`) / no rows / over a cap (rows,
    columns, cell length, unpacked XLSX size), 413 too large, 415 neither CSV nor XLSX."""
    fmt = upload_check(data=data, name=name, max_bytes=max_bytes)
    caps = _Caps(max_rows=max_rows, max_columns=max_columns, max_cell_chars=max_cell_chars)
    header, rows = _read_xlsx(data, caps) if fmt == "xlsx" else _read_csv(data, caps)
    while header and header[-1] == "":
        header.pop()
    known = headers(columns)
    missing = [column.name for column in columns if column.required and column.name not in header]
    if missing:
        raise _file_error(FILE_MISSING_HEADERS, code="missing_headers", columns=", ".join(missing))
    if not unknown_headers:
        unknown = [name for name in header if name and name not in known]
        if unknown:
            raise _file_error(FILE_UNKNOWN_HEADERS, code="unknown_headers", columns=", ".join(unknown))
    if not rows:
        raise _file_error(FILE_NO_ROWS, code="empty_file")
    # Where each known column sits in this file (the first one, should a header repeat).
    position: dict[str, int] = {}
    for index, header_name in enumerate(header):
        if header_name in known:
            position.setdefault(header_name, index)
    text_only = {column.name for column in columns if column.text_only}
    records, errors = [], []
    for number, cells in rows:
        record: dict[str, str] = {"row": number}
        for column_name, index in position.items():
            cell = cells[index] if index < len(cells) else None
            if column_name in text_only and isinstance(cell, int | float) and not isinstance(cell, bool):
                errors.append(RowError(number, column_name, "nip_not_text", CELL_MESSAGES["nip_not_text"]))
            record[column_name] = _cell_text(cell)
        records.append(record)
    return Table(header=header, records=records, errors=errors)
