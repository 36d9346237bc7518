"""Signal receivers of the accounts app. They only hand over to services (no logic here)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver

from flexwork.accounts.services import mfa_disabled_notify


@receiver(authenticator_removed, dispatch_uid="flexwork_accounts_mfa_disabled")
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    # Deactivating the app also deletes the then useless recovery codes, which sends this signal a
    # second time: one notice per deactivation is enough.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    mfa_disabled_notify(user=user)
