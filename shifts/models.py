"""Shifts and other working weeks (docs/rules.md §8): shift types, patterns, assignments, rosters, the
duties they generate, coverage minimums and duty swaps.

A duty belongs to the office date on which it starts (`duty_date`); its instants `start_at`/`end_at` are
UTC, fixed from the unit's zone when the duty is written. PostgreSQL holds the two invariants: one
active duty per employee and date (a partial unique index) and no two active duties of one person
overlapping in time (an exclusion constraint on the time range)."""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from flexwork.approvals.models import ApprovableModel, ApprovalKind
from flexwork.common.models import AgencyOwnedModel

# Cells of a pattern besides a shift type's code.
CELL_OFF = "OFF"
CELL_POST_NIGHT = "POST_NIGHT"
RESERVED_CELLS = (CELL_OFF, CELL_POST_NIGHT)
MAX_PATTERN_CELLS = 56
MAX_SPAN = datetime.timedelta(hours=24)


TEXT_ON_DARK, TEXT_ON_LIGHT = "#ffffff", "#000000"


def _relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #RRGGBB colour (sRGB)."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(colour: str) -> str:
    """White or black text on a cell filled with `colour`, whichever contrasts more. One of the two always
    reaches 4.58:1 (WCAG AA asks 4.5:1), so a yellow cell gets black text and a dark blue one white."""
    try:
        on_dark = contrast_ratio(colour, TEXT_ON_DARK)
        on_light = contrast_ratio(colour, TEXT_ON_LIGHT)
    except (TypeError, ValueError, IndexError):
        return TEXT_ON_LIGHT
    return TEXT_ON_DARK if on_dark >= on_light else TEXT_ON_LIGHT


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="ShiftTypeEvent")
class ShiftType(AgencyOwnedModel):
    """A shift as the agency defines it: wall-clock start and end in the unit's zone (an end at or
    before the start ends the next day), breaks, the check windows and an optional Ramadan variant.
    Changing a type leaves published duties' times as they were (they carry their own copy)."""

    code = models.CharField(_("code"), max_length=12)
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(_("colour"), max_length=7, default="#1f6feb")
    start_time = models.TimeField(_("start"))
    end_time = models.TimeField(_("end"))
    break_minutes = models.PositiveIntegerField(_("breaks (minutes)"), default=0)
    checkin_open_before = models.PositiveIntegerField(_("check-in opens before the start (minutes)"), default=60)
    checkout_close_after = models.PositiveIntegerField(_("check-out closes after the end (minutes)"), default=240)
    ramadan_start_time = models.TimeField(_("Ramadan start"), null=True, blank=True)
    ramadan_end_time = models.TimeField(_("Ramadan end"), null=True, blank=True)
    ramadan_break_minutes = models.PositiveIntegerField(_("Ramadan breaks (minutes)"), null=True, blank=True)
    is_night = models.BooleanField(
        _("night duty"), default=False, help_text=_("Counted for the most night duties in a row.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["start_time", "code"]
        verbose_name = _("shift type")
        verbose_name_plural = _("shift types")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="shifts_type_code_unique_per_agency"),
            models.CheckConstraint(condition=~Q(code__in=RESERVED_CELLS), name="shifts_type_code_not_reserved"),
            models.CheckConstraint(condition=Q(checkin_open_before__lte=720), name="shifts_type_open_before_range"),
            models.CheckConstraint(condition=Q(checkout_close_after__lte=720), name="shifts_type_close_after_range"),
            models.CheckConstraint(
                condition=Q(ramadan_start_time__isnull=True, ramadan_end_time__isnull=True)
                | Q(ramadan_start_time__isnull=False, ramadan_end_time__isnull=False),
                name="shifts_type_ramadan_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def text_colour(self) -> str:
        """The text colour on a cell filled with this type's colour (contrast at least 4.5:1)."""
        return text_colour_on(self.colour)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="ShiftPatternEvent"
)
class ShiftPattern(AgencyOwnedModel):
    """A cycle of 1–56 cells (a shift type's code, OFF or POST_NIGHT) anchored on a date: the cell of
    date D is cells[(D − anchor_date + offset) mod len(cells)], so the cycle runs on across months.
    A FIXED_WEEK is a 7-cell pattern anchored on a Monday."""

    name = models.CharField(_("name"), max_length=100)
    anchor_date = models.DateField(_("first day of the cycle"))
    cells = ArrayField(models.CharField(max_length=12), verbose_name=_("cycle"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("shift pattern")
        verbose_name_plural = _("shift patterns")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="shifts_pattern_name_unique_per_agency"),
            models.CheckConstraint(
                condition=Q(cells__len__gte=1, cells__len__lte=MAX_PATTERN_CELLS), name="shifts_pattern_length"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def cell_on(self, day: datetime.date, offset: int = 0) -> str:
        return self.cells[((day - self.anchor_date).days + offset) % len(self.cells)]


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RosterAssignmentEvent"
)
class RosterAssignment(AgencyOwnedModel):
    """An employee follows a pattern, shifted by `offset` cells, from `date_from` (until `date_to`)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+")
    pattern = models.ForeignKey(ShiftPattern, on_delete=models.PROTECT, related_name="assignments")
    offset = models.PositiveIntegerField(_("offset (cells)"), default=0)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["employee_id", "date_from"]
        indexes = [models.Index(fields=["employee", "date_from"], name="shifts_assignment_employee")]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")), name="shifts_assignment_dates"
            ),
            models.CheckConstraint(condition=Q(offset__lt=MAX_PATTERN_CELLS), name="shifts_assignment_offset_range"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.pattern_id}+{self.offset} from {self.date_from}"


class RosterStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", _("Published")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RosterEvent")
class Roster(AgencyOwnedModel):
    """A unit's roster for a period (by default a calendar month): generated as a draft, published by
    the unit head or a delegate. `version` guards against a stale edit or a double publish."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    generated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("reason for publishing over the warnings"), blank=True)

    class Meta:
        ordering = ["-period_start", "unit_id"]
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "period_start"], name="shifts_roster_one_per_unit_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="shifts_roster_dates"),
            models.CheckConstraint(condition=Q(status__in=RosterStatus.values), name="shifts_roster_status_valid"),
            models.CheckConstraint(
                condition=Q(status=RosterStatus.DRAFT) | Q(published_at__isnull=False),
                name="shifts_roster_published_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def is_published(self) -> bool:
        return self.status == RosterStatus.PUBLISHED


class DutyKind(models.TextChoices):
    SHIFT = "SHIFT", _("Duty")
    OFF = "OFF", _("Day off")
    POST_NIGHT = "POST_NIGHT", _("Rest after nights")


class DutySource(models.TextChoices):
    PATTERN = "PATTERN", _("From the pattern")
    MANUAL = "MANUAL", _("Set by hand")
    SWAP = "SWAP", _("Swapped")
    CHANGE = "CHANGE", _("Changed after publishing")


class DutyLocation(models.TextChoices):
    OFFICE = "OFFICE", _("Own office")
    HOME = "HOME", _("Home")
    DESIGNATED = "DESIGNATED", _("Designated location")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DutyEvent")
class Duty(AgencyOwnedModel):
    """One cell of a roster: a duty (SHIFT), a day off or a rest day after nights. A SHIFT carries its
    own copy of the type's times and windows; the others have no instants. A replaced or cancelled
    duty stays with `is_active` false (iCal tells calendars it is cancelled). `is_published` mirrors
    the roster's status, so the check-in path reads one table."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="duties")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", db_index=False)
    duty_date = models.DateField(_("duty date"))
    kind = models.CharField(_("kind"), max_length=12, choices=DutyKind.choices, default=DutyKind.SHIFT)
    shift_type = models.ForeignKey(
        ShiftType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("shift")
    )
    start_at = models.DateTimeField(_("start"), null=True, blank=True)
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    break_minutes = models.PositiveIntegerField(default=0)
    net_minutes = models.PositiveIntegerField(_("net minutes"), default=0)
    checkin_open_before = models.PositiveIntegerField(default=60)
    checkout_close_after = models.PositiveIntegerField(default=240)
    is_night = models.BooleanField(default=False)
    location = models.CharField(_("location"), max_length=12, choices=DutyLocation.choices, default=DutyLocation.OFFICE)
    designated_location = models.ForeignKey(
        "org.DesignatedLocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=DutySource.choices, default=DutySource.PATTERN)
    is_active = models.BooleanField(default=True)
    is_published = models.BooleanField(default=False)
    holiday_worked = models.BooleanField(default=False)
    reason = models.TextField(_("reason"), blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCal SEQUENCE: raised on every change.")
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Snapshots at write time (docs/rules.md §6).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    supervisor = models.ForeignKey(
        "org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["duty_date", "employee_id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        indexes = [
            # The check-in path: an employee's published duties around a date.
            models.Index(
                fields=["employee", "duty_date"],
                name="shifts_duty_employee_date",
                condition=Q(is_active=True, is_published=True),
            ),
            models.Index(fields=["unit", "duty_date"], name="shifts_duty_unit_date"),
            models.Index(fields=["agency", "duty_date"], name="shifts_duty_agency_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "duty_date"], condition=Q(is_active=True), name="shifts_duty_one_active_per_day"
            ),
            ExclusionConstraint(
                name="shifts_duty_no_overlap",
                expressions=[
                    ("employee", RangeOperators.EQUAL),
                    (TsTzRange("start_at", "end_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(is_active=True, kind="SHIFT"),
                violation_error_code="DUTY_OVERLAP",
                violation_error_message=_("This duty overlaps another duty of the same person."),
            ),
            models.CheckConstraint(condition=Q(kind__in=DutyKind.values), name="shifts_duty_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=DutySource.values), name="shifts_duty_source_valid"),
            models.CheckConstraint(condition=Q(location__in=DutyLocation.values), name="shifts_duty_location_valid"),
            models.CheckConstraint(
                condition=Q(
                    kind="SHIFT",
                    shift_type__isnull=False,
                    start_at__isnull=False,
                    end_at__gt=F("start_at"),
                    end_at__lte=F("start_at") + MAX_SPAN,
                )
                | (~Q(kind="SHIFT") & Q(start_at__isnull=True, end_at__isnull=True, net_minutes=0)),
                name="shifts_duty_instants",
                violation_error_code="SHIFT_SPAN",
                violation_error_message=_("A duty lasts between 1 minute and 24 hours."),
            ),
            models.CheckConstraint(
                condition=Q(location="DESIGNATED", designated_location__isnull=False)
                | (~Q(location="DESIGNATED") & Q(designated_location__isnull=True)),
                name="shifts_duty_designated_iff_location",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.duty_date} {self.kind} {self.shift_type_id or ''}"


class DayKind(models.TextChoices):
    WEEKDAY = "WEEKDAY", _("Monday to Friday")
    SATURDAY = "SATURDAY", _("Saturday")
    SUNDAY = "SUNDAY", _("Sunday")
    HOLIDAY = "HOLIDAY", _("Holiday")


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="ShiftCoverageEvent"
)
class ShiftCoverage(AgencyOwnedModel):
    """The fewest people on a shift of a unit on a kind of day, counted on OFFICE duties not on leave
    (soft COVERAGE_SHIFT_MIN), optionally with at least `min_lead` holders of `lead_position`."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    shift_type = models.ForeignKey(ShiftType, on_delete=models.CASCADE, related_name="coverage")
    day_kind = models.CharField(_("day"), max_length=12, choices=DayKind.choices)
    min_staff = models.PositiveIntegerField(_("fewest people"), default=1)
    lead_position = models.ForeignKey(
        "org.Position", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    min_lead = models.PositiveIntegerField(_("fewest shift leads"), default=0)

    class Meta:
        ordering = ["unit_id", "shift_type_id", "day_kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "shift_type", "day_kind"], name="shifts_coverage_unique"),
            models.CheckConstraint(condition=Q(day_kind__in=DayKind.values), name="shifts_coverage_day_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.shift_type_id} {self.day_kind} ≥{self.min_staff}"


class SwapAnswer(models.TextChoices):
    WAITING = "WAITING", _("Waiting for the colleague")
    ACCEPTED = "ACCEPTED", _("Accepted by the colleague")
    DECLINED = "DECLINED", _("Declined by the colleague")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DutySwapEvent")
class DutySwap(ApprovableModel):
    """Tukar dinas (docs/rules.md §8): the employee (A) offers `duty` to `colleague` (B), optionally
    taking B's `colleague_duty` in return. B accepts or declines; accepted, the approval engine sends
    it to the head of the roster's unit; approved, both duties are replaced atomically."""

    approval_kind = ApprovalKind.SWAP

    duty = models.ForeignKey(Duty, on_delete=models.PROTECT, related_name="+")
    colleague = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    colleague_duty = models.ForeignKey(Duty, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answer = models.CharField(_("colleague's answer"), max_length=12, choices=SwapAnswer.choices,
                              default=SwapAnswer.WAITING)  # fmt: skip
    answered_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    expires_at = models.DateTimeField(help_text="The earlier duty's start: undecided, the swap expires then.")

    class Meta(ApprovableModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["employee", "status"], name="shifts_swap_employee"),
            models.Index(fields=["colleague", "answer"], name="shifts_swap_colleague"),
            models.Index(fields=["agency", "status"], name="shifts_swap_agency_status"),
        ]
        constraints = [
            *ApprovableModel.Meta.constraints,
            models.CheckConstraint(condition=Q(answer__in=SwapAnswer.values), name="shifts_swap_answer_valid"),
            models.CheckConstraint(condition=~Q(colleague=F("employee")), name="shifts_swap_not_with_self"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} swap {self.duty_id}↔{self.colleague_duty_id or '-'} ({self.status})"

    @property
    def first_date(self):
        return self.duty.duty_date
