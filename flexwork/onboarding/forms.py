from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import modelform_factory
from django.utils.translation import gettext_lazy as _

from flexwork.common.dates import FormDateField
from flexwork.common.forms import DecimalCommaField
from flexwork.onboarding.models import ADDRESS_MAX_LENGTH
from flexwork.org.models import POLICY_FIELD_NAMES, AgencyPolicy, HolidayKind, UnitPolicyOverride

MICRO_DEGREE = Decimal("0.000001")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"),
        choices=[("EMPLOYEES", _("Employees")), ("UNITS", _("Units")), ("POSITIONS", _("Positions"))],
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row must hold the template's headers. CSV files must be UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ActivateForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("Activation code"),
        max_length=32,
        help_text=_("The code on the letter from HR, e.g. ABCD-EFGH-JKLM."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class HomeLocationForm(forms.Form):
    field_order = ["address", "latitude", "longitude", "accuracy_m"]
    # Any precision is accepted (a phone gives 7+ decimals) and rounded to 6 (about 0.1 m).
    latitude = DecimalCommaField(label=_("Latitude"), min_value=-90, max_value=90, help_text=_("e.g. -5,1477"))
    longitude = DecimalCommaField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        help_text=_("e.g. 119,4327"),
    )
    # The column is a PostgreSQL integer: a larger value would fail at the database (a 500).
    accuracy_m = forms.IntegerField(required=False, min_value=0, max_value=2_147_483_647, widget=forms.HiddenInput)
    address = forms.CharField(
        label=_("Address"),
        max_length=ADDRESS_MAX_LENGTH,
        help_text=_("Street and number, kelurahan/desa, kecamatan, city: where your supervisor can recognise it."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )

    def clean_latitude(self):
        return self.cleaned_data["latitude"].quantize(MICRO_DEGREE)

    def clean_longitude(self):
        return self.cleaned_data["longitude"].quantize(MICRO_DEGREE)


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units"))] + [(u.id, f"{u.code} {u.name}") for u in units]


class HolidayForm(forms.Form):
    date = FormDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=HolidayKind.choices)


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    latitude = DecimalCommaField(label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = DecimalCommaField(label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180, max_value=180)
    radius_m = forms.IntegerField(label=_("Radius (m)"), min_value=1, max_value=100000, initial=100)


AgencyPolicyForm = modelform_factory(AgencyPolicy, fields=list(POLICY_FIELD_NAMES))
UnitPolicyForm = modelform_factory(UnitPolicyOverride, fields=list(POLICY_FIELD_NAMES))
