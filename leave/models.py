"""Leave entitlements (docs/rules.md §9): per employee and year, four buckets of annual-leave days.

A bucket row keeps three numbers: `granted` (the days the bucket holds for that year: the year's
entitlement, a carry-over, deferred days, HR's corrections), `held` (days of requests waiting for a
decision) and `used` (days of approved requests). PostgreSQL enforces `held + used <= granted`, so two
requests racing for the last days cannot both take them, whatever the code above does. Every change
to a bucket is one ledger entry, so a balance can always be explained line by line."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel


class Bucket(models.TextChoices):
    DEFERRED = "DEFERRED", _("Deferred from last year")
    N2 = "N2", _("Two years ago (N-2)")
    N1 = "N1", _("Last year (N-1)")
    N = "N", _("This year (N)")


# docs/rules.md §9 "Buckets": the debit order.
DEBIT_ORDER = (Bucket.DEFERRED, Bucket.N2, Bucket.N1, Bucket.N)


class EntryKind(models.TextChoices):
    GRANT = "GRANT", _("Yearly entitlement")
    CARRY = "CARRY", _("Carried over")
    DEFERRAL = "DEFERRAL", _("Deferred by the official")
    OPENING = "OPENING", _("Opening balance")
    CORRECTION = "CORRECTION", _("Correction by HR")
    CUTI_BERSAMA_WORKED = "CB_WORKED", _("Worked on a collective leave day")
    LONG_LEAVE = "LONG_LEAVE", _("Cleared by long leave")
    HOLD = "HOLD", _("Held for a request")
    RELEASE = "RELEASE", _("Released")
    DEBIT = "DEBIT", _("Taken")
    RETURN = "RETURN", _("Returned after a recall")
    # docs/rules.md §9 "Family days": a PPPK's family days taken before annual leave, out of the first N.
    FAMILY_DAYS = "FAMILY_DAYS", _("Family days taken before annual leave")


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="LeaveBalanceEvent"
)
class LeaveBalance(AgencyOwnedModel):
    """One bucket of one employee's annual leave in one calendar year (the year it can be used in)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="leave_balances")
    year = models.PositiveSmallIntegerField(_("year"))
    bucket = models.CharField(_("bucket"), max_length=8, choices=Bucket.choices)
    granted = models.PositiveSmallIntegerField(_("days granted"), default=0)
    held = models.PositiveSmallIntegerField(_("days held"), default=0)
    used = models.PositiveSmallIntegerField(_("days taken"), default=0)

    class Meta:
        ordering = ["employee", "year", "bucket"]
        verbose_name = _("leave balance")
        verbose_name_plural = _("leave balances")
        indexes = [models.Index(fields=["agency", "year"], name="leave_balance_agency_year")]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year", "bucket"], name="leave_balance_one_per_bucket"),
            models.CheckConstraint(condition=Q(bucket__in=Bucket.values), name="leave_balance_bucket_valid"),
            models.CheckConstraint(
                condition=Q(held__gte=0) & Q(used__gte=0) & Q(granted__gte=F("held") + F("used")),
                name="leave_balance_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year} {self.bucket} {self.granted}/{self.held}/{self.used}"

    @property
    def available(self) -> int:
        return self.granted - self.held - self.used


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="LeaveBalanceEntryEvent"
)
class LeaveBalanceEntry(AgencyOwnedModel):
    """One change to one bucket: `days` is signed and applies to the column its kind names
    (GRANT..LONG_LEAVE to `granted`, HOLD/RELEASE to `held`, DEBIT/RETURN to `used`; a DEBIT also
    releases the hold it came from)."""

    balance = models.ForeignKey(LeaveBalance, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    days = models.SmallIntegerField(_("days"))
    leave_request = models.ForeignKey(
        "attendance.LeaveRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="balance_entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    # docs/rules.md §9 "Cuti bersama worked": the roster duty a CB_WORKED day was credited for (once).
    duty = models.ForeignKey("shifts.Duty", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("leave balance entry")
        verbose_name_plural = _("leave balance entries")
        indexes = [models.Index(fields=["leave_request"], name="leave_entry_request")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="leave_entry_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=["CORRECTION", "OPENING"]) | ~Q(reason=""), name="leave_entry_correction_reason"
            ),
            models.UniqueConstraint(
                fields=["duty"], condition=Q(duty__isnull=False), name="leave_entry_one_credit_per_duty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.balance_id} {self.kind} {self.days:+d}"


class FamilyLeaveDays(AgencyOwnedModel):
    """docs/rules.md §9 "Family days": the working days of an approved annual leave a PPPK took for a
    family reason before `ct_min_service_months` of service. No balance existed then, so they are owed
    and come off N of the first year the employee is entitled to annual leave (`settled_year`)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="family_leave_days")
    leave_request = models.OneToOneField(
        "attendance.LeaveRequest", on_delete=models.PROTECT, related_name="family_days"
    )
    days = models.PositiveSmallIntegerField(_("days"))
    settled_year = models.PositiveSmallIntegerField(_("taken from the year"), null=True, blank=True)

    class Meta:
        ordering = ["employee", "id"]
        verbose_name = _("family days")
        verbose_name_plural = _("family days")

    def __str__(self) -> str:
        return f"{self.employee_id} {self.days} ({self.settled_year or '-'})"
