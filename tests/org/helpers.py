from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.helpers import ERROR_KEYS
from tests.helpers import assert_error as assert_api_error

__all__ = ["ERROR_KEYS", "assert_error", "queries_for"]


def assert_error(response, status: int, *, field: str | None = None, code: str | None = None):
    """tests.helpers.assert_error with one field that must carry a message."""
    return assert_api_error(response, status, code, fields=[field] if field else None)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)
