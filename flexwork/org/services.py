"""Writes of the organisation app (HackSoft services: keyword-only, full_clean, atomic).

Role checks (HR only) are done by the interfaces (APIs, pages, commands) through scope.py;
services check data: same agency, no cycles, valid NIPs, ranges."""

from __future__ import annotations

import datetime
import functools
from typing import Any

import holidays as holidays_lib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.common.calendar import office_today
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.common.services import model_update
from flexwork.org import events
from flexwork.org.models import (
    POLICY_FIELD_NAMES,
    POLICY_TIME_PAIRS,
    TASK_CRITERIA,
    Agency,
    AgencyPolicy,
    DesignatedLocation,
    Employee,
    EmployeeChange,
    EmployeeChangeKind,
    EmployeeType,
    Holiday,
    HolidayKind,
    Position,
    RamadanRange,
    Role,
    RoleAssignment,
    Unit,
    UnitPolicyOverride,
)
from flexwork.org.validators import validate_nip

User = get_user_model()

ERR_OTHER_AGENCY = gettext_lazy("This belongs to another agency.")
ERR_UNIT_CYCLE = gettext_lazy("A unit cannot be placed under itself or under one of its own sub-units.")
ERR_SUPERVISOR_CYCLE = gettext_lazy(
    "This supervisor reports (directly or indirectly) to the employee: that would be a cycle."
)
ERR_SUPERVISOR_SELF = gettext_lazy("An employee cannot supervise themself.")
ERR_SUPERVISOR_AGENCY = gettext_lazy("The supervisor must work in the same agency.")
ERR_NIP_TAKEN = gettext_lazy("An account with this NIP already exists.")
ERR_NOT_ALLOWED_FIELD = gettext_lazy("This field cannot be changed here.")


def _validation_to_application(exc: ValidationError) -> ApplicationError:
    if hasattr(exc, "error_dict"):
        fields = {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
    else:
        fields = {"non_field_errors": [str(m) for m in exc.messages]}
    return ApplicationError(_("Some fields are not valid."), code="invalid", fields=fields)


def _clean_and_save(instance, **save_kwargs) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc
    instance.save(**save_kwargs)


def _update(instance, data: dict[str, Any], fields: list[str]):
    unknown = set(data) - set(fields)
    if unknown:
        raise ApplicationError(
            _("Some fields are not valid."), fields={name: [str(ERR_NOT_ALLOWED_FIELD)] for name in sorted(unknown)}
        )
    try:
        return model_update(instance=instance, fields=fields, data=data)
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc


def _same_agency(*, agency_id: int, field: str, obj) -> None:
    if obj is not None and obj.agency_id != agency_id:
        raise ApplicationError(str(ERR_OTHER_AGENCY), code="other_agency", fields={field: [str(ERR_OTHER_AGENCY)]})


# ---------------------------------------------------------------------------- agency


@transaction.atomic
def agency_create(
    *,
    code: str,
    name: str,
    time_zone: str = "Asia/Jakarta",
    fwa_start_date: datetime.date | None = None,
    mfa_required_for_hr: bool = True,
    mfa_required_for_head: bool = False,
    address: str = "",
) -> Agency:
    """A new agency with its default policy (every docs/rules.md number at its default)."""
    agency = Agency(
        code=code,
        name=name,
        time_zone=time_zone,
        fwa_start_date=fwa_start_date,
        mfa_required_for_hr=mfa_required_for_hr,
        mfa_required_for_head=mfa_required_for_head,
        address=address,
    )
    _clean_and_save(agency)
    policy = AgencyPolicy(agency=agency)
    _clean_and_save(policy)
    return agency


AGENCY_UPDATE_FIELDS = [
    "name", "address", "time_zone", "fwa_start_date", "mfa_required_for_hr", "mfa_required_for_head",
]  # fmt: skip
# Agency fields the agency policy (PATCH /api/v1/policy/) sets too.
AGENCY_POLICY_SWITCHES = ("mfa_required_for_hr", "mfa_required_for_head")


@transaction.atomic
def agency_update(*, agency: Agency, data: dict[str, Any]) -> Agency:
    agency, _changed = _update(agency, data, AGENCY_UPDATE_FIELDS)
    return agency


# ---------------------------------------------------------------------------- units

UNIT_FIELDS = [
    "code",
    "name",
    "parent",
    "head",
    "is_decision_level",
    "is_public_service",
    "min_onsite_headcount",
    "time_zone",
    "office_latitude",
    "office_longitude",
    "office_radius_m",
    "fwa_start_date",
    "work_week",
    "work_week_basis",
    "work_week_basis_file",
]

ERR_WORKWEEK_BASIS = gettext_lazy(
    "A working week other than Monday to Friday rests on the PPK's decree, made after the consideration of the "
    "Minister for PANRB: record its number and date."
)
ERR_WORKWEEK_FILE_ONLY = gettext_lazy(
    "The decree's file is kept with its number and date: write them too (e.g. “Keputusan Kepala Dinas "
    "No. 800/12/2026”), so that pages and reports can cite the decree."
)
ERR_WORKWEEK_FILE_UNKNOWN = gettext_lazy(
    "This file is not yours to attach, or is attached to something else: upload the decree again."
)


def work_week_check(*, work_week: str, basis: str, has_file: bool = False) -> None:
    """docs/rules.md §8 "Work week of a unit": a working week other than Monday to Friday rests on the PPK's decree
    (hard WORKWEEK_BASIS): its number and date, with its file where HR has it. A file alone is not a basis: the
    number and date are what the pages, the reports and the database check read."""
    if work_week and work_week != "MON_FRI" and not (basis or "").strip():
        message = str(ERR_WORKWEEK_FILE_ONLY if has_file else ERR_WORKWEEK_BASIS)
        raise ApplicationError(message, code="WORKWEEK_BASIS", fields={"work_week_basis": [message]})


@transaction.atomic
def unit_work_week_set(
    *,
    unit: Unit,
    actor,
    data: dict[str, Any],
    upload=None,
    expected_updated_at: datetime.datetime | None = None,
) -> tuple[Unit, bool]:
    """HR sets a unit's working week, its decree and the decree's file (docs/rules.md §8 "Work week of a unit").
    `data` holds any of work_week, work_week_basis and work_week_basis_file (an EvidenceFile the actor uploaded
    and has not attached yet, or None to remove the file); `upload` is a file to store through the evidence
    checks first (size, type, quota: 400/413/415 on `work_week_basis_file`). The unit row is locked; with
    `expected_updated_at` a unit changed since is a 409 and nothing is written. Returns the unit and whether
    anything changed."""
    from flexwork.common.models import EvidenceFile
    from flexwork.common.services import evidence_attach, evidence_upload

    locked = Unit.objects.select_for_update().get(id=unit.id)
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise ConflictError(
            _("Someone changed this unit while you were editing: nothing was saved. Check and save again."),
            code="stale",
        )
    data = {key: data[key] for key in ("work_week", "work_week_basis", "work_week_basis_file") if key in data}
    if "work_week_basis" in data:
        data["work_week_basis"] = (data["work_week_basis"] or "").strip()
    if upload is not None:
        try:
            data["work_week_basis_file"] = evidence_upload(user=actor, uploaded_file=upload)
        except ApplicationError as error:
            messages = (error.fields or {}).get("file") or [error.message]
            raise ApplicationError(
                error.message,
                code=error.code,
                status_code=error.status_code,
                fields={"work_week_basis_file": messages},
            ) from error
    evidence = data.get("work_week_basis_file")
    if evidence is not None and evidence.id != locked.work_week_basis_file_id:
        mine = EvidenceFile.objects.filter(id=evidence.id, uploaded_by_id=actor.pk, owner_type__isnull=True)
        if not mine.exists():
            message = str(ERR_WORKWEEK_FILE_UNKNOWN)
            raise ApplicationError(message, code="invalid", fields={"work_week_basis_file": [message]})
    has_file = (evidence if "work_week_basis_file" in data else locked.work_week_basis_file_id) is not None
    work_week_check(
        work_week=data.get("work_week", locked.work_week),
        basis=data.get("work_week_basis", locked.work_week_basis),
        has_file=has_file,
    )
    before = {
        "work_week": locked.work_week,
        "work_week_basis": locked.work_week_basis,
        "work_week_basis_file": locked.work_week_basis_file_id,
    }
    after = {
        **before,
        **{
            key: (value.id if key == "work_week_basis_file" and value is not None else value)
            for key, value in data.items()
        },
    }
    if before == after:
        return locked, False
    updated = unit_update(unit=locked, data=data)
    if evidence is not None:
        evidence_attach(evidence=evidence, owner=updated)
    return updated, True


@transaction.atomic
def unit_create(*, agency: Agency, code: str, name: str, parent: Unit | None = None, **fields: Any) -> Unit:
    """A unit under `parent` (None: the agency's root). Children of the root are decision levels
    unless said otherwise (docs/rules.md §3)."""
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Some fields are not valid."), fields={name: [str(ERR_NOT_ALLOWED_FIELD)] for name in sorted(unknown)}
        )
    _same_agency(agency_id=agency.id, field="parent", obj=parent)
    _same_agency(agency_id=agency.id, field="head", obj=fields.get("head"))
    if parent is None and Unit.objects.filter(agency=agency, parent__isnull=True).exists():
        message = _("The agency already has a root unit; choose a parent unit.")
        raise ApplicationError(message, fields={"parent": [message]})
    work_week_check(work_week=fields.get("work_week", ""), basis=fields.get("work_week_basis", ""))
    if "is_decision_level" not in fields:
        fields["is_decision_level"] = parent is not None and parent.parent_id is None
    unit = Unit(agency=agency, code=code, name=name, parent=parent, **fields)
    _clean_and_save(unit)
    unit.path = [*(parent.path if parent else []), unit.id]
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change a unit. Moving it (a new parent) moves its whole subtree: the `path` of every
    descendant is rewritten in one UPDATE while the unit row is locked."""
    unit = Unit.objects.select_for_update().get(id=unit.id)
    new_parent = data.get("parent", unit.parent)
    moving = "parent" in data and (new_parent.id if new_parent else None) != unit.parent_id
    if moving:
        if new_parent is None:
            message = _("Only the agency's root unit has no parent.")
            raise ApplicationError(message, fields={"parent": [message]})
        _same_agency(agency_id=unit.agency_id, field="parent", obj=new_parent)
        new_parent = Unit.objects.get(id=new_parent.id)  # fresh path
        if unit.id in new_parent.path:
            raise ApplicationError(str(ERR_UNIT_CYCLE), code="unit_cycle", fields={"parent": [str(ERR_UNIT_CYCLE)]})
        data = {**data, "parent": new_parent}
    _same_agency(agency_id=unit.agency_id, field="head", obj=data.get("head"))
    if "work_week" in data or "work_week_basis" in data:
        work_week_check(
            work_week=data.get("work_week", unit.work_week),
            basis=data.get("work_week_basis", unit.work_week_basis),
            has_file=data.get("work_week_basis_file", unit.work_week_basis_file) is not None,
        )
    old_path = list(unit.path)
    unit, _changed = _update(unit, data, UNIT_FIELDS)
    if moving:
        new_path = [*new_parent.path, unit.id]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE org_unit SET path = %s::integer[] || path[%s:], updated_at = NOW() "
                "WHERE agency_id = %s AND path @> ARRAY[%s]::integer[]",
                [new_path, len(old_path) + 1, unit.agency_id, unit.id],
            )
        unit.refresh_from_db()
    return unit


# ---------------------------------------------------------------------------- positions

POSITION_FIELDS = ["code", "name", "type", "is_fwa_eligible", *TASK_CRITERIA, "shift_eligible", "shift_criterion"]


@transaction.atomic
def position_create(*, agency: Agency, code: str, name: str, type: str, **fields: Any) -> Position:  # noqa: A002
    unknown = set(fields) - set(POSITION_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Some fields are not valid."), fields={name: [str(ERR_NOT_ALLOWED_FIELD)] for name in sorted(unknown)}
        )
    position = Position(agency=agency, code=code, name=name, type=type, **fields)
    _clean_and_save(position)
    return position


@transaction.atomic
def position_update(*, position: Position, data: dict[str, Any]) -> Position:
    position, _changed = _update(position, data, POSITION_FIELDS)
    return position


# ---------------------------------------------------------------------------- employees


def _nip_check(*, nip: str, employee_type: str) -> None:
    try:
        validate_nip(nip, employee_type=employee_type)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], code=exc.code or "invalid_nip", fields={"nip": exc.messages}) from exc


def supervisor_creates_cycle(*, employee_id: int | None, supervisor_id: int | None) -> bool:
    """True if `supervisor_id` is `employee_id` or reports to them, directly or indirectly.
    One recursive query up the supervisor chain (bounded, so existing bad data cannot loop)."""
    if employee_id is None or supervisor_id is None:
        return False
    if employee_id == supervisor_id:
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE chain(id, supervisor_id, depth) AS (
                SELECT id, supervisor_id, 1 FROM org_employee WHERE id = %s
                UNION ALL
                SELECT e.id, e.supervisor_id, c.depth + 1
                FROM org_employee e JOIN chain c ON e.id = c.supervisor_id
                WHERE c.depth < 1000
            )
            SELECT EXISTS (SELECT 1 FROM chain WHERE id = %s)
            """,
            [supervisor_id, employee_id],
        )
        return bool(cursor.fetchone()[0])


def _check_supervisor(*, employee_id: int | None, agency_id: int, supervisor: Employee | None) -> None:
    if supervisor is None:
        return
    if supervisor.agency_id != agency_id:
        raise ApplicationError(
            str(ERR_SUPERVISOR_AGENCY), code="other_agency", fields={"supervisor": [str(ERR_SUPERVISOR_AGENCY)]}
        )
    if employee_id is not None and supervisor.id == employee_id:
        raise ApplicationError(
            str(ERR_SUPERVISOR_SELF), code="supervisor_cycle", fields={"supervisor": [str(ERR_SUPERVISOR_SELF)]}
        )
    if supervisor_creates_cycle(employee_id=employee_id, supervisor_id=supervisor.id):
        raise ApplicationError(
            str(ERR_SUPERVISOR_CYCLE), code="supervisor_cycle", fields={"supervisor": [str(ERR_SUPERVISOR_CYCLE)]}
        )


@transaction.atomic
def employee_create(
    *,
    agency: Agency,
    nip: str,
    name: str,
    employee_type: str,
    unit: Unit,
    position: Position | None = None,
    position_start_date: datetime.date | None = None,
    supervisor: Employee | None = None,
    email: str = "",
    language: str | None = None,
    password: str | None = None,
    sanction_start: datetime.date | None = None,
    sanction_end: datetime.date | None = None,
    sanction_in_process: bool = False,
    is_active: bool = True,
    service_start_date: datetime.date | None = None,
    contract_months: int | None = None,
) -> Employee:
    """An employee and their login (username = NIP). Without `password` the login is unusable
    until first activation."""
    _nip_check(nip=nip, employee_type=employee_type)
    contract_months_check(employee_type=employee_type, contract_months=contract_months)
    _same_agency(agency_id=agency.id, field="unit", obj=unit)
    _same_agency(agency_id=agency.id, field="position", obj=position)
    _check_supervisor(employee_id=None, agency_id=agency.id, supervisor=supervisor)
    if User.objects.filter(username=nip).exists() or Employee.objects.filter(nip=nip).exists():
        raise ConflictError(str(ERR_NIP_TAKEN), code="nip_taken", fields={"nip": [str(ERR_NIP_TAKEN)]})
    user = User(username=nip, email=(email or "").strip(), is_active=is_active)
    if language:
        user.language = language
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc
    user.save()
    employee = Employee(
        agency=agency,
        user=user,
        nip=nip,
        name=name,
        employee_type=employee_type,
        unit=unit,
        position=position,
        position_start_date=position_start_date,
        service_start_date=service_start_date,
        contract_months=contract_months,
        supervisor=supervisor,
        sanction_start=sanction_start,
        sanction_end=sanction_end,
        sanction_in_process=sanction_in_process,
        is_active=is_active,
    )
    _clean_and_save(employee)
    return employee


# docs/rules.md §7 (employee types): only a PPPK (full or part time) works on a contract of a length.
CONTRACT_TYPES = frozenset({EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU})
CONTRACT_MONTHS_MAX = 120
ERR_CONTRACT_NOT_PPPK = gettext_lazy("Only a PPPK has a contract length; leave it empty for a PNS or CPNS.")
ERR_CONTRACT_RANGE = gettext_lazy("The contract length is a whole number of months from 1 to %(max)s.")


def contract_months_check(*, employee_type: str, contract_months: int | None) -> None:
    if contract_months is None:
        return
    if employee_type not in CONTRACT_TYPES:
        message = str(ERR_CONTRACT_NOT_PPPK)
        raise ApplicationError(message, code="contract_not_pppk", fields={"contract_months": [message]})
    if not 1 <= contract_months <= CONTRACT_MONTHS_MAX:
        message = ERR_CONTRACT_RANGE % {"max": CONTRACT_MONTHS_MAX}
        raise ApplicationError(message, code="invalid", fields={"contract_months": [message]})


EMPLOYEE_FIELDS = [
    "name",
    "employee_type",
    "unit",
    "position",
    "position_start_date",
    "service_start_date",
    "contract_months",
    "supervisor",
    "sanction_start",
    "sanction_end",
    "sanction_in_process",
    "is_active",
]
USER_FIELDS = ["email", "language"]

_CHANGE_KINDS = {"unit": EmployeeChangeKind.UNIT, "supervisor": EmployeeChangeKind.SUPERVISOR}


def _describe(obj) -> str:
    if obj is None:
        return "—"
    return getattr(obj, "name", str(obj))


ERR_EMPLOYEE_STALE = gettext_lazy(
    "Someone changed this employee while you were editing: nothing was saved. Check the current values and save again."
)
ERR_EMAIL_TAKEN = gettext_lazy("This e-mail address belongs to another account.")


def _lock_employee(employee: Employee, *, expected_updated_at: datetime.datetime | None = None) -> Employee:
    """The employee's row, locked (the approval engine locks the same row first, docs/rules.md §3),
    refused with 409 when it changed since `expected_updated_at` (a stale form, a double submit)."""
    locked = (
        Employee.objects.select_for_update(of=("self",))
        .select_related("user", "unit", "agency", "supervisor", "position")
        .get(id=employee.id)
    )
    if expected_updated_at is not None and locked.updated_at != expected_updated_at:
        raise ConflictError(str(ERR_EMPLOYEE_STALE), code="stale")
    return locked


def _email_check(*, user, email: str) -> None:
    """The import's rule: an address belongs to one account (case-insensitive)."""
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ConflictError(str(ERR_EMAIL_TAKEN), code="email_taken", fields={"email": [str(ERR_EMAIL_TAKEN)]})


@transaction.atomic
def employee_update(
    *,
    employee: Employee,
    data: dict[str, Any],
    actor=None,
    effective_date: datetime.date | None = None,
    expected_updated_at: datetime.datetime | None = None,
    reason: str = "",
) -> Employee:
    """Change an employee. A change of unit, supervisor or position is recorded (EmployeeChange)
    with `effective_date` (default today); unit and supervisor changes fire their events (the
    approval engine re-routes pending approvals) and tell the employee; deactivation fires
    employee_deactivated (open requests withdrawn with `reason`, future approved days cancelled)
    and blocks the login. The employee row is locked meanwhile; with `expected_updated_at` a
    change made since is a 409 and nothing is written."""
    employee = _lock_employee(employee, expected_updated_at=expected_updated_at)
    effective_date = effective_date or office_today(employee)
    user_data = {key: data[key] for key in USER_FIELDS if key in data}
    data = {key: value for key, value in data.items() if key not in USER_FIELDS}
    if "email" in user_data:
        user_data["email"] = (user_data["email"] or "").strip()
        _email_check(user=employee.user, email=user_data["email"])
    _same_agency(agency_id=employee.agency_id, field="unit", obj=data.get("unit"))
    _same_agency(agency_id=employee.agency_id, field="position", obj=data.get("position"))
    if data.get("supervisor") is not None:
        _check_supervisor(employee_id=employee.id, agency_id=employee.agency_id, supervisor=data["supervisor"])
    if "employee_type" in data and data["employee_type"] != employee.employee_type:
        _nip_check(nip=employee.nip, employee_type=data["employee_type"])
    new_type = data.get("employee_type", employee.employee_type)
    if new_type not in CONTRACT_TYPES and "contract_months" not in data:
        data["contract_months"] = None  # a PNS or CPNS has no contract: a type change clears its length
    contract_months_check(employee_type=new_type, contract_months=data.get("contract_months", employee.contract_months))
    before = {"unit": employee.unit, "supervisor": employee.supervisor, "position": employee.position}
    was_active = employee.is_active

    employee, changed = _update(employee, data, EMPLOYEE_FIELDS)
    if user_data:
        previous_email = employee.user.email
        _user, user_changed = _update(employee.user, user_data, USER_FIELDS)
        if employee.user.email != previous_email:
            _email_address_sync(employee.user)
            # The account has no history table of its own: the change of address is recorded here.
            EmployeeChange.objects.create(
                agency_id=employee.agency_id,
                employee=employee,
                kind=EmployeeChangeKind.EMAIL,
                old_value=previous_email or "",
                new_value=employee.user.email or "",
                effective_date=effective_date,
                actor=actor,
                reason=reason or "",
            )
        if user_changed and not changed:
            # The row's version moves with every saved edit, so a second submit of the same form is stale.
            Employee.objects.filter(id=employee.id).update(updated_at=timezone.now())
            employee.refresh_from_db(fields=["updated_at"])

    changes: list[tuple[str, Any, Any]] = []
    for field in ("unit", "supervisor", "position"):
        old, new = before[field], getattr(employee, field)
        if (old.id if old else None) != (new.id if new else None):
            changes.append((field, old, new))
            EmployeeChange.objects.create(
                agency_id=employee.agency_id,
                employee=employee,
                kind=EmployeeChangeKind[field.upper()],
                old_id=old.id if old else None,
                new_id=new.id if new else None,
                effective_date=effective_date,
                actor=actor,
                reason=reason or "",
            )
    if was_active != employee.is_active:
        kind = EmployeeChangeKind.REACTIVATED if employee.is_active else EmployeeChangeKind.DEACTIVATED
        EmployeeChange.objects.create(
            agency_id=employee.agency_id,
            employee=employee,
            kind=kind,
            effective_date=effective_date,
            actor=actor,
            reason=reason or "",
        )
        employee.user.is_active = employee.is_active
        employee.user.save(update_fields=["is_active"])

    for field, old, new in changes:
        if field in _CHANGE_KINDS:
            event = events.employee_unit_changed if field == "unit" else events.employee_supervisor_changed
            event.send(
                employee=employee,
                old_id=old.id if old else None,
                new_id=new.id if new else None,
                effective_date=effective_date,
                actor=actor,
            )
    if was_active and not employee.is_active:
        events.employee_deactivated.send(
            employee=employee, old_id=None, new_id=None, effective_date=effective_date, actor=actor, reason=reason
        )
    if changes and employee.is_active:
        _notify_employee_changed(employee=employee, changes=changes, effective_date=effective_date)
    return employee


def _notify_employee_changed(*, employee: Employee, changes, effective_date: datetime.date) -> None:
    from flexwork.common.i18n import user_language
    from flexwork.notifications.services import notification_send

    labels = {
        "unit": gettext_lazy("Unit"),
        "supervisor": gettext_lazy("Supervisor"),
        "position": gettext_lazy("Position"),
    }
    with translation.override(user_language(employee.user) or "id"):
        summary = "; ".join(f"{labels[field]}: {_describe(old)} → {_describe(new)}" for field, old, new in changes)
    notification_send(
        recipient=employee.user,
        kind="employee_changed",
        context={
            "summary": summary,
            "effective_date": effective_date.isoformat(),
            "fields": [field for field, _old, _new in changes],
        },
    )


def _email_address_sync(user) -> None:
    """allauth's address rows follow the account's address, as the import writes them."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    if user.email:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


ERR_NIP_SAME = gettext_lazy("This is already the employee's NIP.")
ERR_REASON_REQUIRED = gettext_lazy("Give a reason.")


@transaction.atomic
def employee_nip_correct(
    *,
    employee: Employee,
    nip: str,
    actor=None,
    reason: str = "",
    expected_updated_at: datetime.datetime | None = None,
) -> Employee:
    """Correct a mistyped NIP (docs/rules.md §7): the same checks as the import, unique in the
    installation; the login name follows (the NIP is the username); recorded with the old and the
    new NIP and the reason, and the employee is told which NIP to sign in with."""
    employee = _lock_employee(employee, expected_updated_at=expected_updated_at)
    nip = (nip or "").strip()
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(ERR_REASON_REQUIRED), fields={"reason": [str(ERR_REASON_REQUIRED)]})
    if nip == employee.nip:
        raise ApplicationError(str(ERR_NIP_SAME), fields={"nip": [str(ERR_NIP_SAME)]})
    _nip_check(nip=nip, employee_type=employee.employee_type)
    taken = User.objects.filter(username=nip).exclude(pk=employee.user_id).exists()
    if taken or Employee.objects.filter(nip=nip).exclude(id=employee.id).exists():
        raise ConflictError(str(ERR_NIP_TAKEN), code="nip_taken", fields={"nip": [str(ERR_NIP_TAKEN)]})
    old_nip = employee.nip
    now = timezone.now()
    Employee.objects.filter(id=employee.id).update(nip=nip, updated_at=now)
    User.objects.filter(pk=employee.user_id).update(username=nip)
    employee.refresh_from_db()
    employee.user.refresh_from_db()
    EmployeeChange.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        kind=EmployeeChangeKind.NIP_CORRECTED,
        old_value=old_nip,
        new_value=nip,
        reason=reason,
        effective_date=office_today(employee),
        actor=actor,
    )
    from flexwork.notifications.services import notification_send

    notification_send(
        recipient=employee.user, kind="employee_nip_corrected", context={"old_nip": old_nip, "new_nip": nip}
    )
    return employee


def _date_for(user, day: datetime.date) -> str:
    """A date as the person reads it ("2 Des 2026"), for a notification's text."""
    from django.utils.formats import date_format

    from flexwork.common.i18n import user_language

    with translation.override(user_language(user) or "id"):
        return date_format(day, "DATE_FORMAT")


ERR_TRANSFER_SAME_AGENCY = gettext_lazy("Choose another agency: the employee already works here.")
ERR_TRANSFER_NO_ROOT = gettext_lazy("That agency has no root unit yet, so nobody can be placed there.")
ERR_LAST_HR_ADMIN = gettext_lazy(
    "This is the agency's last HR admin: appoint another HR admin first, or nobody could manage the agency."
)


@transaction.atomic
def employee_transfer(
    *,
    employee: Employee,
    to_agency: Agency,
    actor=None,
    reason: str,
    effective_date: datetime.date | None = None,
    expected_updated_at: datetime.datetime | None = None,
) -> Employee:
    """Move an employee to another agency of this installation (docs/rules.md §7), done by the
    sending agency's HR. Before the move, in the sending agency: open requests of every kind are
    withdrawn with `reason` and approved days from `effective_date` on are cancelled (the approval
    engine, as for a deactivation); direct reports lose them as supervisor and units they head get
    no head (both re-routed); their delegations there end; their agency roles there end. The rows
    written so far (requests, days, attendance, changes) keep the sending agency. The employee
    arrives in the receiving agency's root unit without position or supervisor; its HR admins are
    told to place them. Recorded as TRANSFERRED in both agencies."""
    from flexwork.approvals import engine
    from flexwork.approvals.models import Delegation
    from flexwork.notifications.services import notification_send

    employee = _lock_employee(employee, expected_updated_at=expected_updated_at)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(ERR_REASON_REQUIRED), fields={"reason": [str(ERR_REASON_REQUIRED)]})
    if to_agency.id == employee.agency_id:
        raise ApplicationError(str(ERR_TRANSFER_SAME_AGENCY), fields={"agency": [str(ERR_TRANSFER_SAME_AGENCY)]})
    root = Unit.objects.filter(agency=to_agency, parent__isnull=True).first()
    if root is None:
        raise ApplicationError(str(ERR_TRANSFER_NO_ROOT), fields={"agency": [str(ERR_TRANSFER_NO_ROOT)]})
    old_agency = employee.agency
    # The same lock as role_revoke: the agency's last HR admin cannot leave by two paths at once.
    Agency.objects.select_for_update().filter(id=old_agency.id).values_list("id", flat=True).first()
    if _is_last_hr_admin(agency_id=old_agency.id, user_id=employee.user_id):
        raise ConflictError(str(ERR_LAST_HR_ADMIN), code="last_hr_admin")
    effective_date = effective_date or office_today(employee)

    engine.close_for_deactivated(employee=employee, actor=actor, effective_date=effective_date, note=reason)
    for report in Employee.objects.filter(supervisor_id=employee.id).order_by("id"):
        employee_update(employee=report, data={"supervisor": None}, actor=actor, effective_date=effective_date)
    headed = list(Unit.objects.filter(head_id=employee.id).order_by("id"))
    for unit in headed:
        unit_update(unit=unit, data={"head": None})
    Delegation.objects.filter(agency_id=old_agency.id, revoked_at__isnull=True).filter(
        Q(delegator_id=employee.id) | Q(delegate_id=employee.id)
    ).update(revoked_at=timezone.now(), updated_at=timezone.now())
    for assignment in RoleAssignment.objects.filter(agency_id=old_agency.id, user_id=employee.user_id):
        assignment.delete()  # one by one: the MFA duty follows each (flexwork.accounts.receivers)

    Employee.objects.filter(id=employee.id).update(
        agency_id=to_agency.id,
        unit_id=root.id,
        position_id=None,
        position_start_date=None,
        supervisor_id=None,
        updated_at=timezone.now(),
    )
    # Whoever waited for them as an approver in the sending agency gets a new chain.
    engine.reroute_waiting_for(approver_ids=[employee.id], agency_id=old_agency.id, actor=actor)
    for agency_id in (old_agency.id, to_agency.id):
        EmployeeChange.objects.create(
            agency_id=agency_id,
            employee=employee,
            kind=EmployeeChangeKind.TRANSFERRED,
            old_id=old_agency.id,
            new_id=to_agency.id,
            old_value=old_agency.name,
            new_value=to_agency.name,
            reason=reason,
            effective_date=effective_date,
            actor=actor,
        )
    employee = Employee.objects.select_related("user", "unit", "agency").get(id=employee.id)
    notification_send(
        recipient=employee.user,
        kind="employee_transferred",
        context={
            "old_agency": old_agency.name,
            "new_agency": to_agency.name,
            "effective_date": _date_for(employee.user, effective_date),
        },
    )
    hr_users = User.objects.filter(
        org_roles__agency=to_agency, org_roles__role=Role.HR_ADMIN, is_active=True
    ).distinct()
    for hr_user in hr_users:
        notification_send(
            recipient=hr_user,
            kind="employee_transferred_in",
            context={"name": employee.name, "old_agency": old_agency.name, "unit": root.name},
            url=reverse("hr-employee-detail", kwargs={"employee_id": employee.id}),
        )
    return employee


@transaction.atomic
def employee_home_location_set(*, employee: Employee, latitude, longitude, actor=None) -> Employee:
    """Write the approved home coordinates (the approval flow lives in the onboarding app).
    Positions are never copied into the audit trail (pghistory excludes these columns)."""
    employee.home_latitude, employee.home_longitude = latitude, longitude
    try:
        employee.clean_fields(exclude=[f.name for f in Employee._meta.fields if not f.name.startswith("home_")])
        employee.validate_constraints()
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc
    # A plain UPDATE of the two columns only: `updated_at` is left alone so that no audit row
    # (which would tell *when* someone moved house) is written either.
    Employee.objects.filter(id=employee.id).update(home_latitude=latitude, home_longitude=longitude)
    return employee


# ---------------------------------------------------------------------------- roles


def _is_last_hr_admin(*, agency_id: int, user_id: int) -> bool:
    holders = RoleAssignment.objects.filter(agency_id=agency_id, role=Role.HR_ADMIN)
    return holders.filter(user_id=user_id).exists() and not holders.exclude(user_id=user_id).exists()


def _role_for(user, role: str) -> str:
    """The role's name in the language of the person told."""
    from flexwork.common.i18n import user_language

    with translation.override(user_language(user) or "id"):
        return str(Role(role).label)


@transaction.atomic
def role_assign(*, agency: Agency, user, role: str, actor=None) -> RoleAssignment:
    employee = Employee.objects.filter(user_id=user.pk).first()
    if employee is None or employee.agency_id != agency.id:
        message = _("Only an employee of this agency can hold an agency role.")
        raise ApplicationError(message, code="other_agency", fields={"user": [message]})
    if not employee.is_active:
        message = _("An inactive employee cannot hold an agency role.")
        raise ApplicationError(message, code="inactive", fields={"user": [message]})
    assignment, created = RoleAssignment.objects.get_or_create(agency=agency, user=user, role=Role(role))
    # The MFA duty of the role (agency switches) follows from flexwork.accounts.receivers, at once:
    # a new HR admin without an authenticator app is sent to enrolment before any HR page.
    if created and actor is not None:
        from flexwork.notifications.services import notification_send

        notification_send(
            recipient=user,
            kind="role_assigned",
            context={"role": _role_for(user, role), "agency": agency.name},
        )
    return assignment


@transaction.atomic
def role_revoke(*, agency: Agency, user, role: str, actor=None) -> None:
    """End an agency role. The last HR admin of an agency is never removed (409): someone must be
    able to manage it (docs/rules.md §7)."""
    # Serialises concurrent removals of the agency's HR admins, so two of them cannot both leave.
    Agency.objects.select_for_update().filter(id=agency.id).values_list("id", flat=True).first()
    if role == Role.HR_ADMIN and _is_last_hr_admin(agency_id=agency.id, user_id=user.pk):
        raise ConflictError(str(ERR_LAST_HR_ADMIN), code="last_hr_admin")
    removed = 0
    for assignment in RoleAssignment.objects.filter(agency=agency, user=user, role=role):
        assignment.delete()
        removed += 1
    if removed and actor is not None:
        from flexwork.notifications.services import notification_send

        notification_send(
            recipient=user, kind="role_revoked", context={"role": _role_for(user, role), "agency": agency.name}
        )


@transaction.atomic
def unit_head_set(*, unit: Unit, head: Employee | None, actor=None) -> Unit:
    """Appoint (or, with None, remove) the head of a unit. Requests waiting for the old head, or
    whose decider changes with the new one, are re-routed (docs/rules.md §3 "The approval engine")."""
    from flexwork.approvals import engine

    unit = Unit.objects.select_for_update().get(id=unit.id)
    if head is not None:
        _same_agency(agency_id=unit.agency_id, field="head", obj=head)
        if not head.is_active:
            message = _("An inactive employee cannot head a unit.")
            raise ApplicationError(message, code="inactive", fields={"head": [message]})
    old_head_id = unit.head_id
    if old_head_id == (head.id if head else None):
        return unit
    unit = unit_update(unit=unit, data={"head": head})
    # Everyone in the subtree may have a new decider; the old head may wait on requests elsewhere.
    where = Q(employee__unit__path__contains=[unit.id])
    if old_head_id:
        where |= Q(recommender_id=old_head_id) | Q(decider_id=old_head_id) | Q(escalated_to_id=old_head_id)
    engine.reroute_matching(agency_id=unit.agency_id, where=where, actor=actor)
    return unit


# ---------------------------------------------------------------------------- designated locations

LOCATION_FIELDS = ["name", "latitude", "longitude", "radius_m", "is_active"]


@transaction.atomic
def location_create(
    *, agency: Agency, name: str, latitude, longitude, radius_m: int = 100, is_active: bool = True
) -> DesignatedLocation:
    location = DesignatedLocation(
        agency=agency, name=name, latitude=latitude, longitude=longitude, radius_m=radius_m, is_active=is_active
    )
    _clean_and_save(location)
    return location


@transaction.atomic
def location_update(*, location: DesignatedLocation, data: dict[str, Any]) -> DesignatedLocation:
    location, _changed = _update(location, data, LOCATION_FIELDS)
    return location


# ---------------------------------------------------------------------------- holidays

# HR is warned from this day (month, day) while next year has no holiday (docs/rules.md §7).
HOLIDAY_WARNING_FROM = (10, 1)
HOLIDAY_CATEGORIES = {"public": HolidayKind.LIBUR_NASIONAL, "government": HolidayKind.CUTI_BERSAMA}


@functools.cache
def holiday_estimated_suffix() -> str:
    """The label the `holidays` package appends to dates it only estimates: " (perkiraan)"."""
    calendar = holidays_lib.country_holidays("ID", years=2026, language="id")
    return calendar.tr(calendar.estimated_label) % ""


def holiday_base_name(name: str) -> str:
    """The name without the package's estimate label (docs/rules.md §7: confirming removes it)."""
    suffix = holiday_estimated_suffix()
    return name[: -len(suffix)].rstrip() if suffix and name.endswith(suffix) else name


def holidays_from_library(*, year: int) -> list[tuple[datetime.date, str, str, bool]]:
    """(date, name, kind, confirmed) from the `holidays` package for Indonesia, language `id`.
    The package marks dates it only estimates (lunar calendars) with its `estimated_label`
    ("%s (perkiraan)"); such rows start unconfirmed and keep the label in their name, so HR sees it
    until they confirm the date."""
    rows = []
    suffix = holiday_estimated_suffix()
    for category, kind in HOLIDAY_CATEGORIES.items():
        calendar = holidays_lib.country_holidays("ID", years=year, categories=(category,), language="id")
        for day in sorted(calendar):
            for name in calendar.get_list(day):
                rows.append((day, name, kind, not name.endswith(suffix)))
    return rows


@transaction.atomic
def holidays_seed(*, agency: Agency, year: int, unconfirmed: bool = False) -> list[Holiday]:
    """Add the year's national holidays and cuti bersama. Rows HR already has (same date and name,
    with or without the estimate label) are left alone, so seeding twice adds nothing and never
    undoes a confirmation. `unconfirmed`: every new row waits for HR's confirmation (the yearly job)."""
    existing = {
        (day, holiday_base_name(name))
        for day, name in Holiday.objects.filter(agency=agency, date__year=year).values_list("date", "name")
    }
    new = [
        Holiday(agency=agency, date=day, name=name, kind=kind, confirmed=confirmed and not unconfirmed)
        for day, name, kind, confirmed in holidays_from_library(year=year)
        if (day, holiday_base_name(name)) not in existing
    ]
    Holiday.objects.bulk_create(new)  # bulk_create fires pghistory's triggers (database level)
    return new


def holidays_next_year_seed(*, now: datetime.datetime | None = None) -> dict[int, int]:
    """The yearly job in December (docs/rules.md §7): every agency that has no holiday in next year
    yet gets next year's calendar from the package, all unconfirmed. An agency that already has one
    (HR seeded or entered it) is left alone, so running it again adds nothing. Agency id → rows added."""
    from flexwork.common.calendar import today_in

    added: dict[int, int] = {}
    for agency in Agency.objects.order_by("id"):
        year = today_in(agency.time_zone, now=now).year + 1
        if Holiday.objects.filter(agency=agency, date__year=year).exists():
            continue
        added[agency.id] = len(holidays_seed(agency=agency, year=year, unconfirmed=True))
    return added


def holidays_next_year_missing(*, agency: Agency, today: datetime.date) -> int | None:
    """The year HR should be warned about: next year, from 1 October on, while it has no holiday
    (docs/rules.md §7). None when there is nothing to warn about."""
    if (today.month, today.day) < HOLIDAY_WARNING_FROM:
        return None
    year = today.year + 1
    return None if Holiday.objects.filter(agency=agency, date__year=year).exists() else year


HOLIDAY_FIELDS = ["date", "name", "kind", "confirmed"]


def _holiday_conflict() -> ConflictError:
    message = _("There is already a holiday with this name on this date.")
    return ConflictError(message, code="duplicate", fields={"name": [message]})


@transaction.atomic
def holiday_create(*, agency: Agency, date: datetime.date, name: str, kind: str, confirmed: bool = True) -> Holiday:
    if confirmed:
        name = holiday_base_name(name.strip())
    if Holiday.objects.filter(agency=agency, date=date, name=name).exists():
        raise _holiday_conflict()
    holiday = Holiday(agency=agency, date=date, name=name, kind=kind, confirmed=confirmed)
    try:
        holiday.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise _validation_to_application(exc) from exc
    holiday.save()
    events.holiday_declared.send(holiday=holiday)
    return holiday


@transaction.atomic
def holiday_update(*, holiday: Holiday, data: dict[str, Any]) -> Holiday:
    """Move, rename or confirm a holiday (confirming an estimated date: data={"confirmed": True}).
    A confirmed holiday loses the package's "(perkiraan)" label, wherever its name is shown."""
    data = dict(data)
    if data.get("confirmed", holiday.confirmed):
        name = holiday_base_name(data.get("name", holiday.name))
        if name != data.get("name", holiday.name):
            if (
                Holiday.objects.filter(agency_id=holiday.agency_id, date=data.get("date", holiday.date), name=name)
                .exclude(id=holiday.id)
                .exists()
            ):
                raise _holiday_conflict()
            data["name"] = name
    holiday, _changed = _update(holiday, data, HOLIDAY_FIELDS)
    return holiday


@transaction.atomic
def holiday_confirm(*, holiday: Holiday) -> Holiday:
    return holiday_update(holiday=holiday, data={"confirmed": True})


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()


# ---------------------------------------------------------------------------- Ramadan


@transaction.atomic
def ramadan_range_create(*, agency: Agency, start: datetime.date, end: datetime.date) -> RamadanRange:
    if end < start:
        message = _("The last day cannot be before the first day.")
        raise ApplicationError(message, fields={"end": [message]})
    ramadan = RamadanRange(agency=agency, start=start, end=end)
    try:
        with transaction.atomic():  # a savepoint: the exclusion constraint may refuse the row
            ramadan.save()
    except IntegrityError as exc:
        message = _("This range overlaps another Ramadan range of the agency.")
        raise ConflictError(message, code="overlap", fields={"start": [message]}) from exc
    return ramadan


@transaction.atomic
def ramadan_range_delete(*, ramadan_range: RamadanRange) -> None:
    ramadan_range.delete()


# ---------------------------------------------------------------------------- policy


@transaction.atomic
def policy_update(
    *, agency: Agency, data: dict[str, Any], unit: Unit | None = None
) -> AgencyPolicy | UnitPolicyOverride:
    """Change the agency policy, or a unit's overrides (a None value there means "inherit").
    Every change is audited by pghistory (AgencyPolicyEvent / UnitPolicyOverrideEvent).
    `mfa_required_for_hr` and `mfa_required_for_head` live on the agency and are accepted here for the
    agency policy; changing them applies at once to the current role holders (flexwork.accounts.receivers)."""
    from flexwork.org.selectors import policy_for

    data = dict(data)
    switches = {name: data.pop(name) for name in AGENCY_POLICY_SWITCHES if unit is None and name in data}
    if switches:
        agency_update(agency=agency, data=switches)
    if unit is None:
        target = AgencyPolicy.objects.select_for_update().get(agency=agency)
    else:
        _same_agency(agency_id=agency.id, field="unit", obj=unit)
        target = UnitPolicyOverride.objects.select_for_update().filter(unit=unit).first()
        if target is None:
            target = UnitPolicyOverride(agency=agency, unit=unit)
            _clean_and_save(target)
    target, _changed = _update(target, data, list(POLICY_FIELD_NAMES))
    # Pairs must stay ordered in the effective policy too (a unit may override one end only).
    effective = policy_for(agency=agency, unit=unit)
    fields = {}
    for start, end in POLICY_TIME_PAIRS:
        if getattr(effective, end) <= getattr(effective, start):
            fields[end] = [_("The end must be after the start.")]
    if fields:
        raise ApplicationError(_("Some fields are not valid."), fields=fields)
    return target
