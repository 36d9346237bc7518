"""My data (UU PDP 27/2022; flexwork/accounts/my_data.py): every signed-in person reads and downloads
their own data, all of it and nobody else's, in a fixed number of queries; each download is audited
and shows in the agency's audit log as "Personal data downloaded"."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flexwork.accounts.models import PersonalDataDownload
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PAGE = "/profile/my-data/"
DOWNLOAD = "/profile/my-data/download/"
API = "/api/v1/me/data/"
OFFICE = (-5.1477, 119.4327)


def _everything(org_world, *, days: int = 1, start: int = 0, singles: bool = True) -> None:
    """employee_a with a row in every section: `days` days of requests, checks, statuses and logs."""
    from attendance.models import AttendanceCorrection, CheckKind, DayStatus, LeaveKind, LeaveRequest
    from attendance.services import attendance_check, worklog_create
    from flexwork.accounts.services import api_token_create
    from flexwork.notifications.services import notification_send
    from flexwork.onboarding.services import home_location_request_submit
    from schedules.models import ArrangementRequest, Location, WorkPlanItem
    from tests.performance.factories import skp_with_indicator

    user = org_world.employee_a
    employee = user.employee
    agency = org_world.agency_a
    unit = employee.unit
    today = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=8))).date()
    for back in range(start, start + days):
        day = today - datetime.timedelta(days=back + 1)
        request = ArrangementRequest.objects.create(
            agency=agency,
            employee=employee,
            status="approved",
            location=Location.HOME,
            dates=[day],
            first_date=day,
            last_date=day,
            requested_from=day,
            requested_to=day,
            reason=f"Menyusun laporan {back}",
            violations=[],
        )
        WorkPlanItem.objects.create(
            arrangement_request=request, description="Draf laporan", quantity=1, unit="dokumen", position=0
        )
        LeaveRequest.objects.create(
            agency=agency,
            employee=employee,
            status="submitted",
            kind=LeaveKind.CT,
            date_from=day + datetime.timedelta(days=30),
            date_to=day + datetime.timedelta(days=30),
            reason="Keluarga",
        )
        moment = datetime.datetime.combine(day, datetime.time(0, 5), tzinfo=datetime.UTC)  # 08.05 WITA
        attendance_check(
            user=user, kind=CheckKind.IN, latitude=OFFICE[0], longitude=OFFICE[1], accuracy_m=12.0, now=moment
        )
        DayStatus.objects.update_or_create(
            agency=agency,
            employee=employee,
            local_date=day,
            defaults={
                "location": "OFFICE",
                "is_working_day": True,
                "arrival": "TL1",
                "lateness_minutes": 35,
                "worked_minutes": 400,
                "required_minutes": 450,
                "unit": unit,
                "computed_at": timezone.now(),
            },
        )
        worklog_create(
            user=user,
            local_date=day,
            description=f"Rekap surat masuk {back}",
            quantity=Decimal("3"),
            unit_of_measure="surat",
            minutes_spent=60,
        )
    if not singles:
        return
    AttendanceCorrection.objects.create(
        agency=agency,
        employee=employee,
        status="submitted",
        local_date=today - datetime.timedelta(days=1),
        kind=CheckKind.OUT,
        corrected_time=datetime.time(16, 5),
        corrected_at=datetime.datetime.combine(today, datetime.time(8, 5), tzinfo=datetime.UTC),
        reason="Lupa presensi pulang",
    )
    home_location_request_submit(
        employee=employee, latitude=Decimal("-5.135000"), longitude=Decimal("119.420000"), address="Jl. Mawar 1"
    )
    skp_with_indicator(employee_user=user, actor=org_world.supervisor_a)
    notification_send(recipient=user, kind="password_changed", context={})
    api_token_create(user=user, name="skrip")


def test_the_json_holds_every_section_with_office_times(client, org_world):
    _everything(org_world)
    client.force_login(org_world.employee_a)
    client.cookies["django_language"] = "en"
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="flexwork-my-data-')
    body = json.loads(response.content)
    assert body["time_zone"] == "Asia/Makassar"
    assert body["generated_at"].endswith("+08:00")
    assert body["employee"]["name"] == "Pegawai A"
    assert body["employee"]["supervisor"]["name"] == "Kasi A"
    assert body["employee"]["unit"]["name"] == "Seksi A"
    for section in (
        "arrangement_requests",
        "leave_requests",
        "attendance_corrections",
        "home_location_requests",
        "check_events",
        "day_statuses",
        "work_logs",
        "skps",
        "notifications",
        "api_tokens",
    ):
        assert body[section], section
    check = body["check_events"][0]
    assert check["at"].endswith("T08:05:00+08:00")
    assert check["latitude"] == pytest.approx(OFFICE[0]) and check["accuracy_m"] == 12.0
    assert check["attempts"][0]["at"].endswith("+08:00")
    assert check["kind"] == {"code": "IN", "label": "Check-in"}
    assert body["arrangement_requests"][0]["status"]["code"] == "approved"
    assert body["arrangement_requests"][0]["work_plan"][0]["description"] == "Draf laporan"
    assert body["home_location_requests"][0]["address"] == "Jl. Mawar 1"
    assert body["day_statuses"][0]["arrival"]["code"] == "TL1"
    assert body["work_logs"][0]["description"].startswith("Rekap surat masuk")
    indicator = body["skps"][0]["rhks"][0]["indicators"][0]
    assert indicator["description"] == "Jumlah laporan yang disusun" and indicator["period_targets"]
    assert body["api_tokens"][0]["name"] == "skrip"
    assert "key_hash" not in json.dumps(body)


def test_it_holds_nobody_elses_data(client, org_world):
    _everything(org_world)
    client.force_login(org_world.supervisor_a)
    body = json.loads(client.get(DOWNLOAD).content)
    assert body["employee"]["name"] == "Kasi A"
    assert not body["check_events"] and not body["work_logs"] and not body["arrangement_requests"]
    assert not body["skps"]  # the SKP is employee_a's


def test_the_page_reads_as_words_in_the_office_zone(client, org_world):
    _everything(org_world)
    client.force_login(org_world.employee_a)
    client.cookies["django_language"] = "id"
    page = client.get(PAGE).content.decode()
    assert "Data saya" in page
    assert "Pegawai A" in page and "Kasi A" in page
    assert "08.05" in page  # the check-in at 00:05 UTC, in WITA
    assert "Disetujui" in page and ">approved<" not in page
    assert "Jl. Mawar 1" in page and "Rekap surat masuk 0" in page
    assert "Jumlah laporan yang disusun" in page
    assert 'href="/profile/my-data/download/"' in page
    profile = client.get("/profile/").content.decode()
    assert 'href="/profile/my-data/"' in profile


def test_pages_and_downloads_cost_a_fixed_number_of_queries(client, org_world, django_assert_num_queries):
    _everything(org_world, days=1)
    client.force_login(org_world.employee_a)
    with CaptureQueriesContext(connection) as page_one:
        client.get(PAGE)
    with CaptureQueriesContext(connection) as download_one:
        client.get(DOWNLOAD)
    PersonalDataDownload.objects.all().delete()  # the repeat window would skip the second audit row
    _everything(org_world, days=6, start=1, singles=False)
    with django_assert_num_queries(len(page_one.captured_queries)):
        client.get(PAGE)
    with django_assert_num_queries(len(download_one.captured_queries)):
        client.get(DOWNLOAD)


def test_every_role_downloads_their_own(client, api_client, org_world):
    for persona in ("employee_a", "supervisor_a", "unit_head_a", "agency_head_a", "hr_admin_a", "employee_b"):
        user = getattr(org_world, persona)
        client.force_login(user)
        assert client.get(PAGE).status_code == 200, persona
        assert json.loads(client.get(DOWNLOAD).content)["employee"]["id"] == user.employee.id
        api_client.force_authenticate(user)
        assert api_client.get(API).json()["employee"]["id"] == user.employee.id


def test_it_requires_a_login(client, api_client):
    assert client.get(PAGE).status_code == 302
    assert client.get(DOWNLOAD).status_code == 302
    assert_error(api_client.get(API), 401)


def test_a_platform_operator_gets_their_account_only(client, make_operator):
    client.force_login(make_operator)
    body = json.loads(client.get(DOWNLOAD).content)
    assert body["employee"] is None and body["account"]["username"] == make_operator.username
    assert client.get(PAGE).status_code == 200


@pytest.fixture
def make_operator(db):
    from flexwork.accounts.models import User
    from tests.accounts.conftest import totp_enrol

    user = User.objects.create_user(username="operator", password="x-long-password-1", is_staff=True)
    totp_enrol(user)  # staff must use an authenticator app
    return user


# ---------------------------------------------------------------------------- the audit of a download


def test_a_download_is_audited_and_shown_in_the_audit_log(client, api_client, org_world):
    client.force_login(org_world.employee_a)
    client.get(DOWNLOAD)
    client.get(DOWNLOAD)  # a double tap: one row
    downloads = PersonalDataDownload.objects.filter(user=org_world.employee_a)
    assert downloads.count() == 1
    download = downloads.get()
    assert download.agency_id == org_world.agency_a.id and download.employee_id == org_world.employee_a.employee.id
    event = download.events.select_related("pgh_context").get()
    assert event.pgh_context.metadata["user"] == org_world.employee_a.pk
    assert event.pgh_context.metadata["url"] == DOWNLOAD

    api_client.force_authenticate(org_world.employee_a)
    api_client.get(API)
    assert downloads.count() == 2

    client.force_login(org_world.hr_admin_a)
    client.cookies["django_language"] = "id"
    log = client.get("/hr/audit/", {"what": "accounts.personaldatadownload:insert"}).content.decode()
    assert "Data pribadi diunduh" in log and "Pegawai A" in log
    # Agency B's HR never sees it.
    client.force_login(org_world.hr_admin_b)
    log_b = client.get("/hr/audit/", {"what": "accounts.personaldatadownload:insert"}).content.decode()
    assert "Pegawai A" not in log_b


def test_the_audit_row_is_append_only(org_world):
    from django.db import IntegrityError, InternalError, transaction

    from flexwork.accounts.my_data import personal_data_download_record

    download = personal_data_download_record(user=org_world.employee_a, channel="page", url=DOWNLOAD)
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        download.events.update(channel="api")
