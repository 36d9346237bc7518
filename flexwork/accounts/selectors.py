from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from flexwork.accounts.models import ApiToken, User


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """The user's own personal tokens, newest first. Tokens are personal: nobody sees another's."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get_for(*, user: User, token_id: int) -> ApiToken:
    """One of the user's own tokens; someone else's answers 404, like an unknown id."""
    return get_object_or_404(api_token_list_for(user=user), id=token_id)


def user_has_totp(*, user: User) -> bool:
    """Whether the user has an authenticator app (one indexed query)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def user_must_have_mfa(*, user: User) -> bool:
    """Staff, superusers and users flagged by an administrator must enrol an authenticator app."""
    return bool(user.mfa_required or user.is_staff or user.is_superuser)
