"""Form fields and form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django import forms

from flexwork.common.exceptions import ApplicationError


def form_error_show(form: forms.Form, error: ApplicationError, *, field_names: Mapping[str, str] | None = None) -> None:
    """Render a service's ApplicationError into a form, the one way every page does it.

    Each message of `error.fields` goes onto the form field of that name when the form has one
    (`field_names` maps a service's name to the form's, e.g. {"password": "password1"}; a dotted
    name such as "periods.0.target" also tries its last part); the others become non-field errors.
    The error's own message goes on top when no message reached a field, and whenever the error
    carries rule violations (the message then says what the list below means). No message is
    shown twice."""
    field_names = field_names or {}
    on_top: list[str] = []
    placed = False
    for key, messages in (error.fields or {}).items():
        name = field_names.get(key, key)
        if name not in form.fields and "." in name:
            name = field_names.get(name.rsplit(".", 1)[-1], name.rsplit(".", 1)[-1])
        for message in messages:
            if name in form.fields:
                form.add_error(name, message)
                placed = True
            elif str(message) not in on_top:
                on_top.append(str(message))
    if (not placed or error.violations) and str(error.message) not in on_top:
        on_top.insert(0, str(error.message))
    for message in on_top:
        form.add_error(None, message)


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


__all__ = ["Decimal", "DecimalCommaField", "form_error_show"]


def evidence_limit_mark(field: forms.FileField) -> None:
    """Tell the page the evidence size limit (static/js/app.js refuses a bigger file at once, in the page,
    instead of after minutes of sending it; the server still answers 413) and say it under the field."""
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    limit = filesizeformat(settings.EVIDENCE_MAX_BYTES)
    field.widget.attrs["data-max-bytes"] = str(settings.EVIDENCE_MAX_BYTES)
    field.widget.attrs["data-too-large"] = _("This file is larger than %(limit)s. Choose a smaller one.") % {
        "limit": limit
    }
    field.help_text = _("PDF, JPEG, PNG, DOCX or XLSX, up to %(limit)s.") % {"limit": limit}
