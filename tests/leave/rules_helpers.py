"""Helpers of the leave-rule tests (docs/rules.md §9). employee_a's chain: supervisor_a recommends,
unit_head_a decides. Dates are in 2027 and later, so lead times are met from today (no holidays are
seeded in tests unless a test adds them)."""

from __future__ import annotations

import datetime

from attendance import requests as request_services
from leave import services
from leave.models import Bucket, EntryKind, LeaveBalance
from leave.selectors import balance_for

MONDAY = datetime.date(2027, 3, 1)


def emp(user):
    return user.employee


def grant(user, year: int, bucket: str, days: int, kind: str = EntryKind.OPENING) -> LeaveBalance:
    return services.balance_adjust(
        actor=None, employee=emp(user), year=year, bucket=bucket, days=days, kind=kind, reason="Saldo awal"
    )


def leave(user, date_from, date_to=None, *, kind="CT", submit=True):
    return request_services.leave_request_create(
        user=user, kind=kind, date_from=date_from, date_to=date_to or date_from, submit=submit
    )


def act(obj, action, user, note="", override_reason=""):
    return request_services.request_act(obj=obj, action=action, actor=user, note=note, override_reason=override_reason)


def approve(obj, supervisor, decider, override_reason=""):
    act(obj, "recommend", supervisor)
    return act(obj, "approve", decider, override_reason=override_reason)


def numbers(user, year: int) -> dict[str, tuple[int, int, int]]:
    """(granted, held, used) per bucket."""
    balance = balance_for(employee_id=emp(user).id, year=year)
    return {line.bucket: (line.granted, line.held, line.used) for line in balance.lines}


def n(user, year: int) -> tuple[int, int, int]:
    return numbers(user, year)[Bucket.N]
