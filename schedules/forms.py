"""Forms of the arrangement pages. They only parse and check the shape of the input; the rules
(docs/rules.md §3) are the services' job, and their verdict is shown as form errors."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from flexwork.approvals.models import ApprovalKind, ApprovalStatus
from flexwork.common.forms import DecimalCommaField
from flexwork.org.models import DesignatedLocation, Employee, Unit
from schedules.models import ExceptionBasis, Location

MAX_EXPLICIT_DATES = 100
WEEKDAYS = [(1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")), (5, _("Friday"))]
DATE_MODES = [
    ("dates", _("Chosen days")),
    ("range", _("Every working day from … to …")),
    ("pattern", _("A weekly pattern from … to …")),
]

ERR_END_BEFORE_START = _("The end date is before the start date.")
ERR_NO_WEEKDAY = _("Choose at least one weekday for the weekly pattern.")
ERR_BAD_DATE = _("“%(value)s” is not a date (use YYYY-MM-DD).")
ERR_NO_DATES = _("Give at least one day.")
ERR_TOO_MANY_DATES = _("At most %(count)d days in one request.")
ERR_RANGE_REQUIRED = _("Give the first and the last day.")
ERR_HOURS_BOTH = _("Give both the planned start and end.")
ERR_HOURS_ORDER = _("The planned end must be after the start.")
ERR_OFFICE_NEEDS_HOURS = _("At your own office, a request is for dynamic hours: give the planned start and end.")
ERR_DESIGNATED_REQUIRED = _("Choose the designated location.")
ERR_OTHER_OFFICE_REQUIRED = _("Choose the other office.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def parse_dates(text: str) -> list[datetime.date]:
    values = [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]
    days = []
    for value in values:
        try:
            days.append(datetime.date.fromisoformat(value))
        except ValueError:
            raise forms.ValidationError(ERR_BAD_DATE, params={"value": value[:20]}) from None
    return sorted(set(days))


class ArrangementForm(forms.Form):
    location = forms.ChoiceField(label=_("Where"), choices=Location.choices, initial=Location.HOME)
    other_office_unit = forms.ModelChoiceField(
        label=_("Other office"), queryset=Unit.objects.none(), required=False, empty_label="—"
    )
    designated_location = forms.ModelChoiceField(
        label=_("Designated location"), queryset=DesignatedLocation.objects.none(), required=False, empty_label="—"
    )
    date_mode = forms.ChoiceField(label=_("Days"), choices=DATE_MODES, initial="dates", widget=forms.RadioSelect)
    dates = forms.CharField(
        label=_("Chosen days"),
        required=False,
        max_length=2000,
        help_text=_("Dates as YYYY-MM-DD, separated by commas."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    planned_start = forms.TimeField(
        label=_("Planned start"), required=False, widget=TimeInput(), help_text=_("Only for dynamic hours.")
    )
    planned_end = forms.TimeField(label=_("Planned end"), required=False, widget=TimeInput())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3}))
    exception_basis = forms.ChoiceField(
        label=_("Exception basis"),
        choices=[("", _("None"))] + list(ExceptionBasis.choices),
        required=False,
        help_text=_("Lifts the weekly cap; needs evidence."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("PDF, JPEG, PNG, DOCX or XLSX.")
    )
    # Ids of files already uploaded by the page script through the evidence API.
    evidence_ids = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.employee = employee
        self.fields["other_office_unit"].queryset = (
            Unit.objects.filter(agency_id=employee.agency_id).exclude(id=employee.unit_id).order_by("name")
        )
        self.fields["designated_location"].queryset = DesignatedLocation.objects.filter(
            agency_id=employee.agency_id, is_active=True
        ).order_by("name")

    def clean_dates(self):
        return parse_dates(self.cleaned_data.get("dates") or "")

    def clean_evidence_ids(self):
        raw = self.cleaned_data.get("evidence_ids") or ""
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Unknown evidence file, or one that belongs elsewhere.")) from None

    def clean(self):
        data = super().clean()
        mode = data.get("date_mode")
        if mode == "dates":
            if "dates" in data and not data["dates"]:
                self.add_error("dates", ERR_NO_DATES)
            elif len(data.get("dates") or []) > MAX_EXPLICIT_DATES:
                self.add_error("dates", forms.ValidationError(ERR_TOO_MANY_DATES, params={"count": MAX_EXPLICIT_DATES}))
        elif mode in ("range", "pattern"):
            date_from, date_to = data.get("date_from"), data.get("date_to")
            if not date_from or not date_to:
                if "date_from" not in self.errors and "date_to" not in self.errors:
                    self.add_error("date_to" if date_from else "date_from", ERR_RANGE_REQUIRED)
            elif date_to < date_from:
                self.add_error("date_to", ERR_END_BEFORE_START)
            if mode == "pattern" and not data.get("weekdays") and "weekdays" not in self.errors:
                self.add_error("weekdays", ERR_NO_WEEKDAY)
        start, end = data.get("planned_start"), data.get("planned_end")
        if (start is None) != (end is None):
            self.add_error("planned_end" if end is None else "planned_start", ERR_HOURS_BOTH)
        elif start is not None and end <= start:
            self.add_error("planned_end", ERR_HOURS_ORDER)
        location = data.get("location")
        if location == Location.OFFICE and start is None and "planned_start" not in self.errors:
            self.add_error("planned_start", ERR_OFFICE_NEEDS_HOURS)
        if location == Location.DESIGNATED and not data.get("designated_location"):
            if "designated_location" not in self.errors:
                self.add_error("designated_location", ERR_DESIGNATED_REQUIRED)
        if location == Location.OTHER_OFFICE and not data.get("other_office_unit"):
            if "other_office_unit" not in self.errors:
                self.add_error("other_office_unit", ERR_OTHER_OFFICE_REQUIRED)
        return data

    def api_body(self, work_plan: list[dict]) -> dict:
        """The cleaned form as the body of POST /api/v1/arrangements/ (what build_input parses)."""
        data = self.cleaned_data
        mode = data["date_mode"]
        return {
            "location": data["location"],
            "other_office_unit": data["other_office_unit"].id if data.get("other_office_unit") else None,
            "designated_location": data["designated_location"].id if data.get("designated_location") else None,
            "dates": data["dates"] if mode == "dates" else None,
            "date_from": data.get("date_from") if mode != "dates" else None,
            "date_to": data.get("date_to") if mode != "dates" else None,
            "weekdays": data.get("weekdays") if mode == "pattern" else None,
            "planned_start": data.get("planned_start"),
            "planned_end": data.get("planned_end"),
            "reason": data.get("reason") or "",
            "exception_basis": data.get("exception_basis") or None,
            "work_plan": work_plan,
        }


class WorkPlanItemForm(forms.Form):
    description = forms.CharField(label=_("Planned output"), max_length=500, required=False)
    quantity = DecimalCommaField(label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0, required=False)
    unit = forms.CharField(
        label=pgettext_lazy("unit of measure", "Unit"),
        max_length=50,
        required=False,
        help_text=_("e.g. document, report"),
    )

    def clean(self):
        data = super().clean()
        given = [data.get("description"), data.get("quantity"), data.get("unit")]
        if any(value not in (None, "") for value in given):
            if not data.get("description"):
                self.add_error("description", _("This field is required."))
            if not data.get("quantity"):
                self.add_error("quantity", _("Give a quantity above zero."))
            if not data.get("unit"):
                self.add_error("unit", _("This field is required."))
        return data


WorkPlanFormSet = forms.formset_factory(WorkPlanItemForm, extra=1, max_num=30, validate_max=True)


def work_plan_rows(formset) -> list[dict]:
    return [
        {
            "description": f.cleaned_data["description"],
            "quantity": f.cleaned_data["quantity"],
            "unit": f.cleaned_data["unit"],
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
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())

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
    local_date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = employees


class DirectiveForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit subtree"), queryset=Unit.objects.none(), required=False, empty_label=_("The whole agency")
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("Until"), widget=DateInput())
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
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("Until"), widget=DateInput())
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
