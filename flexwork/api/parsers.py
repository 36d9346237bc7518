"""The API's JSON parser: DRF's, with the input limits every endpoint relies on (docs/api.md "Errors").

- Nesting deeper than MAX_DEPTH is refused before the body is decoded: Python's json module recurses once
  per level, and 10,000 levels end in a RecursionError (a 500) instead of a 400.
- A string holding a NUL character (JSON "\\u0000") is refused with a field error naming where it is:
  PostgreSQL cannot store NUL in text, so it would otherwise fail at the database.
"""

from __future__ import annotations

import codecs
import re

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json

# No request body of this API nests more than a few levels (a work plan item inside a request).
MAX_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]")


def json_depth_exceeds(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text `raw` opens more than `limit` arrays/objects inside each other. Linear and
    without recursion; brackets inside strings do not count. Malformed text is left to the decoder."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    depth = 0
    for byte in brackets:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def nul_paths(data) -> list[str]:
    """The dotted paths ("work_plan.0.description") of every string, key or value, holding a NUL."""
    found: list[str] = []
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(path or "non_field_errors")
        elif isinstance(value, dict):
            for key, inner in value.items():
                inner_path = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    found.append(path or "non_field_errors")
                    continue
                stack.append((inner_path, inner))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), inner) for index, inner in enumerate(value))
    return sorted(set(found))


class LimitedJSONParser(JSONParser):
    """DEFAULT_PARSER_CLASSES' JSON parser (settings/base.py)."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = (parser_context.get("encoding") or "utf-8").lower()
        raw = stream.read() if stream is not None else b""
        # The depth scan reads bytes: only for the encodings JSON uses in practice (ASCII-compatible).
        if encoding.replace("-", "") in ("utf8", "ascii", "latin1", "iso88591") and json_depth_exceeds(
            raw, self.max_depth
        ):
            raise exceptions.ParseError(
                _("The JSON body nests more than %(depth)d levels deep.") % {"depth": self.max_depth}
            )
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise exceptions.ParseError(
                _("The JSON body nests more than %(depth)d levels deep.") % {"depth": self.max_depth}
            ) from None
        except (ValueError, LookupError) as exc:
            raise exceptions.ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        paths = nul_paths(data)
        if paths:
            message = _("Text may not contain the NUL character.")
            raise exceptions.ValidationError({path: [message] for path in paths})
        return data
