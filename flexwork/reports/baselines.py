"""FWA monitoring baselines (rules.md §6): HR imports the "before" figures of a unit, one row per
month, when the history predates FlexWork. The FWA monitoring kind (kinds.FWA_SQL) uses a row for a
month in which the unit has no FlexWork daily rows.

The file is CSV, UTF-8 (a BOM is allowed), separated by `,` or `;`, with the headers of TEMPLATE_HEADERS
(Indonesian, like the organisation import of rules.md §7). Decimals take `.` or `,`. The whole file is
checked first; any row error writes nothing (each error names its row number). A valid file is
upserted by (unit, month) in one transaction, writing only the rows that really changed, so the same
file uploaded twice changes nothing the second time."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.models import Unit
from flexwork.reports.models import FwaBaseline

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MONTH_RE = re.compile(r"(?P<year>(19|20)\d\d)-(?P<month>\d\d)")

# header → model field
COLUMNS = {
    "kode_unit": "unit",
    "bulan": "month",
    "jumlah_pegawai": "employees",
    "hari_kerja_wajib": "days_due",
    "hari_hadir": "present_days",
    "hari_tk": "tk_days",
    "hari_terlambat": "late_days",
    "jam_wajib": "required_hours",
    "jam_terpenuhi": "credited_hours",
    "rata_capaian_kinerja": "avg_achievement_pct",
}
TEMPLATE_HEADERS = tuple(COLUMNS)
REQUIRED_HEADERS = TEMPLATE_HEADERS[:-1]
INTEGER_FIELDS = ("employees", "days_due", "present_days", "tk_days", "late_days")
DECIMAL_FIELDS = ("required_hours", "credited_hours", "avg_achievement_pct")
MEASURES = INTEGER_FIELDS + DECIMAL_FIELDS
TEMPLATE_EXAMPLE = ("A-SEC", "2024-12", "12", "240", "228", "3", "17", "1800.00", "1725.50", "92.40")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue().encode("utf-8")


def require_hr(user) -> org_scope.UserScope:
    scope = org_scope.require_agency(user)
    if org_scope.HR_ADMIN not in scope.roles:
        raise ApplicationError(
            _("Only HR may import FWA monitoring baselines."), code="permission_denied", status_code=403
        )
    return scope


def baseline_list_for(*, user) -> QuerySet[FwaBaseline]:
    scope = require_hr(user)
    return FwaBaseline.objects.filter(agency_id=scope.agency_id).select_related("unit").order_by("unit__code", "month")


def _file_error(message: str, code: str = "invalid_file") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def _read(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)}, "too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(_("The file is not UTF-8 text. Save it as CSV UTF-8."), "wrong_encoding") from exc
    if not text.strip():
        raise _file_error(_("The file is empty."), "empty_file")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise _file_error(_("The file could not be read as CSV."), "invalid_file") from exc
    missing = [name for name in REQUIRED_HEADERS if name not in header]
    if missing:
        raise _file_error(
            _("Missing columns: %(columns)s. Download the template.") % {"columns": ", ".join(missing)},
            "missing_headers",
        )
    if not rows:
        raise _file_error(_("The file has no rows."), "empty_file")
    if len(rows) > MAX_ROWS:
        raise _file_error(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS}, "too_many_rows")
    return header, rows


def _month(value: str, this_month: datetime.date) -> datetime.date:
    match = MONTH_RE.fullmatch(value)
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise ValueError(_("bulan: write the month as YYYY-MM, e.g. 2024-12."))
    month = datetime.date(int(match["year"]), int(match["month"]), 1)
    if month > this_month:
        raise ValueError(_("bulan: the month is in the future."))
    return month


def _integer(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(_("%(column)s: a whole number of 0 or more is expected.") % {"column": name}) from None
    if number < 0:
        raise ValueError(_("%(column)s: a whole number of 0 or more is expected.") % {"column": name})
    return number


def _decimal(name: str, value: str, maximum: Decimal) -> Decimal:
    text = value.replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number > maximum:
        raise ValueError(
            _("%(column)s: a number from 0 to %(maximum)s is expected.") % {"column": name, "maximum": maximum}
        )
    return number.quantize(Decimal("0.01"))


def _parse_row(cells: dict[str, str], *, units: dict[str, int], this_month: datetime.date) -> tuple[dict, list[str]]:
    errors: list[str] = []
    values: dict = {}
    code = cells.get("kode_unit", "")
    if not code:
        errors.append(_("kode_unit: required."))
    elif code not in units:
        errors.append(_("kode_unit: no unit %(code)s in your agency.") % {"code": code})
    else:
        values["unit_id"] = units[code]
    try:
        values["month"] = _month(cells.get("bulan", ""), this_month)
    except ValueError as exc:
        errors.append(str(exc))
    for header, name in COLUMNS.items():
        if name not in MEASURES:
            continue
        raw = cells.get(header, "")
        if raw == "":
            if name == "avg_achievement_pct":
                values[name] = None
            else:
                errors.append(_("%(column)s: required.") % {"column": header})
            continue
        try:
            if name in INTEGER_FIELDS:
                values[name] = _integer(header, raw)
            else:
                maximum = Decimal("999.99") if name == "avg_achievement_pct" else Decimal("99999999.99")
                values[name] = _decimal(header, raw, maximum)
        except ValueError as exc:
            errors.append(str(exc))
    due = values.get("days_due")
    if due is not None:
        if values.get("present_days") is not None and values["present_days"] > due:
            errors.append(_("hari_hadir: more than hari_kerja_wajib."))
        if values.get("tk_days") is not None and values["tk_days"] > due:
            errors.append(_("hari_tk: more than hari_kerja_wajib."))
    return values, errors


def baselines_import_csv(*, user, data: bytes) -> ImportResult:
    """Check the whole file, then upsert it by (unit, month) atomically. Raises ApplicationError
    (403 not HR; 400 an unreadable file, or row errors in `fields`, keyed "row N")."""
    scope = require_hr(user)
    header, rows = _read(data)
    units = dict(Unit.objects.filter(agency_id=scope.agency_id).values_list("code", "id"))
    this_month = today_in(scope.office_time_zone).replace(day=1)
    result = ImportResult()
    parsed: dict[tuple[int, datetime.date], dict] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        named = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name}
        values, errors = _parse_row(named, units=units, this_month=this_month)
        key_text = (named.get("kode_unit", ""), named.get("bulan", ""))
        if key_text in seen:
            errors.append(_("This unit and month already appear in row %(row)d.") % {"row": seen[key_text]})
        else:
            seen[key_text] = number
        if errors:
            result.errors[number] = errors
        else:
            parsed[(values["unit_id"], values["month"])] = values
    if result.errors:
        raise ApplicationError(
            _("%(count)d rows have errors; nothing was imported.") % {"count": len(result.errors)},
            code="invalid_rows",
            fields={_("row %(row)d") % {"row": number}: messages for number, messages in sorted(result.errors.items())},
        )
    with transaction.atomic():
        existing = {
            (row.unit_id, row.month): row
            for row in FwaBaseline.objects.select_for_update().filter(
                agency_id=scope.agency_id, unit_id__in={key[0] for key in parsed}, month__in={key[1] for key in parsed}
            )
        }
        to_create, to_update = [], []
        for key, values in parsed.items():
            row = existing.get(key)
            if row is None:
                to_create.append(FwaBaseline(agency_id=scope.agency_id, imported_by_id=user.pk, **values))
            elif any(getattr(row, name) != values[name] for name in MEASURES):
                for name in MEASURES:
                    setattr(row, name, values[name])
                row.imported_by_id = user.pk
                to_update.append(row)
            else:
                result.unchanged += 1
        FwaBaseline.objects.bulk_create(
            to_create,
            update_conflicts=True,
            unique_fields=["unit", "month"],
            update_fields=[*MEASURES, "imported_by", "updated_at"],
        )
        if to_update:
            now = timezone.now()
            for row in to_update:
                row.updated_at = now
            FwaBaseline.objects.bulk_update(to_update, [*MEASURES, "imported_by", "updated_at"])
    result.created, result.updated = len(to_create), len(to_update)
    return result
