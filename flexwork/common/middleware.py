from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from flexwork.common.i18n import language_from_accept_header, supported_language, user_language
from flexwork.common.timezones import zone_for_user


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


DISCARD_CHUNK_BYTES = 64 * 1024


def request_body_discard(request: HttpRequest, length: int) -> bool:
    """Read and throw away a refused body, so that the client, still sending, receives the answer: a
    server that closes a socket with unread data makes the kernel send a reset, and the phone shows a
    network error instead of "file too large". Bodies beyond FLEXWORK_DISCARD_MAX_BYTES are not read
    (whoever sends those gets the reset). Returns whether the whole body was read."""
    if length > settings.FLEXWORK_DISCARD_MAX_BYTES:
        return False
    try:
        while request.read(DISCARD_CHUNK_BYTES):
            pass
    except OSError:  # the client went away (Django's UnreadablePostError is an OSError)
        return False
    return True


class RequestSizeMiddleware:
    """Refuse bodies larger than the evidence limit without parsing them: 413, JSON under /api/. The body
    is read and discarded first, so the 413 reaches the client (docs/api.md "Errors")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FLEXWORK_MAX_REQUEST_BYTES:
            from flexwork.api.errors import too_large_response

            request_body_discard(request, length)
            return too_large_response(request)
        return self.get_response(request)


class UserLanguageMiddleware:
    """Replaces LocaleMiddleware. Pages: the language cookie (the switch), else the user's
    profile, else Bahasa Indonesia; a browser's Accept-Language does not override the default.
    API: Accept-Language, else the profile (set again after token authentication), else Indonesian."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if is_api_path(request.path):
            language = language_from_accept_header(request.headers.get("Accept-Language", ""))
            request.explicit_api_language = language is not None
            language = language or user_language(user) or settings.LANGUAGE_CODE
        else:
            language = (
                supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
                or user_language(user)
                or settings.LANGUAGE_CODE
            )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class UserTimeZoneMiddleware:
    """Show times in the viewer's office zone (WIB / WITA / WIT; docs/rules.md §1). A token
    request's user is only known after DRF authentication: BaseApi.initial activates the caller's
    zone then; this middleware deactivates it after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(zone_for_user(getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
