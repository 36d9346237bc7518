"""Log lines as JSON objects, one per line, with the request id (flexwork.common.request_id).

Used by LOGGING in settings/base.py for web processes and, through flexwork.celery's setup_logging
receiver, for workers and beat. Standard library only."""

from __future__ import annotations

import datetime
import json
import logging

# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a
# field of its own when it is a plain value.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
_PLAIN = (str, int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    """Puts `request_id` (and, in a worker, `task_id` and `task_name`) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flexwork.common.request_id import request_id_current

        request_id = request_id_current()
        if request_id is None:
            # django.request logs a 4xx after the middleware has returned; the request still knows its id.
            request_id = getattr(getattr(record, "request", None), "request_id", None)
        record.request_id = request_id
        if not hasattr(record, "task_id"):
            from celery._state import get_current_task

            task = get_current_task()
            if task is not None and getattr(task.request, "id", None):
                record.task_id = task.request.id
                record.task_name = task.name
        return True


class ClientErrorOneLineFilter(logging.Filter):
    """A 4xx answer is the caller's mistake, not ours: one line, no traceback. Django logs a
    PermissionDenied (403) and a SuspiciousOperation (400) with the exception attached."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id", ...}: UTC time in ISO 8601 with
    milliseconds, an `exception` field with the traceback text when there is one, and the plain
    values given in `extra=`. Newlines stay inside the JSON string, so each record is one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", None)
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "request" and isinstance(value, _PLAIN):
                entry[key] = value
        if entry.get("request_id") is None:
            entry.pop("request_id", None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
