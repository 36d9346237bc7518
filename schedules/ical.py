"""iCalendar (RFC 5545) feeds of schedule days at secret-token URLs, written by hand: one VEVENT
per active schedule day, all-day (VALUE=DATE) or timed in the office zone for dynamic hours, and one
timed VEVENT per published shift duty (docs/rules.md §8: UID = the duty, SEQUENCE raised on every
change; a duty replaced by a change or a swap stays in the feed as STATUS:CANCELLED).
Text is escaped (backslash, semicolon, comma, newline) and lines are folded at 75 octets."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwork.common.calendar import today_in
from flexwork.org import scope as org_scope
from flexwork.org.models import Employee, Unit
from schedules.models import CalendarFeed, Location, ScheduleDay

PRODID = "-//FlexWork//Schedule feed//ID"
FEED_PAST_DAYS = 60
FEED_FUTURE_DAYS = 366


def escape_text(value: str) -> str:
    """TEXT escaping of RFC 5545 §3.3.11."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (RFC 5545 §3.1), never inside a
    UTF-8 sequence; continuation lines start with one space."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _summary(day: ScheduleDay, *, with_name: bool) -> str:
    label = str(Location(day.location).label)
    if day.location == Location.OTHER_OFFICE and day.other_office_unit_id:
        label = f"{label}: {day.other_office_unit.name}"
    elif day.location == Location.DESIGNATED and day.designated_location_id:
        label = f"{label}: {day.designated_location.name}"
    if day.planned_start:
        label = f"{label} ({day.planned_start:%H:%M}–{day.planned_end:%H:%M})"
    return f"{day.employee.name} · {label}" if with_name else label


class FeedContent:
    """What a feed shows: its schedule days (iterating gives them) and its duties."""

    def __init__(self, days: QuerySet[ScheduleDay], duties=None) -> None:
        self.days = days
        self.duties = duties if duties is not None else []

    def __iter__(self):
        return iter(self.days)


def _duty_summary(duty, *, with_name: bool) -> str:
    shift = duty.shift_type
    label = f"{shift.name} ({shift.code})" if shift else _("Duty")
    if duty.location == "HOME":
        label = f"{label} · {_('Home')}"
    return f"{duty.employee.name} · {label}" if with_name else label


def duty_event_lines(duty, *, now: str, host: str, with_name: bool) -> list[str]:
    """One timed VEVENT of a shift duty, in UTC; STATUS:CANCELLED once it was replaced or cancelled."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:duty-{duty.id}@{host}",
        f"DTSTAMP:{now}",
        f"SEQUENCE:{duty.sequence}",
        f"DTSTART:{_stamp(duty.start_at)}",
        f"DTEND:{_stamp(duty.end_at)}",
        f"SUMMARY:{escape_text(_duty_summary(duty, with_name=with_name))}",
        "CATEGORIES:DUTY",
    ]
    lines.append("STATUS:CANCELLED" if not duty.is_active else "STATUS:CONFIRMED")
    lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    return lines


def render_calendar(
    days: Iterable[ScheduleDay], *, name: str, zone: str, host: str, with_name: bool = False, duties=None
) -> str:
    now = _stamp(timezone.now())
    if duties is None:
        duties = getattr(days, "duties", ())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{zone}",
    ]
    for day in days:
        lines += ["BEGIN:VEVENT", f"UID:schedule-day-{day.id}@{host}", f"DTSTAMP:{now}"]
        if day.planned_start and day.planned_end:
            lines.append(f"DTSTART;TZID={zone}:{day.local_date:%Y%m%d}T{day.planned_start:%H%M%S}")
            lines.append(f"DTEND;TZID={zone}:{day.local_date:%Y%m%d}T{day.planned_end:%H%M%S}")
        else:
            lines.append(f"DTSTART;VALUE=DATE:{day.local_date:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{day.local_date + datetime.timedelta(days=1):%Y%m%d}")
        lines.append(f"SUMMARY:{escape_text(_summary(day, with_name=with_name))}")
        lines.append(f"CATEGORIES:{day.location}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    for duty in duties:
        lines += duty_event_lines(duty, now=now, host=host, with_name=with_name)
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold_line(line) for line in lines) + "\r\n"


# ---------------------------------------------------------------------------- tokens


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, owner, unit: Unit | None = None) -> tuple[CalendarFeed, str]:
    """A new feed of the owner's own schedule, or of `unit` (its head, or HR: 403 otherwise; a unit
    outside the scope is 404). Returns the feed and the token, which is never stored in clear."""
    scope = org_scope.require_agency(owner)
    if unit is not None:
        if not org_scope.visible_units(scope).filter(id=unit.id).exists():
            raise Http404
        if not (scope.agency_wide or unit.id in _headed_subtree_ids(scope)):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Only the unit head or HR can publish a unit's calendar."))
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        agency_id=scope.agency_id,
        owner=owner,
        employee_id=None if unit else scope.employee_id,
        unit=unit,
        token_hash=_hash(token),
    )
    return feed, token


def _headed_subtree_ids(scope) -> set[int]:
    if not scope.headed_unit_ids:
        return set()
    return set(
        Unit.objects.filter(agency_id=scope.agency_id, path__overlap=list(scope.headed_unit_ids)).values_list(
            "id", flat=True
        )
    )


def calendar_feed_revoke(*, owner, feed_id: int) -> None:
    """Revoke one of the owner's feeds; someone else's feed is a 404."""
    won = CalendarFeed.objects.filter(id=feed_id, owner=owner, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )
    if won != 1:
        raise Http404


def calendar_feed_list_for(*, user) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(owner_id=user.pk, revoked_at__isnull=True).select_related("unit")


def calendar_feed_days(*, token: str) -> tuple[CalendarFeed, str, str, FeedContent]:
    """The feed behind a token with its name, zone and days (and the published shift duties of the
    same people, `.duties`). Unknown, revoked, or an owner who no longer has the scope: 404."""
    from shifts.models import Duty, DutyKind

    feed = (
        CalendarFeed.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("owner", "unit", "employee", "agency")
        .first()
    )
    if feed is None:
        raise Http404
    scope = org_scope.scope_for(feed.owner)
    if scope.agency_id != feed.agency_id:
        raise Http404
    days = ScheduleDay.objects.filter(agency_id=feed.agency_id, cancelled_at__isnull=True)
    # Active published shifts, and those a change or a swap replaced (shown as cancelled).
    duties = Duty.objects.filter(agency_id=feed.agency_id, kind=DutyKind.SHIFT, is_published=True).filter(
        Q(is_active=True) | Q(cancelled_at__isnull=False)
    )
    if feed.unit_id:
        if not (scope.agency_wide or feed.unit_id in _headed_subtree_ids(scope)):
            raise Http404
        days = days.filter(employee__unit_id=feed.unit_id, employee__is_active=True)
        duties = duties.filter(employee__unit_id=feed.unit_id, employee__is_active=True)
        name, zone = feed.unit.name, feed.unit.time_zone or feed.agency.time_zone
    else:
        if scope.employee_id != feed.employee_id:
            raise Http404
        employee = Employee.objects.select_related("unit").get(id=feed.employee_id)
        days = days.filter(employee_id=feed.employee_id)
        duties = duties.filter(employee_id=feed.employee_id)
        name, zone = employee.name, employee.unit.time_zone or feed.agency.time_zone
    today = today_in(zone)
    window = (today - datetime.timedelta(days=FEED_PAST_DAYS), today + datetime.timedelta(days=FEED_FUTURE_DAYS))
    days = (
        days.filter(local_date__range=window)
        .select_related("employee", "other_office_unit", "designated_location")
        .order_by("local_date", "employee__name", "id")
    )
    duties = (
        duties.filter(duty_date__range=window)
        .select_related("employee", "shift_type")
        .order_by("duty_date", "employee__name", "id")
    )
    return feed, name, zone, FeedContent(days, duties)
