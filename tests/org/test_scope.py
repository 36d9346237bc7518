import pytest
from django.core.exceptions import PermissionDenied

from flexwork.org import scope, services
from flexwork.org.models import Employee

pytestmark = pytest.mark.django_db


def test_a_deactivated_employee_sees_nothing(org_world):
    employee = Employee.objects.get(user=org_world.employee_a)
    services.employee_update(employee=employee, data={"is_active": False})
    assert scope.scope_for(org_world.employee_a).roles == frozenset()
    assert not scope.visible_employees(org_world.employee_a).exists()


def test_a_platform_operator_sees_no_agency_data(platform_operator, org_world):
    assert scope.scope_for(platform_operator).roles == {"platform_operator"}
    assert not scope.visible_employees(platform_operator).exists()
    assert not scope.visible_units(platform_operator).exists()
    with pytest.raises(PermissionDenied):
        scope.require_agency(platform_operator)


def test_employee_q_scopes_related_rows(org_world):
    from flexwork.org.models import EmployeeChange

    for persona in ("employee_a", "supervisor_a"):
        employee = Employee.objects.get(user=getattr(org_world, persona))
        EmployeeChange.objects.create(
            agency=employee.agency, employee=employee, kind="UNIT", effective_date="2026-01-01"
        )
    visible = EmployeeChange.objects.filter(scope.employee_q(org_world.employee_a, prefix="employee__"))
    assert visible.count() == 1
    visible = EmployeeChange.objects.filter(scope.employee_q(org_world.unit_head_a, prefix="employee__"))
    assert visible.count() == 2
    assert not EmployeeChange.objects.filter(scope.employee_q(org_world.hr_admin_b, prefix="employee__")).exists()


def test_require_role_raises_403(org_world):
    with pytest.raises(PermissionDenied):
        scope.require_role(org_world.employee_a, scope.HR_ADMIN)
    assert scope.require_role(org_world.hr_admin_a, scope.HR_ADMIN).agency_id == org_world.agency_a.id


def test_a_headed_subtree_follows_a_move(org_world):
    services.unit_update(unit=org_world.hr_unit_a, data={"parent": org_world.div_a})
    nips = set(scope.visible_employees(org_world.unit_head_a).values_list("nip", flat=True))
    assert org_world.hr_admin_a.username in nips


def test_office_zone_for_pages(org_world):
    from flexwork.common.timezones import zone_name_for_user

    assert zone_name_for_user(org_world.employee_a) == "Asia/Makassar"
    assert zone_name_for_user(org_world.employee_b) == "Asia/Jakarta"


# ---------------------------------------------------------------------------- who decides (docs/rules.md §3)


def _employee(user) -> Employee:
    return Employee.objects.select_related("unit").get(user=user)


def test_the_decider_is_the_nearest_decision_level_head(org_world):
    assert scope.decider_for(_employee(org_world.employee_a)) == _employee(org_world.unit_head_a)
    services.unit_update(
        unit=org_world.sec_a, data={"is_decision_level": True, "head": _employee(org_world.supervisor_a)}
    )
    assert scope.decider_for(_employee(org_world.employee_a)) == _employee(org_world.supervisor_a)
    # The head of a decision level goes to the next level up.
    assert scope.decider_for(_employee(org_world.supervisor_a)) == _employee(org_world.unit_head_a)


def test_with_no_level_marked_above_the_root_head_decides_and_is_a_decider(org_world):
    found = scope.find_decider(_employee(org_world.unit_head_a))
    assert found.decider == _employee(org_world.agency_head_a)
    assert scope.decider_for(_employee(org_world.hr_admin_a)) == _employee(org_world.agency_head_a)
    assert scope.DECIDER in scope.scope_for(org_world.agency_head_a).roles


def test_nobody_decides_the_agency_heads_own_request(org_world):
    found = scope.find_decider(_employee(org_world.agency_head_a))
    assert found.decider is None and found.requester_heads_root
    services.unit_update(unit=org_world.root_a, data={"is_decision_level": True})
    assert scope.decider_for(_employee(org_world.agency_head_a)) is None
    assert scope.decider_for(_employee(org_world.unit_head_a)) == _employee(org_world.agency_head_a)


def test_a_vacant_or_inactive_root_head_leaves_nobody(org_world):
    services.unit_update(unit=org_world.div_a, data={"head": None})
    Employee.objects.filter(user=org_world.agency_head_a).update(is_active=False)
    found = scope.find_decider(_employee(org_world.employee_a))
    assert found.decider is None and not found.requester_heads_root
    assert found.root.id == org_world.root_a.id


def test_the_decider_is_found_in_one_query(org_world, django_assert_num_queries):
    employee = _employee(org_world.employee_a)
    with django_assert_num_queries(1):
        scope.decider_for(employee)
