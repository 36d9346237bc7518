"""Forms of the roster pages (docs/rules.md §8). The services check everything again; the forms only
parse what was typed and carry the roster's `version` (a double tap or a stale page is a 409)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shifts.models import CELL_OFF, CELL_POST_NIGHT, DutyLocation


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GenerateForm(VersionForm):
    pass


class PublishForm(VersionForm):
    override_reason = forms.CharField(
        label=_("Reason for publishing over the warnings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the roster has warnings; it is kept with the roster."),
    )


class CreateForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    period_start = forms.DateField(widget=forms.HiddenInput)


def cell_choices(shift_types) -> list[tuple[str, str]]:
    choices = [(t.code, f"{t.code} · {t.name} {t.start_time:%H:%M}–{t.end_time:%H:%M}") for t in shift_types]
    choices.append((CELL_OFF, str(pgettext_lazy("roster cell", "Day off"))))
    choices.append((CELL_POST_NIGHT, str(pgettext_lazy("roster cell", "Rest after nights (lepas malam)"))))
    return choices


class CellForm(VersionForm):
    employee = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    duty_date = forms.DateField(widget=forms.HiddenInput)
    cell = forms.ChoiceField(label=_("Duty"), choices=())
    location = forms.ChoiceField(
        label=_("Where"),
        choices=[(DutyLocation.OFFICE, DutyLocation.OFFICE.label), (DutyLocation.HOME, DutyLocation.HOME.label)],
        initial=DutyLocation.OFFICE,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, shift_types=(), published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].choices = cell_choices(shift_types)
        if published:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Required: the person is told of the change and its reason.")
