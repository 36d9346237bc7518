"""Duty instants (docs/rules.md §8): shift times are wall clock in the unit's zone; a duty belongs to the
office date on which it starts; an end at or before the start ends the next day."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from flexwork.common.exceptions import ApplicationError

SPAN_MIN = datetime.timedelta(minutes=1)
SPAN_MAX = datetime.timedelta(hours=24)
ERR_SPAN = _("A shift lasts between 1 minute and 24 hours.")


@dataclass(frozen=True)
class DutyTimes:
    start_at: datetime.datetime  # UTC
    end_at: datetime.datetime  # UTC
    break_minutes: int
    net_minutes: int
    ends_next_day: bool


def shift_span(start: datetime.time, end: datetime.time, *, span_minutes: int | None = None) -> datetime.timedelta:
    """The wall-clock span of a shift: end ≤ start means the next day (so 07:00–07:00 is 24 h)."""
    if span_minutes is not None:
        return datetime.timedelta(minutes=span_minutes)
    day = datetime.date(2000, 1, 3)
    begin, finish = datetime.datetime.combine(day, start), datetime.datetime.combine(day, end)
    if finish <= begin:
        finish += datetime.timedelta(days=1)
    return finish - begin


def duty_times(
    *,
    duty_date: datetime.date,
    start: datetime.time,
    end: datetime.time,
    break_minutes: int,
    zone: str,
) -> DutyTimes:
    """The UTC instants of a shift on `duty_date` in `zone`. The span is the wall-clock span, laid on the
    zone's clock (Indonesian zones have no daylight saving, so wall clock and elapsed time agree)."""
    span = shift_span(start, end)
    if not (SPAN_MIN <= span <= SPAN_MAX):
        raise ApplicationError(str(ERR_SPAN), code="SHIFT_SPAN")
    tz = zoneinfo.ZoneInfo(zone)
    local_start = datetime.datetime.combine(duty_date, start, tzinfo=tz)
    start_at = local_start.astimezone(datetime.UTC)
    end_at = start_at + span
    net = max(0, int(span.total_seconds() // 60) - break_minutes)
    return DutyTimes(start_at, end_at, break_minutes, net, ends_next_day=end <= start)
