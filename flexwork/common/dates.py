"""The one check of a date that comes from outside (docs/rules.md §1, "Accepted dates").

Every date the API reads (body fields, lists of dates, query parameters) and every date a page reads
(form fields, `?month=`, `?date=`) goes through here, so that a year like 0001 or 9999 is refused as
bad input instead of overflowing a calendar computation further on (a week's Monday before year 1, a
day after 9999-12-31)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# docs/rules.md §1 "Accepted dates": a constant in code, wide enough for birth dates, service records and
# any planning horizon; policy bounds (a request's span, the lead time) are checked by the rules on top.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
# The longest list of dates any endpoint accepts (a request covers at most 92 days; a year is 366).
DATE_LIST_MAX = 400

DATE_OUT_OF_RANGE = _("Enter a date between the years %(first)d and %(last)d.")
DATE_LIST_TOO_LONG = _("Send at most {max_length} dates.")


def date_in_range(day: datetime.date) -> bool:
    return DATE_MIN <= day <= DATE_MAX


def _out_of_range_message() -> str:
    return DATE_OUT_OF_RANGE % {"first": DATE_MIN.year, "last": DATE_MAX.year}


def date_range_validate(day: datetime.date | None) -> None:
    """A Django validator (forms and models): a date outside DATE_MIN..DATE_MAX is a ValidationError."""
    if day is not None and not date_in_range(day if isinstance(day, datetime.date) else day.date()):
        raise ValidationError(_out_of_range_message(), code="date_out_of_range")


def date_parse(value: str | None) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) from a query parameter, or None when it is missing, malformed or outside
    the accepted range: the page then shows its default day and says so (`date_param_message`)."""
    if not value or len(value) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if date_in_range(day) else None


def month_parse(value: str | None) -> datetime.date | None:
    """The first day of an ISO month (YYYY-MM) from a query parameter, or None (as `date_parse`)."""
    if not value or len(value) != 7:
        return None
    return date_parse(f"{value}-01")


def date_param_message() -> str:
    """What a page says when the date or month in its address is unusable and it shows today instead."""
    return str(_("That date could not be shown, so the page shows today. %(range)s")) % {
        "range": _out_of_range_message()
    }


class ApiDateField(serializers.DateField):
    """DRF's DateField, refusing years outside DATE_MIN..DATE_MAX with a field error (400)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not date_in_range(day):
            raise serializers.ValidationError(_out_of_range_message(), code="date_out_of_range")
        return day


class ApiDateListField(serializers.ListField):
    """A list of ApiDateField, at most DATE_LIST_MAX long unless the caller sets a smaller max_length."""

    default_error_messages = {"max_length": DATE_LIST_TOO_LONG}

    def __init__(self, **kwargs):
        kwargs.setdefault("child", ApiDateField())
        kwargs.setdefault("max_length", DATE_LIST_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # The cap before parsing: 10,000 dates are refused without reading each one.
        if isinstance(data, list) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class FormDateField(forms.DateField):
    """Django's forms.DateField, refusing years outside DATE_MIN..DATE_MAX with a field error."""

    default_validators = [date_range_validate]
