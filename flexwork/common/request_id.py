"""A request id for every request and every task it starts, so one line of a log leads to the others.

The middleware takes the caller's `X-Request-ID` when it is well formed (a proxy or a phone that made
one), else makes one, and echoes it in the response. While the request runs the id sits in a context
variable: the logging filter (`flexwork.common.logging.RequestIdFilter`) writes it on every line, and
a task published meanwhile (the outbox publishes when the request's transaction commits) carries it in
its message headers; the worker puts it back into the context variable for the task's own lines and
for any task that task publishes."""

from __future__ import annotations

import contextvars
import re
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
# Letters, digits, dot, underscore, hyphen: a UUID, a proxy's hex id, a trace id. Anything else
# (spaces, quotes, newlines that would forge a log line, a 10 KB header) is replaced by our own.
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("flexwork_request_id", default=None)


def request_id_current() -> str | None:
    return _current.get()


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str | None:
    """The caller's id if it is well formed, else None."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every later middleware's log line and every response carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_accept(request.META.get(META_KEY)) or request_id_new()
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


@before_task_publish.connect(dispatch_uid="flexwork-request-id-publish")
def _request_id_to_headers(headers=None, **kwargs):
    request_id = _current.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


# A task's context variable, keyed by task id: prerun and postrun run in the same thread, but a
# token cannot be passed between them through the signal.
_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect(dispatch_uid="flexwork-request-id-prerun")
def _request_id_from_headers(task_id=None, task=None, **kwargs):
    request = getattr(task, "request", None)
    request_id = request_id_accept(getattr(request, TASK_HEADER, None))
    if request_id is None or task_id is None or getattr(request, "is_eager", False):
        return  # eager tasks run inside the caller, which already has its id
    _task_tokens[task_id] = _current.set(request_id)


@task_postrun.connect(dispatch_uid="flexwork-request-id-postrun")
def _request_id_forget(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # set in another context (never in a prefork or solo pool): just clear it
            _current.set(None)
