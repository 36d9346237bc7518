"""The ONE place that answers what a user may see and do (docs/rules.md §7).

Every selector of every app goes through here, agency first:

    qs = Thing.objects.filter(scope.employee_q(user, prefix="employee__"))

- an employee sees themself; a supervisor also their direct reports; a unit head the employees
  of the subtree of the units they head; HR admins and the agency head the whole agency;
- a platform operator (user.is_staff without an employee record) sees no agency data;
- an inactive employee sees nothing.

Out of scope is a 404 (the `<entity>_get_for` selectors); a missing role inside the scope is a
403 (`require_role`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from flexwork.common.db import PreparedStatement
from flexwork.org.models import Employee, Role, Unit

EMPLOYEE = "employee"
SUPERVISOR = "supervisor"
UNIT_HEAD = "unit_head"
DECIDER = "decider"
HR_ADMIN = "hr_admin"
AGENCY_HEAD = "agency_head"
PLATFORM_OPERATOR = "platform_operator"
ALL_ROLES = (EMPLOYEE, SUPERVISOR, UNIT_HEAD, DECIDER, HR_ADMIN, AGENCY_HEAD, PLATFORM_OPERATOR)

# The width of what a user sees, widest first (GET /me/ "scope").
SCOPE_AGENCY = "agency"
SCOPE_UNIT_SUBTREE = "unit_subtree"
SCOPE_REPORTS = "reports"
SCOPE_SELF = "self"
SCOPE_NONE = "none"

_EXPLICIT_ROLES = {Role.HR_ADMIN: HR_ADMIN, Role.AGENCY_HEAD: AGENCY_HEAD}


@dataclass(frozen=True)
class UserScope:
    user_id: int | None
    agency_id: int | None
    employee_id: int | None
    unit_id: int | None
    roles: frozenset[str]
    headed_unit_ids: tuple[int, ...] = ()
    office_time_zone: str | None = None

    @property
    def agency_wide(self) -> bool:
        return HR_ADMIN in self.roles or AGENCY_HEAD in self.roles

    @property
    def width(self) -> str:
        if self.agency_id is None:
            return SCOPE_NONE
        if self.agency_wide:
            return SCOPE_AGENCY
        if self.headed_unit_ids:
            return SCOPE_UNIT_SUBTREE
        if SUPERVISOR in self.roles:
            return SCOPE_REPORTS
        return SCOPE_SELF


NO_SCOPE = UserScope(user_id=None, agency_id=None, employee_id=None, unit_id=None, roles=frozenset())


# Every request asks this, so it is one fixed statement, prepared once per database session, rather than a queryset
# compiled each time (the compile cost more than the query): the employee of the user, whether they supervise
# anyone active, their explicit roles in their agency, the units they head, whether one of those is a decision
# level or the root (the root's head decides too, for decision-level heads with no level marked above), and their
# office zone.
SCOPE_COLUMNS = (
    "id", "agency_id", "unit_id", "is_active", "has_reports", "role_names", "headed", "headed_decision",
    "unit__time_zone", "agency__time_zone",
)  # fmt: skip
SCOPE_SQL = """
SELECT e.id, e.agency_id, e.unit_id, e.is_active,
    EXISTS (SELECT 1 FROM org_employee r WHERE r.supervisor_id = e.id AND r.is_active) AS has_reports,
    ARRAY(SELECT ra.role FROM org_roleassignment ra WHERE ra.agency_id = e.agency_id AND ra.user_id = e.user_id),
    ARRAY(SELECT h.id FROM org_unit h WHERE h.head_id = e.id ORDER BY h.id),
    EXISTS (SELECT 1 FROM org_unit h WHERE h.head_id = e.id AND (h.is_decision_level OR h.parent_id IS NULL)),
    u.time_zone, a.time_zone
FROM org_employee e JOIN org_agency a ON a.id = e.agency_id JOIN org_unit u ON u.id = e.unit_id
WHERE e.user_id = %(user)s::bigint
"""
_SCOPE = PreparedStatement("fw_scope", SCOPE_SQL)


def scope_for(user) -> UserScope:
    """Roles and reach of `user`, in one query. Pass a UserScope through to avoid repeating it."""
    if isinstance(user, UserScope):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    with connection.cursor() as cursor:
        _SCOPE.execute(cursor, {"user": user.pk})
        found = cursor.fetchone()
    row = None if found is None else dict(zip(SCOPE_COLUMNS, found, strict=True))
    if row is None:
        # The platform operator is a superuser with no agency (the operator console, flexwork/org/operator_views.py).
        roles = frozenset({PLATFORM_OPERATOR}) if user.is_superuser else frozenset()
        return UserScope(user_id=user.pk, agency_id=None, employee_id=None, unit_id=None, roles=roles)
    zone = row["unit__time_zone"] or row["agency__time_zone"]
    if not row["is_active"]:
        return UserScope(
            user_id=user.pk,
            agency_id=None,
            employee_id=row["id"],
            unit_id=None,
            roles=frozenset(),
            office_time_zone=zone,
        )
    roles = {EMPLOYEE}
    if row["has_reports"]:
        roles.add(SUPERVISOR)
    if row["headed"]:
        roles.add(UNIT_HEAD)
    if row["headed_decision"]:
        roles.add(DECIDER)
    roles.update(_EXPLICIT_ROLES[name] for name in row["role_names"] if name in _EXPLICIT_ROLES)
    return UserScope(
        user_id=user.pk,
        agency_id=row["agency_id"],
        employee_id=row["id"],
        unit_id=row["unit_id"],
        roles=frozenset(roles),
        headed_unit_ids=tuple(row["headed"]),
        office_time_zone=zone,
    )


def has_role(user, role: str) -> bool:
    return role in scope_for(user).roles


def require_role(user, *roles: str) -> UserScope:
    """Raise PermissionDenied (403) unless the user holds one of `roles`. Call after scoping."""
    scope = scope_for(user)
    if not scope.roles.intersection(roles):
        raise PermissionDenied(_("Your role does not allow this."))
    return scope


def require_agency(user) -> UserScope:
    """The caller must belong to an agency (a platform operator or inactive employee does not): 403."""
    scope = scope_for(user)
    if scope.agency_id is None:
        raise PermissionDenied(_("Only staff of an agency can see agency data."))
    return scope


def employee_q(user, *, prefix: str = "") -> Q:
    """A Q for rows about employees the user may see; `prefix` is the path to the employee,
    e.g. "employee__" for a model with an `employee` FK, "" for Employee itself."""
    scope = scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    agency = Q(**{f"{prefix}agency_id": scope.agency_id})
    if scope.agency_wide:
        return agency
    reach = Q(**{f"{prefix}id": scope.employee_id}) | Q(**{f"{prefix}supervisor_id": scope.employee_id})
    if scope.headed_unit_ids:
        reach |= Q(**{f"{prefix}unit__path__overlap": list(scope.headed_unit_ids)})
    return agency & reach


def visible_employees(user) -> QuerySet[Employee]:
    scope = scope_for(user)
    if scope.agency_id is None:
        return Employee.objects.none()
    return Employee.objects.filter(agency_id=scope.agency_id).filter(employee_q(scope))


def unit_q(user) -> Q:
    """Units in view: the whole tree for HR and the agency head; otherwise the own unit, the
    subtrees the user heads and the units of direct reports."""
    scope = scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    agency = Q(agency_id=scope.agency_id)
    if scope.agency_wide:
        return agency
    reach = Q(id=scope.unit_id)
    if scope.headed_unit_ids:
        reach |= Q(path__overlap=list(scope.headed_unit_ids))
    if SUPERVISOR in scope.roles:
        reach |= Q(id__in=Employee.objects.filter(supervisor_id=scope.employee_id).values("unit_id"))
    return agency & reach


def visible_units(user) -> QuerySet[Unit]:
    scope = scope_for(user)
    if scope.agency_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(agency_id=scope.agency_id).filter(unit_q(scope))


def agency_q(user, *, prefix: str = "") -> Q:
    """Reference data of the user's agency (positions, locations, holidays): everyone in the agency."""
    scope = scope_for(user)
    if scope.agency_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}agency_id": scope.agency_id})


@dataclass(frozen=True)
class DeciderFound:
    """The answer of `find_decider`: who decides, and, when nobody does, why (for the message)."""

    decider: Employee | None
    root: Unit | None  # the agency's root unit, with its head loaded
    requester_heads_root: bool = False


def find_decider(employee: Employee) -> DeciderFound:
    """Who decides `employee`'s requests (docs/rules.md §3 "Approval chain"), in one query:

    1. the head of the nearest ancestor-or-self decision-level unit;
    2. when the employee is that head, the head of the next decision level above;
    3. where no decision level with a head is marked above, the head of the agency's root unit;
    4. where that is the employee themself (the agency head), nobody: the request cannot be
       submitted (hard rule NO_APPROVER).

    A vacant head, or one who is no longer active, is skipped upward at every step; nobody
    decides their own request."""
    path = list(employee.unit.path or [employee.unit_id])
    units = {
        unit.id: unit
        for unit in Unit.objects.filter(agency_id=employee.agency_id, id__in=path)
        .filter(Q(is_decision_level=True) | Q(parent__isnull=True))
        .select_related("head")
    }
    root = next((unit for unit in units.values() if unit.parent_id is None), None)

    def usable(unit: Unit | None) -> bool:
        return unit is not None and unit.head is not None and unit.head.is_active and unit.head_id != employee.id

    for unit_id in reversed(path):
        unit = units.get(unit_id)
        if unit is not None and unit.is_decision_level and usable(unit):
            return DeciderFound(decider=unit.head, root=root)
    if usable(root):
        return DeciderFound(decider=root.head, root=root)
    return DeciderFound(decider=None, root=root, requester_heads_root=root is not None and root.head_id == employee.id)


def decider_for(employee: Employee) -> Employee | None:
    """The decider of `employee`'s requests (see `find_decider`); None when nobody can decide.
    Used for the approval chain, the escalation target (the decider of the approver), revoking
    (the current decider) and recalling a person to the office."""
    return find_decider(employee).decider
