"""Reading leave balances (docs/rules.md §9 "Buckets")."""

from __future__ import annotations

from dataclasses import dataclass

from leave.models import DEBIT_ORDER, Bucket, LeaveBalance


@dataclass(frozen=True)
class BucketLine:
    bucket: str
    label: str
    granted: int
    held: int
    used: int

    @property
    def available(self) -> int:
        return self.granted - self.held - self.used


@dataclass(frozen=True)
class Balance:
    employee_id: int
    year: int
    lines: tuple[BucketLine, ...]

    @property
    def available(self) -> int:
        return sum(line.available for line in self.lines)

    @property
    def held(self) -> int:
        return sum(line.held for line in self.lines)

    @property
    def used(self) -> int:
        return sum(line.used for line in self.lines)

    def line(self, bucket: str) -> BucketLine:
        return next(line for line in self.lines if line.bucket == bucket)


def balances_for(*, employee_ids: list[int], year: int) -> dict[int, Balance]:
    """Each employee's four buckets of `year` in the debit order, in one query (a bucket without a
    row reads as zero)."""
    rows: dict[tuple[int, str], LeaveBalance] = {
        (row.employee_id, row.bucket): row
        for row in LeaveBalance.objects.filter(employee_id__in=employee_ids, year=year)
    }
    result = {}
    for employee_id in employee_ids:
        lines = []
        for bucket in DEBIT_ORDER:
            row = rows.get((employee_id, bucket))
            lines.append(
                BucketLine(
                    bucket=bucket,
                    label=str(Bucket(bucket).label),
                    granted=row.granted if row else 0,
                    held=row.held if row else 0,
                    used=row.used if row else 0,
                )
            )
        result[employee_id] = Balance(employee_id=employee_id, year=year, lines=tuple(lines))
    return result


def balance_for(*, employee_id: int, year: int) -> Balance:
    return balances_for(employee_ids=[employee_id], year=year)[employee_id]
