"""The reports API (docs/api.md): 202 for a new run, 200 for the live one, scoping, bad input, idempotency
of the task, the sweeper, scheduled runs and digests."""

import datetime

import pytest
from django.utils import timezone

from attendance.models import DayStatus, MissingLogReminder
from flexwork.common.calendar import today_in
from flexwork.notifications.models import Notification
from flexwork.outbox.models import OutboxMessage, OutboxStatus
from flexwork.reports import services
from flexwork.reports.models import ReminderDigest, ReportRun, RunStatus
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def ask(client, django_capture_on_commit_callbacks, **body):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"kind": "COMPLIANCE", "period": "2025-03", **body}, format="json")


def test_asking_twice_gives_one_run_and_the_outbox_runs_it(
    march, hr_admin_a, client_for, django_capture_on_commit_callbacks
):
    client = client_for(hr_admin_a)
    first = ask(client, django_capture_on_commit_callbacks)
    assert first.status_code == 202
    run_id = first.json()["id"]
    message = OutboxMessage.objects.get(topic="reports.run")
    assert message.payload == {"run_id": run_id} and message.status == OutboxStatus.DONE
    again = ask(client, django_capture_on_commit_callbacks)
    assert again.status_code == 200 and again.json()["id"] == run_id
    assert ReportRun.objects.count() == 1

    detail = client.get(f"{URL}{run_id}/").json()
    assert detail["status"] == "DONE" and detail["row_count"] == 7 and detail["provisional"] is False
    assert detail["downloads"]["xlsx"].endswith(f"/reports/{run_id}/download/xlsx/")
    assert detail["data_changed_since"] is None
    download = client.get(f"/reports/{run_id}/download/csv/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"unit_code,unit_name,nip,name")

    # A source row changes: the run says so, and a refresh supersedes it.
    DayStatus.objects.filter(employee=march.p, local_date=datetime.date(2025, 3, 12)).update(updated_at=timezone.now())
    assert client.get(f"{URL}{run_id}/").json()["data_changed_since"] is not None
    fresh = ask(client, django_capture_on_commit_callbacks, refresh=True)
    assert fresh.status_code == 202 and fresh.json()["id"] != run_id
    assert ReportRun.objects.get(id=run_id).status == RunStatus.SUPERSEDED


def test_the_current_month_is_provisional(march, hr_admin_a, client_for):
    period = f"{today_in(hr_admin_a.employee.agency.time_zone):%Y-%m}"  # the office month
    response = client_for(hr_admin_a).post(URL, {"kind": "PAYROLL", "period": period}, format="json")
    assert response.status_code == 202 and response.json()["provisional"] is True


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"kind": "SALARY", "period": "2025-03"}, "invalid_kind", "kind"),
        ({"kind": "COMPLIANCE", "period": "March"}, "invalid_period", "period"),
        ({"kind": "COMPLIANCE", "period": "2025-13"}, "invalid_period", "period"),
        ({"kind": "COMPLIANCE", "period": "2099-01"}, "period_in_future", "period"),
        ({"kind": "COMPLIANCE", "period": "2025-03", "parameters": {"x": 1}}, "invalid_parameters", "parameters"),
        (
            {"kind": "FWA_MONITORING", "period": "2025-03", "parameters": {"months": 40}},
            "invalid_parameters",
            "parameters",
        ),
    ],
)
def test_bad_input_is_a_clear_400(march, hr_admin_a, client_for, body, code, field):
    response = client_for(hr_admin_a).post(URL, body, format="json")
    assert_error(response, 400, code, fields=[field])


def test_scope_and_roles(march, org_world, client_for, hr_admin_a, unit_head_a, employee_a, hr_admin_b):
    # A unit outside the unit head's reach does not exist for them; a kind their role may not run is 403.
    response = client_for(unit_head_a).post(
        URL, {"kind": "COMPLIANCE", "period": "2025-03", "unit": org_world.hr_unit_a.id}, format="json"
    )
    assert_error(response, 404)
    response = client_for(unit_head_a).post(
        URL, {"kind": "DISCIPLINE", "period": "2025-03", "unit": org_world.div_a.id}, format="json"
    )
    assert response.status_code == 403
    assert (
        client_for(employee_a).post(URL, {"kind": "COMPLIANCE", "period": "2025-03"}, format="json").status_code == 403
    )
    response = client_for(unit_head_a).post(URL, {"kind": "COMPLIANCE", "period": "2025-03"}, format="json")
    assert response.status_code == 202 and response.json()["unit"]["code"] == "A-DIV"

    run, _ = services.report_run_request(user=hr_admin_a, kind="PAYROLL", period="2025-03")
    services.report_run_execute(run_id=run.id)
    # Another agency: the run and its files are a 404; the unit head does not see the agency-wide run.
    assert client_for(hr_admin_b).get(f"{URL}{run.id}/").status_code == 404
    assert client_for(hr_admin_b).get(f"/reports/{run.id}/download/xlsx/").status_code == 404
    assert client_for(unit_head_a).get(f"{URL}{run.id}/").status_code == 404
    assert [r["kind"] for r in client_for(unit_head_a).get(URL).json()["results"]] == ["COMPLIANCE"]


def test_the_list_costs_a_fixed_number_of_queries(march, hr_admin_a, client_for, django_assert_num_queries):
    client = client_for(hr_admin_a)
    services.report_run_request(user=hr_admin_a, kind="PAYROLL", period="2025-03")
    with django_assert_num_queries(5):  # savepoint, scope, count, page, release
        assert client.get(URL).json()["count"] == 1
    for period in ("2025-01", "2025-02"):
        services.report_run_request(user=hr_admin_a, kind="PAYROLL", period=period)
    with django_assert_num_queries(5):
        assert client.get(URL).json()["count"] == 3


def test_a_task_delivered_twice_makes_one_result(march, hr_admin_a):
    run, _ = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03")
    assert services.report_run_execute(run_id=run.id) is True
    assert services.report_run_execute(run_id=run.id) is False
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 1)


def test_a_lost_worker_is_requeued_and_its_late_writes_are_refused(march, hr_admin_a, settings):
    clean, _ = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03")
    services.report_run_execute(run_id=clean.id)
    clean.refresh_from_db()
    run, created = services.report_run_request(user=hr_admin_a, kind="COMPLIANCE", period="2025-03", refresh=True)
    assert created
    lost = services._claim(run.id)  # a worker claims it, then dies
    assert lost.attempts == 1
    assert services.report_runs_requeue_expired() == []  # the lease still runs
    later = timezone.now() + datetime.timedelta(seconds=services.lease_seconds() + 1)
    assert services.report_runs_requeue_expired(now=later) == [run.id]
    assert ReportRun.objects.get(id=run.id).status == RunStatus.QUEUED
    assert services.report_run_execute(run_id=run.id) is True
    run.refresh_from_db()
    assert (run.status, run.attempts, run.checksum) == (RunStatus.DONE, 2, clean.checksum)
    with pytest.raises(services.LeaseLost):
        services._renew(lost, 50)  # the first worker, had it survived, can no longer write


def test_monthly_runs_start_at_one_in_the_morning_local_time(march, org_world):
    # 17:30 UTC on 31 March = 01:30 WITA on 1 April (agency A) = 00:30 WIB (agency B: not yet).
    now = datetime.datetime(2025, 3, 31, 17, 30, tzinfo=datetime.UTC)
    created = services.monthly_runs_create(now=now)
    assert sorted((r.agency_id, r.kind, r.period_start.isoformat()) for r in created) == [
        (org_world.agency_a.id, "ALLOWANCE", "2025-03-01"),
        (org_world.agency_a.id, "COMPLIANCE", "2025-03-01"),
        (org_world.agency_a.id, "PAYROLL", "2025-03-01"),
    ]
    assert services.monthly_runs_create(now=now) == []
    # An hour later it is 01:30 WIB in agency B: its turn, and only its.
    later = services.monthly_runs_create(now=now + datetime.timedelta(hours=1))
    assert {r.agency_id for r in later} == {org_world.agency_b.id} and len(later) == 3


def test_one_digest_per_person_a_day(march):
    MissingLogReminder.objects.create(
        agency=march.agency, employee=march.p, local_date=datetime.date(2025, 3, 19), location="HOME"
    )
    DayStatus.objects.filter(employee=march.wit, local_date=datetime.date(2025, 3, 3)).update(departure="HKP")
    today = datetime.date(2025, 3, 4)
    assert services.daily_digests_send(zone="Asia/Makassar", today=today) == 1  # P: one missing log
    assert services.daily_digests_send(zone="Asia/Makassar", today=today) == 0
    assert services.daily_digests_send(zone="Asia/Jayapura", today=today) == 1  # W: yesterday's missing check-out
    assert ReminderDigest.objects.count() == 2
    assert Notification.objects.filter(kind="daily_digest").count() == 2
    assert MissingLogReminder.objects.get().digested_at is not None
