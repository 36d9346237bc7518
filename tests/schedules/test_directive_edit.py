"""Editing and withdrawing agency directives (docs/rules.md §3, "Directives"): the pages, the API,
the days they give back, and the announcements that go through the outbox in batches."""

from __future__ import annotations

import datetime

import pytest

from flexwork.notifications.models import Notification
from flexwork.outbox.models import OutboxMessage
from schedules import directives as directive_services
from schedules.models import Directive, DirectiveCancellation, ScheduleDay
from tests.helpers import assert_error
from tests.org.factories import EmployeeFactory
from tests.schedules.conftest import approve_fully, create, days

pytestmark = pytest.mark.django_db
DIR_URL = "/api/v1/directives/"


@pytest.fixture
def page_client():
    from django.test import Client

    def make(user):
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(user)
        return client

    return make


def _declare(hr, *, monday, allowed=("DESIGNATED",), unit=None, **extra):
    return directive_services.directive_create(
        agency_id=hr.employee.agency_id,
        unit=unit,
        date_from=extra.pop("date_from", monday),
        date_to=extra.pop("date_to", monday + datetime.timedelta(days=4)),
        allowed_locations=list(allowed),
        max_share_percent=extra.pop("max_share_percent", None),
        message=extra.pop("message", "WFA di lokasi yang ditetapkan."),
        actor=hr,
    )


@pytest.fixture
def home_day(employee_a, supervisor_a, unit_head_a, monday):
    """An approved HOME day of employee_a on the Monday of the week after next."""
    ar = approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    return ScheduleDay.objects.get(arrangement=ar)


def _active(day) -> bool:
    day.refresh_from_db()
    return day.cancelled_at is None


# ---------------------------------------------------------------------------- withdraw


def test_withdrawing_gives_back_the_days_it_cancelled_and_tells_everyone(
    client_for, hr_admin_a, employee_a, home_day, monday, django_capture_on_commit_callbacks
):
    directive = _declare(hr_admin_a, monday=monday)
    assert not _active(home_day)
    assert DirectiveCancellation.objects.filter(directive=directive, schedule_day=home_day).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin_a).delete(
            f"{DIR_URL}{directive.id}/", {"reason": "Keadaan sudah normal."}, format="json"
        )

    assert response.status_code == 200, response.content
    assert response.json()["withdrawn_at"] and response.json()["withdraw_reason"] == "Keadaan sudah normal."
    assert _active(home_day)
    withdrawn = Notification.objects.filter(kind="directive_withdrawn", context__directive_id=directive.id)
    assert withdrawn.filter(recipient=employee_a).exists()
    assert "Keadaan sudah normal." in withdrawn.get(recipient=employee_a).body
    restored = Notification.objects.get(recipient=employee_a, kind="schedule_days_restored")
    assert "Keadaan sudah normal." in restored.body


def test_each_person_reads_their_days_in_their_own_language(
    hr_admin_a, employee_a, home_day, monday, django_capture_on_commit_callbacks
):
    from django.utils import translation

    directive = _declare(hr_admin_a, monday=monday)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_withdraw(directive=directive, reason="Selesai.", actor=hr_admin_a)

    restored = Notification.objects.get(recipient=employee_a, kind="schedule_days_restored")
    assert "di Rumah pada" in restored.body  # employee_a reads Indonesian, whatever HR's page was in


def test_a_repeated_withdrawal_is_409_and_writes_nothing(client_for, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    client = client_for(hr_admin_a)
    assert client.delete(f"{DIR_URL}{directive.id}/", {"reason": "Selesai."}, format="json").status_code == 200
    before = Directive.objects.get(id=directive.id).updated_at
    outbox = OutboxMessage.objects.count()

    response = client.delete(f"{DIR_URL}{directive.id}/", {"reason": "Lagi."}, format="json")

    assert_error(response, 409, "stale_transition")
    again = Directive.objects.get(id=directive.id)
    assert again.updated_at == before and again.withdraw_reason == "Selesai."
    assert OutboxMessage.objects.count() == outbox


def test_a_withdrawal_needs_a_reason(client_for, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)

    response = client_for(hr_admin_a).delete(f"{DIR_URL}{directive.id}/", {"reason": " "}, format="json")

    assert response.status_code == 400
    assert Directive.objects.get(id=directive.id).withdrawn_at is None


def test_a_withdrawn_directive_no_longer_applies_to_the_rule_check(client_for, hr_admin_a, employee_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    body = {
        "location": "HOME",
        "dates": [str(monday + datetime.timedelta(days=1))],
        "reason": "Menyusun laporan",
        "work_plan": [{"description": "Draf", "quantity": 1, "unit": "dokumen", "indicator": None}],
    }
    check = client_for(employee_a).post("/api/v1/arrangements/check/", body, format="json").json()
    assert "DIRECTIVE_MODE" in {v["code"] for v in check["violations"]}

    directive_services.directive_withdraw(directive=directive, reason="Selesai.", actor=hr_admin_a)

    check = client_for(employee_a).post("/api/v1/arrangements/check/", body, format="json").json()
    assert "DIRECTIVE_MODE" not in {v["code"] for v in check["violations"]}


def test_a_day_taken_meanwhile_is_not_given_back(hr_admin_a, employee_a, supervisor_a, home_day, monday):
    from schedules.services import recall_create
    from tests.schedules.conftest import emp

    directive = _declare(hr_admin_a, monday=monday)
    recall_create(employee=emp(employee_a), local_date=monday, reason="Rapat pimpinan.", actor=supervisor_a)

    directive_services.directive_withdraw(directive=directive, reason="Selesai.", actor=hr_admin_a)

    assert not _active(home_day)
    assert (
        ScheduleDay.objects.filter(employee=home_day.employee, local_date=monday, cancelled_at__isnull=True).count()
        == 1
    )


def test_withdrawal_does_not_give_back_a_day_the_weekly_cap_no_longer_has_room_for(
    hr_admin_a, employee_a, supervisor_a, unit_head_a, home_day, monday
):
    directive = _declare(hr_admin_a, monday=monday, date_to=monday)
    # With the Monday cancelled, two more HOME days fit in that week (cap 2).
    other = approve_fully(create(employee_a, days(monday, 2, 3)), supervisor=supervisor_a, decider=unit_head_a)
    assert ScheduleDay.objects.filter(arrangement=other, cancelled_at__isnull=True).count() == 2

    directive_services.directive_withdraw(directive=directive, reason="Selesai.", actor=hr_admin_a)

    assert not _active(home_day)


# ---------------------------------------------------------------------------- edit


def test_allowing_the_location_gives_the_day_back(client_for, hr_admin_a, home_day, monday):
    directive = _declare(hr_admin_a, monday=monday)

    response = client_for(hr_admin_a).patch(
        f"{DIR_URL}{directive.id}/", {"allowed_locations": ["DESIGNATED", "HOME"]}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["allowed_locations"] == ["DESIGNATED", "HOME"]
    assert _active(home_day)


def test_narrowing_the_locations_cancels_the_day_and_tells_its_owner(
    client_for, hr_admin_a, employee_a, home_day, monday, django_capture_on_commit_callbacks
):
    directive = _declare(hr_admin_a, monday=monday, allowed=("HOME",))
    assert _active(home_day)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin_a).patch(
            f"{DIR_URL}{directive.id}/", {"allowed_locations": ["DESIGNATED"]}, format="json"
        )

    assert response.status_code == 200, response.content
    assert not _active(home_day)
    assert Notification.objects.filter(recipient=employee_a, kind="schedule_days_cancelled").exists()
    assert Notification.objects.filter(recipient=employee_a, kind="directive_changed").exists()


def test_an_ended_directive_cannot_be_changed_or_withdrawn(client_for, page_client, hr_admin_a, org_world):
    past = Directive.objects.create(
        agency=org_world.agency_a,
        date_from=datetime.date(2025, 3, 31),
        date_to=datetime.date(2025, 4, 4),
        allowed_locations=["HOME"],
        message="WFH pasca Lebaran",
    )
    client = client_for(hr_admin_a)

    edit = client.patch(f"{DIR_URL}{past.id}/", {"message": "Diubah"}, format="json")
    withdraw = client.delete(f"{DIR_URL}{past.id}/", {"reason": "x"}, format="json")

    assert_error(edit, 400, "directive_ended")
    assert "sudah berakhir" in edit.json()["message"]  # Indonesian by default
    assert_error(withdraw, 400, "directive_ended")
    assert Directive.objects.get(id=past.id).message == "WFH pasca Lebaran"
    html = page_client(hr_admin_a).get(f"/schedule/directives/{past.id}/").content.decode()
    assert "an ended directive cannot be changed or withdrawn" in html
    assert 'name="version"' not in html


def test_a_started_directive_keeps_its_first_day(client_for, hr_admin_a, org_world):
    from flexwork.common.calendar import today_in

    today = today_in("Asia/Makassar")
    running = Directive.objects.create(
        agency=org_world.agency_a,
        date_from=today - datetime.timedelta(days=1),
        date_to=today + datetime.timedelta(days=3),
        allowed_locations=["HOME"],
        message="WFH",
    )

    response = client_for(hr_admin_a).patch(
        f"{DIR_URL}{running.id}/", {"date_from": str(today + datetime.timedelta(days=1))}, format="json"
    )

    assert_error(response, 400, "invalid", fields=["date_from"])
    longer = client_for(hr_admin_a).patch(
        f"{DIR_URL}{running.id}/", {"date_to": str(today + datetime.timedelta(days=5))}, format="json"
    )
    assert longer.status_code == 200, longer.content


def test_a_stale_edit_is_409(client_for, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    read = client_for(hr_admin_a).get(f"{DIR_URL}{directive.id}/").json()
    directive_services.directive_update(directive=directive, data={"message": "Lebih dulu."}, actor=hr_admin_a)

    response = client_for(hr_admin_a).patch(
        f"{DIR_URL}{directive.id}/", {"message": "Terlambat.", "if_unchanged_since": read["updated_at"]}, format="json"
    )

    assert_error(response, 409, "stale_transition")
    assert Directive.objects.get(id=directive.id).message == "Lebih dulu."


def test_editing_it_hides_other_agencies(client_for, hr_admin_b, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    client = client_for(hr_admin_b)

    assert client.get(f"{DIR_URL}{directive.id}/").status_code == 404
    assert client.patch(f"{DIR_URL}{directive.id}/", {"message": "x"}, format="json").status_code == 404
    assert client.delete(f"{DIR_URL}{directive.id}/", {"reason": "x"}, format="json").status_code == 404


def test_editing_it_forbids_employee(client_for, employee_a, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    client = client_for(employee_a)

    assert client.get(f"{DIR_URL}{directive.id}/").status_code == 200  # an announcement: everyone reads it
    assert client.patch(f"{DIR_URL}{directive.id}/", {"message": "x"}, format="json").status_code == 403
    assert client.delete(f"{DIR_URL}{directive.id}/", {"reason": "x"}, format="json").status_code == 403
    assert Directive.objects.get(id=directive.id).withdrawn_at is None


# ---------------------------------------------------------------------------- announcements in batches


def test_the_request_writes_one_outbox_row_and_no_notification(client_for, hr_admin_a, employee_a, monday):
    body = {"date_from": str(monday), "date_to": str(monday), "allowed_locations": ["HOME"], "message": "WFH."}

    response = client_for(hr_admin_a).post(DIR_URL, body, format="json")

    assert response.status_code == 201
    directive_id = response.json()["id"]
    assert not Notification.objects.filter(kind="directive_announced", context__directive_id=directive_id).exists()
    rows = OutboxMessage.objects.filter(topic=directive_services.NOTICE_TOPIC, payload__directive_id=directive_id)
    assert rows.count() == 1


def test_the_worker_tells_everyone_once_in_batches(
    hr_admin_a, org_world, monday, monkeypatch, django_capture_on_commit_callbacks
):
    from flexwork.org.models import Employee

    for _ in range(5):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    monkeypatch.setattr(directive_services, "NOTICE_BATCH_SIZE", 2)
    people = Employee.objects.filter(agency=org_world.agency_a, is_active=True, user__is_active=True).count()

    with django_capture_on_commit_callbacks(execute=True):
        directive = _declare(hr_admin_a, monday=monday, allowed=("HOME",))

    told = Notification.objects.filter(kind="directive_announced", context__directive_id=directive.id)
    assert told.count() == people
    assert told.values("recipient").distinct().count() == people
    batches = OutboxMessage.objects.filter(topic=directive_services.NOTICE_TOPIC, payload__directive_id=directive.id)
    assert batches.count() >= (people + 1) // 2
    assert not batches.exclude(status="DONE").exists()


def test_a_batch_delivered_twice_tells_nobody_twice(hr_admin_a, monday, django_capture_on_commit_callbacks):
    from flexwork.outbox.services import outbox_message_process

    with django_capture_on_commit_callbacks(execute=True):
        directive = _declare(hr_admin_a, monday=monday, allowed=("HOME",))
    row = OutboxMessage.objects.get(topic=directive_services.NOTICE_TOPIC, payload__directive_id=directive.id)
    told = Notification.objects.filter(kind="directive_announced", context__directive_id=directive.id).count()

    assert outbox_message_process(message_id=row.id) is False

    assert Notification.objects.filter(kind="directive_announced", context__directive_id=directive.id).count() == told


# ---------------------------------------------------------------------------- pages


def test_hr_withdraws_on_the_page_and_a_second_tap_is_409(page_client, hr_admin_a, home_day, monday):
    directive = _declare(hr_admin_a, monday=monday)
    client = page_client(hr_admin_a)
    page = client.get(f"/schedule/directives/{directive.id}/")
    assert page.status_code == 200
    version = Directive.objects.get(id=directive.id).updated_at.isoformat()
    data = {"reason": "Keadaan sudah normal.", "version": version}

    first = client.post(f"/schedule/directives/{directive.id}/withdraw/", data)
    second = client.post(f"/schedule/directives/{directive.id}/withdraw/", data)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "already withdrawn" in second.content.decode()
    assert _active(home_day)
    assert "Withdrawn" in client.get("/schedule/directives/").content.decode()


def test_hr_edits_on_the_page(page_client, hr_admin_a, home_day, monday):
    directive = _declare(hr_admin_a, monday=monday)
    data = {
        "date_from": monday.isoformat(),
        "date_to": (monday + datetime.timedelta(days=4)).isoformat(),
        "allowed_locations": ["DESIGNATED", "HOME"],
        "message": "WFA atau WFH.",
        "version": Directive.objects.get(id=directive.id).updated_at.isoformat(),
    }

    response = page_client(hr_admin_a).post(f"/schedule/directives/{directive.id}/", data)

    assert response.status_code == 302
    assert Directive.objects.get(id=directive.id).message == "WFA atau WFH."
    assert _active(home_day)


def test_a_stale_page_edit_is_409(page_client, hr_admin_a, monday):
    directive = _declare(hr_admin_a, monday=monday)
    data = {
        "date_from": monday.isoformat(),
        "date_to": monday.isoformat(),
        "allowed_locations": ["HOME"],
        "message": "Terlambat.",
        "version": (directive.updated_at - datetime.timedelta(seconds=5)).isoformat(),
    }

    response = page_client(hr_admin_a).post(f"/schedule/directives/{directive.id}/", data)

    assert response.status_code == 409
    assert Directive.objects.get(id=directive.id).message != "Terlambat."


def test_directive_pages_hide_other_agencies_and_forbid_employees(
    page_client, hr_admin_a, hr_admin_b, employee_a, monday
):
    directive = _declare(hr_admin_a, monday=monday)

    assert page_client(hr_admin_b).get(f"/schedule/directives/{directive.id}/").status_code == 404
    assert (
        page_client(hr_admin_b).post(f"/schedule/directives/{directive.id}/withdraw/", {"reason": "x"}).status_code
        == 404
    )
    assert page_client(employee_a).get(f"/schedule/directives/{directive.id}/").status_code == 403
    assert (
        page_client(employee_a).post(f"/schedule/directives/{directive.id}/withdraw/", {"reason": "x"}).status_code
        == 403
    )
    assert Directive.objects.get(id=directive.id).withdrawn_at is None


def test_a_double_tapped_declaration_declares_once(page_client, hr_admin_a, org_world, monday):
    client = page_client(hr_admin_a)
    data = {
        "date_from": monday.isoformat(),
        "date_to": monday.isoformat(),
        "allowed_locations": ["HOME"],
        "message": "WFH sekali.",
        "once": "a1b2c3d4e5f6",
    }

    assert client.post("/schedule/directives/", data).status_code == 302
    assert client.post("/schedule/directives/", data).status_code == 302

    assert Directive.objects.filter(agency=org_world.agency_a, message="WFH sekali.").count() == 1


def test_the_directive_page_runs_in_a_fixed_number_of_queries(page_client, hr_admin_a, org_world, monday):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    directive = _declare(hr_admin_a, monday=monday)
    client = page_client(hr_admin_a)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/schedule/directives/{directive.id}/").status_code == 200
        return len(captured)

    few = count()
    for _ in range(4):
        EmployeeFactory(agency=org_world.agency_a, unit=org_world.sec_a, position=org_world.position_a)
    assert count() == few


# ---------------------------------------------------------------------------- race


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_withdrawals_write_once(hr_admin_a, employee_a, supervisor_a, unit_head_a, monday):
    import threading

    from django.db import connection
    from rest_framework.test import APIClient

    ar = approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    directive = _declare(hr_admin_a, monday=monday)
    barrier = threading.Barrier(5)
    outcomes: list = [None] * 5

    def worker(index):
        try:
            api = APIClient()
            api.force_authenticate(user=hr_admin_a)
            barrier.wait(timeout=30)
            response = api.delete(f"{DIR_URL}{directive.id}/", {"reason": f"Alasan {index}"}, format="json")
            outcomes[index] = (
                response.status_code,
                response.json().get("code") if response.status_code >= 400 else None,
            )
        except Exception as exc:  # noqa: BLE001 - asserted below
            outcomes[index] = (repr(exc), None)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcomes.count((200, None)) == 1, outcomes
    assert outcomes.count((409, "stale_transition")) == 4, outcomes
    assert ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True).count() == 1
    assert (
        OutboxMessage.objects.filter(
            topic=directive_services.NOTICE_TOPIC,
            payload__kind="directive_withdrawn",
            payload__directive_id=directive.id,
        ).count()
        == 1
    )
