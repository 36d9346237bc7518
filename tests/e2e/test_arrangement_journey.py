"""Browser journey of a flexible work arrangement, on a 390 px phone, in Indonesian, with
axe on every page visited: WFH on next Monday and Friday, recommended and approved from the queue,
both days on the calendar, and a third day of that week refused with CAP_WEEKLY and its source.

The Indonesian catalogue is generated at the end of the project, so the test reads rule codes,
sources, statuses and the page language, not translated sentences."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

CAP_SOURCE = "PermenPANRB 4/2025 Pasal 13(1)"


def check(page, name: str) -> None:
    assert page.get_attribute("html", "lang") == "id"
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def next_monday_and_friday(employee):
    """The next Monday (at least the lead time ahead) whose Monday, Wednesday and Friday are working days."""
    from flexwork.common.calendar import is_working_day, office_today, working_days_between
    from flexwork.org.models import Holiday
    from flexwork.org.selectors import policy_for

    today = office_today(employee)
    lead = policy_for(agency=employee.agency_id, unit=employee.unit).lead_working_days
    holidays = set(Holiday.objects.filter(agency_id=employee.agency_id).values_list("date", flat=True))
    monday = today + datetime.timedelta(days=7 - today.weekday())
    while True:
        week = [monday + datetime.timedelta(days=offset) for offset in (0, 2, 4)]
        if all(is_working_day(day, holidays) for day in week) and working_days_between(today, monday, holidays) >= lead:
            return monday, monday + datetime.timedelta(days=4)
        monday += datetime.timedelta(days=7)


def arrive(page, part: str) -> None:
    page.wait_for_function("part => location.pathname.includes(part)", arg=part)
    page.wait_for_load_state()


def ask_for_days(page, live_server, dates) -> None:
    """The request in steps up to "check your answers": WFH on `dates`, one planned output."""
    page.goto(live_server.url + "/arrangements/new/")
    page.check("#id_location_2")  # HOME
    page.locator("#arrangement-form button[type=submit]").click()
    arrive(page, "/arrangements/new/days/")
    for day in dates:
        page.locator(f"label.sched-day:has(#day-{day.isoformat()})").click()


def describe_and_check(page, reason: str) -> None:
    page.locator("#arrangement-form button[type=submit]").click()
    arrive(page, "/edit/plan/")
    page.fill("#id_work_plan-0-description", "Draf laporan triwulan")
    page.fill("#id_work_plan-0-quantity", "1")
    page.fill("#id_work_plan-0-unit", "dokumen")
    page.fill("#id_reason", reason)
    page.locator("button[name=action][value=next]").click()
    arrive(page, "/edit/check/")


@pytest.mark.django_db(transaction=True)
def test_wfh_request_recommended_approved_and_the_cap_refused(live_server, browser, org_world):
    employee = org_world.employee_a.employee
    monday, friday = next_monday_and_friday(employee)
    wednesday = monday + datetime.timedelta(days=2)

    # 1. The employee asks for WFH on Monday and Friday; the live check shows the quota and no rule broken.
    mine = login(browser, live_server, org_world.employee_a)
    ask_for_days(mine, live_server, [monday, friday])
    check(mine, "arr-new-days")
    quota = mine.locator("#rule-check-result #quota li")
    expect(quota).to_contain_text("2")
    assert mine.locator("#rule-check-result .sched-violation.sev-hard").count() == 0
    describe_and_check(mine, "Menyusun laporan triwulan")
    check(mine, "arr-new-checked")
    mine.locator("#submit-request").click()
    arrive(mine, "/sent/")
    arrangement_id = int(mine.url.split("/arrangements/", 1)[1].split("/", 1)[0])
    mine.goto(f"{live_server.url}/arrangements/{arrangement_id}/")
    request_url = mine.url
    arrangement_id = int(request_url.rstrip("/").rsplit("/", 1)[-1])
    assert mine.get_attribute("#request-status", "data-status") == "submitted"
    check(mine, "arr-detail-pending")
    mine.goto(live_server.url + "/arrangements/")
    assert mine.locator(f"a[href='/arrangements/{arrangement_id}/']").count() == 1
    check(mine, "arr-my-requests")

    # 2. The supervisor recommends it from the queue.
    boss = login(browser, live_server, org_world.supervisor_a)
    boss.goto(live_server.url + "/arrangements/queue/")
    card = boss.locator(f"#request-{arrangement_id}")
    card.locator("summary").click()
    check(boss, "arr-queue-supervisor")
    card.locator("textarea[name=note]").fill("Setuju, laporan prioritas")
    card.locator("button[data-action=recommend]").click()
    boss.wait_for_url("**/arrangements/queue/")
    assert boss.locator(f"#request-{arrangement_id}").count() == 0

    # 3. The decider (head of the decision-level unit) approves it from the queue.
    head = login(browser, live_server, org_world.unit_head_a)
    head.goto(live_server.url + "/arrangements/queue/")
    check(head, "arr-queue-decider")
    card = head.locator(f"#request-{arrangement_id}")
    card.locator("summary").click()
    card.locator("button[data-action=approve]").click()
    head.wait_for_url("**/arrangements/queue/")
    head.goto(request_url)
    assert head.get_attribute("#request-status", "data-status") == "approved"
    check(head, "arr-detail-approved")
    head.goto(f"{live_server.url}/schedule/team/?unit={org_world.sec_a.id}&date={monday.isoformat()}")
    check(head, "arr-team-calendar")
    assert head.locator("#team-calendar td.loc-HOME").count() == 2

    # 4. The employee sees both days on the calendar.
    for day in (monday, friday):
        mine.goto(f"{live_server.url}/schedule/?month={day:%Y-%m}")
        assert mine.locator(f"td[data-date='{day.isoformat()}'][data-location='HOME']").count() == 1
    check(mine, "arr-my-calendar")

    # 5. A third day in the same week: the live check refuses it with CAP_WEEKLY and its source,
    #    and so does the server when submitted anyway.
    ask_for_days(mine, live_server, [wednesday])
    violation = mine.locator("#rule-check-result [data-code=CAP_WEEKLY]")
    violation.wait_for()
    assert CAP_SOURCE in violation.inner_text()
    assert "sev-hard" in violation.get_attribute("class")
    check(mine, "arr-cap-live")
    describe_and_check(mine, "Rapat daring")
    mine.locator("#submit-request").click()
    mine.wait_for_load_state()
    refused = mine.locator("#rule-check-result [data-code=CAP_WEEKLY]")
    assert refused.count() == 1 and CAP_SOURCE in refused.inner_text()
    assert mine.locator("#error-summary [data-code=CAP_WEEKLY] a[href*='/edit/days/']").count() == 1
    check(mine, "arr-cap-refused")

    for page in (mine, boss, head):
        assert not page.csp_errors, page.csp_errors
        page.context.close()
