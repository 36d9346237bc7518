"""Forms of the arrangement pages. They only parse and check the shape of the input; the rules
(docs/rules.md §3) are the services' job, and their verdict is shown as form errors."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.approvals.models import ApprovalKind, ApprovalStatus
from flexwork.common.dates import FormDateField
from flexwork.common.forms import DecimalCommaField
from flexwork.org.models import DesignatedLocation, Employee, Unit
from schedules.models import ExceptionBasis, Location

MAX_EXPLICIT_DATES = 100

ERR_END_BEFORE_START = _("The end date is before the start date.")
ERR_NO_DATES = _("Choose at least one day.")
ERR_TOO_MANY_DATES = _("At most %(count)d days in one request.")
ERR_UNKNOWN_DAY = _("Choose days from the calendar.")
ERR_HOURS_BOTH = _("Give both the planned start and end.")
ERR_HOURS_ORDER = _("The planned end must be after the start.")
ERR_OFFICE_NEEDS_HOURS = _("At your own office, a request is for dynamic hours: give the planned start and end.")
ERR_DESIGNATED_REQUIRED = _("Choose the designated location.")
ERR_OTHER_OFFICE_REQUIRED = _("Choose the other office.")
ERR_DESCRIPTION_REQUIRED = _("Say what you will deliver.")
ERR_QUANTITY_REQUIRED = _("Give a quantity above zero.")
ERR_UNIT_REQUIRED = _("Give the unit, e.g. document or report.")
ERR_UNKNOWN_INDICATOR = _("Choose one of the indicators of your approved SKP for these days.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


# ---------------------------------------------------------------------------- the request in steps
# One form per step (schedules/request_views.py). They check the shape of the input; the rules
# (docs/rules.md §3) are the services' job, and their verdict is shown on the check step.


class WhereForm(forms.Form):
    """Step 1: where (and, optionally, dynamic hours)."""

    location = forms.ChoiceField(
        label=_("Where will you work?"), choices=Location.choices, widget=forms.RadioSelect, initial=Location.HOME
    )
    other_office_unit = forms.ModelChoiceField(
        label=_("Which office?"), queryset=Unit.objects.none(), required=False, empty_label=_("Choose an office")
    )
    designated_location = forms.ModelChoiceField(
        label=_("Which designated location?"),
        queryset=DesignatedLocation.objects.none(),
        required=False,
        empty_label=_("Choose a location"),
    )
    planned_start = forms.TimeField(label=_("Planned start"), required=False, widget=TimeInput())
    planned_end = forms.TimeField(label=_("Planned end"), required=False, widget=TimeInput())

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.employee = employee
        self.fields["other_office_unit"].queryset = (
            Unit.objects.filter(agency_id=employee.agency_id).exclude(id=employee.unit_id).order_by("name")
        )
        self.fields["designated_location"].queryset = DesignatedLocation.objects.filter(
            agency_id=employee.agency_id, is_active=True
        ).order_by("name")

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if (start is None) != (end is None):
            if "planned_start" not in self.errors and "planned_end" not in self.errors:
                self.add_error("planned_end" if end is None else "planned_start", ERR_HOURS_BOTH)
        elif start is not None and end <= start:
            self.add_error("planned_end", ERR_HOURS_ORDER)
        location = data.get("location")
        if location == Location.OFFICE and start is None and end is None and "planned_start" not in self.errors:
            self.add_error("planned_start", ERR_OFFICE_NEEDS_HOURS)
        if location == Location.DESIGNATED and not data.get("designated_location"):
            if "designated_location" not in self.errors:
                self.add_error("designated_location", ERR_DESIGNATED_REQUIRED)
        if location == Location.OTHER_OFFICE and not data.get("other_office_unit"):
            if "other_office_unit" not in self.errors:
                self.add_error("other_office_unit", ERR_OTHER_OFFICE_REQUIRED)
        return data

    def body(self) -> dict:
        """The step's part of the API body (what schedules.apis.arrangements.build_input parses)."""
        data = self.cleaned_data
        location = data["location"]
        return {
            "location": location,
            "other_office_unit": data["other_office_unit"].id
            if location == Location.OTHER_OFFICE and data.get("other_office_unit")
            else None,
            "designated_location": data["designated_location"].id
            if location == Location.DESIGNATED and data.get("designated_location")
            else None,
            "planned_start": data.get("planned_start"),
            "planned_end": data.get("planned_end"),
        }

    def query(self) -> dict:
        """The step as query parameters for the next page (a new request has no draft yet)."""
        body = self.body()
        return {
            key: value.strftime("%H:%M") if hasattr(value, "strftime") else value
            for key, value in body.items()
            if value is not None
        }


class DaysForm(forms.Form):
    """Step 2: which days. `days` are the dates the calendar offers (docs/rules.md §1 working days)."""

    dates = forms.MultipleChoiceField(
        label=_("Which days?"), required=False, widget=forms.CheckboxSelectMultiple, error_messages={}
    )

    def __init__(self, *args, days: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [(day.isoformat(), day.isoformat()) for day in days]
        self.fields["dates"].error_messages["invalid_choice"] = ERR_UNKNOWN_DAY

    def clean_dates(self):
        days = sorted({datetime.date.fromisoformat(value) for value in self.cleaned_data["dates"]})
        if not days:
            raise forms.ValidationError(ERR_NO_DATES)
        if len(days) > MAX_EXPLICIT_DATES:
            raise forms.ValidationError(ERR_TOO_MANY_DATES, params={"count": MAX_EXPLICIT_DATES})
        return days


class PlanForm(forms.Form):
    """Step 3, beside the work plan rows: why, and an exception basis with its evidence."""

    reason = forms.CharField(
        label=_("Why this arrangement? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 3}),
    )
    exception_basis = forms.ChoiceField(
        label=_("Exception basis (optional)"),
        choices=[("", _("None"))] + list(ExceptionBasis.choices),
        required=False,
        help_text=_("Lifts the limit of days a week away from the office; needs an evidence file."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("PDF, JPEG, PNG, DOCX or XLSX.")
    )
    # Ids of files already uploaded by the page script through the evidence API.
    evidence_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_evidence_ids(self):
        raw = self.cleaned_data.get("evidence_ids") or ""
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Unknown evidence file, or one that belongs elsewhere.")) from None


class WorkPlanItemForm(forms.Form):
    description = forms.CharField(label=_("Planned output"), max_length=500, required=False)
    quantity = DecimalCommaField(label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0, required=False)
    unit = forms.CharField(
        label=pgettext_lazy("unit of measure", "Unit"),
        max_length=50,
        required=False,
        help_text=_("e.g. document, report"),
    )
    indicator = forms.TypedChoiceField(
        label=_("SKP indicator it serves (optional)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", _("None"))] + list(indicator_choices)
        self.fields["indicator"].error_messages["invalid_choice"] = ERR_UNKNOWN_INDICATOR
        if not indicator_choices:
            self.fields["indicator"].help_text = _("No approved SKP covers these days yet.")

    def clean(self):
        data = super().clean()
        given = [data.get("description"), data.get("quantity"), data.get("unit")]
        if any(value not in (None, "") for value in given) or data.get("indicator"):
            if not data.get("description") and "description" not in self.errors:
                self.add_error("description", ERR_DESCRIPTION_REQUIRED)
            if not data.get("quantity") and "quantity" not in self.errors:
                self.add_error("quantity", ERR_QUANTITY_REQUIRED)
            if not data.get("unit") and "unit" not in self.errors:
                self.add_error("unit", ERR_UNIT_REQUIRED)
        return data


WorkPlanFormSet = forms.formset_factory(WorkPlanItemForm, extra=1, max_num=30, validate_max=True)


def indicator_choices(indicators) -> list:
    """Select choices grouped by planned work result (RHK): [(rhk, [(id, indicator), …]), …]."""
    groups: dict[int, tuple[str, list]] = {}
    for indicator in indicators:
        label = f"{indicator.description} ({_target(indicator)})"
        groups.setdefault(indicator.rhk_id, (indicator.rhk.description[:80], []))[1].append((indicator.id, label))
    return [(title, options) for title, options in groups.values()]


def _target(indicator) -> str:
    low, high = (f"{value.normalize():f}" for value in (indicator.target_min, indicator.target_max))
    amount = low if low == high else f"{low}–{high}"
    return f"{amount} {indicator.unit}"


def work_plan_rows(formset) -> list[dict]:
    return [
        {
            "description": f.cleaned_data["description"],
            "quantity": f.cleaned_data["quantity"],
            "unit": f.cleaned_data["unit"],
            "indicator": f.cleaned_data.get("indicator"),
        }
        for f in formset.forms
        if f.cleaned_data.get("description")
    ]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2}))
    override_reason = forms.CharField(label=_("Reason to approve over the warnings"), required=False, max_length=2000)


class EndDaysForm(forms.Form):
    dates = forms.MultipleChoiceField(label=_("Days"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, days: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dates"].choices = [(day.isoformat(), day.isoformat()) for day in days]

    def clean_dates(self):
        return [datetime.date.fromisoformat(value) for value in self.cleaned_data["dates"]]


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(ApprovalStatus.choices), required=False
    )
    location = forms.ChoiceField(label=_("Where"), choices=[("", _("All"))] + list(Location.choices), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    date_from = FormDateField(label=_("From"), required=False, widget=DateInput())
    date_to = FormDateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args, units=None, with_status: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_status:
            del self.fields["status"]
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": [data["status"]] if data.get("status") else None,
            "location": data.get("location") or None,
            "unit": data["unit"].id if data.get("unit") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class RecallForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none())
    local_date = FormDateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees


class DirectiveForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit subtree"), queryset=Unit.objects.none(), required=False, empty_label=_("The whole agency")
    )
    date_from = FormDateField(label=_("From"), widget=DateInput())
    date_to = FormDateField(label=_("Until"), widget=DateInput())
    allowed_locations = forms.MultipleChoiceField(
        label=_("Locations allowed"), choices=Location.choices, widget=forms.CheckboxSelectMultiple
    )
    max_share_percent = forms.IntegerField(
        label=_("Largest share of a unit away (%)"), required=False, min_value=0, max_value=100
    )
    message = forms.CharField(label=_("Announcement"), max_length=2000, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", ERR_END_BEFORE_START)
        return data


class DelegationForm(forms.Form):
    delegator = forms.ModelChoiceField(label=_("Approver who delegates"), queryset=Employee.objects.none())
    delegate = forms.ModelChoiceField(label=_("Delegate (Plt./Plh.)"), queryset=Employee.objects.none())
    date_from = FormDateField(label=_("From"), widget=DateInput())
    date_to = FormDateField(label=_("Until"), widget=DateInput())
    kinds = forms.MultipleChoiceField(
        label=_("Approvals"),
        choices=ApprovalKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApprovalKind.ARRANGEMENT],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, delegators, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegator"].queryset = delegators
        self.fields["delegate"].queryset = delegates

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", ERR_END_BEFORE_START)
        return data
