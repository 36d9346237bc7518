"""Which language a request is answered in (Bahasa Indonesia first)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def supported_language(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def language_from_accept_header(header: str) -> str | None:
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            continue
        found = supported_language(code)
        if found:
            return found
    return None


def user_language(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return supported_language(getattr(user, "language", None))
