"""Browser journey of HR editing one employee on a phone (390×844), in Indonesian and English, with axe
on every page: HR gives Pegawai A a new supervisor (the agency head), checks what saving will do (her
waiting request moves to him), saves; the new supervisor finds the request in his queue, the old one
no longer does. The roles, transfer and NIP correction pages are looked at too."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot
from tests.e2e.test_decide_journey import submit, working_mondays

pytestmark = pytest.mark.e2e


def look(page, name: str, language: str = "id", *, phone: bool = True) -> None:
    assert page.get_attribute("html", "lang") == language
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def set_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_hr_moves_a_waiting_request_to_a_new_supervisor(live_server, browser, org_world):
    from flexwork.approvals.models import ApprovalStep
    from tests.schedules.conftest import fetch

    employee, old, new = org_world.employee_a, org_world.supervisor_a, org_world.agency_head_a
    monday = working_mondays(employee.employee, 1)[0]
    ar = submit(employee, [monday])
    assert fetch(ar).recommender_id == old.employee.id

    # 1. English first: the check shows what would happen, nothing is saved.
    hr = login(browser, live_server, org_world.hr_admin_a)
    set_language(hr, live_server, "en")
    hr.goto(f"{live_server.url}/hr/employees/{employee.employee.id}/")
    look(hr, "hr-employee-detail-phone-en", "en")
    hr.get_by_role("link", name="Edit", exact=True).click()
    hr.wait_for_load_state()
    look(hr, "hr-employee-edit-phone-en", "en")
    hr.fill("#id_supervisor_nip", new.employee.nip)
    hr.get_by_role("button", name="Check the changes").click()
    hr.wait_for_load_state()
    check = hr.locator("#check")
    assert "1 waiting request will be re-routed to Kepala Dinas A." in check.inner_text()
    assert "Kasi A" in check.inner_text()
    look(hr, "hr-employee-check-phone-en", "en")
    assert fetch(ar).recommender_id == old.employee.id

    # 2. In Indonesian: check, read the notice, save.
    set_language(hr, live_server, "id")
    hr.goto(f"{live_server.url}/hr/employees/{employee.employee.id}/edit/")
    look(hr, "hr-employee-edit-phone-id")
    hr.fill("#id_supervisor_nip", new.employee.nip)
    hr.get_by_role("button", name="Periksa perubahan").click()
    hr.wait_for_load_state()
    notice = hr.locator("#check").inner_text()
    assert "1 pengajuan yang menunggu akan dialihkan ke Kepala Dinas A." in notice
    look(hr, "hr-employee-check-phone-id")
    save = hr.get_by_role("button", name="Simpan perubahan")
    assert save.bounding_box()["height"] >= 44
    save.click()
    hr.wait_for_load_state()
    assert "Perubahan data Pegawai A disimpan." in hr.locator(".messages").inner_text()
    assert "Kepala Dinas A" in hr.locator("main").inner_text()
    look(hr, "hr-employee-saved-phone-id")
    ar = fetch(ar)
    assert ar.recommender_id == new.employee.id and ar.step == ApprovalStep.RECOMMEND

    # 3. The roles page, on the phone and on a desktop.
    hr.goto(f"{live_server.url}/hr/roles/")
    look(hr, "hr-roles-phone-id")
    hr.goto(f"{live_server.url}/hr/employees/{new.employee.id}/transfer/")
    assert "3 bawahan langsung" in hr.locator("main").inner_text()  # Kepala Bidang A, Admin SDM A, Pegawai A
    look(hr, "hr-employee-transfer-phone-id")
    hr.goto(f"{live_server.url}/hr/employees/{employee.employee.id}/nip/")
    look(hr, "hr-employee-nip-phone-id")
    set_language(hr, live_server, "en")
    hr.reload()
    look(hr, "hr-roles-phone-en", "en")
    hr.context.close()
    wide = login(browser, live_server, org_world.hr_admin_a, viewport=DESKTOP)
    wide.goto(f"{live_server.url}/hr/employees/{employee.employee.id}/edit/")
    look(wide, "hr-employee-edit-desktop-id", phone=False)
    wide.goto(f"{live_server.url}/hr/roles/")
    look(wide, "hr-roles-desktop-id", phone=False)
    wide.context.close()

    # 4. The new supervisor has the request in his queue; the old one no longer does.
    boss = login(browser, live_server, new)
    boss.goto(live_server.url + "/arrangements/queue/")
    assert boss.locator(f"#request-{ar.id}").count() == 1
    assert "Menunggu rekomendasi Kepala Dinas A" in boss.locator(f"#request-{ar.id}").inner_text()
    look(boss, "queue-new-supervisor-phone-id")
    boss.context.close()
    former = login(browser, live_server, old)
    former.goto(live_server.url + "/arrangements/queue/")
    assert former.locator(f"#request-{ar.id}").count() == 0
    former.context.close()
