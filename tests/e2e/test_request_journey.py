"""Browser journey of the arrangement request in steps, on a 390×844 phone, in Indonesian and in English,
with axe on every step: where (a refused step first) → which days (a range, a weekday pattern, then
Monday and Friday tapped on the calendar, with the live rule check) → what you will deliver (a refused
row first, then a row linked to the employee's SKP indicator) → check your answers (the quota per week,
named by its dates) → sent, with who decides. The request is stored with its indicator.

With E2E_SCREENSHOTS=<dir> every step is also kept at 1366×768."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}
TEXT = {
    "id": {
        "summary": "Ada yang perlu diperbaiki",
        "designated": "Pilih lokasi yang ditetapkan.",
        "quantity": "Isi jumlah lebih dari nol.",
        "hard": "Belum memenuhi syarat",
        "quota": "terpakai 0, pengajuan ini 2, sisa 0",
        "sent": "Pengajuan Anda terkirim",
        "weekday": "Rabu",
    },
    "en": {
        "summary": "There is a problem",
        "designated": "Choose the designated location.",
        "quantity": "Give a quantity above zero.",
        "hard": "Not yet eligible",
        "quota": "used 0, this request 2, left 0",
        "sent": "Your request was sent",
        "weekday": "Wednesday",
    },
}


def look(page, name: str, language: str) -> None:
    assert page.get_attribute("html", "lang") == language
    assert_fits_phone(page)
    axe(page)
    screenshot(page, f"{name}-{language}-phone")
    import os

    if os.environ.get("E2E_SCREENSHOTS"):
        page.set_viewport_size(DESKTOP)
        screenshot(page, f"{name}-{language}-desktop")
        page.set_viewport_size(PHONE)


def arrive(page, part: str) -> None:
    """The next page loaded (a redirect keeps the fragment of a followed error link, so no URL glob)."""
    page.wait_for_function("part => location.pathname.includes(part)", arg=part)
    page.wait_for_load_state()


def a_clear_week(employee):
    """A Monday–Friday at least the lead time ahead with every day a working day, and not in the
    current month's last week (so that the whole week shows in the calendar)."""
    from flexwork.common.calendar import is_working_day, office_today, working_days_between
    from flexwork.org.models import Holiday
    from flexwork.org.selectors import policy_for

    today = office_today(employee)
    lead = policy_for(agency=employee.agency_id, unit=employee.unit).lead_working_days
    holidays = set(Holiday.objects.filter(agency_id=employee.agency_id).values_list("date", flat=True))
    monday = today + datetime.timedelta(days=7 - today.weekday())
    while True:
        week = [monday + datetime.timedelta(days=offset) for offset in range(5)]
        if all(is_working_day(d, holidays) for d in week) and working_days_between(today, monday, holidays) >= lead:
            return week
        monday += datetime.timedelta(days=7)


def week_label(monday, friday, language):
    months = MONTHS[language]
    if monday.month == friday.month:
        return f"{monday.day}–{friday.day} {months[friday.month - 1]}"
    return f"{monday.day} {months[monday.month - 1]}–{friday.day} {months[friday.month - 1]}"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.django_db(transaction=True)
def test_the_request_in_steps_ends_stored_with_its_indicator(live_server, browser, org_world, language):
    from schedules.models import ArrangementRequest
    from tests.performance.factories import first_indicator, skp_with_indicator

    employee = org_world.employee_a.employee
    week = a_clear_week(employee)
    monday, tuesday, wednesday, friday = week[0], week[1], week[2], week[4]
    indicator = first_indicator(
        skp_with_indicator(
            employee_user=org_world.employee_a,
            actor=org_world.employee_a,
            year=monday.year,
            approve_by=org_world.supervisor_a,
        )
    )
    text = TEXT[language]
    page = login(browser, live_server, org_world.employee_a)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    # 1. Where: a designated location without the location is refused; the summary links to the field.
    page.goto(live_server.url + "/arrangements/new/")
    look(page, "req-1-where", language)
    page.check("#id_location_3")  # DESIGNATED
    page.locator("#arrangement-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert text["summary"] in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = summary.locator("a[href='#id_designated_location']")
    assert link.inner_text() == text["designated"]
    assert page.locator("#id_location_3").is_checked()  # what was chosen stays
    look(page, "req-1-where-refused", language)
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_designated_location"
    page.check("#id_location_2")  # HOME
    page.locator("#arrangement-form button[type=submit]").click()
    arrive(page, "/arrangements/new/days/")

    # 2. Which days: cells a thumb can hit; a range; a weekday pattern; then Monday and Friday.
    look(page, "req-2-days", language)
    cell = page.locator(f"label.sched-day:has(#day-{monday.isoformat()})").bounding_box()
    assert cell["height"] >= 44 and cell["width"] >= 44
    page.get_by_role("button", name={"id": "Pilih rentang", "en": "Choose a range"}[language]).click()
    page.locator(f"label.sched-day:has(#day-{monday.isoformat()})").click()
    page.locator(f"label.sched-day:has(#day-{wednesday.isoformat()})").click()
    for day in (monday, tuesday, wednesday):
        assert page.locator(f"#day-{day.isoformat()}").is_checked()
    cap = page.locator("#rule-check-result [data-code=CAP_WEEKLY]")
    expect(cap).to_contain_text(text["hard"])
    assert text["hard"] in cap.inner_text() and "PermenPANRB 4/2025 Pasal 13(1)" in cap.inner_text()
    assert page.locator("#rule-check-result [data-code=WORK_PLAN_REQUIRED]").count() == 0
    # The summary beside Continue stays on screen, above the bottom bar, while the days scroll under it.
    bar = page.locator("#days-summary")
    expect(bar).to_contain_text({"id": "3 hari dipilih", "en": "3 days chosen"}[language])
    expect(bar).to_contain_text({"id": "1 syarat belum terpenuhi", "en": "1 rule not yet met"}[language])
    page.locator(f"label.sched-day:has(#day-{monday.isoformat()})").scroll_into_view_if_needed()
    box = bar.bounding_box()
    tabbar = page.locator("nav.tabbar").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= tabbar["y"] + 1, (box, tabbar)
    look(page, "req-2-days-range-cap", language)
    page.locator("[data-clear]").click()
    month = page.locator(f"section.sched-picker-month:has(#day-{wednesday.isoformat()})")
    pattern = month.locator("[data-pattern]", has_text=text["weekday"])
    pattern.click()
    assert page.locator(f"#day-{wednesday.isoformat()}").is_checked()
    assert pattern.get_attribute("aria-pressed") == "true"
    pattern.click()
    assert not page.locator(f"#day-{wednesday.isoformat()}").is_checked()
    for day in (monday, friday):
        page.locator(f"label.sched-day:has(#day-{day.isoformat()})").click()
    quota = page.locator(f"#rule-check-result li[data-week='{week_label(monday, friday, language)}']")
    expect(quota).to_contain_text(text["quota"])  # the live check answers after the last tap
    look(page, "req-2-days-chosen", language)
    page.locator("#arrangement-form button[type=submit]").click()
    arrive(page, "/edit/plan/")
    ar = ArrangementRequest.objects.get(employee=employee)
    assert ar.status == "draft" and ar.dates == [monday, friday]  # saved as a draft already

    # 3. What you will deliver: a row without quantity is refused and keeps what was typed.
    look(page, "req-3-plan", language)
    page.fill("#id_work_plan-0-description", "Draf laporan triwulan")
    page.fill("#id_work_plan-0-unit", "dokumen")
    page.locator("button[name=action][value=next]").click()
    page.wait_for_load_state()
    link = page.locator("#error-summary a[href='#id_work_plan-0-quantity']")
    assert link.inner_text() == text["quantity"]
    assert page.input_value("#id_work_plan-0-description") == "Draf laporan triwulan"
    look(page, "req-3-plan-refused", language)
    page.fill("#id_work_plan-0-quantity", "1")
    page.select_option("#id_work_plan-0-indicator", str(indicator.id))
    page.locator("button[name=action][value=next]").click()
    arrive(page, "/edit/check/")

    # 4. Check your answers: every answer with a change link, the quota of the week by its dates.
    look(page, "req-4-check", language)
    assert page.locator(".sched-change a").count() >= 5
    assert "Draf laporan triwulan" in page.locator("#answer-plan").inner_text()
    assert indicator.description in page.locator("#answer-plan").inner_text()
    assert text["quota"] in page.locator(f"li[data-week='{week_label(monday, friday, language)}']").inner_text()
    page.locator("#submit-request").click()
    arrive(page, "/sent/")

    # 5. Sent: what happens next and who decides.
    look(page, "req-5-sent", language)
    assert text["sent"] in page.locator("h1").inner_text()
    assert org_world.supervisor_a.employee.name in page.locator("#next-recommender").inner_text()
    assert org_world.unit_head_a.employee.name in page.locator("#next-decider").inner_text()

    ar.refresh_from_db()
    assert ar.status == "submitted" and ar.dates == [monday, friday]
    assert [(i.description, i.indicator_id) for i in ar.work_plan.all()] == [("Draf laporan triwulan", indicator.id)]
    assert not page.csp_errors, page.csp_errors
    page.context.close()
