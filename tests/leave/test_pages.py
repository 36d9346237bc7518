"""Leave balance pages (docs/rules.md §9 "Buckets"): the home card, my balance and its history, the
leave form's before/after, HR's balances per unit with corrections and the opening-balance import, and
the printable leave form."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from attendance.models import LeaveRequest
from leave.models import Bucket, EntryKind, LeaveBalanceEntry
from leave.selectors import balance_for
from tests.leave.rules_helpers import MONDAY, leave

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def this_year() -> int:
    return timezone.now().astimezone(WITA).year


def page(user, language="en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def set_employee_type(employee, employee_type: str) -> None:
    type(employee).objects.filter(id=employee.id).update(employee_type=employee_type, contract_months=None)


def html(response) -> str:
    return response.content.decode()


def grant(user, year: int, bucket: str, days: int):
    """Make the bucket grant exactly `days` (after the year's own entitlement, which comes first)."""
    from leave import services

    employee = user.employee
    services.ensure_year(employee=employee, year=year)
    now = balance_for(employee_id=employee.id, year=year).line(bucket).granted
    if days != now:
        services.balance_adjust(
            actor=None, employee=employee, year=year, bucket=bucket, days=days - now, kind=EntryKind.OPENING,
            reason="Saldo awal",
        )  # fmt: skip


# ---------------------------------------------------------------------------- my balance


def test_the_home_page_shows_my_balance_with_its_buckets(employee_a):
    grant(employee_a, this_year(), Bucket.N, 12)
    grant(employee_a, this_year(), Bucket.N1, 4)
    body = html(page(employee_a).get("/"))
    assert f"Annual leave {this_year()}: 16 days left" in body
    assert "Last year (N-1): 4 days" in body


def test_the_home_card_lists_no_buckets_when_all_days_are_this_years(employee_a):
    grant(employee_a, this_year(), Bucket.N, 9)
    body = html(page(employee_a).get("/"))
    assert f"Annual leave {this_year()}: 9 days left" in body
    assert "Last year (N-1)" not in body


def test_the_home_card_in_indonesian(employee_a):
    grant(employee_a, this_year(), Bucket.N, 9)
    response = page(employee_a, "id").get("/")
    assert response.status_code == 200
    assert 'id="home-leave"' in html(response)


def test_my_balance_page_lists_every_change_with_its_reason(employee_a, employee_b):
    grant(employee_a, this_year(), Bucket.N, 12)
    grant(employee_a, this_year(), Bucket.N1, 4)
    grant(employee_b, this_year(), Bucket.N, 7)
    response = page(employee_a).get("/leave/balance/")
    body = html(response)
    assert response.status_code == 200
    assert "16 days left" in body and "Yearly entitlement" in body
    assert "Opening balance" in body and "Saldo awal" in body
    assert employee_a.employee.nip not in body
    assert "7 days left" not in body


def test_my_balance_page_of_another_year_and_a_bad_year(employee_a):
    grant(employee_a, this_year(), Bucket.N, 12)
    assert "0 days left" in html(page(employee_a).get(f"/leave/balance/?year={this_year() - 1}"))
    # A year that is no year falls back to this year (no 500, no error page).
    assert "12 days left" in html(page(employee_a).get("/leave/balance/?year=abc"))


def test_my_balance_page_runs_a_fixed_number_of_queries(employee_a, django_assert_max_num_queries):
    for year in (this_year() - 1, this_year()):
        grant(employee_a, year, Bucket.N, 12)
    client = page(employee_a)
    client.get("/leave/balance/")
    with django_assert_max_num_queries(14):
        assert client.get("/leave/balance/").status_code == 200


# ---------------------------------------------------------------------------- the leave form


def form_data(**extra):
    return {
        "form": "leave",
        "leave-kind": "CT",
        "leave-date_from": str(MONDAY),
        "leave-date_to": str(MONDAY + datetime.timedelta(days=2)),
        "leave-reason": "Keluarga",
        **extra,
    }


def test_the_live_preview_shows_before_and_after_per_bucket(employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 12)
    grant(employee_a, MONDAY.year, Bucket.N1, 2)
    response = page(employee_a).post("/leave/preview/", form_data())
    body = html(response)
    assert response.status_code == 200
    assert "This request counts 3 working days." in body
    # N-1 first: 2 before, 2 taken, 0 after; then N: 12 before, 1 taken, 11 after.
    assert '<th scope="row">N-1</th><td class="num">2</td><td class="num">2</td><td class="num">0</td>' in body
    assert '<th scope="row">N</th><td class="num">12</td><td class="num">1</td><td class="num">11</td>' in body
    assert not LeaveRequest.objects.exists()


def test_the_live_preview_says_when_the_balance_is_short(employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 1)
    body = html(page(employee_a).post("/leave/preview/", form_data()))
    assert "Your balance is 2 days short for these days." in body


def test_the_live_preview_without_dates_or_with_reversed_dates(employee_a):
    client = page(employee_a)
    assert "Choose the first and the last day" in html(
        client.post("/leave/preview/", form_data(**{"leave-date_to": ""}))
    )
    reversed_ = form_data(**{"leave-date_to": str(MONDAY - datetime.timedelta(days=3))})
    assert "The end date is before the start date." in html(client.post("/leave/preview/", reversed_))
    # Another kind has no balance: nothing to show.
    assert "working day" not in html(client.post("/leave/preview/", form_data(**{"leave-kind": "CS"})))


def test_without_the_script_the_form_shows_the_preview_and_writes_nothing(employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 12)
    response = page(employee_a).post("/attendance/requests/", form_data(preview="1"))
    body = html(response)
    assert response.status_code == 200
    assert "This request counts 3 working days." in body
    assert not LeaveRequest.objects.exists()


def test_the_leave_form_marks_the_fields_only_some_kinds_need(employee_a):
    body = html(page(employee_a).get("/attendance/requests/"))
    assert 'data-show-for="SAKIT CS CB CAP CLTN CM"' in body  # the evidence file
    assert 'id="leave-preview"' in body and 'data-show-for="CT"' in body
    assert 'enctype="multipart/form-data"' in body


def test_the_leave_form_offers_only_the_kinds_of_the_employees_type(employee_a):
    from attendance.models import LeaveKind

    set_employee_type(employee_a.employee, "PPPK")
    body = html(page(employee_a).get("/attendance/requests/"))
    assert f'value="{LeaveKind.CT}"' in body and f'value="{LeaveKind.CM}"' in body
    assert f'value="{LeaveKind.CB}"' not in body and f'value="{LeaveKind.CLTN}"' not in body
    set_employee_type(employee_a.employee, "PNS")
    body = html(page(employee_a).get("/attendance/requests/"))
    assert f'value="{LeaveKind.CB}"' in body and f'value="{LeaveKind.CLTN}"' in body


def test_a_request_over_the_balance_shows_the_refusal_and_the_numbers(employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 1)
    response = page(employee_a).post("/attendance/requests/", form_data())
    body = html(response)
    assert not LeaveRequest.objects.filter(status="submitted").exists()
    assert "Your balance is 2 days short" in body


# ---------------------------------------------------------------------------- HR's balances


def test_hr_sees_the_units_balances_by_name_with_totals(hr_admin_a, employee_a, supervisor_a, sec_a_id):
    grant(employee_a, this_year(), Bucket.N, 12)
    grant(supervisor_a, this_year(), Bucket.N, 10)
    response = page(hr_admin_a).get(f"/hr/leave-balances/?unit={sec_a_id}&year={this_year()}")
    body = html(response)
    assert response.status_code == 200
    assert "Pegawai A" in body and "Kasi A" in body and "Admin SDM A" not in body
    assert "In total 22 days left" in body
    assert employee_a.employee.nip not in body


@pytest.fixture
def sec_a_id(org_world):
    return org_world.sec_a.id


@pytest.mark.parametrize("persona", ["employee_a", "supervisor_a", "unit_head_a"])
def test_only_hr_opens_the_balance_pages(request, persona):
    client = page(request.getfixturevalue(persona))
    assert client.get("/hr/leave-balances/").status_code == 403
    assert client.get("/hr/leave-balances/import/").status_code == 403
    assert client.post("/hr/leave-balances/correct/", {}).status_code == 403


def test_the_balance_page_runs_a_fixed_number_of_queries(hr_admin_a, employee_a, django_assert_max_num_queries):
    client = page(hr_admin_a)
    client.get("/hr/leave-balances/")
    with django_assert_max_num_queries(16) as few:
        client.get("/hr/leave-balances/")
    grant(employee_a, this_year(), Bucket.N, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/hr/leave-balances/").status_code == 200


def correction(employee, **extra):
    return {
        "employee": employee.employee.id,
        "year": this_year(),
        "bucket": Bucket.N,
        "days": 2,
        "reason": "Cuti bersama dikerjakan",
        "once": "abc123",
        **extra,
    }


def test_a_correction_is_a_ledger_entry_in_the_audit_log(hr_admin_a, employee_a):
    from leave.models import LeaveBalanceEntryEvent

    grant(employee_a, this_year(), Bucket.N, 12)
    response = page(hr_admin_a).post("/hr/leave-balances/correct/", correction(employee_a))
    assert response.status_code == 302
    entry = LeaveBalanceEntry.objects.get(kind=EntryKind.CORRECTION)
    assert entry.days == 2 and entry.reason == "Cuti bersama dikerjakan" and entry.created_by == hr_admin_a
    assert LeaveBalanceEntryEvent.objects.filter(pgh_obj_id=entry.id).exists()
    assert balance_for(employee_id=employee_a.employee.id, year=this_year()).available == 14


def test_a_double_submitted_correction_writes_once(hr_admin_a, employee_a):
    client = page(hr_admin_a)
    assert client.post("/hr/leave-balances/correct/", correction(employee_a)).status_code == 302
    assert client.post("/hr/leave-balances/correct/", correction(employee_a)).status_code == 302
    assert LeaveBalanceEntry.objects.filter(kind=EntryKind.CORRECTION).count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reason": "  "}, "Give a reason."),
        ({"days": 0}, "enter a number other than 0"),
        ({"days": "x"}, "Enter a whole number."),
        ({"bucket": "XX"}, "Select a valid choice."),
    ],
)
def test_a_bad_correction_is_refused_with_a_message(hr_admin_a, employee_a, extra, message):
    response = page(hr_admin_a).post("/hr/leave-balances/correct/", correction(employee_a, **extra))
    assert response.status_code == 400
    assert message in html(response)
    assert not LeaveBalanceEntry.objects.filter(kind=EntryKind.CORRECTION).exists()


def test_a_correction_below_what_is_held_and_taken_is_refused(hr_admin_a, employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 3)
    leave(employee_a, MONDAY, MONDAY + datetime.timedelta(days=2))
    response = page(hr_admin_a).post("/hr/leave-balances/correct/", correction(employee_a, year=MONDAY.year, days=-2))
    assert response.status_code == 400
    assert "fewer than the 3 held" in html(response)
    # The same form may be sent again once corrected (the refused one did not use up its token).
    again = page(hr_admin_a).post("/hr/leave-balances/correct/", correction(employee_a, year=MONDAY.year, days=2))
    assert again.status_code == 302


def test_a_correction_of_another_agencys_employee_is_a_404(hr_admin_a, employee_b):
    assert page(hr_admin_a).post("/hr/leave-balances/correct/", correction(employee_b)).status_code == 404


# ---------------------------------------------------------------------------- opening balances


def upload(client, text: str, name="saldo.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/hr/leave-balances/import/", {"file": SimpleUploadedFile(name, text.encode())})


def token_of(body: str) -> str:
    return body.split('name="token" value="', 1)[1].split('"', 1)[0]


def test_opening_balances_preview_then_confirm_and_a_reimport_changes_nothing(hr_admin_a, employee_a, supervisor_a):
    client = page(hr_admin_a)
    year = this_year()
    text = f"nip,tahun,n_2,n_1,n\n{employee_a.employee.nip},{year},2,6,12\n{supervisor_a.employee.nip},{year},,,10\n"
    preview = upload(client, text)
    body = html(preview)
    assert preview.status_code == 200 and "Pegawai A" in body and "2 rows change a balance." in body
    assert not LeaveBalanceEntry.objects.filter(kind=EntryKind.OPENING).exists()
    done = client.post("/hr/leave-balances/import/", {"token": token_of(body)})
    assert done.status_code == 302
    assert balance_for(employee_id=employee_a.employee.id, year=year).available == 20
    assert LeaveBalanceEntry.objects.filter(kind=EntryKind.OPENING).count() == 3  # N of Pegawai A was 12 already
    # Confirming again writes nothing.
    client.post("/hr/leave-balances/import/", {"token": token_of(body)})
    assert LeaveBalanceEntry.objects.filter(kind=EntryKind.OPENING).count() == 3  # N of Pegawai A was 12 already
    # The same file again: nothing changes; a corrected number writes only the difference.
    again = upload(client, text)
    assert "0 rows change a balance." in html(again)
    client.post("/hr/leave-balances/import/", {"token": token_of(html(again))})
    assert LeaveBalanceEntry.objects.filter(kind=EntryKind.OPENING).count() == 3  # N of Pegawai A was 12 already
    fixed = upload(client, f"nip,tahun,n\n{employee_a.employee.nip},{year},10\n")
    client.post("/hr/leave-balances/import/", {"token": token_of(html(fixed))})
    assert balance_for(employee_id=employee_a.employee.id, year=year).line(Bucket.N).granted == 10


def test_opening_balances_with_row_errors_import_nothing(hr_admin_a, employee_a, employee_b):
    nip = employee_a.employee.nip
    text = (
        "nip,tahun,n\n"
        f"{nip},{this_year()},12\n"
        f"{employee_b.employee.nip},{this_year()},12\n"  # another agency's
        f"{nip},1999,12\n"
        f"{nip},{this_year()},-1\n"
        f"{nip},{this_year()},\n"
    )
    response = upload(page(hr_admin_a), text)
    body = html(response)
    assert response.status_code == 400
    assert "Unknown NIP in this agency." in body
    assert "Enter a year between 2000 and 2100." in body
    assert "Enter a whole number of days from 0 to 365." in body
    assert "Give the days of at least one bucket" in body
    assert 'name="token"' not in body
    assert not LeaveBalanceEntry.objects.exists()


def test_opening_balances_with_a_row_twice_is_a_row_error(hr_admin_a, employee_a):
    nip = employee_a.employee.nip
    body = html(upload(page(hr_admin_a), f"nip,tahun,n\n{nip},{this_year()},12\n{nip},{this_year()},10\n"))
    assert "This employee and year are already in row 2." in body


def test_an_opening_file_without_its_columns_is_refused(hr_admin_a):
    response = upload(page(hr_admin_a), "nama,hari\nx,1\n")
    assert response.status_code == 400 and "Missing columns" in html(response)


def test_a_stale_import_token_writes_nothing(hr_admin_a):
    response = page(hr_admin_a).post("/hr/leave-balances/import/", {"token": "not-a-token"})
    assert response.status_code == 302
    assert not LeaveBalanceEntry.objects.exists()


# ---------------------------------------------------------------------------- the printable form


def test_the_leave_form_prints_for_whoever_may_see_the_request(employee_a, supervisor_a, hr_admin_a, employee_b):
    grant(employee_a, MONDAY.year, Bucket.N, 12)
    request_ = leave(employee_a, MONDAY, MONDAY + datetime.timedelta(days=2))
    url = f"/leave/requests/{request_.id}/form.pdf"
    for user in (employee_a, supervisor_a, hr_admin_a):
        response = page(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert page(employee_b).get(url).status_code == 404


def test_the_requests_page_links_the_printable_form(employee_a):
    grant(employee_a, MONDAY.year, Bucket.N, 12)
    request_ = leave(employee_a, MONDAY)
    assert f"/leave/requests/{request_.id}/form.pdf" in html(page(employee_a).get("/attendance/requests/"))


def test_permission_and_official_duty_have_no_leave_form(employee_a):
    request_ = leave(employee_a, MONDAY, kind="DINAS_LUAR")
    assert page(employee_a).get(f"/leave/requests/{request_.id}/form.pdf").status_code == 404
