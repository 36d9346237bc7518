import decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def pct(value):
    """A percentage as people write it: no trailing zeros, the language's decimal mark (1,25 in Indonesian)."""
    if value is None or value == "":
        return ""
    number = decimal.Decimal(str(value))
    number = number.quantize(decimal.Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return formats.number_format(number, use_l10n=True)
