"""Leave / official duty and attendance corrections over the API (docs/api.md): list, create, detail and
the transitions of the shared approval engine. Each body: parse → selector (404 out of scope) →
service (403 not an actor, 409 `stale_transition`, 400 input) → serialize."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from attendance import requests as request_services
from attendance import selectors
from attendance.apis.serializers import (
    ChangeDatesInputSerializer,
    CorrectionDetailSerializer,
    CorrectionInputSerializer,
    CorrectionSerializer,
    DeferInputSerializer,
    LeaveDetailSerializer,
    LeaveInputSerializer,
    LeaveSerializer,
    NoteInputSerializer,
    RecommendInputSerializer,
)
from attendance.models import LeaveKind
from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.dates import ApiDateField

TRANSITION_CODES = (
    " 403 when the caller is not an actor of this request for this action; 409 `stale_transition` when the "
    "move is not possible from the current status or step, was already made (a repeated call), or another "
    "call won meanwhile (a concurrent one): nothing is written then."
)


class _ListFilter(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="One status or several, comma separated.")
    employee = serializers.IntegerField(required=False, min_value=1)
    date_from = ApiDateField(required=False)
    date_to = ApiDateField(required=False)
    queue = serializers.BooleanField(required=False, default=False, help_text="What the caller may act on now.")
    mine = serializers.BooleanField(required=False, default=False)

    def validate_status(self, value):
        statuses = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [s for s in statuses if s not in ApprovalStatus.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown status: %(s)s.") % {"s": ", ".join(unknown)})
        return statuses


def _detail(obj, user, serializer_class):
    body = {
        **{name: getattr(obj, name) for name in serializer_class().fields if hasattr(obj, name)},
        "check_event_id": getattr(obj, "check_event_id", None),
        "transitions": selectors.request_transitions(obj=obj),
        "allowed_actions": request_services.allowed_actions(obj=obj, user=user),
    }
    return serializer_class(body).data


# ---------------------------------------------------------------------------- leave


class LeaveListApi(BaseApi):
    """Leave and official duty in the caller's scope (and what they approve); POST asks for leave."""

    @extend_schema_serializer(component_name="LeaveListFilter")
    class FilterSerializer(_ListFilter):
        kind = serializers.ChoiceField(choices=LeaveKind.choices, required=False)

    @extend_schema(
        operation_id="leaves_list",
        tags=["leaves"],
        parameters=[FilterSerializer],
        responses={200: LeaveSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.leave_list_for(user=request.user, filters=filters.validated_data)
        return get_paginated_response(serializer_class=LeaveSerializer, queryset=qs, request=request, view=self)

    @extend_schema(
        operation_id="leaves_create",
        tags=["leaves"],
        request=LeaveInputSerializer,
        responses={201: LeaveDetailSerializer},
        description="Ask for leave or official duty for oneself (submitted at once unless `submit` is false). "
        "Overlapping leave: 409 `overlap`.",
    )
    def post(self, request):
        serializer = LeaveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        leave = request_services.leave_request_create(
            user=request.user,
            kind=data["kind"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            reason=data["reason"],
            sub_reason=data["sub_reason"],
            abroad=data["abroad"],
            evidence_ids=data["evidence"],
            submit=data["submit"],
        )
        leave = selectors.leave_get_for(user=request.user, leave_id=leave.id)
        return Response(_detail(leave, request.user, LeaveDetailSerializer), status=status.HTTP_201_CREATED)


class LeaveDetailApi(BaseApi):
    @extend_schema(operation_id="leaves_retrieve", tags=["leaves"], responses={200: LeaveDetailSerializer})
    def get(self, request, leave_id: int):
        leave = selectors.leave_get_for(user=request.user, leave_id=leave_id)
        return Response(_detail(leave, request.user, LeaveDetailSerializer))


class _LeaveTransitionApi(BaseApi):
    action = ""
    input_serializer = NoteInputSerializer

    def post(self, request, leave_id: int):
        leave = selectors.leave_get_for(user=request.user, leave_id=leave_id)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        request_services.request_act(
            obj=leave,
            action=self.action,
            actor=request.user,
            note=serializer.validated_data["note"],
            **self.extra(serializer.validated_data),
        )
        leave = selectors.leave_get_for(user=request.user, leave_id=leave_id)
        return Response(_detail(leave, request.user, LeaveDetailSerializer))

    def extra(self, data: dict) -> dict:
        return {}


def _leave_schema(action: str, description: str):
    return extend_schema(
        operation_id=f"leaves_{action}",
        tags=["leaves"],
        request=NoteInputSerializer,
        responses={200: LeaveDetailSerializer},
        description=description + TRANSITION_CODES,
    )


class LeaveSubmitApi(_LeaveTransitionApi):
    action = "submit"

    @_leave_schema("submit", "Submit a draft or returned request (its employee).")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveRecommendApi(_LeaveTransitionApi):
    action = "recommend"
    input_serializer = RecommendInputSerializer

    @extend_schema(
        operation_id="leaves_recommend",
        tags=["leaves"],
        request=RecommendInputSerializer,
        responses={200: LeaveDetailSerializer},
        description="Recommend (the direct supervisor, the escalation target or a delegate), with the opinion of "
        "the official form: approve (no `opinion`), other dates (`opinion` `change` with `date_from` and "
        "`date_to`) or defer (`opinion` `defer`, annual and long leave only); the last two need a reason in "
        "`note`. The request goes on to the deciding official, who sees the opinion." + TRANSITION_CODES,
    )
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)

    def extra(self, data: dict) -> dict:
        dates = [data["date_from"], data["date_to"]] if data.get("date_from") and data.get("date_to") else None
        return {"opinion": data.get("opinion", ""), "dates": dates}


class LeaveApproveApi(_LeaveTransitionApi):
    action = "approve"

    @_leave_schema("approve", "Approve (the decider or a delegate); the covered days are recomputed.")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveRejectApi(_LeaveTransitionApi):
    action = "reject"

    @_leave_schema("reject", "Reject (the approver of the current step).")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveReturnApi(_LeaveTransitionApi):
    action = "return"

    @_leave_schema("return", "Return for revision (the approver of the current step).")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveWithdrawApi(_LeaveTransitionApi):
    action = "withdraw"

    @_leave_schema("withdraw", "Withdraw before a decision (its employee).")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveCancelApi(_LeaveTransitionApi):
    action = "cancel"

    @_leave_schema("cancel", "Cancel approved leave that has not begun (its employee).")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveRevokeApi(_LeaveTransitionApi):
    action = "revoke"

    @_leave_schema("revoke", "Revoke approved leave (the decider), with a reason in `note`.")
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


class LeaveChangeDatesApi(_LeaveTransitionApi):
    action = "change"
    input_serializer = ChangeDatesInputSerializer

    @extend_schema(
        operation_id="leaves_change_dates",
        tags=["leaves"],
        request=ChangeDatesInputSerializer,
        responses={200: LeaveDetailSerializer},
        description="Approve with other dates (perubahan; the decider or a delegate, at the decision step), with "
        "the reason in `note`: the request takes the new dates, annual leave's held days are held again for "
        "them (400 `policy_violation` with LEAVE_BALANCE when they do not fit) and then taken. The transition "
        "records `previous_dates` and `dates`." + TRANSITION_CODES,
    )
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)

    def extra(self, data: dict) -> dict:
        return {"dates": [data["date_from"], data["date_to"]]}


class LeaveDeferApi(_LeaveTransitionApi):
    action = "defer"
    input_serializer = DeferInputSerializer

    @extend_schema(
        operation_id="leaves_defer",
        tags=["leaves"],
        request=DeferInputSerializer,
        responses={200: LeaveDetailSerializer},
        description="Defer (penangguhan; the decider or a delegate, at the decision step) annual or long leave "
        "for service needs, with the reason in `note`. The request closes as `deferred`; annual leave's held "
        "days go in full to next year's DEFERRED bucket. Another kind: 400 `invalid`; long leave for a first "
        "hajj or a birth: 400 `policy_violation` (LEAVE_DEFER_NOT_ALLOWED)." + TRANSITION_CODES,
    )
    def post(self, request, leave_id: int):
        return super().post(request, leave_id)


# ---------------------------------------------------------------------------- corrections


class CorrectionListApi(BaseApi):
    """Attendance corrections (koreksi presensi) in the caller's scope; POST asks for one."""

    @extend_schema_serializer(component_name="CorrectionListFilter")
    class FilterSerializer(_ListFilter):
        pass

    @extend_schema(
        operation_id="attendance_corrections_list",
        tags=["attendance"],
        parameters=[FilterSerializer],
        responses={200: CorrectionSerializer(many=True)},
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.correction_list_for(user=request.user, filters=filters.validated_data)
        return get_paginated_response(serializer_class=CorrectionSerializer, queryset=qs, request=request, view=self)

    @extend_schema(
        operation_id="attendance_corrections_create",
        tags=["attendance"],
        request=CorrectionInputSerializer,
        responses={201: CorrectionDetailSerializer},
        description="Ask to correct a missing or flagged check-in/out of one of your recent days (not the future, "
        "at most 30 days back), with the right time, a reason and optional evidence. A second open correction "
        "of the same check: 409 `duplicate`.",
    )
    def post(self, request):
        serializer = CorrectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        correction = request_services.correction_create(
            user=request.user,
            local_date=data["local_date"],
            kind=data["kind"],
            corrected_time=data["corrected_time"],
            reason=data["reason"],
            evidence_ids=data["evidence"],
            submit=data["submit"],
        )
        correction = selectors.correction_get_for(user=request.user, correction_id=correction.id)
        return Response(_detail(correction, request.user, CorrectionDetailSerializer), status=status.HTTP_201_CREATED)


class CorrectionDetailApi(BaseApi):
    @extend_schema(
        operation_id="attendance_corrections_retrieve", tags=["attendance"], responses={200: CorrectionDetailSerializer}
    )
    def get(self, request, correction_id: int):
        correction = selectors.correction_get_for(user=request.user, correction_id=correction_id)
        return Response(_detail(correction, request.user, CorrectionDetailSerializer))


class _CorrectionTransitionApi(BaseApi):
    action = ""

    def post(self, request, correction_id: int):
        correction = selectors.correction_get_for(user=request.user, correction_id=correction_id)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        request_services.request_act(
            obj=correction, action=self.action, actor=request.user, note=serializer.validated_data["note"]
        )
        correction = selectors.correction_get_for(user=request.user, correction_id=correction_id)
        return Response(_detail(correction, request.user, CorrectionDetailSerializer))


def _correction_schema(action: str, description: str):
    return extend_schema(
        operation_id=f"attendance_corrections_{action}",
        tags=["attendance"],
        request=NoteInputSerializer,
        responses={200: CorrectionDetailSerializer},
        description=description + TRANSITION_CODES,
    )


class CorrectionSubmitApi(_CorrectionTransitionApi):
    action = "submit"

    @_correction_schema("submit", "Submit a draft or returned correction (its employee).")
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)


class CorrectionRecommendApi(_CorrectionTransitionApi):
    action = "recommend"

    @_correction_schema("recommend", "Recommend (the direct supervisor, when the decider is someone else).")
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)


class CorrectionApproveApi(_CorrectionTransitionApi):
    action = "approve"

    @_correction_schema(
        "approve", "Approve: the correction supersedes the event it corrects, which stays marked as corrected."
    )
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)


class CorrectionRejectApi(_CorrectionTransitionApi):
    action = "reject"

    @_correction_schema("reject", "Reject (the approver of the current step).")
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)


class CorrectionReturnApi(_CorrectionTransitionApi):
    action = "return"

    @_correction_schema("return", "Return for revision (the approver of the current step).")
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)


class CorrectionWithdrawApi(_CorrectionTransitionApi):
    action = "withdraw"

    @_correction_schema("withdraw", "Withdraw before a decision (its employee).")
    def post(self, request, correction_id: int):
        return super().post(request, correction_id)
