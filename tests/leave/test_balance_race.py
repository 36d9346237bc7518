"""Two requests racing for the last days of a balance (docs/rules.md §9 "Buckets"): one wins, the
other is refused with LEAVE_BALANCE, and the bucket is never overdrawn. Real threads, each with its
own PostgreSQL connection and transaction."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction

from attendance.models import LeaveRequest
from flexwork.common.exceptions import ApplicationError
from leave import services
from leave.models import Bucket, EntryKind
from tests.leave.rules_helpers import MONDAY, act, emp, leave, n

D = datetime.timedelta


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_last_days_one_wins(employee_a):
    services.balance_adjust(
        actor=None,
        employee=emp(employee_a),
        year=2027,
        bucket=Bucket.N,
        days=-8,
        kind=EntryKind.CORRECTION,
        reason="Sisa cuti 4 hari",
    )
    first = leave(employee_a, MONDAY, MONDAY + D(days=2), submit=False)  # 3 days
    second = leave(employee_a, MONDAY + D(days=7), MONDAY + D(days=9), submit=False)  # 3 more
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def submit(request_id: int):
        try:
            obj = LeaveRequest.objects.select_related("employee__unit", "employee__agency").get(id=request_id)
            barrier.wait(timeout=30)
            with transaction.atomic():
                act(obj, "submit", employee_a)
            outcomes[request_id] = "ok"
        except ApplicationError as error:
            outcomes[request_id] = error.violations[0]["code"] if error.violations else error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(obj.id,)) for obj in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["LEAVE_BALANCE", "ok"]
    assert n(employee_a, 2027) == (4, 3, 0)
