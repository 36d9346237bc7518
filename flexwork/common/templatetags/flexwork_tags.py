from django import template
from django.utils import formats, timezone

from flexwork.common.timezones import zone_abbreviation

register = template.Library()


@register.filter
def office_datetime(value):
    """An instant in the viewer's office zone with its abbreviation: "27 Nov 2026 08.00 WITA"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    zone = zone_abbreviation(timezone.get_current_timezone_name())
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone}"


@register.filter
def office_date(value):
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")
