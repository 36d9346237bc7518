"""The allowance pages (docs/rules.md §10): the employee's own lines in words, HR's scheme (clone a template,
edit it with refusals per field, a double tap writing once), scoping and query counts."""

import datetime

import pytest

from allowances.models import AllowanceScheme
from flexwork.reports.models import ReportRun, RunStatus
from tests.allowances.conftest import D, month_write

pytestmark = pytest.mark.django_db


def login(client, user, language="en"):
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_the_employee_reads_her_lines_in_words(client, employee_a):
    month_write(employee_a.employee, {D(2025, 6, 5): {"arrival": "HKD"}, D(2025, 6, 9): {"absence": "TK"}})
    page = login(client, employee_a).get("/allowances/mine/?month=2025-06")
    assert page.status_code == 200
    text = page.content.decode()
    assert "5.5 % of the allowance cut" in text  # 1.5 (no check-in counted as TL4) + 4 (TK)
    assert "No check-in" in text and "Counted as: late more than 90 minutes" in text
    assert "Absent without reason" in text and "Thursday, 5 June 2025" in text
    for code in ("HKD", "TL4", "TK_", ">TK<", "WHOLE"):
        assert code not in text


def test_the_page_in_indonesian(client, employee_a):
    month_write(employee_a.employee, {D(2025, 6, 9): {"absence": "TK"}})
    page = login(client, employee_a, "id").get("/allowances/mine/?month=2025-06")
    assert page.status_code == 200
    assert "Juni 2025" in page.content.decode()


def test_the_page_shows_only_the_callers_own_lines(client, employee_a, supervisor_a, employee_b):
    month_write(supervisor_a.employee, {D(2025, 6, 9): {"absence": "TK"}})
    page = login(client, employee_a).get("/allowances/mine/?month=2025-06")
    assert "No cut this month." in page.content.decode()


def test_a_bad_month_shows_last_month(client, employee_a):
    page = login(client, employee_a).get("/allowances/mine/?month=2099-13")
    assert page.status_code == 200


def test_my_page_reads_a_fixed_number_of_queries(client, employee_a, django_assert_max_num_queries):
    login(client, employee_a)
    with django_assert_max_num_queries(12) as few:
        client.get("/allowances/mine/?month=2025-06")
    count = len(few.captured_queries)
    month_write(employee_a.employee, {day: {"absence": "TK"} for day in (D(2025, 6, d) for d in range(2, 28))})
    with django_assert_max_num_queries(count):
        client.get("/allowances/mine/?month=2025-06")


def test_hr_clones_a_template_and_edits_it(client, hr_admin_a):
    login(client, hr_admin_a)
    assert client.get("/allowances/schemes/").status_code == 200
    answer = client.post("/allowances/schemes/new/", {"template": "KEJAKSAAN_4_2020", "effective_from": "2026-01"})
    scheme = AllowanceScheme.objects.get(agency=hr_admin_a.employee.agency)
    assert answer.status_code == 302 and answer["Location"] == f"/allowances/schemes/{scheme.id}/"
    assert scheme.effective_from == D(2026, 1, 1) and scheme.data["events"]["TK"] == {"pct": 5}
    form = client.get(answer["Location"])
    assert form.status_code == 200
    body = dict(form.context["form"].initial)
    body = {key: ("" if value is None else value) for key, value in body.items()}
    body = {key: value for key, value in body.items() if value is not False}
    body["band_TL1"] = "0.75"
    saved = client.post(answer["Location"], body)
    assert saved.status_code == 302
    scheme.refresh_from_db()
    assert scheme.data["bands"]["TL1"] == 0.75 and scheme.version == 2
    # the same form again (a double tap): refused, written once
    again = client.post(answer["Location"], body)
    assert again.status_code == 400 and "changed meanwhile" in again.content.decode()
    scheme.refresh_from_db()
    assert scheme.version == 2


def test_the_scheme_form_refuses_bad_numbers(client, hr_admin_a):
    login(client, hr_admin_a)
    client.post("/allowances/schemes/new/", {"template": "TPP_60_40", "effective_from": "2026-01"})
    scheme = AllowanceScheme.objects.get(agency=hr_admin_a.employee.agency)
    body = {
        k: ("" if v is None else v)
        for k, v in dict(client.get(f"/allowances/schemes/{scheme.id}/").context["form"].initial).items()
    }
    body = {k: v for k, v in body.items() if v is not False}
    body["weight_KINERJA"] = "70"
    body["band_TL2"] = "120"
    body["switch_minutes_to_tk"] = "on"
    answer = client.post(f"/allowances/schemes/{scheme.id}/", body)
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert "band_TL2" in errors
    body["band_TL2"] = "1"
    answer = client.post(f"/allowances/schemes/{scheme.id}/", body)
    text = answer.content.decode()
    assert answer.status_code == 400
    assert "must add up to 100 (now 110)" in text
    assert "does not compute this switch yet" in text
    scheme.refresh_from_db()
    assert scheme.version == 1


def test_a_scheme_cannot_start_in_a_computed_month(client, hr_admin_a):
    agency = hr_admin_a.employee.agency
    ReportRun.objects.create(
        agency=agency, kind="ALLOWANCE", unit=hr_admin_a.employee.unit, period_start=D(2026, 3, 1),
        period_end=D(2026, 3, 31), parameters_hash="x", status=RunStatus.DONE,
        queued_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
        finished_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC), checksum="x",
    )  # fmt: skip
    login(client, hr_admin_a)
    answer = client.post("/allowances/schemes/new/", {"template": "PMA_11_2019", "effective_from": "2026-03"})
    assert answer.status_code == 400
    assert "from 04/2026 at the earliest" in answer.content.decode()
    assert not AllowanceScheme.objects.filter(agency=agency).exists()
    assert (
        client.post("/allowances/schemes/new/", {"template": "PMA_11_2019", "effective_from": "2026-04"}).status_code
        == 302
    )


def test_only_hr_of_the_agency_reaches_the_scheme(client, employee_a, hr_admin_a, hr_admin_b):
    login(client, hr_admin_a).post("/allowances/schemes/new/", {"template": "PMA_11_2019", "effective_from": "2026-01"})
    scheme = AllowanceScheme.objects.get(agency=hr_admin_a.employee.agency)
    client.logout()
    assert login(client, employee_a).get("/allowances/schemes/").status_code == 403
    assert client.get(f"/allowances/schemes/{scheme.id}/").status_code == 403
    client.logout()
    assert login(client, hr_admin_b).get(f"/allowances/schemes/{scheme.id}/").status_code == 404
    assert client.post(f"/allowances/schemes/{scheme.id}/", {"version": 1}).status_code == 404


def test_scheme_pages_read_a_fixed_number_of_queries(client, hr_admin_a, django_assert_max_num_queries):
    login(client, hr_admin_a)
    client.post("/allowances/schemes/new/", {"template": "PMA_11_2019", "effective_from": "2026-01"})
    with django_assert_max_num_queries(12) as few:
        assert client.get("/allowances/schemes/").status_code == 200
    count = len(few.captured_queries)
    for month in ("2026-02", "2026-03", "2026-04"):
        client.post("/allowances/schemes/new/", {"template": "PMA_11_2019", "effective_from": month})
    with django_assert_max_num_queries(count):
        assert client.get("/allowances/schemes/").status_code == 200
