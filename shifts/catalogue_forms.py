"""Forms of HR's shift setup pages (docs/rules.md §8). The rules themselves live in shifts/catalogue.py;
these forms only read the fields and carry the hidden version a stale edit is refused by."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwork.common.dates import FormDateField
from shifts import catalogue
from shifts.models import MAX_PATTERN_CELLS, DayKind

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MINUTES = {"inputmode": "numeric", "min": 0}


class VersionMixin(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ShiftTypeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("Short, as it appears in the roster: P, S, M."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    colour = forms.CharField(
        label=_("Colour"), max_length=7, initial="#1f6feb", widget=forms.TextInput(attrs={"type": "color"})
    )
    start_time = forms.TimeField(label=_("Start"), widget=TIME)
    end_time = forms.TimeField(
        label=_("End"),
        widget=TIME,
        help_text=_("An end at or before the start means the shift ends the next day (21:00–07:00)."),
    )
    break_minutes = forms.IntegerField(
        label=_("Breaks (minutes)"), min_value=0, initial=0, widget=forms.NumberInput(MINUTES)
    )
    checkin_open_before = forms.IntegerField(
        label=_("Check-in opens before the start (minutes)"),
        min_value=0,
        max_value=catalogue.WINDOW_MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(MINUTES),
    )
    checkout_close_after = forms.IntegerField(
        label=_("Check-out closes after the end (minutes)"),
        min_value=0,
        max_value=catalogue.WINDOW_MAX_MINUTES,
        initial=240,
        widget=forms.NumberInput(MINUTES),
    )
    is_night = forms.BooleanField(
        label=_("Night duty"), required=False, help_text=_("Counted for the most night duties in a row.")
    )
    ramadan_start_time = forms.TimeField(label=_("Start in Ramadan"), required=False, widget=TIME)
    ramadan_end_time = forms.TimeField(label=_("End in Ramadan"), required=False, widget=TIME)
    ramadan_break_minutes = forms.IntegerField(
        label=_("Breaks in Ramadan (minutes)"), min_value=0, required=False, widget=forms.NumberInput(MINUTES)
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ShiftTypeEditForm(VersionMixin, ShiftTypeForm):
    pass


class PatternForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    anchor_date = FormDateField(
        label=_("First day of the cycle"),
        widget=DATE,
        help_text=_("The cycle runs on from this day across months. A fixed working week starts on a Monday."),
    )
    cells = forms.CharField(
        label=_("Days of the cycle"),
        max_length=MAX_PATTERN_CELLS * 13,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_(
            "Shift codes in order, separated by spaces or commas; LIBUR (or -) for a day off and LM for the rest "
            "day after nights. 1 to 56 days; a fixed working week has 7, e.g. P P P P P LIBUR LIBUR."
        ),
    )

    def clean_cells(self):
        return catalogue.parse_cells(self.cleaned_data["cells"])

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in catalogue.PATTERN_FIELDS}


class PatternEditForm(VersionMixin, PatternForm):
    pass


class PreviewForm(forms.Form):
    start = FormDateField(label=_("From"), widget=DATE, required=False)
    offset = forms.IntegerField(label=_("Offset (days)"), min_value=0, max_value=MAX_PATTERN_CELLS - 1, required=False)


class AssignmentForm(forms.Form):
    employee = forms.TypedChoiceField(label=_("Employee"), coerce=int)
    pattern = forms.TypedChoiceField(label=_("Pattern"), coerce=int)
    offset = forms.IntegerField(
        label=_("Offset (days)"),
        min_value=0,
        max_value=MAX_PATTERN_CELLS - 1,
        initial=0,
        widget=forms.NumberInput(MINUTES),
        help_text=_("0 follows the pattern from its first day; 2 puts this person two days further into the cycle."),
    )
    date_from = FormDateField(label=_("From"), widget=DATE)
    date_to = FormDateField(label=_("Until"), widget=DATE, required=False, help_text=_("Empty: until further notice."))

    def __init__(self, *args, employees=(), patterns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].choices = [("", "—"), *((e.id, e.name) for e in employees)]
        self.fields["pattern"].choices = [("", "—"), *((p.id, p.name) for p in patterns)]


class AssignmentEndForm(VersionMixin):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    date_to = FormDateField(label=_("Last day"), widget=DATE)


class CoverageForm(forms.Form):
    """One number per shift type and kind of day, and the shift leads among them."""

    lead_position = forms.TypedChoiceField(
        label=_("Position of the shift lead"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, shift_types=(), positions=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift_types = list(shift_types)
        current = current or {}
        self.fields["lead_position"].choices = [("", "—"), *((p.id, p.name) for p in positions)]
        lead = next((row.lead_position_id for row in current.values() if row.lead_position_id), None)
        self.fields["lead_position"].initial = lead
        for shift_type in self.shift_types:
            for kind, label in DayKind.choices:
                row = current.get((shift_type.id, kind))
                self.fields[self.staff_name(shift_type, kind)] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=catalogue.MAX_MIN_STAFF,
                    required=False,
                    initial=row.min_staff if row else 0,
                    widget=forms.NumberInput(MINUTES),
                )
                self.fields[self.lead_name(shift_type, kind)] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=catalogue.MAX_MIN_STAFF,
                    required=False,
                    initial=row.min_lead if row else 0,
                    widget=forms.NumberInput(MINUTES),
                )

    @staticmethod
    def staff_name(shift_type, kind: str) -> str:
        return f"staff_{shift_type.id}_{kind.lower()}"

    @staticmethod
    def lead_name(shift_type, kind: str) -> str:
        return f"lead_{shift_type.id}_{kind.lower()}"

    def rows(self) -> list[dict]:
        """For the template: each shift type with its cells (staff and lead fields per kind of day)."""
        return [
            {
                "shift_type": shift_type,
                "cells": [
                    {
                        "label": label,
                        "staff": self[self.staff_name(shift_type, kind)],
                        "lead": self[self.lead_name(shift_type, kind)],
                    }
                    for kind, label in DayKind.choices
                ],
            }
            for shift_type in self.shift_types
        ]

    def values(self) -> list[tuple]:
        """(shift type, day kind, min_staff, min_lead) for every cell of the form."""
        data = self.cleaned_data
        return [
            (
                shift_type,
                kind,
                data.get(self.staff_name(shift_type, kind)) or 0,
                data.get(self.lead_name(shift_type, kind)) or 0,
            )
            for shift_type in self.shift_types
            for kind in DayKind.values
        ]
