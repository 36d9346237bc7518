"""Reading tabular uploads (CSV or XLSX) by header name, and the one shape of a row error.

Every import (organisation, leave, FWA baselines) describes its file as a tuple of `Column`s and
reads it with `table_read`: CSV is UTF-8 (a BOM is allowed) separated by `,` or `;` (sniffed from the
header line); XLSX is read with openpyxl (the first sheet). Rows come back as dicts keyed by header,
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from flexwork.common.exceptions import ApplicationError

# ---------------------------------------------------------------------------- messages
# File-level problems (the upload is refused as a whole).
FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_TOO_MANY_ROWS = _("The file has more than %(count)d rows.")
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
    parsed = date_value(value)
    if parsed is None:
        raise CellError("bad_date")
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


def _file_error(message, *, code: str, status_code: int = 400, **params) -> ApplicationError:
    text = str(message) % params if params else str(message)
    return ApplicationError(text, code=code, status_code=status_code, fields={"file": [text]})


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


def _read_xlsx(data: bytes) -> tuple[list[str], Iterable[tuple[int, list[Any]]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook, or a damaged one
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    try:
        iterator = workbook.worksheets[0].iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise _file_error(FILE_EMPTY, code="empty_file")
        header = [str(cell).strip().lower() if cell is not None else "" for cell in header_cells]
        rows = []
        for number, cells in enumerate(iterator, start=2):
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            rows.append((number, list(cells)))
    except ApplicationError:
        raise
    except Exception as exc:
        raise _file_error(FILE_BAD_XLSX, code="invalid_file") from exc
    finally:
        workbook.close()
    return header, rows


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
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
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    return header, rows


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z")


def table_read(
    *,
    data: bytes,
    columns: Sequence[Column],
    name: str = "",
    max_bytes: int,
    max_rows: int | None = None,
    unknown_headers: bool = False,
) -> Table:
    """Read an upload by header name, or raise ApplicationError: 400 empty / wrong encoding /
    missing headers (or unknown ones, unless `unknown_headers`) / no rows / too many rows,
    413 too large, 415 neither CSV nor XLSX."""
    if len(data) > max_bytes:
        raise _file_error(FILE_TOO_LARGE, code="too_large", status_code=413, limit=filesizeformat(max_bytes))
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _file_error(FILE_EMPTY, code="empty_file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"PK\x03\x04"):
        header, rows = _read_xlsx(data)
    elif extension in ("xlsx", "xls") or data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    elif extension not in ("csv", "txt", ""):
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    else:
        header, rows = _read_csv(data)
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
    if max_rows is not None and len(rows) > max_rows:
        raise _file_error(FILE_TOO_MANY_ROWS, code="too_many_rows", count=max_rows)
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
