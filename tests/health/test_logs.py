"""JSON log lines with the request id, one line for a 4xx, and the X-Request-ID header."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from flexwork.common.request_id import RequestIdMiddleware, request_id_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the configured console handler (LOGGING in settings/base.py) writes, line by line."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def lines(stream) -> list[dict]:
    return [json.loads(raw) for raw in stream.getvalue().splitlines()]


def test_a_response_carries_a_new_request_id(client):
    response = client.get("/healthz")

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_a_well_formed_request_id_is_kept(client):
    for given in ("0f8fad5b-d9cb-469f-a165-70867728950e", "a1b2c3d4e5f60718", "proxy.req_42-abc"):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


def test_a_malformed_request_id_is_replaced(client):
    for given in ("short", "x" * 129, "abc def ghi", 'abc"}{"level":"ERROR', "line\nbreak-1234", "ümlaut-12345"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"]
        assert answered != given
        assert re.fullmatch(r"[0-9a-f]{32}", answered)


def test_a_log_line_is_json_with_the_request_id_and_extra_fields(log_output):
    def view(request):
        logging.getLogger("flexwork.tests").info("report %s asked for", "march", extra={"run_id": 7})
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/x", HTTP_X_REQUEST_ID="abcdef0123456789"))

    (line,) = [entry for entry in lines(log_output) if entry["logger"] == "flexwork.tests"]
    assert line["message"] == "report march asked for"
    assert line["request_id"] == response["X-Request-ID"] == "abcdef0123456789"
    assert line["run_id"] == 7
    assert line["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert request_id_current() is None  # nothing left behind for the next request on this thread


def test_a_403_is_one_line_with_the_request_id_and_no_traceback(client, employee_a, log_output):
    client.force_login(employee_a)

    response = client.get("/reports/", HTTP_X_REQUEST_ID="forbidden-0123456789")

    assert response.status_code == 403
    raw = [text for text in log_output.getvalue().splitlines() if '"django.request"' in text]
    assert len(raw) == 1
    (line,) = [json.loads(text) for text in raw]
    assert line["message"] == "Forbidden (Permission denied): /reports/"
    assert (line["status_code"], line["method"], line["path"]) == (403, "GET", "/reports/")
    assert line["request_id"] == "forbidden-0123456789"
    assert "exception" not in line and "Traceback" not in raw[0]


def test_a_404_is_one_line_with_the_request_id(client, employee_a, log_output):
    client.force_login(employee_a)

    page = client.get("/reports/999999999/", HTTP_X_REQUEST_ID="missing-0123456789")
    nowhere = client.get("/no-such-page/")

    assert (page.status_code, nowhere.status_code) == (404, 404)
    found = [entry for entry in lines(log_output) if entry["logger"] == "django.request"]
    assert [(entry["status_code"], entry["path"]) for entry in found] == [
        (404, "/reports/999999999/"),
        (404, "/no-such-page/"),
    ]
    assert found[0]["request_id"] == "missing-0123456789"
    assert found[1]["request_id"] == nowhere["X-Request-ID"]
    assert all("exception" not in entry for entry in found)


def test_a_server_error_keeps_its_traceback_on_one_line(log_output):
    try:
        raise PermissionError("disk full")
    except PermissionError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/x", exc_info=True, extra={"status_code": 500}
        )
    (raw,) = log_output.getvalue().splitlines()
    line = json.loads(raw)
    assert "Traceback" in line["exception"] and "disk full" in line["exception"]


def test_a_client_error_logged_with_an_exception_loses_only_the_traceback(log_output):
    logging.getLogger("django.security.SuspiciousOperation").error(
        "Invalid HTTP_HOST header", exc_info=PermissionDenied("x"), extra={"status_code": 400}
    )
    (line,) = lines(log_output)
    assert line["message"] == "Invalid HTTP_HOST header"
    assert "exception" not in line
