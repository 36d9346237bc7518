"""Arrangement requests over the API (docs/api.md): list, create, check, detail, PATCH and the
transitions. Each body: parse input → selector (404 out of scope) → service (403 not an actor,
409 `stale_transition`, 400 rules) → serialize."""

from __future__ import annotations

from django.db.models import Count, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import LimitOffsetPagination
from flexwork.api.views import BaseApi
from flexwork.approvals.models import ApprovalStatus
from flexwork.common.dates import ApiDateField, ApiDateListField
from flexwork.common.exceptions import ApplicationError
from flexwork.common.models import EvidenceFile
from flexwork.common.selectors import evidence_list_for_owner
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from schedules import selectors, services
from schedules.apis.serializers import (
    ArrangementDetailSerializer,
    ArrangementInputSerializer,
    ArrangementListItemSerializer,
    CheckOutputSerializer,
    arrangement_list_item,
)
from schedules.models import ArrangementRequest, Location
from schedules.policy import expand_dates

TAGS = ["arrangements"]


def _caller_employee(user) -> Employee:
    scope = org_scope.require_agency(user)
    return Employee.objects.select_related("unit", "agency", "position", "supervisor", "user").get(id=scope.employee_id)


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(_("Some fields are not valid."), fields={field: [message]})


def build_input(*, user, employee: Employee, data: dict, arrangement_request: ArrangementRequest | None = None):
    """The parsed body as a services.ArrangementInput: ids resolved inside the caller's agency
    (unknown → 400 on the field), evidence limited to the caller's unattached uploads."""
    other_office = None
    if data.get("other_office_unit") is not None:
        other_office = Unit.objects.filter(agency_id=employee.agency_id, id=data["other_office_unit"]).first()
        if other_office is None:
            raise _field_error("other_office_unit", _("Unknown unit."))
    evidence_ids = list(dict.fromkeys(data.get("evidence") or []))
    evidence = []
    if evidence_ids:
        mine = EvidenceFile.objects.filter(id__in=evidence_ids, uploaded_by=user, owner_type__isnull=True)
        if arrangement_request is not None:
            mine = mine | evidence_list_for_owner(owner=arrangement_request).filter(id__in=evidence_ids)
        evidence = list(mine)
        if len(evidence) != len(evidence_ids):
            raise _field_error("evidence", _("Unknown evidence file, or one that belongs elsewhere."))
    return services.ArrangementInput(
        location=data["location"],
        requested_dates=expand_dates(
            dates=data.get("dates"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            weekdays=data.get("weekdays"),
        ),
        other_office_unit=other_office,
        designated_location_id=data.get("designated_location"),
        requested_from=data.get("date_from"),
        requested_to=data.get("date_to"),
        weekdays=data.get("weekdays"),
        planned_start=data.get("planned_start"),
        planned_end=data.get("planned_end"),
        reason=data.get("reason") or "",
        exception_basis=data.get("exception_basis"),
        evidence=evidence,
        work_plan=[dict(item) for item in data.get("work_plan") or []],
    )


def arrangement_detail(*, arrangement_request: ArrangementRequest, user) -> dict:
    ar = arrangement_request
    body = {
        **{name: getattr(ar, name) for name in ArrangementDetailSerializer().fields if hasattr(ar, name)},
        "days": selectors.arrangement_days(arrangement_request=ar),
        "work_plan": list(ar.work_plan.all()),
        "evidence": list(evidence_list_for_owner(owner=ar)),
        "transitions": list(selectors.arrangement_transitions(arrangement_request=ar)),
        "allowed_actions": services.allowed_actions(arrangement_request=ar, user=user),
    }
    return ArrangementDetailSerializer(body).data


def _detail_response(request, arrangement_id: int, *, status_code=status.HTTP_200_OK) -> Response:
    ar = selectors.arrangement_get_for(user=request.user, arrangement_id=arrangement_id)
    return Response(arrangement_detail(arrangement_request=ar, user=request.user), status=status_code)


class CountedLimitOffsetPagination(LimitOffsetPagination):
    """The page and the total in one statement (COUNT(*) OVER ()), not a second query over the same rows;
    only an empty page past the start counts apart. Same body as LimitOffsetPagination."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)  # never None: default_limit is set
        self.offset = self.get_offset(request)
        page = list(queryset.annotate(total_rows=Window(Count("id")))[self.offset : self.offset + self.limit])
        if page:
            self.count = page[0].total_rows
        else:
            self.count = self.get_count(queryset) if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page

    def paginate_approval_queue(self, user, request, view=None):
        """The same for the unfiltered approval queue, from its fixed statement (selectors.approval_queue_page):
        the page and its people."""
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        total, page, people = selectors.approval_queue_page(user=user, limit=self.limit, offset=self.offset)
        self.count = total if total is not None else selectors.approval_queue_for(user=user).count()
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page, people


def _unfiltered_queue(filters: dict) -> bool:
    """`queue=true` and no other filter: what the approval queue asks for."""
    return bool(
        filters.get("queue")
        and not filters.get("mine")
        and filters.get("has_violations") is None
        and not any(filters.get(name) for name in ("status", "employee", "unit", "location", "date_from", "date_to"))
    )


class ArrangementListApi(BaseApi):
    """Requests in the caller's scope. `queue=true`: what the caller may act on now; `mine=true`: their own."""

    @extend_schema_serializer(component_name="ArrangementListFilter")
    class FilterSerializer(serializers.Serializer):
        status = serializers.CharField(required=False, help_text="One status or several, comma separated.")
        employee = serializers.IntegerField(required=False, min_value=1)
        unit = serializers.IntegerField(required=False, min_value=1, help_text="A unit subtree.")
        location = serializers.ChoiceField(choices=Location.choices, required=False)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)
        queue = serializers.BooleanField(required=False, default=False)
        mine = serializers.BooleanField(required=False, default=False)
        has_violations = serializers.BooleanField(required=False, allow_null=True, default=None)

        def validate_status(self, value):
            statuses = [part.strip() for part in value.split(",") if part.strip()]
            unknown = [s for s in statuses if s not in ApprovalStatus.values]
            if unknown:
                raise serializers.ValidationError(_("Unknown status: %(s)s.") % {"s": ", ".join(unknown)})
            return statuses

    @extend_schema(
        operation_id="arrangements_list",
        parameters=[FilterSerializer],
        responses={200: ArrangementListItemSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        scope = org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        # As get_paginated_response, but the count comes with the page, the people in one more query (the unfiltered
        # queue: page, count and people in one prepared statement), and the items without a serializer per row: the
        # queue of a decider answers in a few milliseconds.
        paginator = CountedLimitOffsetPagination()
        if _unfiltered_queue(filters.validated_data):
            page, people = paginator.paginate_approval_queue(scope, request, view=self)
        else:
            queryset = selectors.arrangement_list_for(user=scope, filters=filters.validated_data, with_people=False)
            page = paginator.paginate_queryset(queryset, request, view=self)
            people = selectors.arrangement_people_for(page)
        zone = timezone.get_current_timezone()
        return paginator.get_paginated_response([arrangement_list_item(ar, people, zone) for ar in page])

    @extend_schema(
        operation_id="arrangements_create",
        request=ArrangementInputSerializer,
        responses={201: ArrangementDetailSerializer},
        tags=TAGS,
        description="Create a draft, or submit at once with `submit: true`. Hard rule violations answer 400 "
        "`policy_violation` with `violations` and store nothing; soft ones are returned in the body.",
    )
    def post(self, request):
        employee = _caller_employee(request.user)
        serializer = ArrangementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = build_input(user=request.user, employee=employee, data=serializer.validated_data)
        ar, _result = services.arrangement_request_create(
            employee=employee, data=data, actor=request.user, submit=serializer.validated_data["submit"]
        )
        return _detail_response(request, ar.id, status_code=status.HTTP_201_CREATED)


class ArrangementCheckApi(BaseApi):
    @extend_schema(
        operation_id="arrangements_check",
        request=ArrangementInputSerializer,
        responses={200: CheckOutputSerializer},
        tags=TAGS,
        description="The rule check of a create body, without storing anything: every violation and the "
        "weekly quota. Always 200 for a well-formed body.",
    )
    def post(self, request):
        employee = _caller_employee(request.user)
        serializer = ArrangementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = build_input(user=request.user, employee=employee, data=serializer.validated_data)
        if not data.requested_dates:
            raise _field_error("dates", _("The request covers no working day."))
        result = services.arrangement_request_check(employee=employee, data=data)
        return Response(CheckOutputSerializer({"violations": result.as_list(), "quota": result.quota}).data)


class ArrangementDetailApi(BaseApi):
    @extend_schema(operation_id="arrangements_retrieve", responses={200: ArrangementDetailSerializer}, tags=TAGS)
    def get(self, request, arrangement_id: int):
        return _detail_response(request, arrangement_id)

    @extend_schema(
        operation_id="arrangements_partial_update",
        request=ArrangementInputSerializer(partial=True),
        responses={200: ArrangementDetailSerializer},
        tags=TAGS,
        description="Edit a draft or a returned request (its employee only); `submit: true` sends it on.",
    )
    def patch(self, request, arrangement_id: int):
        ar = selectors.arrangement_get_for(user=request.user, arrangement_id=arrangement_id)
        serializer = ArrangementInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        given = serializer.validated_data
        current = {
            "location": ar.location,
            "other_office_unit": ar.other_office_unit_id,
            "designated_location": ar.designated_location_id,
            "planned_start": ar.planned_start,
            "planned_end": ar.planned_end,
            "reason": ar.reason,
            "exception_basis": ar.exception_basis,
            "work_plan": [
                {"description": i.description, "quantity": i.quantity, "unit": i.unit, "indicator": i.indicator_id}
                for i in ar.work_plan.all()
            ],
        }
        if "dates" in request.data or "date_from" in request.data or "date_to" in request.data:
            dates = {key: given.get(key) for key in ("dates", "date_from", "date_to", "weekdays")}
        else:
            dates = {
                "dates": None if ar.requested_from else ar.dates,
                "date_from": ar.requested_from,
                "date_to": ar.requested_to,
                "weekdays": ar.weekdays,
            }
        merged = {**current, **{k: v for k, v in given.items() if k in request.data}, **dates}
        employee = ar.employee
        data = build_input(user=request.user, employee=employee, data=merged, arrangement_request=ar)
        services.arrangement_request_update(
            arrangement_request=ar, data=data, actor=request.user, submit=given.get("submit", False)
        )
        return _detail_response(request, arrangement_id)


# ---------------------------------------------------------------------------- transitions


@extend_schema_serializer(component_name="ArrangementNoteInput")
class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


@extend_schema_serializer(component_name="ArrangementApproveInput")
class ApproveInputSerializer(NoteInputSerializer):
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default="", help_text="Required when soft rules are broken."
    )


@extend_schema_serializer(component_name="ArrangementEndInput")
class EndInputSerializer(NoteInputSerializer):
    dates = ApiDateListField(
        required=False,
        allow_null=True,
        max_length=400,
        help_text="Future days to end; default all future days.",
    )


class _TransitionApi(BaseApi):
    input_serializer = NoteInputSerializer

    def act(self, ar: ArrangementRequest, user, data: dict) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def post(self, request, arrangement_id: int):
        ar = selectors.arrangement_get_for(user=request.user, arrangement_id=arrangement_id)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(ar, request.user, serializer.validated_data)
        return _detail_response(request, arrangement_id)


def _transition_schema(name: str, description: str, request=NoteInputSerializer):
    return extend_schema(
        operation_id=f"arrangements_{name}",
        request=request,
        responses={200: ArrangementDetailSerializer},
        tags=TAGS,
        description=description + " 403 when the caller is not an actor of this request for this action; 409 "
        "`stale_transition` when the move is not possible from the current status or step, was already made "
        "(a repeated call), or another call won meanwhile (a concurrent one): nothing is written then.",
    )


class ArrangementSubmitApi(_TransitionApi):
    @_transition_schema("submit", "Submit a draft or a returned request (its employee). Hard rule violations: 400.")
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_submit(arrangement_request=ar, actor=user, note=data["note"])


class ArrangementRecommendApi(_TransitionApi):
    @_transition_schema("recommend", "Recommend (the direct supervisor, the escalation target or a delegate).")
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_recommend(arrangement_request=ar, actor=user, note=data["note"])


class ArrangementApproveApi(_TransitionApi):
    input_serializer = ApproveInputSerializer

    @_transition_schema(
        "approve",
        "Approve (the decider, the escalation target or a delegate) and write the schedule days. Soft "
        "violations need `override_reason` (400 `override_reason_required`); a day taken meanwhile is a 409.",
        request=ApproveInputSerializer,
    )
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_approve(
            arrangement_request=ar, actor=user, note=data["note"], override_reason=data["override_reason"]
        )


class ArrangementRejectApi(_TransitionApi):
    @_transition_schema("reject", "Reject (the approver of the current step).")
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_reject(arrangement_request=ar, actor=user, note=data["note"])


class ArrangementReturnApi(_TransitionApi):
    @_transition_schema("return", "Return for revision (the approver of the current step).")
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_return(arrangement_request=ar, actor=user, note=data["note"])


class ArrangementWithdrawApi(_TransitionApi):
    @_transition_schema("withdraw", "Withdraw before a decision (its employee).")
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_withdraw(arrangement_request=ar, actor=user, note=data["note"])


class ArrangementCancelApi(_TransitionApi):
    input_serializer = EndInputSerializer

    @_transition_schema("cancel", "Cancel chosen future days, or all (its employee).", request=EndInputSerializer)
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_cancel(
            arrangement_request=ar, actor=user, dates=data.get("dates"), note=data["note"]
        )


class ArrangementRevokeApi(_TransitionApi):
    input_serializer = EndInputSerializer

    @_transition_schema(
        "revoke",
        "Revoke chosen future days, or all (the decider), with a reason in `note`.",
        request=EndInputSerializer,
    )
    def post(self, request, arrangement_id: int):
        return super().post(request, arrangement_id)

    def act(self, ar, user, data):
        services.arrangement_request_revoke(
            arrangement_request=ar, actor=user, dates=data.get("dates"), note=data["note"]
        )
