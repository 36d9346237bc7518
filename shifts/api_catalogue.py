"""Shift catalogue API (docs/api.md shift row; docs/rules.md §8): shift types, shift patterns and roster
assignments. Staff of the agency read shift types and patterns; assignments are read within the
caller's reach (HR: the agency; a unit head: the units they head; everyone: their own). Only HR writes.

Each body reads: parse input → get the object through a selector (404 outside) → check the role (403)
→ call a service (400 with a code; 409 when stale) → serialize the output."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency, Employee
from shifts import catalogue
from shifts.models import MAX_PATTERN_CELLS, ShiftPattern
from shifts.times import shift_span

TAGS = ["shifts"]
VERSION_HELP = (
    "The `updated_at` read before editing: when the object changed since, 409 `stale` and nothing is written."
)


def _hr_agency(user) -> Agency:
    scope = org_scope.require_role(user, org_scope.HR_ADMIN)
    return Agency.objects.get(id=scope.agency_id)


def _resolve(model, *, queryset, pk, field: str):
    obj = queryset.filter(id=pk).first()
    if obj is None:
        message = _("Unknown id %(id)s.") % {"id": pk}
        raise ApplicationError(_("Some fields are not valid."), code="invalid", fields={field: [message]})
    return obj


# ---------------------------------------------------------------------------- shift types


@extend_schema_serializer(component_name="ShiftType")
class ShiftTypeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    colour = serializers.CharField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    ends_next_day = serializers.SerializerMethodField()
    span_minutes = serializers.SerializerMethodField()
    break_minutes = serializers.IntegerField()
    net_minutes = serializers.SerializerMethodField()
    checkin_open_before = serializers.IntegerField()
    checkout_close_after = serializers.IntegerField()
    ramadan_start_time = serializers.TimeField(format="%H:%M", allow_null=True)
    ramadan_end_time = serializers.TimeField(format="%H:%M", allow_null=True)
    ramadan_break_minutes = serializers.IntegerField(allow_null=True)
    is_night = serializers.BooleanField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def get_ends_next_day(self, obj) -> bool:
        return obj.end_time <= obj.start_time

    def get_span_minutes(self, obj) -> int:
        return int(shift_span(obj.start_time, obj.end_time).total_seconds() // 60)

    def get_net_minutes(self, obj) -> int:
        return max(0, self.get_span_minutes(obj) - obj.break_minutes)


def _shift_type_input(*, partial: bool):
    required = not partial

    class Input(serializers.Serializer):
        code = serializers.CharField(max_length=12, required=required)
        name = serializers.CharField(max_length=100, required=required)
        colour = serializers.CharField(max_length=7, required=False)
        start_time = serializers.TimeField(required=required, help_text="Wall clock in the unit's zone.")
        end_time = serializers.TimeField(required=required, help_text="At or before the start: ends the next day.")
        break_minutes = serializers.IntegerField(min_value=0, required=False)
        checkin_open_before = serializers.IntegerField(min_value=0, max_value=720, required=False)
        checkout_close_after = serializers.IntegerField(min_value=0, max_value=720, required=False)
        ramadan_start_time = serializers.TimeField(required=False, allow_null=True)
        ramadan_end_time = serializers.TimeField(required=False, allow_null=True)
        ramadan_break_minutes = serializers.IntegerField(min_value=0, required=False, allow_null=True)
        is_night = serializers.BooleanField(required=False)
        if partial:
            is_active = serializers.BooleanField(required=False)
            version = serializers.DateTimeField(required=False, help_text=VERSION_HELP)

    name = "ShiftTypeUpdateInput" if partial else "ShiftTypeCreateInput"
    return extend_schema_serializer(component_name=name)(type(name, (Input,), {}))


ShiftTypeCreateInput = _shift_type_input(partial=False)
ShiftTypeUpdateInput = _shift_type_input(partial=True)


class ShiftTypeListApi(BaseApi):
    @extend_schema(
        operation_id="shift_types_list",
        parameters=[OpenApiParameter("active", bool, description="Only active (true) or inactive (false) types.")],
        responses={200: ShiftTypeOutputSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        queryset = catalogue.shift_types_for(user=scope)
        active = request.query_params.get("active")
        if active in ("true", "false"):
            queryset = queryset.filter(is_active=active == "true")
        return get_paginated_response(
            serializer_class=ShiftTypeOutputSerializer, queryset=queryset, request=request, view=self
        )

    @extend_schema(
        operation_id="shift_types_create",
        request=ShiftTypeCreateInput,
        responses={201: ShiftTypeOutputSerializer},
        tags=TAGS,
    )
    def post(self, request):
        org_scope.require_agency(request.user)
        agency = _hr_agency(request.user)
        serializer = ShiftTypeCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift_type = catalogue.shift_type_create(agency=agency, data=dict(serializer.validated_data))
        return Response(ShiftTypeOutputSerializer(shift_type).data, status=status.HTTP_201_CREATED)


class ShiftTypeDetailApi(BaseApi):
    @extend_schema(operation_id="shift_types_retrieve", responses={200: ShiftTypeOutputSerializer}, tags=TAGS)
    def get(self, request, shift_type_id: int):
        org_scope.require_agency(request.user)
        shift_type = catalogue.shift_type_get_for(user=request.user, shift_type_id=shift_type_id)
        return Response(ShiftTypeOutputSerializer(shift_type).data)

    @extend_schema(
        operation_id="shift_types_partial_update",
        request=ShiftTypeUpdateInput,
        responses={200: ShiftTypeOutputSerializer},
        tags=TAGS,
        description="Change a shift type (published duties keep their times), or deactivate it with "
        '`{"is_active": false}`.',
    )
    def patch(self, request, shift_type_id: int):
        org_scope.require_agency(request.user)
        shift_type = catalogue.shift_type_get_for(user=request.user, shift_type_id=shift_type_id)
        _hr_agency(request.user)
        serializer = ShiftTypeUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        active = data.pop("is_active", None)
        if data:
            shift_type, _changed = catalogue.shift_type_update(
                shift_type=shift_type, data=data, expected_updated_at=version
            )
            version = None
        if active is not None and (version is not None or active != shift_type.is_active):
            shift_type = catalogue.shift_type_set_active(
                shift_type=shift_type, active=active, expected_updated_at=version
            )
        return Response(ShiftTypeOutputSerializer(shift_type).data)

    @extend_schema(
        operation_id="shift_types_destroy",
        responses={204: None},
        tags=TAGS,
        description="Remove a shift type nothing uses; a used one answers 400 `SHIFT_TYPE_IN_USE` (deactivate it).",
    )
    def delete(self, request, shift_type_id: int):
        org_scope.require_agency(request.user)
        shift_type = catalogue.shift_type_get_for(user=request.user, shift_type_id=shift_type_id)
        _hr_agency(request.user)
        catalogue.shift_type_delete(shift_type=shift_type)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------- patterns


@extend_schema_serializer(component_name="ShiftPattern")
class ShiftPatternOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    anchor_date = serializers.DateField()
    cells = serializers.ListField(
        child=serializers.CharField(),
        help_text="Shift type codes, `OFF` (day off) or `POST_NIGHT` (rest after nights).",
    )
    length = serializers.SerializerMethodField()
    is_fixed_week = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()

    def get_length(self, obj) -> int:
        return len(obj.cells)

    def get_is_fixed_week(self, obj) -> bool:
        return catalogue.is_fixed_week(obj)


def _pattern_input(*, partial: bool):
    required = not partial

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=required)
        anchor_date = ApiDateField(required=required, help_text="The first day of the cycle.")
        cells = serializers.ListField(
            child=serializers.CharField(max_length=12),
            min_length=1,
            max_length=MAX_PATTERN_CELLS,
            required=required,
            help_text="Shift type codes of the agency, `OFF` or `POST_NIGHT`.",
        )
        if partial:
            is_active = serializers.BooleanField(required=False)
            version = serializers.DateTimeField(required=False, help_text=VERSION_HELP)

    name = "ShiftPatternUpdateInput" if partial else "ShiftPatternCreateInput"
    return extend_schema_serializer(component_name=name)(type(name, (Input,), {}))


ShiftPatternCreateInput = _pattern_input(partial=False)
ShiftPatternUpdateInput = _pattern_input(partial=True)


class ShiftPatternListApi(BaseApi):
    @extend_schema(
        operation_id="shift_patterns_list", responses={200: ShiftPatternOutputSerializer(many=True)}, tags=TAGS
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        return get_paginated_response(
            serializer_class=ShiftPatternOutputSerializer,
            queryset=catalogue.patterns_for(user=scope),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="shift_patterns_create",
        request=ShiftPatternCreateInput,
        responses={201: ShiftPatternOutputSerializer},
        tags=TAGS,
    )
    def post(self, request):
        org_scope.require_agency(request.user)
        agency = _hr_agency(request.user)
        serializer = ShiftPatternCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        pattern = catalogue.pattern_create(agency=agency, data=dict(serializer.validated_data))
        return Response(ShiftPatternOutputSerializer(pattern).data, status=status.HTTP_201_CREATED)


class ShiftPatternDetailApi(BaseApi):
    @extend_schema(operation_id="shift_patterns_retrieve", responses={200: ShiftPatternOutputSerializer}, tags=TAGS)
    def get(self, request, pattern_id: int):
        org_scope.require_agency(request.user)
        pattern = catalogue.pattern_get_for(user=request.user, pattern_id=pattern_id)
        return Response(ShiftPatternOutputSerializer(pattern).data)

    @extend_schema(
        operation_id="shift_patterns_partial_update",
        request=ShiftPatternUpdateInput,
        responses={200: ShiftPatternOutputSerializer},
        tags=TAGS,
    )
    def patch(self, request, pattern_id: int):
        org_scope.require_agency(request.user)
        pattern = catalogue.pattern_get_for(user=request.user, pattern_id=pattern_id)
        _hr_agency(request.user)
        serializer = ShiftPatternUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        active = data.pop("is_active", None)
        if data:
            pattern, _changed = catalogue.pattern_update(pattern=pattern, data=data, expected_updated_at=version)
            version = None
        if active is not None and (version is not None or active != pattern.is_active):
            pattern = catalogue.pattern_set_active(pattern=pattern, active=active, expected_updated_at=version)
        return Response(ShiftPatternOutputSerializer(pattern).data)


# ---------------------------------------------------------------------------- assignments


@extend_schema_serializer(component_name="ShiftEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id")


@extend_schema_serializer(component_name="ShiftPatternRef")
class PatternRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="RosterAssignment")
class AssignmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    pattern = PatternRefSerializer()
    offset = serializers.IntegerField(help_text="Cells the employee's cycle is shifted by (0: day 1 on the anchor).")
    date_from = serializers.DateField()
    date_to = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="RosterAssignmentCreateInput")
class AssignmentCreateInput(serializers.Serializer):
    employee = serializers.IntegerField()
    pattern = serializers.IntegerField()
    offset = serializers.IntegerField(min_value=0, max_value=MAX_PATTERN_CELLS - 1, default=0)
    date_from = ApiDateField()
    date_to = ApiDateField(required=False, allow_null=True)


@extend_schema_serializer(component_name="RosterAssignmentUpdateInput")
class AssignmentUpdateInput(serializers.Serializer):
    date_to = ApiDateField(help_text="The assignment's last day (it can only end earlier).")
    version = serializers.DateTimeField(required=False, help_text=VERSION_HELP)


class AssignmentListApi(BaseApi):
    @extend_schema(
        operation_id="roster_assignments_list",
        parameters=[
            OpenApiParameter("unit", int, description="Only employees of this unit."),
            OpenApiParameter("employee", int, description="Only this employee."),
        ],
        responses={200: AssignmentOutputSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        queryset = catalogue.assignments_for(user=scope)
        for param, field in (("unit", "employee__unit_id"), ("employee", "employee_id")):
            value = request.query_params.get(param)
            if value:
                if not value.isdigit():
                    message = _("Give a number.")
                    raise ApplicationError(message, fields={param: [message]})
                queryset = queryset.filter(**{field: int(value)})
        return get_paginated_response(
            serializer_class=AssignmentOutputSerializer, queryset=queryset, request=request, view=self
        )

    @extend_schema(
        operation_id="roster_assignments_create",
        request=AssignmentCreateInput,
        responses={201: AssignmentOutputSerializer},
        tags=TAGS,
    )
    def post(self, request):
        org_scope.require_agency(request.user)
        agency = _hr_agency(request.user)
        serializer = AssignmentCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        employee = _resolve(
            Employee, queryset=Employee.objects.filter(agency=agency), pk=data["employee"], field="employee"
        )
        pattern = _resolve(
            ShiftPattern, queryset=ShiftPattern.objects.filter(agency=agency), pk=data["pattern"], field="pattern"
        )
        assignment = catalogue.assignment_create(
            agency=agency,
            employee=employee,
            pattern=pattern,
            offset=data["offset"],
            date_from=data["date_from"],
            date_to=data.get("date_to"),
        )
        assignment = catalogue.assignment_get_for(user=request.user, assignment_id=assignment.id)
        return Response(AssignmentOutputSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentDetailApi(BaseApi):
    @extend_schema(operation_id="roster_assignments_retrieve", responses={200: AssignmentOutputSerializer}, tags=TAGS)
    def get(self, request, assignment_id: int):
        org_scope.require_agency(request.user)
        assignment = catalogue.assignment_get_for(user=request.user, assignment_id=assignment_id)
        return Response(AssignmentOutputSerializer(assignment).data)

    @extend_schema(
        operation_id="roster_assignments_partial_update",
        request=AssignmentUpdateInput,
        responses={200: AssignmentOutputSerializer},
        tags=TAGS,
        description="End an assignment on `date_to`.",
    )
    def patch(self, request, assignment_id: int):
        org_scope.require_agency(request.user)
        assignment = catalogue.assignment_get_for(user=request.user, assignment_id=assignment_id)
        _hr_agency(request.user)
        serializer = AssignmentUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        catalogue.assignment_end(
            assignment=assignment, date_to=data["date_to"], expected_updated_at=data.get("version")
        )
        assignment = catalogue.assignment_get_for(user=request.user, assignment_id=assignment_id)
        return Response(AssignmentOutputSerializer(assignment).data)
