"""Every route of the URL resolver, walked recursively, with its path parameters filled from real
agency-A objects. A route whose parameter the mapping does not know fails the access matrix, so a
new route cannot escape it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # the full pattern, as written in the urlconfs
    name: str | None
    callback: object

    @property
    def params(self) -> list[str]:
        return [m.group("name") or m.group("rname") for m in PARAM.finditer(self.pattern)]

    @property
    def key(self) -> str:
        return self.name or self.pattern

    @property
    def is_api(self) -> bool:
        """API views (DRF) answer 401 to the anonymous, wherever they are mounted."""
        return self.pattern.lstrip("^").startswith("api/") or getattr(self.callback, "cls", None) is not None

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    def methods(self) -> list[str]:
        """The methods the view answers: DRF views say so; for other views try GET and POST."""
        cls = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        if cls is not None and getattr(self.callback, "cls", None) is not None:
            return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
        return ["get", "post"]

    def path(self, values: dict[str, str]) -> str:
        def fill(match):
            return str(values[match.group("name") or match.group("rname")])

        text = PARAM.sub(fill, self.pattern)
        text = text.replace("^", "").replace("$", "").replace("\\.", ".")
        return "/" + text


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                routes.append(Route(prefix + str(p.pattern), p.name, p.callback))

    walk(get_resolver().url_patterns, "")
    return routes
