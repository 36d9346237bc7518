"""Reading and checking organisation import files (docs/rules.md §7). Pure functions plus a few
set-based queries: no per-row query, so that 60,000 rows are checked in seconds.

Each file kind is a column table (`EMPLOYEE_COLUMNS`, `UNIT_COLUMNS`, `POSITION_COLUMNS`: header, required,
parser, label). A file is read by header name with the shared reader (flexwork.common.tabular) into text
records {"row": n, header: text}; `employees_check` / `units_check` / `positions_check` parse each record through the
table, compare the rows with the agency's data and return a `CheckResult`: the errors of every bad
row (stored as {"row", "column", "code", "params"}) and the planned new / changed / unchanged rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils.translation import gettext_lazy as _

from flexwork.common import tabular
from flexwork.common.tabular import CellError, Column, RowError
from flexwork.org import validators as nip_validators
from flexwork.org.models import Employee, EmployeeType, Position, PositionType, Unit
from flexwork.org.models.organisation import ShiftCriterion
from flexwork.org.validators import validate_nip

# The caps of an organisation import (docs/rules.md §7), also named on the import page. The size
# stays under the request limit of the web server (FLEXWORK_MAX_REQUEST_BYTES).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 500
# How often a background check reports how far it got (rows).
PROGRESS_EVERY = 2000


def import_max_bytes() -> int:
    return getattr(settings, "ONBOARDING_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def import_max_rows() -> int:
    return getattr(settings, "ONBOARDING_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def import_caps() -> dict[str, int]:
    """The caps as numbers, for the page and the API."""
    return {
        "max_bytes": import_max_bytes(),
        "max_rows": import_max_rows(),
        "max_columns": MAX_COLUMNS,
        "max_cell_chars": MAX_CELL_CHARS,
    }


# ---------------------------------------------------------------------------- messages

# Row errors: code → message (%(name)s placeholders filled from the error's params). The shared
# cell messages (required, too_long, bad_date, bad_bool, bad_number, nip_not_text) come first.
ROW_MESSAGES: dict[str, Any] = {
    **tabular.CELL_MESSAGES,
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
    "bad_type": _("Unknown employee type: use PNS, CPNS, PPPK or PPPK_PARUH_WAKTU."),
    "bad_months": _("The contract length is a whole number of months from 1 to %(max)s."),
    "contract_not_pppk": _("Only a PPPK has a contract length: leave masa_kontrak_bulan empty for a PNS or CPNS."),
    "unknown_unit": _("Unknown unit code “%(code)s”."),
    "unknown_position": _("Unknown position code “%(code)s”."),
    "unknown_supervisor": _("No employee with NIP %(nip)s in this file or in the agency."),
    "supervisor_other_agency": _("The supervisor %(nip)s works in another agency."),
    "supervisor_self": _("An employee cannot supervise themself."),
    "supervisor_cycle": _("This supervisor would make a cycle: %(chain)s."),
    "unit_duplicate": _("This unit code already appears on row %(first_row)s."),
    "unknown_parent": _("Unknown parent unit code “%(code)s”."),
    "unit_cycle": _("This parent would make a cycle: %(chain)s."),
    "second_root": _("The agency already has a root unit (%(code)s): give a parent unit code."),
    "bad_time_zone": _("Unknown time zone: use one of %(zones)s."),
    "bad_latitude": nip_validators.LATITUDE_RANGE,
    "bad_longitude": nip_validators.LONGITUDE_RANGE,
    "coordinates_together": _("Give both lat and lon, or neither."),
    "bad_work_week": _("Working week: senin_jumat, tetap or sif (empty: senin_jumat)."),
    "work_week_basis": _(
        "A working week other than Monday to Friday needs the PPK's decree: give its number and date in "
        "dasar_hari_kerja."
    ),
    "bad_radius": _("The radius is a whole number of metres above 0."),
    "position_duplicate": _("This position code already appears on row %(first_row)s."),
    "bad_position_type": _("Unknown position type: use JPT, ADMINISTRATOR, PENGAWAS, PELAKSANA or FUNGSIONAL."),
    "bad_shift_criterion": _(
        "Unknown reason for shifts: use harian (over 8 h 30 min of service a day) or mingguan "
        "(over 5 days and 37.5 h a week)."
    ),
    "shift_criterion_missing": _(
        "A position that works shifts (sif = 1) names why in kriteria_sif: harian or mingguan."
    ),
    "shift_criterion_without_shifts": _("kriteria_sif is only for a position that works shifts: set sif to 1."),
}


def row_error(error: dict) -> RowError:
    """A stored row error, rendered in the active language."""
    return RowError.from_stored(error, ROW_MESSAGES)


def row_error_message(error: dict) -> str:
    return row_error(error).text


# ---------------------------------------------------------------------------- value parsers


def contract_months_parse(value: str) -> int:
    from flexwork.org.services import CONTRACT_MONTHS_MAX

    try:
        months = int(value.strip())
    except ValueError:
        months = 0
    if not 1 <= months <= CONTRACT_MONTHS_MAX:
        raise CellError("bad_months", ROW_MESSAGES["bad_months"], max=CONTRACT_MONTHS_MAX)
    return months


def employee_type_parse(value: str) -> str:
    text = re.sub(r"[\s-]+", "_", value.strip().upper())
    aliases = {"PPPK_PW": EmployeeType.PPPK_PARUH_WAKTU}
    text = aliases.get(text, text)
    if text not in EmployeeType.values:
        raise CellError("bad_type", ROW_MESSAGES["bad_type"])
    return text


WORK_WEEK_WORDS = {
    "SENIN_JUMAT": "MON_FRI",
    "SENIN–JUMAT": "MON_FRI",
    "MON_FRI": "MON_FRI",
    "TETAP": "FIXED_WEEK",
    "FIXED_WEEK": "FIXED_WEEK",
    "SIF": "ROSTER",
    "SHIFT": "ROSTER",
    "ROSTER": "ROSTER",
}


def work_week_parse(value: str) -> str:
    """docs/rules.md §8: senin_jumat (the default), tetap (a fixed week) or sif (shifts)."""
    text = re.sub(r"[\s-]+", "_", value.strip().upper())
    if text not in WORK_WEEK_WORDS:
        raise CellError("bad_work_week", ROW_MESSAGES["bad_work_week"])
    return WORK_WEEK_WORDS[text]


def email_parse(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise CellError("bad_email", ROW_MESSAGES["bad_email"]) from None
    return value


def time_zone_parse(value: str) -> str:
    zones = settings.FLEXWORK_TIME_ZONES
    if value not in zones:
        raise CellError("bad_time_zone", ROW_MESSAGES["bad_time_zone"], zones=", ".join(zones))
    return value


def radius_parse(value: str) -> int:
    try:
        radius = int(value)
    except ValueError:
        radius = 0
    if radius <= 0:
        raise CellError("bad_radius", ROW_MESSAGES["bad_radius"])
    return radius


def position_type_parse(value: str) -> str:
    text = re.sub(r"[\s-]+", "_", value.strip().upper())
    if text not in PositionType.values:
        raise CellError("bad_position_type", ROW_MESSAGES["bad_position_type"])
    return text


SHIFT_CRITERION_WORDS = {
    "HARIAN": ShiftCriterion.DAILY_OVER_8H30,
    "DAILY": ShiftCriterion.DAILY_OVER_8H30,
    "DAILY_OVER_8H30": ShiftCriterion.DAILY_OVER_8H30,
    "MINGGUAN": ShiftCriterion.WEEK_OVER_5D,
    "WEEKLY": ShiftCriterion.WEEK_OVER_5D,
    "WEEK_OVER_5D": ShiftCriterion.WEEK_OVER_5D,
}


def shift_criterion_parse(value: str) -> str:
    """docs/rules.md §8 "Work week of a unit": harian (over 8 h 30 min a day) or mingguan (over 5 days and 37.5 h)."""
    text = re.sub(r"[\s-]+", "_", value.strip().upper())
    if text not in SHIFT_CRITERION_WORDS:
        raise CellError("bad_shift_criterion", ROW_MESSAGES["bad_shift_criterion"])
    return str(SHIFT_CRITERION_WORDS[text])


latitude_parse = tabular.decimal_parser(
    minimum=Decimal(-90), maximum=Decimal(90), code="bad_latitude", message=ROW_MESSAGES["bad_latitude"]
)
longitude_parse = tabular.decimal_parser(
    minimum=Decimal(-180), maximum=Decimal(180), code="bad_longitude", message=ROW_MESSAGES["bad_longitude"]
)

# ---------------------------------------------------------------------------- the column tables
# Every header must be in the file (an empty cell clears a value, so a missing column would too);
# `blank=False` columns need a value on every row.

EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column("nip", _("NIP (18 digits, typed as text)"), blank=False, text_only=True),
    Column("nama", _("Full name"), blank=False, parser=tabular.text_parser(max_length=200)),
    Column("email", _("E-mail address (optional)"), parser=email_parse),
    Column("jenis", _("Employee type: PNS, CPNS, PPPK or PPPK_PARUH_WAKTU"), blank=False, parser=employee_type_parse),
    Column("kode_unit", _("Unit code"), blank=False),
    Column("kode_jabatan", _("Position code (optional)")),
    Column("nip_atasan", _("Supervisor's NIP (optional)"), text_only=True),
    Column("tmt_jabatan", _("Start date in the position, YYYY-MM-DD (optional)"), parser=tabular.date_parser),
    Column("status_aktif", _("Active: 1 or 0 (empty: 1)"), parser=tabular.bool_parser, default=True),
    # docs/rules.md §7 (import): both may be left out of the file; a file without them leaves the values alone.
    Column(
        "tmt",
        _("Service start, YYYY-MM-DD: TMT CPNS, or the first PPPK contract (optional)"),
        required=False,
        parser=tabular.date_parser,
    ),
    Column(
        "masa_kontrak_bulan",
        _("PPPK only: the current contract's length in months (optional)"),
        required=False,
        parser=contract_months_parse,
    ),
)
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("kode_unit", _("Unit code"), blank=False, parser=tabular.text_parser(max_length=32)),
    Column("nama", _("Unit name"), blank=False, parser=tabular.text_parser(max_length=200)),
    Column("kode_induk", _("Parent unit code (empty for the root unit)")),
    Column("layanan_publik", _("Public service unit: 1 or 0 (empty: 0)"), parser=tabular.bool_parser, default=False),
    Column("zona_waktu", _("Time zone (empty: the agency's)"), parser=time_zone_parse),
    Column("lat", _("Office latitude (optional)"), parser=latitude_parse),
    Column("lon", _("Office longitude (optional)"), parser=longitude_parse),
    Column("radius_m", _("Check-in radius in metres (empty: 100)"), parser=radius_parse, default=100),
    Column(
        "hari_kerja",
        _("Working week: senin_jumat, tetap (a fixed week) or sif (shifts); empty: senin_jumat"),
        parser=work_week_parse,
        default="MON_FRI",
    ),
    Column(
        "dasar_hari_kerja",
        _("The PPK's decree for a week other than Monday to Friday (number and date)"),
        parser=tabular.text_parser(max_length=300),
    ),
)
POSITION_COLUMNS: tuple[Column, ...] = (
    Column("kode_jabatan", _("Position code"), blank=False, parser=tabular.text_parser(max_length=32)),
    Column("nama", _("Position name"), blank=False, parser=tabular.text_parser(max_length=200)),
    Column(
        "jenis_jabatan",
        _("Position type: JPT, ADMINISTRATOR, PENGAWAS, PELAKSANA or FUNGSIONAL"),
        blank=False,
        parser=position_type_parse,
    ),
    Column("sif", _("Works shifts: 1 or 0 (empty: 0)"), parser=tabular.bool_parser, default=False),
    Column(
        "kriteria_sif",
        _("Why it works shifts (with sif = 1): harian (over 8 h 30 min a day) or mingguan (over 5 days and 37.5 h)"),
        parser=shift_criterion_parse,
        default="",
    ),
)
COLUMNS = {"EMPLOYEES": EMPLOYEE_COLUMNS, "UNITS": UNIT_COLUMNS, "POSITIONS": POSITION_COLUMNS}
EMPLOYEE_HEADERS = tabular.headers(EMPLOYEE_COLUMNS)
UNIT_HEADERS = tabular.headers(UNIT_COLUMNS)
POSITION_HEADERS = tabular.headers(POSITION_COLUMNS)
HEADERS = {kind: tabular.headers(columns) for kind, columns in COLUMNS.items()}


# ---------------------------------------------------------------------------- reading files


def import_upload_check(*, data: bytes, name: str) -> str:
    """What the upload request itself refuses, without parsing: size (413), empty, type (415), an
    XLSX that unpacks too large (the zip bomb guard). Returns "xlsx" or "csv"."""
    return tabular.upload_check(data=data, name=name, max_bytes=import_max_bytes())


def import_file_read(*, data: bytes, name: str, kind: str) -> tabular.Table:
    """Read an upload by header name, or raise ApplicationError: 400 empty / wrong encoding /
    missing or unknown headers / over a cap (rows, columns, cell length, unpacked size), 413 too
    large, 415 neither CSV nor XLSX."""
    return tabular.table_read(
        data=data,
        name=name,
        columns=COLUMNS[kind],
        max_bytes=import_max_bytes(),
        max_rows=import_max_rows(),
        max_columns=MAX_COLUMNS,
        max_cell_chars=MAX_CELL_CHARS,
    )


def rows_as_records(table: tabular.Table, *, kind: str) -> tuple[list[dict], list[dict]]:
    """The text records ({"row": n, header: text}, what a preview stores) and the errors only
    visible in the raw cells (a NIP typed as a number in XLSX), as stored errors."""
    return table.records, [error.stored() for error in table.errors]


def _records(records: list, names: tuple[str, ...]) -> list[dict]:
    """Records as dicts. A preview stored before records were keyed by header holds lists in the
    template's column order, prefixed with the row number."""
    return [
        dict(zip(("row", *names), record, strict=False)) if isinstance(record, list) else record for record in records
    ]


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
    "service_start_date",
    "contract_months",
)


def existing_employees(agency_id: int) -> dict[str, dict]:
    """The agency's employees by NIP, with what an import can change (one query)."""
    rows = _lookup(
        """
        SELECT e.id, e.nip, e.name, e.employee_type, e.unit_id, e.position_id, e.position_start_date,
               s.nip, e.is_active, e.user_id, u.email, e.service_start_date, e.contract_months
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
        record.update(
            supervisor_nip=row[7],
            is_active=row[8],
            user_id=row[9],
            email=row[10],
            service_start_date=row[11],
            contract_months=row[12],
        )
        out[record["nip"]] = record
    return out


Progress = Callable[[int], None] | None
# The value of a column that may be left out of the file, when it is: the employee's current value.
KEEP = "__keep__"
KEPT_WHEN_LEFT_OUT = ("service_start_date", "contract_months")
CONTRACT_TYPES = frozenset({EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU})


def employees_check(
    *, agency_id: int, records: list[dict], pre_errors: list[dict] | None = None, on_progress: Progress = None
) -> CheckResult:
    """Check employee records (from `rows_as_records`) against the agency and plan the upsert.
    `on_progress(rows_checked)` is called every PROGRESS_EVERY rows."""
    records = _records(records, EMPLOYEE_HEADERS)
    result = CheckResult(errors=list(pre_errors or []), rows=len(records))
    errors = result.errors
    units = dict(Unit.objects.filter(agency_id=agency_id).values_list("code", "id"))
    positions = dict(Position.objects.filter(agency_id=agency_id).values_list("code", "id"))
    existing = existing_employees(agency_id)

    file_nips = [record["nip"] for record in records if record.get("nip")]
    file_nip_set = set(file_nips)
    supervisor_nips = [record["nip_atasan"] for record in records if record.get("nip_atasan")]
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
    file_emails = [record["email"].lower() for record in records if record.get("email")]
    email_owner = dict(
        _lookup("SELECT lower(email), username FROM accounts_user WHERE lower(email) = ANY(%s)", [file_emails])
    )

    seen_nip: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    planned: list[dict] = []
    bad_rows = {error["row"] for error in errors}
    for checked, record in enumerate(records, start=1):
        if on_progress is not None and checked % PROGRESS_EVERY == 0:
            on_progress(checked)
        number = record["row"]
        values, cell_errors = tabular.row_parse(EMPLOYEE_COLUMNS, record)
        row_errors: list[dict] = [error.stored() for error in cell_errors]

        def add(column: str, error_code: str, /, _errs=row_errors, _n=number, **params) -> None:
            _errs.append({"row": _n, "column": column, "code": error_code, "params": params})

        employee_type = values.get("jenis")
        nip = values.get("nip")
        if nip and number not in bad_rows:
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
        email = values.get("email", "") or ""
        if email:
            lowered = email.lower()
            if lowered in seen_email:
                add("email", "email_duplicate", first_row=seen_email[lowered])
            elif email_owner.get(lowered, nip) != nip:
                add("email", "email_taken")
            seen_email.setdefault(lowered, number)
        unit_code = values.get("kode_unit")
        unit_id = units.get(unit_code) if unit_code else None
        if unit_code and unit_id is None:
            add("kode_unit", "unknown_unit", code=unit_code)
        position_code = values.get("kode_jabatan")
        position_id = None
        if position_code:
            position_id = positions.get(position_code)
            if position_id is None:
                add("kode_jabatan", "unknown_position", code=position_code)
        contract_months = values.get("masa_kontrak_bulan")
        if contract_months is not None and employee_type and employee_type not in CONTRACT_TYPES:
            add("masa_kontrak_bulan", "contract_not_pppk")
        supervisor_nip = values.get("nip_atasan")
        if supervisor_nip and number not in bad_rows:
            if supervisor_nip == nip:
                add("nip_atasan", "supervisor_self")
            elif supervisor_nip in other_agency:
                add("nip_atasan", "supervisor_other_agency", nip=supervisor_nip)
            elif supervisor_nip not in existing and supervisor_nip not in file_nip_set:
                add("nip_atasan", "unknown_supervisor", nip=supervisor_nip)
        errors.extend(row_errors)
        if row_errors or number in bad_rows:
            continue
        planned.append(
            {
                "row": number,
                "nip": nip,
                "name": values["nama"],
                "employee_type": employee_type,
                "unit_id": unit_id,
                "position_id": position_id,
                "position_start_date": values["tmt_jabatan"],
                "supervisor_nip": supervisor_nip or None,
                "is_active": values["status_aktif"],
                "email": email,
                # A column left out of the file keeps the current value (KEEP); a PNS or CPNS has no contract.
                "service_start_date": values["tmt"] if "tmt" in record else KEEP,
                "contract_months": (
                    None
                    if employee_type not in CONTRACT_TYPES
                    else (contract_months if "masa_kontrak_bulan" in record else KEEP)
                ),
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
                    "column": "nip_atasan",
                    "code": "supervisor_cycle",
                    "params": {"chain": _chain_text(cycle, record["nip"])},
                }
            )
            continue
        kept.append(record)

    for record in kept:
        current = existing.get(record["nip"])
        for key in KEPT_WHEN_LEFT_OUT:
            if record[key] == KEEP:
                record[key] = current[key] if current is not None else None
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


UNIT_COMPARED = (
    "name",
    "parent_code",
    "is_public_service",
    "time_zone",
    "latitude",
    "longitude",
    "radius_m",
    "work_week",
    "work_week_basis",
)


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
        "work_week",
        "work_week_basis",
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
            "work_week": unit["work_week"],
            "work_week_basis": unit["work_week_basis"],
        }
    return out


def units_check(
    *, agency_id: int, records: list[dict], pre_errors: list[dict] | None = None, on_progress: Progress = None
) -> CheckResult:
    records = _records(records, UNIT_HEADERS)
    result = CheckResult(errors=list(pre_errors or []), rows=len(records))
    errors = result.errors
    existing = existing_units(agency_id)
    root_code = next((code for code, unit in existing.items() if unit["parent_code"] is None), None)
    file_codes = {record["kode_unit"] for record in records if record.get("kode_unit")}
    seen: dict[str, int] = {}
    planned = []
    roots_in_file = 0
    quantum = Decimal("0.000001")
    for checked, record in enumerate(records, start=1):
        if on_progress is not None and checked % PROGRESS_EVERY == 0:
            on_progress(checked)
        number = record["row"]
        values, cell_errors = tabular.row_parse(UNIT_COLUMNS, record)
        row_errors: list[dict] = [error.stored() for error in cell_errors]

        def add(column: str, error_code: str, /, _errs=row_errors, _n=number, **params) -> None:
            _errs.append({"row": _n, "column": column, "code": error_code, "params": params})

        code = values.get("kode_unit")
        if code:
            if code in seen:
                add("kode_unit", "unit_duplicate", first_row=seen[code])
            seen.setdefault(code, number)
        parent_code = values.get("kode_induk")
        if parent_code:
            if parent_code not in existing and parent_code not in file_codes:
                add("kode_induk", "unknown_parent", code=parent_code)
        elif root_code is not None and code != root_code:
            add("kode_induk", "second_root", code=root_code)
        elif root_code is None:
            roots_in_file += 1
            if roots_in_file > 1:
                add("kode_induk", "required")
        if bool(record.get("lat")) != bool(record.get("lon")):
            add("lat", "coordinates_together")
        if values.get("hari_kerja", "MON_FRI") != "MON_FRI" and not (values.get("dasar_hari_kerja") or "").strip():
            add("dasar_hari_kerja", "work_week_basis")
        errors.extend(row_errors)
        if row_errors:
            continue
        latitude, longitude = values["lat"], values["lon"]
        planned.append(
            {
                "row": number,
                "code": code,
                "name": values["nama"],
                "parent_code": parent_code or None,
                "is_public_service": values["layanan_publik"],
                "time_zone": values["zona_waktu"] or None,
                "latitude": latitude.quantize(quantum) if latitude is not None else None,
                "longitude": longitude.quantize(quantum) if longitude is not None else None,
                "radius_m": values["radius_m"],
                "work_week": values["hari_kerja"] or "MON_FRI",
                "work_week_basis": (values["dasar_hari_kerja"] or "").strip(),
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
                    "column": "kode_induk",
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


# ---------------------------------------------------------------------------- positions

POSITION_COMPARED = ("name", "type", "shift_eligible", "shift_criterion")


def existing_positions(agency_id: int) -> dict[str, dict]:
    rows = Position.objects.filter(agency_id=agency_id).values("id", "code", *POSITION_COMPARED)
    return {row["code"]: row for row in rows}


def positions_check(
    *, agency_id: int, records: list[dict], pre_errors: list[dict] | None = None, on_progress: Progress = None
) -> CheckResult:
    """docs/rules.md §7 (import): positions by code (name, type, works shifts and why). Eligibility for flexible
    work and its five task criteria stay on the positions page: the import leaves them alone."""
    records = _records(records, POSITION_HEADERS)
    result = CheckResult(errors=list(pre_errors or []), rows=len(records))
    errors = result.errors
    existing = existing_positions(agency_id)
    seen: dict[str, int] = {}
    for checked, record in enumerate(records, start=1):
        if on_progress is not None and checked % PROGRESS_EVERY == 0:
            on_progress(checked)
        number = record["row"]
        values, cell_errors = tabular.row_parse(POSITION_COLUMNS, record)
        row_errors: list[dict] = [error.stored() for error in cell_errors]

        def add(column: str, error_code: str, /, _errs=row_errors, _n=number, **params) -> None:
            _errs.append({"row": _n, "column": column, "code": error_code, "params": params})

        code = values.get("kode_jabatan")
        if code:
            if code in seen:
                add("kode_jabatan", "position_duplicate", first_row=seen[code])
            seen.setdefault(code, number)
        shifts, criterion = values.get("sif"), values.get("kriteria_sif")
        if "sif" in values and "kriteria_sif" in values:
            if shifts and not criterion:
                add("kriteria_sif", "shift_criterion_missing")
            elif criterion and not shifts:
                add("kriteria_sif", "shift_criterion_without_shifts")
        errors.extend(row_errors)
        if row_errors:
            continue
        planned = {
            "row": number,
            "code": code,
            "name": values["nama"],
            "type": values["jenis_jabatan"],
            "shift_eligible": bool(shifts),
            "shift_criterion": criterion or "",
        }
        current = existing.get(code)
        if current is None:
            result.new.append(planned)
        elif any(planned[key] != current[key] for key in POSITION_COMPARED):
            planned["id"] = current["id"]
            planned["before"] = {key: current[key] for key in POSITION_COMPARED}
            result.changed.append(planned)
        else:
            result.unchanged += 1
    errors.sort(key=lambda error: error["row"])
    return result
