"""Flexible work arrangements (docs/rules.md §3): requests with their work
plan, the materialised schedule days, agency directives and recalls."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.approvals.models import ApprovableModel, ApprovalKind
from flexwork.common.models import AgencyOwnedModel, BaseModel


class Location(models.TextChoices):
    OFFICE = "OFFICE", _("Own office")
    OTHER_OFFICE = "OTHER_OFFICE", _("Another office")
    HOME = "HOME", _("Home")
    DESIGNATED = "DESIGNATED", _("Designated location")


class ExceptionBasis(models.TextChoices):
    TASK_OUTSIDE_OFFICE = "TASK_OUTSIDE_OFFICE", _("Tasks outside the office")
    SPECIAL_CIRCUMSTANCES = "SPECIAL_CIRCUMSTANCES", _("Special circumstances")


class DaySource(models.TextChoices):
    INDIVIDUAL = "INDIVIDUAL", _("Individual arrangement")
    DIRECTIVE = "DIRECTIVE", _("Agency directive")
    RECALL = "RECALL", _("Recalled to the office")


def _location_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(location__in=Location.values), name=f"{prefix}_location_valid"),
        models.CheckConstraint(
            condition=Q(location=Location.OTHER_OFFICE, other_office_unit__isnull=False)
            | (~Q(location=Location.OTHER_OFFICE) & Q(other_office_unit__isnull=True)),
            name=f"{prefix}_other_office_iff_location",
        ),
        models.CheckConstraint(
            condition=Q(planned_start__isnull=True, planned_end__isnull=True)
            | Q(planned_start__isnull=False, planned_end__isnull=False, planned_end__gt=F("planned_start")),
            name=f"{prefix}_planned_hours_ordered",
        ),
    ]


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="ArrangementRequestEvent"
)
class ArrangementRequest(ApprovableModel):
    """A request for location and/or time flexibility on some working days. `dates` holds the days
    as asked, explicitly; non-working days among them are skipped (HOLIDAY_SKIPPED) and get no
    schedule day. `first_date`/`last_date` are the first and last covered working days."""

    approval_kind = ApprovalKind.ARRANGEMENT

    location = models.CharField(_("location"), max_length=16, choices=Location.choices)
    other_office_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("other office")
    )
    designated_location = models.ForeignKey(
        "org.DesignatedLocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("designated location"),
    )
    # The days as asked (explicit, or the expanded range/pattern); the rule check skips non-working ones.
    dates = ArrayField(models.DateField(), verbose_name=_("dates"))
    first_date = models.DateField(_("first day"), help_text="First covered working day (expiry).")
    last_date = models.DateField(_("last day"))
    # How the dates were asked for (kept so the form can be shown again): a range and ISO weekdays.
    requested_from = models.DateField(null=True, blank=True)
    requested_to = models.DateField(null=True, blank=True)
    weekdays = ArrayField(models.PositiveSmallIntegerField(), null=True, blank=True)
    planned_start = models.TimeField(_("planned start"), null=True, blank=True)
    planned_end = models.TimeField(_("planned end"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    exception_basis = models.CharField(
        _("exception basis"), max_length=24, choices=ExceptionBasis.choices, null=True, blank=True
    )
    # The verdict of the last rule check: [{"code", "severity", "message", "source", "dates"}].
    violations = models.JSONField(default=list, blank=True)

    class Meta(ApprovableModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "step"], name="sched_req_agency_status"),
            models.Index(fields=["employee", "status", "first_date"], name="sched_req_employee_status"),
            models.Index(fields=["decider", "status"], name="sched_req_decider_status"),
            models.Index(fields=["recommender", "status"], name="sched_req_recommender_status"),
            models.Index(fields=["status", "first_date"], name="sched_req_status_first"),
            # The HR dashboard's decisions by unit over a range.
            models.Index(fields=["agency", "decided_at"], name="sched_req_agency_decided"),
        ]
        constraints = [
            *ApprovableModel.Meta.constraints,
            *_location_constraints("sched_req"),
            models.CheckConstraint(
                condition=Q(location=Location.DESIGNATED) | Q(designated_location__isnull=True),
                name="sched_req_designated_only_for_designated",
            ),
            models.CheckConstraint(condition=Q(last_date__gte=F("first_date")), name="sched_req_dates_ordered"),
            models.CheckConstraint(
                condition=Q(exception_basis__isnull=True) | Q(exception_basis__in=ExceptionBasis.values),
                name="sched_req_exception_basis_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.location} {self.first_date}–{self.last_date} ({self.status})"

    @property
    def is_dynamic(self) -> bool:
        return self.planned_start is not None

    def evidence_visible_to(self, user) -> bool:
        """Evidence is visible to whoever may see the request (scope, chain, delegates)."""
        from schedules.selectors import arrangement_visible_qs

        return arrangement_visible_qs(user=user).filter(id=self.id).exists()


class WorkPlanItem(BaseModel):
    """A planned output of the request (Pasal 7; PermenPANRB 6/2022)."""

    arrangement_request = models.ForeignKey(ArrangementRequest, on_delete=models.CASCADE, related_name="work_plan")
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(pgettext_lazy("unit of measure", "unit"), max_length=50)
    # One of the employee's SKP indicators this output serves (docs/rules.md §3, work plan); the
    # services accept only an indicator of the employee's approved SKP covering the request's days.
    indicator = models.ForeignKey(
        "performance.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="sched_workplan_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.description}"


class DirectiveQuerySet(models.QuerySet):
    def in_force(self):
        """Directives that apply: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DirectiveEvent")
class Directive(AgencyOwnedModel):
    """HR's declaration for a date range (e.g. "WFA 30 Mar–3 Apr, at most 50% per unit") for the
    agency (`unit` empty) or a unit subtree. It takes precedence over individual plans."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit subtree")
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"))
    allowed_locations = ArrayField(
        models.CharField(max_length=16, choices=Location.choices), verbose_name=_("allowed locations")
    )
    max_share_percent = models.PositiveSmallIntegerField(_("largest share of a unit away (%)"), null=True, blank=True)
    message = models.TextField(_("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Withdrawing keeps the row (days approved under it still point at it); a withdrawn directive
    # no longer applies anywhere (docs/rules.md §3, "Directives").
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["-date_from", "-id"]
        indexes = [models.Index(fields=["agency", "date_from", "date_to"], name="sched_directive_agency_dates")]
        constraints = [
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="sched_directive_dates_ordered"),
            models.CheckConstraint(
                condition=Q(max_share_percent__isnull=True) | Q(max_share_percent__lte=100),
                name="sched_directive_share_range",
            ),
            models.CheckConstraint(
                condition=Q(allowed_locations__contained_by=Location.values) & ~Q(allowed_locations=[]),
                name="sched_directive_locations_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_from}–{self.date_to}: {', '.join(self.allowed_locations)}"


@pghistory.track(pghistory.InsertEvent(), model_name="RecallEvent")
class Recall(AgencyOwnedModel):
    """A person called back to the office for one day, by the supervisor or the decider."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    recalled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    previous_location = models.CharField(max_length=16, choices=Location.choices, default=Location.OFFICE)

    class Meta:
        ordering = ["-local_date", "-id"]
        indexes = [models.Index(fields=["employee", "local_date"], name="sched_recall_employee_date")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.local_date}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="ScheduleDayEvent"
)
class ScheduleDay(AgencyOwnedModel):
    """One planned working day away from the ordinary (docs/rules.md §3). A day without an active row is
    an OFFICE day on the normal schedule. Cancelled rows stay (cancelled_at set) for the record;
    at most one *active* row per employee and office date (a partial unique index)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="schedule_days")
    local_date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=16, choices=Location.choices)
    other_office_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    designated_location = models.ForeignKey(
        "org.DesignatedLocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned_start = models.TimeField(null=True, blank=True)
    planned_end = models.TimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=DaySource.choices, default=DaySource.INDIVIDUAL)
    arrangement = models.ForeignKey(
        ArrangementRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="schedule_days"
    )
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Snapshots at write time (docs/rules.md §6): reports group by these.
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["local_date", "employee_id"]
        indexes = [
            models.Index(fields=["agency", "local_date"], name="sched_day_agency_date"),
            models.Index(fields=["unit", "local_date"], name="sched_day_unit_date"),
            models.Index(fields=["employee", "local_date"], name="sched_day_employee_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "local_date"],
                condition=Q(cancelled_at__isnull=True),
                name="sched_day_one_active_per_employee_date",
            ),
            models.CheckConstraint(condition=Q(source__in=DaySource.values), name="sched_day_source_valid"),
            *_location_constraints("sched_day"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.local_date} {self.location}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class DirectiveCancellation(models.Model):
    """A schedule day that a directive cancelled (its location was not allowed). Withdrawing or
    narrowing the directive restores exactly these days where they still fit (docs/rules.md §3,
    "Directives"); `restored_at` marks the ones given back."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="cancellations")
    schedule_day = models.ForeignKey("ScheduleDay", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["directive", "schedule_day"], name="sched_directive_cancellation_once"),
        ]
        indexes = [
            models.Index(
                fields=["directive"], condition=Q(restored_at__isnull=True), name="sched_directive_cancel_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive_id}: {self.schedule_day_id}"


class CalendarFeed(AgencyOwnedModel):
    """A secret iCal feed URL (schedules/ical.py) of a person's or a unit's schedule. Only the
    SHA-256 of the token is stored: the URL is shown once, and revoking it (or the owner losing the
    scope) makes the old URL answer 404."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "revoked_at"], name="sched_feed_owner_revoked")]
        constraints = [
            models.CheckConstraint(
                condition=Q(employee__isnull=False, unit__isnull=True) | Q(employee__isnull=True, unit__isnull=False),
                name="sched_feed_person_xor_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"feed {self.id} ({'unit' if self.unit_id else 'person'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
