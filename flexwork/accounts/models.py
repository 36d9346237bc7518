from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel, BaseModel


class Language(models.TextChoices):
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class User(AbstractUser):
    """A login. The organisation app attaches an employee record (the NIP is the username)."""

    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.INDONESIAN)
    mfa_required = models.BooleanField(
        _("MFA required"),
        default=False,
        help_text=_("The user must enrol an authenticator app before using FlexWork."),
    )
    # Kept by flexwork.accounts.services.user_mfa_policy_sync from the roles the user holds and their
    # agency's switches (mfa_required_for_hr, mfa_required_for_head), so that the enrolment check
    # reads the user row only. `mfa_required` stays the administrator's own flag.
    mfa_required_by_policy = models.BooleanField(
        _("MFA required by the agency policy"),
        default=False,
        db_default=False,  # bulk loads that COPY users without naming the column (bench) get False too
        editable=False,
        help_text=_("Set from the agency policy for HR admins and agency heads."),
    )
    # The home page's first steps (register home, the 2-day rule, language): when the user chose a
    # language themselves, and when they closed the box.
    language_chosen_at = models.DateTimeField(_("language chosen at"), null=True, blank=True, editable=False)
    first_steps_dismissed_at = models.DateTimeField(_("first steps closed at"), null=True, blank=True, editable=False)

    def set_password(self, raw_password):
        # Whether this replaces a password the row already had (a real one, or the unusable one of
        # an account not yet activated): then flexwork.accounts.passwords.PasswordChangedHook revokes
        # the tokens and tells the owner once the row is saved. A login made with a password (a
        # new user, a factory) replaces nothing.
        self._replaces_password = bool(self.password) and not self._state.adding
        super().set_password(raw_password)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_unique_ci"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="accounts_user_language_valid"
            ),
        ]


class ApiTokenStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


# History records what people did to a token (made, renamed, revoked), not each use: last_used_at
# is left out, so that the first call of the day is not also an audit write.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["key_hash", "last_used_at"],
    model_name="ApiTokenEvent",
)
class ApiToken(BaseModel):
    """A personal API token (docs/api.md "Authentication"). Only a SHA-256 of the key is stored; the
    key itself is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, to recognise it in a list.")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")), name="api_token_expiry_after_creation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        """ "active", "expired" or "revoked" (revocation wins: it was a deliberate act)."""
        if self.revoked_at is not None:
            return ApiTokenStatus.REVOKED
        if self.expires_at <= timezone.now():
            return ApiTokenStatus.EXPIRED
        return ApiTokenStatus.ACTIVE


class PersonalDataChannel(models.TextChoices):
    PAGE = "page", _("Download on the My data page")
    API = "api", _("API")


# UU PDP 27/2022 (docs/rules.md §7): a download of someone's personal data is itself audited. The
# row is the act; its pghistory insert event carries the request's context (who, which URL) and is
# what the agency's audit log shows as "Personal data downloaded".
@pghistory.track(pghistory.InsertEvent(), model_name="PersonalDataDownloadEvent")
class PersonalDataDownload(BaseModel):
    """One download of a user's own personal data (flexwork/accounts/my_data.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_data_downloads")
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=PersonalDataChannel.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=PersonalDataChannel.values), name="personal_data_download_channel_valid"
            ),
        ]


# docs/rules.md §7 "Lost password or phone": a one-time password reset code that HR issues for an
# activated account. Only its SHA-256 is stored; the history shows who issued it and when it was used.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), exclude=["code_hash"], model_name="PasswordResetCodeEvent"
)
class PasswordResetCode(AgencyOwnedModel):
    """A password reset code (flexwork/accounts/reset.py). It sets a new password only: whoever has an
    authenticator app still needs it to log in."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="password_reset_codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee"],
                condition=models.Q(used_at__isnull=True, invalidated_at__isnull=True),
                name="accounts_one_live_reset_code_per_employee",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_reset_code_expires_after_creation",
            ),
        ]

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.invalidated_at is None and self.expires_at > timezone.now()
