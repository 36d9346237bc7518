"""Office time zones. Instants are stored in UTC and shown in the viewer's office zone."""

from __future__ import annotations

import zoneinfo

from django.conf import settings

from flexwork.common.calendar import office_zone_name

ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone_name: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone_name, zone_name)


def zone_name_for_user(user) -> str:
    """The viewer's office zone: their unit's override, else their agency's (docs/rules.md §1); the
    installation default for users without an employee record. One small query per user object,
    remembered on it (a request's user, a notification's recipient)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return settings.FLEXWORK_DEFAULT_TIME_ZONE
    zone = getattr(user, "_office_time_zone", None) or _zone_of_loaded_employee(user)
    if zone is None:
        from django.db.models.functions import Coalesce

        from flexwork.org.models import Employee

        zone = (
            Employee.objects.filter(user_id=user.pk)
            .values_list(Coalesce("unit__time_zone", "agency__time_zone"), flat=True)
            .first()
        ) or settings.FLEXWORK_DEFAULT_TIME_ZONE
        user._office_time_zone = zone
    return zone


def _zone_of_loaded_employee(user) -> str | None:
    """The zone from the user's employee row when it is already loaded with its unit and agency
    (no query); None otherwise."""
    from flexwork.org.models import Employee

    if not Employee._meta.get_field("user").remote_field.is_cached(user):
        return None
    employee = Employee._meta.get_field("user").remote_field.get_cached_value(user)
    if employee is None or not all(Employee._meta.get_field(name).is_cached(employee) for name in ("unit", "agency")):
        return None
    return office_zone_name(employee)


def zone_for_user(user) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name_for_user(user))
