"""The policy page's groups, the regulation each setting comes from, and the warnings shown when a
value goes beyond the regulation (docs/rules.md §3 "Policy page"). A warning never refuses: every
number is the agency's to set; the page says what the regulation says, before and after saving."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.org.models.policy import LEAVE_SETTINGS, POLICY_SETTING_BY_NAME

AGENCY_POLICY = gettext_lazy("agency policy (kebijakan instansi)")


SHIFT_SETTINGS = (
    "roster_publish_lead_days",
    "early_attach_hours",
    "late_grace_minutes",
    "min_rest_hours",
    "max_weekly_hours",
    "max_consecutive_nights",
    "max_consecutive_duty_days",
    "long_shift_warn_hours",
    "shift_hours_averaged_over_period",
)


@dataclass(frozen=True)
class Group:
    key: str
    title: Any
    fields: tuple[str, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "location",
        gettext_lazy("Location flexibility"),
        (
            "max_location_days_per_week",
            "other_office_counts_in_cap",
            "lead_working_days",
            "max_span_days",
            "escalation_working_days",
        ),
    ),
    Group(
        "time",
        gettext_lazy("Working time"),
        (
            "mon_thu_start",
            "mon_thu_end",
            "mon_thu_break_minutes",
            "fri_start",
            "fri_end",
            "fri_break_minutes",
            "ramadan_mon_thu_start",
            "ramadan_mon_thu_end",
            "ramadan_mon_thu_break_minutes",
            "ramadan_fri_start",
            "ramadan_fri_end",
            "ramadan_fri_break_minutes",
            "dynamic_window_start",
            "dynamic_window_end",
            "core_start",
            "core_end",
            "core_fri_start",
            "core_fri_end",
            "daily_floor_minutes",
            "pppk_part_time_weekly_hours",
        ),
    ),
    Group("eligibility", gettext_lazy("Eligibility"), ("new_in_post_months",)),
    Group("coverage", gettext_lazy("Unit coverage"), ("coverage_share_percent",)),
    Group(
        "attendance",
        gettext_lazy("Attendance"),
        ("max_accuracy_m", "lateness_band_minutes", "lateness_converts_to_days"),
    ),
    Group(
        "performance",
        gettext_lazy("Performance"),
        ("performance_period", "at_risk_ratio", "fwa_monitoring_months"),
    ),
    Group(
        "security",
        gettext_lazy("Security and privacy"),
        ("location_retention_days", "mfa_required_for_hr", "mfa_required_for_head"),
    ),
    # docs/rules.md §8: no national rule on shift length, rest or night work was found.
    Group("shifts", gettext_lazy("Shifts"), SHIFT_SETTINGS),
    # docs/rules.md §9: the regulation's numbers as defaults; lead times are the agency's.
    Group("leave", gettext_lazy("Leave"), LEAVE_SETTINGS),
)

# The regulation each setting comes from (domain facts in docs/rules.md). A number the regulation
# leaves to the agency says so; its value is still data.
PERPRES_HOURS = "Perpres 21/2023 Pasal 9"
PERMEN_DYNAMIC = "PermenPANRB 4/2025 Pasal 17"
SOURCES: dict[str, Any] = {
    "max_location_days_per_week": "PermenPANRB 4/2025 Pasal 13(1)",
    "other_office_counts_in_cap": "PermenPANRB 4/2025 Pasal 12(1), 13(1)",
    "lead_working_days": AGENCY_POLICY,
    "max_span_days": AGENCY_POLICY,
    "escalation_working_days": AGENCY_POLICY,
    **{
        name: PERPRES_HOURS
        for name in (
            "mon_thu_start",
            "mon_thu_end",
            "mon_thu_break_minutes",
            "fri_start",
            "fri_end",
            "fri_break_minutes",
            "ramadan_mon_thu_start",
            "ramadan_mon_thu_end",
            "ramadan_mon_thu_break_minutes",
            "ramadan_fri_start",
            "ramadan_fri_end",
            "ramadan_fri_break_minutes",
        )
    },
    **{
        name: PERMEN_DYNAMIC
        for name in (
            "dynamic_window_start",
            "dynamic_window_end",
            "core_start",
            "core_end",
            "core_fri_start",
            "core_fri_end",
        )
    },
    "daily_floor_minutes": AGENCY_POLICY,
    "pppk_part_time_weekly_hours": AGENCY_POLICY,
    "new_in_post_months": "PermenPANRB 4/2025 Pasal 25",
    "coverage_share_percent": AGENCY_POLICY,
    "max_accuracy_m": AGENCY_POLICY,
    "lateness_band_minutes": AGENCY_POLICY,
    "lateness_converts_to_days": "PP 94/2021",
    "performance_period": "PermenPANRB 6/2022",
    "at_risk_ratio": AGENCY_POLICY,
    "fwa_monitoring_months": "PermenPANRB 4/2025 Pasal 35",
    "location_retention_days": "UU PDP 27/2022",
    "mfa_required_for_hr": AGENCY_POLICY,
    "mfa_required_for_head": AGENCY_POLICY,
    **dict.fromkeys(SHIFT_SETTINGS, AGENCY_POLICY),
    **{name: POLICY_SETTING_BY_NAME[name].source or AGENCY_POLICY for name in LEAVE_SETTINGS},
}

# Simple limits the page's script checks while HR types (static/js/policy.js), and the server again.
WEEKLY_CAP = 2  # PermenPANRB 4/2025 Pasal 13(1): "paling banyak 2 (dua) hari kerja dalam 1 (satu) minggu"
LIVE_LIMITS: dict[str, dict[str, Any]] = {
    "max_location_days_per_week": {
        "above": WEEKLY_CAP,
        "text": gettext_lazy(
            "More than the 2 working days a week that PermenPANRB 4/2025 Pasal 13(1) allows. An exception "
            "basis already lifts the cap for the people who need it."
        ),
    },
    "new_in_post_months": {
        "below": 1,
        "text": gettext_lazy(
            "PermenPANRB 4/2025 Pasal 25 excludes employees new in their position; 0 months lets them work "
            "flexibly at once."
        ),
    },
}
WEEK_MINUTES = 37 * 60 + 30  # Perpres 21/2023: 37.5 hours a week
RAMADAN_WEEK_MINUTES = 32 * 60 + 30  # 32.5 hours in Ramadan


def _minutes(start: datetime.time | None, end: datetime.time | None, break_minutes: int | None) -> int | None:
    if start is None or end is None or break_minutes is None:
        return None
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) - break_minutes


def _week(values: Mapping[str, Any], prefix: str) -> int | None:
    mon_thu = _minutes(
        values.get(f"{prefix}mon_thu_start"),
        values.get(f"{prefix}mon_thu_end"),
        values.get(f"{prefix}mon_thu_break_minutes"),
    )
    fri = _minutes(
        values.get(f"{prefix}fri_start"), values.get(f"{prefix}fri_end"), values.get(f"{prefix}fri_break_minutes")
    )
    if mon_thu is None or fri is None:
        return None
    return 4 * mon_thu + fri


def _hours(minutes: int) -> str:
    """ "35,5" or "35.5": in the active language."""
    return formats.number_format(Decimal(minutes) / 60, decimal_pos=1)


def policy_warnings(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field name → what goes beyond the regulation for these (effective) values."""
    found: dict[str, list[str]] = {}
    for name, limit in LIVE_LIMITS.items():
        value = values.get(name)
        if value is None:
            continue
        if ("above" in limit and value > limit["above"]) or ("below" in limit and value < limit["below"]):
            found.setdefault(name, []).append(str(limit["text"]))
    normal = _week(values, "")
    if normal is not None and normal < WEEK_MINUTES:
        found.setdefault("fri_break_minutes", []).append(
            _(
                "These hours make %(hours)s net hours a week; Perpres 21/2023 Pasal 9 requires 37.5 "
                "(Monday–Thursday 7.5 hours net, Friday 7.5 hours net)."
            )
            % {"hours": _hours(normal)}
        )
    ramadan = _week(values, "ramadan_")
    if ramadan is not None and ramadan < RAMADAN_WEEK_MINUTES:
        found.setdefault("ramadan_fri_break_minutes", []).append(
            _("These Ramadan hours make %(hours)s net hours a week; Perpres 21/2023 requires 32.5.")
            % {"hours": _hours(ramadan)}
        )
    return found


def grouped(
    form, *, warnings: Mapping[str, list[str]], inherited: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The form's fields by group, each with its source, its warnings and whether it opens on a phone
    (a group with an error or a warning opens; the first group too)."""
    groups = []
    for index, group in enumerate(GROUPS):
        fields = []
        for name in group.fields:
            if name not in form.fields:
                continue
            limit = LIVE_LIMITS.get(name)
            texts = warnings.get(name, [])
            live_text = str(limit["text"]) if limit else ""
            fields.append(
                {
                    "field": form[name],
                    "source": SOURCES.get(name, AGENCY_POLICY),
                    "warnings": texts,
                    # The one warning the script shows and hides while typing, with its limit.
                    "limit": limit,
                    "limit_shown": bool(limit) and live_text in texts,
                    "other_warnings": [text for text in texts if text != live_text],
                    # On a unit's page: the agency value an empty field inherits.
                    "inherited": (inherited or {}).get(name, ""),
                }
            )
        if not fields:
            continue
        flagged = sum(len(item["warnings"]) for item in fields)
        errors = any(item["field"].errors for item in fields)
        groups.append(
            {
                "key": group.key,
                "title": group.title,
                "fields": fields,
                "warning_count": flagged,
                "open": index == 0 or flagged > 0 or errors,
            }
        )
    return groups
