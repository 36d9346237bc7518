"""Forms of the attendance pages (the same services as the API)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import SUB_REASONS_BY_KIND, CheckKind, LeaveKind, LeaveSubReason, Verification
from flexwork.common.dates import FormDateField
from flexwork.common.forms import DecimalCommaField, evidence_limit_mark


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


class CheckForm(forms.Form):
    """The check page's one form (docs/rules.md §4): the browser fills the position just before it is
    sent; `token` (rendered with the page) makes a double tap write once; `confirm_early` says the
    person saw the early-leave warning."""

    kind = forms.ChoiceField(choices=CheckKind.choices)
    latitude = forms.FloatField(min_value=-90, max_value=90)
    longitude = forms.FloatField(min_value=-180, max_value=180)
    accuracy = forms.FloatField(min_value=0, max_value=100_000)
    token = forms.UUIDField()
    confirm_early = forms.BooleanField(required=False)


# What each leave kind asks beyond its dates (docs/rules.md §9): the evidence file (a doctor's letter for
# sick leave, the evidence of an important reason, of a first hajj or a birth for long leave, the BKN letter
# of unpaid leave), and the balance before and after for annual leave. The page shows a field only for the kinds listed (static/js/leave-form.js;
# without the script every field is shown).
LEAVE_EVIDENCE_KINDS = (LeaveKind.SAKIT, LeaveKind.CS, LeaveKind.CB, LeaveKind.CAP, LeaveKind.CLTN, LeaveKind.CM)
LEAVE_BALANCE_KINDS = (LeaveKind.CT,)
# Kinds that may be spent abroad (the PPK decides those, with 20 working days of notice).
LEAVE_ABROAD_KINDS = (LeaveKind.CT, LeaveKind.CB, LeaveKind.CS, LeaveKind.CM, LeaveKind.CAP, LeaveKind.CLTN)


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices)
    date_from = FormDateField(label=_("From"), widget=DateInput())
    date_to = FormDateField(label=_("Until"), widget=DateInput())
    sub_reason = forms.ChoiceField(label=_("What for"), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    abroad = forms.BooleanField(label=_("Spent abroad"), required=False)
    evidence = forms.FileField(
        label=_("Letter or evidence (doctor's letter, the reason's evidence, the hajj statement, the BKN letter)"),
        required=False,
    )

    def __init__(self, *args, kinds=None, family_ct=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Annual leave's family reasons only for a PPPK before annual leave (docs/rules.md §9 "Family days").
        self.reasons_by_kind = {
            kind: values for kind, values in SUB_REASONS_BY_KIND.items() if kind != LeaveKind.CT or family_ct
        }
        if kinds is not None:
            # Only the kinds the employee's type allows are offered (docs/rules.md §9 "Kinds by employee
            # type"); any kind is still accepted, so a form opened before a change of type is refused by the
            # rule, which says why and names the regulation.
            self.fields["kind"].widget.choices = [
                (value, label) for value, label in LeaveKind.choices if value in kinds
            ]
        evidence_limit_mark(self.fields["evidence"])
        self.fields["evidence"].show_for = " ".join(LEAVE_EVIDENCE_KINDS)
        # The reasons grouped by their kind (docs/rules.md §9 "Kinds and their reasons").
        self.fields["sub_reason"].choices = [
            ("", "—"),
            *[
                (LeaveKind(kind).label, [(value, LeaveSubReason(value).label) for value in values])
                for kind, values in self.reasons_by_kind.items()
            ],
        ]
        self.fields["sub_reason"].show_for = " ".join(self.reasons_by_kind)
        self.fields["abroad"].show_for = " ".join(LEAVE_ABROAD_KINDS)
        self.balance_kinds = " ".join(LEAVE_BALANCE_KINDS)

    def clean(self):
        data = super().clean()
        kind, sub_reason = data.get("kind"), data.get("sub_reason") or ""
        if kind not in self.reasons_by_kind:
            data["sub_reason"] = ""  # a hidden choice left over from another kind
        elif sub_reason and sub_reason not in self.reasons_by_kind[kind]:
            self.add_error(
                "sub_reason", _("Choose one of the reasons listed for %(kind)s.") % {"kind": LeaveKind(kind).label}
            )
        if kind not in LEAVE_ABROAD_KINDS:
            data["abroad"] = False
        return data


class CorrectionForm(forms.Form):
    local_date = FormDateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Which check"), choices=CheckKind.choices)
    corrected_time = forms.TimeField(label=_("Correct time"), widget=TimeInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WorkLogForm(forms.Form):
    local_date = FormDateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What did you produce?"), widget=forms.Textarea(attrs={"rows": 2}))
    quantity = DecimalCommaField(label=_("Quantity"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    unit_of_measure = forms.CharField(label=_("Unit (e.g. document, report)"), max_length=50)
    minutes_spent = forms.IntegerField(label=_("Minutes spent"), min_value=1, max_value=1440)
    link = forms.URLField(
        label=_("Link to the result (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    indicator = forms.TypedChoiceField(
        label=_("Indicator served (optional)"), required=False, coerce=int, empty_value=None
    )
    evidence = forms.FileField(label=_("Evidence file (optional)"), required=False)

    def __init__(self, *args, indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *[(i.id, str(i)) for i in indicator_choices]]
        evidence_limit_mark(self.fields["evidence"])


class VerifyForm(forms.Form):
    verification = forms.ChoiceField(label=_("Verdict"), choices=Verification.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("recommend", "approve", "reject", "return", "withdraw", "cancel", "revoke")]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ExceptionFilterForm(forms.Form):
    date_from = FormDateField(label=_("From"), widget=DateInput(), required=False)
    date_to = FormDateField(label=_("Until"), widget=DateInput(), required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Exception"),
        required=False,
        choices=[
            ("", _("All exceptions")),
            ("flagged", _("Flagged check")),
            ("late", _("Late arrival")),
            ("early", _("Early leave")),
            ("TK", _("Absent without reason")),
            ("missing_log", _("Missing output log")),
        ],
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Whole agency")), *[(u.id, u.name) for u in units]]


class LeaveImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )
