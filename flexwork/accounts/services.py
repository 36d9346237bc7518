from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwork.accounts.models import ApiToken, User
from flexwork.accounts.tokens import PREFIX_LENGTH, generate_key, hash_key
from flexwork.common.exceptions import ApplicationError, ConflictError


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a personal API token. Returns the token and its key; the key is never stored and
    cannot be shown again. The owner gets a security notification (through the outbox)."""
    from flexwork.notifications.services import notification_send

    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), fields={"name": [_("This field is required.")]})
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        message = _("A token lasts between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        raise ApplicationError(message, fields={"expires_in_days": [message]})
    key = generate_key()
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    notification_send(
        recipient=user,
        kind="api_token_created",
        context={"token_name": token.name, "token_prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token. Revoking twice is a conflict (409): the caller's view was stale."""
    won = ApiToken.objects.filter(id=token.id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if won != 1:
        raise ConflictError(_("This token was already revoked."), code="already_revoked")
    token.refresh_from_db()
    return token


def user_language_set(*, user: User, language: str) -> User:
    """Save the user's interface language (also used for their e-mails and API answers)."""
    from flexwork.common.services import model_update

    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        message = _("Choose one of the offered languages.")
        raise ApplicationError(message, fields={"language": [message]})
    data = {"language": language}
    if user.language_chosen_at is None:  # the home page's first steps tick "choose your language"
        data["language_chosen_at"] = timezone.now()
    user, _changed = model_update(instance=user, fields=["language", "language_chosen_at"], data=data)
    return user


def user_first_steps_dismiss(*, user: User) -> bool:
    """Close the home page's first steps for good. A repeated close (a double tap, a second tab)
    changes nothing and answers False."""
    closed = User.objects.filter(id=user.id, first_steps_dismissed_at__isnull=True).update(
        first_steps_dismissed_at=timezone.now()
    )
    user.refresh_from_db(fields=["first_steps_dismissed_at"])
    return closed == 1


def mfa_disabled_notify(*, user: User) -> None:
    """Security notice: the user's authenticator app was removed. If it was not them, they must act."""
    from flexwork.notifications.services import notification_send

    notification_send(recipient=user, kind="mfa_disabled", context={})


# ---------------------------------------------------------------------------- MFA duty of a role


def user_mfa_policy_sync(*, agency_id: int | None = None, user_ids: list[int] | None = None) -> int:
    """Recompute `User.mfa_required_by_policy` for the role holders of `agency_id` and for `user_ids`:
    true for an HR admin of an agency with `mfa_required_for_hr`, and for an agency head where
    `mfa_required_for_head` is on. Called whenever a switch or a role changes (flexwork.accounts.receivers),
    so the duty applies at once to every current holder, not only to the next one assigned.
    Two UPDATEs; returns how many users changed."""
    from flexwork.org.models import Role, RoleAssignment

    due = RoleAssignment.objects.filter(
        Q(role=Role.HR_ADMIN, agency__mfa_required_for_hr=True)
        | Q(role=Role.AGENCY_HEAD, agency__mfa_required_for_head=True)
    ).values("user_id")
    candidates = Q(pk__in=user_ids or [])
    if agency_id is not None:
        candidates |= Q(pk__in=RoleAssignment.objects.filter(agency_id=agency_id).values("user_id"))
    users = User.objects.filter(candidates)
    changed = users.filter(pk__in=due, mfa_required_by_policy=False).update(mfa_required_by_policy=True)
    changed += users.filter(mfa_required_by_policy=True).exclude(pk__in=due).update(mfa_required_by_policy=False)
    return changed


# ---------------------------------------------------------------------------- password changes


@transaction.atomic
def user_password_changed(*, user: User) -> int:
    """Consequences of any new password (activation, reset, change, the admin, the command line):
    the user's API tokens are revoked and they are told. Their other browser sessions end by
    themselves: Django checks each session against a hash of the password on every request.
    Returns how many tokens were revoked."""
    from flexwork.notifications.services import notification_send

    now = timezone.now()
    revoked = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True, expires_at__gt=now).update(
        revoked_at=now, updated_at=now
    )
    notification_send(recipient=user, kind="password_changed", context={"tokens_revoked": revoked})
    return revoked


# ---------------------------------------------------------------------------- failed logins


def login_failures_notify(*, login: str, failures: int, address: str) -> bool:
    """Tell the owner of `login` (a username or an e-mail address) that `failures` wrong passwords
    were typed for their account recently; the last from `address`. Their account stays open to
    the right password from elsewhere (docs/api.md "Authentication"). False if no such user."""
    from flexwork.notifications.services import notification_send

    login = (login or "").strip()
    if not login:
        return False
    user = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login), is_active=True).first()
    if user is None:
        return False
    notification_send(recipient=user, kind="login_failures", context={"failures": failures, "address": address or "?"})
    return True
