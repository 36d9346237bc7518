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
