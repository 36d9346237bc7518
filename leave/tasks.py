"""Periodic work of leave entitlements (declared in CELERY_BEAT_SCHEDULE, settings/base.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def leave_rollover_task(zone: str | None = None, year: int | None = None) -> int:
    """docs/rules.md §9 "Rollover": hourly from 31 December to 2 January (UTC), it rolls the offices
    of every zone where 1 January has begun (00:00 office time) into the new year. Idempotent."""
    from leave.rollover import rollover, zones_in_new_year

    if zone and year:
        return rollover(year=year, zone=zone)
    return sum(rollover(year=found_year, zone=found_zone) for found_zone, found_year in zones_in_new_year())


@shared_task(ignore_result=True)
def cuti_bersama_worked_task(days_back: int = 40) -> int:
    """Nightly: a cuti bersama worked on a roster duty adds a day to N (docs/rules.md §9 "Cuti bersama
    worked"), over the last `days_back` days, so a day status decided late is still credited. Once per duty."""
    import datetime

    from django.utils import timezone

    from flexwork.org.models import Agency
    from leave.services import cuti_bersama_worked_credit

    today = timezone.now().date()
    first = today - datetime.timedelta(days=days_back)
    return sum(
        cuti_bersama_worked_credit(agency_id=agency_id, date_from=first, date_to=today)
        for agency_id in Agency.objects.values_list("id", flat=True)
    )


@shared_task(ignore_result=True)
def sick_leave_twelve_months_task() -> int:
    """Daily: HR is told of each employee reaching 12 consecutive months of sick leave (docs/rules.md §9
    "Kinds and their reasons"), once per employee and run (leave.sick). Idempotent."""
    from flexwork.common.calendar import today_in
    from flexwork.org.models import Agency
    from leave.sick import sick_leave_warn_hr

    total = 0
    for agency_id, zone in Agency.objects.values_list("id", "time_zone"):
        total += sick_leave_warn_hr(agency_id=agency_id, today=today_in(zone))
    return total
