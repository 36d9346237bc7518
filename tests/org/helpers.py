from django.db import connection
from django.test.utils import CaptureQueriesContext

ERROR_KEYS = {"message", "code", "fields", "violations"}


def assert_error(response, status: int, *, field: str | None = None, code: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    if field:
        assert field in body["fields"], body
    if code:
        assert body["code"] == code, body
    return body


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)
