"""HR-imported leave and the annual-leave balance (docs/rules.md §9 "Imported leave"): an imported CT
takes its working days from the buckets as an approved request does, a row the buckets cannot cover is
refused under its row number with LEAVE_BALANCE's numbers (nothing is stored), and importing the same
file again debits nothing twice."""

from __future__ import annotations

import pytest
from django.utils import translation

from attendance.models import LeaveRequest
from attendance.requests import leave_import_csv
from flexwork.common.tabular import RowsInvalid
from leave.models import EntryKind, LeaveBalanceEntry
from tests.leave.rules_helpers import n

pytestmark = pytest.mark.django_db
HEADER = "nip,jenis,tanggal_mulai,tanggal_selesai,alasan\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def test_an_imported_annual_leave_debits_the_balance_once(hr_admin_a, employee_a):
    nip = employee_a.employee.nip
    # Monday 1 – Wednesday 3 March 2027: three working days; an official duty does not touch the balance.
    content = csv(f"{nip},CT,2027-03-01,2027-03-03,Cuti", f"{nip},DINAS_LUAR,2027-03-08,2027-03-08,Rapat")

    assert leave_import_csv(user=hr_admin_a, content=content) == 2
    assert n(employee_a, 2027) == (12, 0, 3)  # granted, held, used
    leave = LeaveRequest.objects.get(kind="CT")
    assert sorted(leave.balance_entries.values_list("kind", "days")) == sorted(
        [(EntryKind.HOLD, 3), (EntryKind.DEBIT, 3)]
    )

    # The same file again: nothing new, nothing debited twice.
    assert leave_import_csv(user=hr_admin_a, content=content) == 0
    assert LeaveRequest.objects.count() == 2
    assert n(employee_a, 2027) == (12, 0, 3)


def test_a_row_over_the_balance_is_refused_with_its_numbers_and_nothing_is_stored(hr_admin_a, employee_a):
    nip = employee_a.employee.nip
    # 10 working days (1–12 March 2027) and then 5 more (15–19 March): 15 > 12.
    content = csv(f"{nip},CT,2027-03-01,2027-03-12,", f"{nip},CT,2027-03-15,2027-03-19,")

    with translation.override("en"), pytest.raises(RowsInvalid) as refused:
        leave_import_csv(user=hr_admin_a, content=content)

    [error] = refused.value.errors
    assert (error.row, error.column, error.code) == (3, "tanggal_selesai", "LEAVE_BALANCE")
    assert error.text == "Not enough annual leave: 2027: 5 days asked, 2 left (This year (N) 2)."
    assert not LeaveRequest.objects.exists()
    assert not LeaveBalanceEntry.objects.filter(kind__in=[EntryKind.HOLD, EntryKind.DEBIT]).exists()


def test_the_import_page_lists_the_balance_refusal_under_its_row(client, settings, hr_admin_a, employee_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr_admin_a)
    content = csv(f"{employee_a.employee.nip},CT,2027-03-01,2027-03-31,")  # 23 working days

    page = client.post("/attendance/leave-import/", {"file": SimpleUploadedFile("cuti.csv", content)})

    text = page.content.decode()
    assert "<tr><td>2</td><td>tanggal_selesai</td><td>Not enough annual leave: 2027: 23 days asked, 12 left" in text
    assert not LeaveRequest.objects.exists()
