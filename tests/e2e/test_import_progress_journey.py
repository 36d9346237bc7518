"""HR uploads a file whose check runs in the background: the page shows the rows checked as the
worker reports them (static JS asking the API), turns into the preview by itself, and the confirm
is written by the job. Then a file over a cap is refused on the upload page. Phone and desktop,
Indonesian, axe on every page."""

import pytest
from playwright.sync_api import expect

from flexwork.onboarding import services
from flexwork.onboarding.models import ImportBatch, ImportStatus
from flexwork.org.models import Employee
from tests.e2e.conftest import assert_fits_phone, axe, login, screenshot
from tests.onboarding.conftest import employee_row, employees_csv, nip

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}


def check(page, name: str, *, phone: bool = True) -> None:
    assert page.get_attribute("html", "lang") == "id", page.url
    if phone:
        assert_fits_phone(page)
    axe(page)
    screenshot(page, name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_check_shows_its_progress_then_the_preview_and_the_confirm(browser, live_server, org_world, viewport):
    queued: list[int] = []
    real_enqueue = services._enqueue
    services._enqueue = lambda batch_id, step: queued.append(batch_id)  # the worker starts when the test says
    try:
        options = {"viewport": DESKTOP} if viewport == "desktop" else {}
        page = login(browser, live_server, org_world.hr_admin_a, **options)
        page.goto(live_server.url + "/hr/imports/")
        check(page, f"import-upload-{viewport}", phone=viewport == "phone")
        assert "100.000 baris data" in page.locator("#import-caps").inner_text()

        rows = [employee_row(n) for n in range(1, 5)]
        page.select_option("#id_kind", "EMPLOYEES")
        page.set_input_files(
            "#id_file", files=[{"name": "pegawai.csv", "mimeType": "text/csv", "buffer": employees_csv(rows)}]
        )
        page.locator("main form[enctype] button[type=submit]").click()
        page.wait_for_url("**/hr/imports/*/")
        batch = ImportBatch.objects.get(id=queued[-1])
        assert batch.status == ImportStatus.CHECKING
        assert page.locator("#import-job").is_visible()

        # The worker has read the file and checked half of it: the script shows it without a reload.
        ImportBatch.objects.filter(id=batch.id).update(row_count=4, progress_rows=2)
        expect(page.locator("#import-progress-text")).to_contain_text("2 dari 4", timeout=10_000)
        check(page, f"import-progress-{viewport}", phone=viewport == "phone")

        # The check finishes: the page turns into the preview by itself.
        assert services.import_preview_execute(batch_id=batch.id)
        page.wait_for_selector("#import-confirm", timeout=10_000)
        check(page, f"import-preview-{viewport}", phone=viewport == "phone")

        page.locator("#import-confirm button[type=submit]").click()
        page.wait_for_selector("#import-job", timeout=10_000)
        assert ImportBatch.objects.get(id=batch.id).status == ImportStatus.CONFIRMING
        check(page, f"import-confirming-{viewport}", phone=viewport == "phone")
        assert services.import_confirm_execute(batch_id=batch.id)
        page.wait_for_selector("#import-status", timeout=10_000)
        assert "Dikonfirmasi" in page.locator("#import-status").inner_text()
        assert "Diimpor: 4 baru" in page.locator("#import-result").inner_text()
        check(page, f"import-confirmed-{viewport}", phone=viewport == "phone")
        assert Employee.objects.filter(nip__in=[nip(n) for n in range(1, 5)]).count() == 4

        # A file over the size cap is refused on the upload page, with the cap named.
        page.goto(live_server.url + "/hr/imports/")
        big = b"nip,nama\r\n" + b"x" * (10 * 1024 * 1024 + 512 * 1024)
        page.set_input_files("#id_file", files=[{"name": "besar.csv", "mimeType": "text/csv", "buffer": big}])
        page.locator("main form[enctype] button[type=submit]").click()
        page.wait_for_load_state()
        assert "10,0" in page.locator("main form[enctype]").inner_text().replace("\xa0", " ")
        check(page, f"import-too-large-{viewport}", phone=viewport == "phone")
        assert page.csp_errors == []
    finally:
        services._enqueue = real_enqueue
