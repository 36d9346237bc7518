"""The four decisions of the official leave form (docs/rules.md §9 "The decision"): approve, approve with
other dates (perubahan), defer (ditangguhkan) and reject; who may take them (decider ok, supervisor
and others in scope 403, out of scope 404, a repeat 409), what they write to the balance, and the
PPK-only escalation. employee_a's chain: supervisor_a recommends, unit_head_a decides."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import translation

from attendance.models import LeaveRequest
from flexwork.approvals import engine
from flexwork.approvals.models import Transition
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.notifications.models import Notification
from leave.models import Bucket, EntryKind, LeaveBalanceEntry
from tests.helpers import assert_error
from tests.leave.rules_helpers import MONDAY, act, emp, leave, n, numbers

pytestmark = pytest.mark.django_db
D = datetime.timedelta
TUESDAY, FRIDAY = MONDAY + D(days=1), MONDAY + D(days=4)


def recommended(user, supervisor, date_from=MONDAY, date_to=None, **kwargs):
    obj = leave(user, date_from, date_to or date_from + D(days=2), **kwargs)
    act(obj, "recommend", supervisor)
    return LeaveRequest.objects.get(id=obj.id)


def change(obj, user, date_from, date_to, note="Menyesuaikan jadwal pelayanan"):
    from attendance import requests

    return requests.request_act(obj=obj, action="change", actor=user, note=note, dates=[date_from, date_to])


def last_transition(obj) -> Transition:
    return Transition.objects.filter(object_id=obj.id, content_type__model="leaverequest").order_by("-id").first()


# ---------------------------------------------------------------------------- approve with other dates


def test_the_official_approves_other_dates_and_the_days_are_held_again_then_taken(
    employee_a, supervisor_a, unit_head_a
):
    obj = recommended(employee_a, supervisor_a)  # Monday–Wednesday, 3 days held
    assert n(employee_a, 2027) == (12, 3, 0)

    change(obj, unit_head_a, TUESDAY, FRIDAY)

    obj.refresh_from_db()
    assert (obj.status, obj.date_from, obj.date_to) == ("approved", TUESDAY, FRIDAY)
    assert n(employee_a, 2027) == (12, 0, 4)
    kinds = list(obj.balance_entries.order_by("id").values_list("kind", "days"))
    assert kinds == [(EntryKind.HOLD, 3), (EntryKind.RELEASE, -3), (EntryKind.HOLD, 4), (EntryKind.DEBIT, 4)]
    row = last_transition(obj)
    assert row.action == "change" and row.to_status == "approved"
    assert row.previous_dates == [MONDAY, MONDAY + D(days=2)] and row.dates == [TUESDAY, FRIDAY]
    told = Notification.objects.filter(recipient=employee_a, kind="attendance_request_changed").get()
    assert "2027" in told.body


def test_other_dates_beyond_the_balance_are_refused_with_leave_balance_and_nothing_changes(
    employee_a, supervisor_a, unit_head_a
):
    obj = recommended(employee_a, supervisor_a)

    with pytest.raises(ApplicationError) as refused:
        change(obj, unit_head_a, MONDAY, MONDAY + D(days=20))  # 15 working days of 12

    assert "LEAVE_BALANCE" in [v["code"] for v in refused.value.violations]
    obj.refresh_from_db()
    assert (obj.status, obj.date_to) == ("recommended", MONDAY + D(days=2))
    assert n(employee_a, 2027) == (12, 3, 0)


def test_other_dates_need_a_reason_and_other_dates(employee_a, supervisor_a, unit_head_a):
    obj = recommended(employee_a, supervisor_a)
    with pytest.raises(ApplicationError) as no_reason:
        change(obj, unit_head_a, TUESDAY, FRIDAY, note=" ")
    assert "note" in no_reason.value.fields
    with pytest.raises(ApplicationError) as same:
        change(obj, unit_head_a, MONDAY, MONDAY + D(days=2))
    assert "date_from" in same.value.fields
    assert LeaveRequest.objects.get(id=obj.id).status == "recommended"


def test_the_api_approves_other_dates_and_lists_the_old_and_new_ones(client_for, employee_a, supervisor_a, unit_head_a):
    obj = recommended(employee_a, supervisor_a)
    url = f"/api/v1/leaves/{obj.id}/change-dates/"
    body = {"date_from": TUESDAY.isoformat(), "date_to": FRIDAY.isoformat(), "note": "Rapat kerja hari Senin"}

    assert_error(client_for(unit_head_a).post(url, {**body, "note": ""}, format="json"), 400, fields=["note"])
    assert_error(client_for(unit_head_a).post(url, {**body, "date_to": "2027-02-01"}, format="json"), 400)
    response = client_for(unit_head_a).post(url, body, format="json")

    assert response.status_code == 200, response.content[:500]
    data = response.json()
    assert (data["status"], data["date_from"], data["date_to"]) == ("approved", "2027-03-02", "2027-03-05")
    assert data["transitions"][-1]["previous_dates"] == ["2027-03-01", "2027-03-03"]
    assert_error(client_for(unit_head_a).post(url, body, format="json"), 409, "stale_transition")


# ---------------------------------------------------------------------------- deferral


def test_a_deferred_annual_leave_moves_exactly_its_days_to_next_years_deferred_bucket(
    employee_a, supervisor_a, unit_head_a
):
    obj = recommended(employee_a, supervisor_a)

    act(obj, "defer", unit_head_a, note="Beban kerja akhir triwulan")

    obj.refresh_from_db()
    assert obj.status == "deferred"
    with translation.override("en"):
        assert obj.get_status_display() == "Deferred"
    with translation.override("id"):
        assert obj.get_status_display() == "Ditangguhkan"
    assert n(employee_a, 2027) == (12, 0, 0)
    assert numbers(employee_a, 2028)[Bucket.DEFERRED] == (3, 0, 0)
    entry = LeaveBalanceEntry.objects.get(kind=EntryKind.DEFERRAL, leave_request=obj)
    assert (entry.balance.year, entry.balance.bucket, entry.days) == (2028, Bucket.DEFERRED, 3)
    assert entry.reason == "Beban kerja akhir triwulan"
    assert Notification.objects.filter(recipient=employee_a, kind="attendance_request_deferred").count() == 1


def test_the_rollover_keeps_the_deferred_days(employee_a, supervisor_a, unit_head_a):
    from leave import rollover

    act(recommended(employee_a, supervisor_a), "defer", unit_head_a, note="Pelayanan puncak")

    rollover.rollover_employee(employee=emp(employee_a), year=2028)

    assert numbers(employee_a, 2028)[Bucket.DEFERRED] == (3, 0, 0)


def test_deferral_needs_a_service_reason_and_applies_to_annual_and_long_leave_only(
    employee_a, supervisor_a, unit_head_a
):
    obj = recommended(employee_a, supervisor_a)
    with pytest.raises(ApplicationError) as no_reason:
        act(obj, "defer", unit_head_a, note="")
    assert "note" in no_reason.value.fields
    assert n(employee_a, 2027) == (12, 3, 0)

    sick = leave(employee_a, MONDAY + D(days=14), kind="CS")  # one day: no doctor's letter
    sick = LeaveRequest.objects.get(id=sick.id)
    if sick.step == "RECOMMEND":
        act(sick, "recommend", supervisor_a)
        sick = LeaveRequest.objects.get(id=sick.id)
    assert "defer" not in engine.allowed_actions(obj=sick, user=sick.decider.user)
    with pytest.raises(ApplicationError) as other_kind:
        act(sick, "defer", sick.decider.user, note="Sibuk")
    assert other_kind.value.code == "invalid"


@pytest.mark.parametrize("reason", ["HAJJ", "BIRTH"])
def test_long_leave_for_a_first_hajj_or_a_birth_cannot_be_deferred(employee_a, supervisor_a, unit_head_a, reason):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=30), kind="CB", submit=False)
    LeaveRequest.objects.filter(id=obj.id).update(
        sub_reason=reason,
        status="submitted",
        step="DECIDE",
        decider_id=emp(unit_head_a).id,
        recommender_id=emp(supervisor_a).id,
    )

    with pytest.raises(ApplicationError) as refused:
        act(LeaveRequest.objects.get(id=obj.id), "defer", unit_head_a, note="Pelayanan")

    violation = refused.value.violations[0]
    assert violation["code"] == "LEAVE_DEFER_NOT_ALLOWED" and violation["source"].startswith("PP 11/2017")
    assert LeaveRequest.objects.get(id=obj.id).status == "submitted"


def test_other_long_leave_can_be_deferred(employee_a, supervisor_a, unit_head_a):
    obj = leave(employee_a, MONDAY, MONDAY + D(days=30), kind="CB", submit=False)
    LeaveRequest.objects.filter(id=obj.id).update(
        status="submitted", step="DECIDE", decider_id=emp(unit_head_a).id, recommender_id=emp(supervisor_a).id
    )
    act(LeaveRequest.objects.get(id=obj.id), "defer", unit_head_a, note="Penugasan khusus")
    assert LeaveRequest.objects.get(id=obj.id).status == "deferred"


# ---------------------------------------------------------------------------- who may decide


@pytest.mark.parametrize("action", ["defer", "change-dates"])
def test_each_new_decision_per_role(client_for, employee_a, supervisor_a, unit_head_a, hr_admin_a, employee_b, action):
    obj = recommended(employee_a, supervisor_a)
    url = f"/api/v1/leaves/{obj.id}/{action}/"
    body = {"note": "Kebutuhan dinas", "date_from": TUESDAY.isoformat(), "date_to": FRIDAY.isoformat()}

    assert_error(client_for(employee_b).post(url, body, format="json"), 404)
    assert_error(client_for(supervisor_a).post(url, body, format="json"), 403)
    assert_error(client_for(hr_admin_a).post(url, body, format="json"), 403)
    assert_error(client_for(employee_a).post(url, body, format="json"), 403)
    assert LeaveRequest.objects.get(id=obj.id).status == "recommended"
    response = client_for(unit_head_a).post(url, body, format="json")
    assert response.status_code == 200, response.content[:400]
    assert response.json()["status"] == ("deferred" if action == "defer" else "approved")
    assert_error(client_for(unit_head_a).post(url, body, format="json"), 409, "stale_transition")
    assert Transition.objects.filter(object_id=obj.id, action=action.split("-")[0]).count() == 1


def test_the_decider_cannot_decide_before_the_opinion(employee_a, unit_head_a):
    obj = LeaveRequest.objects.get(id=leave(employee_a, MONDAY, MONDAY + D(days=2)).id)
    assert obj.step == "RECOMMEND"
    with pytest.raises(ConflictError):
        act(obj, "defer", unit_head_a, note="Kebutuhan dinas")


def test_the_decider_is_offered_the_four_decisions_and_the_supervisor_only_the_opinion(
    employee_a, supervisor_a, unit_head_a
):
    obj = LeaveRequest.objects.get(id=leave(employee_a, MONDAY, MONDAY + D(days=2)).id)
    assert engine.allowed_actions(obj=obj, user=supervisor_a) == ["recommend", "reject", "return"]
    act(obj, "recommend", supervisor_a)
    obj.refresh_from_db()
    assert engine.allowed_actions(obj=obj, user=unit_head_a) == ["approve", "change", "defer", "reject", "return"]
    with pytest.raises(PermissionDenied):
        act(obj, "change", supervisor_a, note="x")


def test_other_kinds_do_not_offer_the_leave_decisions():
    from flexwork.approvals.registry import specs

    for spec in specs():
        if spec.kind != "leave":
            assert not {"change", "defer"} & set(spec.actions), spec.kind


# ---------------------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_defer_and_approve_at_once_one_wins(employee_a, supervisor_a, unit_head_a):
    obj = recommended(employee_a, supervisor_a)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(action: str):
        try:
            fresh = LeaveRequest.objects.select_related("employee__unit", "employee__agency").get(id=obj.id)
            barrier.wait(timeout=30)
            with transaction.atomic():
                act(fresh, action, unit_head_a, note="Kebutuhan dinas")
            outcomes[action] = "ok"
        except ApplicationError as error:
            outcomes[action] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(action,)) for action in ("defer", "approve")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["ok", "stale_transition"]
    obj.refresh_from_db()
    if obj.status == "deferred":
        assert n(employee_a, 2027) == (12, 0, 0) and numbers(employee_a, 2028)[Bucket.DEFERRED] == (3, 0, 0)
    else:
        assert obj.status == "approved" and n(employee_a, 2027) == (12, 0, 3)
    assert Transition.objects.filter(object_id=obj.id, action__in=["defer", "approve"]).count() == 1


# ---------------------------------------------------------------------------- PPK-only escalation


def abroad(user):
    from attendance import requests

    return requests.leave_request_create(
        user=user, kind="CT", date_from=MONDAY, date_to=MONDAY + D(days=2), abroad=True
    )


def _escalate_late():
    from django.utils import timezone

    return engine.escalate_due(now=timezone.now() + D(days=30))


def test_leave_abroad_waiting_for_the_ppk_is_escalated_to_nobody_and_the_ppk_is_reminded(
    employee_a, supervisor_a, agency_head_a
):
    obj = abroad(employee_a)
    act(LeaveRequest.objects.get(id=obj.id), "recommend", supervisor_a)
    obj = LeaveRequest.objects.get(id=obj.id)
    assert obj.decider_id == emp(agency_head_a).id and obj.step == "DECIDE"

    assert _escalate_late() >= 1

    obj.refresh_from_db()
    assert obj.escalated_at is not None and obj.escalated_to_id is None
    assert Notification.objects.filter(recipient=agency_head_a, kind="attendance_request_reminder_ppk").count() == 1
    assert not Notification.objects.filter(kind="attendance_request_escalated").exists()


def test_leave_abroad_waiting_for_the_opinion_is_escalated_to_the_ppk(employee_a, agency_head_a):
    obj = abroad(employee_a)

    _escalate_late()

    obj.refresh_from_db()
    assert obj.step == "RECOMMEND" and obj.escalated_to_id == emp(agency_head_a).id


def test_other_leave_is_still_escalated_one_level_up(employee_a, supervisor_a, unit_head_a, agency_head_a):
    obj = recommended(employee_a, supervisor_a)

    _escalate_late()

    obj.refresh_from_db()
    assert obj.escalated_to_id == emp(agency_head_a).id


# ---------------------------------------------------------------------------- the printable form


@pytest.mark.parametrize(
    ("how", "ticked"), [("defer", "Ditangguhkan"), ("change", "Perubahan"), ("approve", "Disetujui")]
)
def test_the_printable_form_ticks_the_officials_decision(client, employee_a, supervisor_a, unit_head_a, how, ticked):
    from tests.reports.test_documents import pdf_text

    obj = recommended(employee_a, supervisor_a)
    if how == "change":
        change(obj, unit_head_a, TUESDAY, FRIDAY, note="Rapat kerja")
    else:
        act(obj, how, unit_head_a, note="Rapat kerja")
    client.force_login(employee_a)

    with translation.override("id"):
        response = client.get(f"/leave/requests/{obj.id}/form.pdf", HTTP_ACCEPT_LANGUAGE="id")

    text = pdf_text(response.content, f"leave-{how}")
    # The supervisor's opinion (approved) and the official's decision.
    if how == "approve":
        assert text.count("☒ Disetujui") == 2
    else:
        assert text.count("☒ Disetujui") == 1 and text.count(f"☒ {ticked}") == 1
    assert "Rapat kerja" in text
    if how == "change":
        assert "2 Mar 2027 – 5 Mar 2027" in text


# ---------------------------------------------------------------------------- the requests page


def test_the_page_offers_the_decisions_and_defers_once(client, employee_a, supervisor_a, unit_head_a):
    obj = recommended(employee_a, supervisor_a)
    client.force_login(unit_head_a)
    page = client.get("/attendance/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="defer"' in page and 'value="change"' in page and 'name="new_date_from"' in page
    url = f"/attendance/requests/leave/{obj.id}/decision/"

    refused = client.post(url, {"action": "defer", "note": ""})
    assert refused.status_code == 400
    assert LeaveRequest.objects.get(id=obj.id).status == "recommended"

    assert client.post(url, {"action": "defer", "note": "Akhir tahun anggaran"}).status_code == 302
    again = client.post(url, {"action": "defer", "note": "Akhir tahun anggaran"})
    assert again.status_code == 409
    assert Transition.objects.filter(object_id=obj.id, action="defer").count() == 1
    assert LeaveRequest.objects.get(id=obj.id).status == "deferred"

    client.force_login(employee_a)
    with translation.override("id"):
        mine = client.get("/attendance/requests/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Ditangguhkan" in mine and ">deferred<" not in mine


def test_a_refused_change_of_dates_keeps_the_dates_and_the_note_typed(client, employee_a, supervisor_a, unit_head_a):
    obj = recommended(employee_a, supervisor_a)
    client.force_login(unit_head_a)
    url = f"/attendance/requests/leave/{obj.id}/decision/"
    body = {"action": "change", "note": "Rapat kerja", "new_date_from": "2027-03-01", "new_date_to": "2027-03-31"}

    response = client.post(url, body, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="2027-03-31"' in page and 'value="Rapat kerja"' in page and 'class="errors"' in page
    missing = client.post(url, {**body, "new_date_to": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and 'class="errors"' in missing.content.decode()
    ok = client.post(url, {**body, "new_date_from": "2027-03-02", "new_date_to": "2027-03-05"})
    assert ok.status_code == 302
    obj.refresh_from_db()
    assert (obj.status, obj.date_from, obj.date_to) == ("approved", TUESDAY, FRIDAY)


def test_the_supervisor_may_not_defer_on_the_page(client, employee_a, supervisor_a):
    obj = recommended(employee_a, supervisor_a)
    client.force_login(supervisor_a)
    response = client.post(f"/attendance/requests/leave/{obj.id}/decision/", {"action": "defer", "note": "x"})
    assert response.status_code == 403
