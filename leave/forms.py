"""Forms of the leave balance pages (docs/rules.md §9 "Buckets")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leave.models import DEBIT_ORDER, Bucket

YEAR_MIN, YEAR_MAX = 2000, 2100
CORRECTION_MAX_DAYS = 365

ERR_ZERO = _("A correction changes the balance by at least one day: enter a number other than 0.")


class BalanceFilterForm(forms.Form):
    """HR's balance page: which unit and which year."""

    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Whole agency")), *[(u.id, u.name) for u in units]]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)


class CorrectionForm(forms.Form):
    """One signed correction of one bucket of one employee, with the reason (required)."""

    employee = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=YEAR_MIN, max_value=YEAR_MAX)
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    bucket = forms.ChoiceField(label=_("Bucket"), choices=[(b, Bucket(b).label) for b in DEBIT_ORDER])
    days = forms.IntegerField(
        label=_("Days (minus to take away)"),
        min_value=-CORRECTION_MAX_DAYS,
        max_value=CORRECTION_MAX_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1}),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.TextInput(), error_messages={"required": _("Give a reason.")}
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days == 0:
            raise forms.ValidationError(ERR_ZERO)
        return days

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class OpeningImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )


class OpeningConfirmForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
