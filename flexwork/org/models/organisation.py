"""Agencies, the unit tree, positions, employees and explicit roles (docs/rules.md §7)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from flexwork.common.models import AgencyOwnedModel, BaseModel
from flexwork.org.validators import validate_latitude, validate_longitude

TIME_ZONE_CHOICES = [(zone, zone) for zone in settings.FLEXWORK_TIME_ZONES]


def coordinate_constraints(prefix: str, lat: str, lon: str, radius: str | None = None) -> list[models.BaseConstraint]:
    """Named DB checks: latitude in [-90, 90], longitude in [-180, 180], both or neither, radius > 0."""
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True}) | Q(**{f"{lat}__gte": -90, f"{lat}__lte": 90}),
            name=f"{prefix}_{lat}_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lon}__isnull": True}) | Q(**{f"{lon}__gte": -180, f"{lon}__lte": 180}),
            name=f"{prefix}_{lon}_range",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{lat}__isnull": True}, **{f"{lon}__isnull": True})
            | Q(**{f"{lat}__isnull": False}, **{f"{lon}__isnull": False}),
            name=f"{prefix}_{lat}_{lon}_together",
        ),
    ]
    if radius:
        constraints.append(
            models.CheckConstraint(condition=Q(**{f"{radius}__gt": 0}), name=f"{prefix}_{radius}_positive")
        )
    return constraints


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AgencyEvent")
class Agency(BaseModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The letterhead (kop) of the agency's report PDFs: the address lines under its name.
    address = models.TextField(_("address"), blank=True, max_length=500)
    time_zone = models.CharField(_("time zone"), max_length=32, choices=TIME_ZONE_CHOICES, default="Asia/Jakarta")
    fwa_start_date = models.DateField(_("flexible work start date"), null=True, blank=True)
    mfa_required_for_hr = models.BooleanField(_("MFA required for HR admins"), default=True)
    mfa_required_for_head = models.BooleanField(_("MFA required for the agency head"), default=False, db_default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_zone__in=settings.FLEXWORK_TIME_ZONES), name="org_agency_time_zone_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkWeek(models.TextChoices):
    """docs/rules.md §8: a unit's working week. Anything but MON_FRI needs a recorded basis."""

    MON_FRI = "MON_FRI", _("Monday to Friday")
    FIXED_WEEK = "FIXED_WEEK", _("Another fixed working week")
    ROSTER = "ROSTER", _("Shifts on a roster")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="UnitEvent")
class Unit(AgencyOwnedModel):
    """A node of the agency's unit tree. `path` holds the ids from the root down to this unit
    (inclusive), maintained by the unit services, so a subtree is one GIN-indexed query:
    `Unit.objects.filter(path__contains=[unit.id])`."""

    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    head = models.ForeignKey(
        "org.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="headed_units"
    )
    is_decision_level = models.BooleanField(_("decision level"), default=False)
    is_public_service = models.BooleanField(_("public service unit"), default=False)
    min_onsite_headcount = models.PositiveIntegerField(_("minimum on-site headcount"), default=0)
    time_zone = models.CharField(_("time zone"), max_length=32, choices=TIME_ZONE_CHOICES, null=True, blank=True)
    office_latitude = models.DecimalField(
        _("office latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    office_longitude = models.DecimalField(
        _("office longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    office_radius_m = models.PositiveIntegerField(_("office radius (m)"), default=100)
    fwa_start_date = models.DateField(_("flexible work start date"), null=True, blank=True)
    # docs/rules.md §8: FIXED_WEEK and ROSTER need the PPK's decree (after MenPANRB's consideration) on record.
    work_week = models.CharField(
        _("working week"), max_length=16, choices=WorkWeek.choices, default=WorkWeek.MON_FRI, db_default="MON_FRI"
    )
    work_week_basis = models.CharField(
        _("basis for the working week"), max_length=300, blank=True, default="", db_default="",
        help_text=_("The decree's number and date, e.g. \"Keputusan Kepala Dinas No. 800/12/2026\"."),
    )  # fmt: skip
    work_week_basis_file = models.ForeignKey(
        "common.EvidenceFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("decree file"),
    )  # fmt: skip
    path = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [GinIndex(fields=["path"], name="org_unit_path_gin")]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="org_unit_code_unique_per_agency"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_unit_not_own_parent"),
            models.UniqueConstraint(
                fields=["agency"], condition=Q(parent__isnull=True), name="org_unit_one_root_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(time_zone__isnull=True) | Q(time_zone__in=settings.FLEXWORK_TIME_ZONES),
                name="org_unit_time_zone_valid",
            ),
            *coordinate_constraints("org_unit", "office_latitude", "office_longitude", "office_radius_m"),
            models.CheckConstraint(condition=Q(work_week__in=WorkWeek.values), name="org_unit_work_week_valid"),
            models.CheckConstraint(
                condition=Q(work_week="MON_FRI") | ~Q(work_week_basis=""),
                name="org_unit_work_week_basis_recorded",
                violation_error_message=_("A working week other than Monday to Friday needs the decree it rests on."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return len(self.path)

    def evidence_visible_to(self, user) -> bool:
        """The decree file of the working week (docs/rules.md §8 "Work week of a unit"): the agency's HR admins."""
        from flexwork.org import scope as org_scope

        scope = org_scope.scope_for(user)
        return scope.agency_id == self.agency_id and org_scope.HR_ADMIN in scope.roles


class ShiftCriterion(models.TextChoices):
    """docs/rules.md §8: why a position works shifts (PermenPANRB 4/2025, fleksibilitas kerja sif)."""

    DAILY_OVER_8H30 = "DAILY_OVER_8H30", _("Service over 8 h 30 min a day")
    WEEK_OVER_5D = "WEEK_OVER_5D", _("Service over 5 days and 37.5 h a week")


class PositionType(models.TextChoices):
    JPT = "JPT", _("Senior executive (JPT)")
    ADMINISTRATOR = "ADMINISTRATOR", _("Administrator")
    PENGAWAS = "PENGAWAS", _("Supervisor (Pengawas)")
    PELAKSANA = "PELAKSANA", _("Executor (Pelaksana)")
    FUNGSIONAL = "FUNGSIONAL", _("Functional")


# The five task criteria for location flexibility (docs/rules.md §3).
TASK_CRITERIA = (
    "task_outside_office",
    "task_no_special_equipment",
    "task_ict_feasible",
    "task_minimal_face_to_face",
    "task_no_continuous_supervision",
)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="PositionEvent")
class Position(AgencyOwnedModel):
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=PositionType.choices)
    is_fwa_eligible = models.BooleanField(_("eligible for flexible work"), default=False)
    task_outside_office = models.BooleanField(_("can be done outside the placement office"), default=False)
    task_no_special_equipment = models.BooleanField(_("needs no special room or equipment"), default=False)
    task_ict_feasible = models.BooleanField(_("can be done with ICT"), default=False)
    task_minimal_face_to_face = models.BooleanField(_("has minimal face-to-face interaction"), default=False)
    task_no_continuous_supervision = models.BooleanField(_("needs no continuous direct supervision"), default=False)
    shift_eligible = models.BooleanField(_("works shifts"), default=False, db_default=False)
    shift_criterion = models.CharField(
        _("reason for shifts"), max_length=16, choices=ShiftCriterion.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="org_position_code_unique_per_agency"),
            models.CheckConstraint(condition=Q(type__in=PositionType.values), name="org_position_type_valid"),
            # An eligible position meets all five task criteria (docs/rules.md §3).
            models.CheckConstraint(
                condition=Q(is_fwa_eligible=False) | Q(**{name: True for name in TASK_CRITERIA}),
                name="org_position_eligible_meets_criteria",
            ),
            models.CheckConstraint(
                condition=Q(shift_eligible=False, shift_criterion="")
                | Q(shift_eligible=True, shift_criterion__in=ShiftCriterion.values),
                name="org_position_shift_criterion",
                violation_error_message=_(
                    "A position that works shifts names why: over 8 h 30 min a day, or over 5 days a week."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.is_fwa_eligible and not all(getattr(self, name) for name in TASK_CRITERIA):
            raise ValidationError(
                {
                    "is_fwa_eligible": _(
                        "A position is eligible for flexible work only when it meets all five task criteria."
                    )
                }
            )


class EmployeeType(models.TextChoices):
    PNS = "PNS", "PNS"
    CPNS = "CPNS", "CPNS"
    PPPK = "PPPK", "PPPK"
    PPPK_PARUH_WAKTU = "PPPK_PARUH_WAKTU", _("PPPK part-time (Paruh Waktu)")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # UU PDP: the audit trail never copies positions (the registered home).
    exclude=["home_latitude", "home_longitude"],
    model_name="EmployeeEvent",
)
class Employee(AgencyOwnedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="employee")
    nip = models.CharField(_("NIP"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    employee_type = models.CharField(_("employee type"), max_length=20, choices=EmployeeType.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="employees")
    position_start_date = models.DateField(_("start date in the position"), null=True, blank=True)
    # docs/rules.md §9: continuous service counts from TMT CPNS, or from the first PPPK contract.
    service_start_date = models.DateField(_("service start (TMT)"), null=True, blank=True)
    # PPPK only: the current contract's length, which decides carrying leave over (§9 "Rollover").
    contract_months = models.PositiveSmallIntegerField(_("contract length in months"), null=True, blank=True)
    supervisor = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="direct_reports"
    )
    sanction_start = models.DateField(_("disciplinary sanction from"), null=True, blank=True)
    sanction_end = models.DateField(_("disciplinary sanction until"), null=True, blank=True)
    sanction_in_process = models.BooleanField(_("disciplinary sanction in process"), default=False)
    home_latitude = models.DecimalField(
        _("home latitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_latitude]
    )
    home_longitude = models.DecimalField(
        _("home longitude"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[validate_longitude]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["agency", "unit"], name="org_employee_agency_unit")]
        constraints = [
            models.CheckConstraint(condition=Q(nip__regex=r"^[0-9]{18}$"), name="org_employee_nip_18_digits"),
            models.CheckConstraint(condition=Q(employee_type__in=EmployeeType.values), name="org_employee_type_valid"),
            models.CheckConstraint(condition=~Q(supervisor=models.F("id")), name="org_employee_not_own_supervisor"),
            models.CheckConstraint(
                condition=Q(sanction_start__isnull=True)
                | Q(sanction_end__isnull=True)
                | Q(sanction_end__gte=models.F("sanction_start")),
                name="org_employee_sanction_dates_ordered",
            ),
            *coordinate_constraints("org_employee", "home_latitude", "home_longitude"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"

    def is_under_sanction_on(self, day) -> bool:
        """Pasal 25: under or in process of a disciplinary sanction on `day`."""
        if self.sanction_in_process:
            return True
        if self.sanction_start is None or day < self.sanction_start:
            return False
        return self.sanction_end is None or day <= self.sanction_end


class EmployeeChangeKind(models.TextChoices):
    UNIT = "UNIT", _("unit")
    SUPERVISOR = "SUPERVISOR", _("supervisor")
    POSITION = "POSITION", _("position")
    DEACTIVATED = "DEACTIVATED", _("deactivated")
    REACTIVATED = "REACTIVATED", _("reactivated")
    # docs/rules.md §7: a transfer to another agency (old_id/new_id: the agencies) and a NIP correction
    # (old_value/new_value: the NIPs).
    TRANSFERRED = "TRANSFERRED", _("transferred to another agency")
    NIP_CORRECTED = "NIP_CORRECTED", _("NIP corrected")
    EMAIL = "EMAIL", _("e-mail address")  # old_value/new_value: the addresses


class EmployeeChange(AgencyOwnedModel):
    """The employee's history of unit, supervisor and position (docs/rules.md §7), with its date."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=EmployeeChangeKind.choices)
    old_id = models.IntegerField(null=True, blank=True)
    new_id = models.IntegerField(null=True, blank=True)
    old_value = models.CharField(_("old value"), max_length=200, blank=True, default="")
    new_value = models.CharField(_("new value"), max_length=200, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="", max_length=1000)
    effective_date = models.DateField(_("effective date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["employee", "effective_date"], name="org_empchange_emp_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EmployeeChangeKind.values), name="org_employeechange_kind_valid"
            ),
        ]


class Role(models.TextChoices):
    HR_ADMIN = "HR_ADMIN", _("HR admin")
    AGENCY_HEAD = "AGENCY_HEAD", _("Agency head")


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="RoleAssignmentEvent"
)
class RoleAssignment(AgencyOwnedModel):
    """Explicit roles. Supervisor, unit head and decider are derived (scope.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "user", "role"], name="org_role_unique_per_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="org_role_valid"),
        ]
