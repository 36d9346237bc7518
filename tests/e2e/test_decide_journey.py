"""Browser journey of deciding, on a 390×844 phone and a 1366×768 desktop, in Indonesian and English,
with axe on every page visited.

The section A-SEC has two members (Pegawai A and her supervisor Kasi A; 30 %: one may be away a day).
Pegawai A asks for two weeks of WFH; Kasi A recommends both requests in bulk from the queue. Then Kasi A
is approved away on the first Monday: a coverage warning that did not exist at submission. The unit
head sees it on the card and on the request's page, presses Approve without a reason (refused, the
note kept, the summary links to the field), gives the reason and approves; the reason is in the
history."""

import datetime

import pytest

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot

pytestmark = pytest.mark.e2e


def look(page, name: str, language: str = "id", *, phone: bool = True) -> None:
    assert page.get_attribute("html", "lang") == language
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def in_english(page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.reload()


def in_indonesian(page, live_server) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "id", "url": live_server.url}])
    page.reload()


def working_mondays(employee, count: int):
    from flexwork.common.calendar import is_working_day, office_today, working_days_between
    from flexwork.org.models import Holiday

    today = office_today(employee)
    holidays = set(Holiday.objects.filter(agency_id=employee.agency_id).values_list("date", flat=True))
    monday = today + datetime.timedelta(days=7 - today.weekday())
    found = []
    while len(found) < count:
        pair = [monday, monday + datetime.timedelta(days=1)]
        if all(is_working_day(day, holidays) for day in pair) and working_days_between(today, monday, holidays) >= 2:
            found.append(monday)
        monday += datetime.timedelta(days=7)
    return found


def submit(user, dates):
    from schedules import services
    from tests.schedules.conftest import arrangement_input, emp

    ar, _result = services.arrangement_request_create(
        employee=emp(user), data=arrangement_input(dates, reason="Menyusun laporan triwulan"), actor=user, submit=True
    )
    return ar


@pytest.mark.django_db(transaction=True)
def test_a_decider_overrides_a_warning_that_arose_after_submission(live_server, browser, org_world):
    from flexwork.approvals.models import ApprovalStatus, Transition
    from schedules import services
    from tests.schedules.conftest import fetch

    employee, supervisor, head = org_world.employee_a, org_world.supervisor_a, org_world.unit_head_a
    first, second = working_mondays(employee.employee, 2)
    asked = submit(employee, [first, first + datetime.timedelta(days=1)])
    later = submit(employee, [second, second + datetime.timedelta(days=1)])

    # 1. The supervisor recommends both in bulk; the box sits after the list.
    boss = login(browser, live_server, supervisor)
    boss.goto(live_server.url + "/arrangements/queue/")
    assert boss.locator(".sched-card").count() == 2
    assert boss.locator(f"#request-{asked.id} .sched-card-step").inner_text() == "Menunggu rekomendasi Kasi A"
    look(boss, "queue-recommend-phone-id")
    in_english(boss, live_server)
    look(boss, "queue-recommend-phone-en", "en")
    in_indonesian(boss, live_server)
    boss.check(f"#request-{asked.id} input[name=ids]")
    boss.check(f"#request-{later.id} input[name=ids]")
    boss.fill("#bulk-note", "Pekerjaan dapat dilakukan dari rumah")
    boss.locator("#bulk-form button[type=submit]").click()
    boss.wait_for_load_state()
    assert "2 pengajuan direkomendasikan." in boss.locator(".messages").inner_text()
    assert boss.locator("#bulk-form").count() == 0
    assert fetch(asked).status == fetch(later).status == ApprovalStatus.RECOMMENDED
    look(boss, "queue-empty-phone-id")
    in_english(boss, live_server)
    look(boss, "queue-empty-phone-en", "en")
    boss.context.close()

    # 2. Meanwhile the supervisor is approved away on both Mondays: the section is full those days.
    away = submit(supervisor, [first, second])
    services.arrangement_request_approve(arrangement_request=fetch(away), actor=head)
    assert not [v for v in fetch(asked).violations if v["severity"] != "info"]  # nothing was wrong when sent

    # 3. The unit head sees the warning on the card: who else is away, and no tick box for it.
    decider = login(browser, live_server, head)
    decider.goto(live_server.url + "/arrangements/queue/")
    card = decider.locator(f"#request-{asked.id}")
    assert card.locator(".sched-card-step").inner_text() == "Menunggu keputusan Kepala Bidang A"
    assert "Kasi A (Rumah)" in card.locator(".sched-card-days").inner_text()
    assert card.locator('[data-code="COVERAGE_UNIT_SHARE"]').count() == 1
    assert card.locator("input[name=ids]").count() == 0
    assert decider.locator("#bulk-form").count() == 0  # nothing the unit head may tick
    summary = card.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    look(decider, "queue-decide-phone-id")
    summary.click()
    assert card.locator(f"#override-{asked.id}").is_visible()  # the reason field, in the card too
    look(decider, "queue-decide-open-phone-id")

    # 4. On the request's page the warning is current and the reason field is there.
    card.locator(".sched-card-title a").click()
    decider.wait_for_load_state()
    assert decider.locator('#rule-check [data-code="COVERAGE_UNIT_SHARE"]').count() == 1
    assert decider.locator("#id_override_reason").is_visible()
    look(decider, "detail-warning-phone-id")

    # 5. Approve without a reason: refused, the note kept, the summary links to the field.
    decider.fill("#id_note_decide", "Setuju, koordinasi tim sudah diatur")
    decider.locator("#decide button[type=submit]:not([formaction])").click()
    decider.wait_for_load_state()
    link = decider.locator("#error-summary a[href='#id_override_reason']")
    assert link.inner_text() == "Isi alasan menyetujui meskipun ada peringatan."
    assert decider.locator("#id_note_decide").input_value() == "Setuju, koordinasi tim sudah diatur"
    assert fetch(asked).status == ApprovalStatus.RECOMMENDED
    look(decider, "detail-refused-phone-id")
    in_english(decider, live_server)  # a GET: the page as it is, in English
    look(decider, "detail-warning-phone-en", "en")
    in_indonesian(decider, live_server)

    # 6. With the reason it is approved; the reason shows in the history.
    decider.fill("#id_override_reason", "Tenggat laporan triwulan minggu ini")
    decider.locator("#decide button[type=submit]:not([formaction])").click()
    decider.wait_for_load_state()
    assert fetch(asked).status == ApprovalStatus.APPROVED
    assert Transition.objects.get(object_id=asked.id, action="approve").override_reason == (
        "Tenggat laporan triwulan minggu ini"
    )
    decider.goto(live_server.url + f"/arrangements/{asked.id}/")
    history = decider.locator("#request-history").inner_text()
    assert "Alasan menyetujui meskipun ada peringatan: Tenggat laporan triwulan minggu ini" in history
    look(decider, "detail-approved-phone-id")
    decider.context.close()

    # 7. The same pages on a desktop, in both languages.
    desk = login(browser, live_server, head, viewport=DESKTOP)
    desk.goto(live_server.url + "/arrangements/queue/")
    look(desk, "queue-desktop-id", phone=False)
    in_english(desk, live_server)
    look(desk, "queue-desktop-en", "en", phone=False)
    desk.goto(live_server.url + f"/arrangements/{later.id}/")
    assert desk.locator('#rule-check [data-code="COVERAGE_UNIT_SHARE"]').count() == 1
    look(desk, "detail-desktop-en", "en", phone=False)
    desk.locator("#decide button[type=submit]:not([formaction])").click()
    desk.wait_for_load_state()
    assert desk.locator("#error-summary a[href='#id_override_reason']").count() == 1
    look(desk, "detail-refused-desktop-en", "en", phone=False)
    in_indonesian(desk, live_server)
    look(desk, "detail-desktop-id", phone=False)
    desk.context.close()
