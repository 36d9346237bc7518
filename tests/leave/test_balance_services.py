"""Leave balances (docs/rules.md §9 "Buckets"): the year's entitlement, HR's adjustments, the
preview the form prints, and what submit, approval, reject, withdraw, cancel and recall write."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from flexwork.common.exceptions import ApplicationError
from leave import services
from leave.models import Bucket, EntryKind, LeaveBalance, LeaveBalanceEntry
from tests.leave.rules_helpers import MONDAY, act, approve, emp, grant, leave, n, numbers

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def test_the_year_gets_twelve_days_once(employee_a):
    services.ensure_year(employee=emp(employee_a), year=2027)
    services.ensure_year(employee=emp(employee_a), year=2027)

    assert n(employee_a, 2027) == (12, 0, 0)
    entries = LeaveBalanceEntry.objects.filter(balance__employee=emp(employee_a), balance__year=2027)
    assert [(e.kind, e.days) for e in entries] == [(EntryKind.GRANT, 12)]


def test_no_entitlement_in_a_year_before_twelve_months_of_service(employee_a):
    employee = emp(employee_a)
    employee.service_start_date = datetime.date(2027, 3, 1)
    employee.save(update_fields=["service_start_date"])

    services.ensure_year(employee=employee, year=2027)
    services.ensure_year(employee=employee, year=2028)

    assert n(employee_a, 2027) == (0, 0, 0)
    assert n(employee_a, 2028) == (12, 0, 0)  # eligible from 1 March 2028: the full year's days


def test_an_adjustment_is_a_ledger_entry_and_cannot_go_below_what_is_held_and_taken(employee_a):
    grant(employee_a, 2027, Bucket.N1, 3)
    leave(employee_a, MONDAY, MONDAY + D(days=1))  # 2 days: N-1 first

    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        services.balance_adjust(
            actor=None,
            employee=emp(employee_a),
            year=2027,
            bucket=Bucket.N1,
            days=-2,
            kind=EntryKind.CORRECTION,
            reason="Salah input",
        )
    assert "2 held" in refused.value.message
    assert refused.value.fields["days"]

    with pytest.raises(ApplicationError) as no_reason:
        services.balance_adjust(
            actor=None, employee=emp(employee_a), year=2027, bucket=Bucket.N1, days=1, kind=EntryKind.CORRECTION
        )
    assert no_reason.value.fields["reason"]

    services.balance_adjust(
        actor=None,
        employee=emp(employee_a),
        year=2027,
        bucket=Bucket.N1,
        days=-1,
        kind=EntryKind.CORRECTION,
        reason="Salah input",
    )
    assert numbers(employee_a, 2027)[Bucket.N1] == (2, 2, 0)
    kinds = list(
        LeaveBalanceEntry.objects.filter(balance__bucket=Bucket.N1, balance__employee=emp(employee_a)).values_list(
            "kind", "days"
        )
    )
    assert kinds == [(EntryKind.OPENING, 3), (EntryKind.HOLD, 2), (EntryKind.CORRECTION, -1)]


def test_the_preview_takes_deferred_then_n2_then_n1_then_n(employee_a):
    grant(employee_a, 2027, Bucket.DEFERRED, 1)
    grant(employee_a, 2027, Bucket.N2, 2)
    grant(employee_a, 2027, Bucket.N1, 3)

    result = services.preview(employee=emp(employee_a), kind="CT", date_from=MONDAY, date_to=MONDAY + D(days=9))

    assert result.days == 8  # two weeks' working days, the weekend skipped
    (year,) = result.years
    assert [(line.bucket, line.before, line.taken, line.after) for line in year.lines] == [
        (Bucket.DEFERRED, 1, 1, 0),
        (Bucket.N2, 2, 2, 0),
        (Bucket.N1, 3, 3, 0),
        (Bucket.N, 12, 2, 10),
    ]
    assert result.fits
    assert LeaveBalance.objects.filter(employee=emp(employee_a), year=2027).count() == 4  # nothing written


def test_the_preview_skips_holidays_and_cuti_bersama(employee_a, agency_a):
    from flexwork.org.models import Holiday, HolidayKind

    Holiday.objects.create(agency=agency_a, date=MONDAY + D(days=1), name="Cuti bersama", kind=HolidayKind.CUTI_BERSAMA)

    result = services.preview(employee=emp(employee_a), kind="CT", date_from=MONDAY, date_to=MONDAY + D(days=4))

    assert result.days == 4


def test_a_request_across_new_year_is_split_and_each_part_debits_its_own_year(employee_a, supervisor_a, unit_head_a):
    grant(employee_a, 2027, Bucket.N1, 6)
    first, last = datetime.date(2027, 12, 29), datetime.date(2028, 1, 4)  # Wed–Fri, then Mon–Tue

    result = services.preview(employee=emp(employee_a), kind="CT", date_from=first, date_to=last)
    assert [(y.year, y.days) for y in result.years] == [(2027, 3), (2028, 2)]

    request = leave(employee_a, first, last)
    approve(request, supervisor_a, unit_head_a)

    assert numbers(employee_a, 2027)[Bucket.N1] == (6, 0, 3)
    assert n(employee_a, 2027) == (12, 0, 0)
    assert n(employee_a, 2028) == (12, 0, 2)


def test_submit_holds_approval_debits(employee_a, supervisor_a, unit_head_a):
    request = leave(employee_a, MONDAY, MONDAY + D(days=2))
    assert n(employee_a, 2027) == (12, 3, 0)

    approve(request, supervisor_a, unit_head_a)

    assert n(employee_a, 2027) == (12, 0, 3)
    kinds = list(request.balance_entries.values_list("kind", "days"))
    assert kinds == [(EntryKind.HOLD, 3), (EntryKind.DEBIT, 3)]


@pytest.mark.parametrize("how", ["reject", "withdraw"])
def test_reject_and_withdraw_release_the_held_days(employee_a, supervisor_a, how):
    request = leave(employee_a, MONDAY, MONDAY + D(days=2))

    if how == "reject":
        act(request, "reject", supervisor_a, note="Tidak bisa")
    else:
        act(request, "withdraw", employee_a)

    assert n(employee_a, 2027) == (12, 0, 0)
    assert list(request.balance_entries.values_list("kind", "days")) == [(EntryKind.HOLD, 3), (EntryKind.RELEASE, -3)]


def test_a_returned_request_resubmitted_holds_its_days_once(employee_a, supervisor_a):
    request = leave(employee_a, MONDAY, MONDAY + D(days=2))
    act(request, "return", supervisor_a, note="Perbaiki alasan")
    assert n(employee_a, 2027) == (12, 3, 0)

    act(request, "submit", employee_a)

    assert n(employee_a, 2027) == (12, 3, 0)


def test_expiry_releases_the_held_days(employee_a):
    from flexwork.approvals import engine
    from flexwork.common.calendar import start_of_day

    request = leave(employee_a, MONDAY, MONDAY + D(days=2))

    engine.expire_due(now=start_of_day(MONDAY, "Asia/Makassar") + D(hours=1))

    request.refresh_from_db()
    assert request.status == "expired"
    assert n(employee_a, 2027) == (12, 0, 0)


def test_cancel_before_the_first_day_gives_every_day_back(employee_a, supervisor_a, unit_head_a):
    grant(employee_a, 2027, Bucket.N1, 2)
    request = leave(employee_a, MONDAY, MONDAY + D(days=2))
    approve(request, supervisor_a, unit_head_a)
    assert numbers(employee_a, 2027)[Bucket.N1] == (2, 0, 2)

    act(request, "cancel", employee_a)

    assert numbers(employee_a, 2027)[Bucket.N1] == (2, 0, 0)
    assert n(employee_a, 2027) == (12, 0, 0)


def test_a_recall_returns_the_days_not_taken_to_their_buckets(employee_a, supervisor_a, unit_head_a, monkeypatch):
    grant(employee_a, 2027, Bucket.N1, 2)
    request = leave(employee_a, MONDAY, MONDAY + D(days=4))  # 5 days: N-1 2, N 3
    approve(request, supervisor_a, unit_head_a)

    # Recalled on Tuesday: Monday and Tuesday were taken; Wednesday to Friday come back, from N first.
    monkeypatch.setattr("attendance.requests.office_today", lambda employee: MONDAY + D(days=1))
    act(request, "revoke", unit_head_a, note="Dipanggil kembali untuk tugas mendesak")

    assert numbers(employee_a, 2027)[Bucket.N1] == (2, 0, 2)
    assert n(employee_a, 2027) == (12, 0, 0)


def test_over_the_balance_is_refused_with_the_numbers_per_bucket(employee_a):
    grant(employee_a, 2027, Bucket.N1, 2)
    leave(employee_a, MONDAY, MONDAY + D(days=4))  # holds 5 of 14

    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        leave(employee_a, MONDAY + D(days=7), MONDAY + D(days=7 + 11))  # 10 working days, 9 left

    error = refused.value
    assert [v["code"] for v in error.violations] == ["LEAVE_BALANCE"]
    assert error.violations[0]["source"] == "PP 11/2017 Pasal 310, 313"
    assert "10 days asked, 9 left" in error.message
    assert "(This year (N) 9), 5 held for requests waiting for a decision" in error.message
    assert error.fields == {"date_to": ["Not enough annual leave"]}
    assert n(employee_a, 2027) == (12, 3, 0)  # nothing written by the refusal
