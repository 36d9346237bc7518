"""The race tests/schedules/test_races.py and tests/attendance/test_concurrency.py do not run yet:
50 overlapping requests for one employee, created at once and then approved at once. (20 concurrent
decisions, 10 identical check-ins and two half-weeks against the weekly cap are covered there.)"""

from __future__ import annotations

import pytest

from schedules import services
from schedules.models import ArrangementRequest, ScheduleDay
from tests.schedules.conftest import create, days, fetch
from tests.schedules.test_races import _fresh_content_types, run_concurrently  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = 50


def test_fifty_overlapping_requests_for_one_employee_leave_one_arrangement_per_day(
    employee_a, supervisor_a, unit_head_a, monday
):
    dates = days(monday, 0, 1)
    outcomes = run_concurrently([lambda: create(employee_a, dates) for _ in range(COUNT)])
    assert set(outcomes) <= {200, 400, 409}, outcomes
    requests = list(ArrangementRequest.objects.filter(employee__user=employee_a, status="submitted"))
    assert requests, outcomes
    for ar in requests:
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    approvals = run_concurrently(
        [
            (lambda ar=ar: services.arrangement_request_approve(
                arrangement_request=fetch(ar), actor=unit_head_a, override_reason="ok"))
            for ar in requests
        ]
    )  # fmt: skip

    assert approvals.count(200) == 1, approvals
    assert set(approvals) <= {200, 400, 409}, approvals
    for day in dates:
        active = ScheduleDay.objects.filter(employee__user=employee_a, local_date=day, cancelled_at__isnull=True)
        assert active.count() == 1
    assert ArrangementRequest.objects.filter(employee__user=employee_a, status="approved").count() == 1
