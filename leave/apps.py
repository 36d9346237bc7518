from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaveConfig(AppConfig):
    name = "leave"
    label = "leave"
    verbose_name = _("Leave entitlements")

    def ready(self) -> None:
        from flexwork.notifications.kinds import kind_register

        # docs/rules.md §9 "Kinds and their reasons": HR's warning at 12 consecutive months of sick leave.
        kind_register(
            "sick_leave_twelve_months",
            title=_("%(name)s has been on sick leave for 12 months"),
            body=_(
                "%(name)s has been on sick leave without a break since %(since)s. Sick leave lasts at most a year, "
                "and six months more only with the letter of the health board (tim penguji kesehatan)."
            ),
        )
