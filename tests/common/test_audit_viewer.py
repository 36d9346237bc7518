"""The agency's audit log (flexwork/common/audit_viewer.py): HR only (403 for other roles), one agency
(another agency's events never show, its people's ids are 404), filters by who, what, when and whom,
pages of a fixed query count, and CSV exports with labels and inert formulas."""

from __future__ import annotations

import csv
import datetime
import io

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.common import audit_viewer
from flexwork.common.calendar import start_of_day, today_in
from flexwork.common.management.commands.audit_table import audited_models
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PAGE = "/hr/audit/"
EXPORT = "/hr/audit/export/"
API = "/api/v1/audit/"


def _rename(employee, name: str, *, by=None) -> None:
    """An Employee update event, with the actor's context when `by` is given (as a request's would be)."""
    employee.name = name
    if by is None:
        employee.save(update_fields=["name", "updated_at"])
        return
    with pghistory.context(user=by.pk, url=f"/hr/employees/{employee.id}/"):
        employee.save(update_fields=["name", "updated_at"])


def _holidays(agency, count: int) -> None:
    from flexwork.org.models import Holiday, HolidayKind

    first = datetime.date(2031, 1, 1)
    Holiday.objects.bulk_create(
        Holiday(
            agency=agency, date=first + datetime.timedelta(days=i), name=f"Libur {i}", kind=HolidayKind.LIBUR_NASIONAL
        )
        for i in range(count)
    )


def _page_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def _api_token(user) -> str:
    from flexwork.accounts.services import api_token_create

    return api_token_create(user=user, name="audit")[1]


# ---------------------------------------------------------------------------- the registry


def test_every_history_model_has_a_source_with_its_events():
    keys = {source.key: source for source in audit_viewer.SOURCES}
    for _tracked, event_model in audited_models():
        source = keys.get(event_model._meta.label)
        assert source is not None, f"{event_model._meta.label} has no Source in flexwork/common/audit_viewer.py"
        recorded = {tracker.label for tracker in event_model.pgh_trackers or []}
        assert set(source.verbs) == recorded and source.verbs, event_model._meta.label
    assert len(keys) == len(audited_models())


def test_every_source_reads_its_table(org_world):
    """Each branch of the UNION runs (its joins and columns exist), alone and with a person filter."""
    for source in audit_viewer.SOURCES:
        for verb in source.verbs:
            filters = audit_viewer.AuditFilters(
                agency_id=org_world.agency_a.id, zone_name="Asia/Makassar", what=f"{source.slug}:{verb}"
            )
            audit_viewer.audit_event_page(filters, offset=0, limit=5)
            with_person = audit_viewer.AuditFilters(
                agency_id=org_world.agency_a.id,
                zone_name="Asia/Makassar",
                what=source.slug,
                object_id=org_world.employee_a.employee.id,
                actor_search="Admin",
            )
            audit_viewer.audit_event_count(with_person)


def test_events_read_as_words_in_both_languages():
    from django.utils import translation

    source = audit_viewer.SOURCE_BY_SLUG["schedules.arrangementrequest"]
    with translation.override("id"):
        assert source.phrase("update") == "Pengajuan fleksibilitas diubah"
    with translation.override("en"):
        assert source.phrase("update") == "Flexible work request changed"
        download = audit_viewer.SOURCE_BY_SLUG["accounts.personaldatadownload"]
        assert download.phrase("insert") == "Personal data downloaded"


def test_dates_are_office_dates_of_the_reader():
    filters = audit_viewer.AuditFilters(
        agency_id=1, zone_name="Asia/Makassar", date_from=datetime.date(2026, 12, 1), date_to=datetime.date(2026, 12, 1)
    )
    params: dict = {}
    audit_viewer._union(filters, params)
    assert params["start"] == datetime.datetime(2026, 11, 30, 16, 0, tzinfo=datetime.UTC)
    assert params["end"] == datetime.datetime(2026, 12, 1, 16, 0, tzinfo=datetime.UTC)


# ---------------------------------------------------------------------------- scoping


def test_it_forbids_other_roles(client, api_client, org_world):
    for persona in (org_world.employee_a, org_world.supervisor_a, org_world.unit_head_a, org_world.agency_head_a):
        client.force_login(persona)
        assert client.get(PAGE).status_code == 403
        assert client.get(EXPORT).status_code == 403
        api_client.force_authenticate(persona)
        assert_error(api_client.get(API), 403, "permission_denied")


def test_it_requires_a_login(client, api_client):
    assert client.get(PAGE).status_code == 302
    assert_error(api_client.get(API), 401)


def test_it_hides_other_agencies(client, api_client, org_world):
    employee_b = org_world.employee_b.employee
    _rename(employee_b, "Pegawai B Rahasia", by=org_world.hr_admin_b)
    client.force_login(org_world.hr_admin_a)
    page = _page_text(client.get(PAGE + "?date_from=&date_to="))
    assert "Pegawai B Rahasia" not in page and "Admin SDM B" not in page
    assert "Pegawai B Rahasia" not in _page_text(client.get(PAGE + "?about=Rahasia&date_from=&date_to="))
    # Another agency's person as actor or object: 404, on the page, the export and the API.
    assert client.get(PAGE + f"?object={employee_b.id}").status_code == 404
    assert client.get(PAGE + f"?actor={org_world.hr_admin_b.employee.id}").status_code == 404
    assert client.get(EXPORT + f"?object={employee_b.id}").status_code == 404
    api_client.force_authenticate(org_world.hr_admin_a)
    assert_error(api_client.get(API, {"object": employee_b.id}), 404, "not_found")
    assert_error(api_client.get(API, {"actor": org_world.hr_admin_b.employee.id}), 404, "not_found")
    body = api_client.get(API, {"limit": 500}).json()
    assert all(row["about"] != "Pegawai B Rahasia" for row in body["results"])
    # HR of agency B sees it.
    client.force_login(org_world.hr_admin_b)
    assert "Pegawai B Rahasia" in _page_text(client.get(PAGE + f"?object={employee_b.id}"))


# ---------------------------------------------------------------------------- filters


def test_it_filters_by_who_what_when_and_whom(client, org_world):
    employee = org_world.employee_a.employee
    _rename(employee, "Pegawai A Baru", by=org_world.hr_admin_a)
    _rename(org_world.supervisor_a.employee, "Kasi A Baru", by=org_world.unit_head_a)
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "id"
    today = today_in("Asia/Makassar").isoformat()

    page = _page_text(client.get(PAGE))  # opens on the last 30 days
    assert "Pegawai A Baru" in page and "Kasi A Baru" in page
    assert "Data pegawai diubah" in page
    assert "org.Employee" not in page and ">update<" not in page

    by_hr = _page_text(client.get(PAGE, {"who": "Admin SDM"}))
    assert "Pegawai A Baru" in by_hr and "Kasi A Baru" not in by_hr
    by_nip = _page_text(client.get(PAGE, {"who": org_world.unit_head_a.employee.nip}))
    assert "Kasi A Baru" in by_nip and "Pegawai A Baru" not in by_nip
    by_id = _page_text(client.get(PAGE, {"actor": org_world.hr_admin_a.employee.id}))
    assert "Pegawai A Baru" in by_id and "Kasi A Baru" not in by_id

    about = _page_text(client.get(PAGE, {"about": "Kasi A"}))
    assert "Kasi A Baru" in about and "Pegawai A Baru" not in about
    about_id = _page_text(client.get(PAGE, {"object": employee.id}))
    assert "Pegawai A Baru" in about_id and "Kasi A Baru" not in about_id

    changed = _page_text(client.get(PAGE, {"what": "org.employee:update", "date_from": today, "date_to": today}))
    assert "Pegawai A Baru" in changed
    created = _page_text(client.get(PAGE, {"what": "org.employee:insert", "about": "Baru", "date_from": ""}))
    assert "Data pegawai diubah" not in created.split("<tbody>")[1]
    tomorrow = (today_in("Asia/Makassar") + datetime.timedelta(days=1)).isoformat()
    assert "Pegawai A Baru" not in _page_text(client.get(PAGE, {"date_from": tomorrow, "who": "Admin SDM"}))


def test_it_names_the_system_when_nobody_acted(client, org_world):
    _rename(org_world.employee_a.employee, "Pegawai A Malam")  # a job or a command: no context
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    page = _page_text(client.get(PAGE, {"about": "Malam"}))
    assert "System (scheduled job or command)" in page


def test_bad_filters_are_form_errors(client, org_world):
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    page = _page_text(client.get(PAGE, {"date_from": "2026-12-05", "date_to": "2026-12-01"}))
    assert "The end date is before the start date." in page
    assert "not one of the available choices" in _page_text(client.get(PAGE, {"what": "org.nothing:update"}))
    assert "Enter a date between the years" in _page_text(client.get(PAGE, {"date_to": "9999-12-31"}))
    assert client.get(PAGE, {"object": "abc"}).status_code == 200


# ---------------------------------------------------------------------------- pages and query counts


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params).status_code == 200
    return len(context.captured_queries)


def test_pages_cost_a_fixed_number_of_queries(client, org_world, django_assert_num_queries):
    _holidays(org_world.agency_a, 120)
    client.force_login(org_world.hr_admin_a)
    params = {"what": "org.holiday:insert", "date_from": "", "date_to": ""}
    small = _queries(client, PAGE, {**params, "per_page": 25})
    large = _queries(client, PAGE, {**params, "per_page": 100})
    assert small == large
    with django_assert_num_queries(small):
        page = _page_text(client.get(PAGE, {**params, "per_page": 100, "page": 2}))
    assert page.count("Libur ") >= 20


def test_it_pages_through_the_log(client, org_world):
    _holidays(org_world.agency_a, 30)
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "en"
    params = {"what": "org.holiday:insert", "date_from": "", "date_to": "", "per_page": 25}
    total = audit_viewer.audit_event_count(
        audit_viewer.AuditFilters(agency_id=org_world.agency_a.id, zone_name="Asia/Makassar", what="org.holiday:insert")
    )
    first = _page_text(client.get(PAGE, params))
    second = _page_text(client.get(PAGE, {**params, "page": 2}))
    assert f"{total} events" in first
    assert first.count("<tr>") - 1 == 25
    assert second.count("<tr>") - 1 == total - 25
    assert "Libur 29" in first and "Libur 0<" in second  # newest first


def test_the_api_lists_the_log(api_client, org_world, django_assert_num_queries):
    _rename(org_world.employee_a.employee, "Pegawai A Api", by=org_world.hr_admin_a)
    _holidays(org_world.agency_a, 60)
    token = _api_token(org_world.hr_admin_a)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    body = api_client.get(API, {"object": org_world.employee_a.employee.id}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    row = next(r for r in body["results"] if r["about"] == "Pegawai A Api")
    assert row["what"] == "Employee record changed"
    assert row["record"] == "org.Employee" and row["event"] == "update"
    assert row["actor"]["name"] == "Admin SDM A" and row["actor_kind"] == "user"
    assert row["at"].endswith("+08:00")  # the caller's office zone (WITA)

    with CaptureQueriesContext(connection) as small:
        api_client.get(API, {"what": "org.holiday", "limit": 5})
    with django_assert_num_queries(len(small.captured_queries)):
        page = api_client.get(API, {"what": "org.holiday", "limit": 50, "offset": 5}).json()
    assert len(page["results"]) == 50 and page["previous"]

    assert_error(api_client.get(API, {"what": "org.nothing"}), 400, fields=["what"])
    assert_error(api_client.get(API, {"date_from": "2026-12-05", "date_to": "2026-12-01"}), 400, fields=["date_to"])
    assert_error(api_client.get(API, {"date_from": "yesterday"}), 400, fields=["date_from"])
    assert_error(api_client.get(API, {"actor": "x"}), 400, fields=["actor"])
    assert_error(api_client.get(API, {"date_to": "9999-12-31"}), 400, fields=["date_to"])


# ---------------------------------------------------------------------------- CSV


def test_the_excel_export_has_labels_and_inert_formulas(client, org_world):
    _rename(org_world.employee_a.employee, '=HYPERLINK("http://evil.example","klik")', by=org_world.hr_admin_a)
    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "id"
    response = client.get(EXPORT, {"format": "excel", "object": org_world.employee_a.employee.id})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Waktu", "Perubahan", "Keterangan", "Oleh"]
    changed = [row for row in rows[1:] if row[1] == "Data pegawai diubah"]
    assert changed, rows
    assert changed[0][3] == "Admin SDM A"
    assert changed[0][5].startswith("'=HYPERLINK")  # read as text, never as a formula
    assert changed[0][0].endswith("WITA")


def test_the_data_export_has_stable_keys_and_iso_times(client, org_world):
    _rename(org_world.employee_a.employee, "@SUM(A1)", by=org_world.hr_admin_a)
    client.force_login(org_world.hr_admin_a)
    response = client.get(EXPORT, {"format": "data", "object": org_world.employee_a.employee.id})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == audit_viewer.DATA_HEADER
    row = next(r for r in rows if r["event"] == "update" and r["record"] == "org.Employee")
    assert row["about"] == "'@SUM(A1)"
    assert datetime.datetime.fromisoformat(row["at"]).utcoffset() == datetime.timedelta(hours=8)
    assert row["actor_employee_id"] == str(org_world.hr_admin_a.employee.id)


def test_the_export_refuses_more_than_its_limit(client, org_world, monkeypatch):
    _holidays(org_world.agency_a, 3)
    monkeypatch.setattr(audit_viewer, "EXPORT_LIMIT", 2)
    client.force_login(org_world.hr_admin_a)
    response = client.get(EXPORT, {"what": "org.holiday:insert", "date_from": "", "date_to": ""})
    assert response.status_code == 302 and response["Location"].startswith(PAGE)


def test_the_menu_offers_the_log_to_hr_only(client, org_world):
    client.force_login(org_world.hr_admin_a)
    assert 'href="/hr/audit/"' in _page_text(client.get("/hr/"))
    client.force_login(org_world.employee_a)
    assert 'href="/hr/audit/"' not in _page_text(client.get("/"))


def test_start_of_day_matches_the_union(org_world):
    filters = audit_viewer.AuditFilters(
        agency_id=org_world.agency_a.id, zone_name="Asia/Jayapura", date_from=datetime.date(2026, 12, 2)
    )
    params: dict = {}
    audit_viewer._union(filters, params)
    assert params["start"] == start_of_day(datetime.date(2026, 12, 2), "Asia/Jayapura")


def test_a_history_row_reads_as_the_log_says_it(org_world):
    from django.apps import apps
    from django.template import Context, Template
    from django.utils import translation

    _rename(org_world.employee_a.employee, "Pegawai A Lagi", by=org_world.hr_admin_a)
    event = (
        apps.get_model("org", "EmployeeEvent")
        .objects.filter(pgh_obj_id=org_world.employee_a.employee.id)
        .latest("pgh_id")
    )
    with translation.override("id"):
        text = Template("{% load audit %}{{ event|audit_event }}|{{ other|audit_event }}").render(
            Context({"event": event, "other": object()})
        )
    assert text == "Data pegawai diubah|"


def test_someone_since_transferred_keeps_their_name_without_a_link(client, org_world):
    from flexwork.org.models import Employee

    employee = org_world.employee_a.employee
    _rename(employee, "Pegawai A Pindah", by=org_world.hr_admin_a)
    # As a transfer leaves it: the person now belongs to agency B, the history stays in agency A.
    Employee.objects.filter(id=employee.id).update(
        agency_id=org_world.agency_b.id, unit_id=org_world.root_b.id, supervisor_id=None
    )
    client.force_login(org_world.hr_admin_a)
    page = _page_text(client.get(PAGE, {"what": "org.employee:update", "date_from": "", "date_to": ""}))
    assert "Pegawai A Pindah" in page
    assert f"object={employee.id}" not in page
    assert client.get(PAGE, {"object": employee.id}).status_code == 404
