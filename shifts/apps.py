from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftsConfig(AppConfig):
    name = "shifts"
    label = "shifts"
    verbose_name = _("Shifts and rosters")

    def ready(self):
        from shifts import handlers, swaps

        # Organisation events (a move to another zone, a declared holiday) and the duty notices.
        handlers.connect()
        # Duty swaps are one kind of the approval engine.
        swaps.register_approval_spec()
