from django import forms
from django.utils.translation import gettext_lazy as _

from flexwork.common.dates import FormDateField
from flexwork.reports.models import ReportKind


def unit_choices(units) -> list[tuple[int, str]]:
    """Units by name in tree order (`units` come ordered by path), each indented by its depth below
    the shallowest one, so a long list reads like the unit tree."""
    units = list(units)
    top = min((len(u.path) for u in units), default=1)
    return [(u.id, "\u2003" * (len(u.path) - top) + u.name) for u in units]


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    unit = forms.TypedChoiceField(label=_("Unit (with its subtree)"), coerce=int)
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("A month as 2026-03; performance also 2026-Q1, 2026-S1 or 2026; discipline 2026."),
    )
    months = forms.IntegerField(
        label=_("Months before and after (FWA monitoring)"), min_value=1, max_value=12, required=False
    )
    refresh = forms.BooleanField(label=_("Compute again even if a run exists"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class DashboardFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit (with its subtree)"), coerce=int, required=False)
    date_from = FormDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = FormDateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(units)


class BaselineUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("UTF-8, separated by commas or semicolons, with the template's columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
