from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "flexwork.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from flexwork.notifications.kinds import kind_register

        kind_register(
            "employee_changed",
            title=_("Your employee record changed"),
            body=_(
                "HR changed your record, effective %(effective_date)s: %(summary)s. Requests still waiting for a "
                "decision now go to your new approvers."
            ),
        )
        kind_register(
            "employee_nip_corrected",
            title=_("Your NIP was corrected"),
            body=_(
                "HR corrected your NIP from %(old_nip)s to %(new_nip)s. Sign in with %(new_nip)s from now on; your "
                "password and authenticator app stay the same."
            ),
        )
        kind_register(
            "employee_transferred",
            title=_("You were transferred to another agency"),
            body=_(
                "HR of %(old_agency)s transferred you to %(new_agency)s, effective %(effective_date)s. Requests that "
                "were still waiting were withdrawn and approved days from that date on were cancelled. HR of "
                "%(new_agency)s will place you in your unit."
            ),
        )
        kind_register(
            "employee_transferred_in",
            title=_("An employee was transferred to your agency"),
            body=_(
                "%(name)s was transferred to your agency from %(old_agency)s and placed in %(unit)s for now. Give "
                "them their unit, position and supervisor."
            ),
        )
        kind_register(
            "role_assigned",
            title=_("You have a new role"),
            body=_(
                "You are now %(role)s of %(agency)s. If the agency requires it, you will be asked to set up an "
                "authenticator app before the pages of the role open."
            ),
        )
        kind_register(
            "role_revoked",
            title=_("A role of yours ended"),
            body=_("You are no longer %(role)s of %(agency)s."),
        )
