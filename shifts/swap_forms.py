"""Forms of the swap pages (docs/rules.md §8 "Changes and swaps")."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SwapRequestForm(forms.Form):
    colleague = forms.TypedChoiceField(label=_("Colleague who takes the duty"), coerce=int, empty_value=None)
    colleague_duty = forms.TypedChoiceField(
        label=_("Their duty you take in return (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave it empty to give the duty away without taking one of theirs."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, colleagues=(), colleague_duties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [("", _("Choose a colleague")), *colleagues]
        self.fields["colleague_duty"].choices = [("", _("None: only give my duty away")), *colleague_duties]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class SwapActionForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000)
    override_reason = forms.CharField(required=False, max_length=2000)
    version = forms.CharField(required=False, max_length=64)
