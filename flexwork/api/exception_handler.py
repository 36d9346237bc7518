"""The single API error handler (HackSoft api/exception_handlers.py): every 4xx and 503 in the
shape of docs/api.md, in the caller's language, with the transaction rolled back."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from flexwork.api.errors import RETRY_AFTER_SECONDS, error_body
from flexwork.common.exceptions import ApplicationError

security_logger = logging.getLogger("django.security")


def _flatten(detail) -> dict[str, list[str]]:
    """DRF's nested error detail → {"field": ["message", ...]} (nested keys joined with dots)."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in value)
            else:
                for index, inner in enumerate(value):
                    walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            out.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", detail)
    return out


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    headers: dict[str, str] = {}
    if isinstance(exc, ApplicationError):
        set_rollback()
        body = error_body(exc.message, exc.code, exc.fields, exc.violations)
        return Response(body, status=exc.status_code)

    if isinstance(exc, DjangoValidationError):
        fields = _django_validation_fields(exc)
        set_rollback()
        return Response(error_body(_("Some fields are not valid."), "invalid", fields), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Form fields beyond DATA_UPLOAD_MAX_MEMORY_SIZE (files have their own limit in the service).
        set_rollback()
        return Response(error_body(_("The upload is too large."), "too_large"), status=413)
    elif isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a bad multipart boundary, …: bad input, never a 500.
        security_logger.warning("suspicious request: %s", exc)
        exc = exceptions.ParseError()
    elif isinstance(exc, (OperationalError, InterfaceError)):
        set_rollback()
        body = error_body(_("The service is briefly unavailable. Please try again in a moment."), "service_unavailable")
        return Response(body, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's handler500 answers

    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        authenticator = context["request"].authenticators[0] if context.get("request") else None
        if authenticator is not None and "WWW-Authenticate" not in headers:
            header = authenticator.authenticate_header(context["request"])
            if header:
                headers["WWW-Authenticate"] = header
        exc.status_code = status.HTTP_401_UNAUTHORIZED

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("Some fields are not valid.")
        code = "invalid"
    else:
        fields = {}
        detail = exc.detail
        if isinstance(detail, dict | list):
            fields = _flatten(detail)
            message = str(exc.default_detail)
        else:
            message = str(detail)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, exceptions.ErrorDetail) and detail.code:
            code = detail.code
    set_rollback()
    return Response(error_body(message, code, fields), status=exc.status_code, headers=headers)
