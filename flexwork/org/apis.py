"""Organisation API (docs/api.md): me, units, employees, positions, locations, holidays, policy.

Each body reads: parse input → get the object through a selector (scope.py; 404 outside) →
check the role (403) → call a service → serialize the output."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org import selectors, services
from flexwork.org.models import (
    POLICY_SETTINGS,
    TASK_CRITERIA,
    Agency,
    EmployeeType,
    HolidayKind,
    PerformancePeriod,
    Position,
    PositionType,
    Unit,
)
from flexwork.org.models import Employee as EmployeeModel

# ---------------------------------------------------------------------------- shared pieces


@extend_schema_serializer(component_name="OrgUnitRef")
class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="OrgEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="OrgPositionRef")
class PositionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    is_fwa_eligible = serializers.BooleanField()


def _agency_of(user) -> Agency:
    scope = org_scope.require_agency(user)
    return Agency.objects.get(id=scope.agency_id)


def _resolve(model, *, agency_id: int, pk, field: str):
    """An id from the body, looked up inside the caller's agency: unknown → a 400 on the field."""
    if pk is None:
        return None
    obj = model.objects.filter(agency_id=agency_id, id=pk).first()
    if obj is None:
        message = _("Unknown id %(id)s.") % {"id": pk}
        raise ApplicationError(_("Some fields are not valid."), code="invalid", fields={field: [message]})
    return obj


# ---------------------------------------------------------------------------- me


@extend_schema_serializer(component_name="MeAgency")
class MeAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()


@extend_schema_serializer(component_name="MeEmployee")
class MeEmployeeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()
    employee_type = serializers.CharField()
    unit = UnitRefSerializer()
    position = PositionRefSerializer(allow_null=True)
    supervisor = EmployeeRefSerializer(allow_null=True)
    position_start_date = serializers.DateField(allow_null=True)
    has_home_location = serializers.SerializerMethodField()

    def get_has_home_location(self, obj) -> bool:
        return obj.home_latitude is not None


@extend_schema_serializer(component_name="MeUser")
class MeUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    language = serializers.CharField()
    mfa_required = serializers.SerializerMethodField(
        help_text="Whether the user must use an authenticator app (their own flag, staff, or the agency policy's "
        "duty for HR admins and the agency head)."
    )

    def get_mfa_required(self, user) -> bool:
        from flexwork.accounts.selectors import user_must_have_mfa

        return user_must_have_mfa(user=user)


class MeApi(BaseApi):
    @extend_schema_serializer(component_name="MeOutput")
    class OutputSerializer(serializers.Serializer):
        user = MeUserSerializer()
        employee = MeEmployeeSerializer(allow_null=True)
        agency = MeAgencySerializer(allow_null=True)
        roles = serializers.ListField(child=serializers.ChoiceField(choices=org_scope.ALL_ROLES))
        scope = serializers.ChoiceField(
            choices=[
                org_scope.SCOPE_AGENCY,
                org_scope.SCOPE_UNIT_SUBTREE,
                org_scope.SCOPE_REPORTS,
                org_scope.SCOPE_SELF,
                org_scope.SCOPE_NONE,
            ]
        )
        language = serializers.CharField()
        time_zone = serializers.CharField()

    @extend_schema(operation_id="me_retrieve", responses={200: OutputSerializer}, tags=["organisation"])
    def get(self, request):
        scope = org_scope.scope_for(request.user)
        employee = selectors.employee_for_user(request.user)
        body = {
            "user": request.user,
            "employee": employee,
            "agency": employee.agency if employee else None,
            "roles": sorted(scope.roles),
            "scope": scope.width,
            "language": request.user.language,
            "time_zone": scope.office_time_zone or settings.FLEXWORK_DEFAULT_TIME_ZONE,
        }
        return Response(self.OutputSerializer(body).data)


# ---------------------------------------------------------------------------- units


@extend_schema_serializer(component_name="UnitDecreeFile")
class UnitDecreeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="An evidence file: GET /api/v1/evidence/{id}/download/ (HR admins).")
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField(help_text="In bytes.")
    content_type = serializers.CharField(source="media_type")


@extend_schema_serializer(component_name="Unit")
class UnitOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    path = serializers.ListField(child=serializers.IntegerField())
    head = EmployeeRefSerializer(allow_null=True)
    is_decision_level = serializers.BooleanField()
    is_public_service = serializers.BooleanField()
    min_onsite_headcount = serializers.IntegerField()
    time_zone = serializers.CharField(allow_null=True)
    office_latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    office_longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    office_radius_m = serializers.IntegerField()
    fwa_start_date = serializers.DateField(allow_null=True)
    work_week = serializers.CharField(help_text="MON_FRI, FIXED_WEEK or ROSTER (docs/rules.md §8).")
    work_week_basis = serializers.CharField(help_text="The PPK's decree a week other than MON_FRI rests on.")
    work_week_basis_file = UnitDecreeFileSerializer(allow_null=True, help_text="The decree's file, if HR keeps it.")
    updated_at = serializers.DateTimeField()


class UnitListApi(BaseApi):
    @extend_schema(operation_id="units_list", responses={200: UnitOutputSerializer(many=True)}, tags=["organisation"])
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        return get_paginated_response(
            serializer_class=UnitOutputSerializer,
            queryset=selectors.unit_list_for(user=scope),
            request=request,
            view=self,
        )


class UnitDetailApi(BaseApi):
    @extend_schema_serializer(component_name="UnitDetailFilter")
    class FilterSerializer(serializers.Serializer):
        include = serializers.ChoiceField(choices=["subtree"], required=False)

    @extend_schema_serializer(component_name="UnitDetail")
    class OutputSerializer(UnitOutputSerializer):
        subtree = UnitOutputSerializer(many=True, required=False)

    @extend_schema(
        operation_id="units_retrieve",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer},
        tags=["organisation"],
    )
    def get(self, request, unit_id: int):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        scope = org_scope.scope_for(request.user)
        unit = selectors.unit_get_for(user=scope, unit_id=unit_id)
        body = UnitOutputSerializer(unit).data
        if filters.validated_data.get("include") == "subtree":
            subtree = (
                selectors.unit_subtree(unit=unit)
                .filter(org_scope.unit_q(scope))
                .select_related("head", "work_week_basis_file")
            )
            body["subtree"] = UnitOutputSerializer(subtree, many=True).data
        return Response(body)

    @extend_schema_serializer(component_name="UnitWorkWeekInput")
    class InputSerializer(serializers.Serializer):
        work_week = serializers.ChoiceField(choices=["MON_FRI", "FIXED_WEEK", "ROSTER"], required=False)
        work_week_basis = serializers.CharField(max_length=300, allow_blank=True, required=False)
        work_week_basis_file = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            help_text="The decree's file: the id of an evidence file you uploaded (POST /api/v1/evidence/) and have "
            "not attached yet; null removes it.",
        )
        version = serializers.DateTimeField(
            required=False, help_text="The `updated_at` read before editing: when the unit changed since, 409 `stale`."
        )

    @extend_schema(
        operation_id="units_partial_update",
        request=InputSerializer,
        responses={200: UnitOutputSerializer},
        tags=["organisation"],
        description="HR sets a unit's working week, its decree and the decree's file (docs/rules.md §8). Anything "
        "but MON_FRI without the decree's number and date is 400 `WORKWEEK_BASIS`, a file alone too; a file that is "
        "not the caller's unattached upload is 400 on `work_week_basis_file`; a stale `version` 409 `stale`.",
    )
    def patch(self, request, unit_id: int):
        from flexwork.common.models import EvidenceFile

        scope = org_scope.scope_for(request.user)
        unit = selectors.unit_get_for(user=scope, unit_id=unit_id)
        org_scope.require_role(scope, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if data.get("work_week_basis_file") is not None:
            evidence_id = data["work_week_basis_file"]
            data["work_week_basis_file"] = EvidenceFile.objects.filter(id=evidence_id).first() or EvidenceFile(
                id=evidence_id
            )
        services.unit_work_week_set(unit=unit, actor=request.user, data=data, expected_updated_at=version)
        unit = selectors.unit_get_for(user=scope, unit_id=unit_id)
        return Response(UnitOutputSerializer(unit).data)


# ---------------------------------------------------------------------------- employees


@extend_schema_serializer(component_name="OrgEmployeeChange")
class EmployeeChangeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    old_id = serializers.IntegerField(allow_null=True)
    new_id = serializers.IntegerField(allow_null=True)
    old_value = serializers.CharField(help_text="A corrected NIP's old value; an agency's name for a transfer.")
    new_value = serializers.CharField()
    reason = serializers.CharField()
    effective_date = ApiDateField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Employee")
class EmployeeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()
    employee_type = serializers.CharField()
    email = serializers.EmailField(source="user.email", allow_blank=True)
    language = serializers.CharField(source="user.language")
    unit = UnitRefSerializer()
    position = PositionRefSerializer(allow_null=True)
    position_start_date = serializers.DateField(allow_null=True)
    service_start_date = serializers.DateField(allow_null=True, help_text="TMT CPNS, or the first PPPK contract.")
    contract_months = serializers.IntegerField(allow_null=True, help_text="PPPK only: the contract's length.")
    supervisor = EmployeeRefSerializer(allow_null=True)
    sanction_start = serializers.DateField(allow_null=True)
    sanction_end = serializers.DateField(allow_null=True)
    sanction_in_process = serializers.BooleanField()
    has_home_location = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField(help_text="The record's version: send it back as `version` in a PATCH.")

    def get_has_home_location(self, obj) -> bool:
        return obj.home_latitude is not None


class EmployeeListApi(BaseApi):
    @extend_schema_serializer(component_name="EmployeeListFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, max_length=100)
        unit = serializers.IntegerField(required=False, min_value=1)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="EmployeeCreateInput")
    class InputSerializer(serializers.Serializer):
        nip = serializers.CharField(max_length=32)
        name = serializers.CharField(max_length=200)
        employee_type = serializers.ChoiceField(choices=EmployeeType.choices)
        unit = serializers.IntegerField()
        position = serializers.IntegerField(required=False, allow_null=True)
        position_start_date = ApiDateField(required=False, allow_null=True)
        service_start_date = ApiDateField(required=False, allow_null=True)
        contract_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=120)
        supervisor = serializers.IntegerField(required=False, allow_null=True)
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False)

    @extend_schema(
        operation_id="employees_list",
        parameters=[FilterSerializer],
        responses={200: EmployeeOutputSerializer(many=True)},
        tags=["organisation"],
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=EmployeeOutputSerializer,
            queryset=selectors.employee_list_for(user=scope, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="employees_create",
        request=InputSerializer,
        responses={201: EmployeeOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = _agency_of(request.user)
        data = serializer.validated_data
        employee = services.employee_create(
            agency=agency,
            nip=data["nip"],
            name=data["name"],
            employee_type=data["employee_type"],
            unit=_resolve(Unit, agency_id=agency.id, pk=data["unit"], field="unit"),
            position=_resolve(Position, agency_id=agency.id, pk=data.get("position"), field="position"),
            position_start_date=data.get("position_start_date"),
            service_start_date=data.get("service_start_date"),
            contract_months=data.get("contract_months"),
            supervisor=_resolve(EmployeeModel, agency_id=agency.id, pk=data.get("supervisor"), field="supervisor"),
            email=data.get("email", ""),
            language=data.get("language"),
        )
        employee = selectors.employee_get_for(user=request.user, employee_id=employee.id)
        return Response(EmployeeOutputSerializer(employee).data, status=status.HTTP_201_CREATED)


class EmployeeDetailApi(BaseApi):
    @extend_schema_serializer(component_name="EmployeeDetail")
    class OutputSerializer(EmployeeOutputSerializer):
        changes = EmployeeChangeSerializer(many=True)

    @extend_schema_serializer(component_name="EmployeeUpdateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200, required=False)
        employee_type = serializers.ChoiceField(choices=EmployeeType.choices, required=False)
        unit = serializers.IntegerField(required=False)
        position = serializers.IntegerField(required=False, allow_null=True)
        position_start_date = ApiDateField(required=False, allow_null=True)
        service_start_date = ApiDateField(required=False, allow_null=True)
        contract_months = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=120, help_text="PPPK only."
        )
        supervisor = serializers.IntegerField(required=False, allow_null=True)
        sanction_start = ApiDateField(required=False, allow_null=True)
        sanction_end = ApiDateField(required=False, allow_null=True)
        sanction_in_process = serializers.BooleanField(required=False)
        is_active = serializers.BooleanField(required=False)
        email = serializers.EmailField(required=False, allow_blank=True)
        language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False)
        effective_date = ApiDateField(required=False, help_text="When a change of unit etc. takes effect.")
        version = serializers.DateTimeField(
            required=False,
            help_text="The `updated_at` read before editing: when the employee changed since, 409 `stale` "
            "and nothing is written.",
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, max_length=1000, help_text="Recorded with the change (a deactivation)."
        )

    def _output(self, employee):
        data = EmployeeOutputSerializer(employee).data
        data["changes"] = EmployeeChangeSerializer(selectors.employee_changes(employee=employee), many=True).data
        return data

    @extend_schema(operation_id="employees_retrieve", responses={200: OutputSerializer}, tags=["organisation"])
    def get(self, request, employee_id: int):
        employee = selectors.employee_get_for(user=request.user, employee_id=employee_id)
        return Response(self._output(employee))

    @extend_schema(
        operation_id="employees_partial_update",
        request=InputSerializer,
        responses={200: OutputSerializer},
        tags=["organisation"],
    )
    def patch(self, request, employee_id: int):
        scope = org_scope.scope_for(request.user)
        employee = selectors.employee_get_for(user=scope, employee_id=employee_id)
        org_scope.require_role(scope, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        effective_date = data.pop("effective_date", None)
        version = data.pop("version", None)
        reason = data.pop("reason", "")
        agency_id = employee.agency_id
        for field, model in (("unit", Unit), ("position", Position), ("supervisor", EmployeeModel)):
            if field in data:
                data[field] = _resolve(model, agency_id=agency_id, pk=data[field], field=field)
        services.employee_update(
            employee=employee,
            data=data,
            actor=request.user,
            effective_date=effective_date,
            expected_updated_at=version,
            reason=reason,
        )
        employee = selectors.employee_get_for(user=request.user, employee_id=employee_id)
        return Response(self._output(employee))


# ---------------------------------------------------------------------------- positions


@extend_schema_serializer(component_name="Position")
class PositionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    is_fwa_eligible = serializers.BooleanField()
    task_outside_office = serializers.BooleanField()
    task_no_special_equipment = serializers.BooleanField()
    task_ict_feasible = serializers.BooleanField()
    task_minimal_face_to_face = serializers.BooleanField()
    task_no_continuous_supervision = serializers.BooleanField()
    shift_eligible = serializers.BooleanField()
    shift_criterion = serializers.CharField(help_text="DAILY_OVER_8H30, WEEK_OVER_5D or empty (docs/rules.md §8).")


class PositionListApi(BaseApi):
    @extend_schema_serializer(component_name="PositionCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)
        name = serializers.CharField(max_length=200)
        type = serializers.ChoiceField(choices=PositionType.choices)
        is_fwa_eligible = serializers.BooleanField(default=False)
        task_outside_office = serializers.BooleanField(default=False)
        task_no_special_equipment = serializers.BooleanField(default=False)
        task_ict_feasible = serializers.BooleanField(default=False)
        task_minimal_face_to_face = serializers.BooleanField(default=False)
        task_no_continuous_supervision = serializers.BooleanField(default=False)
        shift_eligible = serializers.BooleanField(default=False)
        shift_criterion = serializers.CharField(
            default="",
            allow_blank=True,
            max_length=16,
            help_text="DAILY_OVER_8H30 or WEEK_OVER_5D when shift_eligible.",
        )

    @extend_schema(
        operation_id="positions_list", responses={200: PositionOutputSerializer(many=True)}, tags=["organisation"]
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        return get_paginated_response(
            serializer_class=PositionOutputSerializer,
            queryset=selectors.position_list_for(user=scope),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="positions_create",
        request=InputSerializer,
        responses={201: PositionOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = services.position_create(
            agency=_agency_of(request.user),
            code=data["code"],
            name=data["name"],
            type=data["type"],
            is_fwa_eligible=data["is_fwa_eligible"],
            shift_eligible=data["shift_eligible"],
            shift_criterion=data["shift_criterion"],
            **{name: data[name] for name in TASK_CRITERIA},
        )
        return Response(PositionOutputSerializer(position).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- designated locations


@extend_schema_serializer(component_name="DesignatedLocation")
class LocationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    radius_m = serializers.IntegerField()
    is_active = serializers.BooleanField()


class LocationListApi(BaseApi):
    @extend_schema_serializer(component_name="LocationListFilter")
    class FilterSerializer(serializers.Serializer):
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema_serializer(component_name="LocationCreateInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
        longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)
        radius_m = serializers.IntegerField(min_value=1, max_value=100_000, default=100)
        is_active = serializers.BooleanField(default=True)

    @extend_schema(
        operation_id="locations_list",
        parameters=[FilterSerializer],
        responses={200: LocationOutputSerializer(many=True)},
        tags=["organisation"],
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=LocationOutputSerializer,
            queryset=selectors.location_list_for(user=scope, active=filters.validated_data.get("active")),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="locations_create",
        request=InputSerializer,
        responses={201: LocationOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(agency=_agency_of(request.user), **serializer.validated_data)
        return Response(LocationOutputSerializer(location).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- holidays


@extend_schema_serializer(component_name="Holiday")
class HolidayOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    name = serializers.CharField()
    kind = serializers.CharField()
    confirmed = serializers.BooleanField()


class HolidayListApi(BaseApi):
    @extend_schema_serializer(component_name="HolidayListFilter")
    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(required=False, min_value=1960, max_value=2100)

    @extend_schema_serializer(component_name="HolidayCreateInput")
    class InputSerializer(serializers.Serializer):
        date = ApiDateField()
        name = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=HolidayKind.choices)
        confirmed = serializers.BooleanField(default=True)

    @extend_schema(
        operation_id="holidays_list",
        parameters=[FilterSerializer],
        responses={200: HolidayOutputSerializer(many=True)},
        tags=["organisation"],
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=HolidayOutputSerializer,
            queryset=selectors.holiday_list_for(user=scope, year=filters.validated_data.get("year")),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="holidays_create",
        request=InputSerializer,
        responses={201: HolidayOutputSerializer},
        tags=["organisation"],
    )
    def post(self, request):
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        holiday = services.holiday_create(agency=_agency_of(request.user), **serializer.validated_data)
        return Response(HolidayOutputSerializer(holiday).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- policy


def _policy_field(setting, *, nullable: bool, output: bool) -> serializers.Field:
    options = {"help_text": str(setting.label)}
    if output:
        options["read_only"] = True
    else:
        options["required"] = False
    if nullable:
        options["allow_null"] = True
    bounds = {}
    if setting.minimum is not None:
        bounds = {"min_value": setting.minimum, "max_value": setting.maximum}
    if setting.kind == "int":
        return serializers.IntegerField(**bounds, **options)
    if setting.kind == "bool":
        return serializers.BooleanField(**options)
    if setting.kind == "time":
        return serializers.TimeField(format="%H:%M", **options)
    if setting.kind == "decimal":
        return serializers.DecimalField(max_digits=5, decimal_places=2, **bounds, **options)
    return serializers.ChoiceField(choices=PerformancePeriod.choices, **options)


def _policy_serializer(name: str, *, nullable: bool, output: bool, extra: dict | None = None):
    fields = {setting.name: _policy_field(setting, nullable=nullable, output=output) for setting in POLICY_SETTINGS}
    fields.update(extra or {})
    return extend_schema_serializer(component_name=name)(type(name, (serializers.Serializer,), fields))


PolicyValuesSerializer = _policy_serializer(
    "PolicyValues",
    nullable=False,
    output=True,
    extra={
        "mfa_required_for_hr": serializers.BooleanField(read_only=True),
        "mfa_required_for_head": serializers.BooleanField(read_only=True),
    },
)
PolicyOverridesSerializer = _policy_serializer("PolicyOverrides", nullable=True, output=True)
PolicyAgencyInput = _policy_serializer(
    "PolicyAgencyInput",
    nullable=False,
    output=False,
    extra={
        "mfa_required_for_hr": serializers.BooleanField(
            required=False,
            help_text="Every HR admin of the agency must use an authenticator app; applies at once to current HR "
            "admins: until they enrol, pages send them to enrolment and the API answers 403 `mfa_enrolment_required`.",
        ),
        "mfa_required_for_head": serializers.BooleanField(
            required=False, help_text="The same duty for the agency head (default off)."
        ),
    },
)
PolicyUnitInput = _policy_serializer("PolicyUnitInput", nullable=True, output=False)


class PolicyApi(BaseApi):
    @extend_schema_serializer(component_name="PolicyFilter")
    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, min_value=1)

    @extend_schema_serializer(component_name="PolicyOutput")
    class OutputSerializer(serializers.Serializer):
        unit = serializers.IntegerField(allow_null=True)
        effective = PolicyValuesSerializer()
        overrides = PolicyOverridesSerializer(allow_null=True, help_text="The unit's own values (null: inherited).")
        overridden = serializers.ListField(child=serializers.CharField())

    def _output(self, *, agency, unit):
        effective = selectors.policy_for(agency=agency, unit=unit)
        overrides = selectors.unit_policy_override_get(unit=unit) if unit is not None else None
        return {
            "unit": unit.id if unit else None,
            "effective": PolicyValuesSerializer(effective).data,
            "overrides": PolicyOverridesSerializer(overrides).data if overrides is not None else None,
            "overridden": sorted(effective.overridden),
        }

    def _unit(self, request, filters):
        unit_id = filters.validated_data.get("unit")
        return selectors.unit_in_agency_get_for(user=request.user, unit_id=unit_id) if unit_id else None

    @extend_schema(
        operation_id="policy_retrieve",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer},
        tags=["organisation"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        agency = _agency_of(request.user)
        return Response(self._output(agency=agency, unit=self._unit(request, filters)))

    @extend_schema(
        operation_id="policy_partial_update",
        parameters=[FilterSerializer],
        request=PolicyAgencyInput,
        responses={200: OutputSerializer},
        description="With ?unit=, the body sets that unit's overrides (PolicyUnitInput; null inherits).",
        tags=["organisation"],
    )
    def patch(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        agency = _agency_of(request.user)
        unit = self._unit(request, filters)
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = (PolicyUnitInput if unit else PolicyAgencyInput)(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.policy_update(agency=agency, unit=unit, data=serializer.validated_data)
        agency.refresh_from_db()
        return Response(self._output(agency=agency, unit=unit))
