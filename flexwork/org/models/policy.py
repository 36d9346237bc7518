"""Agency policy with per-unit overrides. Every number and switch of
docs/rules.md is a row value with its default here, never a constant in code.

POLICY_SETTINGS is the single list: it builds the agency columns (NOT NULL, with defaults),
the override columns (NULL = inherit), their range CheckConstraints, the API serializers and
the effective values returned by `flexwork.org.selectors.policy_for`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel


class PerformancePeriod(models.TextChoices):
    MONTHLY = "MONTHLY", _("Monthly")
    QUARTERLY = "QUARTERLY", _("Quarterly")
    SEMESTER = "SEMESTER", _("Semester")


@dataclass(frozen=True)
class PolicySetting:
    name: str
    kind: str  # int | bool | time | decimal | choice
    default: Any
    label: Any
    minimum: Any = None
    maximum: Any = None
    source: str = ""

    def field(self, *, nullable: bool) -> models.Field:
        options: dict[str, Any] = {"verbose_name": self.label}
        if nullable:
            options.update(null=True, blank=True)
        else:
            options["default"] = self.default
        validators = []
        if self.minimum is not None:
            validators.append(MinValueValidator(self.minimum))
        if self.maximum is not None:
            validators.append(MaxValueValidator(self.maximum))
        if self.kind == "int":
            return models.IntegerField(validators=validators, **options)
        if self.kind == "bool":
            return models.BooleanField(**options)
        if self.kind == "time":
            return models.TimeField(**options)
        if self.kind == "decimal":
            return models.DecimalField(max_digits=5, decimal_places=2, validators=validators, **options)
        return models.CharField(max_length=16, choices=PerformancePeriod.choices, **options)


T = datetime.time
POLICY_SETTINGS: tuple[PolicySetting, ...] = (
    PolicySetting("max_location_days_per_week", "int", 2, _("location days per week (cap)"), 0, 5, "Pasal 13(1)"),
    PolicySetting("other_office_counts_in_cap", "bool", True, _("another office counts in the weekly cap")),
    PolicySetting("new_in_post_months", "int", 6, _("months in the position before flexible work"), 0, 60, "Pasal 25"),
    PolicySetting("coverage_share_percent", "int", 30, _("largest share of a unit away on one day (%)"), 0, 100),
    PolicySetting("lead_working_days", "int", 1, _("working days of notice before the first day"), 0, 30),
    PolicySetting("max_span_days", "int", 92, _("longest span of one request (days)"), 1, 366),
    PolicySetting("mon_thu_start", "time", T(7, 30), _("Monday–Thursday start")),
    PolicySetting("mon_thu_end", "time", T(16, 0), _("Monday–Thursday end")),
    PolicySetting("mon_thu_break_minutes", "int", 60, _("Monday–Thursday break (minutes)"), 0, 240),
    PolicySetting("fri_start", "time", T(7, 30), _("Friday start")),
    PolicySetting("fri_end", "time", T(16, 30), _("Friday end")),
    PolicySetting("fri_break_minutes", "int", 90, _("Friday break (minutes)"), 0, 240),
    PolicySetting("ramadan_mon_thu_start", "time", T(8, 0), _("Ramadan Monday–Thursday start")),
    PolicySetting("ramadan_mon_thu_end", "time", T(15, 0), _("Ramadan Monday–Thursday end")),
    PolicySetting("ramadan_mon_thu_break_minutes", "int", 30, _("Ramadan Monday–Thursday break (minutes)"), 0, 240),
    PolicySetting("ramadan_fri_start", "time", T(8, 0), _("Ramadan Friday start")),
    PolicySetting("ramadan_fri_end", "time", T(15, 30), _("Ramadan Friday end")),
    PolicySetting("ramadan_fri_break_minutes", "int", 60, _("Ramadan Friday break (minutes)"), 0, 240),
    PolicySetting("dynamic_window_start", "time", T(6, 0), _("dynamic hours: earliest start")),
    PolicySetting("dynamic_window_end", "time", T(19, 0), _("dynamic hours: latest end")),
    PolicySetting("core_start", "time", T(9, 0), _("core hours start")),
    PolicySetting("core_end", "time", T(15, 0), _("core hours end")),
    PolicySetting("core_fri_start", "time", T(9, 0), _("Friday core hours start")),
    PolicySetting("core_fri_end", "time", T(11, 0), _("Friday core hours end")),
    PolicySetting("daily_floor_minutes", "int", 240, _("shortest planned day before a warning (minutes)"), 0, 720),
    PolicySetting("max_accuracy_m", "int", 100, _("worst accepted location accuracy (m)"), 1, 5000),
    PolicySetting("location_retention_days", "int", 365, _("days positions are kept"), 1, 3650, "UU PDP 27/2022"),
    PolicySetting("escalation_working_days", "int", 3, _("working days before a request escalates"), 1, 30),
    PolicySetting("lateness_band_minutes", "int", 30, _("width of a lateness band (minutes)"), 1, 120),
    PolicySetting("at_risk_ratio", "decimal", Decimal("0.80"), _("at-risk ratio of expected progress"), 0, 1),
    PolicySetting("performance_period", "choice", PerformancePeriod.MONTHLY, _("performance period")),
    PolicySetting(
        "lateness_converts_to_days", "bool", False, _("lateness converts into absence days"), None, None, "PP 94/2021"
    ),
    PolicySetting("pppk_part_time_weekly_hours", "decimal", Decimal("20.00"), _("PPPK part-time weekly hours"), 1, 40),
    PolicySetting(
        "fwa_monitoring_months", "int", 3, _("months compared before and after flexible work"), 1, 12, "Pasal 35"
    ),
    # Shifts (docs/rules.md §8): no national rule on shift length, rest or night work; agency policy.
    PolicySetting("roster_publish_lead_days", "int", 7, _("days a roster is published before its period"), 0, 60),
    PolicySetting(
        "early_attach_hours", "int", 6, _("hours before a duty an early check-in still attaches to it"), 0, 12
    ),
    PolicySetting("late_grace_minutes", "int", 0, _("minutes of grace before a duty counts as late"), 0, 60),
    PolicySetting("min_rest_hours", "int", 10, _("shortest rest between duties (hours)"), 0, 24),
    PolicySetting("max_weekly_hours", "decimal", Decimal("55.50"), _("most duty hours in a week"), 1, 168),
    PolicySetting("max_consecutive_nights", "int", 3, _("most night duties in a row"), 1, 14),
    PolicySetting("max_consecutive_duty_days", "int", 6, _("most duty days in a row"), 1, 31),
    PolicySetting(
        "long_shift_warn_hours", "decimal", Decimal("12.00"), _("longest duty before a warning (hours)"), 1, 24
    ),
    PolicySetting(
        "shift_hours_averaged_over_period", "bool", False, _("duty hours compared over the roster period, not per week")
    ),
    # Leave entitlements (docs/rules.md §9): the regulation's numbers are the defaults, lead times are agency policy.
    PolicySetting(
        "ct_min_service_months", "int", 12, _("months of service before annual leave"), 0, 60, "PP 11/2017 Pasal 310"
    ),
    PolicySetting("ct_days_per_year", "int", 12, _("annual leave days a year"), 0, 30, "PP 11/2017 Pasal 310"),
    PolicySetting(
        "ct_carry_max_days", "int", 6, _("annual leave days carried into the next year"), 0, 12, "PP 11/2017 Pasal 313"
    ),
    PolicySetting(
        "ct_max_total_days", "int", 24, _("most annual leave days in one year"), 0, 48, "PP 11/2017 Pasal 313"
    ),
    PolicySetting(
        "ct_carry_chain",
        "bool",
        False,
        _("days from two years ago carry on from last year's unused days"),
        None,
        None,
        "PP 11/2017 Pasal 313",
    ),
    PolicySetting(
        "cb_min_service_years", "int", 5, _("years of service before long leave"), 0, 30, "PP 11/2017 Pasal 315"
    ),
    PolicySetting("cb_max_months", "int", 3, _("longest long leave (months)"), 1, 6, "PP 11/2017 Pasal 315"),
    PolicySetting("cm_months", "int", 3, _("longest maternity leave (months)"), 1, 6, "PP 11/2017 Pasal 325"),
    PolicySetting("cm_max_births", "int", 3, _("births with maternity leave"), 1, 10, "PP 11/2017 Pasal 325"),
    PolicySetting(
        "cap_max_months", "int", 1, _("longest leave for important reasons (months)"), 1, 3, "PP 11/2017 Pasal 329"
    ),
    PolicySetting(
        "cltn_min_service_years", "int", 5, _("years of service before unpaid leave"), 0, 30, "PP 11/2017 Pasal 331"
    ),
    PolicySetting("ct_lead_working_days", "int", 3, _("working days of notice before annual leave"), 0, 60),
    PolicySetting("cb_lead_working_days", "int", 10, _("working days of notice before long leave"), 0, 60),
    PolicySetting("cltn_lead_working_days", "int", 30, _("working days of notice before unpaid leave"), 0, 120),
    PolicySetting("leave_abroad_lead_days", "int", 20, _("working days of notice before any leave abroad"), 0, 120),
    PolicySetting("cs_backdate_working_days", "int", 3, _("working days a sick leave may be asked for late"), 0, 20),
    PolicySetting("cs_max_days", "int", 365, _("longest sick leave (days)"), 1, 730, "PP 11/2017 Pasal 321"),
    PolicySetting(
        "cs_extension_months",
        "int",
        6,
        _("months a sick leave may be extended with a health board letter"),
        0,
        12,
        "PP 11/2017 Pasal 321",
    ),
    PolicySetting(
        "cs_miscarriage_days",
        "int",
        45,
        _("longest sick leave after a miscarriage (days)"),
        1,
        90,
        "PP 11/2017 Pasal 322",
    ),
    PolicySetting(
        "pppk_cs_months",
        "int",
        1,
        _("longest sick leave of a PPPK (months)"),
        1,
        12,
        "PP 49/2018 Pasal 79; Perban BKN 7/2022",
    ),
    PolicySetting(
        "pppk_cs_gov_doctor_days",
        "int",
        14,
        _("days of a PPPK's sick leave after which a government doctor's letter is needed"),
        1,
        31,
        "PP 49/2018 Pasal 79; Perban BKN 7/2022",
    ),
    PolicySetting(
        "pppk_family_ct_days",
        "int",
        6,
        _("annual leave days a PPPK may take early for family reasons"),
        0,
        12,
        "PP 49/2018 Pasal 79; Perban BKN 7/2022",
    ),
)
POLICY_SETTING_BY_NAME = {setting.name: setting for setting in POLICY_SETTINGS}
# The policy page's "Leave" group (docs/rules.md §9), in this order.
LEAVE_SETTINGS = tuple(
    name
    for name in POLICY_SETTING_BY_NAME
    if name.startswith(("ct_", "cb_", "cs_", "cm_", "cap_", "cltn_", "leave_"))
    or name in ("pppk_cs_months", "pppk_cs_gov_doctor_days", "pppk_family_ct_days")
)
POLICY_FIELD_NAMES = tuple(setting.name for setting in POLICY_SETTINGS)
# Pairs (start, end) that must be ordered in the effective policy.
POLICY_TIME_PAIRS = (
    ("mon_thu_start", "mon_thu_end"),
    ("fri_start", "fri_end"),
    ("ramadan_mon_thu_start", "ramadan_mon_thu_end"),
    ("ramadan_fri_start", "ramadan_fri_end"),
    ("dynamic_window_start", "dynamic_window_end"),
    ("core_start", "core_end"),
    ("core_fri_start", "core_fri_end"),
)


END_AFTER_START = _("The end must be after the start.")


def _range_constraints(*, nullable: bool) -> list[models.BaseConstraint]:
    constraints: list[models.BaseConstraint] = []
    for setting in POLICY_SETTINGS:
        if setting.minimum is None and setting.maximum is None and setting.kind != "choice":
            continue
        if setting.kind == "choice":
            condition = Q(**{f"{setting.name}__in": PerformancePeriod.values})
        else:
            condition = Q(**{f"{setting.name}__gte": setting.minimum, f"{setting.name}__lte": setting.maximum})
        if nullable:
            condition |= Q(**{f"{setting.name}__isnull": True})
        constraints.append(models.CheckConstraint(condition=condition, name=f"org_%(class)s_{setting.name}_range"))
    for start, end in POLICY_TIME_PAIRS:
        condition = Q(**{f"{end}__gt": models.F(start)})
        if nullable:
            condition |= Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__isnull": True})
        constraints.append(
            models.CheckConstraint(
                condition=condition, name=f"org_%(class)s_{start}_before_end", violation_error_message=END_AFTER_START
            )
        )
    return constraints


def _clean_time_pairs(self) -> None:
    """Name the field in the error (the DB constraint alone would only name itself)."""
    errors = {}
    for start, end in POLICY_TIME_PAIRS:
        start_value, end_value = getattr(self, start), getattr(self, end)
        if start_value is not None and end_value is not None and end_value <= start_value:
            errors[end] = [END_AFTER_START]
    if errors:
        raise ValidationError(errors)


def _policy_base(class_name: str, *, nullable: bool) -> type[models.Model]:
    attrs: dict[str, Any] = {setting.name: setting.field(nullable=nullable) for setting in POLICY_SETTINGS}
    attrs["__module__"] = __name__
    attrs["clean"] = _clean_time_pairs
    attrs["Meta"] = type("Meta", (), {"abstract": True, "constraints": _range_constraints(nullable=nullable)})
    return type(class_name, (AgencyOwnedModel,), attrs)


AgencyPolicyValues = _policy_base("AgencyPolicyValues", nullable=False)
UnitPolicyValues = _policy_base("UnitPolicyValues", nullable=True)


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AgencyPolicyEvent"
)
class AgencyPolicy(AgencyPolicyValues):
    """One per agency. Created with the agency (agency_create)."""

    class Meta(AgencyPolicyValues.Meta):
        constraints = [
            *AgencyPolicyValues.Meta.constraints,
            models.UniqueConstraint(fields=["agency"], name="org_agencypolicy_one_per_agency"),
        ]


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="UnitPolicyOverrideEvent"
)
class UnitPolicyOverride(UnitPolicyValues):
    """A unit's overrides; a NULL column inherits the agency value."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="policy_override")

    class Meta(UnitPolicyValues.Meta):
        pass
