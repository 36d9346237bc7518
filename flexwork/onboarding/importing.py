"""Reading and checking organisation import files (rules.md §7). Pure functions plus a few
set-based queries: no per-row query, so that 60,000 rows are checked in seconds.

A file is read into `ParsedFile` (header + rows of strings, with the file's row numbers);
`employees_check` / `units_check` compare the rows with the agency's data and return a
`CheckResult`: the errors of every bad row and the planned new / changed / unchanged rows."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from flexwork.common.exceptions import ApplicationError
from flexwork.org import validators as nip_validators
from flexwork.org.models import Employee, EmployeeType, Position, Unit
from flexwork.org.validators import validate_nip

EMPLOYEE_HEADERS = (
    "nip",
    "nama",
    "email",
    "jenis",
    "kode_unit",
    "kode_jabatan",
    "nip_atasan",
    "tmt_jabatan",
    "status_aktif",
)
UNIT_HEADERS = ("kode_unit", "nama", "kode_induk", "layanan_publik", "zona_waktu", "lat", "lon", "radius_m")
HEADERS = {"EMPLOYEES": EMPLOYEE_HEADERS, "UNITS": UNIT_HEADERS}
# Columns whose numeric XLSX cell loses leading zeros and precision: a NIP must be typed as text.
TEXT_ONLY_COLUMNS = {"nip", "nip_atasan"}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def import_max_bytes() -> int:
    return getattr(settings, "ONBOARDING_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


# ---------------------------------------------------------------------------- messages
# File-level problems (no preview is stored; the upload is refused).
FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(limit)s.")
FILE_WRONG_TYPE = _("Only CSV (UTF-8) and XLSX files can be imported.")
FILE_WRONG_ENCODING = _(
    "The file is not UTF-8 encoded. In your spreadsheet choose “Save as” → “CSV UTF-8”, or upload an XLSX file."
)
FILE_NO_ROWS = _("The file has a header but no data rows.")
FILE_MISSING_HEADERS = _("Missing columns: %(columns)s. The first row must hold the template's headers.")
FILE_UNKNOWN_HEADERS = _("Unknown columns: %(columns)s. Use the headers of the template exactly.")
FILE_BAD_XLSX = _("The XLSX file cannot be read. Save it again from your spreadsheet program.")

# Row errors: code → message (%(name)s placeholders filled from the error's params).
ROW_MESSAGES: dict[str, Any] = {
    "required": _("This value is required."),
    "too_long": _("At most %(max)s characters."),
    "nip_not_text": _("NIP must be formatted as text"),
    "nip_format": nip_validators.NIP_NOT_DIGITS,
    "nip_birth_date": nip_validators.NIP_BAD_BIRTH_DATE,
    "nip_start_year": nip_validators.NIP_BAD_START_YEAR,
    "nip_start_month": nip_validators.NIP_BAD_START_MONTH,
    "nip_sex_digit": nip_validators.NIP_BAD_SEX_DIGIT,
    "nip_sequence": nip_validators.NIP_BAD_SEQUENCE,
    "nip_duplicate": _("This NIP already appears on row %(first_row)s."),
    "nip_other_agency": _("This NIP belongs to an employee of another agency."),
    "nip_taken": _("An account with this NIP already exists and is not an employee."),
    "bad_email": _("Enter a valid e-mail address."),
    "email_duplicate": _("This e-mail address already appears on row %(first_row)s."),
    "email_taken": _("This e-mail address belongs to another account."),
    "bad_type": _("Unknown employee type: use PNS, PPPK or PPPK_PARUH_WAKTU."),
    "unknown_unit": _("Unknown unit code “%(code)s”."),
    "unknown_position": _("Unknown position code “%(code)s”."),
    "unknown_supervisor": _("No employee with NIP %(nip)s in this file or in the agency."),
    "supervisor_other_agency": _("The supervisor %(nip)s works in another agency."),
    "supervisor_self": _("An employee cannot supervise themself."),
    "supervisor_cycle": _("This supervisor would make a cycle: %(chain)s."),
    "bad_date": _("Enter a date as YYYY-MM-DD."),
    "bad_bool": _("Use 1 or 0 (ya/tidak)."),
    "unit_duplicate": _("This unit code already appears on row %(first_row)s."),
    "unknown_parent": _("Unknown parent unit code “%(code)s”."),
    "unit_cycle": _("This parent would make a cycle: %(chain)s."),
    "second_root": _("The agency already has a root unit (%(code)s): give a parent unit code."),
    "bad_time_zone": _("Unknown time zone: use one of %(zones)s."),
    "bad_number": _("Enter a number (a decimal point or comma)."),
    "bad_latitude": nip_validators.LATITUDE_RANGE,
    "bad_longitude": nip_validators.LONGITUDE_RANGE,
    "coordinates_together": _("Give both lat and lon, or neither."),
    "bad_radius": _("The radius is a whole number of metres above 0."),
}

TRUE_WORDS = {"1", "ya", "y", "yes", "true", "aktif", "benar"}
FALSE_WORDS = {"0", "tidak", "t", "no", "n", "false", "nonaktif", "tidak aktif", "salah"}


def row_error_message(error: dict) -> str:
    template = ROW_MESSAGES.get(error.get("code"), _("This value is not valid."))
    params = error.get("params") or {}
    text = str(template)
    return text % params if params else text


# ---------------------------------------------------------------------------- reading files


@dataclass
class ParsedFile:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells)


def _file_error(message, *, code: str, status_code: int = 400, **params) -> ApplicationError:
    text = str(message) % params if params else str(message)
    return ApplicationError(text, code=code, status_code=status_code, fields={"file": [text]})


def _read_xlsx(data: bytes) -> ParsedFile:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook, or a damaged one
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise _file_error(FILE_EMPTY, code="empty_file")
        header = [str(cell).strip().lower() if cell is not None else "" for cell in header_cells]
        while header and header[-1] == "":
            header.pop()
        rows = []
        for number, cells in enumerate(iterator, start=2):
            cells = list(cells[: len(header)])
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                continue
            rows.append((number, cells + [None] * (len(header) - len(cells))))
    except ApplicationError:
        raise
    except Exception as exc:
        raise _file_error(FILE_BAD_XLSX, code="invalid_file") from exc
    finally:
        workbook.close()
    return ParsedFile(header=header, rows=rows)


def _read_csv(data: bytes) -> ParsedFile:
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
        while header and header[-1] == "":
            header.pop()
        rows = []
        width = len(header)
        for cells in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            rows.append((number, (cells + [""] * (width - len(cells)))[: max(width, len(cells))]))
    except csv.Error as exc:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415) from exc
    return ParsedFile(header=header, rows=rows)


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"Rar!", b"7z")


def import_file_read(*, data: bytes, name: str, kind: str) -> ParsedFile:
    """Read an upload into rows, or raise ApplicationError: 400 empty / wrong encoding / missing
    headers, 413 too large, 415 neither CSV nor XLSX."""
    if len(data) > import_max_bytes():
        raise _file_error(FILE_TOO_LARGE, code="too_large", status_code=413, limit=filesizeformat(import_max_bytes()))
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise _file_error(FILE_EMPTY, code="empty_file")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data.startswith(b"PK\x03\x04"):
        parsed = _read_xlsx(data)
    elif extension in ("xlsx", "xls") or data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    elif extension not in ("csv", "txt", ""):
        raise _file_error(FILE_WRONG_TYPE, code="unsupported_media_type", status_code=415)
    else:
        parsed = _read_csv(data)
    expected = HEADERS[kind]
    missing = [column for column in expected if column not in parsed.header]
    if missing:
        raise _file_error(FILE_MISSING_HEADERS, code="missing_headers", columns=", ".join(missing))
    unknown = [column for column in parsed.header if column and column not in expected]
    if unknown:
        raise _file_error(FILE_UNKNOWN_HEADERS, code="unknown_headers", columns=", ".join(unknown))
    if not parsed.rows:
        raise _file_error(FILE_NO_ROWS, code="empty_file")
    return parsed


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


def rows_as_records(parsed: ParsedFile, *, kind: str) -> tuple[list[list[Any]], list[dict]]:
    """Rows in the template's column order, as strings, each prefixed with its row number;
    plus the errors only visible in the raw cells (a NIP typed as a number in XLSX)."""
    expected = HEADERS[kind]
    index = [parsed.header.index(column) for column in expected]
    records, errors = [], []
    for number, cells in parsed.rows:
        values = []
        for column, position in zip(expected, index, strict=True):
            cell = cells[position] if position < len(cells) else None
            if column in TEXT_ONLY_COLUMNS and isinstance(cell, int | float) and not isinstance(cell, bool):
                errors.append({"row": number, "field": column, "code": "nip_not_text"})
            values.append(_cell_text(cell))
        records.append([number, *values])
    return records, errors


# ---------------------------------------------------------------------------- value parsing


def parse_bool(value: str, *, default: bool) -> bool | None:
    text = value.strip().lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: str) -> datetime.date | None:
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


def parse_decimal(value: str) -> Decimal | None:
    text = value.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def employee_type_parse(value: str) -> str | None:
    text = re.sub(r"[\s-]+", "_", value.strip().upper())
    aliases = {"PPPK_PW": EmployeeType.PPPK_PARUH_WAKTU}
    text = aliases.get(text, text)
    return text if text in EmployeeType.values else None


def _find_cycles(parent_of: dict[str, str | None]) -> dict[str, list[str]]:
    """Every node on a cycle of `parent_of` → the cycle (as a list of keys). Iterative."""
    state: dict[str, int] = {}
    on_cycle: dict[str, list[str]] = {}
    for start in parent_of:
        if state.get(start):
            continue
        stack: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and not state.get(node):
            state[node] = 1
            stack.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            cycle = stack[stack.index(node) :]
            for member in cycle:
                on_cycle[member] = cycle
        for member in stack:
            state[member] = 2
    return on_cycle


def _chain_text(cycle: list[str], start: str) -> str:
    begin = cycle.index(start)
    ordered = cycle[begin:] + cycle[:begin]
    return " → ".join([*ordered, start])


# ---------------------------------------------------------------------------- checking


@dataclass
class CheckResult:
    errors: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)  # planned records
    changed: list[dict] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0

    @property
    def error_rows(self) -> int:
        return len({error["row"] for error in self.errors})


def _lookup(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


EMPLOYEE_COMPARED = (
    "name",
    "employee_type",
    "unit_id",
    "position_id",
    "position_start_date",
    "supervisor_nip",
    "is_active",
    "email",
)


def existing_employees(agency_id: int) -> dict[str, dict]:
    """The agency's employees by NIP, with what an import can change (one query)."""
    rows = _lookup(
        """
        SELECT e.id, e.nip, e.name, e.employee_type, e.unit_id, e.position_id, e.position_start_date,
               s.nip, e.is_active, e.user_id, u.email
        FROM org_employee e
        JOIN accounts_user u ON u.id = e.user_id
        LEFT JOIN org_employee s ON s.id = e.supervisor_id
        WHERE e.agency_id = %s
        """,
        [agency_id],
    )
    keys = ("id", "nip", "name", "employee_type", "unit_id", "position_id", "position_start_date")
    out = {}
    for row in rows:
        record = dict(zip(keys, row[:7], strict=True))
        record.update(supervisor_nip=row[7], is_active=row[8], user_id=row[9], email=row[10])
        out[record["nip"]] = record
    return out


def employees_check(*, agency_id: int, records: list[list[Any]], pre_errors: list[dict] | None = None) -> CheckResult:
    """Check employee rows (from `rows_as_records`) against the agency and plan the upsert."""
    result = CheckResult(errors=list(pre_errors or []), rows=len(records))
    errors = result.errors
    units = dict(Unit.objects.filter(agency_id=agency_id).values_list("code", "id"))
    positions = dict(Position.objects.filter(agency_id=agency_id).values_list("code", "id"))
    existing = existing_employees(agency_id)

    file_nips = [record[1] for record in records if record[1]]
    file_nip_set = set(file_nips)
    supervisor_nips = [record[7] for record in records if record[7]]
    other_agency = {
        nip
        for (nip,) in _lookup(
            "SELECT nip FROM org_employee WHERE nip = ANY(%s) AND agency_id <> %s",
            [list(set(file_nips) | set(supervisor_nips)), agency_id],
        )
    }
    usernames_taken = {
        name
        for (name,) in _lookup(
            "SELECT u.username FROM accounts_user u WHERE u.username = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM org_employee e WHERE e.user_id = u.id)",
            [file_nips],
        )
    }
    file_emails = [record[3].lower() for record in records if record[3]]
    email_owner = dict(
        _lookup("SELECT lower(email), username FROM accounts_user WHERE lower(email) = ANY(%s)", [file_emails])
    )

    seen_nip: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    planned: list[dict] = []
    bad_rows = {error["row"] for error in errors}
    for record in records:
        number, nip, name, email, jenis, unit_code, position_code, supervisor_nip, tmt, active = record
        row_errors: list[dict] = []

        def add(field_name: str, error_code: str, /, _errs=row_errors, _n=number, **params) -> None:
            _errs.append({"row": _n, "field": field_name, "code": error_code, "params": params})

        employee_type = employee_type_parse(jenis) if jenis else None
        if not jenis:
            add("jenis", "required")
        elif employee_type is None:
            add("jenis", "bad_type")
        if not nip:
            add("nip", "required")
        elif number not in bad_rows:
            try:
                validate_nip(nip, employee_type=employee_type or "PPPK")
            except ValidationError as exc:
                add("nip", exc.code or "nip_format", **(exc.params or {}))
            else:
                if nip in seen_nip:
                    add("nip", "nip_duplicate", first_row=seen_nip[nip])
                elif nip in other_agency:
                    add("nip", "nip_other_agency")
                elif nip in usernames_taken:
                    add("nip", "nip_taken")
            seen_nip.setdefault(nip, number)
        if not name:
            add("nama", "required")
        elif len(name) > 200:
            add("nama", "too_long", max=200)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                add("email", "bad_email")
            else:
                lowered = email.lower()
                if lowered in seen_email:
                    add("email", "email_duplicate", first_row=seen_email[lowered])
                elif email_owner.get(lowered, nip) != nip:
                    add("email", "email_taken")
                seen_email.setdefault(lowered, number)
        unit_id = units.get(unit_code)
        if not unit_code:
            add("kode_unit", "required")
        elif unit_id is None:
            add("kode_unit", "unknown_unit", code=unit_code)
        position_id = None
        if position_code:
            position_id = positions.get(position_code)
            if position_id is None:
                add("kode_jabatan", "unknown_position", code=position_code)
        if supervisor_nip and number not in bad_rows:
            if supervisor_nip == nip:
                add("nip_atasan", "supervisor_self")
            elif supervisor_nip in other_agency:
                add("nip_atasan", "supervisor_other_agency", nip=supervisor_nip)
            elif supervisor_nip not in existing and supervisor_nip not in file_nip_set:
                add("nip_atasan", "unknown_supervisor", nip=supervisor_nip)
        start_date = None
        if tmt:
            start_date = parse_date(tmt)
            if start_date is None:
                add("tmt_jabatan", "bad_date")
        is_active = parse_bool(active, default=True)
        if is_active is None:
            add("status_aktif", "bad_bool")
        errors.extend(row_errors)
        if row_errors or number in bad_rows:
            continue
        planned.append(
            {
                "row": number,
                "nip": nip,
                "name": name,
                "employee_type": employee_type,
                "unit_id": unit_id,
                "position_id": position_id,
                "position_start_date": start_date,
                "supervisor_nip": supervisor_nip or None,
                "is_active": is_active,
                "email": email,
            }
        )

    # Cycles: the supervisor graph as it would be after the import (the agency's, overridden by the file).
    parent_of: dict[str, str | None] = {nip: record["supervisor_nip"] for nip, record in existing.items()}
    for record in planned:
        parent_of[record["nip"]] = record["supervisor_nip"]
    cycles = _find_cycles(parent_of)
    kept = []
    for record in planned:
        cycle = cycles.get(record["nip"])
        if cycle is not None:
            errors.append(
                {
                    "row": record["row"],
                    "field": "nip_atasan",
                    "code": "supervisor_cycle",
                    "params": {"chain": _chain_text(cycle, record["nip"])},
                }
            )
            continue
        kept.append(record)

    for record in kept:
        current = existing.get(record["nip"])
        if current is None:
            result.new.append(record)
            continue
        record["id"] = current["id"]
        record["user_id"] = current["user_id"]
        if not record["email"]:
            record["email"] = current["email"]  # an empty cell leaves the address alone
        if any(record[key] != current[key] for key in EMPLOYEE_COMPARED):
            record["before"] = {key: current[key] for key in EMPLOYEE_COMPARED}
            result.changed.append(record)
        else:
            result.unchanged += 1
    errors.sort(key=lambda error: error["row"])
    return result


UNIT_COMPARED = ("name", "parent_code", "is_public_service", "time_zone", "latitude", "longitude", "radius_m")


def existing_units(agency_id: int) -> dict[str, dict]:
    out = {}
    units = Unit.objects.filter(agency_id=agency_id).values(
        "id",
        "code",
        "name",
        "parent__code",
        "is_public_service",
        "time_zone",
        "office_latitude",
        "office_longitude",
        "office_radius_m",
    )
    for unit in units:
        out[unit["code"]] = {
            "id": unit["id"],
            "name": unit["name"],
            "parent_code": unit["parent__code"],
            "is_public_service": unit["is_public_service"],
            "time_zone": unit["time_zone"],
            "latitude": unit["office_latitude"],
            "longitude": unit["office_longitude"],
            "radius_m": unit["office_radius_m"],
        }
    return out


def units_check(*, agency_id: int, records: list[list[Any]], pre_errors: list[dict] | None = None) -> CheckResult:
    result = CheckResult(errors=list(pre_errors or []), rows=len(records))
    errors = result.errors
    existing = existing_units(agency_id)
    root_code = next((code for code, unit in existing.items() if unit["parent_code"] is None), None)
    file_codes = {record[1] for record in records if record[1]}
    seen: dict[str, int] = {}
    planned = []
    roots_in_file = 0
    zones = settings.FLEXWORK_TIME_ZONES
    for record in records:
        number, code, name, parent_code, public, zone, lat, lon, radius = record
        row_errors: list[dict] = []

        def add(field_name: str, error_code: str, /, _errs=row_errors, _n=number, **params) -> None:
            _errs.append({"row": _n, "field": field_name, "code": error_code, "params": params})

        if not code:
            add("kode_unit", "required")
        elif len(code) > 32:
            add("kode_unit", "too_long", max=32)
        elif code in seen:
            add("kode_unit", "unit_duplicate", first_row=seen[code])
        seen.setdefault(code, number)
        if not name:
            add("nama", "required")
        elif len(name) > 200:
            add("nama", "too_long", max=200)
        if parent_code:
            if parent_code not in existing and parent_code not in file_codes:
                add("kode_induk", "unknown_parent", code=parent_code)
        elif root_code is not None and code != root_code:
            add("kode_induk", "second_root", code=root_code)
        elif root_code is None:
            roots_in_file += 1
            if roots_in_file > 1:
                add("kode_induk", "required")
        is_public = parse_bool(public, default=False)
        if is_public is None:
            add("layanan_publik", "bad_bool")
        if zone and zone not in zones:
            add("zona_waktu", "bad_time_zone", zones=", ".join(zones))
        latitude = parse_decimal(lat) if lat else None
        longitude = parse_decimal(lon) if lon else None
        if lat and latitude is None:
            add("lat", "bad_number")
        elif latitude is not None and not -90 <= latitude <= 90:
            add("lat", "bad_latitude")
        if lon and longitude is None:
            add("lon", "bad_number")
        elif longitude is not None and not -180 <= longitude <= 180:
            add("lon", "bad_longitude")
        if bool(lat) != bool(lon):
            add("lat", "coordinates_together")
        radius_m = 100
        if radius:
            try:
                radius_m = int(radius)
            except ValueError:
                radius_m = 0
            if radius_m <= 0:
                add("radius_m", "bad_radius")
        errors.extend(row_errors)
        if row_errors:
            continue
        quantum = Decimal("0.000001")
        planned.append(
            {
                "row": number,
                "code": code,
                "name": name,
                "parent_code": parent_code or None,
                "is_public_service": is_public,
                "time_zone": zone or None,
                "latitude": latitude.quantize(quantum) if latitude is not None else None,
                "longitude": longitude.quantize(quantum) if longitude is not None else None,
                "radius_m": radius_m,
            }
        )
    parent_of: dict[str, str | None] = {code: unit["parent_code"] for code, unit in existing.items()}
    for record in planned:
        parent_of[record["code"]] = record["parent_code"]
    cycles = _find_cycles(parent_of)
    for record in planned:
        cycle = cycles.get(record["code"])
        if cycle is not None:
            errors.append(
                {
                    "row": record["row"],
                    "field": "kode_induk",
                    "code": "unit_cycle",
                    "params": {"chain": _chain_text(cycle, record["code"])},
                }
            )
            continue
        current = existing.get(record["code"])
        if current is None:
            result.new.append(record)
        elif any(record[key] != current[key] for key in UNIT_COMPARED):
            record["id"] = current["id"]
            result.changed.append(record)
        else:
            result.unchanged += 1
    errors.sort(key=lambda error: error["row"])
    return result


def existing_employee_ids(agency_id: int) -> dict[str, int]:
    return dict(Employee.objects.filter(agency_id=agency_id).values_list("nip", "id"))
