"""Schedule days and the team calendar over the API (docs/api.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from attendance.models import LeaveKind
from flexwork.api.pagination import get_paginated_response
from flexwork.api.views import BaseApi
from flexwork.common.dates import ApiDateField
from flexwork.org import scope as org_scope
from flexwork.org.models.organisation import WorkWeek
from flexwork.org.selectors import employee_get_for, unit_get_for
from schedules import roster_calendar, selectors
from schedules.apis.serializers import EmployeeRefSerializer, ScheduleDaySerializer, UnitRefSerializer
from schedules.models import DaySource, Location

TAGS = ["schedule"]
MAX_CALENDAR_DAYS = 62
# The rows are a window of the people, as every list of the API (docs/api.md "Pagination").
CALENDAR_PAGE_SIZE = 50
CALENDAR_MAX_PAGE_SIZE = 500


def _range_errors(attrs, *, max_days: int | None = None):
    date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
    if date_from and date_to and date_to < date_from:
        raise serializers.ValidationError({"date_to": [_("The end date is before the start date.")]})
    if max_days and date_from and date_to and (date_to - date_from).days >= max_days:
        message = _("At most %(days)d days at a time.") % {"days": max_days}
        raise serializers.ValidationError({"date_to": [message]})
    return attrs


class ScheduleDayListApi(BaseApi):
    """The materialised schedule days in scope (a day without a row is an ordinary OFFICE day)."""

    @extend_schema_serializer(component_name="ScheduleDayListFilter")
    class FilterSerializer(serializers.Serializer):
        employee = serializers.IntegerField(required=False, min_value=1)
        date_from = ApiDateField(required=False)
        date_to = ApiDateField(required=False)

        def validate(self, attrs):
            return _range_errors(attrs)

    @extend_schema(
        operation_id="schedule_days_list",
        parameters=[FilterSerializer],
        responses={200: ScheduleDaySerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        org_scope.require_agency(request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("employee"):
            employee_get_for(user=request.user, employee_id=filters.validated_data["employee"])  # 404 outside
        return get_paginated_response(
            serializer_class=ScheduleDaySerializer,
            queryset=selectors.schedule_day_list_for(user=request.user, filters=filters.validated_data),
            request=request,
            view=self,
        )


@extend_schema_serializer(component_name="TeamCalendarPendingDay")
class PendingDaySerializer(serializers.Serializer):
    arrangement = serializers.IntegerField()
    location = serializers.ChoiceField(choices=Location.choices)


@extend_schema_serializer(component_name="TeamCalendarCell")
class CellSerializer(serializers.Serializer):
    date = serializers.DateField()
    location = serializers.ChoiceField(
        choices=Location.choices, allow_null=True, help_text="Null: on leave or official duty (see `leave`)."
    )
    planned_start = serializers.TimeField(format="%H:%M", allow_null=True)
    planned_end = serializers.TimeField(format="%H:%M", allow_null=True)
    source = serializers.ChoiceField(choices=DaySource.choices, allow_null=True, help_text="Null: an ordinary day.")
    arrangement = serializers.IntegerField(allow_null=True)
    leave = serializers.ChoiceField(
        choices=LeaveKind.choices,
        allow_null=True,
        help_text="Approved leave or official duty that day; it takes precedence over the schedule day.",
    )
    pending = PendingDaySerializer(
        many=True, help_text="Requests for the day not decided yet; they do not count in the coverage."
    )


@extend_schema_serializer(component_name="TeamCalendarRow")
class RowSerializer(serializers.Serializer):
    employee = EmployeeRefSerializer()
    cells = CellSerializer(many=True)


@extend_schema_serializer(component_name="TeamCalendarCounts")
class CountsSerializer(serializers.Serializer):
    OFFICE = serializers.IntegerField()
    OTHER_OFFICE = serializers.IntegerField()
    HOME = serializers.IntegerField()
    DESIGNATED = serializers.IntegerField()


@extend_schema_serializer(component_name="TeamCalendarDay")
class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    working = serializers.BooleanField()
    holiday = serializers.CharField(allow_null=True)
    counts = CountsSerializer()
    active_headcount = serializers.IntegerField(help_text="The headcount without the people on leave or official duty.")
    on_leave = serializers.IntegerField()
    away = serializers.IntegerField(
        help_text="Away from the office on an approved day (pending requests do not count)."
    )
    allowed_away = serializers.IntegerField(
        help_text="0 if the share is 0, else max(1, floor(active_headcount × share)); a directive's share on its days."
    )
    min_onsite = serializers.IntegerField(help_text="The public-service minimum on site (0: none).")
    coverage_warning = serializers.BooleanField(help_text="Away above allowed_away, or fewer on site than min_onsite.")


@extend_schema_serializer(component_name="RosterCalendarShiftType")
class RosterShiftTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    colour = serializers.CharField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M", help_text="At or before the start: ends the next day.")
    is_night = serializers.BooleanField()


@extend_schema_serializer(component_name="RosterCalendarDuty")
class RosterDutySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["SHIFT", "OFF", "POST_NIGHT"])
    shift_type = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(allow_null=True, help_text="The shift type's code; null for OFF and POST_NIGHT.")
    start = serializers.DateTimeField(allow_null=True, help_text="In the unit's office zone.")
    end = serializers.DateTimeField(allow_null=True, help_text="In the unit's office zone.")
    ends_next_day = serializers.BooleanField()
    net_minutes = serializers.IntegerField()
    location = serializers.ChoiceField(choices=Location.choices)


@extend_schema_serializer(component_name="RosterCalendarCell")
class RosterCellSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="The duty date.")
    duty = RosterDutySerializer(allow_null=True, help_text="The published duty; null: no duty that date.")
    leave = serializers.ChoiceField(
        choices=LeaveKind.choices, allow_null=True, help_text="Approved leave or official duty; it takes precedence."
    )


@extend_schema_serializer(component_name="RosterCalendarWeek")
class RosterWeekSerializer(serializers.Serializer):
    iso_year = serializers.IntegerField()
    iso_week = serializers.IntegerField()
    net_minutes = serializers.IntegerField(help_text="Net minutes of the week's duties, leave left out.")


@extend_schema_serializer(component_name="RosterCalendarRow")
class RosterRowSerializer(serializers.Serializer):
    employee = EmployeeRefSerializer()
    cells = RosterCellSerializer(many=True)
    weeks = RosterWeekSerializer(many=True)


@extend_schema_serializer(component_name="RosterCalendarShiftCount")
class RosterShiftCountSerializer(serializers.Serializer):
    shift_type = serializers.IntegerField()
    count = serializers.IntegerField(help_text="OFFICE duties of people not on leave nor away.")
    min_staff = serializers.IntegerField(help_text="0: no minimum for the day's kind.")
    leads = serializers.IntegerField()
    min_lead = serializers.IntegerField()
    short = serializers.BooleanField()


@extend_schema_serializer(component_name="RosterCalendarDay")
class RosterDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    holiday = serializers.CharField(allow_null=True)
    day_kind = serializers.ChoiceField(choices=["WEEKDAY", "SATURDAY", "SUNDAY", "HOLIDAY"])
    shifts = RosterShiftCountSerializer(many=True)


@extend_schema_serializer(component_name="RosterTeamCalendar")
class RosterOutputSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    work_week = serializers.ChoiceField(choices=WorkWeek.choices)
    zone = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    headcount = serializers.IntegerField()
    published = serializers.BooleanField(help_text="Any published duty in the range.")
    shift_types = RosterShiftTypeSerializer(many=True)
    days = RosterDaySerializer(many=True)
    rows = RosterRowSerializer(many=True)


class TeamCalendarApi(BaseApi):
    """The unit × days grid: each person's location and hours, counts per location, coverage warnings.
    A unit that works shifts (docs/rules.md §8) answers its duties instead: per person and duty date
    the published duty (code, start and end in the unit's zone, kind), a count per shift type against
    its minimum, and the net hours per ISO week."""

    @extend_schema_serializer(component_name="TeamCalendarFilter")
    class FilterSerializer(serializers.Serializer):
        unit = serializers.IntegerField(min_value=1)
        date_from = ApiDateField()
        date_to = ApiDateField()
        subtree = serializers.BooleanField(required=False, default=False, help_text="Include the sub-units.")
        q = serializers.CharField(
            required=False, default="", max_length=100, help_text="Only the people whose name holds this text."
        )
        limit = serializers.IntegerField(
            required=False,
            default=CALENDAR_PAGE_SIZE,
            min_value=1,
            max_value=CALENDAR_MAX_PAGE_SIZE,
            help_text="People per page (rows); the counts and coverage are always of the whole unit.",
        )
        offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=10_000_000)

        def validate(self, attrs):
            return _range_errors(attrs, max_days=MAX_CALENDAR_DAYS)

    @extend_schema_serializer(component_name="TeamCalendar")
    class OutputSerializer(serializers.Serializer):
        unit = UnitRefSerializer()
        date_from = serializers.DateField()
        date_to = serializers.DateField()
        headcount = serializers.IntegerField()
        share_percent = serializers.IntegerField()
        count = serializers.IntegerField(help_text="The people that match `q` (the headcount without it).")
        next = serializers.URLField(allow_null=True, help_text="The next page of rows; null on the last.")
        previous = serializers.URLField(allow_null=True, help_text="The previous page of rows; null on the first.")
        days = DaySerializer(many=True)
        rows = RowSerializer(many=True, help_text="A page of the people (`limit`, `offset`), by name.")

    @extend_schema(
        operation_id="team_calendar_retrieve",
        parameters=[FilterSerializer],
        responses={
            200: PolymorphicProxySerializer(
                component_name="TeamCalendarAny",
                serializers=[OutputSerializer, RosterOutputSerializer],
                resource_type_field_name=None,
            )
        },
        tags=TAGS,
        description="A Monday–Friday unit answers TeamCalendar; a unit with another working week (FIXED_WEEK, "
        "ROSTER) answers RosterTeamCalendar (`work_week` present), unless `subtree` is asked for.",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        scope = org_scope.scope_for(request.user)
        unit = unit_get_for(user=scope, unit_id=data["unit"])  # 404 outside the caller's scope
        org_scope.require_role(
            scope,
            org_scope.SUPERVISOR,
            org_scope.UNIT_HEAD,
            org_scope.DECIDER,
            org_scope.HR_ADMIN,
            org_scope.AGENCY_HEAD,
        )
        if unit.work_week != WorkWeek.MON_FRI and not data["subtree"]:
            grid = roster_calendar.roster_calendar_for(
                user=scope, unit_id=unit.id, date_from=data["date_from"], date_to=data["date_to"]
            )
            return Response(roster_calendar_data(grid))
        calendar = selectors.team_calendar_for(
            user=scope,
            unit_id=data["unit"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            subtree=data["subtree"],
            offset=data["offset"],
            limit=data["limit"],
            q=data["q"].strip(),
        )
        body = team_calendar_data(calendar)
        body["next"], body["previous"] = _page_links(request, calendar)
        return Response(body)


def _page_links(request, calendar: selectors.TeamCalendar) -> tuple[str | None, str | None]:
    """The next and previous pages of rows, as LimitOffsetPagination links them."""
    limit, offset = calendar.limit, calendar.offset
    url = request.build_absolute_uri()
    following = None
    if limit is not None and offset + limit < calendar.count:
        following = replace_query_param(replace_query_param(url, "offset", offset + limit), "limit", limit)
    previous = None
    if limit is not None and offset > 0:
        previous = replace_query_param(url, "limit", limit)
        back = offset - limit
        previous = (
            remove_query_param(previous, "offset") if back <= 0 else replace_query_param(previous, "offset", back)
        )
    return following, previous


def _hours(value):
    """As CellSerializer's TimeField(format="%H:%M")."""
    return None if value is None else value.strftime("%H:%M")


def team_calendar_data(calendar: selectors.TeamCalendar) -> dict:
    """The body TeamCalendarApi.OutputSerializer describes, built directly: a month of a 500-person unit
    is 15,500 cells, and a serializer per cell took most of the request. Same keys, order and values as
    the serializer gives (tests/schedules/test_calendar_api.py compares the two)."""
    dates = [day.date.isoformat() for day in calendar.days]
    # Ordinary days are alike on a date: one dict each, shared by every row (the renderer only reads them).
    plain = [
        {
            "date": date,
            "location": Location.OFFICE.value,
            "planned_start": None,
            "planned_end": None,
            "source": None,
            "arrangement": None,
            "leave": None,
            "pending": [],
        }
        for date in dates
    ]

    def cell_data(i, cell, kind, pending):
        location = Location.OFFICE.value if cell is None else cell.location
        return {
            "date": dates[i],
            "location": None if kind is not None else location,
            "planned_start": None if cell is None else _hours(cell.planned_start),
            "planned_end": None if cell is None else _hours(cell.planned_end),
            "source": None if cell is None else cell.source,
            "arrangement": None if cell is None else cell.arrangement_id,
            "leave": kind,
            "pending": [{"arrangement": p.arrangement_id, "location": p.location} for p in pending],
        }

    rows = [
        {
            "employee": {"id": row.employee.id, "nip": row.employee.nip, "name": row.employee.name},
            "cells": [
                plain[i]
                if cell is None and row.leave[i] is None and not row.pending[i]
                else cell_data(i, cell, row.leave[i], row.pending[i])
                for i, cell in enumerate(row.cells)
            ],
        }
        for row in calendar.rows
    ]
    unit = calendar.unit
    return {
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "date_from": calendar.date_from.isoformat(),
        "date_to": calendar.date_to.isoformat(),
        "headcount": calendar.headcount,
        "share_percent": calendar.share_percent,
        "count": calendar.count,
        "next": None,
        "previous": None,
        "days": [
            {
                "date": date,
                "working": day.working,
                "holiday": day.holiday,
                "counts": {location: day.counts[location] for location in Location.values},
                "active_headcount": day.active_headcount,
                "on_leave": day.on_leave,
                "away": day.away,
                "allowed_away": day.allowed_away,
                "min_onsite": day.min_onsite,
                "coverage_warning": day.coverage_warning,
            }
            for date, day in zip(dates, calendar.days, strict=True)
        ],
        "rows": rows,
    }


def roster_calendar_data(grid: roster_calendar.RosterCalendar) -> dict:
    """The body RosterOutputSerializer describes, built directly (a month of a large unit is many cells)."""

    def duty_data(cell):
        if cell.kind is None:
            return None
        return {
            "id": cell.duty_id,
            "kind": cell.kind,
            "shift_type": cell.shift.id if cell.shift else None,
            "code": cell.shift.code if cell.shift else None,
            "start": cell.start.isoformat() if cell.start else None,
            "end": cell.end.isoformat() if cell.end else None,
            "ends_next_day": cell.ends_next_day,
            "net_minutes": cell.net_minutes,
            "location": cell.location,
        }

    unit = grid.unit
    return {
        "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
        "work_week": unit.work_week,
        "zone": grid.zone,
        "date_from": grid.date_from.isoformat(),
        "date_to": grid.date_to.isoformat(),
        "headcount": len(grid.rows),
        "published": grid.published,
        "shift_types": [
            {
                "id": t.id,
                "code": t.code,
                "name": t.name,
                "colour": t.colour,
                "start_time": t.start_time.strftime("%H:%M"),
                "end_time": t.end_time.strftime("%H:%M"),
                "is_night": t.is_night,
            }
            for t in grid.shift_types
        ],
        "days": [
            {
                "date": day.date.isoformat(),
                "holiday": day.holiday,
                "day_kind": day.day_kind,
                "shifts": [
                    {
                        "shift_type": shift.id,
                        "count": entry.count if entry else 0,
                        "min_staff": entry.min_staff if entry else 0,
                        "leads": len(entry.leads) if entry else 0,
                        "min_lead": entry.min_lead if entry else 0,
                        "short": entry.short if entry else False,
                    }
                    for shift, entry in zip(grid.shift_types, day.shifts, strict=True)
                ],
            }
            for day in grid.days
        ],
        "rows": [
            {
                "employee": {"id": row.employee.id, "nip": row.employee.nip, "name": row.employee.name},
                "cells": [
                    {"date": cell.date.isoformat(), "duty": duty_data(cell), "leave": cell.leave} for cell in row.cells
                ],
                "weeks": [
                    {"iso_year": year, "iso_week": week, "net_minutes": minutes}
                    for (year, week), minutes in zip(grid.weeks, row.week_minutes, strict=True)
                ],
            }
            for row in grid.rows
        ],
    }
