from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    label = "schedules"
    verbose_name = _("Flexible work arrangements")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from flexwork.org import events
        from schedules import handlers, nav, notify

        notify.register_kinds()
        # The header's "Approvals" link is worked out once, at login (schedules/nav.py).
        user_logged_in.connect(nav.remember_approver, dispatch_uid="schedules-remember-approver")
        # Pending approvals follow the organisation (rules.md §7).
        events.employee_supervisor_changed.connect(handlers.on_employee_moved)
        events.employee_unit_changed.connect(handlers.on_employee_moved)
        events.employee_deactivated.connect(handlers.on_employee_deactivated)
        events.holiday_declared.connect(handlers.on_holiday_declared)
