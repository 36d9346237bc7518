"""Attendance (docs/rules.md §4): check events, daily statuses, leave and
official duty, attendance corrections, the daily output log, reminders and idempotency keys.

Privacy (UU PDP 27/2022): positions live only on CheckEvent (and its `attempts`), are purged after
the policy's retention period, and never enter the audit history: CheckEvent, DayStatus and
IdempotencyKey carry no pghistory trigger (they are also the hottest writes)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.approvals.models import ApprovableModel, ApprovalKind
from flexwork.common.models import AgencyOwnedModel


class CheckKind(models.TextChoices):
    IN = "IN", _("Check-in")
    OUT = "OUT", _("Check-out")


class DayLocation(models.TextChoices):
    """The day's arrangement as the fence sees it: the schedule's locations plus official duty."""

    OFFICE = "OFFICE", _("Own office")
    OTHER_OFFICE = "OTHER_OFFICE", _("Another office")
    HOME = "HOME", _("Home")
    DESIGNATED = "DESIGNATED", _("Designated location")
    OFFICIAL_DUTY = "OFFICIAL_DUTY", _("Official duty")


class CheckFlag(models.TextChoices):
    OUTSIDE_FENCE = "OUTSIDE_FENCE", _("Outside the fence")
    POOR_ACCURACY = "POOR_ACCURACY", _("Position not accurate enough")
    NO_FENCE = "NO_FENCE", _("No fence registered for this place")
    # docs/rules.md §8: a roster employee's check in no duty's window.
    OUTSIDE_SHIFT = "OUTSIDE_SHIFT", _("Outside the duty's check window")
    NO_DUTY = "NO_DUTY", _("No duty on the roster")


class Arrival(models.TextChoices):
    H = "H", _("On time")
    TL1 = "TL1", _("Late 1–30 min")
    TL2 = "TL2", _("Late 31–60 min")
    TL3 = "TL3", _("Late 61–90 min")
    TL4 = "TL4", _("Late over 90 min")
    HKD = "HKD", _("No check-in")


class Departure(models.TextChoices):
    ON_TIME = "ON_TIME", _("On time")
    PSW1 = "PSW1", _("Left 1–30 min early")
    PSW2 = "PSW2", _("Left 31–60 min early")
    PSW3 = "PSW3", _("Left 61–90 min early")
    PSW4 = "PSW4", _("Left over 90 min early")
    HKP = "HKP", _("No check-out")


class LeaveKind(models.TextChoices):
    CT = "CT", _("Annual leave")
    CB = "CB", _("Long leave")
    CS = "CS", _("Sick leave")
    CM = "CM", _("Maternity leave")
    CAP = "CAP", _("Leave for important reasons")
    CLTN = "CLTN", _("Unpaid leave")
    SAKIT = "SAKIT", _("Sick (short)")
    IZIN = "IZIN", _("Permission")
    DINAS_LUAR = "DINAS_LUAR", _("Official duty")


class LeaveSubReason(models.TextChoices):
    """What a sick leave or a leave for important reasons is for (docs/rules.md §9 "Kinds and their
    reasons"); blank for the other kinds."""

    INPATIENT = "INPATIENT", _("Inpatient care")
    ACCIDENT_ON_DUTY = "ACCIDENT_ON_DUTY", _("Accident on duty")
    MISCARRIAGE = "MISCARRIAGE", _("Miscarriage")
    FAMILY_ILL = "FAMILY_ILL", _("A family member seriously ill")
    FAMILY_DEATH = "FAMILY_DEATH", _("A family member died")
    DECEASED_AFFAIRS = "DECEASED_AFFAIRS", _("Settling a deceased family member's affairs")
    MARRIAGE = "MARRIAGE", _("Marriage")
    WIFE_BIRTH = "WIFE_BIRTH", _("Wife giving birth")
    DISASTER = "DISASTER", _("Fire or natural disaster")
    RECOVERY_ABROAD = "RECOVERY_ABROAD", _("Recovery after a dangerous posting abroad")
    # Long leave for these cannot be deferred by the official (docs/rules.md §9 "The decision").
    HAJJ = "HAJJ", _("A first hajj")
    BIRTH = "BIRTH", _("A fourth or later birth")


# The sub-reasons each kind accepts (the database check `att_leave_sub_reason_fits`).
SUB_REASONS_BY_KIND = {
    "CS": (LeaveSubReason.INPATIENT, LeaveSubReason.ACCIDENT_ON_DUTY, LeaveSubReason.MISCARRIAGE),
    "CAP": (
        LeaveSubReason.FAMILY_ILL,
        LeaveSubReason.FAMILY_DEATH,
        LeaveSubReason.DECEASED_AFFAIRS,
        LeaveSubReason.MARRIAGE,
        LeaveSubReason.WIFE_BIRTH,
        LeaveSubReason.DISASTER,
        LeaveSubReason.RECOVERY_ABROAD,
    ),
    "CB": (LeaveSubReason.HAJJ, LeaveSubReason.BIRTH),
    # A PPPK's annual leave for a family reason before annual leave (docs/rules.md §9 "Family days").
    "CT": (
        LeaveSubReason.FAMILY_ILL,
        LeaveSubReason.FAMILY_DEATH,
        LeaveSubReason.DECEASED_AFFAIRS,
        LeaveSubReason.MARRIAGE,
    ),
}


class Absence(models.TextChoices):
    TK = "TK", _("Absent without reason")
    C_CT = "C-CT", _("Annual leave")
    C_CB = "C-CB", _("Long leave")
    C_CS = "C-CS", _("Sick leave")
    C_CM = "C-CM", _("Maternity leave")
    C_CAP = "C-CAP", _("Leave for important reasons")
    C_CLTN = "C-CLTN", _("Unpaid leave")
    S = "S", _("Sick")
    I = "I", _("Permission")  # noqa: E741 (the regulation's code)
    DL = "DL", _("Official duty")
    LIBUR = "LIBUR", _("Holiday")


LEAVE_ABSENCE = {
    LeaveKind.CT: Absence.C_CT,
    LeaveKind.CB: Absence.C_CB,
    LeaveKind.CS: Absence.C_CS,
    LeaveKind.CM: Absence.C_CM,
    LeaveKind.CAP: Absence.C_CAP,
    LeaveKind.CLTN: Absence.C_CLTN,
    LeaveKind.SAKIT: Absence.S,
    LeaveKind.IZIN: Absence.I,
    LeaveKind.DINAS_LUAR: Absence.DL,
}


class Verification(models.TextChoices):
    SESUAI = "SESUAI", _("As expected")
    KURANG = "KURANG", _("Partly")
    TIDAK_SESUAI = "TIDAK_SESUAI", _("Not as expected")


class CheckEvent(AgencyOwnedModel):
    """One check-in and one check-out record per (employee, local_date). The record's own columns
    are the attempt the day uses (check-in: the first in-fence attempt, else the first; check-out:
    the latest); `attempts` keeps every attempt with its position until the purge.

    Written by one INSERT … ON CONFLICT in attendance.services (concurrent repeats make one row).
    No pghistory trigger: positions never enter the audit history, and this is the hottest write."""

    # Every index is written by each check-in, the hottest write: only those a query uses. The single-column
    # indexes Django would add for these keys are covered by the composite ones below (employee by the
    # one-per-day constraint, agency and unit by their date indexes); created_at is never searched.
    created_at = models.DateTimeField(auto_now_add=True)
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("kind"), max_length=3, choices=CheckKind.choices)
    local_date = models.DateField(_("date"))
    at = models.DateTimeField(_("time"))
    location = models.CharField(_("location"), max_length=16, choices=DayLocation.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.IntegerField(null=True, blank=True)
    fence_radius_m = models.IntegerField(null=True, blank=True)
    inside_fence = models.BooleanField(null=True, blank=True, help_text="Null when the day has no fence.")
    flags = ArrayField(models.CharField(max_length=16, choices=CheckFlag.choices), default=list, blank=True)
    flagged = models.BooleanField(default=False)
    attempts = models.JSONField(default=list, blank=True)
    attempt_count = models.PositiveIntegerField(default=1)
    ip = models.GenericIPAddressField(null=True, blank=True)
    positions_purged_at = models.DateTimeField(null=True, blank=True)
    corrected_by = models.ForeignKey(
        "attendance.AttendanceCorrection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a partial index below: almost every row has none
    )
    # docs/rules.md §8: the duty a roster employee's check matched (local_date is then its duty_date).
    duty = models.ForeignKey(
        "shifts.Duty", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    # Snapshots at write time (docs/rules.md §6).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    supervisor = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["local_date", "kind"]
        indexes = [
            # Who checked in on a day, read from the index alone (the HR dashboard's today panel).
            models.Index(
                fields=["agency", "local_date", "kind"], include=["employee"], name="att_check_agency_day_kind"
            ),
            models.Index(fields=["unit", "local_date"], name="att_check_unit_date"),
            models.Index(fields=["at"], name="att_check_positions_kept", condition=Q(positions_purged_at__isnull=True)),
            models.Index(fields=["corrected_by"], name="att_check_corrected", condition=Q(corrected_by__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["employee", "local_date", "kind"], name="att_check_one_per_day_kind"),
            models.CheckConstraint(condition=Q(kind__in=CheckKind.values), name="att_check_kind_valid"),
            models.CheckConstraint(condition=Q(location__in=DayLocation.values), name="att_check_location_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="att_check_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="att_check_lon_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.local_date} {self.kind}"


class DayStatus(AgencyOwnedModel):
    """The derived status of one employee on one office date (docs/rules.md §4): arrival, departure and
    absence kept apart, minutes worked, and the day's requirement. Recomputed by
    attendance.status.day_statuses_compute (after each event, nightly per zone); upserted."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=16, choices=DayLocation.choices)
    is_working_day = models.BooleanField(default=True)
    is_ramadan = models.BooleanField(default=False)
    is_dynamic = models.BooleanField(default=False)
    scheduled_start = models.TimeField(null=True, blank=True)
    scheduled_end = models.TimeField(null=True, blank=True)
    check_in_at = models.DateTimeField(null=True, blank=True)
    check_out_at = models.DateTimeField(null=True, blank=True)
    arrival = models.CharField(_("arrival"), max_length=4, choices=Arrival.choices, null=True, blank=True)
    lateness_minutes = models.IntegerField(default=0)
    departure = models.CharField(_("departure"), max_length=8, choices=Departure.choices, null=True, blank=True)
    early_minutes = models.IntegerField(default=0)
    absence = models.CharField(_("absence"), max_length=8, choices=Absence.choices, null=True, blank=True)
    worked_minutes = models.IntegerField(_("minutes worked"), default=0)
    required_minutes = models.IntegerField(_("minutes required"), default=0)
    # Worked minutes, or the requirement on holidays, leave and official duty (they count as fulfilled).
    credited_minutes = models.IntegerField(default=0)
    flagged = models.BooleanField(default=False, help_text="A check event of the day is flagged.")
    corrected = models.BooleanField(default=False)
    missing_log = models.BooleanField(default=False)
    # docs/rules.md §8: a roster employee's status is the duty's (local_date = duty_date).
    duty = models.ForeignKey("shifts.Duty", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    holiday_worked = models.BooleanField(default=False, db_default=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["local_date", "employee_id"]
        indexes = [
            models.Index(fields=["agency", "local_date"], name="att_status_agency_date"),
            models.Index(fields=["unit", "local_date"], name="att_status_unit_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["employee", "local_date"], name="att_status_one_per_day"),
            models.CheckConstraint(
                condition=Q(arrival__isnull=True) | Q(arrival__in=Arrival.values), name="att_status_arrival_valid"
            ),
            models.CheckConstraint(
                condition=Q(departure__isnull=True) | Q(departure__in=Departure.values),
                name="att_status_departure_valid",
            ),
            models.CheckConstraint(
                condition=Q(absence__isnull=True) | Q(absence__in=Absence.values), name="att_status_absence_valid"
            ),
            models.CheckConstraint(condition=Q(worked_minutes__gte=0), name="att_status_worked_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.local_date} {self.arrival}/{self.departure}/{self.absence}"


class UnitDayTotal(models.Model):
    """The sums of one unit's daily statuses on one date, as the dashboards chart them (trends, compliance by
    unit, the FWA windows): kept by statement triggers on attendance_daystatus (migration 0008), never
    written by the application. A dashboard over a year of a large
    agency then reads a few rows per unit and day instead of every employee's day (docs/performance.md)."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    local_date = models.DateField()
    days = models.IntegerField(help_text="Daily statuses.")
    due = models.IntegerField(help_text="Working days without an excused absence (TK counts).")
    present = models.IntegerField(help_text="Days with a check-in or a check-out.")
    tk = models.IntegerField()
    flexible = models.IntegerField(help_text="Days at home, a designated place or another office.")
    required_minutes = models.BigIntegerField()
    credited_minutes = models.BigIntegerField()
    missing_logs = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["agency", "local_date"], name="att_unitday_agency_date")]
        # No CHECK on the sums: PostgreSQL checks an upsert's proposed row, which for a removal is negative.
        constraints = [models.UniqueConstraint(fields=["unit", "local_date"], name="att_unitday_one_per_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.local_date} {self.days}"


class WorkLogDayTotal(models.Model):
    """The sums of one unit's output logs on one date at one location, as the HR dashboard shows them (output by
    location, logs waiting for verification): kept by statement triggers on attendance_worklog (migration 0009),
    never written by the application, like UnitDayTotal."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    local_date = models.DateField()
    location = models.CharField(max_length=16)
    entries = models.IntegerField(help_text="Output log entries.")
    minutes = models.BigIntegerField(help_text="Minutes spent, summed.")
    verified = models.IntegerField(help_text="Entries verified as matching (SESUAI).")
    waiting = models.IntegerField(help_text="Entries no supervisor has verified yet.")

    class Meta:
        indexes = [models.Index(fields=["agency", "local_date"], name="att_logday_agency_date")]
        # No CHECK on the sums, for the reason UnitDayTotal gives.
        constraints = [
            models.UniqueConstraint(fields=["unit", "local_date", "location"], name="att_logday_one_per_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.local_date} {self.location} {self.entries}"


class LeaveSource(models.TextChoices):
    REQUEST = "REQUEST", _("Request")
    IMPORT = "IMPORT", _("Imported by HR")


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="LeaveRequestEvent"
)
class LeaveRequest(ApprovableModel):
    """Leave (cuti by kind, sakit, izin) or official duty (dinas luar) over a date range, through
    the shared approval engine, or imported by HR already approved. Approved, it excuses absence
    and takes precedence over schedule days."""

    approval_kind = ApprovalKind.LEAVE

    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind.choices)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("until"))
    reason = models.TextField(_("reason"), blank=True)
    sub_reason = models.CharField(
        _("what for"), max_length=20, choices=LeaveSubReason.choices, blank=True, default="", db_default=""
    )
    abroad = models.BooleanField(_("abroad"), default=False, db_default=False)
    source = models.CharField(max_length=8, choices=LeaveSource.choices, default=LeaveSource.REQUEST)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(ApprovableModel.Meta):
        ordering = ["-date_from", "-id"]
        indexes = [
            models.Index(fields=["employee", "status", "date_from", "date_to"], name="att_leave_employee"),
            models.Index(fields=["agency", "status"], name="att_leave_agency_status"),
        ]
        constraints = [
            *ApprovableModel.Meta.constraints,
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="att_leave_dates_ordered"),
            models.CheckConstraint(condition=Q(kind__in=LeaveKind.values), name="att_leave_kind_valid"),
            models.CheckConstraint(condition=Q(source__in=LeaveSource.values), name="att_leave_source_valid"),
            models.CheckConstraint(
                condition=Q(sub_reason="")
                | Q(kind="CS", sub_reason__in=[str(v) for v in SUB_REASONS_BY_KIND["CS"]])
                | Q(kind="CAP", sub_reason__in=[str(v) for v in SUB_REASONS_BY_KIND["CAP"]])
                | Q(kind="CB", sub_reason__in=[str(v) for v in SUB_REASONS_BY_KIND["CB"]])
                | Q(kind="CT", sub_reason__in=[str(v) for v in SUB_REASONS_BY_KIND["CT"]]),
                name="att_leave_sub_reason_fits",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.date_from}–{self.date_to} ({self.status})"

    @property
    def first_date(self):
        return self.date_from

    def evidence_visible_to(self, user) -> bool:
        from attendance.selectors import leave_visible_qs

        return leave_visible_qs(user=user).filter(id=self.id).exists()


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AttendanceCorrectionEvent"
)
class AttendanceCorrection(ApprovableModel):
    """Koreksi presensi: a missing or flagged check-in/out, with the time it should have been, a
    reason and evidence. Approved, it supersedes the event it corrects; the event stays, marked
    `corrected_by`. No positions here."""

    approval_kind = ApprovalKind.CORRECTION

    local_date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=3, choices=CheckKind.choices)
    corrected_time = models.TimeField(_("correct time"))
    corrected_at = models.DateTimeField(help_text="corrected_time on local_date in the office zone.")
    reason = models.TextField(_("reason"))
    check_event = models.ForeignKey(CheckEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta(ApprovableModel.Meta):
        ordering = ["-local_date", "-id"]
        indexes = [
            models.Index(fields=["employee", "status", "local_date"], name="att_corr_employee"),
            models.Index(fields=["agency", "status"], name="att_corr_agency_status"),
        ]
        constraints = [
            *ApprovableModel.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=CheckKind.values), name="att_corr_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.local_date} {self.kind} ({self.status})"

    @property
    def first_date(self):
        return self.local_date

    def evidence_visible_to(self, user) -> bool:
        from attendance.selectors import correction_visible_qs

        return correction_visible_qs(user=user).filter(id=self.id).exists()


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="WorkLogEvent")
class WorkLog(AgencyOwnedModel):
    """One entry of the daily output log (laporan harian), verified by the supervisor."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=16, choices=DayLocation.choices)
    description = models.TextField(_("description"))
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_of_measure = models.CharField(pgettext_lazy("unit of measure", "unit"), max_length=50)
    minutes_spent = models.PositiveIntegerField(_("minutes spent"))
    link = models.URLField(_("link"), blank=True, max_length=500)
    indicator = models.ForeignKey(
        "performance.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, null=True, blank=True
    )
    verification_note = models.TextField(_("note"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-local_date", "id"]
        indexes = [
            models.Index(fields=["employee", "local_date"], name="att_worklog_employee_date"),
            models.Index(fields=["supervisor", "verification"], name="att_worklog_supervisor"),
            models.Index(fields=["indicator", "verification"], name="att_worklog_indicator"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="att_worklog_quantity_positive"),
            models.CheckConstraint(
                condition=Q(minutes_spent__gte=1, minutes_spent__lte=1440), name="att_worklog_minutes_range"
            ),
            models.CheckConstraint(
                condition=Q(verification__isnull=True) | Q(verification__in=Verification.values),
                name="att_worklog_verification_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_date} {self.quantity} {self.unit_of_measure} {self.description[:40]}"

    def evidence_visible_to(self, user) -> bool:
        from attendance.selectors import worklog_visible_qs

        return worklog_visible_qs(user=user).filter(id=self.id).exists()


class MissingLogReminder(AgencyOwnedModel):
    """A WFH/WFA day without an output log by the end of the next working day. The reports app
    digests the undigested rows into one daily message per person (`digested_at`)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField(_("date"))
    location = models.CharField(max_length=16, choices=DayLocation.choices)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date", "id"]
        indexes = [models.Index(fields=["digested_at", "employee"], name="att_reminder_undigested")]
        constraints = [
            models.UniqueConstraint(fields=["employee", "local_date"], name="att_reminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.local_date}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key (a UUID) and the response it got, kept 24 h (docs/rules.md §4) in
    PostgreSQL so that a replay survives a Redis outage. `status_code` is null while in flight."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    endpoint = models.CharField(max_length=32)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="att_idem_created")]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="att_idem_user_key")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"
