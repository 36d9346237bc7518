"""The HR form of a scheme (docs/rules.md §10 "Editing a scheme"): one table per section, every number a
field; `data()` turns the answers back into the scheme's data, which the service validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allowances.labels import CAUSES, COMPONENTS
from allowances.schemes import (
    BANDS,
    EARLY_BANDS,
    LATE_BANDS,
    LEAVE_KINDS,
    SWITCH_LABELS,
    SWITCHES,
    TEMPLATE_FILES,
    TEMPLATE_LABELS,
)
from attendance.models import LeaveKind


def _pct_field(label, required=True):
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=100, decimal_places=2, max_digits=5,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )  # fmt: skip


class CloneForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=[])
    effective_from = forms.CharField(
        label=_("In force from (month)"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
        help_text=_("The scheme applies from the first day of this month until the next scheme starts."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(code, TEMPLATE_LABELS[code]) for code in TEMPLATE_FILES]

    def clean_effective_from(self):
        from flexwork.common.dates import month_parse

        value = month_parse((self.cleaned_data.get("effective_from") or "").strip())
        if value is None:
            raise forms.ValidationError(_("Give a month, for example 2026-01."))
        return value


class SchemeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code in ("WHOLE", "KINERJA", "DISIPLIN"):
            self.fields[f"weight_{code}"] = _pct_field(COMPONENTS[code], required=False)
        for band in BANDS:
            self.fields[f"band_{band}"] = _pct_field(CAUSES[band])
        for event, bands in (("HKD", LATE_BANDS), ("HKP", EARLY_BANDS)):
            self.fields[f"{event.lower()}_as"] = forms.ChoiceField(
                label=_("%(event)s counts as") % {"event": CAUSES[event]},
                required=False,
                choices=[("", _("its own percentage"))] + [(band, CAUSES[band]) for band in bands],
            )
            self.fields[event.lower()] = _pct_field(
                _("%(event)s: own percentage") % {"event": CAUSES[event]}, required=False
            )
        self.fields["tk_pct"] = _pct_field(_("Each day absent without reason"))
        for kind in LEAVE_KINDS:
            label = LeaveKind(kind).label
            self.fields[f"leave_{kind}_free_days"] = forms.IntegerField(
                label=_("%(kind)s: free working days") % {"kind": label}, required=False, min_value=0, max_value=366
            )
            self.fields[f"leave_{kind}_pct"] = _pct_field(
                _("%(kind)s: %% per working day after them") % {"kind": label}, required=False
            )
            self.fields[f"leave_{kind}_none"] = forms.BooleanField(
                label=_("%(kind)s: no allowance") % {"kind": label}, required=False
            )
        self.fields["tk_consecutive"] = forms.IntegerField(
            label=_("Consecutive days absent without reason that cut the whole allowance"),
            required=False, min_value=1, max_value=31, help_text=_("Leave empty for no such threshold."),
        )  # fmt: skip
        self.fields["tk_whole_month_zero"] = forms.BooleanField(
            label=_("A whole month absent without reason: no allowance"), required=False
        )
        self.fields["monthly_cap_pct"] = _pct_field(_("Most that a month can cut (%)"))
        self.fields["rounding"] = forms.IntegerField(label=_("Decimals kept"), min_value=0, max_value=4)
        for name in SWITCHES:
            self.fields[f"switch_{name}"] = forms.BooleanField(label=SWITCH_LABELS[name], required=False)

    # The groups of fields the page shows as tables, in order.
    def sections(self):
        return [
            (_("Components"), [self[f"weight_{c}"] for c in ("WHOLE", "KINERJA", "DISIPLIN")]),
            (_("Lateness and early leave, % per occurrence"), [self[f"band_{b}"] for b in BANDS]),
            (_("Missing records and absence"), [self["hkd_as"], self["hkd"], self["hkp_as"], self["hkp"], self["tk_pct"]]),
            (_("Thresholds, cap and rounding"), [self["tk_consecutive"], self["tk_whole_month_zero"], self["monthly_cap_pct"], self["rounding"]]),
            (_("Switches"), [self[f"switch_{name}"] for name in SWITCHES]),
        ]  # fmt: skip

    def leave_rows(self):
        return [
            (LeaveKind(kind).label, self[f"leave_{kind}_free_days"], self[f"leave_{kind}_pct"], self[f"leave_{kind}_none"])
            for kind in LEAVE_KINDS
        ]  # fmt: skip

    @staticmethod
    def initial_from(data: dict, version: int) -> dict:
        initial = {"version": version}
        for item in data.get("components", []):
            initial[f"weight_{item['code']}"] = item["weight"]
        for band in BANDS:
            initial[f"band_{band}"] = data["bands"].get(band)
        for event in ("HKD", "HKP"):
            rule = data["events"][event]
            initial[f"{event.lower()}_as"] = rule.get("as", "")
            initial[event.lower()] = rule.get("pct")
        initial["tk_pct"] = data["events"]["TK"]["pct"]
        for kind, rule in data["leave"].items():
            initial[f"leave_{kind}_none"] = bool(rule.get("no_allowance"))
            initial[f"leave_{kind}_free_days"] = rule.get("free_days")
            initial[f"leave_{kind}_pct"] = rule.get("pct")
        initial["tk_consecutive"] = data["thresholds"]["tk_consecutive_full_cut"]
        initial["tk_whole_month_zero"] = data["thresholds"]["tk_whole_month_zero"]
        initial["monthly_cap_pct"] = data["monthly_cap_pct"]
        initial["rounding"] = data["rounding"]
        for name in SWITCHES:
            initial[f"switch_{name}"] = data["switches"].get(name, False)
        return initial

    def data_for(self, current: dict) -> dict:
        """The scheme's data from the answers (the service validates it); reasons-by-day kept from `current`."""
        c = self.cleaned_data
        components = []
        for code in ("WHOLE", "KINERJA", "DISIPLIN"):
            if c.get(f"weight_{code}") is not None:
                components.append({"code": code, "weight": c[f"weight_{code}"], "cuts": code != "KINERJA"})
        leave = {}
        for kind in LEAVE_KINDS:
            if c.get(f"leave_{kind}_none"):
                leave[kind] = {"no_allowance": True}
                continue
            rule = {"free_days": c.get(f"leave_{kind}_free_days") or 0, "pct": c.get(f"leave_{kind}_pct") or 0}
            reasons = current.get("leave", {}).get(kind, {}).get("free_days_by_reason")
            if reasons:
                rule["free_days_by_reason"] = reasons
            leave[kind] = rule

        def event(name):
            band = c.get(f"{name.lower()}_as")
            return {"as": band} if band else {"pct": c.get(name.lower())}

        return {
            "components": components,
            "bands": {band: c.get(f"band_{band}") for band in BANDS},
            "events": {"HKD": event("HKD"), "HKP": event("HKP"), "TK": {"pct": c.get("tk_pct")}},
            "leave": leave,
            "thresholds": {"tk_consecutive_full_cut": c.get("tk_consecutive"), "tk_whole_month_zero": c.get("tk_whole_month_zero", False)},
            "monthly_cap_pct": c.get("monthly_cap_pct"),
            "rounding": c.get("rounding"),
            "switches": {name: c.get(f"switch_{name}", False) for name in SWITCHES},
        }  # fmt: skip
