"""Duty swaps over the API (docs/api.md, docs/rules.md §8): `/api/v1/duty-swaps/` (GET the caller's
scope, POST a request), the detail, the colleague's `accept/` and `decline/`, and the engine's
`approve/`, `reject/` (the head of the roster's unit) and `withdraw/` (the requester). Each body:
parse → scoped read (404 out of scope) → service (403 not an actor, 409 stale, 400 input)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.approvals import engine as approval_engine
from flexwork.approvals import services as approval_services
from flexwork.approvals.models import ApprovalAction, ApprovalStatus
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee
from shifts import swaps
from shifts.models import Duty, DutyKind, SwapAnswer

TRANSITION_CODES = (
    " 403 when the caller is not an actor of this swap for this action; 409 `stale_transition` when the move "
    "is not possible from the current status, was already made (a repeated call), another call won meanwhile "
    "(a concurrent one) or `expected_updated_at` is not the swap's: nothing is written then."
)


@extend_schema_serializer(component_name="SwapPerson")
class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="SwapDuty")
class SwapDutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    duty_date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DutyKind.choices)
    shift_code = serializers.CharField(source="shift_type.code", allow_null=True, default=None)
    shift_name = serializers.CharField(source="shift_type.name", allow_null=True, default=None)
    start_at = serializers.DateTimeField(allow_null=True)
    end_at = serializers.DateTimeField(allow_null=True)
    is_night = serializers.BooleanField()


@extend_schema_serializer(component_name="SwapViolation")
class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    source = serializers.CharField()
    dates = serializers.ListField(child=serializers.DateField())


@extend_schema_serializer(component_name="SwapTransition")
class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ApprovalAction.choices)
    from_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    to_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    who = serializers.SerializerMethodField()
    when = serializers.DateTimeField(source="created_at")
    note = serializers.CharField()
    override_reason = serializers.CharField()

    def get_who(self, row) -> str | None:
        actor = row.actor
        if actor is None:
            return None
        employee = getattr(actor, "employee", None)
        return employee.name if employee is not None else actor.get_username()


@extend_schema_serializer(component_name="DutySwap")
class SwapSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    answer = serializers.ChoiceField(choices=SwapAnswer.choices)
    employee = PersonSerializer()
    colleague = PersonSerializer()
    decider = PersonSerializer(allow_null=True)
    duty = SwapDutySerializer()
    colleague_duty = SwapDutySerializer(allow_null=True)
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(help_text="Send it back as `expected_updated_at` to act on this version.")


@extend_schema_serializer(component_name="DutySwapDetail")
class SwapDetailSerializer(SwapSerializer):
    warnings = ViolationSerializer(many=True, help_text="The rules the swap breaks now (soft: an override reason).")
    transitions = TransitionSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="DutySwapInput")
class SwapInputSerializer(serializers.Serializer):
    duty = serializers.IntegerField(min_value=1, help_text="One of the caller's published future shifts.")
    colleague = serializers.IntegerField(min_value=1, help_text="An employee of the same roster unit.")
    colleague_duty = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text="One of the colleague's shifts."
    )
    reason = serializers.CharField(max_length=2000)


@extend_schema_serializer(component_name="DutySwapAction")
class SwapActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    expected_updated_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="DutySwapListFilter")
class SwapFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApprovalStatus.choices, required=False)
    role = serializers.ChoiceField(
        choices=[("mine", "mine"), ("asked", "asked"), ("decide", "decide")],
        required=False,
        help_text="mine: asked by the caller; asked: asked of the caller; decide: waiting for the caller's decision.",
    )


def allowed_actions(swap, user) -> list[str]:
    """The engine's actions, where the colleague's `submit` reads as accept or decline."""
    actions = approval_engine.allowed_actions(obj=swap, user=user)
    if "submit" in actions:
        actions = [a for a in actions if a != "submit"] + ["accept", "decline"]
    return actions


def detail(swap, user) -> dict:
    swap = swaps.swap_get_for(user=user, swap_id=swap.id)
    body = {name: getattr(swap, name) for name in SwapSerializer().fields}
    body["warnings"] = swaps.swap_warnings(swap)
    body["transitions"] = list(approval_services.transitions_for(swap))
    body["allowed_actions"] = allowed_actions(swap, user)
    return SwapDetailSerializer(body).data


class SwapListApi(BaseApi):
    @extend_schema(
        operation_id="duty_swaps_list",
        tags=["shifts"],
        parameters=[SwapFilterSerializer],
        responses={200: SwapSerializer(many=True)},
        description="Duty swaps in the caller's scope: their own, asked of them, waiting for their decision, "
        "of the units they head (HR: the agency's).",
    )
    def get(self, request):
        filters = SwapFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        scope = org_scope.scope_for(request.user)
        role = data.get("role")
        if role == "decide":
            qs = swaps.waiting_for_decision(user=scope)
        else:
            qs = swaps.swaps_for(user=scope)
            if role == "mine":
                qs = qs.filter(employee_id=scope.employee_id)
            elif role == "asked":
                qs = qs.filter(colleague_id=scope.employee_id)
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return get_paginated_response(serializer_class=SwapSerializer, queryset=qs, request=request, view=self)

    @extend_schema(
        operation_id="duty_swaps_create",
        tags=["shifts"],
        request=SwapInputSerializer,
        responses={201: SwapDetailSerializer},
        description="Ask a colleague of the same roster unit to take one of the caller's future published "
        "shifts (optionally one of theirs in return). 400 `policy_violation` SWAP_STARTED for a started or past "
        "duty, DUTY_OVERLAP when a person would hold two duties at once; 409 `conflict` when a swap of the "
        "duty is already waiting (a repeated request).",
    )
    def post(self, request):
        serializer = SwapInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        scope = org_scope.scope_for(request.user)
        duty = Duty.objects.filter(id=data["duty"], agency_id=scope.agency_id, employee_id=scope.employee_id).first()
        if duty is None:
            raise Http404
        colleague = (
            Employee.objects.select_related("user").filter(id=data["colleague"], agency_id=scope.agency_id).first()
        )
        if colleague is None:
            raise Http404
        colleague_duty = None
        if data["colleague_duty"]:
            colleague_duty = Duty.objects.filter(
                id=data["colleague_duty"], agency_id=scope.agency_id, employee_id=colleague.id
            ).first()
            if colleague_duty is None:
                raise Http404
        swap = swaps.swap_request(
            duty=duty, colleague=colleague, colleague_duty=colleague_duty, reason=data["reason"], actor=request.user
        )
        return Response(detail(swap, request.user), status=status.HTTP_201_CREATED)


class SwapDetailApi(BaseApi):
    @extend_schema(operation_id="duty_swaps_retrieve", tags=["shifts"], responses={200: SwapDetailSerializer})
    def get(self, request, swap_id: int):
        swap = swaps.swap_get_for(user=request.user, swap_id=swap_id)
        return Response(detail(swap, request.user))


class _SwapActionApi(BaseApi):
    action = ""

    def post(self, request, swap_id: int):
        swap = swaps.swap_get_for(user=request.user, swap_id=swap_id)
        serializer = SwapActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = data["expected_updated_at"]
        if self.action == "accept":
            swaps.swap_accept(swap=swap, actor=request.user, expected_updated_at=expected)
        elif self.action == "decline":
            swaps.swap_decline(swap=swap, actor=request.user, expected_updated_at=expected, note=data["note"])
        else:
            swaps.swap_act(
                swap=swap,
                action=self.action,
                actor=request.user,
                note=data["note"],
                override_reason=data["override_reason"],
                expected_updated_at=expected,
            )
        return Response(detail(swap, request.user))


def _schema(action: str, description: str):
    return extend_schema(
        operation_id=f"duty_swaps_{action}",
        tags=["shifts"],
        request=SwapActionSerializer,
        responses={200: SwapDetailSerializer},
        description=description + TRANSITION_CODES,
    )


class SwapAcceptApi(_SwapActionApi):
    action = "accept"

    @_schema("accept", "The colleague accepts: the rules are checked again and the unit head is asked.")
    def post(self, request, swap_id: int):
        return super().post(request, swap_id)


class SwapDeclineApi(_SwapActionApi):
    action = "decline"

    @_schema("decline", "The colleague declines: the swap ends and the requester is told.")
    def post(self, request, swap_id: int):
        return super().post(request, swap_id)


class SwapApproveApi(_SwapActionApi):
    action = "approve"

    @_schema(
        "approve",
        "The head of the roster's unit (or a delegate) approves: both duties are replaced at once. Soft warnings "
        "need `override_reason` (400 `override_reason_required`); SWAP_STARTED and DUTY_OVERLAP refuse (400).",
    )
    def post(self, request, swap_id: int):
        return super().post(request, swap_id)


class SwapRejectApi(_SwapActionApi):
    action = "reject"

    @_schema("reject", "The head of the roster's unit (or a delegate) rejects; both people are told.")
    def post(self, request, swap_id: int):
        return super().post(request, swap_id)


class SwapWithdrawApi(_SwapActionApi):
    action = "withdraw"

    @_schema("withdraw", "The requester withdraws before the decision.")
    def post(self, request, swap_id: int):
        return super().post(request, swap_id)
