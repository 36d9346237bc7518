"""Ten identical check-ins at the same moment, each in its own thread, connection and request
transaction: the unique constraint and INSERT … ON CONFLICT leave exactly one row."""

import threading
import uuid

import pytest
from django.db import connection

from attendance.models import CheckEvent, IdempotencyKey

CHECK_IN = "/api/v1/attendance/check-in/"
THREADS = 10


def _race(user, headers_for) -> list[int]:
    from rest_framework.test import APIClient

    barrier = threading.Barrier(THREADS)
    codes: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        try:
            client = APIClient()
            client.force_authenticate(user=user)
            barrier.wait(timeout=10)
            response = client.post(
                CHECK_IN, {"latitude": -5.1477, "longitude": 119.4327, "accuracy": 8}, format="json",
                **headers_for(index),
            )  # fmt: skip
            with lock:
                codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_check_ins_make_one_row(employee_a):
    codes = _race(employee_a, lambda index: {})
    assert sorted(codes) == [200] * (THREADS - 1) + [201]
    assert CheckEvent.objects.count() == 1
    assert CheckEvent.objects.get().attempt_count == 1


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_requests_with_one_idempotency_key_record_once(employee_a):
    key = str(uuid.uuid4())
    codes = _race(employee_a, lambda index: {"HTTP_IDEMPOTENCY_KEY": key})
    assert codes == [201] * THREADS  # one did the work, nine replayed its answer
    assert CheckEvent.objects.count() == 1 and IdempotencyKey.objects.count() == 1
