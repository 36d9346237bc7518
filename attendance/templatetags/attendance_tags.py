"""Filters of the attendance pages."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def distance(metres):
    """A distance as people read it: metres below 1,000 m ("850 m"), kilometres with one decimal
    above, in the active language's number format ("1,2 km" in Indonesian, "1.2 km" in English)."""
    if metres is None or metres == "":
        return ""
    metres = round(float(metres))
    if metres < 1000:
        return f"{metres} m"
    return f"{formats.number_format(round(metres / 1000, 1), 1, force_grouping=True)} km"
