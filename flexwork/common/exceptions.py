"""One error type for the core (HackSoft ApplicationError). The API handler renders it in the
shape of docs/api.md; HTML views show `message` and `fields` in the form."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: dict[str, list[str]] | None = None,
        violations: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        if status_code is not None:
            self.status_code = status_code
        self.fields = fields or {}
        self.violations = violations or []


class ConflictError(ApplicationError):
    """The object changed meanwhile (a lost compare-and-swap) or a uniqueness conflict: 409."""

    status_code = 409
    default_code = "conflict"
