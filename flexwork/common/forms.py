"""Form fields shared by every app."""

from decimal import Decimal

from django import forms


class DecimalCommaField(forms.DecimalField):
    """A decimal input that accepts the Indonesian decimal comma ("12,5") as well as a point.

    Thousands separators are not accepted: "1.234,5" would be ambiguous, so it is refused with
    the field's normal message rather than guessed."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input with a decimal keypad: type=number would reject a comma in some browsers.
        attrs.pop("step", None)
        attrs.update({"inputmode": "decimal"})
        return attrs

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


__all__ = ["DecimalCommaField", "Decimal"]
