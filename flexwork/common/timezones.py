"""Office time zones. Instants are stored in UTC and shown in the viewer's office zone."""

from __future__ import annotations

import zoneinfo

from django.conf import settings

ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone_name: str) -> str:
    return ZONE_ABBREVIATIONS.get(zone_name, zone_name)


def zone_name_for_user(user) -> str:
    """The viewer's office zone. The organisation app gives users an office zone (their unit's,
    else their agency's); until a user has one, the installation default applies."""
    zone = getattr(user, "office_time_zone", None) if user is not None else None
    if callable(zone):
        zone = zone()
    return zone or settings.FLEXWORK_DEFAULT_TIME_ZONE


def zone_for_user(user) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name_for_user(user))
