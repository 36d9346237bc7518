from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    label = "schedules"
    verbose_name = _("Flexible work arrangements")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from flexwork.org import events
        from schedules import handlers, nav, notify, services

        notify.register_kinds()
        # Arrangements are one kind of the approval engine; it re-routes and closes them on
        # organisation events with every other kind (flexwork/approvals/apps.py).
        services.register_approval_spec()
        # The header's "Approvals" link is worked out once, at login (schedules/nav.py).
        user_logged_in.connect(nav.remember_approver, dispatch_uid="schedules-remember-approver")
        events.holiday_declared.connect(handlers.on_holiday_declared)
