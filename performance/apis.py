"""Performance API (docs/api.md): /skp/, /skp/{id}/{submit,approve,return}/, /indicators/,
/realisations/, /evaluations/, /feedback/.

Each body reads: parse input → get the object through a selector (404 outside the scope) →
call a service (403 when the caller's part does not allow it) → serialize the output."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.calendar import user_today
from flexwork.common.dates import ApiDateField
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from performance import selectors, services
from performance.models import (
    BEHAVIOUR_FIELDS,
    EvaluationKind,
    IndicatorAspect,
    IndicatorDirection,
    PeriodPlan,
    Rating,
    Rhk,
    RhkKind,
    SkpApproach,
    SkpStatus,
    TargetSpread,
)

TAGS = ["performance"]


def _unknown(field: str, pk) -> ApplicationError:
    message = _("Unknown id %(id)s.") % {"id": pk}
    return ApplicationError(_("Some fields are not valid."), code="invalid", fields={field: [message]})


def _pick(queryset, pk, field: str):
    """An id from the body, looked up among the rows the caller may see: otherwise a 400 on the field."""
    if pk is None:
        return None
    obj = queryset.filter(id=pk).first()
    if obj is None:
        raise _unknown(field, pk)
    return obj


# ---------------------------------------------------------------------------- shared output pieces


@extend_schema_serializer(component_name="PerformanceEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="SkpTransition")
class TransitionSerializer(serializers.Serializer):
    from_status = serializers.ChoiceField(choices=SkpStatus.choices)
    to_status = serializers.ChoiceField(choices=SkpStatus.choices)
    actor = serializers.CharField(source="actor.username")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="SkpSummary")
class SkpSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    position = serializers.CharField(source="position.name")
    year = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    approach = serializers.ChoiceField(choices=SkpApproach.choices)
    status = serializers.ChoiceField(choices=SkpStatus.choices)
    status_note = serializers.CharField()
    assessor = EmployeeRefSerializer(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="PeriodPlanProgress")
class PlanRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="plan.id")
    number = serializers.IntegerField(source="plan.number")
    period_start = serializers.DateField(source="plan.period_start")
    period_end = serializers.DateField(source="plan.period_end")
    target_min = serializers.DecimalField(source="plan.target_min", max_digits=14, decimal_places=2)
    target_max = serializers.DecimalField(source="plan.target_max", max_digits=14, decimal_places=2)
    action_plan = serializers.CharField(source="plan.action_plan")
    realisation = serializers.DecimalField(
        source="realisation.value", max_digits=14, decimal_places=2, default=None, allow_null=True
    )
    realisation_id = serializers.IntegerField(source="realisation.id", default=None, allow_null=True)
    suggested = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The sum of verified output-log entries in the period."
    )
    achievement = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="Achievement %, uncapped (docs/rules.md §5)."
    )
    achievement_shown = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text="Achievement % as shown: capped at 150."
    )
    is_current = serializers.BooleanField()
    expected = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    at_risk = serializers.BooleanField(allow_null=True)


@extend_schema_serializer(component_name="Indicator")
class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rhk = serializers.IntegerField(source="rhk_id")
    skp = serializers.IntegerField(source="rhk.skp_id")
    aspect = serializers.ChoiceField(choices=IndicatorAspect.choices)
    description = serializers.CharField()
    target_min = serializers.DecimalField(max_digits=14, decimal_places=2)
    target_max = serializers.DecimalField(max_digits=14, decimal_places=2)
    unit = serializers.CharField()
    direction = serializers.ChoiceField(choices=IndicatorDirection.choices)
    spread = serializers.ChoiceField(choices=TargetSpread.choices)


@extend_schema_serializer(component_name="IndicatorWithProgress")
class IndicatorProgressSerializer(IndicatorSerializer):
    periods = serializers.SerializerMethodField()
    at_risk = serializers.SerializerMethodField()

    def _progress(self, obj):
        return self.context["progress"][obj.id]

    @extend_schema_field(PlanRowSerializer(many=True))
    def get_periods(self, obj) -> list[dict]:
        return PlanRowSerializer(self._progress(obj).rows, many=True).data

    def get_at_risk(self, obj) -> bool:
        return self._progress(obj).at_risk


@extend_schema_serializer(component_name="RhkCascadeRef")
class CascadeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    employee = serializers.CharField(source="skp.employee.name")


@extend_schema_serializer(component_name="Rhk")
class RhkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RhkKind.choices)
    description = serializers.CharField()
    cascaded_from = CascadeRefSerializer(allow_null=True)
    indicators = serializers.SerializerMethodField()

    @extend_schema_field(IndicatorProgressSerializer(many=True))
    def get_indicators(self, obj) -> list[dict]:
        return IndicatorProgressSerializer(obj.indicators.all(), many=True, context=self.context).data


@extend_schema_serializer(component_name="SkpDetail")
class SkpDetailSerializer(SkpSummarySerializer):
    rhk = RhkSerializer(source="rhks", many=True)
    transitions = TransitionSerializer(many=True)


def _skp_detail_response(skp, *, user, status_code=status.HTTP_200_OK) -> Response:
    document = selectors.skp_document(skp=skp)
    progress = selectors.skp_progress(skp=document, on_date=user_today(user))
    return Response(SkpDetailSerializer(document, context={"progress": progress}).data, status=status_code)


# ---------------------------------------------------------------------------- SKP


@extend_schema_serializer(component_name="SkpRhkInput")
class RhkInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="An existing RHK to change; omit to add one.")
    kind = serializers.ChoiceField(choices=RhkKind.choices, default=RhkKind.MAIN)
    description = serializers.CharField(required=False, max_length=2000)
    cascaded_from = serializers.IntegerField(
        required=False, allow_null=True, help_text="An RHK of someone above the employee in the supervisor chain."
    )
    delete = serializers.BooleanField(required=False, default=False)


def _apply_rhk_changes(*, skp, actor, items: list[dict]) -> None:
    for item in items:
        cascaded_from = None
        if item.get("cascaded_from") is not None:
            # Any RHK of the agency may be named; the service refuses one outside the chain.
            cascaded_from = Rhk.objects.filter(agency_id=skp.agency_id, id=item["cascaded_from"]).first()
            if cascaded_from is None:
                raise _unknown("rhk.cascaded_from", item["cascaded_from"])
        if item.get("id"):
            rhk = _pick(Rhk.objects.filter(skp=skp).select_related("skp__employee__supervisor"), item["id"], "rhk.id")
            if item.get("delete"):
                services.rhk_delete(rhk=rhk, actor=actor)
                continue
            data = {k: item[k] for k in ("kind", "description") if k in item}
            if "cascaded_from" in item:
                data["cascaded_from"] = cascaded_from
            services.rhk_update(rhk=rhk, actor=actor, data=data)
        else:
            if not item.get("description"):
                raise ApplicationError(
                    _("Some fields are not valid."), fields={"rhk.description": [_("Describe the result.")]}
                )
            services.rhk_create(
                skp=skp, actor=actor, kind=item["kind"], description=item["description"], cascaded_from=cascaded_from
            )


class SkpListApi(BaseApi):
    @extend_schema_serializer(component_name="SkpListFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1)
        year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
        status = serializers.ChoiceField(choices=SkpStatus.choices, required=False)

    @extend_schema_serializer(component_name="SkpCreateInput")
    class InputSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, help_text="Default: the caller (who then proposes).")
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        approach = serializers.ChoiceField(choices=SkpApproach.choices, default=SkpApproach.QUANTITATIVE)
        period_start = ApiDateField(required=False, help_text="Default: 1 January or the start in post.")
        period_end = ApiDateField(required=False, help_text="Default: 31 December.")
        rhk = RhkInputSerializer(many=True, required=False)

    @extend_schema(
        operation_id="skp_list",
        parameters=[FilterSerializer],
        responses={200: SkpSummarySerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=SkpSummarySerializer,
            queryset=selectors.skp_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(operation_id="skp_create", request=InputSerializer, responses={201: SkpDetailSerializer}, tags=TAGS)
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        scope = org_scope.require_agency(request.user)
        employee_id = data.get("employee", scope.employee_id)
        employee = _pick(org_scope.visible_employees(scope).select_related("supervisor"), employee_id, "employee")
        skp = services.skp_create(
            actor=request.user,
            employee=employee,
            year=data["year"],
            approach=data["approach"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )
        _apply_rhk_changes(skp=skp, actor=request.user, items=data.get("rhk", []))
        return _skp_detail_response(skp, user=request.user, status_code=status.HTTP_201_CREATED)


class SkpDetailApi(BaseApi):
    @extend_schema_serializer(component_name="SkpUpdateInput")
    class InputSerializer(serializers.Serializer):
        approach = serializers.ChoiceField(choices=SkpApproach.choices, required=False)
        period_start = ApiDateField(required=False)
        period_end = ApiDateField(required=False)
        rhk = RhkInputSerializer(many=True, required=False, help_text="RHKs to add, change (with id) or delete.")

    @extend_schema(operation_id="skp_retrieve", responses={200: SkpDetailSerializer}, tags=TAGS)
    def get(self, request, skp_id: int):
        skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
        return _skp_detail_response(skp, user=request.user)

    @extend_schema(
        operation_id="skp_update",
        request=InputSerializer,
        responses={200: SkpDetailSerializer},
        tags=TAGS,
        description="Only while the SKP is a draft or returned (an approved SKP is returned first: 400 "
        "`skp_not_editable`).",
    )
    def patch(self, request, skp_id: int):
        skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        items = data.pop("rhk", None)
        skp = services.skp_update(skp=skp, actor=request.user, data=data)
        if items:
            _apply_rhk_changes(skp=skp, actor=request.user, items=items)
        return _skp_detail_response(skp, user=request.user)


@extend_schema_serializer(component_name="SkpTransitionInput")
class SkpTransitionInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _transition_view(service, name: str, doc: str):
    class _Api(BaseApi):
        __doc__ = doc

        @extend_schema(
            operation_id=f"skp_{name}",
            request=SkpTransitionInputSerializer,
            responses={200: SkpDetailSerializer},
            tags=TAGS,
            description=f"{doc} An SKP outside the caller's scope is a 404; in scope, but not the caller's step "
            "to take, a 403; a repeated, stale or concurrent transition (the SKP is no longer in a status this "
            "step leaves from) is a 409 `stale_transition` and writes nothing (no history row, no notification).",
        )
        def post(self, request, skp_id: int):
            skp = selectors.skp_get_for(user=request.user, skp_id=skp_id)
            serializer = SkpTransitionInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            skp = service(skp=skp, actor=request.user, note=serializer.validated_data["note"])
            return _skp_detail_response(skp, user=request.user)

    _Api.__name__ = _Api.__qualname__ = f"Skp{name.capitalize()}Api"
    return _Api


SkpSubmitApi = _transition_view(
    services.skp_submit, "submit", "The employee proposes the SKP (draft or returned → submitted)."
)
SkpApproveApi = _transition_view(
    services.skp_approve,
    "approve",
    "The direct supervisor approves (draft, submitted or returned → approved) and is recorded as assessor.",
)
SkpReturnApi = _transition_view(
    services.skp_return, "return", "The assessor returns the SKP with a `note` (submitted or approved → returned)."
)


# ---------------------------------------------------------------------------- indicators


@extend_schema_serializer(component_name="PeriodTargetInput")
class PeriodTargetInputSerializer(serializers.Serializer):
    period_start = ApiDateField(help_text="Any day of the period.")
    target_min = serializers.DecimalField(max_digits=14, decimal_places=2)
    target_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    action_plan = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def _apply_period_targets(*, indicator, actor, items: list[dict]) -> None:
    for item in items:
        plan = PeriodPlan.objects.filter(
            indicator=indicator, period_start__lte=item["period_start"], period_end__gte=item["period_start"]
        ).first()
        if plan is None:
            raise _outside_skp()
        data = {"target_min": item["target_min"], "target_max": item.get("target_max") or item["target_min"]}
        if "action_plan" in item:
            data["action_plan"] = item["action_plan"]
        services.period_plan_update(plan=plan, actor=actor, data=data)


def _outside_skp() -> ApplicationError:
    return ApplicationError(
        _("Some fields are not valid."),
        fields={"period_targets.period_start": [_("This period is outside the SKP.")]},
        code="period_outside_skp",
    )


def _given_targets(*, skp, items: list[dict]) -> list:
    """The typed target of each period of a new indicator of `skp` (None where none was typed)."""
    periods = services.indicator_periods(skp=skp)
    given: list = [None] * len(periods)
    for item in items:
        index = next((i for i, p in enumerate(periods) if p.start <= item["period_start"] <= p.end), None)
        if index is None:
            raise _outside_skp()
        given[index] = (item["target_min"], item.get("target_max"))
    return given


def _apply_action_plans(*, indicator, actor, items: list[dict]) -> None:
    for item in items:
        if item.get("action_plan"):
            plan = PeriodPlan.objects.get(
                indicator=indicator, period_start__lte=item["period_start"], period_end__gte=item["period_start"]
            )
            services.period_plan_update(plan=plan, actor=actor, data={"action_plan": item["action_plan"]})


def _indicator_response(indicator, *, user, status_code=status.HTTP_200_OK) -> Response:
    indicator = selectors.indicator_list_for(user=user).get(id=indicator.id)
    skp = indicator.rhk.skp
    context = selectors.progress_context(
        agency_id=skp.agency_id, on_date=user_today(user), year_from=skp.period_start.year, year_to=skp.period_end.year
    )
    progress = {indicator.id: selectors.indicator_progress(indicator=indicator, context=context)}
    return Response(IndicatorProgressSerializer(indicator, context={"progress": progress}).data, status=status_code)


class IndicatorListApi(BaseApi):
    @extend_schema_serializer(component_name="IndicatorListFilter")
    class FilterSerializer(serializers.Serializer):
        skp = serializers.IntegerField(required=False, min_value=1)
        employee = serializers.IntegerField(required=False, min_value=1)
        on_date = ApiDateField(required=False, help_text="Indicators of SKPs covering this day.")

    @extend_schema_serializer(component_name="IndicatorCreateInput")
    class InputSerializer(serializers.Serializer):
        rhk = serializers.IntegerField()
        aspect = serializers.ChoiceField(choices=IndicatorAspect.choices)
        description = serializers.CharField(max_length=2000)
        target_min = serializers.DecimalField(
            max_digits=14, decimal_places=2, help_text="The target, or a range's low end."
        )
        target_max = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True, help_text="A range's high end."
        )
        unit = serializers.CharField(max_length=64)
        direction = serializers.ChoiceField(choices=IndicatorDirection.choices, default=IndicatorDirection.HIGHER)
        spread = serializers.ChoiceField(
            choices=TargetSpread.choices,
            default=TargetSpread.EVEN,
            help_text="How the annual target spreads over the periods (docs/rules.md §5). EVEN and MANUAL "
            "periods add up to the target; CUMULATIVE periods are running totals ending at it; SAME repeats it.",
        )
        period_targets = PeriodTargetInputSerializer(
            many=True,
            required=False,
            help_text="Targets of single periods: every period for MANUAL; with EVEN or CUMULATIVE they replace "
            "the rule's share of those periods, and the rule is checked.",
        )

    @extend_schema(
        operation_id="indicators_list",
        parameters=[FilterSerializer],
        responses={200: IndicatorSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=IndicatorSerializer,
            queryset=selectors.indicator_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="indicators_create",
        request=InputSerializer,
        responses={201: IndicatorProgressSerializer},
        tags=TAGS,
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rhk = _pick(
            Rhk.objects.filter(selectors.skp_visible_q(request.user, prefix="skp__")).select_related(
                "skp__employee__supervisor"
            ),
            data["rhk"],
            "rhk",
        )
        items = data.get("period_targets", [])
        indicator = services.indicator_create(
            rhk=rhk,
            actor=request.user,
            aspect=data["aspect"],
            description=data["description"],
            target_min=data["target_min"],
            target_max=data.get("target_max"),
            unit=data["unit"],
            direction=data["direction"],
            spread=data["spread"],
            period_targets=_given_targets(skp=rhk.skp, items=items) if items else None,
        )
        _apply_action_plans(indicator=indicator, actor=request.user, items=items)
        return _indicator_response(indicator, user=request.user, status_code=status.HTTP_201_CREATED)


class IndicatorDetailApi(BaseApi):
    @extend_schema_serializer(component_name="IndicatorUpdateInput")
    class InputSerializer(serializers.Serializer):
        aspect = serializers.ChoiceField(choices=IndicatorAspect.choices, required=False)
        description = serializers.CharField(max_length=2000, required=False)
        target_min = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
        target_max = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
        unit = serializers.CharField(max_length=64, required=False)
        direction = serializers.ChoiceField(choices=IndicatorDirection.choices, required=False)
        period_targets = PeriodTargetInputSerializer(many=True, required=False)

    @extend_schema(operation_id="indicators_retrieve", responses={200: IndicatorProgressSerializer}, tags=TAGS)
    def get(self, request, indicator_id: int):
        indicator = selectors.indicator_get_for(user=request.user, indicator_id=indicator_id)
        return _indicator_response(indicator, user=request.user)

    @extend_schema(
        operation_id="indicators_update",
        request=InputSerializer,
        responses={200: IndicatorProgressSerializer},
        tags=TAGS,
    )
    def patch(self, request, indicator_id: int):
        indicator = selectors.indicator_get_for(user=request.user, indicator_id=indicator_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        targets = data.pop("period_targets", [])
        indicator = services.indicator_update(indicator=indicator, actor=request.user, data=data)
        _apply_period_targets(indicator=indicator, actor=request.user, items=targets)
        return _indicator_response(indicator, user=request.user)

    @extend_schema(operation_id="indicators_destroy", request=None, responses={204: None}, tags=TAGS)
    def delete(self, request, indicator_id: int):
        indicator = selectors.indicator_get_for(user=request.user, indicator_id=indicator_id)
        services.indicator_delete(indicator=indicator, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------- realisations


@extend_schema_serializer(component_name="Realisation")
class RealisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField(source="indicator_id")
    skp = serializers.IntegerField(source="indicator.rhk.skp_id")
    period_start = serializers.DateField(source="period_plan.period_start")
    period_end = serializers.DateField(source="period_plan.period_end")
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    suggested_value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    note = serializers.CharField()
    updated_at = serializers.DateTimeField()


class RealisationListApi(BaseApi):
    @extend_schema_serializer(component_name="RealisationListFilter")
    class FilterSerializer(serializers.Serializer):
        indicator = serializers.IntegerField(required=False, min_value=1)
        skp = serializers.IntegerField(required=False, min_value=1)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)

    @extend_schema_serializer(component_name="RealisationRecordInput")
    class InputSerializer(serializers.Serializer):
        indicator = serializers.IntegerField()
        period_start = ApiDateField(help_text="Any day of the period (usually its first day).")
        value = serializers.DecimalField(max_digits=14, decimal_places=2)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
        evidence = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    @extend_schema(
        operation_id="realisations_list",
        parameters=[FilterSerializer],
        responses={200: RealisationSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=RealisationSerializer,
            queryset=selectors.realisation_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="realisations_record",
        request=InputSerializer,
        responses={201: RealisationSerializer, 200: RealisationSerializer},
        tags=TAGS,
        description="Record (201) or correct (200) the realisation of one indicator in one period. A period "
        "outside the SKP is a 400 `period_outside_skp`.",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        indicator = selectors.indicator_list_for(user=request.user).filter(id=data["indicator"]).first()
        if indicator is None:
            raise _unknown("indicator", data["indicator"])
        realisation, created = services.realisation_record(
            indicator=indicator,
            actor=request.user,
            period_date=data["period_start"],
            value=data["value"],
            note=data["note"],
            evidence_ids=data["evidence"],
        )
        realisation = selectors.realisation_list_for(user=request.user).get(id=realisation.id)
        return Response(
            RealisationSerializer(realisation).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


# ---------------------------------------------------------------------------- feedback


@extend_schema_serializer(component_name="Feedback")
class FeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    skp = serializers.IntegerField(source="skp_id")
    indicator = serializers.IntegerField(source="indicator_id", allow_null=True)
    author = serializers.CharField(source="author.username")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class FeedbackListApi(BaseApi):
    @extend_schema_serializer(component_name="FeedbackListFilter")
    class FilterSerializer(serializers.Serializer):
        skp = serializers.IntegerField(required=False, min_value=1)

    @extend_schema_serializer(component_name="FeedbackCreateInput")
    class InputSerializer(serializers.Serializer):
        skp = serializers.IntegerField()
        indicator = serializers.IntegerField(required=False, allow_null=True)
        text = serializers.CharField(max_length=4000)

    @extend_schema(
        operation_id="feedback_list",
        parameters=[FilterSerializer],
        responses={200: FeedbackSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=FeedbackSerializer,
            queryset=selectors.feedback_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="feedback_create", request=InputSerializer, responses={201: FeedbackSerializer}, tags=TAGS
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        skp = _pick(
            selectors.skp_list_for(user=request.user).select_related("employee__supervisor"), data["skp"], "skp"
        )
        indicator = _pick(selectors.indicator_list_for(user=request.user), data.get("indicator"), "indicator")
        feedback = services.feedback_create(skp=skp, actor=request.user, text=data["text"], indicator=indicator)
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------- evaluations


@extend_schema_serializer(component_name="Evaluation")
class EvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    skp = serializers.IntegerField(source="skp_id")
    employee = EmployeeRefSerializer(source="skp.employee")
    evaluator = EmployeeRefSerializer()
    kind = serializers.ChoiceField(choices=EvaluationKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    results_rating = serializers.ChoiceField(choices=Rating.choices)
    results_from_unit = serializers.BooleanField()
    behaviour_rating = serializers.ChoiceField(choices=Rating.choices)
    behaviour_service = serializers.ChoiceField(choices=Rating.choices)
    behaviour_accountable = serializers.ChoiceField(choices=Rating.choices)
    behaviour_competent = serializers.ChoiceField(choices=Rating.choices)
    behaviour_harmonious = serializers.ChoiceField(choices=Rating.choices)
    behaviour_loyal = serializers.ChoiceField(choices=Rating.choices)
    behaviour_adaptive = serializers.ChoiceField(choices=Rating.choices)
    behaviour_collaborative = serializers.ChoiceField(choices=Rating.choices)
    predikat = serializers.CharField()
    predikat_label = serializers.CharField(source="get_predikat_display")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class EvaluationListApi(BaseApi):
    @extend_schema_serializer(component_name="EvaluationListFilter")
    class FilterSerializer(serializers.Serializer):
        skp = serializers.IntegerField(required=False, min_value=1)
        employee = serializers.IntegerField(required=False, min_value=1)
        kind = serializers.ChoiceField(choices=EvaluationKind.choices, required=False)

    @extend_schema_serializer(component_name="EvaluationCreateInput")
    class InputSerializer(serializers.Serializer):
        skp = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=EvaluationKind.choices)
        period_start = ApiDateField(required=False, help_text="Default for annual: the SKP's period.")
        period_end = ApiDateField(required=False)
        results_rating = serializers.ChoiceField(
            choices=Rating.choices, required=False, help_text="Ignored for unit heads with a recorded unit result."
        )
        behaviour_rating = serializers.ChoiceField(
            choices=Rating.choices, required=False, help_text="Default: derived from the seven values."
        )
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
        behaviour_service = serializers.ChoiceField(choices=Rating.choices)
        behaviour_accountable = serializers.ChoiceField(choices=Rating.choices)
        behaviour_competent = serializers.ChoiceField(choices=Rating.choices)
        behaviour_harmonious = serializers.ChoiceField(choices=Rating.choices)
        behaviour_loyal = serializers.ChoiceField(choices=Rating.choices)
        behaviour_adaptive = serializers.ChoiceField(choices=Rating.choices)
        behaviour_collaborative = serializers.ChoiceField(choices=Rating.choices)

    @extend_schema(
        operation_id="evaluations_list",
        parameters=[FilterSerializer],
        responses={200: EvaluationSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return get_paginated_response(
            serializer_class=EvaluationSerializer,
            queryset=selectors.evaluation_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )

    @extend_schema(
        operation_id="evaluations_create", request=InputSerializer, responses={201: EvaluationSerializer}, tags=TAGS
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        skp = (
            selectors.skp_list_for(user=request.user)
            .select_related("employee__supervisor")
            .filter(id=data["skp"])
            .first()
        )
        if skp is None:
            raise _unknown("skp", data["skp"])
        evaluation = services.evaluation_create(
            skp=skp,
            actor=request.user,
            kind=data["kind"],
            behaviour={name: data[name] for name in BEHAVIOUR_FIELDS},
            results_rating=data.get("results_rating"),
            behaviour_rating=data.get("behaviour_rating"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            note=data["note"],
        )
        evaluation = selectors.evaluation_get_for(user=request.user, evaluation_id=evaluation.id)
        return Response(EvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class EvaluationDetailApi(BaseApi):
    @extend_schema(operation_id="evaluations_retrieve", responses={200: EvaluationSerializer}, tags=TAGS)
    def get(self, request, evaluation_id: int):
        evaluation = selectors.evaluation_get_for(user=request.user, evaluation_id=evaluation_id)
        return Response(EvaluationSerializer(evaluation).data)
