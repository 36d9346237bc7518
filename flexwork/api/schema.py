"""OpenAPI: every operation documents the error responses of api.md with one shared shape."""

from drf_spectacular import openapi
from drf_spectacular.utils import extend_schema_serializer
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


ERRORS_EVERY_OPERATION = ("400", "401", "403", "404", "429", "503")
ERRORS_WITH_BODY = ("409", "413", "415")


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = list(ERRORS_EVERY_OPERATION)
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ERRORS_WITH_BODY
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses
