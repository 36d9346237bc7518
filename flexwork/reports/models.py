"""Report runs (docs/rules.md §6) and the daily reminder digests.

A run is computed inside PostgreSQL and streamed to its files (flexwork.reports.exports). The
database, not Python, keeps one pending and one finished run per (agency, kind, scope, period,
parameters): asking again returns the live one; a refresh queues a successor while the finished run
stays current, and the successor supersedes it only once it is done (`reports_one_pending_run`,
`reports_one_done_run`)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel


def reports_storage():
    """The private store of report files (settings.STORAGES["reports"]): served only through the
    permission-checking download view."""
    return storages["reports"]


class ReportKind(models.TextChoices):
    COMPLIANCE = "COMPLIANCE", _("Monthly compliance")
    PERFORMANCE = "PERFORMANCE", _("Performance per period")
    FWA_MONITORING = "FWA_MONITORING", _("Flexible work monitoring (Pasal 35)")
    DISCIPLINE = "DISCIPLINE", _("Absence discipline (PP 94/2021)")
    PAYROLL = "PAYROLL", _("Attendance recap for payroll (TPP/Tukin)")
    ALLOWANCE = "ALLOWANCE", _("Allowance deductions (Tukin/TPP)")


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Queued")
    RUNNING = "RUNNING", _("Running")
    DONE = "DONE", _("Done")
    FAILED = "FAILED", _("Failed")
    SUPERSEDED = "SUPERSEDED", _("Superseded")


LIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE)
# A refresh runs beside the finished run it replaces: at most one pending and one done run per key.
PENDING_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    # The same rows for a spreadsheet in the Indonesian locale: ";", decimal comma, labelled headers.
    EXCEL = "excel", _("CSV (Excel)")
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


FILE_FORMATS = ("csv", "excel", "xlsx", "pdf")
FILE_EXTENSIONS = {"csv": "csv", "excel": "csv", "xlsx": "xlsx", "pdf": "pdf"}


class ReportRun(AgencyOwnedModel):
    # One of the kinds of flexwork.reports.kinds.KINDS (checked when a run is asked for). No
    # database choices or check constraint: adding a kind needs no migration.
    kind = models.CharField(_("report"), max_length=16)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    parameters = models.JSONField(default=dict, blank=True)
    parameters_hash = models.CharField(max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    provisional = models.BooleanField(default=False, help_text="The period was not over when the run was asked for.")
    # The requester's language when the run was asked for: the labels of its XLSX, Excel CSV and PDF.
    language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    csv_name = models.CharField(max_length=255, blank=True)
    excel_name = models.CharField(max_length=255, blank=True)
    xlsx_name = models.CharField(max_length=255, blank=True)
    pdf_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the canonical CSV.")
    summary = models.JSONField(default=dict, blank=True, help_text="Unit summaries and exceptions shown on screen.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-queued_at"], name="reports_run_agency_recent"),
            models.Index(
                fields=["lease_expires_at"], name="reports_run_running_lease", condition=Q(status=RunStatus.RUNNING)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="reports_run_status_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="reports_run_period_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reports_run_progress_range"),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.DONE) | (Q(finished_at__isnull=False) & ~Q(checksum="")),
                name="reports_run_done_complete",
            ),
            models.UniqueConstraint(
                fields=["agency", "kind", "unit", "period_start", "period_end", "parameters_hash"],
                condition=Q(status__in=PENDING_STATUSES),
                name="reports_one_pending_run",
            ),
            models.UniqueConstraint(
                fields=["agency", "kind", "unit", "period_start", "period_end", "parameters_hash"],
                condition=Q(status=RunStatus.DONE),
                name="reports_one_done_run",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def kind_label(self):
        """The kind's name for people (the spec's label; the code for a kind no longer known)."""
        return ReportKind(self.kind).label if self.kind in ReportKind.values else self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.SUPERSEDED)

    def file_name(self, fmt: str) -> str:
        return getattr(self, f"{fmt}_name", "")


class ReminderDigest(AgencyOwnedModel):
    """One daily digest per person (rules: reminders are claimed by inserting this row first, under
    the unique constraint, so two beat processes never send twice)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+")
    local_date = models.DateField()
    missing_checkouts = models.PositiveIntegerField(default=0)
    missing_logs = models.PositiveIntegerField(default=0)
    pending_decisions = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-local_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "local_date"], name="reports_one_digest_per_day"),
        ]


class FwaBaseline(AgencyOwnedModel):
    """One unit's month of "before" figures imported by HR when the history predates FlexWork
    (docs/rules.md §6, Pasal 35). The FWA monitoring report uses a row only for a month in which the unit
    has no FlexWork daily rows. The measures are those the report shows for a window."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    month = models.DateField(_("month"), help_text="The first day of the month.")
    employees = models.PositiveIntegerField(_("employees"))
    days_due = models.PositiveIntegerField(_("working days due"))
    present_days = models.PositiveIntegerField(_("days present"))
    tk_days = models.PositiveIntegerField(_("days absent without reason (TK)"))
    late_days = models.PositiveIntegerField(_("days late"))
    required_hours = models.DecimalField(_("hours required"), max_digits=10, decimal_places=2)
    credited_hours = models.DecimalField(_("hours fulfilled"), max_digits=10, decimal_places=2)
    avg_achievement_pct = models.DecimalField(
        _("average achievement (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["unit_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="reports_fwabaseline_one_per_unit_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="reports_fwabaseline_month_first_day"),
            models.CheckConstraint(
                condition=Q(present_days__lte=F("days_due")) & Q(tk_days__lte=F("days_due")),
                name="reports_fwabaseline_days_within_due",
            ),
            models.CheckConstraint(
                condition=Q(required_hours__gte=0) & Q(credited_hours__gte=0), name="reports_fwabaseline_hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"
