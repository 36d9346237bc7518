"""Evidence files over the API: upload (multipart), metadata, download."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from flexwork.api.views import BaseApi
from flexwork.common.models import EvidenceMediaType
from flexwork.common.selectors import evidence_get_for
from flexwork.common.services import evidence_upload
from flexwork.common.views import evidence_file_response


class IgnoreClientContentNegotiation(BaseContentNegotiation):
    """A download answers with the file's own type whatever the client's Accept says; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class EvidenceDetailApi(BaseApi):
    @extend_schema_serializer(component_name="Evidence")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="original_name")
        content_type = serializers.ChoiceField(source="media_type", choices=EvidenceMediaType.choices)
        size = serializers.IntegerField(help_text="In bytes.")
        sha256 = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="evidence_retrieve",
        tags=["evidence"],
        responses={200: OutputSerializer},
        description="An evidence file's metadata: yours until attached, then whoever its owner lets see it.",
    )
    def get(self, request, evidence_id: int):
        evidence = evidence_get_for(user=request.user, evidence_id=evidence_id)
        return Response(self.OutputSerializer(evidence).data)


class EvidenceUploadApi(BaseApi):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "evidence_upload"

    @extend_schema_serializer(component_name="EvidenceUploadInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            use_url=False, help_text="PDF, JPEG, PNG, DOCX or XLSX. The content decides the type, not the name."
        )

    @extend_schema(
        operation_id="evidence_upload",
        tags=["evidence"],
        request={"multipart/form-data": InputSerializer},
        responses={201: EvidenceDetailApi.OutputSerializer},
        description="Upload one evidence file (multipart field `file`). It stays private to the uploader until "
        "it is attached to a request or a log entry. Too large: 413 `too_large`; not an allowed type: 415 "
        "`unsupported_media_type`.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = evidence_upload(user=request.user, uploaded_file=serializer.validated_data["file"])
        return Response(EvidenceDetailApi.OutputSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadApi(BaseApi):
    content_negotiation_class = IgnoreClientContentNegotiation

    @extend_schema(
        operation_id="evidence_download",
        tags=["evidence"],
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in EvidenceMediaType.values},
        description="The file itself, as an attachment named after the uploaded file.",
    )
    def get(self, request, evidence_id: int):
        evidence = evidence_get_for(user=request.user, evidence_id=evidence_id)
        return evidence_file_response(evidence)
