"""Receivers of flexwork.org.events (connected in SchedulesConfig.ready). They run inside the
organisation service's transaction: a failure here rolls the employee change back."""

from __future__ import annotations


def on_employee_moved(*, employee, old_id=None, new_id=None, effective_date=None, actor=None, **kwargs) -> None:
    from schedules.services import arrangement_requests_reroute

    arrangement_requests_reroute(employee=employee, actor=actor)


def on_employee_deactivated(*, employee, effective_date=None, actor=None, **kwargs) -> None:
    from schedules.services import arrangement_requests_close_for_deactivated

    arrangement_requests_close_for_deactivated(employee=employee, actor=actor, effective_date=effective_date)
