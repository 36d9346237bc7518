"""The arrangement request in steps (schedules/request_views.py), server side with JavaScript off:
where → which days → what you will deliver → check your answers → sent. Pages in English (the language
cookie) so that messages can be read; the rule codes and sources are not translated."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from flexwork.approvals.models import ApprovalStatus
from flexwork.org.models import DesignatedLocation, Holiday
from schedules.models import ArrangementRequest, WorkPlanItem
from tests.performance.factories import first_indicator, skp_with_indicator
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_client():
    def make(user, language="en"):
        client = Client()
        client.cookies["django_language"] = language
        client.force_login(user)
        return client

    return make


@pytest.fixture
def indicator(employee_a, supervisor_a, monday):
    skp = skp_with_indicator(employee_user=employee_a, actor=employee_a, year=monday.year, approve_by=supervisor_a)
    return first_indicator(skp)


def draft(user, dates, **kwargs):
    return create(user, dates, submit=False, **kwargs)


def plan_data(**extra):
    data = {
        "work_plan-TOTAL_FORMS": "1",
        "work_plan-INITIAL_FORMS": "0",
        "work_plan-MIN_NUM_FORMS": "0",
        "work_plan-MAX_NUM_FORMS": "1000",
        "work_plan-0-description": "Draf laporan triwulan",
        "work_plan-0-quantity": "1",
        "work_plan-0-unit": "dokumen",
        "work_plan-0-indicator": "",
        "reason": "Menyusun laporan",
        "exception_basis": "",
        "action": "next",
    }
    data.update(extra)
    return data


def summary_links(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="sched-error-summary".*?</div>', html, re.S)
    assert box, "no error summary"
    assert 'role="alert"' in box.group(0)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', box.group(0))


# ---------------------------------------------------------------------------- the whole journey


def test_an_employee_asks_in_steps_and_the_row_keeps_its_indicator(
    page_client, employee_a, supervisor_a, unit_head_a, monday, indicator
):
    client = page_client(employee_a)
    friday = monday + datetime.timedelta(days=4)

    where = client.get("/arrangements/new/")
    assert where.status_code == 200 and "Where will you work?" in where.content.decode()
    assert "Step 1 of 4" in where.content.decode()

    response = client.post("/arrangements/new/", {"location": "HOME"})
    assert response.status_code == 302 and response.url == "/arrangements/new/days/?location=HOME"

    page = client.get(response.url).content.decode()
    assert f'value="{monday.isoformat()}"' in page and 'type="checkbox"' in page
    assert not ArrangementRequest.objects.exists()  # nothing stored before the days

    response = client.post(
        "/arrangements/new/days/", {"location": "HOME", "dates": [monday.isoformat(), friday.isoformat()]}
    )
    ar = ArrangementRequest.objects.get()
    assert ar.status == ApprovalStatus.DRAFT and ar.dates == [monday, friday]
    assert response.url == f"/arrangements/{ar.id}/edit/plan/"

    plan = client.get(response.url).content.decode()
    assert "Jumlah laporan yang disusun" in plan  # my SKP indicator is offered
    response = client.post(response.url, plan_data(**{"work_plan-0-indicator": str(indicator.id)}))
    assert response.url == f"/arrangements/{ar.id}/edit/check/"
    assert WorkPlanItem.objects.get().indicator_id == indicator.id

    check = client.get(response.url).content.decode()
    assert "Draf laporan triwulan" in check and "SKP indicator: Jumlah laporan yang disusun" in check
    assert f"/arrangements/{ar.id}/edit/?return=check" in check  # "Change" goes back to each step
    assert f"/arrangements/{ar.id}/edit/days/?return=check" in check
    week = f"{monday.day}–{friday.day} {friday:%b}" if monday.month == friday.month else None
    assert "used 0, this request 2, left 0" in check
    if week:
        assert f"{week}: used 0, this request 2, left 0" in check

    response = client.post(f"/arrangements/{ar.id}/edit/check/")
    assert response.status_code == 302 and response.url == f"/arrangements/{ar.id}/sent/"
    ar.refresh_from_db()
    assert ar.status == ApprovalStatus.SUBMITTED

    sent = client.get(response.url).content.decode()
    assert supervisor_a.employee.name in sent and unit_head_a.employee.name in sent
    assert "What happens next" in sent

    detail = APIClient()
    detail.force_authenticate(employee_a)
    body = detail.get(f"/api/v1/arrangements/{ar.id}/").json()
    assert body["work_plan"][0]["indicator"] == indicator.id


def test_a_change_from_the_check_page_comes_back_to_it(page_client, employee_a, monday):
    ar = draft(employee_a, [monday])
    client = page_client(employee_a)

    response = client.post(
        f"/arrangements/{ar.id}/edit/days/",
        {"dates": [monday.isoformat(), (monday + datetime.timedelta(days=1)).isoformat()], "return": "check"},
    )

    ar.refresh_from_db()
    assert response.url == f"/arrangements/{ar.id}/edit/check/"
    assert ar.dates == days(monday, 0, 1)
    assert [str(i) for i in ar.work_plan.all()] == ["1.00 dokumen Draf laporan"]  # the other steps stay


# ---------------------------------------------------------------------------- refused steps


def test_no_day_chosen_is_an_error_summary_linking_to_the_calendar(page_client, employee_a):
    response = page_client(employee_a).post("/arrangements/new/days/", {"location": "HOME"})

    html = response.content.decode()
    assert response.status_code == 200
    assert summary_links(html) == [("#days", "Choose at least one day.")]
    assert 'id="days"' in html
    assert not ArrangementRequest.objects.exists()


def test_a_day_outside_the_calendar_is_refused(page_client, employee_a, monday):
    saturday = monday + datetime.timedelta(days=5)

    response = page_client(employee_a).post("/arrangements/new/days/", {"location": "HOME", "dates": [saturday]})

    assert ("#days", "Choose days from the calendar.") in summary_links(response.content.decode())
    assert not ArrangementRequest.objects.exists()


def test_a_holiday_and_an_approved_day_cannot_be_chosen(page_client, employee_a, supervisor_a, unit_head_a, monday):
    Holiday.objects.create(
        agency=employee_a.employee.agency,
        date=monday + datetime.timedelta(days=2),
        name="Libur X",
        kind="LIBUR_NASIONAL",
    )
    approve_fully(create(employee_a, [monday]), supervisor=supervisor_a, decider=unit_head_a)
    pending = create(employee_a, [monday + datetime.timedelta(days=3)])
    assert pending.status == ApprovalStatus.SUBMITTED

    html = page_client(employee_a).get("/arrangements/new/days/?location=HOME").content.decode()

    assert f'value="{monday.isoformat()}"' not in html
    assert f'value="{(monday + datetime.timedelta(days=2)).isoformat()}"' not in html
    assert "Libur X" in html and "approved: Home" in html
    assert f'value="{(monday + datetime.timedelta(days=1)).isoformat()}"' in html
    assert "in another request waiting for a decision" in html


def test_the_days_page_runs_in_a_fixed_number_of_queries(page_client, employee_a, monday, django_assert_num_queries):
    client = page_client(employee_a)
    ar = draft(employee_a, [monday])
    url = f"/arrangements/{ar.id}/edit/days/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for week in range(1, 5):
        create(employee_a, [monday + datetime.timedelta(weeks=week)])
        Holiday.objects.create(
            agency=employee_a.employee.agency,
            date=monday + datetime.timedelta(weeks=week, days=1),
            name="Libur",
            kind="LIBUR_NASIONAL",
        )
    with django_assert_num_queries(len(few)):
        client.get(url)


def test_a_refused_plan_keeps_what_was_typed_and_links_to_the_field(page_client, employee_a, monday):
    ar = draft(employee_a, [monday])

    response = page_client(employee_a).post(
        f"/arrangements/{ar.id}/edit/plan/",
        plan_data(**{"work_plan-0-quantity": "", "work_plan-0-description": "Naskah kebijakan WFA"}),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert summary_links(html) == [("#id_work_plan-0-quantity", "Give a quantity above zero.")]
    assert 'value="Naskah kebijakan WFA"' in html
    assert [str(i) for i in ArrangementRequest.objects.get().work_plan.all()] == ["1.00 dokumen Draf laporan"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("work_plan-0-description", "", "Say what you will deliver."),
        ("work_plan-0-unit", "", "Give the unit, e.g. document or report."),
        ("work_plan-0-quantity", "abc", "Enter a number."),
    ],
)
def test_each_plan_row_message(page_client, employee_a, monday, field, value, message):
    ar = draft(employee_a, [monday])

    html = page_client(employee_a).post(f"/arrangements/{ar.id}/edit/plan/", plan_data(**{field: value})).content
    links = summary_links(html.decode())

    assert (f"#id_{field}", message) in links


def test_another_employees_indicator_is_refused_on_the_page_and_in_the_api(
    page_client, employee_a, supervisor_a, unit_head_a, monday, body
):
    theirs = first_indicator(
        skp_with_indicator(employee_user=supervisor_a, actor=supervisor_a, year=monday.year, approve_by=unit_head_a)
    )
    ar = draft(employee_a, [monday])

    html = page_client(employee_a).post(
        f"/arrangements/{ar.id}/edit/plan/", plan_data(**{"work_plan-0-indicator": str(theirs.id)})
    )
    assert "Choose one of the indicators of your approved SKP for these days." in html.content.decode()

    api = APIClient()
    api.force_authenticate(employee_a)
    body["work_plan"][0]["indicator"] = theirs.id
    response = api.post("/api/v1/arrangements/", body, format="json")
    assert response.status_code == 400
    assert "work_plan.0.indicator" in response.json()["fields"]
    assert WorkPlanItem.objects.filter(indicator=theirs).count() == 0


def test_another_agencys_indicator_is_a_400(employee_a, employee_b, hr_admin_b, body, monday):
    from flexwork.org.models import Employee

    boss_b = Employee.objects.filter(agency_id=employee_b.employee.agency_id).exclude(id=employee_b.employee.id)
    approver = boss_b.filter(user__isnull=False).first() or hr_admin_b.employee
    theirs = first_indicator(
        skp_with_indicator(employee_user=employee_b, actor=employee_b, year=monday.year, approve_by=None)
    )
    assert approver is not None
    api = APIClient()
    api.force_authenticate(employee_a)
    body["work_plan"][0]["indicator"] = theirs.id

    response = api.post("/api/v1/arrangements/", body, format="json")

    assert response.status_code == 400 and "work_plan.0.indicator" in response.json()["fields"]


def test_the_api_stores_and_returns_my_indicator(employee_a, body, indicator):
    api = APIClient()
    api.force_authenticate(employee_a)
    body["work_plan"][0]["indicator"] = indicator.id

    created = api.post("/api/v1/arrangements/", body, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["work_plan"][0]["indicator"] == indicator.id
    patched = api.patch(f"/api/v1/arrangements/{created.json()['id']}/", {"reason": "Lain"}, format="json")
    assert patched.json()["work_plan"][0]["indicator"] == indicator.id  # a PATCH of another field keeps it


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"location": "DESIGNATED"}, "id_designated_location", "Choose the designated location."),
        ({"location": "OTHER_OFFICE"}, "id_other_office_unit", "Choose the other office."),
        (
            {"location": "OFFICE"},
            "id_planned_start",
            "At your own office, a request is for dynamic hours: give the planned start and end.",
        ),
        ({"location": "HOME", "planned_start": "08:00"}, "id_planned_end", "Give both the planned start and end."),
        (
            {"location": "HOME", "planned_start": "10:00", "planned_end": "09:00"},
            "id_planned_end",
            "The planned end must be after the start.",
        ),
        ({}, "id_location", "This field is required."),
    ],
)
def test_each_where_message_links_to_its_field(page_client, employee_a, data, field, message):
    response = page_client(employee_a).post("/arrangements/new/", data)

    assert response.status_code == 200
    assert (f"#{field}", message) in summary_links(response.content.decode())


def test_another_agencys_location_is_not_a_choice(page_client, employee_a, agency_b):
    elsewhere = DesignatedLocation.objects.create(
        agency=agency_b, name="Co-working B", latitude="-6.2", longitude="106.8", radius_m=100
    )

    response = page_client(employee_a).post(
        "/arrangements/new/", {"location": "DESIGNATED", "designated_location": str(elsewhere.id)}
    )

    assert "Select a valid choice" in response.content.decode()


# ---------------------------------------------------------------------------- the check step: rules and quota


def test_a_refused_send_lists_each_rule_with_a_link_to_its_step(
    page_client, employee_a, supervisor_a, unit_head_a, monday
):
    approve_fully(create(employee_a, days(monday, 0, 1)), supervisor=supervisor_a, decider=unit_head_a)
    ar = draft(employee_a, [monday + datetime.timedelta(days=3)])
    client = page_client(employee_a)

    response = client.post(f"/arrangements/{ar.id}/edit/check/")

    html = response.content.decode()
    assert response.status_code == 400
    links = summary_links(html)
    assert any(href == f"/arrangements/{ar.id}/edit/days/?return=check#days" for href, _text in links)
    assert 'data-code="CAP_WEEKLY"' in html and "PermenPANRB 4/2025 Pasal 13(1)" in html
    assert "Not yet eligible" in html
    assert "refused" not in html.lower()
    assert "used 2, this request 1, left 0" in html
    ar.refresh_from_db()
    assert ar.status == ApprovalStatus.DRAFT


def test_the_check_page_badges_say_what_is_missing_not_a_refusal(page_client, employee_a, monday):
    ar = draft(employee_a, [monday], work_plan=[])

    html = page_client(employee_a).get(f"/arrangements/{ar.id}/edit/check/").content.decode()

    assert 'data-code="WORK_PLAN_REQUIRED"' in html and "Not yet eligible" in html
    assert f"/arrangements/{ar.id}/edit/plan/?return=check#id_work_plan-0-description" in html
    assert ">WORK_PLAN_REQUIRED<" not in html and "Rule code" not in html  # the meaning, never the raw code


def test_the_quota_counts_each_week_of_the_requested_days(page_client, employee_a, monday):
    next_week = monday + datetime.timedelta(weeks=1)
    ar = draft(employee_a, [monday, next_week, next_week + datetime.timedelta(days=1)])

    html = page_client(employee_a).get(f"/arrangements/{ar.id}/edit/check/").content.decode()

    rows = re.findall(r'<li data-week="[^"]+" data-left="(\d)"', html)
    assert rows == ["1", "0"]
    assert "this request 1, left 1" in html and "this request 2, left 0" in html
    assert "minggu" not in html.lower() and "week 5" not in html.lower()


def test_the_quota_in_indonesian_names_the_week_by_its_dates(page_client, employee_a, monday):
    ar = draft(employee_a, [monday])
    friday = monday + datetime.timedelta(days=4)

    html = page_client(employee_a, "id").get(f"/arrangements/{ar.id}/edit/check/").content.decode()

    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    assert f'data-week="{monday.day}' in html
    if monday.month == friday.month:
        assert f'data-week="{monday.day}–{friday.day} {months[friday.month - 1]}"' in html


def test_a_double_tap_on_send_submits_once(page_client, employee_a, monday):
    ar = draft(employee_a, [monday])
    client = page_client(employee_a)

    first = client.post(f"/arrangements/{ar.id}/edit/check/")
    second = client.post(f"/arrangements/{ar.id}/edit/check/")

    assert first.url == second.url == f"/arrangements/{ar.id}/sent/"
    assert ar.transitions.count() == 1 if hasattr(ar, "transitions") else True
    ar.refresh_from_db()
    assert ar.status == ApprovalStatus.SUBMITTED


def test_a_double_tap_on_the_days_step_makes_one_draft(page_client, employee_a, monday):
    client = page_client(employee_a)
    data = {"location": "HOME", "dates": [monday.isoformat()]}

    first = client.post("/arrangements/new/days/", data)
    second = client.post("/arrangements/new/days/", data)

    assert ArrangementRequest.objects.count() == 1
    assert first.url == second.url


def test_the_live_check_shows_the_quota_and_leaves_the_work_plan_for_later(page_client, employee_a, monday):
    response = page_client(employee_a).post("/arrangements/check/", {"location": "HOME", "dates": [monday.isoformat()]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "used 0, this request 1, left 1" in html
    assert "WORK_PLAN_REQUIRED" not in html
    assert not ArrangementRequest.objects.exists()


def test_the_live_check_answers_bad_input_in_the_page(page_client, employee_a):
    response = page_client(employee_a).post("/arrangements/check/", {"location": "MOON", "dates": ["x"]})

    assert response.status_code == 200 and 'class="errors"' in response.content.decode()


# ---------------------------------------------------------------------------- scope


def test_the_steps_hide_other_agencies(page_client, employee_a, hr_admin_b, monday):
    ar = draft(employee_a, [monday])
    client = page_client(hr_admin_b)

    for url in (f"/arrangements/{ar.id}/edit/", f"/arrangements/{ar.id}/edit/days/", f"/arrangements/{ar.id}/sent/"):
        assert client.get(url).status_code == 404


def test_the_steps_forbid_the_supervisor(page_client, employee_a, supervisor_a, monday):
    ar = create(employee_a, [monday])  # submitted: visible to the supervisor

    assert page_client(supervisor_a).get(f"/arrangements/{ar.id}/edit/plan/").status_code == 403


def test_a_sent_request_is_no_longer_edited_in_steps(page_client, employee_a, monday):
    ar = create(employee_a, [monday])

    response = page_client(employee_a).get(f"/arrangements/{ar.id}/edit/days/")

    assert response.status_code == 302 and response.url == f"/arrangements/{ar.id}/sent/"


@pytest.mark.parametrize(
    ("case", "code", "message", "step"),
    [
        ("lead", "LEAD_TIME", "Ask at least 30 working day(s) before the first day.", "days"),
        ("evidence", "EVIDENCE_REQUIRED", "An exception basis needs at least one evidence file.", "plan"),
        ("overlap", "OVERLAP", "You already have an approved arrangement on these days.", "days"),
        ("plan", "WORK_PLAN_REQUIRED", None, "plan"),
    ],
)
def test_each_rule_at_the_check_step_says_what_and_where_to_change_it(
    page_client, employee_a, supervisor_a, unit_head_a, monday, case, code, message, step
):
    if case == "lead":
        from flexwork.org import services as org_services

        org_services.policy_update(agency=employee_a.employee.agency, data={"lead_working_days": 30})
        ar = draft(employee_a, [monday])
    elif case == "evidence":
        ar = draft(employee_a, [monday], exception_basis="SPECIAL_CIRCUMSTANCES")
    elif case == "overlap":
        ar = draft(employee_a, [monday])
        approve_fully(create(employee_a, [monday]), supervisor=supervisor_a, decider=unit_head_a)
    else:
        ar = draft(employee_a, [monday], work_plan=[])

    response = page_client(employee_a).post(f"/arrangements/{ar.id}/edit/check/")

    html = response.content.decode()
    assert response.status_code == 400
    assert f'data-code="{code}"' in html
    [(href, text)] = [(h, t) for h, t in summary_links(html) if f"/edit/{step}/" in h]
    assert href.startswith(f"/arrangements/{ar.id}/edit/{step}/?return=check#")
    if message:
        assert text == message
    ar.refresh_from_db()
    assert ar.status == ApprovalStatus.DRAFT
