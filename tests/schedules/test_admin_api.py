"""/api/v1/delegations/, /api/v1/directives/ and /api/v1/recalls/."""

from __future__ import annotations

import datetime

import pytest

from flexwork.common.calendar import today_in
from flexwork.notifications.models import Notification
from flexwork.outbox.models import OutboxMessage
from schedules.models import Directive, Recall, ScheduleDay
from tests.org.factories import EmployeeFactory
from tests.org.helpers import assert_error, queries_for
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db
DEL_URL = "/api/v1/delegations/"
DIR_URL = "/api/v1/directives/"
REC_URL = "/api/v1/recalls/"


def _delegation(delegate, **extra):
    today = today_in("Asia/Makassar")  # agency A, where the delegations are made
    return {
        "delegate": delegate.employee.id,
        "date_from": str(today),
        "date_to": str(today + datetime.timedelta(days=5)),
        **extra,
    }


# ---------------------------------------------------------------------------- delegations


def test_an_approver_delegates_and_both_see_it(client_for, unit_head_a, hr_admin_a):
    created = client_for(unit_head_a).post(DEL_URL, _delegation(hr_admin_a, note="Cuti"), format="json")

    assert created.status_code == 201, created.content
    assert created.json()["kinds"] == ["arrangement"] and created.json()["delegator"]["id"] == unit_head_a.employee.id
    pk = created.json()["id"]
    assert client_for(hr_admin_a).get(f"{DEL_URL}{pk}/").status_code == 200
    revoked = client_for(unit_head_a).delete(f"{DEL_URL}{pk}/")
    assert revoked.json()["revoked_at"] is not None


def test_a_delegation_to_oneself_or_reversed_is_400(client_for, unit_head_a):
    assert_error(client_for(unit_head_a).post(DEL_URL, _delegation(unit_head_a), format="json"), 400, field="delegate")
    bad = _delegation(unit_head_a.employee.supervisor.user, date_to="2000-01-01")
    assert_error(client_for(unit_head_a).post(DEL_URL, bad, format="json"), 400)


def test_hr_delegates_for_an_approver(client_for, hr_admin_a, unit_head_a, supervisor_a):
    body = _delegation(supervisor_a, delegator=unit_head_a.employee.id)

    assert client_for(hr_admin_a).post(DEL_URL, body, format="json").status_code == 201


def test_delegations_it_forbids_employee(client_for, employee_a, supervisor_a, unit_head_a):
    assert_error(client_for(employee_a).post(DEL_URL, _delegation(supervisor_a), format="json"), 403)
    body = _delegation(employee_a, delegator=unit_head_a.employee.id)
    assert_error(client_for(supervisor_a).post(DEL_URL, body, format="json"), 403)


def test_delegations_it_hides_other_agencies(client_for, unit_head_a, hr_admin_a, hr_admin_b, employee_b):
    pk = client_for(unit_head_a).post(DEL_URL, _delegation(hr_admin_a), format="json").json()["id"]

    assert_error(client_for(hr_admin_b).get(f"{DEL_URL}{pk}/"), 404)
    assert client_for(hr_admin_b).get(DEL_URL).json()["count"] == 0
    assert_error(client_for(unit_head_a).post(DEL_URL, _delegation(employee_b), format="json"), 400, field="delegate")


def test_the_delegation_list_runs_in_a_fixed_number_of_queries(client_for, hr_admin_a, unit_head_a, org_world):
    client_for(unit_head_a).post(DEL_URL, _delegation(hr_admin_a), format="json")
    small = queries_for(client_for(hr_admin_a), DEL_URL)
    for _ in range(4):
        person = EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
        client_for(unit_head_a).post(DEL_URL, _delegation(person.user), format="json")

    assert queries_for(client_for(hr_admin_a), DEL_URL) == small


# ---------------------------------------------------------------------------- directives


def test_hr_declares_a_directive_announced_to_everyone_in_scope_through_the_outbox(
    client_for,
    hr_admin_a,
    employee_a,
    supervisor_a,
    unit_head_a,
    monday,
    org_world,
    django_capture_on_commit_callbacks,
):
    approved = approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    body = {
        "unit": org_world.div_a.id,
        "date_from": str(monday),
        "date_to": str(monday + datetime.timedelta(days=4)),
        "allowed_locations": ["DESIGNATED"],
        "max_share_percent": 50,
        "message": "WFA di lokasi yang ditetapkan.",
    }
    for i in range(5):
        EmployeeFactory(
            agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a, email=f"x{i}@example.org"
        )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin_a).post(DIR_URL, body, format="json")

    assert response.status_code == 201, response.content
    directive = Directive.objects.get()
    assert directive.allowed_locations == ["DESIGNATED"]
    # A-DIV subtree: unit head, supervisor, employee and the 5 new people; not HR or the agency head.
    announced = Notification.objects.filter(kind="directive_announced")
    assert announced.count() == 8
    assert not announced.filter(recipient=hr_admin_a).exists()
    assert (
        OutboxMessage.objects.filter(payload__notification_id__in=list(announced.values_list("id", flat=True))).count()
        == 5
    )
    # The HOME day it does not allow is cancelled and its owner told.
    assert not ScheduleDay.objects.filter(arrangement=approved, cancelled_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=employee_a, kind="schedule_days_cancelled").exists()


def test_announcing_a_directive_does_not_grow_with_the_people(client_for, hr_admin_a, org_world, monday):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = {"date_from": str(monday), "date_to": str(monday), "allowed_locations": ["HOME"], "message": "WFH."}

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client_for(hr_admin_a).post(DIR_URL, body, format="json").status_code == 201
        return len(captured)

    small = count()
    for _ in range(6):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    assert count() == small


def test_directives_it_forbids_employee(client_for, employee_a, monday):
    body = {"date_from": str(monday), "date_to": str(monday), "allowed_locations": ["HOME"], "message": "x"}

    assert_error(client_for(employee_a).post(DIR_URL, body, format="json"), 403)
    assert client_for(employee_a).get(DIR_URL).status_code == 200


def test_directives_it_hides_other_agencies(client_for, hr_admin_a, hr_admin_b, monday):
    body = {"date_from": str(monday), "date_to": str(monday), "allowed_locations": ["HOME"], "message": "x"}
    pk = client_for(hr_admin_a).post(DIR_URL, body, format="json").json()["id"]

    assert_error(client_for(hr_admin_b).get(f"{DIR_URL}{pk}/"), 404)
    assert client_for(hr_admin_b).get(DIR_URL).json()["count"] == 0


def test_a_directive_with_reversed_dates_or_no_location_is_400(client_for, hr_admin_a, monday):
    bad_dates = {
        "date_from": str(monday),
        "date_to": str(monday - datetime.timedelta(days=1)),
        "allowed_locations": ["HOME"],
        "message": "x",
    }
    no_location = {"date_from": str(monday), "date_to": str(monday), "allowed_locations": [], "message": "x"}

    assert_error(client_for(hr_admin_a).post(DIR_URL, bad_dates, format="json"), 400, field="date_to")
    assert_error(client_for(hr_admin_a).post(DIR_URL, no_location, format="json"), 400, field="allowed_locations")


def test_the_directive_list_runs_in_a_fixed_number_of_queries(client_for, hr_admin_a, monday, org_world):
    body = {
        "date_from": str(monday),
        "date_to": str(monday),
        "allowed_locations": ["HOME"],
        "message": "x",
        "unit": org_world.sec_a.id,
    }
    client_for(hr_admin_a).post(DIR_URL, body, format="json")
    small = queries_for(client_for(hr_admin_a), DIR_URL)
    for _ in range(4):
        client_for(hr_admin_a).post(DIR_URL, body, format="json")

    assert queries_for(client_for(hr_admin_a), DIR_URL) == small


# ---------------------------------------------------------------------------- recalls


def test_a_supervisor_recalls_an_employee_for_a_day(client_for, supervisor_a, employee_a, unit_head_a, monday):
    approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)

    response = client_for(supervisor_a).post(
        REC_URL, {"employee": employee_a.employee.id, "date": str(monday), "reason": "Rapat koordinasi"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["previous_location"] == "HOME"
    day = ScheduleDay.objects.get(employee__user=employee_a, local_date=monday, cancelled_at__isnull=True)
    assert (day.location, day.source) == ("OFFICE", "RECALL")
    assert Notification.objects.filter(recipient=employee_a, kind="schedule_recalled").exists()
    assert client_for(employee_a).get(REC_URL).json()["count"] == 1


def test_recalls_it_forbids_employee(client_for, employee_a, supervisor_a, monday):
    body = {"employee": supervisor_a.employee.id, "date": str(monday), "reason": "x"}

    assert_error(client_for(employee_a).post(REC_URL, body, format="json"), 404)  # the supervisor is out of scope
    assert_error(client_for(employee_a).post(REC_URL, {**body, "employee": employee_a.employee.id}, format="json"), 403)


def test_recalls_it_forbids_hr_admin(client_for, hr_admin_a, employee_a, monday):
    body = {"employee": employee_a.employee.id, "date": str(monday), "reason": "x"}

    assert_error(client_for(hr_admin_a).post(REC_URL, body, format="json"), 403)


def test_recalls_it_hides_other_agencies(client_for, hr_admin_b, employee_a, supervisor_a, monday):
    pk = (
        client_for(supervisor_a)
        .post(REC_URL, {"employee": employee_a.employee.id, "date": str(monday), "reason": "Rapat"}, format="json")
        .json()["id"]
    )

    assert_error(client_for(hr_admin_b).get(f"{REC_URL}{pk}/"), 404)
    assert_error(
        client_for(hr_admin_b).post(
            REC_URL, {"employee": employee_a.employee.id, "date": str(monday), "reason": "x"}, format="json"
        ),
        404,
    )


def test_a_recall_in_the_past_is_400(client_for, supervisor_a, employee_a):
    response = client_for(supervisor_a).post(
        REC_URL, {"employee": employee_a.employee.id, "date": "2020-01-06", "reason": "x"}, format="json"
    )

    assert_error(response, 400, field="local_date")
    assert not Recall.objects.exists()


def test_the_recall_list_runs_in_a_fixed_number_of_queries(client_for, supervisor_a, employee_a, monday):
    client_for(supervisor_a).post(
        REC_URL, {"employee": employee_a.employee.id, "date": str(monday), "reason": "a"}, format="json"
    )
    small = queries_for(client_for(supervisor_a), REC_URL)
    for offset in range(1, 5):
        client_for(supervisor_a).post(
            REC_URL,
            {"employee": employee_a.employee.id, "date": str(monday + datetime.timedelta(days=offset)), "reason": "a"},
            format="json",
        )

    assert queries_for(client_for(supervisor_a), REC_URL) == small
