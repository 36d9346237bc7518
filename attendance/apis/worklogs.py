"""The daily output log over the API (docs/api.md: /worklogs/, /worklogs/{id}/verify/)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from attendance import selectors, services
from attendance.apis.serializers import WorkLogInputSerializer, WorkLogSerializer, WorkLogVerifyInputSerializer
from attendance.models import Verification
from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField


class WorkLogListApi(BaseApi):
    """Output-log entries in the caller's scope. `to_verify=true`: entries of the caller's direct
    reports still waiting for a verdict. POST writes an entry of the caller's own day."""

    @extend_schema_serializer(component_name="WorkLogListFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)
        verification = serializers.ChoiceField(choices=Verification.choices, required=False)
        mine = serializers.BooleanField(required=False, default=False)
        to_verify = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="worklogs_list",
        tags=["worklogs"],
        parameters=[FilterSerializer],
        responses={200: WorkLogSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.worklog_list_for(user=request.user, filters=filters.validated_data)
        return get_paginated_response(serializer_class=WorkLogSerializer, queryset=qs, request=request, view=self)

    @extend_schema(
        operation_id="worklogs_create",
        tags=["worklogs"],
        request=WorkLogInputSerializer,
        responses={201: WorkLogSerializer},
        description="Write an entry for one of your own days (never a future one). The day's location comes "
        "from your schedule; `indicator` must be one of your approved SKP indicators for that day; `evidence` "
        "lists ids of your own unattached uploads.",
    )
    def post(self, request):
        serializer = WorkLogInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.worklog_create(
            user=request.user,
            local_date=data["local_date"],
            description=data["description"],
            quantity=data["quantity"],
            unit_of_measure=data["unit"],
            minutes_spent=data["minutes_spent"],
            link=data["link"],
            indicator_id=data["indicator"],
            evidence_ids=data["evidence"],
        )
        entry = selectors.worklog_get_for(user=request.user, worklog_id=entry.id)
        return Response(WorkLogSerializer(entry).data, status=status.HTTP_201_CREATED)


class WorkLogDetailApi(BaseApi):
    @extend_schema(operation_id="worklogs_retrieve", tags=["worklogs"], responses={200: WorkLogSerializer})
    def get(self, request, worklog_id: int):
        entry = selectors.worklog_get_for(user=request.user, worklog_id=worklog_id)
        return Response(WorkLogSerializer(entry).data)

    @extend_schema(
        operation_id="worklogs_destroy",
        tags=["worklogs"],
        responses={204: None},
        description="Delete one of your own entries while it is not verified (409 `verified` after).",
    )
    def delete(self, request, worklog_id: int):
        entry = selectors.worklog_get_for(user=request.user, worklog_id=worklog_id)
        services.worklog_delete(entry=entry, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WorkLogVerifyApi(BaseApi):
    @extend_schema(
        operation_id="worklogs_verify",
        tags=["worklogs"],
        request=WorkLogVerifyInputSerializer,
        responses={200: WorkLogSerializer},
        description="The direct supervisor's verdict on one entry: SESUAI, KURANG or TIDAK_SESUAI, with a note. "
        "Anyone else in scope: 403.",
    )
    def post(self, request, worklog_id: int):
        entry = selectors.worklog_get_for(user=request.user, worklog_id=worklog_id)
        serializer = WorkLogVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.worklog_verify(
            entry=entry,
            user=request.user,
            verification=serializer.validated_data["verification"],
            note=serializer.validated_data["note"],
        )
        entry = selectors.worklog_get_for(user=request.user, worklog_id=worklog_id)
        return Response(WorkLogSerializer(entry).data)
