"""Demo leave balances (docs/rules.md §9): for every active employee of the demo agency, this year's
opening balances carried from before FlexWork was used (N-1 and, for some, N-2, as HR enters them
in the first year of use), the year's entitlement, and the demo's approved annual leave of this
year taken from the buckets in the debit order. Through the services, so every number has its
ledger entry. A second run adds nothing."""

from __future__ import annotations

import random

from django.db import transaction

from flexwork.common.calendar import office_today
from flexwork.common.exceptions import ApplicationError
from flexwork.org.models import Agency, Employee
from leave import services
from leave.models import Bucket, EntryKind, LeaveBalance

OPENING_REASON = "Saldo awal dari catatan kepegawaian tahun lalu"


def seed_leave_balances(*, agency: Agency) -> int:
    """Returns how many employees got balances now."""
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    seeded = 0
    employees = Employee.objects.filter(agency=agency, is_active=True).select_related("unit", "agency")
    for employee in employees.order_by("id"):
        year = office_today(employee).year
        if LeaveBalance.objects.filter(employee=employee, year=year).exists():
            continue
        rng = random.Random(f"leave|{employee.nip}|{year}")
        with transaction.atomic():
            services.ensure_year(employee=employee, year=year)
            if services.ct_eligible_in_year(employee, year - 1):  # someone new this year carries nothing
                n1 = rng.choice((2, 3, 4, 6, 6, 6))
                services.balance_adjust(
                    actor=None,
                    employee=employee,
                    year=year,
                    bucket=Bucket.N1,
                    days=n1,
                    kind=EntryKind.OPENING,
                    reason=OPENING_REASON,
                )
                if rng.random() < 0.25:
                    services.balance_adjust(
                        actor=None,
                        employee=employee,
                        year=year,
                        bucket=Bucket.N2,
                        days=6,
                        kind=EntryKind.OPENING,
                        reason=OPENING_REASON,
                    )
            taken = LeaveRequest.objects.filter(
                employee=employee, kind="CT", status=ApprovalStatus.APPROVED, date_from__year=year
            ).select_related("employee__unit", "employee__agency")
            for leave in taken.order_by("date_from"):
                try:
                    with transaction.atomic():
                        services.hold(leave_request=leave)
                        services.debit(leave_request=leave)
                except ApplicationError:
                    continue  # more than the demo's balance: left as history only
        seeded += 1
    return seeded
