"""The platform operator's set-up of an agency: reads and writes behind the operator console
(`flexwork/org/operator_views.py`) and the commands `agency_create`, `agency_appoint` and
`activation_codes_issue`.

An operator is a Django superuser; the console and the commands check that, these functions do
not. They only reach what setting up an agency needs: the agency, its root unit, the holders of
its explicit roles (HR admin, agency head) and their first-login codes, never other agency data
(docs/rules.md §7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.onboarding import services as onboarding_services
from flexwork.org import services as org_services
from flexwork.org.models import Agency, Employee, EmployeeType, Role, RoleAssignment, Unit
from flexwork.org.validators import validate_nip

User = get_user_model()

# The operator appoints exactly these; supervisors, unit heads and deputies follow from the unit
# tree, which HR sets up (docs/rules.md §3, §7).
APPOINTABLE_ROLES = (Role.HR_ADMIN, Role.AGENCY_HEAD)

ERR_CODE_TAKEN = gettext_lazy("An agency with this code already exists.")
ERR_NIP_OTHER_AGENCY = gettext_lazy("This NIP belongs to an employee of another agency.")
ERR_NIP_NOT_EMPLOYEE = gettext_lazy("An account with this NIP already exists and is not an employee.")
ERR_EMPLOYEE_INACTIVE = gettext_lazy("This employee is inactive: HR reactivates them first.")
ERR_NAME_NEEDED = gettext_lazy("No employee has this NIP yet: enter the person's full name to create them.")
ERR_HEAD_TAKEN = gettext_lazy("The agency already has a head (%(name)s). Remove them first.")
ERR_ROLE_GONE = gettext_lazy("This person no longer holds this role.")
ERR_ROLE_UNKNOWN = gettext_lazy("Choose HR admin or agency head.")
ERR_NOT_HOLDER = gettext_lazy("Codes are issued here only for the agency's HR admins and agency head.")


@dataclass(frozen=True)
class Appointment:
    employee: Employee
    created: bool  # the employee (and their login) did not exist before
    assigned: bool  # False when they already held the role


# ---------------------------------------------------------------------------- reads


def agency_list() -> QuerySet[Agency]:
    """Every agency with what the operator needs to see at a glance, in one query."""
    roles = RoleAssignment.objects.filter(agency_id=OuterRef("pk"))
    hr_admins = roles.filter(role=Role.HR_ADMIN).order_by().values("agency_id").annotate(n=Count("id")).values("n")[:1]
    return Agency.objects.annotate(
        hr_admin_count=Coalesce(Subquery(hr_admins), 0),
        head_name=Subquery(
            Employee.objects.filter(
                agency_id=OuterRef("pk"),
                user_id__in=roles.filter(role=Role.AGENCY_HEAD).values("user_id"),
            ).values("name")[:1]
        ),
        root_name=Subquery(Unit.objects.filter(agency_id=OuterRef("pk"), parent__isnull=True).values("name")[:1]),
    ).order_by("name", "id")


def agency_root(agency: Agency) -> Unit | None:
    return Unit.objects.filter(agency=agency, parent__isnull=True).first()


@dataclass(frozen=True)
class Holder:
    employee: Employee
    role: str
    activated: bool


def role_holders(agency: Agency) -> list[Holder]:
    """The agency's HR admins and head, heads first, then by name; with whether each has activated
    their account. Two queries."""
    assignments = list(
        RoleAssignment.objects.filter(agency=agency, role__in=APPOINTABLE_ROLES).values_list("user_id", "role")
    )
    employees = {
        employee.user_id: employee
        for employee in Employee.objects.filter(agency=agency, user_id__in=[u for u, _r in assignments])
        .select_related("user", "unit")
        .only("id", "name", "nip", "agency_id", "is_active", "unit__name", "unit__code", "user__password")
    }
    holders = [
        Holder(
            employee=employees[user_id],
            role=role,
            activated=onboarding_services.account_is_activated(employees[user_id].user),
        )
        for user_id, role in assignments
        if user_id in employees
    ]
    holders.sort(key=lambda h: (h.role != Role.AGENCY_HEAD, h.employee.name.casefold(), h.employee.id))
    return holders


# ---------------------------------------------------------------------------- writes


@transaction.atomic
def agency_setup(
    *,
    code: str,
    name: str,
    time_zone: str,
    address: str = "",
    root_code: str,
    root_name: str,
) -> Agency:
    """A new agency with its default policy and its root unit (the agency as a whole; HR imports
    the rest of the tree under it). A code already used is a 409, also when two submissions of the
    same form race: the unique index decides, and the loser writes nothing."""
    code, root_code = code.strip(), root_code.strip()
    if Agency.objects.filter(code__iexact=code).exists():
        raise ConflictError(str(ERR_CODE_TAKEN), code="agency_code_taken", fields={"code": [str(ERR_CODE_TAKEN)]})
    try:
        with transaction.atomic():
            agency = org_services.agency_create(code=code, name=name.strip(), time_zone=time_zone, address=address)
    except IntegrityError as exc:
        raise ConflictError(
            str(ERR_CODE_TAKEN), code="agency_code_taken", fields={"code": [str(ERR_CODE_TAKEN)]}
        ) from exc
    except ApplicationError as error:
        if "code" in error.fields and Agency.objects.filter(code__iexact=code).exists():
            raise ConflictError(
                str(ERR_CODE_TAKEN), code="agency_code_taken", fields={"code": [str(ERR_CODE_TAKEN)]}
            ) from error
        raise
    try:
        org_services.unit_create(agency=agency, code=root_code, name=root_name.strip(), parent=None)
    except ApplicationError as error:
        # The form names the root unit's fields root_code / root_name.
        error.fields = {f"root_{key}" if key in ("code", "name") else key: msgs for key, msgs in error.fields.items()}
        raise
    return agency


def _nip_valid(nip: str, employee_type: str | None) -> None:
    try:
        validate_nip(nip, employee_type=employee_type)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code=exc.code or "invalid_nip", fields={"nip": exc.messages}) from exc


def _existing(nip: str) -> Employee | None:
    return Employee.objects.select_related("user").filter(nip=nip).first()


@transaction.atomic
def person_appoint(
    *,
    agency: Agency,
    nip: str,
    role: str,
    name: str = "",
    employee_type: str = EmployeeType.PNS,
    email: str = "",
) -> Appointment:
    """Give the person with this NIP an agency role (HR admin or agency head). Someone the agency
    does not employ yet is created in its root unit with a login that cannot be used until it is
    activated with a code. The NIP is checked as the import checks it (docs/rules.md §7).
    Appointing someone who already holds the role changes nothing (a double submit writes once)."""
    nip = (nip or "").strip()
    if role not in APPOINTABLE_ROLES:
        raise ApplicationError(str(ERR_ROLE_UNKNOWN), code="invalid", fields={"role": [str(ERR_ROLE_UNKNOWN)]})
    employee = _existing(nip)
    created = False
    if employee is None:
        _nip_valid(nip, employee_type)
        if User.objects.filter(username=nip).exists():
            raise ApplicationError(
                str(ERR_NIP_NOT_EMPLOYEE), code="nip_taken", fields={"nip": [str(ERR_NIP_NOT_EMPLOYEE)]}
            )
        if not (name or "").strip():
            raise ApplicationError(str(ERR_NAME_NEEDED), code="invalid", fields={"name": [str(ERR_NAME_NEEDED)]})
        root = agency_root(agency)
        if root is None:  # an agency made outside this module (the admin) may lack one
            raise ApplicationError(_("The agency has no root unit yet."), code="no_root_unit")
        try:
            with transaction.atomic():
                employee = org_services.employee_create(
                    agency=agency,
                    nip=nip,
                    name=name.strip(),
                    employee_type=employee_type,
                    unit=root,
                    email=email,
                )
            created = True
        except (IntegrityError, ConflictError):
            # The same form sent twice: the other request created them meanwhile.
            employee = _existing(nip)
            if employee is None:
                raise
    if employee.agency_id != agency.id:
        raise ApplicationError(
            str(ERR_NIP_OTHER_AGENCY), code="other_agency", fields={"nip": [str(ERR_NIP_OTHER_AGENCY)]}
        )
    if not employee.is_active:
        raise ApplicationError(
            str(ERR_EMPLOYEE_INACTIVE), code="inactive", fields={"nip": [str(ERR_EMPLOYEE_INACTIVE)]}
        )
    # The agency row is locked, so two appointments of a head at once cannot both pass the check.
    Agency.objects.select_for_update().filter(id=agency.id).first()
    held = RoleAssignment.objects.filter(agency=agency, user_id=employee.user_id, role=role).exists()
    if held:
        return Appointment(employee=employee, created=created, assigned=False)
    if role == Role.AGENCY_HEAD:
        other = (
            Employee.objects.filter(
                agency=agency,
                user_id__in=RoleAssignment.objects.filter(agency=agency, role=Role.AGENCY_HEAD).values("user_id"),
            )
            .values_list("name", flat=True)
            .first()
        )
        if other is not None:
            message = str(ERR_HEAD_TAKEN) % {"name": other}
            raise ConflictError(message, code="agency_head_taken", fields={"role": [message]})
    org_services.role_assign(agency=agency, user=employee.user, role=role)
    return Appointment(employee=employee, created=created, assigned=True)


@transaction.atomic
def person_remove(*, agency: Agency, employee: Employee, role: str) -> None:
    """Take the role away (the employee stays). Removing a role already gone is a 409."""
    deleted, _rows = RoleAssignment.objects.filter(agency=agency, user_id=employee.user_id, role=role).delete()
    if not deleted:
        raise ConflictError(str(ERR_ROLE_GONE), code="stale_transition")


def holders_codes_issue(*, agency: Agency, employees: list[Employee], issued_by) -> list[tuple[Employee, str]]:
    """First-login codes for role holders of the agency, through the onboarding service: only
    accounts never activated get one (docs/rules.md §7); an activated one refuses them all (409)."""
    holder_ids = set(
        Employee.objects.filter(
            agency=agency,
            user_id__in=RoleAssignment.objects.filter(agency=agency, role__in=APPOINTABLE_ROLES).values("user_id"),
        ).values_list("id", flat=True)
    )
    if not employees or any(e.id not in holder_ids for e in employees):
        raise ApplicationError(str(ERR_NOT_HOLDER), code="invalid")
    return onboarding_services.activation_codes_issue(employees=employees, issued_by=issued_by)
