"""Small display helpers of the arrangement pages."""

from __future__ import annotations

from django import template

from schedules.models import Location

register = template.Library()

SHORT_LABELS = {
    Location.OFFICE: "WFO",
    Location.OTHER_OFFICE: "WFO-L",
    Location.HOME: "WFH",
    Location.DESIGNATED: "WFA",
}


@register.filter
def short_location(value: str) -> str:
    return SHORT_LABELS.get(value, value)


@register.filter
def location_label(value: str) -> str:
    try:
        return str(Location(value).label)
    except ValueError:
        return value


@register.filter
def blocking(violations) -> list:
    return [v for v in violations or [] if v.get("severity") in ("hard", "soft")]


@register.filter
def get_count(counts: dict, key: str) -> int:
    return (counts or {}).get(key, 0)


@register.filter
def date_or_text(value) -> str:
    """An ISO date (as the stored violations keep them) as a short date in the active language."""
    import datetime

    from django.utils.formats import date_format

    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return date_format(value, "D j M Y")
    return str(value)
