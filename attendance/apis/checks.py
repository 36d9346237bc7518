"""Check-in, check-out and the daily statuses over the API (docs/api.md). The check bodies are fixed:
{"latitude", "longitude", "accuracy"} in, {"id", "local_date", "time", "location", "distance_m",
"inside_fence", "flags", …} out; an optional Idempotency-Key header (a UUID) replays the stored answer."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from attendance import selectors, services
from attendance.apis.serializers import CheckInputSerializer, CheckOutputSerializer, DayStatusSerializer
from attendance.models import Absence, Arrival, CheckKind
from flexwork.api.pagination import LimitOffsetPagination
from flexwork.api.views import BaseApi
from flexwork.common.calendar import now_in
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.selectors import employee_get_for

IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A UUID chosen by the client. Repeating a request with the same key within 24 hours "
    "replays the stored answer (same status and body) without recording anything again.",
)


def _idempotency_key(request) -> uuid.UUID | None:
    raw = request.headers.get("Idempotency-Key")
    if raw is None or raw == "":
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        message = _("The Idempotency-Key must be a UUID.")
        raise ApplicationError(message, fields={"Idempotency-Key": [message]}) from None


# The response body is fixed (CheckOutputSerializer documents it): built as a plain dict, with the
# serializer's own date and time fields so the formats (and the time zone of `time`) stay the same.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def _duty_body(outcome: services.CheckOutcome) -> dict | None:
    duty = outcome.duty
    if duty is None:
        return None
    return {
        "id": duty.id,
        "duty_date": _DATE.to_representation(duty.duty_date),
        "shift": duty.code,
        "name": duty.name,
        "start": _DATETIME.to_representation(now_in(outcome.zone, now=duty.start_at)),
        "end": _DATETIME.to_representation(now_in(outcome.zone, now=duty.end_at)),
    }


def _outcome_body(outcome: services.CheckOutcome) -> dict:
    fence = outcome.fence
    return {
        "id": outcome.id,
        "kind": str(outcome.kind),
        "local_date": _DATE.to_representation(outcome.local_date),
        "time": _DATETIME.to_representation(outcome.time),
        "zone": outcome.zone,
        "location": str(outcome.location),
        "distance_m": outcome.distance_m,
        "inside_fence": outcome.inside_fence,
        "flags": [str(flag) for flag in outcome.flags],
        "attempt_count": outcome.attempt_count,
        "fence": {
            "location": str(fence.location),
            "label": str(fence.label),
            "radius_m": fence.radius_m,
            "required": fence.required,
            "known": fence.known,
        },
        "duty": _duty_body(outcome),
        "warnings": outcome.warnings,
    }


class _CheckApi(BaseApi):
    kind = CheckKind.IN

    def post(self, request):
        key = _idempotency_key(request)
        serializer = CheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claimed = None
        if key is not None:
            claimed = services.idempotency_claim(user=request.user, key=key, endpoint=self.kind)
            if isinstance(claimed, services.StoredResponse):
                response = Response(claimed.body, status=claimed.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
        data = serializer.validated_data
        outcome = services.attendance_check(
            user=request.user,
            kind=self.kind,
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy_m=data["accuracy"],
            ip=request.META.get("REMOTE_ADDR"),
        )
        body = _outcome_body(outcome)
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        if claimed is not None:
            services.idempotency_store(key_id=claimed, status_code=code, body=body)
        return Response(body, status=code)


class CheckInApi(_CheckApi):
    kind = CheckKind.IN

    @extend_schema(
        operation_id="attendance_check_in",
        tags=["attendance"],
        parameters=[IDEMPOTENCY_HEADER],
        request=CheckInputSerializer,
        responses={201: CheckOutputSerializer, 200: CheckOutputSerializer},
        description="Check in at the server's clock. The fence follows the day's arrangement (office, another "
        "office, registered home, designated location; none on official duty). Outside the fence or with an "
        "accuracy worse than the policy's maximum, the check-in is stored and flagged, never refused. 201 for "
        "the day's first check-in; a repeat answers 200: unchanged after an accepted check-in, with one more "
        "attempt after a flagged one.",
    )
    def post(self, request):
        return super().post(request)


class CheckOutApi(_CheckApi):
    kind = CheckKind.OUT

    @extend_schema(
        operation_id="attendance_check_out",
        tags=["attendance"],
        parameters=[IDEMPOTENCY_HEADER],
        request=CheckInputSerializer,
        responses={201: CheckOutputSerializer, 200: CheckOutputSerializer},
        description="Check out at the server's clock. The latest check-out of the day counts (200 when it "
        "replaces an earlier one). A check-out without a check-in is stored; the day's arrival is then HKD.",
    )
    def post(self, request):
        return super().post(request)


class DayStatusListApi(BaseApi):
    """Daily statuses in the caller's scope, each with its check events; positions only for the
    caller's own days (UU PDP: a person sees every position stored about them)."""

    @extend_schema_serializer(component_name="AttendanceDayFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1)
        unit = serializers.IntegerField(required=False, min_value=1, help_text="A unit subtree.")
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)
        absence = serializers.ChoiceField(choices=Absence.choices, required=False)
        arrival = serializers.ChoiceField(choices=Arrival.choices, required=False)
        flagged = serializers.BooleanField(required=False, allow_null=True, default=None)
        exceptions = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs):
            if attrs.get("date_from") and attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
                raise serializers.ValidationError({"date_to": _("The end date is before the start date.")})
            return attrs

    @extend_schema(
        operation_id="attendance_days_list",
        tags=["attendance"],
        parameters=[FilterSerializer],
        responses={200: DayStatusSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        scope = org_scope.require_agency(request.user)
        if filters.validated_data.get("employee"):
            employee_get_for(user=scope, employee_id=filters.validated_data["employee"])  # 404 out of scope
        qs = selectors.day_status_list_for(user=scope, filters=filters.validated_data)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        context = {"events": selectors.events_for_statuses(page), "viewer_employee_id": scope.employee_id}
        return paginator.get_paginated_response(DayStatusSerializer(page, many=True, context=context).data)
