"""Browser journey of output and targets on a 390×844 phone, in Indonesian and in English, with axe on
every page: the supervisor opens an entry's evidence from the verify card, and the SKP indicator
form spreads a target of 12 evenly as 1 a month."""

import struct
import zlib
from decimal import Decimal

import pytest

from attendance import services as attendance_services
from flexwork.common.services import evidence_upload
from performance import services as performance_services
from performance.models import RhkKind
from tests.common.files import PDF_BYTES, upload
from tests.e2e.conftest import DESKTOP, assert_fits_phone, axe, login, screenshot
from tests.performance.factories import ensure_reference_data, office_today

pytestmark = pytest.mark.e2e

WORDS = {
    "id": {"evidence": "Bukti", "waiting": "Menunggu verifikasi", "verified": "Diverifikasi oleh"},
    "en": {"evidence": "Evidence", "waiting": "Waiting for your supervisor", "verified": "Verified by"},
}


def check(page, name: str, *, phone: bool = True) -> None:
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


def _png(width: int = 48, height: int = 32) -> bytes:
    """A real (blue) PNG, so that the thumbnail has something to draw."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x0b\x4f\x8a" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _entry(user):
    files = [
        evidence_upload(user=user, uploaded_file=upload("foto kegiatan.png", _png())).id,
        evidence_upload(user=user, uploaded_file=upload("notulen rapat.pdf", PDF_BYTES)).id,
    ]
    return attendance_services.worklog_create(
        user=user,
        local_date=office_today(),
        description="Notulen rapat koordinasi",
        quantity=Decimal("1"),
        unit_of_measure="dokumen",
        minutes_spent=120,
        link="https://example.org/notulen",
        evidence_ids=files,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_supervisor_opens_the_evidence_from_the_verify_card(live_server, browser, org_world, language):
    words = WORDS[language]
    entry = _entry(org_world.employee_a)
    locale = "id-ID" if language == "id" else "en-US"

    boss = login(browser, live_server, org_world.supervisor_a, locale=locale)
    boss.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    boss.goto(live_server.url + "/attendance/verify/")
    card = boss.locator(f"#verify-{entry.id}")
    assert words["evidence"] in card.inner_text()
    assert "foto kegiatan.png" in card.inner_text() and "notulen rapat.pdf" in card.inner_text()
    thumb = card.locator("img.evidence-thumb")
    thumb.scroll_into_view_if_needed()
    boss.wait_for_function("img => img.complete && img.naturalWidth === 48", arg=thumb.element_handle())
    link = card.locator("a.evidence-link")
    assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
    check(boss, f"verify-card-{language}")

    # The photo opens in a tab of its own, through the evidence permission check.
    with boss.context.expect_page() as opened:
        card.locator("a.evidence-thumb-link").click()
    photo = opened.value
    photo.wait_for_load_state()
    assert photo.evaluate("() => document.contentType") == "image/png"
    photo.close()
    with boss.expect_response(lambda r: "/evidence/" in r.url and "inline=1" in r.url) as pdf:
        boss.evaluate(
            "url => fetch(url, {credentials: 'same-origin'})",
            card.get_by_role("link", name="notulen rapat.pdf").get_attribute("href"),
        )
    assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"

    # The verdict: the card moves below, with who verified it.
    boss.select_option(f"#verdict-{entry.id}", "SESUAI")
    boss.locator(f"#verify-{entry.id} button[type=submit]").click()
    boss.wait_for_load_state()
    verified = boss.locator(f"#verified-{entry.id}")
    assert words["verified"] in verified.inner_text() and "notulen rapat.pdf" in verified.inner_text()
    check(boss, f"verify-after-{language}")

    # The team calendar on the phone is a list of days.
    boss.goto(live_server.url + "/schedule/team/")
    assert boss.locator(".sched-daycard").first.is_visible() and not boss.locator("#team-calendar").is_visible()
    check(boss, f"team-calendar-{language}")

    desk = login(browser, live_server, org_world.supervisor_a, locale=locale, viewport=DESKTOP)
    desk.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    desk.goto(live_server.url + "/attendance/verify/")
    check(desk, f"verify-desktop-{language}", phone=False)
    desk.goto(live_server.url + "/schedule/team/")
    assert desk.locator("#team-calendar").is_visible() and not desk.locator(".sched-daycard").first.is_visible()
    check(desk, f"team-calendar-desktop-{language}", phone=False)

    # The employee's own log shows the same files and the verdict.
    mine = login(browser, live_server, org_world.employee_a, locale=locale)
    mine.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    mine.goto(live_server.url + "/attendance/log/")
    own = mine.locator(f"#log-{entry.id}")
    assert "notulen rapat.pdf" in own.inner_text() and words["verified"] in own.inner_text()
    check(mine, f"log-list-{language}")
    mine.set_viewport_size(DESKTOP)
    check(mine, f"log-list-desktop-{language}", phone=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_indicator_form_spreads_twelve_evenly_as_one_a_month(live_server, browser, org_world, language):
    ensure_reference_data()
    year = office_today().year
    skp = performance_services.skp_create(
        actor=org_world.supervisor_a, employee=org_world.employee_a.employee, year=year
    )
    rhk = performance_services.rhk_create(
        skp=skp, actor=org_world.supervisor_a, kind=RhkKind.MAIN, description="Layanan informasi publik"
    )
    locale = "id-ID" if language == "id" else "en-US"
    boss = login(browser, live_server, org_world.supervisor_a, locale=locale)
    boss.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    boss.goto(f"{live_server.url}/performance/rhk/{rhk.id}/indicators/")
    boss.select_option("#id_aspect", "QUANTITY")
    boss.fill("#id_description", "Jumlah laporan layanan")
    boss.fill("#id_target_min", "12")
    boss.fill("#id_unit", "laporan")
    periods = boss.locator("input[name^='period_']")
    assert periods.count() == 12
    assert [periods.nth(i).input_value() for i in range(12)] == ["1"] * 12  # filled as one types
    assert "12" in boss.locator("[data-period-total]").inner_text()
    check(boss, f"indicator-form-{language}")

    # By hand, a total that does not add up is said at once and refused by the server.
    boss.locator("input[name='spread'][value='MANUAL']").check()
    periods.nth(0).fill("3")
    assert "error" in (boss.locator("[data-period-total]").get_attribute("class") or "")
    boss.locator("form.perf-indicator-form button[type=submit]").click()
    boss.wait_for_load_state()
    assert boss.locator(".perf-periods [role=alert]").count() == 1
    assert boss.locator("input[name='period_0']").input_value() == "3"  # nothing lost
    check(boss, f"indicator-form-refused-{language}")

    boss.locator("input[name='spread'][value='EVEN']").check()
    boss.locator("form.perf-indicator-form button[type=submit]").click()
    boss.wait_for_url(f"**/performance/skp/{skp.id}/")
    indicator = rhk.indicators.get()
    assert [p.target_min for p in indicator.period_plans.order_by("period_start")] == [Decimal(1)] * 12
    check(boss, f"skp-detail-{language}")

    desk = login(browser, live_server, org_world.supervisor_a, locale=locale, viewport=DESKTOP)
    desk.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    desk.goto(f"{live_server.url}/performance/rhk/{rhk.id}/indicators/")
    desk.fill("#id_target_min", "10")
    check(desk, f"indicator-form-desktop-{language}", phone=False)
