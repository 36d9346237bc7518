"""Forms of the performance pages. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.common.dates import FormDateField
from flexwork.common.forms import DecimalCommaField
from performance.models import (
    BEHAVIOUR_VALUES,
    EvaluationKind,
    IndicatorAspect,
    IndicatorDirection,
    OrganisationResult,
    Rating,
    RhkKind,
    SkpApproach,
    TargetSpread,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SkpForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    approach = forms.ChoiceField(label=_("Approach"), choices=SkpApproach.choices)
    period_start = FormDateField(
        label=_("Period start"), required=False, widget=DATE, help_text=_("Empty: 1 January or the start in post.")
    )
    period_end = FormDateField(label=_("Period end"), required=False, widget=DATE, help_text=_("Empty: 31 December."))


class SkpEditForm(forms.Form):
    approach = forms.ChoiceField(label=_("Approach"), choices=SkpApproach.choices)
    period_start = FormDateField(label=_("Period start"), widget=DATE)
    period_end = FormDateField(label=_("Period end"), widget=DATE)


class RhkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RhkKind.choices)
    description = forms.CharField(label=_("Planned work result"), widget=forms.Textarea(attrs={"rows": 2}))
    cascaded_from = forms.ModelChoiceField(
        label=_("Cascaded from (a result of your superiors)"), queryset=None, required=False
    )

    def __init__(self, *args, cascade_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cascaded_from"].queryset = cascade_choices
        self.fields["cascaded_from"].label_from_instance = (
            lambda rhk: f"{rhk.skp.employee.name}: {rhk.description[:80]}"
        )


class IndicatorForm(forms.Form):
    aspect = forms.ChoiceField(label=_("Aspect"), choices=IndicatorAspect.choices)
    description = forms.CharField(label=_("Indicator"), widget=forms.Textarea(attrs={"rows": 2}))
    target_min = DecimalCommaField(label=_("Target (or lowest value of a range)"), max_digits=14, decimal_places=2)
    target_max = DecimalCommaField(
        label=_("Highest value of a range"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty for a single target."),
    )
    unit = forms.CharField(
        label=pgettext_lazy("unit of measure", "Unit"), max_length=64, help_text=_("e.g. dokumen, laporan, %, hari")
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=IndicatorDirection.choices)
    spread = forms.ChoiceField(
        label=_("How the annual target spreads over the periods"),
        choices=TargetSpread.choices,
        initial=TargetSpread.EVEN,
        widget=forms.RadioSelect,
        required=False,  # none chosen: evenly, as the API does
    )

    def clean_spread(self):
        return self.cleaned_data.get("spread") or TargetSpread.EVEN

    def __init__(self, *args, periods=(), period_kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = list(periods)
        for index, period in enumerate(self.periods):
            self.fields[f"period_{index}"] = DecimalCommaField(
                label=period_label(period, period_kind),
                max_digits=14,
                decimal_places=2,
                min_value=0,
                required=False,
            )

    def period_fields(self):
        return [self[f"period_{index}"] for index in range(len(self.periods))]

    def main_fields(self):
        return [field for field in self if not field.name.startswith("period_")]

    def service_data(self) -> dict:
        """The cleaned data as `indicator_create` takes it: the typed period targets as one list
        (None where a period was left empty, so the rule's share stands)."""
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("period_")}
        typed = [self.cleaned_data.get(f"period_{index}") for index in range(len(self.periods))]
        data["period_targets"] = typed if any(v is not None for v in typed) else None
        return data


def period_label(period, kind: str) -> str:
    """A period as people name it: "Januari 2026", "Triwulan I 2026", "Semester 1 2026"."""
    if kind == "MONTHLY":
        return formats.date_format(period.start, "YEAR_MONTH_FORMAT")
    if kind == "QUARTERLY":
        return _("Quarter %(number)s %(year)s") % {"number": period.number, "year": period.start.year}
    if kind == "SEMESTER":
        return _("Semester %(number)s %(year)s") % {"number": period.number, "year": period.start.year}
    return f"{formats.date_format(period.start, 'SHORT_DATE_FORMAT')} – {formats.date_format(period.end, 'SHORT_DATE_FORMAT')}"


class PeriodTargetForm(forms.Form):
    target_min = DecimalCommaField(label=_("Target"), max_digits=14, decimal_places=2)
    target_max = DecimalCommaField(label=_("Highest value of a range"), max_digits=14, decimal_places=2, required=False)
    action_plan = forms.CharField(label=_("Action plan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RealisationForm(forms.Form):
    value = DecimalCommaField(label=_("Realisation"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG, PNG, DOCX, XLSX)"), required=False)


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}))


RATING_WIDGET = forms.RadioSelect


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Evaluation"), choices=EvaluationKind.choices)
    period_start = FormDateField(label=_("From"), required=False, widget=DATE)
    period_end = FormDateField(label=_("To"), required=False, widget=DATE)
    results_rating = forms.ChoiceField(
        label=_("Results rating"), choices=Rating.choices, required=False, widget=RATING_WIDGET
    )
    behaviour_rating = forms.ChoiceField(
        label=_("Overall behaviour rating"),
        choices=[("", _("Derive from the seven values")), *Rating.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Notes and recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in BEHAVIOUR_VALUES:
            self.fields[name] = forms.ChoiceField(label=label, choices=Rating.choices, widget=RATING_WIDGET)

    def behaviour_fields(self):
        return [self[name] for name, _label in BEHAVIOUR_VALUES]


class UnitResultForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    result = forms.ChoiceField(label=_("Organisational result"), choices=OrganisationResult.choices)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
