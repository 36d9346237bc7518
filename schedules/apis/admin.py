"""Delegations, directives and recalls over the API (docs/api.md: "CRUD within role")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.approvals import services as engine
from flexwork.approvals.models import ApprovalKind
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from flexwork.org.selectors import employee_get_for
from schedules import selectors, services
from schedules.apis.serializers import EmployeeRefSerializer, UnitRefSerializer
from schedules.models import Location

APPROVER_ROLES = (org_scope.SUPERVISOR, org_scope.UNIT_HEAD, org_scope.DECIDER)


def _in_agency(model, *, agency_id: int, pk, field: str):
    obj = model.objects.filter(agency_id=agency_id, id=pk).first()
    if obj is None:
        raise ApplicationError(_("Some fields are not valid."), fields={field: [_("Unknown id %(id)s.") % {"id": pk}]})
    return obj


# ---------------------------------------------------------------------------- delegations


@extend_schema_serializer(component_name="Delegation")
class DelegationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    delegator = EmployeeRefSerializer()
    delegate = EmployeeRefSerializer()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=ApprovalKind.choices))
    note = serializers.CharField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class DelegationListApi(BaseApi):
    """Delegations (Plt./Plh.) given or received by the caller; HR and the agency head see all."""

    @extend_schema_serializer(component_name="DelegationCreateInput")
    class InputSerializer(serializers.Serializer):
        delegator = serializers.IntegerField(
            required=False, allow_null=True, help_text="Default: the caller. HR may name anyone of the agency."
        )
        delegate = serializers.IntegerField()
        date_from = ApiDateField()
        date_to = ApiDateField()
        kinds = serializers.ListField(
            child=serializers.ChoiceField(choices=ApprovalKind.choices),
            allow_empty=False,
            default=lambda: [ApprovalKind.ARRANGEMENT],
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    @extend_schema(
        operation_id="delegations_list", responses={200: DelegationOutputSerializer(many=True)}, tags=["approvals"]
    )
    def get(self, request):
        org_scope.require_agency(request.user)
        return get_paginated_response(
            serializer_class=DelegationOutputSerializer,
            queryset=selectors.delegation_list_for(user=request.user),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="delegations_create",
        request=InputSerializer,
        responses={201: DelegationOutputSerializer},
        tags=["approvals"],
        description="An approver hands their approval rights to a colleague for a date range. HR may create "
        "delegations for any approver of the agency.",
    )
    def post(self, request):
        scope = org_scope.require_agency(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        is_hr = org_scope.HR_ADMIN in scope.roles
        delegator_id = data.get("delegator") or scope.employee_id
        if delegator_id != scope.employee_id and not is_hr:
            org_scope.require_role(request.user, org_scope.HR_ADMIN)
        if not is_hr:
            org_scope.require_role(request.user, *APPROVER_ROLES)
        delegation = engine.delegation_create(
            delegator=_in_agency(Employee, agency_id=scope.agency_id, pk=delegator_id, field="delegator"),
            delegate=_in_agency(Employee, agency_id=scope.agency_id, pk=data["delegate"], field="delegate"),
            date_from=data["date_from"],
            date_to=data["date_to"],
            kinds=data["kinds"],
            note=data["note"],
            created_by=request.user,
        )
        delegation = selectors.delegation_get_for(user=request.user, delegation_id=delegation.id)
        return Response(DelegationOutputSerializer(delegation).data, status=status.HTTP_201_CREATED)


class DelegationDetailApi(BaseApi):
    @extend_schema(operation_id="delegations_retrieve", responses={200: DelegationOutputSerializer}, tags=["approvals"])
    def get(self, request, delegation_id: int):
        delegation = selectors.delegation_get_for(user=request.user, delegation_id=delegation_id)
        return Response(DelegationOutputSerializer(delegation).data)

    @extend_schema(
        operation_id="delegations_revoke",
        request=None,
        responses={200: DelegationOutputSerializer},
        tags=["approvals"],
        description="End a delegation now (its delegator or HR).",
    )
    def delete(self, request, delegation_id: int):
        delegation = selectors.delegation_get_for(user=request.user, delegation_id=delegation_id)
        scope = org_scope.scope_for(request.user)
        if scope.employee_id != delegation.delegator_id:
            org_scope.require_role(request.user, org_scope.HR_ADMIN)
        delegation = engine.delegation_revoke(delegation=delegation)
        return Response(DelegationOutputSerializer(delegation).data)


# ---------------------------------------------------------------------------- directives


@extend_schema_serializer(component_name="Directive")
class DirectiveOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = UnitRefSerializer(allow_null=True, help_text="Null: the whole agency.")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    allowed_locations = serializers.ListField(child=serializers.ChoiceField(choices=Location.choices))
    max_share_percent = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="Send it back as `if_unchanged_since` to refuse a stale edit.")
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="Set once withdrawn; it no longer applies.")
    withdraw_reason = serializers.CharField()


class DirectiveListApi(BaseApi):
    """Agency directives: everyone in the agency reads them; HR declares them."""

    @extend_schema_serializer(component_name="DirectiveListFilter")
    class FilterSerializer(serializers.Serializer):
        active_on = ApiDateField(required=False)

    @extend_schema_serializer(component_name="DirectiveCreateInput")
    class InputSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, allow_null=True, help_text="A unit subtree; null: agency.")
        date_from = ApiDateField()
        date_to = ApiDateField()
        allowed_locations = serializers.ListField(
            child=serializers.ChoiceField(choices=Location.choices), allow_empty=False, max_length=4
        )
        max_share_percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
        message = serializers.CharField(max_length=2000)

    @extend_schema(
        operation_id="directives_list",
        parameters=[FilterSerializer],
        responses={200: DirectiveOutputSerializer(many=True)},
        tags=["schedule"],
    )
    def get(self, request):
        org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=DirectiveOutputSerializer,
            queryset=selectors.directive_list_for(user=request.user, active_on=filters.validated_data.get("active_on")),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="directives_create",
        request=InputSerializer,
        responses={201: DirectiveOutputSerializer},
        tags=["schedule"],
        description="Declare a directive (HR). Approved days it does not allow are cancelled; everyone in its "
        "scope is told.",
    )
    def post(self, request):
        scope = org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit = None
        if data.get("unit"):
            unit = _in_agency(Unit, agency_id=scope.agency_id, pk=data["unit"], field="unit")
        directive = services.directive_create(
            agency_id=scope.agency_id,
            unit=unit,
            date_from=data["date_from"],
            date_to=data["date_to"],
            allowed_locations=data["allowed_locations"],
            max_share_percent=data.get("max_share_percent"),
            message=data["message"],
            actor=request.user,
        )
        directive = selectors.directive_get_for(user=request.user, directive_id=directive.id)
        return Response(DirectiveOutputSerializer(directive).data, status=status.HTTP_201_CREATED)


class DirectiveDetailApi(BaseApi):
    """Read (everyone in the agency), change (PATCH) or withdraw (DELETE) a directive (HR); docs/rules.md §3."""

    @extend_schema_serializer(component_name="DirectiveUpdateInput")
    class UpdateSerializer(serializers.Serializer):
        unit = serializers.IntegerField(required=False, allow_null=True, help_text="A unit subtree; null: agency.")
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)
        allowed_locations = serializers.ListField(
            child=serializers.ChoiceField(choices=Location.choices), allow_empty=False, max_length=4, required=False
        )
        max_share_percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)
        message = serializers.CharField(max_length=2000, required=False)
        if_unchanged_since = serializers.DateTimeField(
            required=False, help_text="The `updated_at` you read: a directive changed since then answers 409."
        )

    @extend_schema_serializer(component_name="DirectiveWithdrawInput")
    class WithdrawSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)
        if_unchanged_since = serializers.DateTimeField(required=False)

    @extend_schema(operation_id="directives_retrieve", responses={200: DirectiveOutputSerializer}, tags=["schedule"])
    def get(self, request, directive_id: int):
        directive = selectors.directive_get_for(user=request.user, directive_id=directive_id)
        return Response(DirectiveOutputSerializer(directive).data)

    @extend_schema(
        operation_id="directives_update",
        request=UpdateSerializer,
        responses={200: DirectiveOutputSerializer},
        tags=["schedule"],
        description="Change a directive that has not ended (HR). Once started its first day stays. Days it no "
        "longer rules out come back from tomorrow where they fit; days it now rules out are cancelled; everyone "
        "in the old and new scope is told (in batches, after the answer).",
    )
    def patch(self, request, directive_id: int):
        directive = selectors.directive_get_for(user=request.user, directive_id=directive_id)
        scope = org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.UpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = data.pop("if_unchanged_since", None)
        if data.get("unit"):
            data["unit"] = _in_agency(Unit, agency_id=scope.agency_id, pk=data["unit"], field="unit")
        directive = services.directive_update(
            directive=directive, data=data, actor=request.user, expected_updated_at=expected
        )
        directive = selectors.directive_get_for(user=request.user, directive_id=directive.id)
        return Response(DirectiveOutputSerializer(directive).data)

    @extend_schema(
        operation_id="directives_withdraw",
        request=WithdrawSerializer,
        responses={200: DirectiveOutputSerializer},
        tags=["schedule"],
        description="Withdraw a directive that has not ended (HR), with a reason. It stops applying at once; the "
        "days it cancelled come back from tomorrow where they fit; everyone it covered is told. The row stays, "
        "marked withdrawn. A repeated or concurrent withdrawal answers 409 (`stale_transition`).",
    )
    def delete(self, request, directive_id: int):
        directive = selectors.directive_get_for(user=request.user, directive_id=directive_id)
        org_scope.require_role(request.user, org_scope.HR_ADMIN)
        serializer = self.WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        directive = services.directive_withdraw(
            directive=directive,
            reason=serializer.validated_data["reason"],
            actor=request.user,
            expected_updated_at=serializer.validated_data.get("if_unchanged_since"),
        )
        directive = selectors.directive_get_for(user=request.user, directive_id=directive.id)
        return Response(DirectiveOutputSerializer(directive).data)


# ---------------------------------------------------------------------------- recalls


@extend_schema_serializer(component_name="Recall")
class RecallOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    date = serializers.DateField(source="local_date")
    reason = serializers.CharField()
    previous_location = serializers.ChoiceField(choices=Location.choices)
    recalled_by = serializers.CharField(source="recalled_by.username")
    created_at = serializers.DateTimeField()


class RecallListApi(BaseApi):
    """Recalls to the office of people in the caller's scope."""

    @extend_schema_serializer(component_name="RecallCreateInput")
    class InputSerializer(serializers.Serializer):
        employee = serializers.IntegerField()
        date = ApiDateField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(operation_id="recalls_list", responses={200: RecallOutputSerializer(many=True)}, tags=["schedule"])
    def get(self, request):
        org_scope.require_agency(request.user)
        return get_paginated_response(
            serializer_class=RecallOutputSerializer,
            queryset=selectors.recall_list_for(user=request.user),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="recalls_create",
        request=InputSerializer,
        responses={201: RecallOutputSerializer},
        tags=["schedule"],
        description="Recall a person to the office for one day (their supervisor or decider), with a reason.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        employee = employee_get_for(user=request.user, employee_id=data["employee"])
        recall = services.recall_create(
            employee=employee, local_date=data["date"], reason=data["reason"], actor=request.user
        )
        recall = selectors.recall_get_for(user=request.user, recall_id=recall.id)
        return Response(RecallOutputSerializer(recall).data, status=status.HTTP_201_CREATED)


class RecallDetailApi(BaseApi):
    @extend_schema(operation_id="recalls_retrieve", responses={200: RecallOutputSerializer}, tags=["schedule"])
    def get(self, request, recall_id: int):
        recall = selectors.recall_get_for(user=request.user, recall_id=recall_id)
        return Response(RecallOutputSerializer(recall).data)
