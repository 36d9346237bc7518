"""Serializers shared by the arrangement APIs (unique component names for the OpenAPI schema)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from flexwork.api.schema import ViolationSerializer
from flexwork.approvals.models import ApprovalAction, ApprovalStatus, ApprovalStep
from flexwork.common.dates import ApiDateField, ApiDateListField
from schedules.models import DaySource, ExceptionBasis, Location

MAX_RANGE_DAYS = 400


@extend_schema_serializer(component_name="ScheduleEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ScheduleUnitRef")
class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ScheduleLocationRef")
class LocationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ArrangementActor")
class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        employee = getattr(user, "employee", None)
        return employee.name if employee is not None else user.username


@extend_schema_serializer(component_name="ArrangementTransition")
class TransitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ApprovalAction.choices)
    from_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    to_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    who = ActorSerializer(source="actor", allow_null=True)
    when = serializers.DateTimeField(source="created_at")
    note = serializers.CharField()
    override_reason = serializers.CharField()
    on_behalf_of = EmployeeRefSerializer(allow_null=True)
    dates = serializers.ListField(child=serializers.DateField())


@extend_schema_serializer(component_name="ArrangementWorkPlanItem")
class WorkPlanItemSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=500)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit = serializers.CharField(max_length=50)
    indicator = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the employee's indicators (an approved SKP covering the request's days); "
        "another employee's or agency's indicator is a 400 on `work_plan.<n>.indicator`.",
    )


@extend_schema_serializer(component_name="ArrangementWorkPlanItemRead")
class WorkPlanItemReadSerializer(serializers.Serializer):
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit = serializers.CharField()
    indicator = serializers.IntegerField(source="indicator_id", allow_null=True)


@extend_schema_serializer(component_name="ArrangementDay")
class ArrangementDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.ChoiceField(choices=["requested", "scheduled", "recalled", "cancelled", "skipped"])
    location = serializers.ChoiceField(choices=Location.choices)


@extend_schema_serializer(component_name="ArrangementEvidence")
class EvidenceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")


@extend_schema_serializer(component_name="ArrangementQuotaWeek")
class QuotaWeekSerializer(serializers.Serializer):
    iso_year = serializers.IntegerField()
    iso_week = serializers.IntegerField()
    approved = serializers.IntegerField(help_text="Approved days that count in the cap.")
    pending = serializers.IntegerField(help_text="Days of your other pending requests.")
    requested = serializers.IntegerField(help_text="Days of this request that count in the cap.")
    left = serializers.IntegerField(help_text="Cap minus approved days.")


@extend_schema_serializer(component_name="ArrangementQuota")
class QuotaSerializer(serializers.Serializer):
    cap = serializers.IntegerField()
    counts_in_cap = serializers.BooleanField()
    used = serializers.IntegerField(help_text="Approved days in the first covered week.")
    left = serializers.IntegerField(help_text="Days left in the first covered week.")
    weeks = QuotaWeekSerializer(many=True)


@extend_schema_serializer(component_name="ArrangementListItem")
class ArrangementListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    unit = UnitRefSerializer(source="employee.unit")
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    step = serializers.ChoiceField(choices=ApprovalStep.choices, allow_null=True)
    location = serializers.ChoiceField(choices=Location.choices)
    other_office_unit = UnitRefSerializer(allow_null=True)
    designated_location = LocationRefSerializer(allow_null=True)
    dates = serializers.ListField(child=serializers.DateField())
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    planned_start = serializers.TimeField(format="%H:%M", allow_null=True)
    planned_end = serializers.TimeField(format="%H:%M", allow_null=True)
    reason = serializers.CharField()
    exception_basis = serializers.ChoiceField(choices=ExceptionBasis.choices, allow_null=True)
    violations = ViolationSerializer(many=True)
    recommender = EmployeeRefSerializer(allow_null=True)
    decider = EmployeeRefSerializer(allow_null=True)
    escalated_to = EmployeeRefSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def _instant(value, zone) -> str | None:
    """As DateTimeField's output (ISO 8601 in the active time zone, "Z" for UTC), for a zone read once per page."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _ref(obj, *names: str) -> dict | None:
    return None if obj is None else {name: getattr(obj, name) for name in names}


def _person(person) -> dict | None:
    return None if person is None else {"id": person.id, "nip": person.nip, "name": person.name}


def _hours(value) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _text(value) -> str | None:
    return None if value is None else str(value)


def _date(value) -> str | None:
    """As DateField: ISO dates; a date kept as text (the violations' JSON) as it is."""
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _violation(v: dict) -> dict:
    return {
        "code": _text(v["code"]),
        "severity": v["severity"],
        "message": _text(v["message"]),
        "source": _text(v["source"]),
        "dates": [_date(d) for d in v["dates"]],
    }


def arrangement_list_item(ar, people: dict, zone=None) -> dict:
    """ArrangementListItemSerializer's output for `ar`, built directly: nested serializers per row cost more
    than the page's queries. `people`: selectors.arrangement_people_for; `zone`: the active time zone, read once
    for a page (default: read now). tests/schedules/test_arrangements_api.py checks it against the serializer."""
    zone = zone or timezone.get_current_timezone()
    employee = people[ar.employee_id]
    return {
        "id": ar.id,
        "employee": _person(employee),
        "unit": {"id": employee.unit_id, "code": employee.unit_code, "name": employee.unit_name},
        "status": ar.status,
        "step": ar.step,
        "location": ar.location,
        "other_office_unit": _ref(ar.other_office_unit, "id", "code", "name"),
        "designated_location": _ref(ar.designated_location, "id", "name"),
        "dates": [_date(day) for day in ar.dates],
        "first_date": _date(ar.first_date),
        "last_date": _date(ar.last_date),
        "planned_start": _hours(ar.planned_start),
        "planned_end": _hours(ar.planned_end),
        "reason": ar.reason,
        "exception_basis": ar.exception_basis,
        "violations": [_violation(v) for v in ar.violations],
        "recommender": _person(people.get(ar.recommender_id)),
        "decider": _person(people.get(ar.decider_id)),
        "escalated_to": _person(people.get(ar.escalated_to_id)),
        "submitted_at": _instant(ar.submitted_at, zone),
        "created_at": _instant(ar.created_at, zone),
    }


@extend_schema_serializer(component_name="Arrangement")
class ArrangementDetailSerializer(ArrangementListItemSerializer):
    requested_from = serializers.DateField(allow_null=True)
    requested_to = serializers.DateField(allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    override_reason = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    days = ArrangementDaySerializer(many=True)
    work_plan = WorkPlanItemReadSerializer(many=True)
    evidence = EvidenceRefSerializer(many=True)
    transitions = TransitionSerializer(many=True)
    allowed_actions = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["edit", "submit", "withdraw", "cancel", "recommend", "approve", "reject", "return", "revoke"]
        ),
        help_text="What the caller may do now.",
    )


@extend_schema_serializer(component_name="ArrangementInput")
class ArrangementInputSerializer(serializers.Serializer):
    location = serializers.ChoiceField(choices=Location.choices)
    other_office_unit = serializers.IntegerField(
        required=False, allow_null=True, help_text="Unit id, for OTHER_OFFICE."
    )
    designated_location = serializers.IntegerField(
        required=False, allow_null=True, help_text="Location id, for DESIGNATED."
    )
    dates = ApiDateListField(required=False, allow_null=True, max_length=MAX_RANGE_DAYS)
    date_from = ApiDateField(required=False, allow_null=True)
    date_to = ApiDateField(required=False, allow_null=True)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        required=False,
        allow_null=True,
        allow_empty=False,
        max_length=5,
        help_text="ISO weekdays (1 = Monday … 5 = Friday) within date_from..date_to.",
    )
    planned_start = serializers.TimeField(required=False, allow_null=True, format="%H:%M")
    planned_end = serializers.TimeField(required=False, allow_null=True, format="%H:%M")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    exception_basis = serializers.ChoiceField(choices=ExceptionBasis.choices, required=False, allow_null=True)
    evidence = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=20, default=list)
    work_plan = WorkPlanItemSerializer(many=True, required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        errors: dict[str, list[str]] = {}
        has_dates = bool(attrs.get("dates"))
        has_range = attrs.get("date_from") is not None or attrs.get("date_to") is not None
        if self.partial and "dates" not in attrs and not has_range:
            pass
        elif has_dates and has_range:
            errors["dates"] = [_t("Give either dates or date_from and date_to, not both.")]
        elif not has_dates and not has_range:
            errors["dates"] = [_t("Give the dates, or date_from and date_to.")]
        elif has_range:
            date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
            if date_from is None:
                errors["date_from"] = [_t("This field is required.")]
            elif date_to is None:
                errors["date_to"] = [_t("This field is required.")]
            elif date_to < date_from:
                errors["date_to"] = [_t("The end date is before the start date.")]
            elif (date_to - date_from).days >= MAX_RANGE_DAYS:
                errors["date_to"] = [_t("The range is too long.")]
        if attrs.get("weekdays") and not has_range:
            errors["weekdays"] = [_t("Weekdays go with date_from and date_to.")]
        start, end = attrs.get("planned_start"), attrs.get("planned_end")
        if (start is None) != (end is None):
            errors["planned_end" if end is None else "planned_start"] = [_t("Give both planned start and end.")]
        elif start is not None and end <= start:
            errors["planned_end"] = [_t("The planned end must be after the start.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _t(text: str) -> str:
    from django.utils.translation import gettext

    return gettext(text)


@extend_schema_serializer(component_name="ArrangementCheckOutput")
class CheckOutputSerializer(serializers.Serializer):
    violations = ViolationSerializer(many=True)
    quota = QuotaSerializer()


@extend_schema_serializer(component_name="ScheduleDay")
class ScheduleDaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    date = serializers.DateField(source="local_date")
    location = serializers.ChoiceField(choices=Location.choices)
    other_office_unit = UnitRefSerializer(allow_null=True)
    designated_location = LocationRefSerializer(allow_null=True)
    planned_start = serializers.TimeField(format="%H:%M", allow_null=True)
    planned_end = serializers.TimeField(format="%H:%M", allow_null=True)
    source = serializers.ChoiceField(choices=DaySource.choices)
    arrangement = serializers.IntegerField(source="arrangement_id", allow_null=True)
