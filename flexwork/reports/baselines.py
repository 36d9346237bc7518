"""FWA monitoring baselines (docs/rules.md §6): HR imports the "before" figures of a unit, one row
per month, when the history predates FlexWork. The FWA monitoring kind (kinds.FWA_SQL) uses a row
for a month in which the unit has no FlexWork daily rows.

The file is read by the shared reader (flexwork.common.tabular: CSV in UTF-8, a BOM allowed, `,` or
`;`; or XLSX) by the headers of `COLUMNS` (Indonesian, like the organisation import of docs/rules.md
§7), in any order. Decimals take `.` or `,`. The whole file is checked first; any row error writes
nothing and raises RowsInvalid (row, column, message). A valid file is upserted by (unit, month) in
one transaction, writing only the rows that really changed, so the same file uploaded twice changes
nothing the second time."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.common import tabular
from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError
from flexwork.common.tabular import CellError, Column, RowError
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency, Unit
from flexwork.reports.models import FwaBaseline

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MONTH_RE = re.compile(r"(?P<year>(19|20)\d\d)-(?P<month>\d\d)")

BAD_MONTH = gettext_lazy("Write the month as YYYY-MM, e.g. 2024-12.")
FUTURE_MONTH = gettext_lazy("The month is in the future.")
UNKNOWN_UNIT = gettext_lazy("No unit %(code)s in your agency.")
MORE_THAN_DUE = gettext_lazy("More than hari_kerja_wajib.")
REPEATED = gettext_lazy("This unit and month already appear in row %(row)d.")


def _month(value: str) -> datetime.date:
    match = MONTH_RE.fullmatch(value)
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise CellError("bad_month", BAD_MONTH)
    return datetime.date(int(match["year"]), int(match["month"]), 1)


def _hundredths(maximum: str):
    parse = tabular.decimal_parser(minimum=Decimal(0), maximum=Decimal(maximum))
    return lambda value: parse(value).quantize(Decimal("0.01"))


COUNT = tabular.natural_parser
HOURS = _hundredths("99999999.99")

# The file's columns; `field` is the FwaBaseline field each fills.
COLUMNS: tuple[Column, ...] = (
    Column("kode_unit", gettext_lazy("Unit code"), blank=False, field="unit_id"),
    Column("bulan", gettext_lazy("Month, YYYY-MM"), blank=False, parser=_month, field="month"),
    Column("jumlah_pegawai", gettext_lazy("Employees"), blank=False, parser=COUNT, field="employees"),
    Column("hari_kerja_wajib", gettext_lazy("Working days due"), blank=False, parser=COUNT, field="days_due"),
    Column("hari_hadir", gettext_lazy("Days present"), blank=False, parser=COUNT, field="present_days"),
    Column("hari_tk", gettext_lazy("Days absent without reason"), blank=False, parser=COUNT, field="tk_days"),
    Column("hari_terlambat", gettext_lazy("Days late"), blank=False, parser=COUNT, field="late_days"),
    Column("jam_wajib", gettext_lazy("Hours required"), blank=False, parser=HOURS, field="required_hours"),
    Column("jam_terpenuhi", gettext_lazy("Hours fulfilled"), blank=False, parser=HOURS, field="credited_hours"),
    Column(
        "rata_capaian_kinerja",
        gettext_lazy("Average performance achievement in percent (optional)"),
        required=False,
        parser=_hundredths("999.99"),
        field="avg_achievement_pct",
    ),
)
TEMPLATE_HEADERS = tabular.headers(COLUMNS)
MEASURES = tuple(column.field for column in COLUMNS if column.field not in ("unit_id", "month"))
TEMPLATE_EXAMPLE = ("A-SEC", "2024-12", "12", "240", "228", "3", "17", "1800.00", "1725.50", "92.40")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


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


def _row_check(record: dict, *, units: dict[str, int], this_month: datetime.date) -> tuple[dict, list[RowError]]:
    parsed, errors = tabular.row_parse(COLUMNS, record)
    number = record["row"]
    code = parsed.get("kode_unit")
    if code and code not in units:
        errors.append(RowError(number, "kode_unit", "unknown_unit", UNKNOWN_UNIT, {"code": code}))
    if parsed.get("bulan") and parsed["bulan"] > this_month:
        errors.append(RowError(number, "bulan", "future_month", FUTURE_MONTH))
    due = parsed.get("hari_kerja_wajib")
    if due is not None:
        for name in ("hari_hadir", "hari_tk"):
            if parsed.get(name) is not None and parsed[name] > due:
                errors.append(RowError(number, name, "more_than_due", MORE_THAN_DUE))
    values = {column.field: parsed.get(column.name) for column in COLUMNS}
    values["unit_id"] = units.get(code)
    return values, errors


def baselines_import_csv(*, user, data: bytes, name: str = "") -> ImportResult:
    """Check the whole file, then upsert it by (unit, month) atomically. Raises ApplicationError
    (403 not HR; 400/413/415 an unreadable file) or RowsInvalid (400, the row errors)."""
    scope = require_hr(user)
    table = tabular.table_read(
        data=data, name=name, columns=COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, unknown_headers=True
    )
    units = dict(Unit.objects.filter(agency_id=scope.agency_id).values_list("code", "id"))
    zone_name = Agency.objects.filter(id=scope.agency_id).values_list("time_zone", flat=True).first()
    this_month = today_in(zone_name).replace(day=1)
    result = ImportResult()
    errors: list[RowError] = list(table.errors)
    parsed: dict[tuple[int, datetime.date], dict] = {}
    seen: dict[tuple[str, str], int] = {}
    for record in table.records:
        values, row_errors = _row_check(record, units=units, this_month=this_month)
        key_text = (record.get("kode_unit", ""), record.get("bulan", ""))
        if key_text in seen:
            row_errors.append(RowError(record["row"], "bulan", "repeated", REPEATED, {"row": seen[key_text]}))
        else:
            seen[key_text] = record["row"]
        if row_errors:
            errors.extend(row_errors)
        else:
            parsed[(values["unit_id"], values["month"])] = values
    if errors:
        raise tabular.RowsInvalid(errors)
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
