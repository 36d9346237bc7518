from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    label = "schedules"
    verbose_name = _("Flexible work arrangements")

    def ready(self):
        from flexwork.org import events
        from schedules import handlers, notify

        notify.register_kinds()
        # Pending approvals follow the organisation (rules.md §7).
        events.employee_supervisor_changed.connect(handlers.on_employee_moved)
        events.employee_unit_changed.connect(handlers.on_employee_moved)
        events.employee_deactivated.connect(handlers.on_employee_deactivated)
