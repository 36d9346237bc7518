"""Assertions shared by the API tests.

Every API error has one shape (flexwork/api/exception_handler.py, docs/api.md): a JSON object with
exactly `message` (a non-empty text in the caller's language), `code` (a stable machine code),
`fields` (field name → list of messages) and `violations` (the rule violations, each with a `code`)."""

from __future__ import annotations

from collections.abc import Iterable

ERROR_KEYS = frozenset({"message", "code", "fields", "violations"})


def assert_error(
    response,
    status: int,
    code: str | None = None,
    *,
    fields: Iterable[str] | None = None,
    violation_codes: Iterable[str] | None = None,
) -> dict:
    """Assert that `response` is an API error of `status` (and `code`, when given) in the one error
    shape; returns its body.

    `fields`: the field names that must each carry a message (others may too).
    `violation_codes`: the rule codes that must each be among the violations (in any order)."""
    assert response.status_code == status, (response.status_code, response.content[:1000])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["fields"], dict), body
    assert isinstance(body["violations"], list), body
    if code is not None:
        assert body["code"] == code, body
    if fields is not None:
        fields = [fields] if isinstance(fields, str) else list(fields)
        missing = [name for name in fields if not body["fields"].get(name)]
        assert not missing, (missing, body)
    if violation_codes is not None:
        violation_codes = [violation_codes] if isinstance(violation_codes, str) else list(violation_codes)
        present = {violation.get("code") for violation in body["violations"]}
        missing = [rule for rule in violation_codes if rule not in present]
        assert not missing, (missing, body)
    return body


def post_concurrently(user, path: str, *, count: int = 10, body=None) -> list:
    """`count` identical POSTs by `user`, released together by a barrier, each in its own thread,
    database connection and request transaction (use in `django_db(transaction=True)` tests).
    Returns (status, error code or None) per call; an exception in a thread is returned as text."""
    import threading

    from django.db import connection
    from rest_framework.test import APIClient

    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def worker(index):
        try:
            api = APIClient()
            api.force_authenticate(user=user)
            barrier.wait(timeout=30)
            response = api.post(path, body or {}, format="json")
            code = response.json().get("code") if response.status_code >= 400 else None
            outcomes[index] = (response.status_code, code)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted by the caller
            outcomes[index] = (repr(exc), None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
