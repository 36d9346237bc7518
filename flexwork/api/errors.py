"""Error responses outside DRF views: unknown /api/ URLs, CSRF failures, oversize bodies,
server errors and an unavailable database. Under /api/ they use the JSON shape of docs/api.md;
pages get a small HTML page in the site's look."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from flexwork.common.context_processors import flexwork as site_context
from flexwork.common.i18n import language_from_accept_header
from flexwork.common.middleware import is_api_path

logger = logging.getLogger("flexwork.api")

RETRY_AFTER_SECONDS = 5


def error_body(message: str, code: str, fields=None, violations=None) -> dict:
    return {"message": str(message), "code": code, "fields": fields or {}, "violations": violations or []}


def json_error(status: int, message: str, code: str, **extra_headers) -> JsonResponse:
    response = JsonResponse(error_body(message, code), status=status)
    for name, value in extra_headers.items():
        response[name.replace("_", "-")] = value
    return response


def _page(request, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "errors/error.html", {"title": title, "message": message}, status=status)


def _bare_page(status: int, title: str, message: str) -> HttpResponse:
    """The error page without the request's context processors (which may query the database that
    just failed), and plain text if even the template layer fails."""
    try:
        # The site's own context (its name for the header's home link, the zone of the footer), which
        # needs no request: the request's other context processors may query the failed database.
        html = render_to_string("errors/error.html", {"title": title, "message": message, **site_context(None)})
        return HttpResponse(html, status=status)
    except Exception:
        logger.exception("error page could not be rendered")
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    message = _("Not found.")
    if is_api_path(request.path):
        return json_error(404, message, "not_found")
    return _page(request, 404, _("Page not found"), _("The page you asked for does not exist or is not yours to see."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    message = _("You do not have permission to do this.")
    if is_api_path(request.path):
        return json_error(403, message, "permission_denied")
    return _page(request, 403, _("Not allowed"), message)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    message = _("The request could not be understood.")
    if is_api_path(request.path):
        return json_error(400, message, "bad_request")
    return _page(request, 400, _("Bad request"), message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _("The security token of this form is missing or out of date. Reload the page and try again.")
    if is_api_path(request.path):
        return json_error(403, message, "csrf_failed")
    return _page(request, 403, _("Form expired"), message)


def too_large_response(request: HttpRequest) -> HttpResponse:
    """Sent by RequestSizeMiddleware before the language middleware has run, and without reading the
    body: the caller's Accept-Language is honoured here, and the page needs no session."""
    language = language_from_accept_header(request.headers.get("Accept-Language", "")) or settings.LANGUAGE_CODE
    with translation.override(language):
        message = _("The upload is too large.")
        if is_api_path(request.path):
            response = json_error(413, message, "too_large")
        else:
            limit = filesizeformat(settings.EVIDENCE_MAX_BYTES)
            page_message = _(
                "The file you chose is larger than %(limit)s. Go back, choose a smaller file (a scan at a lower "
                "resolution, or a PDF instead of photos) and send the form again."
            ) % {"limit": limit}
            response = _bare_page(413, _("File too large"), page_message)
    response["Content-Language"] = language
    return response


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    message = _("The service is briefly unavailable. Please try again in a moment.")
    if is_api_path(request.path):
        response = json_error(503, message, "service_unavailable")
    else:
        response = _bare_page(503, _("Briefly unavailable"), message)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it inside its `except` block, so the exception is at hand: an
    unavailable database is a 503 with Retry-After, not a 500."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.warning("database unavailable: %s", exc)
        return database_unavailable_response(request)
    message = _("Something went wrong on our side. The error has been logged.")
    if is_api_path(request.path):
        return json_error(500, message, "server_error")
    return _bare_page(500, _("Server error"), message)
