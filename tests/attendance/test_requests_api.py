"""Leave / official duty and corrections through the shared approval engine (docs/api.md paths)."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from attendance.models import AttendanceCorrection, CheckEvent, DayStatus, LeaveRequest
from attendance.requests import leave_import_csv
from flexwork.approvals.models import Transition
from flexwork.common.tabular import RowsInvalid
from schedules.models import Location
from tests.attendance.conftest import OFFICE, check, error_shape, north_of, schedule_day

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def today():
    return timezone.now().astimezone(WITA).date()


def last_weekday():
    day = today()
    while day.isoweekday() > 5:
        day -= datetime.timedelta(days=1)
    return day


def working_day_ahead(days: int) -> datetime.date:
    """The first Monday–Thursday at least `days` ahead: it and the day after are working days whatever today is
    (annual leave over a weekend alone is refused)."""
    day = today() + datetime.timedelta(days=days)
    while day.isoweekday() > 4:
        day += datetime.timedelta(days=1)
    return day


def leave_body(**extra):
    day = working_day_ahead(7)
    return {"kind": "CT", "date_from": str(day), "date_to": str(day + datetime.timedelta(days=1)), **extra}


def test_leave_goes_through_recommendation_and_decision(client_for, employee_a, supervisor_a, unit_head_a):
    created = client_for(employee_a).post("/api/v1/leaves/", leave_body(reason="Keluarga"), format="json")
    assert created.status_code == 201, created.json()
    leave = created.json()
    assert leave["status"] == "submitted" and leave["step"] == "RECOMMEND"
    assert client_for(supervisor_a).post(f"/api/v1/leaves/{leave['id']}/recommend/", {"note": "ok"}).status_code == 200
    approved = client_for(unit_head_a).post(f"/api/v1/leaves/{leave['id']}/approve/", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert [t["action"] for t in approved.json()["transitions"]] == ["submit", "recommend", "approve"]


def test_it_forbids_employee_to_decide_own_leave(client_for, employee_a):
    leave = client_for(employee_a).post("/api/v1/leaves/", leave_body(), format="json").json()
    response = client_for(employee_a).post(f"/api/v1/leaves/{leave['id']}/recommend/", {})
    assert response.status_code == 403
    error_shape(response.json())


def test_it_forbids_hr_admin_to_decide_leave(client_for, employee_a, hr_admin_a):
    leave = client_for(employee_a).post("/api/v1/leaves/", leave_body(), format="json").json()
    assert client_for(hr_admin_a).get(f"/api/v1/leaves/{leave['id']}/").status_code == 200
    assert client_for(hr_admin_a).post(f"/api/v1/leaves/{leave['id']}/recommend/", {}).status_code == 403


def test_it_hides_other_agencies(client_for, employee_a, hr_admin_b, employee_b):
    leave = client_for(employee_a).post("/api/v1/leaves/", leave_body(), format="json").json()
    response = client_for(hr_admin_b).get(f"/api/v1/leaves/{leave['id']}/")
    assert response.status_code == 404
    error_shape(response.json())
    assert client_for(employee_b).post(f"/api/v1/leaves/{leave['id']}/withdraw/", {}).status_code == 404


def test_overlapping_leave_is_a_conflict(client_for, employee_a):
    assert client_for(employee_a).post("/api/v1/leaves/", leave_body(), format="json").status_code == 201
    response = client_for(employee_a).post("/api/v1/leaves/", leave_body(kind="IZIN"), format="json")
    assert response.status_code == 409 and response.json()["code"] == "overlap"


def test_leave_with_dates_reversed_is_a_400(client_for, employee_a):
    body = leave_body()
    body["date_from"], body["date_to"] = body["date_to"], body["date_from"]
    response = client_for(employee_a).post("/api/v1/leaves/", body, format="json")
    assert response.status_code == 400 and "date_to" in response.json()["fields"]
    assert not LeaveRequest.objects.exists()


def test_approved_leave_excuses_a_home_day(
    client_for, employee_a, supervisor_a, unit_head_a, django_capture_on_commit_callbacks
):
    day = last_weekday()
    schedule_day(employee_a, day, Location.HOME)
    body = {"kind": "SAKIT", "date_from": str(day), "date_to": str(day)}
    leave = client_for(employee_a).post("/api/v1/leaves/", body, format="json").json()
    client_for(supervisor_a).post(f"/api/v1/leaves/{leave['id']}/recommend/", {})
    with django_capture_on_commit_callbacks(execute=True):
        client_for(unit_head_a).post(f"/api/v1/leaves/{leave['id']}/approve/", {})
    assert DayStatus.objects.get(employee=employee_a.employee, local_date=day).absence == "S"


def test_the_leave_list_runs_a_fixed_number_of_queries(client_for, employee_a, django_assert_num_queries):
    client = client_for(employee_a)
    for count in (1, 4):
        while LeaveRequest.objects.count() < count:
            day = working_day_ahead(7 * (LeaveRequest.objects.count() + 1))
            created = client.post(
                "/api/v1/leaves/", {"kind": "CT", "date_from": str(day), "date_to": str(day)}, format="json"
            )
            assert created.status_code == 201, created.json()
        with django_assert_num_queries(5):  # SAVEPOINT, the caller's scope, count, page, RELEASE
            assert client.get("/api/v1/leaves/").json()["count"] == count


# ---------------------------------------------------------------------------- corrections


def test_a_flagged_check_in_is_corrected_and_the_original_stays(
    client_for, employee_a, supervisor_a, unit_head_a, django_capture_on_commit_callbacks
):
    day = last_weekday()
    outcome = check(
        employee_a, datetime.datetime.combine(day, datetime.time(7, 10), tzinfo=WITA), point=north_of(OFFICE, 5000)
    )
    body = {"local_date": str(outcome.local_date), "kind": "IN", "corrected_time": "07:25", "reason": "GPS salah"}
    created = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json")
    assert created.status_code == 201, created.json()
    correction = created.json()
    assert correction["check_event"] == outcome.id
    client_for(supervisor_a).post(f"/api/v1/attendance/corrections/{correction['id']}/recommend/", {})
    with django_capture_on_commit_callbacks(execute=True):
        approved = client_for(unit_head_a).post(f"/api/v1/attendance/corrections/{correction['id']}/approve/", {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    event = CheckEvent.objects.get(id=outcome.id)
    assert event.corrected_by_id == correction["id"] and event.flagged  # the original stays, marked
    status = DayStatus.objects.get(employee=employee_a.employee, local_date=outcome.local_date)
    assert status.corrected and not status.flagged and status.arrival == "H"
    assert status.check_in_at.astimezone(WITA).strftime("%H:%M") == "07:25"


def test_a_correction_of_a_missing_check_in_has_no_event(client_for, employee_a):
    body = {"local_date": str(today()), "kind": "OUT", "corrected_time": "16:10", "reason": "Lupa"}
    response = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json")
    assert response.status_code == 201 and response.json()["check_event"] is None


@pytest.mark.parametrize("days", [-1, 31])
def test_a_correction_outside_the_window_is_refused(client_for, employee_a, days):
    day = today() - datetime.timedelta(days=days)
    body = {"local_date": str(day), "kind": "IN", "corrected_time": "07:30", "reason": "x"}
    response = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json")
    assert response.status_code == 400 and "local_date" in response.json()["fields"]
    assert not AttendanceCorrection.objects.exists()


def test_a_second_open_correction_is_a_conflict(client_for, employee_a):
    body = {"local_date": str(today()), "kind": "IN", "corrected_time": "07:30", "reason": "x"}
    assert client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json").status_code == 201
    assert client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json").status_code == 409


def test_it_forbids_supervisor_to_approve_at_the_recommend_step(client_for, employee_a, supervisor_a, unit_head_a):
    body = {"local_date": str(today()), "kind": "IN", "corrected_time": "07:30", "reason": "x"}
    correction = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json").json()
    url = f"/api/v1/attendance/corrections/{correction['id']}"
    # The recommender never approves (403); the decider's step has not come yet (409).
    assert client_for(supervisor_a).post(f"{url}/approve/", {}).status_code == 403
    early = client_for(unit_head_a).post(f"{url}/approve/", {})
    assert early.status_code == 409 and early.json()["code"] == "stale_transition"
    assert client_for(employee_a).post(f"{url}/recommend/", {}).status_code == 403
    assert Transition.objects.filter(object_id=correction["id"]).count() == 1  # the submit only


def test_it_hides_other_agencies_corrections(client_for, employee_a, hr_admin_b):
    body = {"local_date": str(today()), "kind": "IN", "corrected_time": "07:30", "reason": "x"}
    correction = client_for(employee_a).post("/api/v1/attendance/corrections/", body, format="json").json()
    assert client_for(hr_admin_b).get(f"/api/v1/attendance/corrections/{correction['id']}/").status_code == 404
    assert client_for(hr_admin_b).get("/api/v1/attendance/corrections/").json()["count"] == 0


# ---------------------------------------------------------------------------- HR import


def test_hr_imports_approved_leave(hr_admin_a, employee_a, supervisor_a):
    csv = (
        "\ufeffnip;jenis;tanggal_mulai;tanggal_selesai;alasan\n"
        f"{employee_a.employee.nip};DINAS_LUAR;2026-03-02;2026-03-04;Rapat\n"
        f"{supervisor_a.employee.nip};ct;2026-03-05;2026-03-05;\n"
    ).encode()
    assert leave_import_csv(user=hr_admin_a, content=csv) == 2
    assert set(LeaveRequest.objects.values_list("status", "source")) == {("approved", "IMPORT")}
    assert Transition.objects.filter(action="approve").count() == 2


def test_a_bad_import_row_stores_nothing(hr_admin_a, employee_a, employee_b):
    csv = (
        "nip,jenis,tanggal_mulai,tanggal_selesai,alasan\n"
        f"{employee_a.employee.nip},CT,2026-03-02,2026-03-02,\n"
        f"{employee_b.employee.nip},CT,2026-03-02,2026-03-02,\n"  # another agency's NIP
        f"{employee_a.employee.nip},XX,2026-03-40,2026-03-02,\n"
    ).encode()
    with pytest.raises(RowsInvalid) as caught:
        leave_import_csv(user=hr_admin_a, content=csv)
    # One shape for every import's row errors: row number, column, message.
    assert {(error.row, error.column, error.code) for error in caught.value.errors} == {
        (3, "nip", "unknown_nip"),
        (4, "jenis", "bad_kind"),
        (4, "tanggal_mulai", "bad_date"),
    }
    assert not LeaveRequest.objects.exists()


def test_it_forbids_employee_to_import_leave(employee_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        leave_import_csv(user=employee_a, content=b"nip,jenis,tanggal_mulai,tanggal_selesai,alasan\n")


def test_the_leave_import_page_reads_columns_by_header_and_lists_row_errors(client, settings, hr_admin_a, employee_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from flexwork.onboarding.sample import to_xlsx

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(hr_admin_a)
    page = client.get("/attendance/leave-import/").content.decode()
    assert "<code>tanggal_mulai</code>" in page and "<code>DINAS_LUAR</code>" in page  # from the column table
    # Reordered columns, and a NIP of nobody in the agency on row 3.
    text = f"jenis,alasan,tanggal_selesai,tanggal_mulai,nip\nCT,,2026-03-02,2026-03-02,{employee_a.employee.nip}\n"
    text += "CT,,2026-03-03,2026-03-03,199001012015011999\n"
    refused = client.post("/attendance/leave-import/", {"file": SimpleUploadedFile("cuti.csv", text.encode())})
    assert "<tr><td>3</td><td>nip</td><td>Unknown NIP in this agency.</td></tr>" in refused.content.decode()
    assert not LeaveRequest.objects.exists()
    xlsx = to_xlsx(
        [["CT", employee_a.employee.nip, "2026-03-02", "2026-03-02"]],
        headers=["jenis", "nip", "tanggal_mulai", "tanggal_selesai"],
    )
    posted = client.post("/attendance/leave-import/", {"file": SimpleUploadedFile("cuti.xlsx", xlsx)})
    assert posted.status_code == 302
    assert LeaveRequest.objects.get().date_from == datetime.date(2026, 3, 2)


def test_the_agency_heads_own_leave_is_refused_with_no_approver_and_nothing_is_stored(client_for, agency_head_a):
    client = client_for(agency_head_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post("/api/v1/leaves/", leave_body(), format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "policy_violation"
    [violation] = body["violations"]
    assert violation["code"] == "NO_APPROVER"
    assert "HR must mark a decision level above your unit" in violation["message"]
    assert not LeaveRequest.objects.filter(employee=agency_head_a.employee, status="submitted").exists()
