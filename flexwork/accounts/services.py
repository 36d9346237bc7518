from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
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
    user, _changed = model_update(instance=user, fields=["language"], data={"language": language})
    return user


def mfa_disabled_notify(*, user: User) -> None:
    """Security notice: the user's authenticator app was removed. If it was not them, they must act."""
    from flexwork.notifications.services import notification_send

    notification_send(recipient=user, kind="mfa_disabled", context={})
