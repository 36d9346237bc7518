"""Reads of the allowances app: one employee's deduction lines for a month (docs/rules.md §10 "My
deduction"), computed by the report kind's own statement (flexwork.reports.kinds ALLOWANCE_SQL) limited to
that employee, so that the page and HR's export always agree."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass

from django.db import connection

from flexwork.reports.kinds import KINDS, month_bounds, sql_params
from flexwork.reports.models import ReportKind


@dataclass(frozen=True)
class Line:
    line: str
    local_date: datetime.date | None
    cause: str
    rule: str
    leave_day: int | None
    component: str
    pct: decimal.Decimal
    allowance_pct: decimal.Decimal


@dataclass(frozen=True)
class Month:
    lines: list[Line]  # CUT and THRESHOLD lines, by date
    total: Line | None
    start: datetime.date
    end: datetime.date


def month_lines(*, employee, year: int, month: int, today: datetime.date | None = None) -> Month:
    """One employee's lines and total for a month, in one statement (the unit snapshot of each day is
    within the agency's root unit, so the scope is the whole agency)."""
    from flexwork.org.models import Unit

    start, end = month_bounds(year, month)
    root_id = Unit.objects.filter(agency_id=employee.agency_id, parent__isnull=True).values_list("id", flat=True)[0]
    params = sql_params(
        kind=ReportKind.ALLOWANCE,
        agency_id=employee.agency_id,
        scope_unit_id=root_id,
        start=start,
        end=end,
        parameters={},
        today=today,
    )
    params["employee"] = employee.id
    with connection.cursor() as cursor:
        cursor.execute(KINDS[ReportKind.ALLOWANCE].sql, params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    lines, total = [], None
    for row in rows:
        item = Line(
            line=row["line"],
            local_date=row["local_date"],
            cause=row["cause"],
            rule=row["rule"],
            leave_day=row["leave_day"],
            component=row["component"],
            pct=row["pct"],
            allowance_pct=row["allowance_pct"],
        )
        if item.line == "TOTAL":
            total = item
        else:
            lines.append(item)
    return Month(lines=lines, total=total, start=start, end=end)
