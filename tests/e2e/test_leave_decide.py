"""Browser check of deciding leave over a coverage warning (docs/rules.md §9 "Coverage") on a 390×844
phone, in Indonesian and in English, with axe: employee_a's leave was recommended while nobody else was
away; the supervisor, the section's other member, was approved away on the same day since. The unit
head's queue shows the warning in words with its regulation and a field for the reason; approving
without it is refused with the note kept; with it the leave is approved and the reason stored.

With E2E_SCREENSHOTS=<dir> every page is also kept at 1366×768."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, login_in, look

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MONDAY = datetime.date(2027, 3, 1)
TEXT = {
    "id": {"meaning": "Terlalu banyak pegawai unit yang tidak di kantor", "source": "kebijakan instansi",
           "refused": "Isi alasan untuk menyetujui meskipun ada peringatan.", "done": "Selesai"},
    "en": {"meaning": "Too many of the unit away", "source": "kebijakan instansi",
           "refused": "Give a reason to approve despite the warnings.", "done": "Done"},
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_unit_head_approves_leave_over_a_coverage_warning(live_server, browser, org_world, language):
    from attendance import requests as request_services
    from attendance.models import LeaveRequest
    from flexwork.org.models import AgencyPolicy

    text = TEXT[language]
    employee_a, supervisor_a, unit_head_a = org_world.employee_a, org_world.supervisor_a, org_world.unit_head_a
    AgencyPolicy.objects.filter(agency_id=employee_a.employee.agency_id).update(coverage_share_percent=10)
    leave = request_services.leave_request_create(user=employee_a, kind="CT", date_from=MONDAY, date_to=MONDAY)
    request_services.request_act(obj=leave, action="recommend", actor=supervisor_a)
    other = request_services.leave_request_create(user=supervisor_a, kind="CT", date_from=MONDAY, date_to=MONDAY)
    request_services.request_act(obj=other, action="approve", actor=unit_head_a)

    page = login(browser, live_server, unit_head_a)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + "/attendance/requests/")
    row = page.locator(f"#override-leave-{leave.id}").locator("xpath=ancestor::tr")
    warning = row.locator('[data-code="COVERAGE_UNIT_SHARE"]')
    expect(warning).to_contain_text(text["meaning"])
    expect(warning).to_contain_text(text["source"])
    look(page, "queue-warning", language)

    row.locator(f"#note-leave-{leave.id}").fill("Sudah dibicarakan")
    row.locator("button[name=action][value=approve]").click()
    page.wait_for_load_state()
    expect(page.locator(f"#refusal-leave-{leave.id}")).to_have_text(text["refused"])
    expect(page.locator(f"#note-leave-{leave.id}")).to_have_value("Sudah dibicarakan")
    look(page, "queue-refused", language)

    page.locator(f"#override-leave-{leave.id}").fill("Tugas sudah dialihkan ke staf lain")
    page.locator(f"#override-leave-{leave.id}").locator("xpath=ancestor::form").locator(
        "button[name=action][value=approve]"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(text["done"])
    leave = LeaveRequest.objects.get(id=leave.id)
    assert (leave.status, leave.override_reason) == ("approved", "Tugas sudah dialihkan ke staf lain")
    page.context.close()


OUTCOME_TEXT = {
    "id": {"deferred": "Ditangguhkan", "approved": "Disetujui dengan perubahan tanggal", "done": "Selesai",
           "why": "Alasan: Beban kerja akhir triwulan"},
    "en": {"deferred": "Deferred", "approved": "Approved with other dates", "done": "Done",
           "why": "Reason: Staff meeting on the 15th"},
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_official_defers_one_leave_and_changes_the_dates_of_another_on_a_phone(live_server, browser, org_world):
    """docs/rules.md §9 "The decision": in Indonesian the unit head defers an annual leave with a service
    reason (refused first without one, the page keeping the row); in English they approve another with
    other dates; the employee then sees both outcomes in words."""
    from attendance import requests as request_services
    from attendance.models import LeaveRequest
    from leave.models import Bucket, LeaveBalance

    employee_a, supervisor_a, unit_head_a = org_world.employee_a, org_world.supervisor_a, org_world.unit_head_a
    first = request_services.leave_request_create(
        user=employee_a, kind="CT", date_from=MONDAY, date_to=MONDAY + datetime.timedelta(days=2)
    )
    second = request_services.leave_request_create(
        user=employee_a,
        kind="CT",
        date_from=MONDAY + datetime.timedelta(days=14),
        date_to=MONDAY + datetime.timedelta(days=15),
    )
    request_services.request_act(obj=first, action="recommend", actor=supervisor_a)
    # The supervisor proposes other dates for the second on her phone (the official form's "perubahan").
    page = login_in(browser, live_server, supervisor_a, "id")
    page.goto(live_server.url + "/attendance/requests/")
    form = page.locator(f"#note-leave-{second.id}").locator("xpath=ancestor::form")
    form.locator("details.leave-change summary").click()
    form.locator(f"#new-from-{second.id}").fill("2027-03-16")
    form.locator(f"#new-to-{second.id}").fill("2027-03-18")
    form.locator(f"#note-leave-{second.id}").fill("Staff meeting on the 15th")
    look(page, "opinion-change-open", "id")
    form.locator("button[name=action][value=recommend_change]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(OUTCOME_TEXT["id"]["done"])
    assert LeaveRequest.objects.get(id=second.id).status == "recommended"
    page.context.close()

    page = login_in(browser, live_server, unit_head_a, "id")
    page.goto(live_server.url + "/attendance/requests/")
    look(page, "decide-queue", "id")
    form = page.locator(f"#note-leave-{first.id}").locator("xpath=ancestor::form")
    form.locator("button[name=action][value=defer]").click()
    page.wait_for_load_state()
    expect(page.locator(f"#refusal-leave-{first.id}")).to_be_visible()
    look(page, "decide-defer-refused", "id")
    page.locator(f"#note-leave-{first.id}").fill("Beban kerja akhir triwulan")
    page.locator(f"#note-leave-{first.id}").locator("xpath=ancestor::form").locator(
        "button[name=action][value=defer]"
    ).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(OUTCOME_TEXT["id"]["done"])
    assert LeaveRequest.objects.get(id=first.id).status == "deferred"
    deferred = LeaveBalance.objects.get(employee=employee_a.employee, year=2028, bucket=Bucket.DEFERRED)
    assert deferred.granted == 3
    page.context.close()

    page = login_in(browser, live_server, unit_head_a, "en")
    page.goto(live_server.url + "/attendance/requests/")
    form = page.locator(f"#note-leave-{second.id}").locator("xpath=ancestor::form")
    # The official sees the opinion, the proposed dates already in the fields.
    expect(page.locator("main")).to_contain_text("Supervisor's opinion: other dates")
    form.locator("summary").click()
    expect(form.locator(f"#new-from-{second.id}")).to_have_value("2027-03-16")
    expect(form.locator(f"#new-to-{second.id}")).to_have_value("2027-03-18")
    form.locator(f"#note-leave-{second.id}").fill("Staff meeting on the 15th")
    look(page, "decide-change-open", "en")
    form.locator("button[name=action][value=change]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(OUTCOME_TEXT["en"]["done"])
    second = LeaveRequest.objects.get(id=second.id)
    assert (second.status, second.date_from, second.date_to) == (
        "approved",
        datetime.date(2027, 3, 16),
        datetime.date(2027, 3, 18),
    )
    page.context.close()

    for language in ("id", "en"):
        page = login_in(browser, live_server, employee_a, language)
        page.goto(live_server.url + "/attendance/requests/")
        main = page.locator("main")
        expect(main).to_contain_text(OUTCOME_TEXT[language]["deferred"])
        expect(main).to_contain_text(OUTCOME_TEXT[language]["approved"])
        expect(main).to_contain_text(OUTCOME_TEXT[language]["why"])
        assert "deferred<" not in page.content()
        look(page, "decide-employee-sees", language)
        page.context.close()
