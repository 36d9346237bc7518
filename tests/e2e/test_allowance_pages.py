"""Allowance deductions in the browser (docs/rules.md §10), Indonesian and English, phone and desktop, axe on
every page: the employee reads her month's cuts in words; HR starts a scheme from a template and edits it.

With E2E_SCREENSHOTS=<dir> every page is also kept at 1366×768."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.allowances.conftest import D, approved_leave, month_write
from tests.e2e.conftest import login_in, look

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TEXT = {
    "id": {"total": "Tunjangan dipotong 11 %", "cause": "Tidak presensi masuk", "saved": "Skema telah disimpan."},
    "en": {"total": "11 % of the allowance cut", "cause": "No check-in", "saved": "The scheme was saved."},
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_employee_reads_her_cuts_and_hr_edits_the_scheme(live_server, browser, org_world, language):
    employee = org_world.employee_a.employee
    month_write(
        employee,
        {
            D(2025, 6, 3): {"arrival": "TL2"},
            D(2025, 6, 5): {"arrival": "HKD"},
            D(2025, 6, 6): {"departure": "PSW1"},
            D(2025, 6, 9): {"absence": "TK"},
            **{D(2025, 6, d): {"absence": "C-CS"} for d in (16, 17, 18, 19, 20)},
        },
    )
    approved_leave(employee, "CS", D(2025, 6, 16), D(2025, 6, 20))
    page = login_in(browser, live_server, org_world.employee_a, language)
    page.goto(live_server.url + "/allowances/mine/?month=2025-06")
    expect(page.locator("h2#total-title")).to_have_text(TEXT[language]["total"])  # 1 + 1.5 + 0.5 + 4 + 2 × 2
    expect(page.locator(".allowance-lines")).to_contain_text(TEXT[language]["cause"])
    look(page, "allowance-mine", language)
    page.context.close()

    from flexwork.reports import services

    run, _created = services.report_run_request(user=org_world.hr_admin_a, kind="ALLOWANCE", period="2025-06")
    services.report_run_execute(run_id=run.id)
    hr = login_in(browser, live_server, org_world.hr_admin_a, language)
    hr.goto(live_server.url + f"/reports/{run.id}/")
    look(hr, "allowance-report", language)
    hr.goto(live_server.url + "/allowances/schemes/")
    look(hr, "allowance-schemes", language)
    hr.select_option("#id_template", "TPP_60_40")
    hr.fill("#id_effective_from", "2026-01")
    hr.locator("main form button[type=submit]").click()
    hr.wait_for_load_state()
    assert "/allowances/schemes/" in hr.url and hr.url.rstrip("/").split("/")[-1].isdigit()
    look(hr, "allowance-scheme", language)
    hr.fill("#id_band_TL1", "0.75")
    hr.locator("main form button[type=submit]").click()
    hr.wait_for_load_state()
    expect(hr.locator(".messages, [role=status], .message").first).to_contain_text(TEXT[language]["saved"])
    hr.fill("#id_weight_KINERJA", "70")
    hr.locator("main form button[type=submit]").click()
    hr.wait_for_load_state()
    look(hr, "allowance-scheme-refused", language)
    hr.context.close()
