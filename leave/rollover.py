"""The yearly rollover of annual leave (docs/rules.md §9 "Rollover"), at 00:00 office time on
1 January, per office zone, idempotent.

For the new year Y, per active employee: N gets the year's entitlement (services.ensure_year);
N-1 := min(unused N of Y-1, `ct_carry_max_days`); N-2 := `ct_carry_max_days` only when the employee
was eligible in both Y-1 and Y-2 and took no annual leave in either (STRICT, the default) or, with
`ct_carry_chain`, min(unused N-1 of Y-1, `ct_carry_max_days`) (CHAIN); DEFERRED already holds what the
official deferred during Y-1 (a deferral writes it there at once). The total of the four buckets
stays within `ct_max_total_days`: N-2 is cut first, then N-1; deferred days are never cut. A PPPK
carries N-1 only with a contract longer than 24 months, N-2 only longer than 36.

Each carry is a CARRY ledger entry; an employee whose year Y already has one is skipped, so running
the job twice changes nothing."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from flexwork.common.calendar import today_in
from flexwork.org.models import Employee
from leave import services
from leave.models import Bucket, EntryKind, LeaveBalanceEntry
from leave.selectors import balances_for

PPPK_N1_MONTHS = 24  # PP 49/2018 and Perban BKN 7/2022: carrying over needs a contract longer than 2 years
PPPK_N2_MONTHS = 36  # ... and longer than 3 years for a second year


def carry_for(*, employee: Employee, year: int, policy=None) -> dict[str, int]:
    """What `employee` carries into `year` (N-1, N-2), from the balances of the two years before."""
    policy = policy or services._policy(employee)
    prev = balances_for(employee_ids=[employee.id], year=year - 1)[employee.id]
    before = balances_for(employee_ids=[employee.id], year=year - 2)[employee.id]
    cap = policy.ct_carry_max_days
    n1 = min(max(prev.line(Bucket.N).available, 0), cap)
    if policy.ct_carry_chain:
        n2 = min(max(prev.line(Bucket.N1).available, 0), cap)
    else:
        eligible = services.ct_eligible_in_year(employee, year - 1, policy) and services.ct_eligible_in_year(
            employee, year - 2, policy
        )
        had = prev.line(Bucket.N).granted > 0 and before.line(Bucket.N).granted > 0
        untouched = prev.used == 0 and before.used == 0
        n2 = cap if eligible and had and untouched else 0
    if services.is_pppk(employee):
        months = employee.contract_months or 0
        n1 = n1 if months > PPPK_N1_MONTHS else 0
        n2 = n2 if months > PPPK_N2_MONTHS else 0
    return {Bucket.N1: n1, Bucket.N2: n2}


@transaction.atomic
def rollover_employee(*, employee: Employee, year: int) -> bool:
    """Roll one employee into `year`; False when it was done already."""
    services.ensure_year(employee=employee, year=year)  # takes the employee's lock
    if LeaveBalanceEntry.objects.filter(
        balance__employee_id=employee.id, balance__year=year, kind=EntryKind.CARRY
    ).exists():
        return False
    policy = services._policy(employee)
    carry = carry_for(employee=employee, year=year, policy=policy)
    current = balances_for(employee_ids=[employee.id], year=year)[employee.id]
    room = policy.ct_max_total_days - current.line(Bucket.N).granted - current.line(Bucket.DEFERRED).granted
    room -= current.line(Bucket.N1).granted + current.line(Bucket.N2).granted
    n1 = max(min(carry[Bucket.N1], room), 0)
    n2 = max(min(carry[Bucket.N2], room - n1), 0)
    reason = f"{year - 1} → {year}"
    for bucket, days in ((Bucket.N1, n1), (Bucket.N2, n2)):
        if days:
            services.balance_adjust(
                actor=None, employee=employee, year=year, bucket=bucket, days=days, kind=EntryKind.CARRY, reason=reason
            )
    return True


def rollover(*, year: int, zone: str | None = None, agency_id: int | None = None) -> int:
    """Every active employee (of `zone`'s offices, or of `agency_id`) into `year`; one transaction
    per employee. Returns how many were rolled now."""
    employees = Employee.objects.filter(is_active=True).select_related("unit", "agency").order_by("id")
    if agency_id is not None:
        employees = employees.filter(agency_id=agency_id)
    # Those who carried something into `year` already (one query, so a rerun costs little).
    rolled = set(
        LeaveBalanceEntry.objects.filter(kind=EntryKind.CARRY, balance__year=year).values_list(
            "balance__employee_id", flat=True
        )
    )
    done = 0
    for employee in employees.iterator(chunk_size=500):
        if employee.id in rolled:
            continue
        if zone is not None and (employee.unit.time_zone or employee.agency.time_zone) != zone:
            continue
        done += rollover_employee(employee=employee, year=year)
    return done


def zones_in_new_year(now: datetime.datetime | None = None) -> list[tuple[str, int]]:
    """The office zones where it is now 1 or 2 January (the job runs hourly then, so a missed hour
    is caught up), with the year that began."""
    now = now or timezone.now()
    found = []
    for zone in settings.FLEXWORK_TIME_ZONES:
        today = today_in(zone, now=now)
        if today.month == 1 and today.day <= 2:
            found.append((zone, today.year))
    return found
