"""The home location as the supervisor meets it: told when an employee sends one, the point described
in words (the typed address, the distance from the office), a queue on the team dashboard; who may
decide (the employee's supervisor and HR, never the employee: 404 outside the agency, 403 in it, a
repeat writes nothing); and the soft HOME_NOT_REGISTERED warning of the rule check."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings

from flexwork.onboarding import selectors
from flexwork.onboarding.models import HomeLocationRequest
from flexwork.onboarding.services import home_location_request_submit
from tests.org.factories import EmployeeFactory

ADDRESS = "Jl. Cendrawasih No. 12, Mamajang, Makassar"
# About 2 km from A's office (-5.1477, 119.4327).
HOME = {"latitude": "-5,135", "longitude": "119,42", "address": ADDRESS}


def words(response) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def send(client, user, data=HOME):
    client.force_login(user)
    return client.post("/profile/home-location/", data)


def test_sending_a_home_tells_the_supervisor_with_a_link_to_the_queue(english, org_world):
    assert send(english, org_world.employee_a).status_code == 302
    home_request = HomeLocationRequest.objects.get(employee=org_world.employee_a.employee)
    assert home_request.address == ADDRESS
    note = org_world.supervisor_a.notifications.get(kind="home_location_submitted")
    assert "Pegawai A" in note.title and note.url == "/home-locations/"
    assert not org_world.employee_a.notifications.filter(kind="home_location_submitted").exists()


def test_the_address_is_required_and_nothing_is_stored_without_it(english, org_world):
    response = send(english, org_world.employee_a, {**HOME, "address": "  "})
    assert response.status_code == 400
    assert not HomeLocationRequest.objects.exists()
    too_long = send(english, org_world.employee_a, {**HOME, "address": "x" * 301})
    assert too_long.status_code == 400 and not HomeLocationRequest.objects.exists()


def test_the_queue_describes_the_point_in_words_and_names_no_nip(english, org_world):
    send(english, org_world.employee_a)
    english.force_login(org_world.supervisor_a)
    page = english.get("/home-locations/")
    text = words(page)
    assert "Pegawai A" in text and ADDRESS in text
    assert re.search(r"2\.0 km", text), text
    assert org_world.employee_a.employee.nip not in page.content.decode()


def test_the_employee_page_says_where_the_approved_home_is(english, org_world):
    send(english, org_world.employee_a)
    home_request = HomeLocationRequest.objects.get()
    english.force_login(org_world.supervisor_a)
    english.post(f"/home-locations/{home_request.id}/decide/", {"decision": "approve"})
    english.force_login(org_world.employee_a)
    text = words(english.get("/profile/home-location/"))
    assert "You have a registered home location." in text
    assert ADDRESS in text
    assert re.search(r"2\.0 km from your office", text), text


def test_who_may_decide(english, org_world):
    """The employee's supervisor and HR; never the employee, another agency (404), a unit head who
    is not the direct supervisor (403); a repeated decision changes nothing."""
    send(english, org_world.employee_a)
    home_request = HomeLocationRequest.objects.get()
    url = f"/home-locations/{home_request.id}/decide/"
    for user, status in (
        (org_world.employee_a, 403),
        (org_world.hr_admin_b, 404),
        (org_world.employee_b, 404),
        (org_world.unit_head_a, 403),
    ):
        english.force_login(user)
        assert english.post(url, {"decision": "approve"}).status_code == status, user
    home_request.refresh_from_db()
    assert home_request.status == "PENDING"
    english.force_login(org_world.supervisor_a)
    assert english.post(url, {"decision": "approve"}).status_code == 302
    english.force_login(org_world.hr_admin_a)
    repeat = english.post(url, {"decision": "reject"}, follow=True)
    assert "This request was already decided." in words(repeat)
    home_request.refresh_from_db()
    assert home_request.status == "APPROVED" and home_request.decided_by == org_world.supervisor_a


def test_hr_does_not_decide_its_own_home(english, org_world):
    send(english, org_world.hr_admin_a)
    home_request = HomeLocationRequest.objects.get()
    assert home_request.id not in [r.id for r in selectors.home_location_queue_for(user=org_world.hr_admin_a)]
    assert english.post(f"/home-locations/{home_request.id}/decide/", {"decision": "approve"}).status_code == 403


def test_the_team_dashboard_lists_the_homes_awaiting_the_supervisor(english, org_world, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    send(english, org_world.employee_a)
    english.force_login(org_world.supervisor_a)
    text = words(english.get("/dashboard/team/"))
    assert "Home locations awaiting you (1)" in text and "Pegawai A" in text and ADDRESS in text

    template = Template("{% load home_locations %}{% home_locations_awaiting %}")
    request = RequestFactory().get("/")
    request.user = org_world.supervisor_a
    with django_assert_num_queries(2):  # scope, the first requests (fewer than shown: no count)
        template.render(Context({"request": request}))
    employee = org_world.employee_a.employee
    for n in range(6):
        colleague = EmployeeFactory(
            agency=org_world.agency_a,
            unit=org_world.sec_a,
            position=employee.position,
            supervisor=org_world.supervisor_a.employee,
        )
        home_location_request_submit(
            employee=colleague, latitude=Decimal("-5.14"), longitude=Decimal(f"119.4{n}"), address=f"Jl. {n}"
        )
    with django_assert_num_queries(3):  # scope, the first five, the count
        html = template.render(Context({"request": request}))
    assert "Home locations awaiting you (7)" in html and "and 2 more" in html


def _home_request_body(monday):
    return {
        "location": "HOME",
        "dates": [monday.isoformat(), (monday + datetime.timedelta(days=1)).isoformat()],
        "reason": "Menyusun laporan triwulan",
        "work_plan": [{"description": "Draf laporan", "quantity": 1, "unit": "dokumen", "indicator": None}],
    }


def test_a_home_request_without_an_approved_home_gets_a_soft_warning(client_for, org_world):
    from tests.schedules.conftest import next_monday

    monday = next_monday(2, employee_user=org_world.employee_a)
    api = client_for(org_world.employee_a)
    for language, words_ in (("en", "You have no approved home location"), ("id", "lokasi rumah yang disetujui")):
        check = api.post(
            "/api/v1/arrangements/check/", _home_request_body(monday), format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert check.status_code == 200
        found = [v for v in check.json()["violations"] if v["code"] == "HOME_NOT_REGISTERED"]
        assert len(found) == 1, check.json()
        assert found[0]["severity"] == "soft" and found[0]["source"] == "kebijakan instansi"
        assert words_ in found[0]["message"]
        assert found[0]["dates"] == [monday.isoformat(), (monday + datetime.timedelta(days=1)).isoformat()]
    office = api.post(
        "/api/v1/arrangements/check/", {**_home_request_body(monday), "location": "OFFICE"}, format="json"
    )
    assert "HOME_NOT_REGISTERED" not in [v["code"] for v in office.json()["violations"]]

    # Once a home is approved the warning is gone.
    employee = org_world.employee_a.employee
    home_request = home_location_request_submit(
        employee=employee, latitude=Decimal("-5.135"), longitude=Decimal("119.42"), address=ADDRESS
    )
    from flexwork.onboarding.services import home_location_request_decide

    home_location_request_decide(home_request=home_request, actor=org_world.supervisor_a, approve=True)
    again = api.post("/api/v1/arrangements/check/", _home_request_body(monday), format="json")
    assert "HOME_NOT_REGISTERED" not in [v["code"] for v in again.json()["violations"]]


def test_at_the_decision_the_missing_home_informs_and_asks_no_override(org_world):
    from schedules.policy import DECISION, Proposal, check_proposal
    from tests.schedules.conftest import emp, next_monday

    monday = next_monday(2, employee_user=org_world.employee_a)
    proposal = Proposal(employee=emp(org_world.employee_a), location="HOME", requested_dates=[monday])
    found = [v for v in check_proposal(proposal, at=DECISION).violations if v.code == "HOME_NOT_REGISTERED"]
    assert [v.severity for v in found] == ["info"]
