"""Background work of the attendance app. Periodic entries are declared in CELERY_BEAT_SCHEDULE
(settings/base.py). Tasks take ids and ISO dates only and are safe to repeat."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from flexwork.common.calendar import now_in

# The nightly jobs run hourly and act for the zones where it is now between 00:00 and 00:59: all
# four office zones have whole-hour offsets, so each zone is handled once a night.
CLOSING_HOUR = 0


def _zones_at_closing_hour(now: datetime.datetime) -> list[tuple[str, datetime.date]]:
    """[(zone, today's office date there)] for the zones whose local hour is CLOSING_HOUR."""
    found = []
    for zone in settings.FLEXWORK_TIME_ZONES:
        local = now_in(zone, now=now)
        if local.hour == CLOSING_HOUR:
            found.append((zone, local.date()))
    return found


@shared_task(ignore_result=True)
def day_status_refresh_task(employee_id: int, local_date: str) -> None:
    from attendance.status import day_status_refresh

    day_status_refresh(employee_id=employee_id, local_date=datetime.date.fromisoformat(local_date))


@shared_task(ignore_result=True)
def day_statuses_refresh_recent_task() -> None:
    """Every minute: the statuses of the days checked in or out in the last few minutes."""
    from attendance.status import day_statuses_refresh_recent

    day_statuses_refresh_recent()


@shared_task(ignore_result=True)
def duty_statuses_decide_task() -> None:
    """Every five minutes: the statuses of the duties whose check-out window has just closed."""
    from attendance.status import duty_statuses_decide

    duty_statuses_decide()


@shared_task(ignore_result=True)
def day_statuses_refresh_range_task(employee_id: int, date_from: str, date_to: str) -> None:
    from attendance.status import day_statuses_refresh_range

    day_statuses_refresh_range(
        employee_id=employee_id,
        date_from=datetime.date.fromisoformat(date_from),
        date_to=datetime.date.fromisoformat(date_to),
    )


@shared_task(ignore_result=True)
def zone_day_close_task(zone: str | None = None, local_date: str | None = None) -> None:
    """Nightly, per office zone: yesterday's status for everyone, also those who never checked in."""
    from attendance.status import zone_day_close

    if zone and local_date:
        zone_day_close(zone=zone, local_date=datetime.date.fromisoformat(local_date))
        return
    for found_zone, today in _zones_at_closing_hour(timezone.now()):
        zone_day_close(zone=found_zone, local_date=today - datetime.timedelta(days=1))


@shared_task(ignore_result=True)
def missing_logs_flag_task() -> None:
    """Nightly, per zone: WFH/WFA days without an output log by the end of the next working day."""
    from attendance.services import missing_logs_flag
    from flexwork.org.models import Agency

    for zone, today in _zones_at_closing_hour(timezone.now()):
        for agency in Agency.objects.filter(time_zone=zone):
            missing_logs_flag(agency=agency, today=today)


@shared_task(ignore_result=True)
def positions_purge_task() -> None:
    from attendance.services import positions_purge

    positions_purge()


@shared_task(ignore_result=True)
def idempotency_keys_purge_task() -> None:
    from attendance.services import idempotency_keys_purge

    idempotency_keys_purge()
