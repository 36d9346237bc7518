"""Browser journey of performance management, on a 360 px phone with axe on every page:
targets, output logged on a WFH day and verified by the supervisor, the realisation suggested from
that verified output and accepted, the evaluation and its predikat, HR's distribution."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from attendance.models import WorkLog
from performance.models import Indicator
from schedules.models import DaySource, Location, ScheduleDay
from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot
from tests.performance.factories import ensure_reference_data, office_today

pytestmark = pytest.mark.e2e


def check(page, name: str) -> None:
    assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


@pytest.mark.django_db(transaction=True)
def test_target_realisation_evaluation_and_predikat(live_server, browser, org_world):
    ensure_reference_data()  # the predikat matrix (seeded by a migration; a flush may have emptied it)
    year = office_today().year
    employee = org_world.employee_a.employee

    # 1. The supervisor opens the team view and sets targets for Pegawai A.
    boss = login(browser, live_server, org_world.supervisor_a)
    boss.goto(live_server.url + "/performance/team/")
    check(boss, "perf-team")
    boss.locator(f"a[href='/performance/skp/new/?employee={employee.id}']").click()
    boss.wait_for_url("**/performance/skp/new/**")
    check(boss, "perf-skp-new")
    boss.fill("#id_year", str(year))
    boss.locator("main button[type=submit]").click()
    boss.wait_for_url("**/performance/skp/*/")
    skp_url = boss.url
    boss.fill("#id_description", "Laporan pelayanan publik")
    with translation.override("id"):  # the page is in Indonesian: name the button as the catalogue does
        add_result = gettext("Add the result")
    boss.get_by_role("button", name=add_result).click()
    boss.wait_for_url(skp_url)
    boss.locator("main details summary").first.click()
    boss.select_option("[id$='_aspect']", "QUANTITY")
    boss.fill("[id$='_description']", "Jumlah laporan yang disusun")
    boss.fill("[id$='_target_min']", "12")
    boss.fill("[id$='_unit']", "laporan")
    boss.locator("form.perf-indicator-form button[type=submit]").click()
    boss.wait_for_url(skp_url)
    assert "Jumlah laporan yang disusun" in boss.content()
    check(boss, "perf-skp-draft")
    boss.locator("button[formaction$='/approve/']").click()
    boss.wait_for_url(skp_url)
    assert boss.locator("#skp-status").inner_text() in ("Disetujui", "Approved")

    # 2. Today is a WFH day of Pegawai A (an approved arrangement; its journey is tested elsewhere):
    # they log three reports on the output log page, linked to the indicator.
    today = office_today()
    ScheduleDay.objects.create(
        agency_id=employee.agency_id,
        employee=employee,
        local_date=today,
        location=Location.HOME,
        unit_id=employee.unit_id,
        source=DaySource.INDIVIDUAL,
    )
    indicator = Indicator.objects.get(rhk__skp__employee=employee, rhk__skp__year=year)
    mine = login(browser, live_server, org_world.employee_a)
    mine.goto(live_server.url + "/attendance/log/")
    mine.fill("#id_local_date", today.isoformat())
    mine.fill("#id_description", "Tiga laporan pelayanan disusun")
    mine.fill("#id_quantity", "3")
    mine.fill("#id_unit_of_measure", "laporan")
    mine.fill("#id_minutes_spent", "240")
    mine.select_option("#id_indicator", str(indicator.id))
    check(mine, "perf-output-log")
    mine.locator("main form[method=post] button[type=submit]").click()
    mine.wait_for_url("**/attendance/log/")
    entry = WorkLog.objects.get(employee=employee, local_date=today)
    assert (entry.indicator_id, entry.location) == (indicator.id, Location.HOME)

    # 3. The supervisor verifies it: as expected (sesuai).
    boss.goto(live_server.url + "/attendance/verify/")
    check(boss, "perf-verify-output")
    boss.select_option(f"#verdict-{entry.id}", "SESUAI")
    boss.locator(f"section[aria-labelledby='entry-{entry.id}'] button[type=submit]").click()
    boss.wait_for_url("**/attendance/verify/")
    entry.refresh_from_db()
    assert entry.verification == "SESUAI"

    # 4. The employee opens this period's realisation: the suggestion is the verified output; they accept it.
    mine.goto(live_server.url + "/performance/")
    check(mine, "perf-my-targets")
    mine.get_by_role("link", name="Jumlah laporan yang disusun").first.click()
    mine.wait_for_url("**/performance/indicators/*/")
    check(mine, "perf-indicator")
    mine.locator("tr.current a[href*='/realisation/']").click()
    mine.wait_for_url("**/realisation/**")
    check(mine, "perf-realisation")
    assert mine.locator("#suggested-value").inner_text() == "3"
    mine.locator("[data-fill-target]").click()
    assert float(mine.input_value("#id_value")) == 3
    mine.fill("#id_note", "Tiga laporan terverifikasi")
    mine.locator("main form[method=post] button[type=submit]").click()
    mine.wait_for_url("**/performance/indicators/*/")
    current = mine.locator("tr.current").inner_text()
    # 12 a year spread evenly is 1 a month: 3 reports are 300 %, shown capped at 150 %.
    assert "3" in current and "150" in current

    # 5. The supervisor evaluates: results above, all seven values above → Sangat Baik.
    boss.goto(skp_url + "evaluate/")
    check(boss, "perf-evaluate")
    boss.check("#id_results_rating_0")
    for name in ("service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative"):
        boss.check(f"#id_behaviour_{name}_0")
    boss.locator("main form[method=post] button[type=submit]").click()
    boss.wait_for_load_state()
    assert "/performance/evaluations/" in boss.url, boss.locator("main").inner_text()
    assert "Sangat Baik" in boss.locator("#predikat").inner_text()
    check(boss, "perf-evaluation")

    # 6. The employee sees the predikat, and the printable SKP.
    mine.goto(boss.url)
    assert "Sangat Baik" in mine.locator("#predikat").inner_text()
    mine.goto(skp_url + "print/")
    check(mine, "perf-skp-print")

    # 7. HR sees the predikat distribution of the year, in Indonesian and in English.
    hr = login(browser, live_server, org_world.hr_admin_a)
    hr.goto(f"{live_server.url}/performance/distribution/?year={year}")
    assert hr.get_attribute("html", "lang") == "id"
    check(hr, "perf-distribution-id")
    hr.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    hr.reload()
    assert hr.get_attribute("html", "lang") == "en"
    assert "Predikat distribution" in hr.locator("h1").inner_text()
    check(hr, "perf-distribution-en")
    for page in (boss, mine, hr):
        assert not page.csp_errors, page.csp_errors
        page.context.close()
