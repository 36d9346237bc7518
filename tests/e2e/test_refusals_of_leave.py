"""Leave rules as a user meets them in the browser (docs/rules.md §9), on a 390×844 phone in
Indonesian and English, with axe: a PPPK asking for long leave reads why she may not, with the
regulation; an employee asking for more annual leave than she has reads the days asked and left per
bucket. Nothing is written by a refusal.

With E2E_SCREENSHOTS=<dir> every page is also kept at 1366×768."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, look

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MONDAY = datetime.date(2027, 3, 1)
TEXT = {
    "id": {"kind": "PPPK tidak berhak atas Cuti besar", "balance": "10 hari diajukan, sisa 7 hari"},
    "en": {"kind": "PPPK is not entitled to Long leave", "balance": "10 days asked, 7 left"},
}


def ask(page, live_server, kind: str, date_from: datetime.date, date_to: datetime.date, *, reload=True) -> None:
    if reload:
        page.goto(live_server.url + "/attendance/requests/")
    page.select_option("#id_leave-kind", kind)
    page.fill("#id_leave-date_from", str(date_from))
    page.fill("#id_leave-date_to", str(date_to))
    page.locator("#id_leave-date_to").dispatch_event("change")
    page.locator("#leave-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_refused_leave_says_why(live_server, browser, org_world, language):
    from attendance.models import LeaveRequest
    from leave import services
    from leave.models import Bucket, EntryKind

    employee = org_world.employee_a.employee
    services.balance_adjust(
        actor=None,
        employee=employee,
        year=MONDAY.year,
        bucket=Bucket.N,
        days=-5,
        kind=EntryKind.CORRECTION,
        reason="Koreksi saldo",
    )
    leave_before = LeaveRequest.objects.count()
    page = login(browser, live_server, org_world.employee_a)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    ask(page, live_server, "CT", MONDAY, MONDAY + datetime.timedelta(days=11))  # 10 working days, 7 left
    expect(page.locator("main")).to_contain_text(TEXT[language]["balance"])
    look(page, "leave-refused-balance", language)

    # The form was opened while she was a PNS; HR records her as a PPPK before she sends it.
    page.goto(live_server.url + "/attendance/requests/")
    employee.employee_type = "PPPK"
    employee.save(update_fields=["employee_type"])
    ask(page, live_server, "CB", MONDAY, MONDAY + datetime.timedelta(days=30), reload=False)
    expect(page.locator("main")).to_contain_text(TEXT[language]["kind"])
    look(page, "leave-refused-kind", language)
    # Opened again, the form no longer offers long leave to a PPPK.
    page.goto(live_server.url + "/attendance/requests/")
    expect(page.locator("#id_leave-kind option[value=CB]")).to_have_count(0)

    assert LeaveRequest.objects.count() == leave_before
    page.context.close()
