"""Onboarding an agency: organisation imports, first-login activation codes, home-location
requests and the audit rows of HR's account actions."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel
from flexwork.org.validators import validate_latitude, validate_longitude


class ImportKind(models.TextChoices):
    EMPLOYEES = "EMPLOYEES", _("Employees")
    UNITS = "UNITS", _("Units")
    POSITIONS = "POSITIONS", _("Positions")


class ImportStatus(models.TextChoices):
    CHECKING = "CHECKING", _("Checking the file")
    PREVIEWED = "PREVIEWED", _("Previewed")
    CONFIRMING = "CONFIRMING", _("Importing")
    CONFIRMED = "CONFIRMED", _("Confirmed")
    FAILED = "FAILED", _("Failed")


# The statuses in which a background job (flexwork/onboarding/tasks.py) works on the batch.
IMPORT_RUNNING_STATUSES = (ImportStatus.CHECKING, ImportStatus.CONFIRMING)


class ImportBatch(AgencyOwnedModel):
    """One uploaded file: its preview (dry run) and, once confirmed, the counts written.

    `rows` keeps the file's rows as text keyed by header ({"row": n, "nip": …}) so that confirming
    never needs the file again; `errors` lists {"row", "column", "code", "params"}, rendered in the
    reader's language by `flexwork.onboarding.importing.row_error`."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    # None: uploaded from the command line (manage.py import_org).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_count = models.PositiveIntegerField(_("new"), default=0)
    changed_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # Row numbers (as in the file) of new and changed rows, to show in the preview.
    new_rows = models.JSONField(default=list, blank=True)
    changed_rows = models.JSONField(default=list, blank=True)
    # The background job (docs/rules.md §7): rows checked so far, the claim (attempts, lease) that
    # makes each step happen once, who asked for the confirmation, and why a job failed
    # ({"code", "message" (the English template), "params"}, shown in the reader's language).
    progress_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    failure = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "lease_expires_at"],
                name="onboarding_import_running",
                condition=Q(status__in=["CHECKING", "CONFIRMING"]),
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="onboarding_import_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="onboarding_import_status_valid"),
            models.CheckConstraint(
                condition=Q(status=ImportStatus.CONFIRMED, confirmed_at__isnull=False)
                | ~Q(status=ImportStatus.CONFIRMED),
                name="onboarding_import_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0 and self.row_count > 0

    @property
    def is_running(self) -> bool:
        return self.status in IMPORT_RUNNING_STATUSES


class ImportFile(models.Model):
    """The uploaded bytes of a batch, until its preview has been checked: kept in PostgreSQL, so that
    the web process and any worker see the same file without shared storage. Deleted once the
    preview holds the rows (or the check failed)."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, primary_key=True, related_name="upload")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"upload of import {self.batch_id}"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["code_hash"], model_name="ActivationCodeEvent"
)
class ActivationCode(AgencyOwnedModel):
    """A one-time first-login code. Only its SHA-256 is stored: the code itself is shown (or
    printed, or e-mailed) once, when it is issued. Issuing a new code invalidates the old one."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one live code per employee: reissuing invalidates the old one first.
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(used_at__isnull=True, invalidated_at__isnull=True),
                name="onboarding_one_live_code_per_employee",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="onboarding_code_expires_after_creation"
            ),
        ]

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.invalidated_at is None and self.expires_at > timezone.now()


class AccountActionKind(models.TextChoices):
    CODE_ISSUED = "CODE_ISSUED", _("activation code issued")
    LINK_SENT = "LINK_SENT", _("activation link e-mailed")
    ACTIVATED = "ACTIVATED", _("account activated")
    MFA_RESET = "MFA_RESET", _("two-factor authentication reset")


class AccountAction(AgencyOwnedModel):
    """Append-only audit row of an account action taken by HR (or by the employee activating)."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="account_actions")
    kind = models.CharField(_("action"), max_length=16, choices=AccountActionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["employee", "created_at"], name="onboarding_action_emp_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AccountActionKind.values), name="onboarding_account_action_kind_valid"
            ),
        ]


ADDRESS_MAX_LENGTH = 300


class HomeLocationStatus(models.TextChoices):
    PENDING = "PENDING", _("Waiting for approval")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    # UU PDP: the audit trail records who decided what and when, never the position itself (nor the
    # address, the position in words).
    exclude=["latitude", "longitude", "accuracy_m", "address"],
    model_name="HomeLocationRequestEvent",
)
class HomeLocationRequest(AgencyOwnedModel):
    """An employee's proposed home coordinates; they take effect (Employee.home_*) once the
    supervisor or HR approves."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="home_location_requests")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, validators=[validate_latitude])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, validators=[validate_longitude])
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    # Where the point is, in the employee's words: what the supervisor checks before approving.
    address = models.CharField(_("address"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=HomeLocationStatus.choices, default=HomeLocationStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=HomeLocationStatus.values), name="onboarding_home_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="onboarding_home_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="onboarding_home_longitude_range"
            ),
            models.UniqueConstraint(
                fields=["employee"],
                condition=Q(status=HomeLocationStatus.PENDING),
                name="onboarding_one_pending_home_per_employee",
            ),
            models.CheckConstraint(
                condition=Q(status=HomeLocationStatus.PENDING, decided_at__isnull=True)
                | Q(~Q(status=HomeLocationStatus.PENDING), decided_at__isnull=False),
                name="onboarding_home_decided_has_time",
            ),
        ]
