"""Rosters and duties over the API (docs/api.md shift row; docs/rules.md §8).

Rosters are read within the caller's view of units (and by the head's delegates for rosters); only the
unit's head or such a delegate creates, generates, edits, publishes and changes (403 otherwise). Another
agency or a unit out of reach is a 404; a stale `expected_version` or a second publish is a 409. Duty date
filters are duty dates (the office date on which the duty starts)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.selectors import employee_get_for, unit_get_for
from schedules.policy import SOURCES
from shifts import rosters, selectors
from shifts.models import DutyKind, DutyLocation, DutySource, RosterStatus

TAGS = ["shifts"]
# Where a duty may be set here (DESIGNATED comes with a designated location, through a request).
OFFICE_OR_HOME = [(DutyLocation.OFFICE, DutyLocation.OFFICE.label), (DutyLocation.HOME, DutyLocation.HOME.label)]


VERSION_HELP = "The roster's `version` read before: when it changed since (or was published), 409 `stale`."


# ---------------------------------------------------------------------------- output


@extend_schema_serializer(component_name="RosterUnitRef")
class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="DutyEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="DutyShiftTypeRef")
class ShiftTypeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    colour = serializers.CharField()


@extend_schema_serializer(component_name="RosterWarning")
class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    source = serializers.CharField()
    dates = serializers.ListField(child=serializers.DateField())


def warning_dicts(found) -> list[dict]:
    return [{**v.as_dict(), "source": SOURCES.get(v.code, "")} for v in found]


@extend_schema_serializer(component_name="Duty")
class DutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    roster = serializers.IntegerField(source="roster_id")
    employee = EmployeeRefSerializer()
    unit = serializers.IntegerField(source="unit_id")
    duty_date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    shift_type = ShiftTypeRefSerializer(allow_null=True)
    start_at = serializers.DateTimeField(allow_null=True)
    end_at = serializers.DateTimeField(allow_null=True)
    break_minutes = serializers.IntegerField()
    net_minutes = serializers.IntegerField()
    is_night = serializers.BooleanField()
    location = serializers.ChoiceField(choices=DutyLocation.choices)
    source = serializers.ChoiceField(choices=DutySource.choices)
    is_active = serializers.BooleanField()
    is_published = serializers.BooleanField()
    holiday_worked = serializers.BooleanField()
    reason = serializers.CharField()
    sequence = serializers.IntegerField()
    replaced_by = serializers.IntegerField(source="replaced_by_id", allow_null=True)


@extend_schema_serializer(component_name="DutyChanged")
class DutyChangedSerializer(DutySerializer):
    warnings = WarningSerializer(many=True, help_text="The soft rules the change breaks (it is written anyway).")


@extend_schema_serializer(component_name="Roster")
class RosterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRefSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = serializers.ChoiceField(choices=RosterStatus.choices)
    version = serializers.IntegerField()
    generated_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField()


@extend_schema_serializer(component_name="RosterDetail")
class RosterDetailSerializer(RosterSerializer):
    can_manage = serializers.BooleanField()
    duties = DutySerializer(many=True)
    warnings = WarningSerializer(many=True)


@extend_schema_serializer(component_name="RosterPublished")
class RosterPublishedSerializer(RosterSerializer):
    warnings = WarningSerializer(many=True, help_text="The warnings published over (their reason is stored).")


@extend_schema_serializer(component_name="RosterGenerated")
class RosterGeneratedSerializer(RosterSerializer):
    written = serializers.IntegerField(help_text="Duties written or removed: 0 when the draft was up to date.")


def _roster_detail(request, roster) -> dict:
    duties = list(selectors.duty_list_for(user=request.user, filters={"roster": roster.id}))
    data = {
        **RosterSerializer(roster).data,
        "can_manage": rosters.can_manage(request.user, roster.unit),
        "duties": DutySerializer(duties, many=True).data,
        "warnings": warning_dicts(rosters.roster_warnings(roster)),
    }
    return data


def _fresh(request, roster_id: int):
    return selectors.roster_get_for(user=request.user, roster_id=roster_id)


# ---------------------------------------------------------------------------- rosters


class RosterListApi(BaseApi):
    """Rosters in view; POST creates (or returns) the draft of a unit's month."""

    @extend_schema_serializer(component_name="RosterListFilter")
    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, min_value=1)
        status = serializers.ChoiceField(choices=RosterStatus.choices, required=False)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)

    @extend_schema_serializer(component_name="RosterCreateInput")
    class InputSerializer(serializers.Serializer):
        unit = serializers.IntegerField(min_value=1)
        period_start = ApiDateField(help_text="Any date of the month: the roster covers that calendar month.")

    @extend_schema(
        operation_id="rosters_list", parameters=[FilterSerializer], responses={200: RosterSerializer(many=True)},
        tags=TAGS,
    )  # fmt: skip
    def get(self, request):
        org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=RosterSerializer,
            queryset=selectors.roster_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="rosters_create", request=InputSerializer,
        responses={200: RosterSerializer, 201: RosterSerializer}, tags=TAGS,
    )  # fmt: skip
    def post(self, request):
        org_scope.require_agency(request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = _managed_unit(request.user, data.validated_data["unit"])
        first, _last = rosters.month_of(data.validated_data["period_start"])
        existed = selectors.roster_list_for(user=request.user, filters={"unit": unit.id}).filter(period_start=first)
        existed = existed.exists()
        roster = rosters.roster_for(unit=unit, period_start=first)
        roster = _fresh(request, roster.id)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(RosterSerializer(roster).data, status=code)


def _managed_unit(user, unit_id: int):
    from flexwork.org.models import Unit

    if unit_id not in rosters.managed_unit_ids(user):
        unit_get_for(user=user, unit_id=unit_id)  # 404 outside the view
        raise_forbidden()
    return Unit.objects.select_related("agency").get(id=unit_id)


def raise_forbidden():
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied(str(rosters.ERR_NOT_MANAGER))


class RosterDetailApi(BaseApi):
    @extend_schema(operation_id="rosters_retrieve", responses={200: RosterDetailSerializer}, tags=TAGS)
    def get(self, request, roster_id: int):
        roster = _fresh(request, roster_id)
        return Response(_roster_detail(request, roster))


@extend_schema_serializer(component_name="RosterGenerateInput")
class GenerateInputSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class RosterGenerateApi(BaseApi):
    """Fill the draft from the assignments (idempotent; MANUAL duties are kept)."""

    @extend_schema(
        operation_id="rosters_generate", request=GenerateInputSerializer, responses={200: RosterGeneratedSerializer},
        tags=TAGS,
    )  # fmt: skip
    def post(self, request, roster_id: int):
        roster = _fresh(request, roster_id)
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rosters.require_manager(request.user, roster.unit)
        written = rosters.roster_generate(
            roster=roster, actor=request.user, expected_version=data.validated_data.get("expected_version")
        )
        roster = _fresh(request, roster_id)
        return Response({**RosterSerializer(roster).data, "written": written})


@extend_schema_serializer(component_name="RosterPublishInput")
class PublishInputSerializer(serializers.Serializer):
    expected_version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when there are warnings."
    )


class RosterPublishApi(BaseApi):
    """Publish the draft; with warnings and no `override_reason`: 400 `override_reason_required` listing them."""

    @extend_schema(
        operation_id="rosters_publish", request=PublishInputSerializer, responses={200: RosterPublishedSerializer},
        tags=TAGS,
    )  # fmt: skip
    def post(self, request, roster_id: int):
        roster = _fresh(request, roster_id)
        data = PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = rosters.roster_publish(
            roster=roster,
            actor=request.user,
            expected_version=data.validated_data["expected_version"],
            override_reason=data.validated_data["override_reason"],
        )
        roster = _fresh(request, roster_id)
        return Response({**RosterSerializer(roster).data, "warnings": warning_dicts(found)})


@extend_schema_serializer(component_name="RosterCellInput")
class CellInputSerializer(serializers.Serializer):
    employee = serializers.IntegerField(min_value=1)
    duty_date = ApiDateField()
    cell = serializers.CharField(max_length=12, help_text="A shift type's code, OFF or POST_NIGHT.")
    location = serializers.ChoiceField(choices=OFFICE_OR_HOME, required=False, default=DutyLocation.OFFICE)
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Required once published.")
    expected_version = serializers.IntegerField(required=False, min_value=1, help_text=VERSION_HELP)


class RosterCellApi(BaseApi):
    """Set one cell: on a draft a MANUAL duty; on a published roster a change with a reason."""

    @extend_schema(
        operation_id="rosters_cell", request=CellInputSerializer, responses={200: DutyChangedSerializer}, tags=TAGS
    )
    def post(self, request, roster_id: int):
        roster = _fresh(request, roster_id)
        data = CellInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rosters.require_manager(request.user, roster.unit)
        values = data.validated_data
        employee = employee_get_for(user=request.user, employee_id=values["employee"])
        duty = rosters.duty_set(
            roster=roster,
            employee=employee,
            duty_date=values["duty_date"],
            cell=values["cell"].strip().upper(),
            actor=request.user,
            reason=values["reason"],
            location=values["location"],
            expected_version=values.get("expected_version"),
        )
        return Response(_duty_changed(request, duty))


def _duty_changed(request, duty) -> dict:
    fresh = selectors.duty_get_for(user=request.user, duty_id=duty.id)
    return {**DutySerializer(fresh).data, "warnings": warning_dicts(getattr(duty, "warnings", []))}


# ---------------------------------------------------------------------------- duties


class DutyListApi(BaseApi):
    """Duties in reach; `date_from`/`date_to` are duty dates."""

    @extend_schema_serializer(component_name="DutyListFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1)
        unit = serializers.IntegerField(required=False, min_value=1)
        roster = serializers.IntegerField(required=False, min_value=1)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)
        include_inactive = serializers.BooleanField(
            required=False, default=False, help_text="Also the duties replaced by a change or a swap."
        )

        def validate(self, attrs):
            if attrs.get("date_from") and attrs.get("date_to") and attrs["date_to"] < attrs["date_from"]:
                raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
            return attrs

    @extend_schema(
        operation_id="duties_list", parameters=[FilterSerializer], responses={200: DutySerializer(many=True)},
        tags=TAGS,
    )  # fmt: skip
    def get(self, request):
        org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        if values.get("employee"):
            employee_get_for(user=request.user, employee_id=values["employee"])  # 404 outside
        if values.get("unit"):
            unit_get_for(user=request.user, unit_id=values["unit"])  # 404 outside
        return get_paginated_response(
            serializer_class=DutySerializer,
            queryset=selectors.duty_list_for(user=request.user, filters=values),
            request=request,
            view=self,
        )


@extend_schema_serializer(component_name="DutyChangeInput")
class DutyChangeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="Required: the person is told.")
    cell = serializers.CharField(max_length=12, required=False, help_text="A shift type's code, OFF or POST_NIGHT.")
    location = serializers.ChoiceField(choices=OFFICE_OR_HOME, required=False)
    start_at = serializers.DateTimeField(required=False, help_text="Explicit instants (both or neither).")
    end_at = serializers.DateTimeField(required=False)
    expected_sequence = serializers.IntegerField(
        required=False, min_value=0, help_text="The duty's `sequence` read before: when it changed since, 409."
    )


class DutyDetailApi(BaseApi):
    @extend_schema(operation_id="duties_retrieve", responses={200: DutySerializer}, tags=TAGS)
    def get(self, request, duty_id: int):
        duty = selectors.duty_get_for(user=request.user, duty_id=duty_id)
        return Response(DutySerializer(duty).data)

    @extend_schema(
        operation_id="duties_change",
        request=DutyChangeInputSerializer,
        responses={200: DutyChangedSerializer},
        tags=TAGS,
        description="Change a published duty: it is replaced by a new duty (answered here, with a new id) "
        "and becomes inactive with `replaced_by` set.",
    )
    def patch(self, request, duty_id: int):
        duty = selectors.duty_get_for(user=request.user, duty_id=duty_id)
        data = DutyChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rosters.require_manager(request.user, duty.roster.unit)
        values = data.validated_data
        if not duty.is_published:
            raise ApplicationError(str(rosters.ERR_DUTY_DRAFT), code="invalid")
        new = rosters.duty_change(
            duty=duty,
            actor=request.user,
            reason=values["reason"],
            cell=values["cell"].strip().upper() if values.get("cell") else None,
            location=values.get("location"),
            start_at=values.get("start_at"),
            end_at=values.get("end_at"),
            expected_sequence=values.get("expected_sequence"),
        )
        return Response(_duty_changed(request, new))


__all__ = [
    "DutyDetailApi",
    "DutyListApi",
    "RosterCellApi",
    "RosterDetailApi",
    "RosterGenerateApi",
    "RosterListApi",
    "RosterPublishApi",
]
