"""The daily-log pages: the employee's own list and the supervisor's verify page show each entry's
evidence (files and the link) and, once verified, the verdict with who verified it and when."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from attendance import services
from attendance.models import WorkLog
from flexwork.common.services import evidence_upload
from tests.common.files import PDF_BYTES, PNG_BYTES, docx_bytes, upload
from tests.org.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def today():
    return timezone.now().astimezone(WITA).date()


@pytest.fixture
def page_client():
    def make(user, language="en"):
        client = Client()
        client.cookies["django_language"] = language
        client.force_login(user)
        return client

    return make


def log_entry(user, *, files=(), link="", description="Draf laporan triwulan", day=None):
    ids = [evidence_upload(user=user, uploaded_file=upload(name, content)).id for name, content in files]
    return services.worklog_create(
        user=user,
        local_date=day or today(),
        description=description,
        quantity=Decimal("1"),
        unit_of_measure="dokumen",
        minutes_spent=90,
        link=link,
        evidence_ids=ids,
    )


TWO_FILES = (("foto rapat.png", PNG_BYTES), ("notulen.pdf", PDF_BYTES))


def test_the_supervisor_sees_each_file_and_the_link_on_the_verify_card(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=(*TWO_FILES, ("laporan.docx", docx_bytes())), link="https://example.org/x")
    html = page_client(supervisor_a).get("/attendance/verify/").content.decode()
    card = html[html.index(f'id="verify-{entry.id}"') :]
    card = card[: card.index("</section>")]
    png, pdf, docx = (e for e in entry_files(entry))
    # The photo as a thumbnail that opens in a tab of its own; the PDF opens in a new tab; the DOCX downloads.
    assert f'<img class="evidence-thumb" src="/evidence/{png.id}/download/?inline=1"' in card
    assert re.search(rf'href="/evidence/{pdf.id}/download/\?inline=1" target="_blank" rel="noopener">notulen.pdf', card)
    assert re.search(rf'href="/evidence/{docx.id}/download/" download>laporan.docx', card)
    assert "foto rapat.png" in card and f"{png.size}\xa0bytes" in card
    assert 'href="https://example.org/x" target="_blank" rel="noopener noreferrer"' in card


def entry_files(entry):
    from flexwork.common.selectors import evidence_by_owner

    return evidence_by_owner(owners=[entry])[entry.pk]


def test_sizes_read_in_kilobytes_and_megabytes(page_client, employee_a):
    big = PDF_BYTES + b"0" * (1536 * 1024)
    log_entry(employee_a, files=(("scan besar.pdf", big), ("kecil.png", PNG_BYTES + b"0" * 3000)))
    html = page_client(employee_a).get("/attendance/log/").content.decode()
    assert "1.5\xa0MB" in html and "3.0\xa0KB" in html


def test_a_card_without_evidence_says_so(page_client, employee_a, supervisor_a):
    log_entry(employee_a)
    html = page_client(supervisor_a).get("/attendance/verify/").content.decode()
    assert "No evidence attached." in html


def test_the_employee_sees_their_evidence_and_the_verdict_with_who_and_when(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=TWO_FILES, link="https://example.org/bukti")
    html = page_client(employee_a).get("/attendance/log/").content.decode()
    html = html.replace("&#x27;", "'").replace("&#39;", "'")
    assert "Waiting for your supervisor's verification" in html, html[html.index("worklog-list") :]
    assert "notulen.pdf" in html and "https://example.org/bukti" in html
    services.worklog_verify(entry=entry, user=supervisor_a, verification="KURANG", note="Lampirkan daftar hadir")
    entry.refresh_from_db()
    html = page_client(employee_a).get("/attendance/log/").content.decode()
    when = timezone.localtime(entry.verified_at, WITA).strftime("%H:%M")
    assert "Partly</strong>: Lampirkan daftar hadir" in html
    assert re.search(rf"Verified by Kasi A, [^<]*{when[:2]}[.:]{when[3:]} WITA", html), html
    assert "notulen.pdf" in html  # the evidence stays with the verified entry


def test_a_verified_entry_stays_on_the_verify_page_with_its_verdict(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=TWO_FILES)
    client = page_client(supervisor_a)
    response = client.post("/attendance/verify/", {"entry": entry.id, "verification": "SESUAI", "note": ""})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Nothing waits for your verification." in html
    card = html[html.index(f'id="verified-{entry.id}"') :]
    assert "As expected</strong>" in card and "Verified by Kasi A" in card and "notulen.pdf" in card


def test_the_indonesian_pages_speak_indonesian(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=TWO_FILES)
    html = page_client(supervisor_a, "id").get("/attendance/verify/").content.decode()
    assert "Bukti" in html and "dibuka di tab baru" in html
    services.worklog_verify(entry=entry, user=supervisor_a, verification="SESUAI")
    html = page_client(employee_a, "id").get("/attendance/log/").content.decode()
    assert "Diverifikasi oleh Kasi A" in html


@pytest.mark.parametrize("count", [1, 10])
def test_the_log_list_has_a_fixed_query_count(page_client, employee_a, django_assert_num_queries, count):
    for n in range(count):
        log_entry(employee_a, files=TWO_FILES, description=f"Keluaran {n}")
    client = page_client(employee_a)
    client.get("/attendance/log/")  # warm the session and the content types
    with django_assert_num_queries(LOG_QUERIES):
        response = client.get("/attendance/log/")
    assert response.content.decode().count('class="evidence-item"') == 2 * count


@pytest.mark.parametrize("count", [1, 10])
def test_the_verify_page_has_a_fixed_query_count(
    page_client, employee_a, supervisor_a, django_assert_num_queries, count
):
    entries = [log_entry(employee_a, files=TWO_FILES, description=f"Keluaran {n}") for n in range(2 * count)]
    for entry in entries[:count]:
        services.worklog_verify(entry=entry, user=supervisor_a, verification="SESUAI")
    client = page_client(supervisor_a)
    client.get("/attendance/verify/")
    with django_assert_num_queries(VERIFY_QUERIES):
        response = client.get("/attendance/verify/")
    html = response.content.decode()
    assert html.count('class="evidence-item"') == 4 * count and html.count("Verified by Kasi A") == count


LOG_QUERIES = 12  # session, user, employee, the entries, their files, the page frame
VERIFY_QUERIES = 12


def test_the_supervisor_opens_the_evidence_and_a_pdf_shows_in_the_browser(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=TWO_FILES)
    png, pdf = entry_files(entry)
    client = page_client(supervisor_a)
    response = client.get(f"/evidence/{pdf.id}/download/?inline=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline") and b"".join(response.streaming_content) == PDF_BYTES
    assert (
        "script-src" not in response["Content-Security-Policy"]
        and "default-src 'none'" in response["Content-Security-Policy"]
    )
    image = client.get(f"/evidence/{png.id}/download/?inline=1")
    assert image.status_code == 200 and image["Content-Disposition"].startswith("inline")
    assert "sandbox" in image["Content-Security-Policy"]
    # Without ?inline=1 it is the download it always was.
    assert client.get(f"/evidence/{pdf.id}/download/")["Content-Disposition"].startswith("attachment")


def test_a_word_file_is_never_shown_inline(page_client, employee_a, supervisor_a):
    entry = log_entry(employee_a, files=(("laporan.docx", docx_bytes()),))
    (docx,) = entry_files(entry)
    response = page_client(supervisor_a).get(f"/evidence/{docx.id}/download/?inline=1")
    assert response["Content-Disposition"].startswith("attachment") and "sandbox" in response["Content-Security-Policy"]


def test_it_hides_other_agencies(page_client, employee_a, employee_b, hr_admin_b):
    entry = log_entry(employee_a, files=TWO_FILES)
    png, _pdf = entry_files(entry)
    assert page_client(hr_admin_b).get(f"/evidence/{png.id}/download/?inline=1").status_code == 404
    assert f"/evidence/{png.id}/" not in page_client(employee_b).get("/attendance/log/").content.decode()


def test_a_colleague_who_is_not_the_supervisor_cannot_open_it(page_client, employee_a, supervisor_a):
    me = employee_a.employee
    colleague = EmployeeFactory(agency=me.agency, unit=me.unit, position=me.position, supervisor=me.supervisor)
    entry = log_entry(employee_a, files=TWO_FILES)
    png, pdf = entry_files(entry)
    client = page_client(colleague.user)
    assert client.get(f"/evidence/{pdf.id}/download/?inline=1").status_code == 404
    assert client.get(f"/evidence/{png.id}/download/").status_code == 404
    assert client.get("/attendance/verify/").status_code == 403


def test_it_forbids_employee_to_open_the_verify_page(page_client, employee_a):
    assert page_client(employee_a).get("/attendance/verify/").status_code == 403


def test_a_double_tapped_save_writes_one_entry(page_client, employee_a):
    client = page_client(employee_a)
    html = client.get("/attendance/log/").content.decode()
    once = re.search(r'name="once" value="([0-9a-f]+)"', html).group(1)
    body = {
        "once": once,
        "local_date": today().isoformat(),
        "description": "Draf nota dinas",
        "quantity": "1",
        "unit_of_measure": "dokumen",
        "minutes_spent": "30",
    }
    first, second = client.post("/attendance/log/", body), client.post("/attendance/log/", body)
    assert first.status_code == second.status_code == 302
    assert WorkLog.objects.filter(employee=employee_a.employee, description="Draf nota dinas").count() == 1
    html = client.get("/attendance/log/").content.decode()
    assert "This entry was sent twice; it is saved once." in html


def test_a_refused_entry_may_be_corrected_and_sent_again(page_client, employee_a):
    client = page_client(employee_a)
    body = {
        "once": "a" * 32,
        "local_date": (today() + datetime.timedelta(days=2)).isoformat(),
        "description": "Draf nota dinas",
        "quantity": "1",
        "unit_of_measure": "dokumen",
        "minutes_spent": "30",
    }
    refused = client.post("/attendance/log/", body)
    assert refused.status_code == 200 and "has not come yet" in refused.content.decode()
    body["local_date"] = today().isoformat()
    assert client.post("/attendance/log/", body).status_code == 302
    assert WorkLog.objects.filter(employee=employee_a.employee, description="Draf nota dinas").count() == 1
