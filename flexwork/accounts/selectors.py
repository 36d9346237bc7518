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
    """Staff, superusers, users flagged by an administrator and holders of a role whose agency policy
    requires MFA (HR admins, agency heads: `mfa_required_by_policy`) must enrol an authenticator app."""
    return bool(user.mfa_required or user.mfa_required_by_policy or user.is_staff or user.is_superuser)


def first_steps_for(*, user: User) -> dict | None:
    """The home page's first steps for a member of an agency's staff who has not closed them:
    whether the home location is registered (or waiting for approval) and whether they chose their
    language. None when closed or when the account is not an employee's. Two queries at most."""
    if user.first_steps_dismissed_at is not None:
        return None
    from flexwork.onboarding.models import HomeLocationRequest, HomeLocationStatus
    from flexwork.org.models import Employee

    employee = Employee.objects.filter(user=user).values("id", "home_latitude").first()
    if employee is None:
        return None
    home_done = employee["home_latitude"] is not None
    home_pending = (
        not home_done
        and HomeLocationRequest.objects.filter(employee_id=employee["id"], status=HomeLocationStatus.PENDING).exists()
    )
    return {
        "home_done": home_done,
        "home_pending": home_pending,
        "language_done": user.language_chosen_at is not None,
    }
