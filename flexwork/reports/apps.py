from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "flexwork.reports"
    label = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self):
        from flexwork.notifications.kinds import kind_register
        from flexwork.reports import handlers  # noqa: F401 (registers the outbox handler)

        kind_register(
            "daily_digest",
            title=_("Your FlexWork reminders for %(date)s"),
            body=_(
                "Missing check-outs: %(missing_checkouts)s. Days without an output log: %(missing_logs)s. "
                "Requests waiting for your decision: %(pending_decisions)s."
            ),
            email=False,
        )
        kind_register(
            "report_done",
            title=_("Your report is ready"),
            body=_("The report “%(report)s” for %(period)s is ready to download."),
            email=False,
        )
