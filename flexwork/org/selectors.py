"""Reads of the organisation app. Every selector takes the acting user and goes through scope.py."""

from __future__ import annotations

import datetime
from dataclasses import make_dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from flexwork.org import scope as org_scope
from flexwork.org.models import (
    POLICY_SETTINGS,
    Agency,
    AgencyPolicy,
    DesignatedLocation,
    Employee,
    EmployeeChange,
    Holiday,
    Position,
    RamadanRange,
    Unit,
    UnitPolicyOverride,
)

# ---------------------------------------------------------------------------- policy

EffectivePolicy = make_dataclass(
    "EffectivePolicy",
    [
        ("agency_id", int),
        ("unit_id", int | None),
        ("mfa_required_for_hr", bool),
        ("mfa_required_for_head", bool),
        ("overridden", frozenset),
        *[(setting.name, Any) for setting in POLICY_SETTINGS],
    ],
    frozen=True,
    namespace={"__doc__": "The policy in force for an agency or a unit: the unit's override, else the agency's."},
)


def policy_for(*, agency: Agency | int, unit: Unit | None = None) -> Any:
    """Return the effective policy (an EffectivePolicy, frozen). Public-service units inherit a
    coverage share of 0 unless their override sets one (docs/rules.md §3, PUBLIC_SERVICE_MIN_ONSITE).
    Two queries at most: the agency policy (with the agency) and the unit's override."""
    agency_id = agency if isinstance(agency, int) else agency.id
    base = AgencyPolicy.objects.select_related("agency").get(agency_id=agency_id)
    override = UnitPolicyOverride.objects.filter(unit_id=unit.id).first() if unit is not None else None
    return _effective_policy(base, unit, override)


def policies_for(*, agency: Agency | int, units) -> dict[int, Any]:
    """`policy_for` of each of `units` (unit id → EffectivePolicy) in two queries, whatever their number."""
    agency_id = agency if isinstance(agency, int) else agency.id
    base = AgencyPolicy.objects.select_related("agency").get(agency_id=agency_id)
    units = {unit.id: unit for unit in units}
    overrides = {o.unit_id: o for o in UnitPolicyOverride.objects.filter(unit_id__in=list(units))}
    return {unit_id: _effective_policy(base, unit, overrides.get(unit_id)) for unit_id, unit in units.items()}


def _effective_policy(base: AgencyPolicy, unit: Unit | None, override: UnitPolicyOverride | None) -> Any:
    values = {setting.name: getattr(base, setting.name) for setting in POLICY_SETTINGS}
    overridden: set[str] = set()
    if unit is not None:
        if unit.is_public_service:
            values["coverage_share_percent"] = 0
        if override is not None:
            for setting in POLICY_SETTINGS:
                value = getattr(override, setting.name)
                if value is not None:
                    values[setting.name] = value
                    overridden.add(setting.name)
    return EffectivePolicy(
        agency_id=base.agency_id,
        unit_id=unit.id if unit else None,
        mfa_required_for_hr=base.agency.mfa_required_for_hr,
        mfa_required_for_head=base.agency.mfa_required_for_head,
        overridden=frozenset(overridden),
        **values,
    )


def unit_policy_override_get(*, unit: Unit) -> UnitPolicyOverride | None:
    return UnitPolicyOverride.objects.filter(unit_id=unit.id).first()


# ---------------------------------------------------------------------------- employees


def employee_list_for(*, user, filters: dict | None = None) -> QuerySet[Employee]:
    filters = filters or {}
    qs = org_scope.visible_employees(user).select_related("unit", "position", "supervisor", "user")
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(nip__startswith=term))
    if filters.get("unit"):
        qs = qs.filter(unit_id=filters["unit"])
    if filters.get("unit_subtree"):
        qs = qs.filter(unit__path__contains=[filters["unit_subtree"]])
    if filters.get("active") is not None:
        qs = qs.filter(is_active=filters["active"])
    return qs.order_by("name", "id")


def employee_get_for(*, user, employee_id: int) -> Employee:
    """The employee if `user` may see them; 404 otherwise (also for another agency)."""
    qs = org_scope.visible_employees(user).select_related("unit", "position", "supervisor", "user", "agency")
    return get_object_or_404(qs, id=employee_id)


def employee_changes(*, employee: Employee) -> QuerySet[EmployeeChange]:
    return EmployeeChange.objects.filter(agency_id=employee.agency_id, employee=employee).select_related("actor")


def employee_for_user(user) -> Employee | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Employee.objects.select_related("agency", "unit", "position", "supervisor").filter(user_id=user.pk).first()


# ---------------------------------------------------------------------------- units


def unit_list_for(*, user) -> QuerySet[Unit]:
    return org_scope.visible_units(user).select_related("head", "work_week_basis_file").order_by("path")


def unit_get_for(*, user, unit_id: int) -> Unit:
    return get_object_or_404(org_scope.visible_units(user).select_related("head", "work_week_basis_file"), id=unit_id)


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    """The unit and all its descendants, in tree order (one GIN-indexed query)."""
    return Unit.objects.filter(agency_id=unit.agency_id, path__contains=[unit.id]).order_by("path")


def unit_in_agency_get_for(*, user, unit_id: int) -> Unit:
    """Any unit of the user's agency (a pick list: another office, a policy override): 404 if outside."""
    scope = org_scope.require_agency(user)
    return get_object_or_404(Unit.objects.filter(agency_id=scope.agency_id), id=unit_id)


# ---------------------------------------------------------------------------- reference data


def position_list_for(*, user) -> QuerySet[Position]:
    return Position.objects.filter(org_scope.agency_q(user)).order_by("code")


def position_get_for(*, user, position_id: int) -> Position:
    return get_object_or_404(Position.objects.filter(org_scope.agency_q(user)), id=position_id)


def location_list_for(*, user, active: bool | None = None) -> QuerySet[DesignatedLocation]:
    qs = DesignatedLocation.objects.filter(org_scope.agency_q(user))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("name")


def location_get_for(*, user, location_id: int) -> DesignatedLocation:
    return get_object_or_404(DesignatedLocation.objects.filter(org_scope.agency_q(user)), id=location_id)


def holiday_list_for(*, user, year: int | None = None) -> QuerySet[Holiday]:
    qs = Holiday.objects.filter(org_scope.agency_q(user))
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs.order_by("date", "name")


def holiday_get_for(*, user, holiday_id: int) -> Holiday:
    return get_object_or_404(Holiday.objects.filter(org_scope.agency_q(user)), id=holiday_id)


def holiday_dates(*, agency_id: int, date_from: datetime.date, date_to: datetime.date) -> set[datetime.date]:
    """Non-working days of the agency's calendar in [date_from, date_to] (both kinds; unconfirmed
    estimates count until HR moves them). For the working-day arithmetic of other apps."""
    return set(
        Holiday.objects.filter(agency_id=agency_id, date__range=(date_from, date_to)).values_list("date", flat=True)
    )


def ramadan_ranges(*, agency_id: int, date_from: datetime.date, date_to: datetime.date) -> list[RamadanRange]:
    return list(RamadanRange.objects.filter(agency_id=agency_id, start__lte=date_to, end__gte=date_from))
