"""Leave balances over the API (docs/api.md): `GET /api/v1/leave-balances/`, one item per employee in
the caller's scope (own for staff, team for supervisors and unit heads, the agency for HR) for a year,
each with its four buckets in the debit order (docs/rules.md §9 "Buckets"). `?employee=` or `?unit=`
out of scope is a 404. Three queries whatever the page holds: the scope, the page of employees (and its
count), the page's balances."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers

from flexwork.api.pagination import LimitOffsetPagination
from flexwork.api.views import BaseApi
from flexwork.common.calendar import today_in
from flexwork.org import scope as org_scope
from flexwork.org.selectors import employee_get_for, unit_get_for
from leave.models import Bucket
from leave.selectors import balances_for

YEAR_MIN, YEAR_MAX = 2000, 2100


@extend_schema_serializer(component_name="LeaveBalanceBucket")
class BucketSerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=Bucket.choices, help_text="DEFERRED, N2 (N-2), N1 (N-1) or N.")
    label = serializers.CharField(help_text="The bucket's name in the caller's language.")
    granted = serializers.IntegerField(help_text="Days the bucket holds for the year.")
    held = serializers.IntegerField(help_text="Days held by requests waiting for a decision.")
    used = serializers.IntegerField(help_text="Days taken by approved requests.")
    available = serializers.IntegerField(help_text="granted − held − used.")


@extend_schema_serializer(component_name="LeaveBalanceEmployee")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="LeaveBalance")
class LeaveBalanceSerializer(serializers.Serializer):
    employee = EmployeeRefSerializer()
    year = serializers.IntegerField()
    granted = serializers.IntegerField()
    held = serializers.IntegerField()
    used = serializers.IntegerField()
    available = serializers.IntegerField(help_text="Days of annual leave that can still be asked for this year.")
    buckets = BucketSerializer(many=True, help_text="In the debit order: DEFERRED, N2, N1, N.")


def _item(employee, balance) -> dict:
    lines = [
        {"bucket": line.bucket, "label": line.label, "granted": line.granted, "held": line.held,
         "used": line.used, "available": line.available}
        for line in balance.lines
    ]  # fmt: skip
    return {
        "employee": {"id": employee.id, "name": employee.name},
        "year": balance.year,
        "granted": sum(line["granted"] for line in lines),
        "held": balance.held,
        "used": balance.used,
        "available": balance.available,
        "buckets": lines,
    }


class LeaveBalanceListApi(BaseApi):
    """Annual-leave balances of the employees in the caller's scope, for one year."""

    @extend_schema_serializer(component_name="LeaveBalanceListFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1, help_text="One employee (404 outside).")
        unit = serializers.IntegerField(
            required=False, min_value=1, help_text="The employees of a unit and its sub-units (404 outside)."
        )
        year = serializers.IntegerField(
            required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, help_text="Default: this year, office time."
        )

    @extend_schema(
        operation_id="leave_balances_list",
        tags=["leaves"],
        parameters=[FilterSerializer],
        responses={200: LeaveBalanceSerializer(many=True)},
        description="Buckets N-2, N-1, N and DEFERRED with held and used days (docs/rules.md §9). Staff see "
        "their own, supervisors and unit heads their team, HR the agency; `employee` or `unit` out of reach: 404.",
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        people = org_scope.visible_employees(scope)
        if values.get("employee"):
            employee_get_for(user=scope, employee_id=values["employee"])  # 404 outside
            people = people.filter(id=values["employee"])
        else:
            people = people.filter(is_active=True)
        if values.get("unit"):
            unit_get_for(user=scope, unit_id=values["unit"])  # 404 outside
            people = people.filter(unit__path__contains=[values["unit"]])
        year = values.get("year") or today_in(scope.office_time_zone).year
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(people.only("id", "name").order_by("name", "id"), request, view=self)
        balances = balances_for(employee_ids=[e.id for e in page], year=year)
        data = LeaveBalanceSerializer([_item(e, balances[e.id]) for e in page], many=True).data
        return paginator.get_paginated_response(data)
