"""The annual-leave balance as a card for the home page: `{% load leave_tags %}{% leave_balance_card %}`
(docs/rules.md §9 "Buckets"). Two queries: the employee, their buckets of this year."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("leave/_balance_card.html", takes_context=True)
def leave_balance_card(context) -> dict:
    from flexwork.common.calendar import office_today
    from flexwork.org.models import Employee
    from leave.models import Bucket
    from leave.selectors import balance_for

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"balance": None}
    employee = Employee.objects.select_related("unit", "agency").filter(user_id=user.pk, is_active=True).first()
    if employee is None:
        return {"balance": None}
    from leave import services as leave_services
    from leave.models import LeaveBalance

    year = office_today(employee).year
    balance = balance_for(employee_id=employee.id, year=year)
    # The buckets are listed when the days are not all this year's own (N).
    split = any(line.granted for line in balance.lines if line.bucket != Bucket.N)
    available = balance.available
    if not LeaveBalance.objects.filter(employee_id=employee.id, year=year, bucket=Bucket.N).exists():
        available += leave_services.entitlement(employee, year)  # the year's days, granted at its first use
    return {"balance": balance, "split": split, "available": available}


@register.filter
def bucket_short(bucket: str) -> str:
    """A bucket as the official form names it: N-2, N-1, N, or "Deferred"."""
    from leave.views import FORM_LABELS

    return str(FORM_LABELS.get(bucket, bucket))
