"""The one place that sees every new password.

Django tells each of AUTH_PASSWORD_VALIDATORS that a password changed (`password_changed`) after
any save that follows `set_password`: activation, a reset by e-mail, a change on the profile, the
Django admin, `manage.py changepassword`. PasswordChangedHook validates nothing; it hands the
change over to `flexwork.accounts.services.user_password_changed` (tokens revoked, the owner told).
"""

from __future__ import annotations


class PasswordChangedHook:
    def validate(self, password, user=None) -> None:
        return None

    def get_help_text(self) -> str:
        from django.utils.translation import gettext

        return gettext("A new password signs you out everywhere else and revokes your API tokens.")

    def password_changed(self, password, user=None) -> None:
        if user is None or user.pk is None or not getattr(user, "_replaces_password", False):
            return
        user._replaces_password = False
        from flexwork.accounts.services import user_password_changed

        user_password_changed(user=user)
