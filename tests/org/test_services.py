import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org import events, services
from flexwork.org.models import Employee, EmployeeChange, Position, Unit
from flexwork.org.scope import decider_for
from flexwork.org.selectors import policy_for, unit_subtree
from tests.org.factories import EmployeeFactory, UnitFactory, nip_for

pytestmark = pytest.mark.django_db


def emp(user):
    return Employee.objects.get(user=user)


def test_it_refuses_a_unit_made_its_own_ancestor(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.unit_update(unit=org_world.div_a, data={"parent": org_world.sec_a})
    assert "parent" in caught.value.fields
    with pytest.raises(ApplicationError):
        services.unit_update(unit=org_world.div_a, data={"parent": org_world.div_a})
    org_world.sec_a.refresh_from_db()
    assert org_world.sec_a.parent_id == org_world.div_a.id


def test_moving_a_unit_moves_its_subtree_paths(org_world):
    services.unit_update(unit=org_world.div_a, data={"parent": org_world.hr_unit_a})
    sec = Unit.objects.get(id=org_world.sec_a.id)
    assert sec.path == [org_world.root_a.id, org_world.hr_unit_a.id, org_world.div_a.id, sec.id]
    subtree = {u.code for u in unit_subtree(unit=org_world.hr_unit_a)}
    assert subtree == {"A-HR", "A-DIV", "A-SEC"}


def test_it_refuses_a_parent_in_another_agency(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.unit_update(unit=org_world.div_a, data={"parent": org_world.root_b})
    assert "parent" in caught.value.fields


def test_it_refuses_a_supervisor_cycle(org_world):
    supervisor = emp(org_world.supervisor_a)
    with pytest.raises(ApplicationError) as caught:
        services.employee_update(employee=supervisor, data={"supervisor": emp(org_world.employee_a)})
    assert caught.value.code == "supervisor_cycle"
    head = emp(org_world.agency_head_a)
    with pytest.raises(ApplicationError):  # a longer cycle: head → unit head → supervisor → employee
        services.employee_update(employee=head, data={"supervisor": emp(org_world.employee_a)})
    with pytest.raises(ApplicationError):
        services.employee_update(employee=head, data={"supervisor": head})
    assert Employee.objects.get(id=head.id).supervisor_id is None


def test_it_refuses_a_supervisor_from_another_agency(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.employee_update(employee=emp(org_world.employee_a), data={"supervisor": emp(org_world.employee_b)})
    assert "supervisor" in caught.value.fields


def test_it_refuses_a_duplicate_nip(org_world):
    with pytest.raises(ConflictError):
        services.employee_create(
            agency=org_world.agency_a,
            nip=emp(org_world.employee_a).nip,
            name="X",
            employee_type="PNS",
            unit=org_world.sec_a,
        )


def test_it_refuses_a_bad_nip_with_the_field(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.employee_create(
            agency=org_world.agency_a, nip="198502302010011002", name="X", employee_type="PNS", unit=org_world.sec_a
        )
    assert caught.value.fields["nip"]


def test_coordinates_out_of_range_are_refused(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.location_create(agency=org_world.agency_a, name="Bad", latitude=Decimal("91"), longitude=Decimal("0"))
    assert "latitude" in caught.value.fields
    with pytest.raises(ApplicationError):
        services.unit_update(unit=org_world.sec_a, data={"office_longitude": Decimal("181")})
    with pytest.raises(ApplicationError):
        services.location_create(agency=org_world.agency_a, name="Zero", latitude=1, longitude=1, radius_m=0)


def test_the_database_refuses_coordinates_out_of_range_too(org_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(id=org_world.sec_a.id).update(office_latitude=Decimal("-90.5"))


def test_an_eligible_position_needs_the_five_task_criteria(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.position_create(agency=org_world.agency_a, code="X1", name="X", type="PELAKSANA", is_fwa_eligible=True)
    assert "is_fwa_eligible" in caught.value.fields
    assert not Position.objects.filter(code="X1").exists()


def test_supervisor_change_is_recorded_fired_and_told(org_world, django_capture_on_commit_callbacks):
    received = []

    def subscriber(**kwargs):
        received.append(kwargs)

    events.employee_supervisor_changed.connect(subscriber)
    try:
        employee = emp(org_world.employee_a)
        new_supervisor = emp(org_world.unit_head_a)
        services.employee_update(
            employee=employee,
            data={"supervisor": new_supervisor},
            actor=org_world.hr_admin_a,
            effective_date=datetime.date(2026, 12, 1),
        )
    finally:
        events.employee_supervisor_changed.disconnect(subscriber)
    assert len(received) == 1
    assert received[0]["employee"].id == employee.id
    assert received[0]["old_id"] == emp(org_world.supervisor_a).id
    assert received[0]["new_id"] == new_supervisor.id
    change = EmployeeChange.objects.get(employee=employee)
    assert (change.kind, change.effective_date, change.actor) == (
        "SUPERVISOR",
        datetime.date(2026, 12, 1),
        org_world.hr_admin_a,
    )
    from flexwork.notifications.models import Notification

    notification = Notification.objects.get(recipient=org_world.employee_a, kind="employee_changed")
    assert new_supervisor.name in notification.body


def test_unit_change_and_deactivation_fire_their_events(org_world):
    units, gone = [], []
    on_unit = events.employee_unit_changed.connect(lambda **kw: units.append(kw))
    on_gone = events.employee_deactivated.connect(lambda **kw: gone.append(kw))
    try:
        employee = emp(org_world.employee_a)
        services.employee_update(employee=employee, data={"unit": org_world.div_a})
        services.employee_update(employee=employee, data={"is_active": False})
    finally:
        # Only this test's receivers: the approval engine's stay connected for the tests after it.
        events.employee_unit_changed.disconnect(on_unit)
        events.employee_deactivated.disconnect(on_gone)
    assert units[0]["new_id"] == org_world.div_a.id
    assert len(gone) == 1
    org_world.employee_a.refresh_from_db()
    assert org_world.employee_a.is_active is False
    kinds = set(EmployeeChange.objects.filter(employee__user=org_world.employee_a).values_list("kind", flat=True))
    assert kinds == {"UNIT", "DEACTIVATED"}


def test_an_unchanged_update_records_nothing(org_world):
    employee = emp(org_world.employee_a)
    services.employee_update(employee=employee, data={"unit": employee.unit, "supervisor": employee.supervisor})
    assert not EmployeeChange.objects.exists()


def test_decider_is_the_nearest_decision_level_head_or_the_next_up(org_world):
    assert decider_for(emp(org_world.employee_a)) == emp(org_world.unit_head_a)
    assert decider_for(emp(org_world.supervisor_a)) == emp(org_world.unit_head_a)
    # The unit head's own requests go to the next decision level up.
    services.unit_update(unit=org_world.root_a, data={"is_decision_level": True})
    assert decider_for(emp(org_world.unit_head_a)) == emp(org_world.agency_head_a)


def test_children_of_the_root_are_decision_levels_by_default(org_world):
    assert Unit.objects.get(id=org_world.div_a.id).is_decision_level
    assert not Unit.objects.get(id=org_world.sec_a.id).is_decision_level
    assert not Unit.objects.get(id=org_world.root_a.id).is_decision_level


def test_policy_for_takes_the_unit_override_else_the_agency(org_world):
    services.policy_update(agency=org_world.agency_a, data={"max_location_days_per_week": 1})
    services.policy_update(agency=org_world.agency_a, unit=org_world.sec_a, data={"coverage_share_percent": 50})
    agency_policy = policy_for(agency=org_world.agency_a)
    unit_policy = policy_for(agency=org_world.agency_a, unit=org_world.sec_a)
    assert (agency_policy.max_location_days_per_week, agency_policy.coverage_share_percent) == (1, 30)
    assert (unit_policy.max_location_days_per_week, unit_policy.coverage_share_percent) == (1, 50)
    assert unit_policy.overridden == {"coverage_share_percent"}
    assert agency_policy.new_in_post_months == 6
    assert agency_policy.core_fri_end == datetime.time(11, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        agency_policy.max_span_days = 1


def test_public_service_units_default_to_a_share_of_zero(org_world):
    services.unit_update(unit=org_world.sec_a, data={"is_public_service": True})
    assert (
        policy_for(agency=org_world.agency_a, unit=Unit.objects.get(id=org_world.sec_a.id)).coverage_share_percent == 0
    )


def test_policy_numbers_out_of_range_are_refused(org_world):
    with pytest.raises(ApplicationError) as caught:
        services.policy_update(agency=org_world.agency_a, data={"max_location_days_per_week": 9})
    assert "max_location_days_per_week" in caught.value.fields
    with pytest.raises(ApplicationError) as caught:
        services.policy_update(agency=org_world.agency_a, unit=org_world.sec_a, data={"core_end": datetime.time(8, 0)})
    assert "core_end" in caught.value.fields


def test_policy_changes_are_audited(org_world):
    from flexwork.org.models.policy import AgencyPolicy

    services.policy_update(agency=org_world.agency_a, data={"lead_working_days": 2})
    events_ = AgencyPolicy.pgh_event_model.objects.filter(pgh_obj__agency=org_world.agency_a, pgh_label="update")
    assert events_.get().lead_working_days == 2


def test_home_coordinates_are_not_copied_into_the_audit_trail(org_world):
    employee = emp(org_world.employee_a)
    before = Employee.pgh_event_model.objects.filter(pgh_obj=employee).count()
    services.employee_home_location_set(employee=employee, latitude=Decimal("-5.1"), longitude=Decimal("119.4"))
    assert Employee.pgh_event_model.objects.filter(pgh_obj=employee).count() == before
    assert not hasattr(Employee.pgh_event_model, "home_latitude")


def test_ramadan_ranges_never_overlap(org_world):
    services.ramadan_range_create(
        agency=org_world.agency_a, start=datetime.date(2026, 2, 18), end=datetime.date(2026, 3, 19)
    )
    with pytest.raises(ConflictError):
        services.ramadan_range_create(
            agency=org_world.agency_a, start=datetime.date(2026, 3, 19), end=datetime.date(2026, 3, 25)
        )
    # another agency may have its own range on the same days
    services.ramadan_range_create(
        agency=org_world.agency_b, start=datetime.date(2026, 2, 18), end=datetime.date(2026, 3, 19)
    )


def test_a_second_root_unit_is_refused(org_world):
    with pytest.raises(ApplicationError):
        UnitFactory(agency=org_world.agency_a, parent=None)


def test_pppk_employees_take_pppk_nips(org_world):
    employee = EmployeeFactory(
        agency=org_world.agency_a, unit=org_world.sec_a, employee_type="PPPK", nip=nip_for(500, employee_type="PPPK")
    )
    assert employee.user.username == employee.nip
