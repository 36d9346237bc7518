"""HR's corrections of leave balances (docs/rules.md §9 "Buckets"): one correction of one bucket, and the
opening balances of the first year of use, imported from CSV or XLSX.

Every change goes through `leave.services.balance_adjust`, so each is a ledger entry with its reason (and
in the audit log through the ledger's history). The opening import is read first and shown as a preview
(rows with their errors, what each bucket becomes); the confirmation writes it. A file's row says how many
days a bucket grants for the year (the year's own entitlement included; days taken before FlexWork left
out), not what to add: the difference is one OPENING ledger entry, so importing the same file again
changes nothing and a corrected file writes only the difference."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from flexwork.common import tabular
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from leave.models import Bucket, EntryKind, LeaveBalance

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
YEAR_FIRST, YEAR_LAST = 2000, 2100
BUCKET_DAYS_MAX = 365

ERR_NIP = _("Unknown NIP in this agency.")
ERR_YEAR = _("Enter a year between %(first)s and %(last)s.")
ERR_NO_DAYS = _("Give the days of at least one bucket (n_2, n_1, n or ditangguhkan).")
ERR_DUPLICATE = _("This employee and year are already in row %(other)s.")
ERR_DAYS = _("Enter a whole number of days from 0 to %(maximum)s.")


def _year_parse(value: str) -> int:
    try:
        year = int(value.strip())
    except ValueError:
        raise tabular.CellError("bad_year", ERR_YEAR, first=YEAR_FIRST, last=YEAR_LAST) from None
    if not YEAR_FIRST <= year <= YEAR_LAST:
        raise tabular.CellError("bad_year", ERR_YEAR, first=YEAR_FIRST, last=YEAR_LAST)
    return year


def _days_parse(value: str) -> int:
    try:
        days = int(value.strip())
    except ValueError:
        raise tabular.CellError("bad_days", ERR_DAYS, maximum=BUCKET_DAYS_MAX) from None
    if not 0 <= days <= BUCKET_DAYS_MAX:
        raise tabular.CellError("bad_days", ERR_DAYS, maximum=BUCKET_DAYS_MAX)
    return days


# The file's bucket columns, in the order the official form prints them.
BUCKET_COLUMNS = (("n_2", Bucket.N2), ("n_1", Bucket.N1), ("n", Bucket.N), ("ditangguhkan", Bucket.DEFERRED))

IMPORT_COLUMNS = (
    tabular.Column("nip", _("NIP of the employee"), blank=False, text_only=True),
    tabular.Column("tahun", _("Year the days can be used in, e.g. 2026"), blank=False, parser=_year_parse),
    tabular.Column("n_2", _("Days from two years before (N-2)"), required=False, parser=_days_parse),
    tabular.Column("n_1", _("Days from the year before (N-1)"), required=False, parser=_days_parse),
    tabular.Column("n", _("Days of the year itself (N), its entitlement included"), required=False, parser=_days_parse),
    tabular.Column("ditangguhkan", _("Days deferred by the official"), required=False, parser=_days_parse),
)
IMPORT_HEADERS = tabular.headers(IMPORT_COLUMNS)


@dataclass
class OpeningChange:
    bucket: str
    label: str
    before: int  # the days the bucket grants now
    after: int  # the days the file says it grants

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass
class OpeningRow:
    row: int
    employee_id: int
    name: str
    year: int
    changes: list[OpeningChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(change.delta for change in self.changes)


@dataclass
class OpeningPreview:
    rows: list[OpeningRow]
    errors: list[tabular.RowError]

    @property
    def changed_rows(self) -> int:
        return sum(1 for row in self.rows if row.changed)

    def stored(self) -> list[dict]:
        """What the confirmation needs (JSON for the cache): who, which year, what each bucket becomes."""
        return [
            {"employee": row.employee_id, "year": row.year, "buckets": {c.bucket: c.after for c in row.changes}}
            for row in self.rows
        ]


def _granted(employees: list[Employee]) -> dict[tuple[int, int, str], int]:
    """What every bucket of these employees grants now, by (employee, year, bucket): one query."""
    rows = LeaveBalance.objects.filter(employee_id__in=[e.id for e in employees]).values_list(
        "employee_id", "year", "bucket", "granted"
    )
    return {(employee_id, year, bucket): granted for employee_id, year, bucket, granted in rows}


def _before(granted: dict, employee: Employee, year: int, bucket: str) -> int:
    """A bucket's days now; a year whose N bucket is not there yet shows the entitlement it will get."""
    from leave import services as leave_services

    if (employee.id, year, bucket) in granted:
        return granted[(employee.id, year, bucket)]
    if bucket == Bucket.N:
        return leave_services.entitlement(employee, year)
    return 0


def opening_preview(*, user, content: bytes, name: str = "") -> OpeningPreview:
    """Read an opening-balance file (headers nip, tahun, n_2, n_1, n, ditangguhkan; CSV UTF-8 or XLSX) into
    the rows it would write and the row errors. Writes nothing. File problems raise ApplicationError."""
    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    table = tabular.table_read(
        data=content, name=name, columns=IMPORT_COLUMNS, max_bytes=IMPORT_MAX_BYTES, max_rows=IMPORT_MAX_ROWS
    )
    employees = {
        e.nip: e
        for e in Employee.objects.select_related("agency", "unit").filter(
            agency_id=scope.agency_id, nip__in=[r["nip"] for r in table.records]
        )
    }
    granted = _granted(list(employees.values()))
    errors: list[tabular.RowError] = list(table.errors)
    not_text = {error.row for error in table.errors}
    seen: dict[tuple[int, int], int] = {}
    rows: list[OpeningRow] = []
    for record in table.records:
        number = record["row"]
        values, problems = tabular.row_parse(IMPORT_COLUMNS, record)
        employee = employees.get(values.get("nip") or "")
        if values.get("nip") and employee is None and number not in not_text:
            problems.append(tabular.RowError(number, "nip", "unknown_nip", ERR_NIP))
        given = [(column, bucket) for column, bucket in BUCKET_COLUMNS if values.get(column) is not None]
        if not given and not any(p.column in dict(BUCKET_COLUMNS) for p in problems):
            problems.append(tabular.RowError(number, "n", "no_days", ERR_NO_DAYS))
        if employee is not None and values.get("tahun"):
            key = (employee.id, values["tahun"])
            if key in seen:
                problems.append(tabular.RowError(number, "nip", "duplicate", ERR_DUPLICATE, {"other": seen[key]}))
            else:
                seen[key] = number
        if problems or number in not_text:
            errors.extend(problems)
            continue
        year = values["tahun"]
        rows.append(
            OpeningRow(
                row=number,
                employee_id=employee.id,
                name=employee.name,
                year=year,
                changes=[
                    OpeningChange(
                        bucket=bucket,
                        label=str(Bucket(bucket).label),
                        before=_before(granted, employee, year, bucket),
                        after=values[column],
                    )
                    for column, bucket in BUCKET_COLUMNS
                    if values.get(column) is not None
                ],
            )
        )
    return OpeningPreview(rows=rows, errors=sorted(errors, key=lambda error: error.row))


@transaction.atomic
def opening_apply(*, user, rows: list[dict], source: str = "") -> int:
    """Write a confirmed preview (`OpeningPreview.stored()`): each bucket grants the file's number of days,
    through one OPENING ledger entry of the difference (none when it already does). Employees who left
    the agency meanwhile are skipped. Returns how many buckets changed."""
    from leave import services as leave_services

    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    ids = sorted({int(row["employee"]) for row in rows})
    employees = Employee.objects.select_related("unit", "agency").filter(agency_id=scope.agency_id).in_bulk(ids)
    reason = (
        str(_("Opening balance imported from %(file)s") % {"file": source})
        if source
        else str(_("Opening balance imported from a file"))
    )
    changed = 0
    for row in rows:
        employee = employees.get(int(row["employee"]))
        if employee is None:
            continue
        year = int(row["year"])
        leave_services.ensure_year(employee=employee, year=year)  # the year's entitlement first, once
        now = {
            b: g
            for b, g in LeaveBalance.objects.filter(employee_id=employee.id, year=year).values_list("bucket", "granted")
        }
        for bucket, wanted in row["buckets"].items():
            delta = int(wanted) - now.get(bucket, 0)
            if not delta:
                continue
            leave_services.balance_adjust(
                actor=user, employee=employee, year=year, bucket=bucket, days=delta, kind=EntryKind.OPENING,
                reason=reason,
            )  # fmt: skip
            changed += 1
    return changed


def correction_apply(*, user, employee: Employee, year: int, bucket: str, days: int, reason: str) -> None:
    """One signed correction of one bucket by HR, with its reason (a CORRECTION ledger entry)."""
    from leave import services as leave_services

    org_scope.require_role(user, org_scope.HR_ADMIN)
    leave_services.balance_adjust(
        actor=user, employee=employee, year=year, bucket=bucket, days=days, kind=EntryKind.CORRECTION,
        reason=reason.strip(),
    )  # fmt: skip
