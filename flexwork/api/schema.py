"""OpenAPI: every operation documents the error responses of docs/api.md with one shared shape."""

import inspect

from drf_spectacular import openapi
from drf_spectacular.plumbing import append_meta, get_doc
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="Violation")
class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=["hard", "soft", "info"])
    message = serializers.CharField()
    source = serializers.CharField()
    dates = serializers.ListField(child=serializers.DateField())


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Readable, in the caller's language.")
    code = serializers.CharField(help_text="A stable machine word, e.g. not_found, invalid, policy_violation.")
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    violations = ViolationSerializer(many=True)


# Wall-clock times ("07:30", "07:30:00"). JSON Schema's "time" format means RFC 3339 full-time, which
# demands a UTC offset that these office-local times do not have.
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"

ERRORS_EVERY_OPERATION = ("400", "401", "403", "404", "429", "503")
ERRORS_WITH_BODY = ("409", "413", "415")
# The meaning of each status in docs/api.md, shown next to the Error body.
ERROR_DESCRIPTIONS = {
    "400": "Malformed input, or a hard policy rule violated (`fields`, `violations`).",
    "401": "No or bad credentials (with `WWW-Authenticate`).",
    "403": "The object is in the caller's scope, but the role may not do this (also `csrf_failed`).",
    "404": "Unknown, or outside the caller's scope.",
    "409": "The object changed meanwhile, or a uniqueness conflict.",
    "413": "Upload or body too large (`too_large`).",
    "415": "Wrong content type (`unsupported_media_type`).",
    "429": "Rate limited (with `Retry-After`).",
    "503": "The database or another dependency is unavailable (with `Retry-After`).",
}


class AutoSchema(openapi.AutoSchema):
    def get_description(self) -> str:
        """The operation's own docstring or its view's, never one inherited from BaseApi."""
        action_or_method = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        own_doc = self.view.__class__.__dict__.get("__doc__")
        return get_doc(action_or_method) or (inspect.cleandoc(own_doc) if own_doc else "")

    def _get_paginator(self):
        """Every list of the API is paginated (docs/api.md), also in views that paginate by hand with
        flexwork.api.pagination instead of naming a `pagination_class`."""
        from flexwork.api.pagination import LimitOffsetPagination

        return super()._get_paginator() or LimitOffsetPagination()

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.TimeField):
            schema = {"type": "string", "pattern": TIME_PATTERN, "example": "07:30"}
            return append_meta(schema, self._get_serializer_field_meta(field, direction))
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.EmailField) and field.allow_blank and schema.get("format") == "email":
            # "" means "no e-mail address": not an address, but allowed.
            schema = {k: v for k, v in schema.items() if k not in ("type", "format")}
            schema["oneOf"] = [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = list(ERRORS_EVERY_OPERATION)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ERRORS_WITH_BODY
        for code in codes:
            if code not in responses:
                error = OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[code] = self._get_response_for_code(error, code)
        return responses
