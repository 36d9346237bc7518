"""A PPPK's family days (docs/rules.md §9 "Family days"; PP 49/2018 Pasal 79, Perban BKN 7/2022).

Before `ct_min_service_months` of service a PPPK may take annual leave for one of the listed family
reasons (a family member seriously ill or deceased, a deceased's affairs, a first marriage), at most
`pppk_family_ct_days` (6) working days in all, counting approved and waiting requests. No balance exists
yet: such a leave holds nothing; approved, its days are owed (`FamilyLeaveDays`) and come off N of the
first year the employee is entitled to annual leave (`settle`, called by `leave.services.ensure_year`)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from flexwork.org.models import Employee
from flexwork.org.models.organisation import EmployeeType

CT_FAMILY_DAYS = "CT_FAMILY_DAYS"
# The family reasons of a PPPK's early annual leave (the reasons of a CAP they share).
FAMILY_REASONS = ("FAMILY_ILL", "FAMILY_DEATH", "DECEASED_AFFAIRS", "MARRIAGE")
PPPK_TYPES = (EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU)
# The requests whose family days count towards the limit: waiting for a decision or approved.
COUNTED_STATUSES = ("submitted", "recommended", "approved")


def _policy(employee: Employee):
    from flexwork.org.selectors import policy_for

    return policy_for(agency=employee.agency_id, unit=employee.unit)


def before_annual_leave(employee: Employee, day: datetime.date, policy=None) -> bool:
    """A PPPK before the first day of annual leave (the TMT known) on `day`."""
    from leave.services import ct_eligible_from

    if employee.employee_type not in PPPK_TYPES:
        return False
    eligible = ct_eligible_from(employee, policy or _policy(employee))
    return eligible is not None and day < eligible


def offered(employee: Employee, today: datetime.date | None = None) -> bool:
    """The leave form offers the family reasons of annual leave (a PPPK not yet entitled to it)."""
    from flexwork.common.calendar import office_today

    return before_annual_leave(employee, today or office_today(employee))


def is_family_ct(employee: Employee, kind: str, sub_reason: str, date_from: datetime.date, policy=None) -> bool:
    """An annual leave for a family reason of a PPPK before annual leave: it takes no balance."""
    return kind == "CT" and sub_reason in FAMILY_REASONS and before_annual_leave(employee, date_from, policy)


def is_family_request(leave_request) -> bool:
    return is_family_ct(leave_request.employee, leave_request.kind, leave_request.sub_reason, leave_request.date_from)


def _days(employee: Employee, date_from: datetime.date, date_to: datetime.date) -> int:
    from leave.services import counted_dates

    return len(counted_dates(employee=employee, date_from=date_from, date_to=date_to))


def days_taken(employee: Employee, leave_request=None) -> int:
    """The working days of the employee's family annual leave waiting or approved, the request itself left out."""
    from attendance.models import LeaveRequest

    others = LeaveRequest.objects.filter(
        employee_id=employee.id, kind="CT", sub_reason__in=FAMILY_REASONS, status__in=COUNTED_STATUSES
    )
    if leave_request is not None and leave_request.id:
        others = others.exclude(id=leave_request.id)
    return sum(_days(employee, a, b) for a, b in others.values_list("date_from", "date_to"))


def rule_family(
    employee: Employee,
    kind: str,
    sub_reason: str,
    date_from: datetime.date,
    date_to: datetime.date,
    policy,
    leave_request=None,
) -> list[dict]:
    """A family reason on annual leave only for a PPPK before annual leave; at most `pppk_family_ct_days`
    working days in all, counting the approved and waiting ones."""
    from leave.rules import violation

    if kind != "CT" or not sub_reason:
        return []
    if not is_family_ct(employee, kind, sub_reason, date_from, policy):
        message = _(
            "A family reason is given on annual leave only by a PPPK before %(months)d months of service: "
            "leave the reason empty."
        ) % {"months": policy.ct_min_service_months}
        return [violation(CT_FAMILY_DAYS, message, (date_from,))]
    asked = _days(employee, date_from, date_to)
    before = days_taken(employee, leave_request)
    limit = policy.pppk_family_ct_days
    if before + asked <= limit:
        return []
    message = _(
        "Before annual leave a PPPK may take at most %(limit)d days for family reasons: %(taken)d already "
        "taken or asked, %(asked)d asked now."
    ) % {"limit": limit, "taken": before, "asked": asked}
    return [violation(CT_FAMILY_DAYS, message, (date_to,))]


def record_owed(*, leave_request) -> int:
    """At approval: the family leave's working days are owed to the first N (once per request)."""
    if not is_family_request(leave_request):
        return 0
    from leave.models import FamilyLeaveDays

    employee = leave_request.employee
    days = _days(employee, leave_request.date_from, leave_request.date_to)
    FamilyLeaveDays.objects.get_or_create(
        leave_request=leave_request,
        defaults={"agency_id": employee.agency_id, "employee": employee, "days": days},
    )
    _settle_now(employee)
    return days


def _settle_now(employee: Employee) -> None:
    """When the first entitled year's N was granted already, the owed days come off it now."""
    from leave.models import Bucket, LeaveBalance
    from leave.services import ct_eligible_from

    eligible = ct_eligible_from(employee)
    if eligible is None:
        return
    row = (
        LeaveBalance.objects.select_for_update(of=("self",))
        .filter(employee_id=employee.id, year=eligible.year, bucket=Bucket.N, granted__gt=0)
        .first()
    )
    if row is not None:
        settle(employee=employee, row=row)


def forgive(*, leave_request) -> None:
    """A cancelled family leave owes nothing (when N has not been granted yet)."""
    from leave.models import FamilyLeaveDays

    FamilyLeaveDays.objects.filter(leave_request_id=leave_request.id, settled_year__isnull=True).delete()


def settle(*, employee: Employee, row) -> int:
    """Take the owed family days off a freshly granted N (a FAMILY_DAYS entry), as far as N goes.
    Called by `leave.services.ensure_year` under the employee's lock. Returns the days taken."""
    from leave.models import EntryKind, FamilyLeaveDays
    from leave.services import _entry

    owed = list(FamilyLeaveDays.objects.filter(employee_id=employee.id, settled_year__isnull=True))
    days = min(sum(item.days for item in owed), row.granted - row.held - row.used)
    if not owed or days <= 0:
        return 0
    row.granted -= days
    row.save(update_fields=["granted", "updated_at"])
    _entry(row, EntryKind.FAMILY_DAYS, -days)
    FamilyLeaveDays.objects.filter(id__in=[item.id for item in owed]).update(settled_year=row.year)
    return days
