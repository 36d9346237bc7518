"""Allowance deduction schemes as data (docs/rules.md §10 "Scheme" and "Templates").

A scheme is a plain dict (stored as JSON on allowances.AllowanceScheme, shipped as the JSON files of
allowances/schemes/): components and weights, the band table (% per occurrence), events (no check-in,
no check-out, TK), leave rules per leave kind, thresholds, the monthly cap, rounding and switches.
`scheme_validate` refuses a bad one with a message per field; `scheme_resolve` turns a valid one into
the compact rules the monthly SQL statement reads (flexwork.reports.kinds ALLOWANCE_SQL)."""

from __future__ import annotations

import copy
import datetime
import decimal
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.models import LEAVE_ABSENCE, LeaveKind
from flexwork.common.exceptions import ApplicationError

SCHEMES_DIR = Path(__file__).resolve().parent / "schemes"

# The shipped templates, in the order HR sees them; the first is the default (docs/rules.md §10 "Templates").
TEMPLATE_FILES = {
    "PMA_11_2019": "pma_11_2019.json",
    "PERMENTAN_68_2012": "permentan_68_2012.json",
    "KEJAKSAAN_4_2020": "kejaksaan_4_2020.json",
    "PERMENDIKDASMEN_14_2025": "permendikdasmen_14_2025.json",
    "TPP_60_40": "tpp_regional_60_40.json",
}
DEFAULT_TEMPLATE = "PMA_11_2019"
TEMPLATE_LABELS = {
    "PMA_11_2019": gettext_lazy("Ministry of Religious Affairs (PMA 11/2019), the default"),
    "PERMENTAN_68_2012": gettext_lazy("Ministry of Agriculture (Permentan 68/2012)"),
    "KEJAKSAAN_4_2020": gettext_lazy("Attorney General's Office (Peraturan Kejaksaan 4/2020)"),
    "PERMENDIKDASMEN_14_2025": gettext_lazy("Ministry of Primary and Secondary Education (Permendikdasmen 14/2025)"),
    "TPP_60_40": gettext_lazy("Regional TPP: work 60 % / discipline 40 %"),
}

LATE_BANDS = ("TL1", "TL2", "TL3", "TL4")
EARLY_BANDS = ("PSW1", "PSW2", "PSW3", "PSW4")
BANDS = LATE_BANDS + EARLY_BANDS
COMPONENTS = ("WHOLE", "KINERJA", "DISIPLIN")
COMPONENT_LABELS = {
    "WHOLE": gettext_lazy("Whole allowance"),
    "KINERJA": gettext_lazy("Work performance (kinerja)"),
    "DISIPLIN": gettext_lazy("Discipline (disiplin)"),
}
LEAVE_KINDS = tuple(LeaveKind.values)
SWITCHES = ("make_up_lateness", "minutes_to_tk")
SWITCH_LABELS = {
    "make_up_lateness": gettext_lazy("Making up lateness the same day (not computed yet)"),
    "minutes_to_tk": gettext_lazy("Late and early minutes add up to TK days (not computed yet)"),
}
MAX_ROUNDING = 4


@cache
def _template_text(code: str) -> str:
    return (SCHEMES_DIR / TEMPLATE_FILES[code]).read_text(encoding="utf-8")


def template(code: str) -> dict:
    """A shipped template's data (a fresh copy)."""
    if code not in TEMPLATE_FILES:
        message = _("Choose one of the shipped templates.")
        raise ApplicationError(message, code="invalid", fields={"template": [message]})
    return json.loads(_template_text(code))


def _pct(value, *, name: str, errors: dict, low=0, high=100, allow_none=False):
    if value is None or value == "":
        if allow_none:
            return None
        errors.setdefault(name, []).append(_("Enter a percentage."))
        return None
    try:
        number = decimal.Decimal(str(value))
    except (decimal.InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or not low <= number <= high:
        errors.setdefault(name, []).append(
            _("Enter a percentage from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
        return None
    return float(number) if number != number.to_integral_value() else int(number)


def _days(value, *, name: str, errors: dict, high=366, allow_none=False):
    if value is None or value == "":
        if allow_none:
            return None
        errors.setdefault(name, []).append(_("Enter a number of days."))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            errors.setdefault(name, []).append(_("Enter a whole number of days."))
            return None
    if not 0 <= value <= high:
        errors.setdefault(name, []).append(_("Enter a number of days from 0 to %(high)s.") % {"high": high})
        return None
    return value


def scheme_validate(data) -> dict:
    """The scheme, checked and normalised; ApplicationError with a message per field otherwise.
    Field names: weight_<COMPONENT>, band_<BAND>, hkd, hkp, tk_pct, leave_<KIND>_free_days,
    leave_<KIND>_pct, tk_consecutive, monthly_cap_pct, rounding, switch_<name>."""
    if not isinstance(data, dict):
        message = _("The scheme must be an object of sections.")
        raise ApplicationError(message, code="invalid", fields={"data": [message]})
    errors: dict[str, list[str]] = {}
    out = copy.deepcopy(data)

    # Components: WHOLE alone, or KINERJA + DISIPLIN; the weights sum to 100; the attendance cuts fall
    # on one component (WHOLE, or DISIPLIN).
    components = data.get("components")
    if not isinstance(components, list) or not components:
        errors.setdefault("components", []).append(_("Give at least one component with its weight."))
        components = []
    seen, total, cut_on = set(), 0, []
    clean_components = []
    for item in components:
        code = item.get("code") if isinstance(item, dict) else None
        if code not in COMPONENTS or code in seen:
            errors.setdefault("components", []).append(_("Components are the whole allowance, or work and discipline."))
            continue
        seen.add(code)
        weight = _pct(item.get("weight"), name=f"weight_{code}", errors=errors)
        total += weight or 0
        cuts = bool(item.get("cuts"))
        if cuts:
            cut_on.append(code)
        clean_components.append({"code": code, "weight": weight, "cuts": cuts})
    if seen and "WHOLE" in seen and len(seen) > 1:
        errors.setdefault("components", []).append(
            _("The whole allowance cannot be split as well: use either the whole, or work and discipline.")
        )
    if clean_components and not any(k.startswith("weight_") for k in errors) and total != 100:
        message = _("The weights of the components must add up to 100 (now %(total)s).") % {"total": total}
        errors.setdefault("components", []).append(message)
    if clean_components and len(cut_on) != 1:
        errors.setdefault("components", []).append(_("Attendance cuts must fall on exactly one component."))
    out["components"] = clean_components

    bands = data.get("bands") if isinstance(data.get("bands"), dict) else {}
    out["bands"] = {band: _pct(bands.get(band), name=f"band_{band}", errors=errors) for band in BANDS}

    events = data.get("events") if isinstance(data.get("events"), dict) else {}
    out["events"] = {}
    for event, allowed in (("HKD", LATE_BANDS), ("HKP", EARLY_BANDS)):
        rule = events.get(event) if isinstance(events.get(event), dict) else {}
        name = event.lower()
        if rule.get("as"):
            if rule["as"] not in allowed:
                errors.setdefault(name, []).append(
                    _("Choose one of the bands %(bands)s.") % {"bands": ", ".join(allowed)}
                )
            out["events"][event] = {"as": rule["as"]}
        else:
            out["events"][event] = {"pct": _pct(rule.get("pct"), name=name, errors=errors)}
    tk = events.get("TK") if isinstance(events.get("TK"), dict) else {}
    out["events"]["TK"] = {"pct": _pct(tk.get("pct"), name="tk_pct", errors=errors)}

    leave = data.get("leave") if isinstance(data.get("leave"), dict) else {}
    out["leave"] = {}
    for kind in LEAVE_KINDS:
        rule = leave.get(kind) if isinstance(leave.get(kind), dict) else {"free_days": 0, "pct": 0}
        if rule.get("no_allowance"):
            out["leave"][kind] = {"no_allowance": True}
            continue
        clean = {
            "free_days": _days(rule.get("free_days", 0), name=f"leave_{kind}_free_days", errors=errors),
            "pct": _pct(rule.get("pct", 0), name=f"leave_{kind}_pct", errors=errors),
        }
        if isinstance(rule.get("free_days_by_reason"), dict):
            clean["free_days_by_reason"] = {
                str(reason): _days(days, name=f"leave_{kind}_free_days", errors=errors)
                for reason, days in rule["free_days_by_reason"].items()
            }
        out["leave"][kind] = clean

    thresholds = data.get("thresholds") if isinstance(data.get("thresholds"), dict) else {}
    out["thresholds"] = {
        "tk_consecutive_full_cut": _days(
            thresholds.get("tk_consecutive_full_cut"), name="tk_consecutive", errors=errors, high=31, allow_none=True
        ),
        "tk_whole_month_zero": bool(thresholds.get("tk_whole_month_zero")),
    }
    if out["thresholds"]["tk_consecutive_full_cut"] == 0:
        errors.setdefault("tk_consecutive", []).append(_("Leave it empty for no threshold, or give 1 day or more."))

    out["monthly_cap_pct"] = _pct(data.get("monthly_cap_pct", 100), name="monthly_cap_pct", errors=errors)
    rounding = data.get("rounding", 2)
    if isinstance(rounding, bool) or not isinstance(rounding, int) or not 0 <= rounding <= MAX_ROUNDING:
        errors.setdefault("rounding", []).append(
            _("Give the decimals kept, from 0 to %(high)s.") % {"high": MAX_ROUNDING}
        )
    out["rounding"] = rounding

    switches = data.get("switches") if isinstance(data.get("switches"), dict) else {}
    out["switches"] = {}
    for name in SWITCHES:
        on = bool(switches.get(name))
        if on:
            errors.setdefault(f"switch_{name}", []).append(
                _("FlexWork does not compute this switch yet: leave it off and apply it in payroll.")
            )
        out["switches"][name] = on

    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_scheme", fields=errors)
    return out


# ---------------------------------------------------------------------------- for the SQL


# Sub-reason keys of schemes stored before the leave request recorded its sub-reason.
REASON_ALIASES = {"WIFE_GIVING_BIRTH": "WIFE_BIRTH"}


def scheme_resolve(data: dict) -> dict:
    """The compact rules of ALLOWANCE_SQL: the cut per cause (% of the cuts component, and the rule
    it applies: HKD counted as TL4 is cause HKD, rule TL4), the leave rules per absence code, the
    cuts component and its weight, thresholds, cap and rounding."""
    cuts = {band: {"pct": data["bands"][band], "rule": band} for band in BANDS}
    for event in ("HKD", "HKP"):
        rule = data["events"][event]
        if "as" in rule:
            cuts[event] = {"pct": data["bands"][rule["as"]], "rule": rule["as"]}
        else:
            cuts[event] = {"pct": rule["pct"], "rule": event}
    cuts["TK"] = {"pct": data["events"]["TK"]["pct"], "rule": "TK"}
    cuts = {cause: rule for cause, rule in cuts.items() if rule["pct"]}
    leave = {}
    for kind, rule in data["leave"].items():
        absence = str(LEAVE_ABSENCE[LeaveKind(kind)])
        if rule.get("no_allowance"):
            leave[absence] = {"kind": kind, "free": 0, "pct": 0, "none": True}
        elif rule["pct"]:
            # docs/rules.md §10 "Scheme": free days by the request's sub-reason where the template's
            # source gives them (sick leave with a hospital stay, a wife giving birth), else the kind's.
            by_reason = {
                REASON_ALIASES.get(reason, reason): days
                for reason, days in (rule.get("free_days_by_reason") or {}).items()
                if days is not None
            }
            leave[absence] = {
                "kind": kind,
                "free": rule["free_days"],
                "pct": rule["pct"],
                "none": False,
                "by_reason": by_reason,
            }
    component = next(c for c in data["components"] if c["cuts"])
    score = next((c for c in data["components"] if c["code"] == "KINERJA"), None)
    return {
        "score_component": score["code"] if score else None,
        "score_weight": score["weight"] if score else None,
        "cuts": cuts,
        "leave": leave,
        "component": component["code"],
        "weight": component["weight"],
        "consecutive": data["thresholds"]["tk_consecutive_full_cut"],
        "whole_month": data["thresholds"]["tk_whole_month_zero"],
        "cap": data["monthly_cap_pct"],
        "rounding": data["rounding"],
    }


@dataclass(frozen=True)
class InForce:
    """The scheme of a month: the agency's version in force on its first day, else the default template."""

    data: dict
    scheme_id: int | None
    effective_from: datetime.date | None
    template: str


def scheme_in_force(*, agency_id: int, month_start: datetime.date) -> InForce:
    from allowances.models import AllowanceScheme

    row = (
        AllowanceScheme.objects.filter(agency_id=agency_id, effective_from__lte=month_start)
        .order_by("-effective_from")
        .values("id", "data", "effective_from", "template")
        .first()
    )
    if row is None:
        return InForce(data=template(DEFAULT_TEMPLATE), scheme_id=None, effective_from=None, template=DEFAULT_TEMPLATE)
    return InForce(
        data=row["data"], scheme_id=row["id"], effective_from=row["effective_from"], template=row["template"]
    )


def sql_parameters(*, agency_id: int, start: datetime.date, end: datetime.date) -> dict:
    """The allowance kind's own parameters of sql_params: the rules of the scheme in force (JSON)."""
    in_force = scheme_in_force(agency_id=agency_id, month_start=start.replace(day=1))
    rules = scheme_resolve(scheme_validate(in_force.data))
    return {"rules": json.dumps(rules, sort_keys=True, separators=(",", ":"))}
