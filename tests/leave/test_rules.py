"""The rules of a leave request (docs/rules.md §9): kinds by employee type, the service each kind
needs, lengths, births, lead times, long leave's effect on N, a cuti bersama worked, coverage."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from flexwork.common.exceptions import ApplicationError
from leave import rules, services
from leave.models import Bucket, EntryKind
from tests.leave.rules_helpers import MONDAY, act, approve, emp, leave, n

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def set_employee(user, **values):
    employee = emp(user)
    for name, value in values.items():
        setattr(employee, name, value)
    employee.save(update_fields=list(values))
    return employee


def refused(user, kind, date_from, date_to=None):
    with pytest.raises(ApplicationError) as error:
        leave(user, date_from, date_to, kind=kind)
    return error.value


@pytest.mark.parametrize("kind", ["CB", "CLTN", "CAP"])
def test_a_pppk_is_refused_long_unpaid_and_important_reasons_leave_with_the_regulation(employee_a, kind):
    set_employee(employee_a, employee_type="PPPK")

    with translation.override("id"):
        error = refused(employee_a, kind, MONDAY + D(days=28))

    (violation,) = error.violations
    assert violation["code"] == "LEAVE_KIND_NOT_ALLOWED"
    assert violation["message"].startswith("PPPK")
    assert "PP 49/2018" in violation["message"]
    assert error.fields["kind"]


def test_a_cpns_is_refused_long_leave_and_may_take_annual_leave(employee_a):
    set_employee(employee_a, employee_type="CPNS")

    error = refused(employee_a, "CB", MONDAY + D(days=28))

    assert error.violations[0]["code"] == "LEAVE_KIND_NOT_ALLOWED"
    assert "PP 11/2017 Pasal 340" in error.message
    leave(employee_a, MONDAY)
    assert rules.kinds_for(emp(employee_a)) == {"CT", "CS", "CM", "CAP", "SAKIT", "IZIN", "DINAS_LUAR"}


def test_annual_leave_waits_for_twelve_months_of_service(employee_a):
    set_employee(employee_a, service_start_date=datetime.date(2026, 6, 1))

    error = refused(employee_a, "CT", MONDAY)

    assert error.violations[0]["code"] == "CT_NOT_ELIGIBLE"
    assert error.fields["date_from"]
    leave(employee_a, datetime.date(2027, 6, 1))  # the first day of the thirteenth month


def test_without_a_tmt_annual_leave_is_not_refused(employee_a):
    set_employee(employee_a, service_start_date=None)

    assert leave(employee_a, MONDAY).status == "submitted"


def test_long_leave_needs_five_years_and_lasts_at_most_three_months(employee_a):
    set_employee(employee_a, service_start_date=datetime.date(2023, 1, 1))
    assert refused(employee_a, "CB", MONDAY + D(days=28)).violations[0]["code"] == "LEAVE_SERVICE_SHORT"

    set_employee(employee_a, service_start_date=datetime.date(2010, 1, 1))
    start = MONDAY + D(days=28)
    error = refused(employee_a, "CB", start, start + D(days=100))
    assert [v["code"] for v in error.violations] == ["LEAVE_TOO_LONG"]


def test_long_leave_sets_that_years_n_to_zero(employee_a, supervisor_a, unit_head_a):
    set_employee(employee_a, service_start_date=datetime.date(2010, 1, 1))
    start = MONDAY + D(days=28)
    request = leave(employee_a, start, start + D(days=60), kind="CB")

    approve(request, supervisor_a, unit_head_a)

    assert n(employee_a, 2027) == (0, 0, 0)
    assert request.balance_entries.get().kind == EntryKind.LONG_LEAVE

    act(request, "cancel", employee_a)  # before it began: N comes back

    assert n(employee_a, 2027) == (12, 0, 0)


def test_a_fourth_birth_is_offered_as_long_leave_to_a_pns_and_refused_to_a_pppk(employee_a):
    from attendance.models import LeaveRequest

    for year in (2019, 2021, 2023):
        LeaveRequest.objects.create(
            agency_id=emp(employee_a).agency_id,
            employee=emp(employee_a),
            kind="CM",
            date_from=datetime.date(year, 1, 1),
            date_to=datetime.date(year, 3, 31),
            status="approved",
        )
    with translation.override("id"):
        pns = refused(employee_a, "CM", MONDAY)
        set_employee(employee_a, employee_type="PPPK")
        pppk = refused(employee_a, "CM", MONDAY)

    assert pns.violations[0]["code"] == "CM_BIRTH_LIMIT"
    assert "Cuti besar" in pns.message or "cuti besar" in pns.message
    assert pppk.violations[0]["code"] == "CM_BIRTH_LIMIT"
    assert "PPPK" in pppk.message


def test_lead_time_per_kind(employee_a):
    from flexwork.common.calendar import office_today

    today = office_today(emp(employee_a))
    tomorrow = today + D(days=1)
    while tomorrow.isoweekday() > 5:
        tomorrow += D(days=1)

    error = refused(employee_a, "CT", tomorrow)
    assert error.violations[0]["code"] == "LEAD_TIME"
    assert leave(employee_a, tomorrow, kind="CS").status == "submitted"  # sick leave needs no notice


def test_a_cuti_bersama_worked_adds_a_day_to_n(employee_a, hr_admin_a):
    services.balance_adjust(
        actor=hr_admin_a,
        employee=emp(employee_a),
        year=2027,
        bucket=Bucket.N,
        days=1,
        kind=EntryKind.CUTI_BERSAMA_WORKED,
        reason="Surat perintah kerja cuti bersama 24 Desember",
    )

    assert n(employee_a, 2027) == (13, 0, 0)


def test_people_on_leave_count_as_away_and_the_decider_gives_a_reason(employee_a, supervisor_a, unit_head_a):
    from flexwork.org.models import AgencyPolicy

    AgencyPolicy.objects.filter(agency_id=emp(employee_a).agency_id).update(coverage_share_percent=10)
    other = leave(supervisor_a, MONDAY)  # the section's two people: the supervisor away first
    act(other, "approve", unit_head_a)

    request = leave(employee_a, MONDAY)
    act(request, "recommend", supervisor_a)
    with pytest.raises(ApplicationError) as error:
        act(request, "approve", unit_head_a)

    assert error.value.code == "override_reason_required"
    assert [v["code"] for v in error.value.violations] == ["COVERAGE_UNIT_SHARE"]
    assert error.value.violations[0]["severity"] == "soft"
    act(request, "approve", unit_head_a, override_reason="Pekerjaan sudah dialihkan")
    request.refresh_from_db()
    assert (request.status, request.override_reason) == ("approved", "Pekerjaan sudah dialihkan")


def test_the_next_long_leave_waits_five_years_after_the_last_one_ended(employee_a):
    from attendance.models import LeaveRequest

    set_employee(employee_a, service_start_date=datetime.date(2000, 1, 1))
    LeaveRequest.objects.create(
        agency_id=emp(employee_a).agency_id,
        employee=emp(employee_a),
        kind="CB",
        date_from=datetime.date(2023, 1, 2),
        date_to=datetime.date(2023, 3, 31),
        status="approved",
    )

    with translation.override("en"):
        error = refused(employee_a, "CB", MONDAY + D(days=28))

    assert error.violations[0]["code"] == "LEAVE_SERVICE_SHORT"
    assert "1 April 2028" in error.message


def test_deactivation_gives_back_what_pending_and_future_leave_held(employee_a, supervisor_a, unit_head_a, hr_admin_a):
    from flexwork.approvals import engine

    approved = leave(employee_a, MONDAY, MONDAY + D(days=1))
    approve(approved, supervisor_a, unit_head_a)
    leave(employee_a, MONDAY + D(days=7), MONDAY + D(days=9))
    assert n(employee_a, 2027) == (12, 3, 2)

    engine.close_for_deactivated(employee=emp(employee_a), actor=hr_admin_a, note="Pensiun")

    assert n(employee_a, 2027) == (12, 0, 0)
