"""Lost password, lost phone (docs/rules.md §7 "Lost password or phone").

Many civil servants have no working e-mail address, so allauth's e-mail reset is not enough: HR issues
a one-time password reset code for an activated account (activation codes are for accounts never
activated, flexwork.onboarding.services). The code sets a new password and nothing else: it never logs
anyone in, so whoever has an authenticator app still needs it to log in. Removing the authenticator app
(a lost phone) is a separate act with its own reason, notice and audit row.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.accounts.models import PasswordResetCode, User
from flexwork.common.exceptions import ApplicationError, ConflictError

RESET_CODE_HOURS = 24
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper or a phone screen
CODE_LENGTH = 12
# Wrong codes are limited like wrong passwords (flexwork.accounts.adapters): per NIP and client address,
# so that someone who knows a NIP cannot lock its owner out of their own reset.
RESET_MAX_FAILURES = 5
RESET_WINDOW_SECONDS = 15 * 60
REASON_MAX_LENGTH = 500

ERR_CODE_WRONG = gettext_lazy("This NIP and reset code do not match.")
ERR_CODE_USED = gettext_lazy("This reset code was already used. Ask HR for a new one.")
ERR_CODE_REPLACED = gettext_lazy("This reset code was replaced by a newer one. Use the newest code from HR.")
ERR_CODE_EXPIRED = gettext_lazy("This reset code has expired. Ask HR for a new one.")
ERR_TOO_MANY = gettext_lazy("Too many wrong attempts for this NIP. Wait 15 minutes, then try again.")


def kinds_register() -> None:
    """The notices of this module (called from AccountsConfig.ready)."""
    from flexwork.notifications.kinds import kind_register

    kind_register(
        "password_reset_code_issued",
        title=gettext_lazy("HR issued a password reset code for your account"),
        body=gettext_lazy(
            "%(actor)s issued a one-time password reset code for your account on %(when)s. It works until "
            "%(expires_at)s. If you did not ask HR for it, tell HR at once: the code does not replace your "
            "authenticator app."
        ),
    )
    kind_register(
        "mfa_reset_by_hr",
        title=gettext_lazy("Your two-factor authentication was reset"),
        body=gettext_lazy(
            "%(actor)s removed the authenticator apps and recovery codes from your account on %(when)s. "
            "Reason given: %(reason)s. Set up two-factor authentication again at your next login. If you did "
            "not ask for this, tell HR at once."
        ),
    )


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def reset_code_hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _actor_name(user) -> str:
    from flexwork.accounts.adapters import user_display

    return user_display(user)


def _not_oneself(*, employee, actor) -> None:
    # docs/rules.md §7: nobody resets their own password or authenticator here (they have the profile
    # pages for that); an HR admin's or the agency head's account is reset by another HR admin.
    if employee.user_id == actor.pk:
        raise PermissionDenied(_("You cannot reset your own account here. Ask another HR administrator."))


def latest_reset_code_id(*, employee) -> int:
    """The id of the employee's newest reset code (0 for none): the issue form sends it back, so that
    a second tap of the button is refused instead of replacing the code just shown."""
    return PasswordResetCode.objects.filter(employee=employee).order_by("-id").values_list("id", flat=True).first() or 0


@transaction.atomic
def password_reset_code_issue(*, employee, actor, seen_latest_id: int | None = None) -> tuple[PasswordResetCode, str]:
    """A one-time reset code (RESET_CODE_HOURS) for an activated account; an older live code stops
    working. Returns the row and the code, which exists nowhere else: show it now. The person is told.

    `seen_latest_id` is the newest code the caller's page knew: another code issued since (a double tap,
    a second HR tab) is a 409 that writes nothing."""
    from flexwork.notifications.services import notification_send
    from flexwork.onboarding.services import account_is_activated

    _not_oneself(employee=employee, actor=actor)
    user = User.objects.select_for_update().get(id=employee.user_id)  # orders two issues and a reset
    if not employee.is_active or not user.is_active:
        raise ApplicationError(_("This employee is inactive: their account cannot be reset."), code="inactive")
    if not account_is_activated(user):
        raise ConflictError(
            _("This account was never activated: issue an activation code instead."), code="not_activated"
        )
    if seen_latest_id is not None and latest_reset_code_id(employee=employee) != seen_latest_id:
        raise ConflictError(
            _("A reset code was issued for this employee meanwhile. Reload the page to issue another."),
            code="stale_transition",
        )
    now = timezone.now()
    PasswordResetCode.objects.filter(employee=employee, used_at__isnull=True, invalidated_at__isnull=True).update(
        invalidated_at=now, updated_at=now
    )
    code = _new_code()
    row = PasswordResetCode.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        code_hash=reset_code_hash(code),
        expires_at=now + datetime.timedelta(hours=RESET_CODE_HOURS),
        issued_by=actor,
        created_at=now,
    )
    notification_send(
        recipient=user,
        kind="password_reset_code_issued",
        context={"actor": _actor_name(actor), "expires_at": row.expires_at.isoformat()},
    )
    return row, code


def _failure_key(nip: str, address: str) -> str:
    digest = hashlib.sha256(f"{nip}|{address}".encode()).hexdigest()[:32]
    return f"accounts:reset-failures:{digest}"


def _count_failure(key: str) -> None:
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)


@transaction.atomic
def password_reset_with_code(*, nip: str, code: str, password: str, address: str = ""):
    """NIP + reset code + new password → the password is set and the code used up. The new password
    revokes the API tokens, ends the other sessions and tells the owner (flexwork.accounts.passwords).
    Nobody is logged in: the next login asks for the authenticator app as always.

    Wrong, replaced or expired codes are 400, a used code 409; each counts towards RESET_MAX_FAILURES
    per NIP and address within RESET_WINDOW_SECONDS (then 429)."""
    from flexwork.org.models import Employee

    nip = (nip or "").strip()
    key = _failure_key(nip, address)
    if (cache.get(key) or 0) >= RESET_MAX_FAILURES:
        raise ApplicationError(str(ERR_TOO_MANY), code="rate_limited", status_code=429)
    employee = Employee.objects.filter(nip=nip, is_active=True).only("id", "user_id").first()
    candidate = None
    if employee is not None and _normalise(code):
        candidate = (
            PasswordResetCode.objects.filter(employee=employee, code_hash=reset_code_hash(code)).order_by("-id").first()
        )
    now = timezone.now()
    problem, conflict = None, False
    if candidate is None:
        problem = ERR_CODE_WRONG
    elif candidate.used_at is not None:
        problem, conflict = ERR_CODE_USED, True
    elif candidate.invalidated_at is not None:
        problem = ERR_CODE_REPLACED
    elif candidate.expires_at <= now:
        problem = ERR_CODE_EXPIRED
    if problem is not None:
        _count_failure(key)
        error_class = ConflictError if conflict else ApplicationError
        raise error_class(str(problem), code="reset_refused", fields={"code": [str(problem)]})
    user = User.objects.select_for_update().get(id=employee.user_id)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("Choose another password."), code="invalid", fields={"password": exc.messages}
        ) from exc
    # Compare-and-swap: of two concurrent resets with one code, exactly one wins.
    claimed = PasswordResetCode.objects.filter(
        id=candidate.id, used_at__isnull=True, invalidated_at__isnull=True
    ).update(used_at=now, updated_at=now)
    if claimed != 1:
        raise ConflictError(str(ERR_CODE_USED), code="reset_refused", fields={"code": [str(ERR_CODE_USED)]})
    user.set_password(password)
    user.save(update_fields=["password"])  # → PasswordChangedHook: tokens revoked, the owner told
    cache.delete(key)
    return user


@transaction.atomic
def mfa_reset_by_hr(*, employee, actor, reason: str) -> int:
    """A lost phone: remove the employee's authenticators (the app and its recovery codes). HR gives a
    reason; the row in the account actions names HR and the reason; the person is told in the app and
    by e-mail where they have one. They enrol again at their next login when MFA is required for them
    (flexwork.accounts.middleware). A second call finds nothing left to remove: 409, nothing written."""
    from allauth.mfa.models import Authenticator

    from flexwork.notifications.services import notification_send
    from flexwork.onboarding.models import AccountAction, AccountActionKind

    _not_oneself(employee=employee, actor=actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the authenticator app is removed.")
        raise ApplicationError(message, fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        raise ApplicationError(message, fields={"reason": [message]})
    user = User.objects.select_for_update().get(id=employee.user_id)
    authenticators = Authenticator.objects.filter(user_id=user.id)
    removed, _per_model = authenticators.delete()
    if removed == 0:
        raise ConflictError(
            _("This employee has no authenticator app (any more): there is nothing to reset."),
            code="stale_transition",
        )
    AccountAction.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=AccountActionKind.MFA_RESET,
        actor=actor,
        detail={"authenticators": removed, "reason": reason},
    )
    notification_send(recipient=user, kind="mfa_reset_by_hr", context={"actor": _actor_name(actor), "reason": reason})
    return removed
