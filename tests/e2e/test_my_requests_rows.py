"""The "my requests" list says what each leave is (docs/rules.md §9 "Kinds and their reasons"): the kind in
words with its reason in words and an "abroad" badge, on a 390×844 phone in Indonesian and English, with
axe. With E2E_SCREENSHOTS=<dir> the page is also kept at 1366×768."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login_in, look

pytestmark = pytest.mark.e2e

MONDAY = datetime.date(2027, 3, 1)
TEXT = {
    "id": ("Cuti sakit (rawat inap)", "Luar negeri", "anggota keluarga meninggal dunia"),
    "en": ("Sick leave (inpatient care)", "Abroad", "a family member died"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_my_requests_show_the_kind_its_reason_and_abroad(live_server, browser, org_world, language):
    from attendance.models import LeaveRequest

    employee = org_world.employee_a.employee
    common = {"agency_id": employee.agency_id, "employee": employee, "status": "submitted", "reason": "Keluarga"}
    LeaveRequest.objects.create(kind="CS", sub_reason="INPATIENT", date_from=MONDAY, date_to=MONDAY, **common)
    LeaveRequest.objects.create(
        kind="CAP", sub_reason="FAMILY_DEATH", abroad=True, date_from=MONDAY + datetime.timedelta(days=7),
        date_to=MONDAY + datetime.timedelta(days=9), **common,
    )  # fmt: skip

    page = login_in(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/attendance/requests/")
    kind, abroad, death = TEXT[language]
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text=kind)).to_have_count(1)
    cap = rows.filter(has_text=death)
    expect(cap.locator(".badge")).to_have_text(abroad)
    cap.scroll_into_view_if_needed()
    look(page, "my-requests-rows", language)
