"""Organisation events that change duties (docs/rules.md §8), and the duty notices.

- A move to a unit in another zone recomputes the instants of the person's future duties (their wall
  clock stays; past and running duties are untouched).
- A newly declared holiday keeps the duties on it and marks them `holiday_worked`."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from flexwork.common.calendar import unit_zone_name
from flexwork.common.i18n import user_language
from flexwork.notifications.kinds import kind_register
from flexwork.org.models import Employee, Unit
from shifts.models import Duty, DutyKind

KINDS = {
    "roster_published": (
        _("Your roster for %(month)s is published"),
        _(
            "%(actor_name)s published the roster of %(unit_name)s for %(month)s. Open “My duties” to see your "
            "shifts, days off and rest days."
        ),
    ),
    "duty_changed": (
        _("Your duty on %(date)s was changed"),
        _("%(actor_name)s changed your duty on %(date)s from %(old)s to %(new)s. Reason: %(reason)s"),
    ),
    "duties_moved_zone": (
        _("Your duty times follow your new unit's time zone"),
        _(
            "After your move to %(unit_name)s, the times of %(count)s upcoming duties are now in its time zone "
            "(%(zone)s)."
        ),
    ),
}

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def connect() -> None:
    """Subscribe to organisation events and register the notice kinds (from ShiftsConfig.ready)."""
    from flexwork.org import events

    for name, (title, body) in KINDS.items():
        kind_register(name, title=title, body=body)
    events.employee_unit_changed.connect(on_employee_unit_changed)
    events.holiday_declared.connect(on_holiday_declared)


# ---------------------------------------------------------------------------- events


def on_employee_unit_changed(*, employee, old_id, new_id, **kwargs) -> None:
    """Recompute `start_at`/`end_at` of the employee's future duties when the new unit keeps another zone:
    the same wall clock in the new zone. Duties already started keep their instants."""
    if old_id is None or new_id is None:
        return
    units = Unit.objects.select_related("agency").in_bulk([old_id, new_id])
    if old_id not in units or new_id not in units:
        return
    old_zone, new_zone = unit_zone_name(units[old_id]), unit_zone_name(units[new_id])
    if old_zone == new_zone:
        return
    moved = duties_recompute_zone(employee_id=employee.id, old_zone=old_zone, new_zone=new_zone)
    if moved and employee.user_id:
        _tell(
            employee.user,
            "duties_moved_zone",
            url="/shifts/my/",
            unit_name=units[new_id].name,
            count=moved,
            zone=ZONE_LABELS.get(new_zone, new_zone),
        )


def duties_recompute_zone(*, employee_id: int, old_zone: str, new_zone: str, now=None) -> int:
    """Lay the future SHIFT duties of the employee on the new zone's clock; returns how many moved."""
    now = now or timezone.now()
    old_tz, new_tz = zoneinfo.ZoneInfo(old_zone), zoneinfo.ZoneInfo(new_zone)
    duties = list(
        Duty.objects.select_for_update()
        .filter(employee_id=employee_id, is_active=True, kind=DutyKind.SHIFT, start_at__gt=now)
        .order_by("start_at")
    )
    if not duties:
        return 0
    sample = duties[0].start_at
    delta = _relaid(sample, old_tz, new_tz) - sample
    if not delta:
        return 0
    # Earlier instants: move the earliest first, so no row ever overlaps one not yet moved.
    ordered = duties if delta < datetime.timedelta(0) else list(reversed(duties))
    moved = 0
    for duty in ordered:
        start = _relaid(duty.start_at, old_tz, new_tz)
        try:
            with transaction.atomic():
                Duty.objects.filter(id=duty.id).update(
                    start_at=start,
                    end_at=start + (duty.end_at - duty.start_at),
                    sequence=F("sequence") + 1,
                    updated_at=now,
                )
        except IntegrityError:
            continue  # it would overlap a duty already started: the unit head changes it by hand
        moved += 1
    return moved


def _relaid(moment: datetime.datetime, old_tz, new_tz) -> datetime.datetime:
    local = moment.astimezone(old_tz).replace(tzinfo=None)
    return local.replace(tzinfo=new_tz).astimezone(datetime.UTC)


def on_holiday_declared(*, holiday, **kwargs) -> None:
    """Duties on a newly declared holiday stand and count as worked on a holiday."""
    Duty.objects.filter(
        agency_id=holiday.agency_id, duty_date=holiday.date, kind=DutyKind.SHIFT, is_active=True, holiday_worked=False
    ).update(holiday_worked=True, updated_at=timezone.now())


# ---------------------------------------------------------------------------- notices


def _tell(user, kind: str, *, url: str = "", **context) -> None:
    from flexwork.notifications.services import notification_send

    if user is None or not user.is_active:
        return
    context = {k: (v if isinstance(v, int | float | bool) else str(v)) for k, v in context.items()}
    notification_send(recipient=user, kind=kind, context=context, url=url)


def _month_label(day: datetime.date):
    def label(language: str) -> str:
        with translation.override(language):
            return formats.date_format(day, "F Y")

    return label


def tell_roster_published(*, roster, actor) -> int:
    """Tell every person with a duty in the roster, in one batch."""
    from schedules.notify import notify_many

    people = Employee.objects.filter(
        id__in=Duty.objects.filter(roster=roster, is_active=True).values("employee_id"), user__isnull=False
    )
    actor_name = getattr(getattr(actor, "employee", None), "name", "") or str(actor)
    return notify_many(
        employees_qs=people,
        kind="roster_published",
        context={"month": _month_label(roster.period_start), "unit_name": roster.unit.name, "actor_name": actor_name},
        url="/shifts/my/",
    )


def duty_label(duty: Duty | None, zone: str) -> str:
    """ "Malam 21:00–07:00 (+1)", "Day off", or "no duty" in the active language."""
    from shifts.templatetags.shifts_tags import duty_hours, duty_name

    if duty is None:
        return str(_("no duty"))
    hours = duty_hours(duty, zone)
    return f"{duty_name(duty)} {hours}".strip()


def tell_duty_changed(*, old: Duty | None, new: Duty, actor) -> None:
    person = Employee.objects.select_related("user", "unit__agency").filter(id=new.employee_id).first()
    if person is None or person.user is None:
        return
    zone = unit_zone_name(new.unit) if new.unit_id else settings.FLEXWORK_DEFAULT_TIME_ZONE
    actor_name = getattr(getattr(actor, "employee", None), "name", "") or str(actor)
    with translation.override(user_language(person.user) or settings.LANGUAGE_CODE):
        from shifts.rosters import format_day

        context = {
            "date": format_day(new.duty_date),
            "old": duty_label(old, zone),
            "new": duty_label(new, zone),
            "reason": new.reason,
            "actor_name": actor_name,
            "duty_id": new.id,
        }
    _tell(person.user, "duty_changed", url="/shifts/my/", **context)
