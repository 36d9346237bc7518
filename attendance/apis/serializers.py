"""Serializers shared by the attendance APIs (unique component names for the OpenAPI schema)."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from attendance.models import (
    Absence,
    Arrival,
    CheckFlag,
    CheckKind,
    DayLocation,
    Departure,
    LeaveKind,
    LeaveSubReason,
    Verification,
)
from flexwork.approvals.models import ApprovalAction, ApprovalStatus, ApprovalStep
from flexwork.common.dates import ApiDateField

MAX_ACCURACY_INPUT_M = 50_000  # beyond this a reading is no position at all


class FiniteFloatField(serializers.FloatField):
    """A float that refuses NaN and infinities (which slip past min/max comparisons)."""

    default_error_messages = {"not_finite": _("A finite number is required.")}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


@extend_schema_serializer(component_name="AttendanceEmployeeRef")
class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="AttendanceActor")
class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        employee = getattr(user, "employee", None)
        return employee.name if employee is not None else user.username


@extend_schema_serializer(component_name="AttendanceTransition")
class TransitionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ApprovalAction.choices)
    from_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    to_status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    who = ActorSerializer(source="actor", allow_null=True)
    when = serializers.DateTimeField(source="created_at")
    note = serializers.CharField()
    on_behalf_of = EmployeeRefSerializer(allow_null=True)
    dates = serializers.ListField(
        child=serializers.DateField(),
        help_text="An approval with other dates (`change`): the new first and last day; a recommendation with "
        "`opinion` `change`: the proposed ones.",
    )
    opinion = serializers.CharField(
        help_text="A recommendation's opinion: empty (approve), `change` (other dates proposed) or `defer`."
    )
    previous_dates = serializers.ListField(
        child=serializers.DateField(), help_text="An approval with other dates: the first and last day asked before."
    )


@extend_schema_serializer(component_name="AttendanceCheckInput")
class CheckInputSerializer(serializers.Serializer):
    latitude = FiniteFloatField(min_value=-90, max_value=90, help_text="WGS84 degrees.")
    longitude = FiniteFloatField(min_value=-180, max_value=180, help_text="WGS84 degrees.")
    accuracy = FiniteFloatField(
        min_value=0, max_value=MAX_ACCURACY_INPUT_M, help_text="The browser's accuracy radius in metres."
    )


@extend_schema_serializer(component_name="AttendanceFence")
class FenceSerializer(serializers.Serializer):
    location = serializers.ChoiceField(choices=DayLocation.choices)
    label = serializers.CharField()
    radius_m = serializers.IntegerField(allow_null=True)
    required = serializers.BooleanField(help_text="False on official duty: the position is only recorded.")
    known = serializers.BooleanField(help_text="False when the place has no registered coordinates.")


@extend_schema_serializer(component_name="AttendanceCheckDuty")
class CheckDutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    duty_date = serializers.DateField(help_text="The office date on which the duty starts; the check's date.")
    shift = serializers.CharField(help_text="The shift type's code.")
    name = serializers.CharField(help_text="The shift type's name.")
    start = serializers.DateTimeField(help_text="In the office zone.")
    end = serializers.DateTimeField(help_text="In the office zone.")


@extend_schema_serializer(component_name="AttendanceCheckResult")
class CheckOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    local_date = serializers.DateField(help_text="The office date (office zone).")
    time = serializers.DateTimeField(help_text="The server's time of the check the day uses, in the office zone.")
    zone = serializers.CharField()
    location = serializers.ChoiceField(choices=DayLocation.choices, help_text="The day's location.")
    distance_m = serializers.IntegerField(allow_null=True)
    inside_fence = serializers.BooleanField(allow_null=True)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=CheckFlag.choices))
    attempt_count = serializers.IntegerField()
    fence = FenceSerializer()
    duty = CheckDutySerializer(
        allow_null=True, help_text="The roster duty the check counts for (docs/rules.md §8); null without one."
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="The flags as sentences, in the caller's language."
    )


@extend_schema_serializer(component_name="AttendanceCheckEvent")
class CheckEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    at = serializers.DateTimeField()
    location = serializers.ChoiceField(choices=DayLocation.choices)
    distance_m = serializers.IntegerField(allow_null=True)
    inside_fence = serializers.BooleanField(allow_null=True)
    flags = serializers.ListField(child=serializers.ChoiceField(choices=CheckFlag.choices))
    attempt_count = serializers.IntegerField()
    corrected = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField(
        help_text="Every stored position (only for the person it is about; empty once purged)."
    )

    def get_corrected(self, event) -> bool:
        return event.corrected_by_id is not None

    def get_positions(self, event) -> list[dict]:
        if not self.context.get("with_positions"):
            return []
        return [
            {k: attempt.get(k) for k in ("at", "latitude", "longitude", "accuracy_m", "distance_m", "flags")}
            for attempt in event.attempts or []
        ]


@extend_schema_serializer(component_name="AttendanceDay")
class DayStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    local_date = serializers.DateField()
    location = serializers.ChoiceField(choices=DayLocation.choices)
    is_working_day = serializers.BooleanField()
    is_ramadan = serializers.BooleanField()
    is_dynamic = serializers.BooleanField()
    scheduled_start = serializers.TimeField(allow_null=True)
    scheduled_end = serializers.TimeField(allow_null=True)
    check_in_at = serializers.DateTimeField(allow_null=True)
    check_out_at = serializers.DateTimeField(allow_null=True)
    arrival = serializers.ChoiceField(choices=Arrival.choices, allow_null=True)
    lateness_minutes = serializers.IntegerField()
    departure = serializers.ChoiceField(choices=Departure.choices, allow_null=True)
    early_minutes = serializers.IntegerField()
    absence = serializers.ChoiceField(choices=Absence.choices, allow_null=True)
    worked_minutes = serializers.IntegerField()
    required_minutes = serializers.IntegerField()
    credited_minutes = serializers.IntegerField()
    flagged = serializers.BooleanField()
    corrected = serializers.BooleanField()
    missing_log = serializers.BooleanField()
    events = serializers.SerializerMethodField()

    @extend_schema_field(CheckEventSerializer(many=True))
    def get_events(self, status) -> list[dict]:
        events = self.context.get("events", {}).get((status.employee_id, status.local_date), [])
        context = {"with_positions": status.employee_id == self.context.get("viewer_employee_id")}
        return CheckEventSerializer(events, many=True, context=context).data


@extend_schema_serializer(component_name="AttendanceNoteInput")
class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecommendInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    opinion = serializers.ChoiceField(
        choices=[("", "approve"), ("change", "other dates"), ("defer", "defer")],
        required=False,
        default="",
        help_text="The supervisor's opinion: empty (approve), `change` (other dates, with `date_from` and `date_to`) "
        "or `defer` (annual and long leave); the last two need a reason in `note`.",
    )
    date_from = ApiDateField(required=False, help_text="With `change`: the proposed first day.")
    date_to = ApiDateField(required=False, help_text="With `change`: the proposed last day.")


class DeferInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="The service reason of the deferral (required).")


class ChangeDatesInputSerializer(serializers.Serializer):
    date_from = ApiDateField(help_text="The new first day.")
    date_to = ApiDateField(help_text="The new last day.")
    note = serializers.CharField(max_length=2000, help_text="Why the dates change (required).")

    def validate(self, data):
        if data["date_to"] < data["date_from"]:
            raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
        return data


@extend_schema_serializer(component_name="LeaveInput")
class LeaveInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LeaveKind.choices)
    date_from = ApiDateField()
    date_to = ApiDateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    sub_reason = serializers.ChoiceField(
        choices=LeaveSubReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="What a CS or CAP is for (CS: INPATIENT, ACCIDENT_ON_DUTY, MISCARRIAGE; CAP: FAMILY_ILL, "
        "FAMILY_DEATH, DECEASED_AFFAIRS, MARRIAGE, WIFE_BIRTH, DISASTER, RECOVERY_ABROAD); blank for other kinds.",
    )
    abroad = serializers.BooleanField(required=False, default=False, help_text="The leave is spent abroad.")
    evidence = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    submit = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="Leave")
class LeaveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    kind = serializers.ChoiceField(choices=LeaveKind.choices)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    reason = serializers.CharField()
    sub_reason = serializers.CharField()
    abroad = serializers.BooleanField()
    source = serializers.CharField()
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    step = serializers.ChoiceField(choices=ApprovalStep.choices, allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="LeaveDetail")
class LeaveDetailSerializer(LeaveSerializer):
    transitions = TransitionSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="CorrectionInput")
class CorrectionInputSerializer(serializers.Serializer):
    local_date = ApiDateField()
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    corrected_time = serializers.TimeField(help_text="HH:MM wall-clock time in the office zone.")
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    submit = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="Correction")
class CorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    local_date = serializers.DateField()
    kind = serializers.ChoiceField(choices=CheckKind.choices)
    corrected_time = serializers.TimeField()
    corrected_at = serializers.DateTimeField()
    reason = serializers.CharField()
    check_event = serializers.IntegerField(source="check_event_id", allow_null=True)
    status = serializers.ChoiceField(choices=ApprovalStatus.choices)
    step = serializers.ChoiceField(choices=ApprovalStep.choices, allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="CorrectionDetail")
class CorrectionDetailSerializer(CorrectionSerializer):
    transitions = TransitionSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="WorkLogInput")
class WorkLogInputSerializer(serializers.Serializer):
    local_date = ApiDateField()
    description = serializers.CharField(max_length=4000)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit = serializers.CharField(max_length=50)
    minutes_spent = serializers.IntegerField(min_value=1, max_value=1440)
    link = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    indicator = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    evidence = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


@extend_schema_serializer(component_name="WorkLogIndicatorRef")
class IndicatorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()


@extend_schema_serializer(component_name="WorkLog")
class WorkLogSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    employee = EmployeeRefSerializer()
    local_date = serializers.DateField()
    location = serializers.ChoiceField(choices=DayLocation.choices)
    description = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2)
    unit = serializers.CharField(source="unit_of_measure")
    minutes_spent = serializers.IntegerField()
    link = serializers.CharField()
    indicator = IndicatorRefSerializer(allow_null=True)
    verification = serializers.ChoiceField(choices=Verification.choices, allow_null=True)
    verification_note = serializers.CharField()
    verified_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="WorkLogVerifyInput")
class WorkLogVerifyInputSerializer(serializers.Serializer):
    verification = serializers.ChoiceField(choices=Verification.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
