"""Every kind of notification, with its in-app title and body.

Title and body are gettext_lazy strings with %(name)s placeholders filled from the context given
to `notification_send`, plus `when` (the moment it happened, in the recipient's office zone).
Context keys ending in `_at` holding an ISO date-time are shown the same way ("7 Des 2026, 08.00 WIB").

E-mails use templates/notifications/email/<kind>_subject.txt and <kind>_body.txt; a kind without
its own templates gets the generic ones (default_subject.txt, default_body.txt) built from the
title and body. Another app adds its kinds from its AppConfig.ready with `kind_register`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NotificationKind:
    title: Promise | str
    body: Promise | str
    email: bool = True  # also send an e-mail when the recipient has an address


KINDS: dict[str, NotificationKind] = {
    "api_token_created": NotificationKind(
        title=_("New API token “%(token_name)s”"),
        body=_(
            "A personal API token named “%(token_name)s” (starting with %(token_prefix)s) was created for "
            "your account on %(when)s. It expires on %(expires_at)s. If this was not you, revoke the token "
            "on your profile page, change your password and tell your HR administrator."
        ),
    ),
    "password_changed": NotificationKind(
        title=_("Your password was changed"),
        body=_(
            "The password of your account was changed on %(when)s. Your other sessions were signed out and "
            "%(tokens_revoked)s API tokens were revoked. If this was not you, reset your password at once "
            "(“Forgot your password?” on the login page) and tell your HR administrator."
        ),
    ),
    "login_failures": NotificationKind(
        title=_("Failed sign-in attempts on your account"),
        body=_(
            "%(failures)s wrong passwords were typed for your account within the last hour, the last on "
            "%(when)s from the address %(address)s. Your account is not locked: you can still sign in. If "
            "this was not you, choose a stronger password and set up two-factor authentication."
        ),
    ),
    "mfa_disabled": NotificationKind(
        title=_("Two-factor authentication turned off"),
        body=_(
            "Two-factor authentication was turned off for your account on %(when)s. If this was not you, "
            "change your password now, turn two-factor authentication on again and tell your HR administrator."
        ),
    ),
}


def kind_register(name: str, *, title: Promise | str, body: Promise | str, email: bool = True) -> None:
    KINDS[name] = NotificationKind(title=title, body=body, email=email)


def kind_get(name: str) -> NotificationKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"Unknown notification kind {name!r}: add it to flexwork/notifications/kinds.py") from None
