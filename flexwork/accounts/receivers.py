"""Signal receivers of the accounts app. They only hand over to services (no logic here)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from flexwork.accounts.services import mfa_disabled_notify, user_mfa_policy_sync

MFA_SWITCHES = frozenset({"mfa_required_for_hr", "mfa_required_for_head"})


@receiver(authenticator_removed, dispatch_uid="flexwork_accounts_mfa_disabled")
def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    # Deactivating the app also deletes the then useless recovery codes, which sends this signal a
    # second time: one notice per deactivation is enough.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    mfa_disabled_notify(user=user)


# The MFA duty of HR admins and agency heads follows every change of a role or of the agency's
# switches, whichever path made it (services, the Django admin, a shell): receivers on the models.
@receiver(post_save, sender="org.RoleAssignment", dispatch_uid="flexwork_accounts_role_saved")
@receiver(post_delete, sender="org.RoleAssignment", dispatch_uid="flexwork_accounts_role_deleted")
def on_role_changed(sender, instance, **kwargs):
    user_mfa_policy_sync(user_ids=[instance.user_id])


@receiver(post_save, sender="org.Agency", dispatch_uid="flexwork_accounts_agency_saved")
def on_agency_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not MFA_SWITCHES.intersection(update_fields)):
        return
    user_mfa_policy_sync(agency_id=instance.pk)
