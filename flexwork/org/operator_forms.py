"""Forms of the operator console (flexwork/org/operator_views.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from flexwork.org.models import EmployeeType, Role

# The office zones of docs/rules.md §1, named as people say them; the stored value is the zone's name.
ZONE_CHOICES = (
    ("Asia/Jakarta", _("WIB (Jakarta)")),
    ("Asia/Pontianak", _("WIB (Pontianak)")),
    ("Asia/Makassar", _("WITA (Makassar)")),
    ("Asia/Jayapura", _("WIT (Jayapura)")),
)
ROLE_CHOICES = ((Role.HR_ADMIN.value, Role.HR_ADMIN.label), (Role.AGENCY_HEAD.value, Role.AGENCY_HEAD.label))


class AgencyCreateForm(forms.Form):
    code = forms.CharField(
        label=_("Agency code"),
        max_length=32,
        help_text=_("Short and unique in this installation, e.g. DISKOMINFO-SULSEL."),
    )
    name = forms.CharField(label=_("Agency name"), max_length=200)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=ZONE_CHOICES, help_text=_("A unit may later have its own zone.")
    )
    address = forms.CharField(
        label=_("Address (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed under the agency's name on report PDFs."),
    )
    root_code = forms.CharField(
        label=_("Root unit code"),
        max_length=32,
        help_text=_("The unit at the top of the tree; HR imports the other units under it."),
    )
    root_name = forms.CharField(
        label=_("Root unit name (optional)"),
        max_length=200,
        required=False,
        help_text=_("Empty: the agency's name."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class AppointForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        max_length=18,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("18 digits. Someone the agency does not employ yet is created in its root unit."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    name = forms.CharField(
        label=_("Full name (for a new employee)"), max_length=200, required=False, widget=forms.TextInput()
    )
    employee_type = forms.ChoiceField(
        label=_("Employee type (for a new employee)"), choices=EmployeeType.choices, initial=EmployeeType.PNS
    )
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
