"""Import API (docs/api.md): POST /api/v1/imports/ → 202, the file's check is queued;
GET /api/v1/imports/{id}/ → its status, progress and preview; POST /api/v1/imports/{id}/confirm/ →
202, the write is queued. The check and the write run on a worker (docs/rules.md §7).

Each body reads: parse input → selector (scope; 404 outside) → role (403) → service → output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from flexwork.api.views import BaseApi
from flexwork.onboarding import selectors, services
from flexwork.onboarding.importing import row_error
from flexwork.onboarding.models import ImportKind, ImportStatus
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
    is_running = serializers.BooleanField(help_text="A worker is checking or writing the file: ask the status again.")
    rows_checked = serializers.IntegerField(source="progress_rows", help_text="Rows checked so far.")
    failure = serializers.SerializerMethodField(help_text="Why the check or the write failed (FAILED only).")
    status_url = serializers.SerializerMethodField(help_text="Where to ask for the status.")
    errors = serializers.SerializerMethodField(help_text=f"The first {PREVIEW_ERRORS_SHOWN} row errors.")

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, batch) -> list[dict]:
        head = getattr(batch, "errors_head", None)
        if head is None:
            head = batch.errors[:PREVIEW_ERRORS_SHOWN] if "errors" in batch.__dict__ else []
        return [row_error(e).as_dict() for e in head[:PREVIEW_ERRORS_SHOWN]]

    def get_failure(self, batch) -> str:
        return services.import_failure_text(batch) if batch.status == ImportStatus.FAILED else ""

    def get_status_url(self, batch) -> str:
        return reverse("api-import-detail", args=[batch.id], request=self.context.get("request"))


def _accepted(request, batch) -> Response:
    """202 with the status URL in the body and in `Location` (docs/api.md)."""
    batch = selectors.import_batch_detail_for(user=request.user, batch_id=batch.id, errors_shown=PREVIEW_ERRORS_SHOWN)
    data = ImportBatchOutputSerializer(batch, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["status_url"]})


class ImportCreateApi(BaseApi):
    """Upload a CSV (UTF-8, `,` or `;`) or XLSX file with the template's headers: 202, its check is
    queued; follow `status_url` until `is_running` is false, then read the preview. Nothing is
    written until the import is confirmed. Refused at once: over the size cap (413), not CSV or
    XLSX (415), empty or an XLSX that unpacks too large (400); the check refuses a file over the
    row, column or cell-length cap (status FAILED with `failure`). HR admins only."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="ImportCreateInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        kind = serializers.ChoiceField(
            choices=[("employees", "employees"), ("units", "units"), ("positions", "positions")]
        )

    @extend_schema(
        operation_id="imports_create",
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportBatchOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        scope = org_scope.require_agency(request.user)
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        batch = services.import_upload(
            agency=Agency.objects.get(id=scope.agency_id),
            kind=serializer.validated_data["kind"].upper(),
            data=upload.read(),
            name=upload.name or "",
            uploaded_by=request.user,
        )
        return _accepted(request, batch)


class ImportDetailApi(BaseApi):
    """An import's status: CHECKING (with `rows_checked` of `row_count`), PREVIEWED (the counts and
    row errors), CONFIRMING, CONFIRMED or FAILED (with `failure`). HR admins only."""

    @extend_schema(operation_id="imports_retrieve", responses={200: ImportBatchOutputSerializer}, tags=["organisation"])
    def get(self, request, batch_id: int):
        batch = selectors.import_batch_detail_for(
            user=request.user, batch_id=batch_id, errors_shown=PREVIEW_ERRORS_SHOWN
        )
        return Response(ImportBatchOutputSerializer(batch, context={"request": request}).data)


class ImportConfirmApi(BaseApi):
    """Queue the write of a previewed import: 202 and the status URL. A worker writes it in one
    transaction (upsert keyed by NIP; units and positions by code), after checking the rows again. Refused (400)
    while the file has row errors, 409 `stale_transition` when already confirmed or queued. HR
    admins only."""

    @extend_schema(
        operation_id="imports_confirm",
        request=None,
        responses={202: ImportBatchOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request, batch_id: int):
        batch = selectors.import_batch_detail_for(user=request.user, batch_id=batch_id, errors_shown=1)
        batch = services.import_confirm_request(batch=batch, actor=request.user)
        return _accepted(request, batch)
