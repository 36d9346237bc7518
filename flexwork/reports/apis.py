"""Report runs and dashboards over the API (docs/api.md: POST /reports/ → 202 new run, 200 the live
run; GET /reports/, GET /reports/{id}/ with download links; GET /dashboard/{hr,supervisor,me}/)."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.errors import error_body
from flexwork.api.pagination import LimitOffsetPagination, get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField
from flexwork.reports import dashboards, selectors, services
from flexwork.reports.models import (
    FILE_EXTENSIONS,
    FILE_FORMATS,
    ReportFormat,
    ReportKind,
    ReportRun,
    RunStatus,
    reports_storage,
)

logger = logging.getLogger("flexwork.reports")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def download_url(request, run: ReportRun, fmt: str) -> str | None:
    if run.status != RunStatus.DONE or not run.file_name(fmt) or not run.row_count:
        return None  # an empty result offers no empty files
    path = reverse("reports-download", kwargs={"run_id": run.id, "fmt": fmt})
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_serializer(component_name="ReportUnit")
class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ReportDownloads")
class DownloadsSerializer(serializers.Serializer):
    csv = serializers.URLField(allow_null=True, help_text="The data CSV for scripts: stable column names.")
    excel = serializers.URLField(allow_null=True, help_text='The same rows for a spreadsheet: ";", decimal comma.')
    xlsx = serializers.URLField(allow_null=True)
    pdf = serializers.URLField(allow_null=True)


@extend_schema_serializer(component_name="ReportRun")
class ReportRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    kind_label = serializers.CharField()
    unit = UnitSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    parameters = serializers.DictField()
    status = serializers.ChoiceField(choices=RunStatus.choices)
    progress = serializers.IntegerField()
    provisional = serializers.BooleanField(help_text="The period was not over: figures may still change (sementara).")
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField()
    row_count = serializers.IntegerField(allow_null=True)
    checksum = serializers.CharField(help_text="SHA-256 of the canonical CSV (sorted by unit code and NIP).")
    error = serializers.CharField()
    downloads = serializers.SerializerMethodField()

    def get_downloads(self, run) -> DownloadsSerializer:
        request = self.context.get("request")
        return {fmt: download_url(request, run, fmt) for fmt in FILE_FORMATS}


@extend_schema_serializer(component_name="ReportRunDetail")
class ReportRunDetailSerializer(ReportRunOutputSerializer):
    data_changed_since = serializers.DateTimeField(
        allow_null=True, help_text="When a source row changed after the run finished; ask again with refresh."
    )
    summary = serializers.DictField(help_text="Unit summaries and the exception rows.")


class ReportRunListCreateApi(BaseApi):
    @extend_schema_serializer(component_name="ReportRunRequest")
    class InputSerializer(serializers.Serializer):
        kind = serializers.CharField(help_text="COMPLIANCE, PERFORMANCE, FWA_MONITORING, DISCIPLINE or PAYROLL.")
        period = serializers.CharField(help_text='"2026-03"; performance also "2026-Q1", "2026-S1", "2026"; '
                                       'discipline "2026" or a month (the year up to it).')  # fmt: skip
        unit = serializers.IntegerField(required=False, allow_null=True, help_text="Default: the widest unit.")
        parameters = serializers.DictField(required=False, help_text='FWA monitoring: {"months": 1..12}.')
        refresh = serializers.BooleanField(required=False, default=False)

    @extend_schema_serializer(component_name="ReportRunFilter")
    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ReportKind.choices, required=False)
        status = serializers.ChoiceField(choices=RunStatus.choices, required=False)
        unit = serializers.IntegerField(required=False)

    @extend_schema(
        operation_id="reports_list",
        tags=["reports"],
        parameters=[FilterSerializer],
        responses={200: ReportRunOutputSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            pagination_class=LimitOffsetPagination,
            serializer_class=ReportRunOutputSerializer,
            queryset=selectors.report_run_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="reports_create",
        tags=["reports"],
        request=InputSerializer,
        responses={202: ReportRunOutputSerializer, 200: ReportRunOutputSerializer},
        description="Ask for a report. 202 with a new queued run; 200 with the live run of the same kind, unit, "
        "period and parameters (unless refresh is true: the old run is superseded and a new one queued).",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run, created = services.report_run_request(
            user=request.user,
            kind=data["kind"],
            period=data["period"],
            unit_id=data.get("unit"),
            parameters=data.get("parameters"),
            refresh=data["refresh"],
        )
        body = ReportRunOutputSerializer(run, context={"request": request}).data
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


class ReportRunDetailApi(BaseApi):
    @extend_schema(operation_id="reports_retrieve", tags=["reports"], responses={200: ReportRunDetailSerializer})
    def get(self, request, run_id: int):
        run = selectors.report_run_get_for(user=request.user, run_id=run_id)
        run.data_changed_since = selectors.source_changed_at(run=run)
        return Response(ReportRunDetailSerializer(run, context={"request": request}).data)


class ReportRunDownloadApi(BaseApi):
    """A report file, after the same scope check as the run (another agency's file is a 404). A
    finished run whose file is gone from the storage answers 410 (a page for a browser, the API's
    error body otherwise), never a 500."""

    @extend_schema(exclude=True)
    def get(self, request, run_id: int, fmt: str):
        if fmt not in ReportFormat.values:
            raise Http404
        run = selectors.report_run_get_for(user=request.user, run_id=run_id)
        name = run.file_name(fmt)
        if run.status != RunStatus.DONE or not name:
            raise Http404
        storage = reports_storage()
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError) as exc:
            logger.warning("reports: run %s: file %s is missing: %s", run.id, fmt, exc)
            return _gone(request, run)
        suffix = "-excel" if fmt == "excel" else ""
        filename = (
            f"{run.kind.lower()}-{run.unit.code}-{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}{suffix}."
            f"{FILE_EXTENSIONS[fmt]}"
        )
        response = FileResponse(handle, as_attachment=True, filename=filename)
        response["Content-Type"] = MEDIA_TYPES[fmt]
        response["X-Content-Type-Options"] = "nosniff"
        return response


FILE_GONE = _("The file of this report is no longer available. Compute the report again to get it.")


def _gone(request, run: ReportRun):
    if "text/html" in request.headers.get("Accept", ""):
        return render(request, "reports/gone.html", {"run": run, "message": FILE_GONE}, status=410)
    return Response(error_body(str(FILE_GONE), "file_gone"), status=status.HTTP_410_GONE)


DASHBOARD_FILTERS = [
    OpenApiParameter("unit", OpenApiTypes.INT, description="A unit: its subtree (HR dashboard)."),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
]


@extend_schema_serializer(component_name="DashboardFilter")
class DashboardFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False)
    date_from = ApiDateField(required=False)
    date_to = ApiDateField(required=False)


class DashboardHrApi(BaseApi):
    @extend_schema(
        operation_id="dashboard_hr",
        tags=["dashboard"],
        parameters=DASHBOARD_FILTERS,
        responses={200: OpenApiTypes.OBJECT},
        description="HR (and unit heads, on their subtree): today by location and check-in, coverage by unit, "
        "weekly trends, pending approvals by age, compliance by unit, predikat distribution against the "
        "guideline, FWA monitoring, output by location, overrides and approval/refusal by unit.",
    )
    def get(self, request):
        filters = DashboardFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        body = dashboards.hr_dashboard(
            user=request.user, unit_id=data.get("unit"), date_from=data.get("date_from"), date_to=data.get("date_to")
        )
        return Response(body)


class DashboardSupervisorApi(BaseApi):
    @extend_schema(
        operation_id="dashboard_supervisor",
        tags=["dashboard"],
        parameters=DASHBOARD_FILTERS,
        responses={200: OpenApiTypes.OBJECT},
        description="The team today, pending decisions, targets at risk and output logs to verify.",
    )
    def get(self, request):
        DashboardFilterSerializer(data=request.query_params).is_valid(raise_exception=True)
        return Response(dashboards.supervisor_dashboard(user=request.user))


class DashboardMeApi(BaseApi):
    @extend_schema(
        operation_id="dashboard_me",
        tags=["dashboard"],
        parameters=DASHBOARD_FILTERS,
        responses={200: OpenApiTypes.OBJECT},
        description="Today (location and check-in), the upcoming schedule, my open requests and my targets.",
    )
    def get(self, request):
        DashboardFilterSerializer(data=request.query_params).is_valid(raise_exception=True)
        return Response(dashboards.me_dashboard(user=request.user))
