from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    label = "schedules"
    verbose_name = _("Flexible work arrangements")

    def ready(self):
        from flexwork.org import events
        from schedules import handlers, notify, services

        notify.register_kinds()
        # Arrangements are one kind of the approval engine; it re-routes and closes them on
        # organisation events with every other kind (flexwork/approvals/apps.py).
        services.register_approval_spec()
        events.holiday_declared.connect(handlers.on_holiday_declared)
