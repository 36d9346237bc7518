"""How a duty reads on a page: "Malam 21:00–07:00 (+1)" in the viewer's office zone, "Libur", "Lepas malam"."""

from __future__ import annotations

import zoneinfo

from django import template
from django.utils.translation import gettext as _

from shifts.models import DutyKind

register = template.Library()


@register.filter
def duty_hours(duty, zone_name: str) -> str:
    """`HH:MM–HH:MM`, with "(+1)" when the duty ends on the next office date; empty for OFF/POST_NIGHT."""
    if duty is None or duty.kind != DutyKind.SHIFT or duty.start_at is None:
        return ""
    tz = zoneinfo.ZoneInfo(zone_name)
    start, end = duty.start_at.astimezone(tz), duty.end_at.astimezone(tz)
    text = f"{start:%H:%M}–{end:%H:%M}"
    if end.date() > start.date():
        text += " (+1)"
    return text


@register.filter
def duty_name(duty) -> str:
    """The shift's name, or "Day off" / "Rest after nights"."""
    if duty is None:
        return ""
    if duty.kind == DutyKind.SHIFT:
        return duty.shift_type.name if duty.shift_type_id else _("Duty")
    return str(DutyKind(duty.kind).label)


@register.filter
def text_on(colour: str) -> str:
    """White or black: the text colour with the most contrast on a cell filled with `colour` (at least 4.5:1)."""
    from shifts.models import text_colour_on

    return text_colour_on(str(colour or ""))
