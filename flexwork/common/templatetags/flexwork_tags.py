from decimal import Decimal

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import ngettext

from flexwork.common import labels
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
def office_time(value):
    """The time of day of an instant in the viewer's office zone ("08.00"); takes an aware datetime or the ISO
    string a check attempt stores (UTC)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = parse_datetime(value)
        if value is None:
            return ""
    return formats.time_format(timezone.localtime(value), "TIME_FORMAT")


@register.filter
def office_date(value):
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def _named_format(name: str) -> str:
    """A format of flexwork/formats/<language>/formats.py that Django's `get_format` does not know
    by name (it only looks up its own settings)."""
    for module in formats.get_format_modules():
        if hasattr(module, name):
            return getattr(module, name)
    return formats.get_format("DATE_FORMAT")


def _local_date(value):
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def heading_date(value):
    """A day in a heading: "Rabu, 2 Desember 2026" / "Wednesday, 2 December 2026"."""
    if not value:
        return ""
    return formats.date_format(_local_date(value), _named_format("HEADING_DATE_FORMAT"))


@register.filter
def day_month(value):
    """A day in a list without its year: "Rab, 2 Des" / "Wed, 2 Dec"."""
    if not value:
        return ""
    return formats.date_format(_local_date(value), _named_format("DAY_MONTH_FORMAT"))


@register.filter
def hours(value):
    """A number of hours with the language's decimal mark: "37,5 jam" / "37.5 hours"."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    places = next(p for p in (0, 1, 2) if number == round(number, p))
    text = formats.number_format(number, decimal_pos=places)
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if number == 1 else 2) % {"hours": text}


@register.filter
def label(value, family):
    """A stored code as words: `{{ ar.status|label:"status" }}` → "Diajukan" (flexwork/common/labels.py)."""
    return labels.label(value, family)


@register.simple_tag
def transition(from_status, to_status, family="status"):
    """ "Draf → Diajukan"."""
    return labels.transition_label(from_status, to_status, family)


@register.filter
def rule_label(code):
    """What a rule of the rule check is about, without its code (docs/rules.md §3)."""
    return labels.label(code, "rule")


@register.simple_tag
def rule(code, show_code=False):
    """A rule's meaning, with its code as small print for HR: `{% rule v.code show_code=True %}`."""
    meaning = labels.label(code, "rule")
    if show_code and meaning != code:
        return format_html('{} <small class="code">{}</small>', meaning, code)
    return meaning


@register.filter
def person(who):
    """A person by name, never by NIP: an employee's recorded name; for a user account, the name of
    its employee, else its full name (flexwork.accounts.adapters.user_display)."""
    if who is None:
        return "—"
    if hasattr(who, "nip") and not hasattr(who, "get_username"):
        return who.name
    from flexwork.accounts.adapters import user_display

    return user_display(who)
