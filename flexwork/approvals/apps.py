from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "flexwork.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from flexwork.approvals import engine
        from flexwork.org import events

        # Pending approvals of every registered kind follow the organisation (docs/rules.md §7).
        events.employee_supervisor_changed.connect(engine.on_employee_moved)
        events.employee_unit_changed.connect(engine.on_employee_moved)
        events.employee_deactivated.connect(engine.on_employee_deactivated)
