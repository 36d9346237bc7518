"""A new agency set up in the browser alone, on a 390×844 phone, in Indonesian (and the operator's and
HR's first pages in English too), with axe on every page visited.

The platform operator (a superuser, signed in with the authenticator app) creates the agency and its
first HR admin and prints her code. She activates her account, sets up the authenticator app (the
agency requires it), imports the units and the employees from CSV, appoints the head of a
decision-level unit, gives one employee another supervisor (his waiting request moves with him) and
declares and then withdraws a directive.

HR adds the position the employees' import refers to on the positions page.

Two steps stand in for other people's phones, through the services their pages call: the employee's
request (the request pages have their own journeys) and his approved home location."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, screenshot
from tests.onboarding.conftest import employees_csv, units_csv
from tests.org.factories import nip_for

pytestmark = pytest.mark.e2e

OPERATOR_PASSWORD = "kopi-tubruk-pagi-71"
HR_PASSWORD = "pisang-goreng-hangat-36"
ROOT = "DKI-X"
HR_NIP = nip_for(7300)
HEAD_NIP, KASI_NIP, KASI2_NIP, STAFF_NIP = (nip_for(n) for n in (7301, 7302, 7303, 7304))


def look(page, name: str, language: str = "id", *, phone: bool = True) -> None:
    assert page.get_attribute("html", "lang") == language, page.url
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def set_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def upload(page, live_server, kind: str, name: str, data: bytes) -> None:
    page.goto(live_server.url + "/hr/imports/")
    look(page, f"hr-import-{kind.lower()}")
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.locator("main form[enctype] button[type=submit]").click()
    page.wait_for_url("**/hr/imports/*/")
    confirm = page.locator("#import-confirm button[type=submit]")
    confirm.wait_for(timeout=15000)
    look(page, f"hr-import-{kind.lower()}-preview")
    confirm.click()
    page.wait_for_load_state()
    page.locator(".message.success").wait_for(timeout=15000)


def working_monday(employee) -> datetime.date:
    from flexwork.common.calendar import office_today, working_days_between

    today = office_today(employee)
    monday = today + datetime.timedelta(days=7 - today.weekday())
    while working_days_between(today, monday, set()) < 2:
        monday += datetime.timedelta(days=7)
    return monday


@pytest.mark.django_db(transaction=True)
def test_an_agency_is_set_up_in_the_browser_alone(live_server, browser):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model

    from flexwork.org.models import Agency, Employee, Unit

    operator = get_user_model().objects.create_superuser("operator", "ops@example.go.id", OPERATOR_PASSWORD)
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)

    # 1. The operator signs in with password and authenticator code and opens the console from the menu.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    ops = context.new_page()
    ops.goto(live_server.url + "/accounts/login/")
    ops.fill("#id_login", "operator")
    ops.fill("#id_password", OPERATOR_PASSWORD)
    ops.locator("main button[type=submit]").click()
    ops.wait_for_url("**/accounts/2fa/authenticate/")
    ops.fill("#id_code", totp_now(secret))
    ops.locator("main button[type=submit]").first.click()
    ops.wait_for_url(live_server.url + "/")
    ops.locator("nav.tabbar details.more summary").click()
    ops.locator("nav.tabbar a[href='/operator/']").click()
    ops.wait_for_url("**/operator/")
    look(ops, "operator-agencies-phone-id")
    ops.get_by_role("link", name="Buat instansi").first.click()
    ops.wait_for_url("**/operator/agencies/new/")
    look(ops, "operator-agency-new-phone-id")

    # 2. A bad form first (no code), then the agency.
    ops.fill("#id_name", "Dinas Komunikasi dan Informatika X")
    ops.select_option("#id_time_zone", "Asia/Makassar")
    ops.fill("#id_root_code", ROOT)
    ops.locator("main form button[type=submit]").click()
    ops.wait_for_load_state()
    assert ops.locator("main [role=alert]").count() >= 1
    look(ops, "operator-agency-new-error-phone-id")
    ops.fill("#id_code", "DISKOMINFO-X")
    ops.locator("main form button[type=submit]").click()
    ops.wait_for_url("**/operator/agencies/*/")
    agency = Agency.objects.get(code="DISKOMINFO-X")
    assert Unit.objects.get(agency=agency).code == ROOT
    assert "Instansi “Dinas Komunikasi dan Informatika X” telah dibuat." in ops.locator(".messages").inner_text()
    look(ops, "operator-agency-phone-id")

    # 3. The first HR admin, new to the agency: created in the root unit, waiting for activation.
    form = ops.locator("form[action$='/appoint/']")
    form.locator("#id_nip").fill(HR_NIP)
    form.locator("#id_role").select_option("HR_ADMIN")
    form.locator("#id_name").fill("Rina Sari")
    form.locator("button[type=submit]").click()
    ops.wait_for_url(f"**/operator/agencies/{agency.id}/")
    holders = ops.locator("#role-holders").inner_text()
    assert "Rina Sari" in holders and "Admin SDM" in holders and "menunggu aktivasi" in holders
    look(ops, "operator-agency-appointed-phone-id")
    set_language(ops, live_server, "en")
    ops.reload()
    assert "waiting for activation" in ops.locator("#role-holders").inner_text()
    look(ops, "operator-agency-appointed-phone-en", "en")
    set_language(ops, live_server, "id")
    ops.reload()

    # 4. Her code, printed once.
    ops.locator("form[action$='/codes/'] button[value=html]").click()
    ops.wait_for_selector("#activation-codes")
    look(ops, "operator-codes-phone-id")
    code = ops.locator("#activation-codes tbody tr", has_text=HR_NIP).locator("code").inner_text().strip()
    assert len(code) == 14
    desktop = browser.new_context(viewport=DESKTOP, locale="id-ID")
    desktop.add_cookies(context.cookies())
    wide = desktop.new_page()
    wide.goto(f"{live_server.url}/operator/agencies/{agency.id}/")
    look(wide, "operator-agency-desktop-id", phone=False)
    wide.goto(f"{live_server.url}/operator/")
    look(wide, "operator-agencies-desktop-id", phone=False)
    desktop.close()
    context.close()

    # 5. The HR admin activates on her own phone, signs in and must set up the authenticator app.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    hr = context.new_page()
    csp_errors: list[str] = []
    hr.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    hr.goto(live_server.url + "/activate/")
    look(hr, "hr-activate")
    hr.fill("#id_nip", HR_NIP)
    hr.fill("#id_code", code)
    hr.fill("#id_password1", HR_PASSWORD)
    hr.fill("#id_password2", HR_PASSWORD)
    hr.locator("main button[type=submit]").click()
    hr.wait_for_load_state()
    if "/accounts/login/" in hr.url:
        hr.fill("#id_login", HR_NIP)
        hr.fill("#id_password", HR_PASSWORD)
        hr.locator("main button[type=submit]").click()
        hr.wait_for_load_state()
    hr.goto(live_server.url + "/hr/")
    if "/accounts/reauthenticate/" in hr.url:  # the enrolment first asks for the new password again
        look(hr, "hr-reauthenticate")
        hr.fill("#id_password", HR_PASSWORD)
        hr.locator("main button[type=submit]").click()
        hr.wait_for_load_state()
    assert hr.url.endswith("/accounts/2fa/totp/activate/")
    look(hr, "hr-enrol")
    hr_secret = hr.locator("#authenticator-secret").inner_text().strip()
    hr.fill("#id_code", totp_now(hr_secret))
    hr.locator("main form.panel button[type=submit]").click()
    hr.wait_for_load_state()
    hr.goto(live_server.url + "/hr/")
    assert hr.url.endswith("/hr/")
    look(hr, "hr-index")

    # 6. A position, on the positions page reached from the HR menu: a bad form first (eligible, but
    #    one task criterion missing), then the position. The import below refers to it by its code.
    hr.locator("main nav a[href='/hr/positions/']").first.click()
    hr.wait_for_url("**/hr/positions/")
    assert "Belum ada jabatan." in hr.locator("main").inner_text()
    look(hr, "hr-positions-empty")
    add = hr.locator("form[action='/hr/positions/']")
    add.locator("#id_code").fill("ANALIS")
    add.locator("#id_name").fill("Analis Sistem Informasi")
    add.locator("#id_type").select_option("PELAKSANA")
    for name in ("outside_office", "no_special_equipment", "ict_feasible", "minimal_face_to_face"):
        add.locator(f"#id_task_{name}").check()
    add.locator("#id_is_fwa_eligible").check()
    add.locator("button[type=submit]").click()
    hr.wait_for_load_state()
    assert "kelima kriteria tugas" in hr.locator("main [role=alert]").first.inner_text()
    look(hr, "hr-positions-error")
    add = hr.locator("form[action='/hr/positions/']")
    add.locator("#id_task_no_continuous_supervision").check()
    add.locator("button[type=submit]").click()
    hr.wait_for_url("**/hr/positions/")
    assert "Jabatan “Analis Sistem Informasi” telah ditambahkan." in hr.locator(".messages").inner_text()
    card = hr.locator(".position-card", has_text="Analis Sistem Informasi")
    assert "Pelaksana" in card.inner_text() and "memenuhi syarat" in card.inner_text()
    look(hr, "hr-positions")
    from flexwork.org.models import Position

    position = Position.objects.get(agency=agency, code="ANALIS")
    assert position.is_fwa_eligible and position.type == "PELAKSANA"
    set_language(hr, live_server, "en")
    hr.reload()
    assert "Eligible for flexible work" in hr.locator("main").inner_text()
    look(hr, "hr-positions-en", "en")
    hr.goto(f"{live_server.url}/hr/positions/{position.id}/")
    assert hr.locator("#id_task_ict_feasible").is_checked()
    look(hr, "hr-position-edit-en", "en")
    set_language(hr, live_server, "id")
    hr.reload()
    look(hr, "hr-position-edit")
    wide = browser.new_context(viewport=DESKTOP, locale="id-ID")
    wide.add_cookies(context.cookies())
    desk = wide.new_page()
    desk.goto(f"{live_server.url}/hr/positions/")
    assert "Analis Sistem Informasi" in desk.locator(".position-table").inner_text()
    look(desk, "hr-positions-desktop", phone=False)
    desk.goto(f"{live_server.url}/hr/positions/{position.id}/")
    look(desk, "hr-position-edit-desktop", phone=False)
    wide.close()

    # 7. Units, then employees, from CSV files.
    units = [
        ["BID-APL", "Bidang Aplikasi", ROOT, "0", "", "-5.147700", "119.432700", "150"],
        ["SEK-APL", "Seksi Pengembangan Aplikasi", "BID-APL", "0", "", "-5.147700", "119.432700", "150"],
    ]
    upload(hr, live_server, "UNITS", "unit.csv", units_csv(units))
    people = [
        [HEAD_NIP, "Andi Kepala", "", "PNS", "BID-APL", "ANALIS", "", "2020-01-01", "1"],
        [KASI_NIP, "Sari Kasi", "", "PNS", "SEK-APL", "ANALIS", HEAD_NIP, "2020-01-01", "1"],
        [KASI2_NIP, "Dewi Kasi", "", "PNS", "SEK-APL", "ANALIS", HEAD_NIP, "2020-01-01", "1"],
        [STAFF_NIP, "Rudi Staf", "", "PNS", "SEK-APL", "ANALIS", KASI_NIP, "2020-01-01", "1"],
    ]
    upload(hr, live_server, "EMPLOYEES", "pegawai.csv", employees_csv(people))
    assert Employee.objects.filter(agency=agency).count() == 5

    # 8. The head of the decision-level unit, on the roles page.
    bidang = Unit.objects.get(agency=agency, code="BID-APL")
    assert bidang.is_decision_level
    hr.goto(live_server.url + "/hr/roles/")
    look(hr, "hr-roles")
    hr.fill(f"#head-nip-{bidang.id}", HEAD_NIP)
    hr.locator(f"form:has(#head-nip-{bidang.id}) button[value=head_set]").click()
    hr.wait_for_load_state()
    bidang.refresh_from_db()
    assert bidang.head.nip == HEAD_NIP
    look(hr, "hr-roles-head-set")

    # Stand-ins for the employee's phone: his approved home, and a request waiting for Sari Kasi.
    from schedules import services as schedule_services
    from tests.schedules.conftest import arrangement_input, fetch

    staff = Employee.objects.select_related("user", "unit", "agency", "position").get(nip=STAFF_NIP)
    Employee.objects.filter(id=staff.id).update(home_latitude="-5.135000", home_longitude="119.420000")
    staff.refresh_from_db()
    request, _result = schedule_services.arrangement_request_create(
        employee=staff, data=arrangement_input([working_monday(staff)]), actor=staff.user, submit=True
    )
    kasi, kasi2 = (Employee.objects.get(nip=nip) for nip in (KASI_NIP, KASI2_NIP))
    assert fetch(request).recommender_id == kasi.id

    # 9. HR gives him another supervisor: the check says the request moves, saving moves it.
    hr.goto(f"{live_server.url}/hr/employees/{staff.id}/edit/")
    look(hr, "hr-employee-edit")
    hr.fill("#id_supervisor_nip", KASI2_NIP)
    hr.get_by_role("button", name="Periksa perubahan").click()
    hr.wait_for_load_state()
    assert "Dewi Kasi" in hr.locator("#check").inner_text()
    look(hr, "hr-employee-check")
    hr.get_by_role("button", name="Simpan perubahan").click()
    hr.wait_for_load_state()
    assert fetch(request).recommender_id == kasi2.id
    look(hr, "hr-employee-saved")

    # 10. A directive for the agency, declared and then withdrawn.
    first = working_monday(staff) + datetime.timedelta(days=7)
    hr.goto(live_server.url + "/schedule/directives/")
    look(hr, "hr-directives")
    hr.fill("#id_date_from", first.isoformat())
    hr.fill("#id_date_to", (first + datetime.timedelta(days=4)).isoformat())
    hr.locator("input[name=allowed_locations][value=HOME]").check()
    hr.fill("#id_message", "WFH serentak untuk pemeliharaan gedung.")
    hr.locator("form[aria-labelledby=directive-new-title] button[type=submit]").click()
    hr.wait_for_load_state()
    from schedules.models import Directive

    directive = Directive.objects.get(agency=agency)
    assert "pemeliharaan gedung" in hr.locator("main").inner_text()
    look(hr, "hr-directive-declared")
    hr.locator(f"main a[href='/schedule/directives/{directive.id}/']:visible").first.click()
    hr.wait_for_url(f"**/schedule/directives/{directive.id}/")
    look(hr, "hr-directive-detail")
    withdraw = hr.locator("form[action$='/withdraw/']")
    withdraw.locator("textarea[name=reason]").fill("Pemeliharaan gedung ditunda.")
    withdraw.locator("button[type=submit]").click()
    hr.wait_for_load_state()
    directive.refresh_from_db()
    assert directive.withdrawn_at is not None
    look(hr, "hr-directive-withdrawn")
    assert not csp_errors, csp_errors
    context.close()
