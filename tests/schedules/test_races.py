"""Races with real concurrent transactions on PostgreSQL: threads, each with its own connection,
released together by a barrier (no mocks)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from flexwork.approvals.models import ApprovalStatus, Transition
from flexwork.common.exceptions import ApplicationError
from schedules import services
from schedules.models import ArrangementRequest, ArrangementRequestEvent, ScheduleDay
from tests.schedules.conftest import create, days, fetch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # A transactional test flushes the tables; content type ids cached by earlier tests are stale.
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def run_concurrently(calls) -> list:
    """Run each callable in its own thread and transaction; return a status per call."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            call()
            outcomes[index] = 200
        except ApplicationError as exc:
            outcomes[index] = exc.status_code
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_twenty_concurrent_decisions_make_exactly_one_transition(employee_a, supervisor_a, unit_head_a, monday):
    ar = create(employee_a, days(monday, 0, 4))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    events_before = ArrangementRequestEvent.objects.filter(pgh_obj_id=ar.id).count()

    def decide(i):
        def call():
            if i % 2:
                services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
            else:
                services.arrangement_request_reject(arrangement_request=fetch(ar), actor=unit_head_a, note="x")

        return call

    outcomes = run_concurrently([decide(i) for i in range(20)])

    assert outcomes.count(200) == 1, outcomes
    assert set(outcomes) <= {200, 409}, outcomes
    decided = Transition.objects.filter(object_id=ar.id, action__in=["approve", "reject"])
    assert decided.count() == 1
    assert ArrangementRequestEvent.objects.filter(pgh_obj_id=ar.id).count() == events_before + 1
    status = fetch(ar).status
    expected_days = 2 if status == ApprovalStatus.APPROVED else 0
    assert ScheduleDay.objects.filter(arrangement=ar).count() == expected_days


def test_two_requests_for_the_same_day_approved_at_once_leave_one_day(employee_a, supervisor_a, unit_head_a, monday):
    first = create(employee_a, days(monday, 0))
    second = create(employee_a, days(monday, 0))
    for ar in (first, second):
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    outcomes = run_concurrently(
        [
            lambda: services.arrangement_request_approve(
                arrangement_request=fetch(first), actor=unit_head_a, override_reason="ok"
            ),
            lambda: services.arrangement_request_approve(
                arrangement_request=fetch(second), actor=unit_head_a, override_reason="ok"
            ),
        ]
    )

    assert sorted(outcomes) == [200, 409], outcomes
    assert (
        ScheduleDay.objects.filter(employee__user=employee_a, local_date=monday, cancelled_at__isnull=True).count() == 1
    )
    statuses = sorted(ArrangementRequest.objects.filter(id__in=[first.id, second.id]).values_list("status", flat=True))
    assert statuses == ["approved", "recommended"]


def test_concurrent_approvals_in_one_week_never_exceed_the_cap(employee_a, supervisor_a, unit_head_a, monday):
    mon_tue = create(employee_a, days(monday, 0, 1))
    wed_thu = create(employee_a, days(monday, 2, 3), submit=False)
    # Submitted while the other is only pending: a soft warning, not a refusal.
    services.arrangement_request_submit(arrangement_request=fetch(wed_thu), actor=employee_a)
    for ar in (mon_tue, wed_thu):
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    outcomes = run_concurrently(
        [
            lambda: services.arrangement_request_approve(
                arrangement_request=fetch(mon_tue), actor=unit_head_a, override_reason="ok"
            ),
            lambda: services.arrangement_request_approve(
                arrangement_request=fetch(wed_thu), actor=unit_head_a, override_reason="ok"
            ),
        ]
    )

    assert sorted(outcomes) == [200, 400], outcomes
    away = ScheduleDay.objects.filter(employee__user=employee_a, cancelled_at__isnull=True).exclude(location="OFFICE")
    assert away.count() == 2
