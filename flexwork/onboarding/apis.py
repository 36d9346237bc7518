"""Import API (docs/api.md): POST /api/v1/imports/ → preview; POST /api/v1/imports/{id}/confirm/.

Each body reads: parse input → selector (scope; 404 outside) → role (403) → service → output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from flexwork.api.views import BaseApi
from flexwork.onboarding import selectors, services
from flexwork.onboarding.importing import row_error
from flexwork.onboarding.models import ImportKind
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency

PREVIEW_ERRORS_SHOWN = 1000


@extend_schema_serializer(component_name="ImportRowError")
class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number in the file (the header is row 1).")
    column = serializers.CharField(help_text="The column's header.")
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="ImportBatch")
class ImportBatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    status = serializers.CharField()
    original_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    row_count = serializers.IntegerField()
    new_count = serializers.IntegerField()
    changed_count = serializers.IntegerField()
    unchanged_count = serializers.IntegerField()
    error_count = serializers.IntegerField(help_text="Rows with at least one error.")
    can_confirm = serializers.BooleanField()
    errors = serializers.SerializerMethodField(help_text=f"The first {PREVIEW_ERRORS_SHOWN} row errors.")

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, batch) -> list[dict]:
        return [row_error(e).as_dict() for e in batch.errors[:PREVIEW_ERRORS_SHOWN]]


class ImportCreateApi(BaseApi):
    """Upload a CSV (UTF-8, `,` or `;`) or XLSX file with the template's headers and get its
    preview: nothing is written until the import is confirmed. HR admins only."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="ImportCreateInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        kind = serializers.ChoiceField(choices=[("employees", "employees"), ("units", "units")])

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportBatchOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        scope = org_scope.require_agency(request.user)
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        batch = services.import_preview(
            agency=Agency.objects.get(id=scope.agency_id),
            kind=serializer.validated_data["kind"].upper(),
            data=upload.read(),
            name=upload.name or "",
            uploaded_by=request.user,
        )
        return Response(ImportBatchOutputSerializer(batch).data, status=status.HTTP_201_CREATED)


class ImportConfirmApi(BaseApi):
    """Write a previewed import in one transaction (upsert keyed by NIP; units by code). Refused
    (400) while the file has row errors, 409 when already confirmed. HR admins only."""

    @extend_schema(
        operation_id="imports_confirm",
        request=None,
        responses={200: ImportBatchOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request, batch_id: int):
        batch = selectors.import_batch_get_for(user=request.user, batch_id=batch_id)
        batch = services.import_confirm(batch=batch, actor=request.user)
        return Response(ImportBatchOutputSerializer(batch).data)
