"""In-process events about employees. Other apps subscribe in their AppConfig.ready, e.g. the
approval engine re-routes pending requests of every kind (flexwork/approvals/apps.py):

    from flexwork.org import events
    events.employee_supervisor_changed.connect(engine.on_employee_moved)

Receivers are called synchronously, inside the transaction of the service that changed the
employee, with keyword arguments: employee, old_id, new_id, effective_date, actor. A receiver
that raises rolls the change back: the employee is never half-moved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Receiver = Callable[..., Any]


class OrgEvent:
    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> Receiver:
        """Subscribe (idempotent); usable as a decorator."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    def send(self, **kwargs: Any) -> None:
        for receiver in list(self._receivers):
            receiver(**kwargs)

    def __repr__(self) -> str:
        return f"<OrgEvent {self.name}>"


# kwargs: employee, old_id (old supervisor id or None), new_id, effective_date, actor
employee_supervisor_changed = OrgEvent("employee_supervisor_changed")
# kwargs: employee, old_id (old unit id), new_id, effective_date, actor
employee_unit_changed = OrgEvent("employee_unit_changed")
# kwargs: employee, old_id=None, new_id=None, effective_date, actor
employee_deactivated = OrgEvent("employee_deactivated")
# kwargs: holiday. Sent when HR declares a holiday (docs/rules.md §7: schedule days on it are kept but
# ignored by status and cap, and their people are told).
holiday_declared = OrgEvent("holiday_declared")
