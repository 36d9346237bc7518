"""What each leave kind asks, as a user meets it in the browser (docs/rules.md §9 "Kinds and their
reasons"), on a 390×844 phone in Indonesian and English, with axe: the reason list and "spent abroad"
show for their kinds only, a CAP without a reason is refused under the reason field, and with one it is
sent. With E2E_SCREENSHOTS=<dir> every page is also kept at 1366×768."""

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
    "id": {"refused": "Pilih keperluan cuti", "reason": "Anggota keluarga meninggal dunia", "sent": "dikirim"},
    "en": {"refused": "Choose what the leave is for", "reason": "A family member died", "sent": "sent"},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_leave_form_asks_what_an_important_reason_is(live_server, browser, org_world, language):
    from attendance.models import LeaveRequest

    page = login(browser, live_server, org_world.employee_a)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + "/attendance/requests/")

    page.select_option("#id_leave-kind", "IZIN")
    expect(page.locator("#id_leave-sub_reason")).to_be_hidden()
    expect(page.locator("#id_leave-abroad")).to_be_hidden()
    page.select_option("#id_leave-kind", "CAP")
    expect(page.locator("#id_leave-sub_reason")).to_be_visible()
    expect(page.locator("#id_leave-abroad")).to_be_visible()
    page.fill("#id_leave-date_from", str(MONDAY))
    page.fill("#id_leave-date_to", str(MONDAY + datetime.timedelta(days=2)))
    page.locator("#leave-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    expect(page.locator("#id_leave-sub_reason").locator("xpath=..")).to_contain_text(TEXT[language]["refused"])
    assert not LeaveRequest.objects.exists()
    look(page, "leave-cap-refused", language)

    page.select_option("#id_leave-sub_reason", "FAMILY_DEATH")
    page.check("#id_leave-abroad")
    look(page, "leave-cap-filled", language)
    page.locator("#leave-form button[type=submit]:not([name])").click()
    page.wait_for_load_state()
    leave = LeaveRequest.objects.get()
    assert (leave.kind, leave.sub_reason, leave.abroad) == ("CAP", "FAMILY_DEATH", True)
    look(page, "leave-cap-sent", language)
