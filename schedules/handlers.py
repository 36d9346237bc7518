"""Receivers of flexwork.org.events (connected in SchedulesConfig.ready). They run inside the
organisation service's transaction: a failure here rolls the employee change back."""

from __future__ import annotations


def on_employee_moved(*, employee, old_id=None, new_id=None, effective_date=None, actor=None, **kwargs) -> None:
    from schedules.services import arrangement_requests_reroute

    arrangement_requests_reroute(employee=employee, actor=actor)


def on_employee_deactivated(*, employee, effective_date=None, actor=None, **kwargs) -> None:
    from schedules.services import arrangement_requests_close_for_deactivated

    arrangement_requests_close_for_deactivated(employee=employee, actor=actor, effective_date=effective_date)


def on_holiday_declared(*, holiday, **kwargs) -> None:
    """Tell the people who had a schedule day on a newly declared holiday (one batch)."""
    from django.utils import formats

    from flexwork.org.models import Employee
    from schedules.notify import notify_many

    people = Employee.objects.filter(
        agency_id=holiday.agency_id,
        schedule_days__local_date=holiday.date,
        schedule_days__cancelled_at__isnull=True,
    ).distinct()
    notify_many(
        employees_qs=people,
        kind="holiday_declared",
        context={"name": holiday.name, "date": lambda language: formats.date_format(holiday.date, "DATE_FORMAT")},
        url="/schedule/",
    )
