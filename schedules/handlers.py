"""Receivers of flexwork.org.events (connected in SchedulesConfig.ready). They run inside the
organisation service's transaction: a failure here rolls the employee change back. Re-routing and
closing pending requests on a change of supervisor or unit or a deactivation belong to the approval
engine (flexwork/approvals/apps.py), for every approvable kind. Below them, the outbox handlers of
the directive notices (schedules/directives.py), registered when the module is imported at ready."""

from __future__ import annotations

from flexwork.outbox import registry


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


@registry.register("schedules.directive_notice")
def directive_notice_handler(payload: dict) -> None:
    from schedules.directives import directive_notice_send

    directive_notice_send(**payload)


@registry.register("schedules.directive_days")
def directive_days_handler(payload: dict) -> None:
    from schedules.directives import directive_days_notice_send

    directive_days_notice_send(**payload)
