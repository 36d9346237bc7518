"""Nasty input on the page forms. Each form is read from its rendered page (every
POST form, every field, with the values the page itself fills in), then each field in turn gets NUL
bytes, a 1 MB string, emoji, right-to-left text, huge and non-finite numbers, impossible dates and
times. Never a 5xx; an answer that is not a redirect (the form re-rendered with its errors) leaves
the domain tables as they were."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction

pytestmark = pytest.mark.django_db

NASTY = {
    "nul": "abc\x00def",
    "megabyte": "x" * 1_000_000,
    "emoji": "Rapat 😀👩🏽‍💻 🇮🇩",
    "rtl": "مرحبا بالعالم \u202eevil\u202c",
    "huge": "9" * 400,
    "1e309": "1e309",
    "nan": "NaN",
    "-inf": "-inf",
    "feb30": "2026-02-30",
    "24:00": "24:00",
    "leap-second": "23:59:60",
}

# The tables a page form may write to (row counts must not move when the form is re-rendered).
TABLES = [
    "schedules.ArrangementRequest",
    "attendance.LeaveRequest",
    "attendance.AttendanceCorrection",
    "attendance.WorkLog",
    "attendance.CheckEvent",
    "org.Employee",
    "performance.Skp",
    "performance.Rhk",
    "performance.Indicator",
    "performance.Realisation",
    "performance.Feedback",
    "accounts.ApiToken",
    "onboarding.ImportBatch",
    "common.EvidenceFile",
    "onboarding.HomeLocationRequest",
]


class _Forms(HTMLParser):
    """Every <form method=post> of a page: its action and its fields with their default values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": {}, "files": set(), "boxes": set()}
                self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "button" and name:
            if "data-preview-button" in a:
                return  # "show my balance": a preview that writes nothing, not the form's own send
            self._form["fields"].setdefault(name, a.get("value") or "")
            return
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                if name not in self._form["fields"] and a.get("value") is not None:
                    self._form["fields"][name] = a["value"]
                return
            if kind == "file":
                self._form["files"].add(name)
                return
            if kind == "checkbox":
                self._form["boxes"].add(name)
                if "checked" in a:  # as a browser sends it: an unticked box is not sent
                    self._form["fields"][name] = a.get("value", "on")
                return
            if kind == "radio":
                if "checked" in a or name not in self._form["fields"]:
                    self._form["fields"][name] = a.get("value", "on")
                return
            self._form["fields"].setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value and (not self._form["fields"][self._select] or "selected" in a):
                self._form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].setdefault(name, "")

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _counts() -> dict[str, int]:
    tables = [(label, apps.get_model(label)._meta.db_table) for label in TABLES]
    sql = " UNION ALL ".join(f"SELECT '{label}', count(*) FROM {table}" for label, table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _forms_of(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        action = form["action"] or url
        if action.startswith("/accounts/logout") or (action.startswith("/i18n/setlang") and url != "/profile/"):
            continue  # the navigation's logout and language forms are not this page's form
        if not any(name != "csrfmiddlewaretoken" for name in form["fields"]):
            continue
        form["action"] = action
        forms.append(form)
    return forms


class _Rollback(Exception):
    pass


def _post_and_undo(client, action: str, data: dict):
    """Post, note the row counts the request left, then undo it: every post starts from the same
    valid form, so a nasty value in one field is the only thing wrong with it."""
    try:
        with transaction.atomic():
            cache.clear()  # rate limits must not hide anything
            response = client.post(action, data)
            after = _counts()
            raise _Rollback
    except _Rollback:
        pass
    return response, after


def _hammer(
    client, url: str, valid: dict | None = None, *, stored_on_success: bool = False, expect_valid: bool = False
) -> list[str]:
    """Post every nasty value into every field of every POST form on `url`, on top of the page's own
    values and `valid`. Returns the failures."""
    failures = []
    forms = _forms_of(client, url)
    assert forms, f"no POST form found on {url}"
    for form in forms:
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken" and "__prefix__" not in k}
        fields.update({k: v for k, v in (valid or {}).items() if k in fields or k in form["boxes"]})
        if expect_valid:  # else a nasty value would only hide behind another field's error
            baseline, _after = _post_and_undo(client, form["action"], fields)
            assert baseline.status_code in (302, 303), f"the valid filling of {form['action']} was refused"
        for name in fields:
            for label, value in NASTY.items():
                before = _counts()
                response, after = _post_and_undo(client, form["action"], {**fields, name: value})
                where = f"{form['action']} {name}={label}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                elif response.status_code not in (301, 302, 303) and not stored_on_success and after != before:
                    failures.append(f"{where}: {response.status_code} but rows changed")
    return failures


@pytest.fixture
def w(world):
    return world


@pytest.fixture
def employee_client(client, w):
    client.force_login(w.org.employee_a)
    return client


@pytest.fixture
def hr_client(client, w):
    client.force_login(w.org.hr_admin_a)
    return client


def _valid(w) -> dict[str, dict]:
    """A valid filling of each employee form (its nasty variants change one field at a time)."""
    from flexwork.common.calendar import office_today
    from tests.reliability.world import _previous_working_day

    today = office_today(w.org.employee_a.employee)
    day = (w.monday + datetime.timedelta(days=15)).isoformat()  # a week of its own: no cap, leave or recall
    later = (w.monday + datetime.timedelta(days=9)).isoformat()
    return {
        "/arrangements/new/": {"location": "HOME"},
        "/arrangements/new/days/?location=HOME": {"location": "HOME", "dates": day},
        "/attendance/requests/": {
            "correction-local_date": (_previous_working_day(_previous_working_day(today))).isoformat(),
            "correction-corrected_time": "07:30",
            "correction-reason": "Lupa absen",
            "leave-date_from": later,
            "leave-date_to": later,
            "leave-reason": "Cuti tahunan",
        },
        "/attendance/log/": {
            "description": "Menyusun draf",
            "quantity": "1",
            "unit_of_measure": "dokumen",
            "minutes_spent": "60",
        },
        "/profile/home-location/": {
            "latitude": "-5.135",
            "longitude": "119.42",
            "accuracy_m": "10",
            "address": "Jl. Perintis Kemerdekaan No. 10, Makassar",
        },
    }


@pytest.mark.parametrize(
    "url",
    [
        "/arrangements/new/",
        "/arrangements/new/days/?location=HOME",
        "/attendance/requests/",
        "/attendance/log/",
        "/profile/home-location/",
    ],
)
def test_employee_page_forms_survive_nasty_input(employee_client, w, url):
    assert _hammer(employee_client, url, _valid(w)[url], expect_valid=True) == []


def test_the_realisation_and_token_forms_survive_nasty_input(employee_client, w):
    from tests.accounts.conftest import recently_signed_in

    failures = _hammer(employee_client, f"/performance/indicators/{w.indicator.id}/realisation/")
    recently_signed_in(employee_client, w.org.employee_a)  # token creation asks for a recent sign-in
    failures += _hammer(employee_client, "/profile/tokens/", {"name": "script"}, stored_on_success=True)
    failures += _hammer(employee_client, "/profile/", stored_on_success=True)
    assert failures == []


def test_hr_forms_survive_nasty_input(hr_client, w):
    failures = _hammer(hr_client, f"/hr/employees/{w.org.employee_a.employee.id}/")
    failures += _hammer(hr_client, "/hr/imports/")
    assert failures == []


def test_an_import_file_full_of_nasty_cells_is_refused_or_previewed_never_a_500(hr_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _counts()
    for label, value in NASTY.items():
        if label == "megabyte":
            value = "x" * 100_000
        body = f"code,name,parent_code\n{value},{value},{value}\n".encode("utf-8", "surrogatepass")
        for kind in ("UNITS", "EMPLOYEES"):
            upload = SimpleUploadedFile("nasty.csv", body, content_type="text/csv")
            response = hr_client.post("/hr/imports/", {"kind": kind, "file": upload})
            assert response.status_code < 500, (label, kind)
    assert {k: v for k, v in _counts().items() if k != "onboarding.ImportBatch"} == {
        k: v for k, v in before.items() if k != "onboarding.ImportBatch"
    }  # a preview stores a batch, never units or employees


def test_impossible_dates_in_the_query_string_of_pages_never_answer_500(employee_client, w):
    failures = []
    for url in ("/schedule/", "/attendance/month/", "/attendance/log/", "/schedule/team/", "/arrangements/"):
        for value in ("2026-02-30", "\x00", "9" * 400, "NaN", "2026-13", "0000-00"):
            for key in ("date", "month", "week", "start", "day", "page"):
                response = employee_client.get(url, {key: value})
                if response.status_code >= 500:
                    failures.append(f"{url}?{key}={value!r}: {response.status_code}")
    assert failures == []


def test_the_performance_plan_forms_survive_nasty_input(client, w):
    """The draft plan's RHK and indicator forms (its owner), and the supervisor's feedback and
    evaluation forms on an approved plan."""
    from tests.performance.factories import skp_with_indicator

    supervisor = w.org.supervisor_a
    draft = skp_with_indicator(employee_user=supervisor, actor=supervisor, year=2027)
    client.force_login(supervisor)
    valid = {
        "description": "Jumlah laporan",
        "target_min": "10",
        "target_max": "12",
        "unit": "laporan",
        "text": "Bagus",
        "note": "Catatan",
    }
    failures = _hammer(client, f"/performance/skp/{draft.id}/", valid)
    failures += _hammer(client, f"/performance/skp/{w.skp.id}/", valid)
    failures += _hammer(client, "/performance/skp/new/", {"period_start": "2026-01-01", "period_end": "2026-12-31"})
    assert failures == []
