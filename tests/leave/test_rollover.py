"""The yearly rollover (docs/rules.md §9 "Rollover") on prepared histories: 6 days carried, 18 at
most after a year with annual leave, 24 only after two years without it (STRICT) or from last
year's unused N-1 (CHAIN), deferred days in full, PPPK by contract length, and twice is once."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from flexwork.org.models import AgencyPolicy
from leave import rollover, services
from leave.models import Bucket, EntryKind, LeaveBalance, LeaveBalanceEntry
from leave.tasks import leave_rollover_task
from tests.leave.rules_helpers import emp, grant, numbers

pytestmark = pytest.mark.django_db


def history(user, used: dict[int, int]):
    """Years with their N granted (12) and `used` days taken from N."""
    for year, days in used.items():
        services.ensure_year(employee=emp(user), year=year)
        LeaveBalance.objects.filter(employee=emp(user), year=year, bucket=Bucket.N).update(used=days)


def granted(user, year):
    return {bucket: values[0] for bucket, values in numbers(user, year).items()}


def test_unused_days_carry_at_most_six_and_a_year_with_leave_gives_no_n2(employee_a):
    history(employee_a, {2025: 0, 2026: 4})

    rollover.rollover_employee(employee=emp(employee_a), year=2027)

    assert granted(employee_a, 2027) == {Bucket.DEFERRED: 0, Bucket.N2: 0, Bucket.N1: 6, Bucket.N: 12}  # 18


def test_fewer_unused_days_carry_as_they_are(employee_a):
    history(employee_a, {2025: 0, 2026: 9})

    rollover.rollover_employee(employee=emp(employee_a), year=2027)

    assert granted(employee_a, 2027)[Bucket.N1] == 3


def test_twenty_four_only_after_two_years_without_annual_leave(employee_a):
    history(employee_a, {2025: 0, 2026: 0})

    rollover.rollover_employee(employee=emp(employee_a), year=2027)

    assert granted(employee_a, 2027) == {Bucket.DEFERRED: 0, Bucket.N2: 6, Bucket.N1: 6, Bucket.N: 12}


def test_strict_gives_no_n2_after_leave_two_years_ago_chain_carries_last_years_n1(employee_a, agency_a):
    history(employee_a, {2025: 2, 2026: 0})
    grant(employee_a, 2026, Bucket.N1, 6, kind=EntryKind.CARRY)

    rollover.rollover_employee(employee=emp(employee_a), year=2027)
    assert granted(employee_a, 2027)[Bucket.N2] == 0

    LeaveBalanceEntry.objects.filter(balance__year=2027).delete()
    LeaveBalance.objects.filter(year=2027).delete()
    AgencyPolicy.objects.filter(agency=agency_a).update(ct_carry_chain=True)
    rollover.rollover_employee(employee=emp(employee_a), year=2027)
    assert granted(employee_a, 2027) == {Bucket.DEFERRED: 0, Bucket.N2: 6, Bucket.N1: 6, Bucket.N: 12}


def test_deferred_days_stay_in_full_and_the_total_stays_within_24(employee_a):
    history(employee_a, {2025: 0, 2026: 0})
    grant(employee_a, 2027, Bucket.DEFERRED, 5, kind=EntryKind.DEFERRAL)

    rollover.rollover_employee(employee=emp(employee_a), year=2027)

    assert granted(employee_a, 2027) == {Bucket.DEFERRED: 5, Bucket.N2: 1, Bucket.N1: 6, Bucket.N: 12}


@pytest.mark.parametrize(("months", "n1", "n2"), [(24, 0, 0), (30, 6, 0), (48, 6, 6)])
def test_a_pppk_carries_only_with_a_long_enough_contract(employee_a, months, n1, n2):
    employee = emp(employee_a)
    employee.employee_type = "PPPK"
    employee.contract_months = months
    employee.save(update_fields=["employee_type", "contract_months"])
    history(employee_a, {2025: 0, 2026: 0})

    rollover.rollover_employee(employee=employee, year=2027)

    assert (granted(employee_a, 2027)[Bucket.N1], granted(employee_a, 2027)[Bucket.N2]) == (n1, n2)


def test_running_twice_changes_nothing(employee_a):
    history(employee_a, {2025: 0, 2026: 3})

    assert rollover.rollover_employee(employee=emp(employee_a), year=2027) is True
    assert rollover.rollover_employee(employee=emp(employee_a), year=2027) is False
    leave_rollover_task(zone="Asia/Makassar", year=2027)

    assert granted(employee_a, 2027) == {Bucket.DEFERRED: 0, Bucket.N2: 0, Bucket.N1: 6, Bucket.N: 12}
    assert LeaveBalanceEntry.objects.filter(balance__year=2027, kind=EntryKind.CARRY).count() == 1


def test_the_job_runs_at_midnight_office_time_on_new_years_day_per_zone():
    entry = settings.CELERY_BEAT_SCHEDULE["leave-rollover"]
    assert entry["task"] == leave_rollover_task.name
    # 00:00 WITA on 1 January 2027 is 16:00 UTC on 31 December: Makassar and Jayapura have begun the year.
    now = datetime.datetime(2026, 12, 31, 16, 2, tzinfo=datetime.UTC)
    assert rollover.zones_in_new_year(now) == [("Asia/Makassar", 2027), ("Asia/Jayapura", 2027)]
