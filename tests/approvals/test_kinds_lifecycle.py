"""Leave/official duty and attendance corrections follow the same lifecycle as arrangements
(docs/rules.md §3, §7): they expire at 00:00 office time of their expiry day, escalate with a
reminder to the approver, are re-routed on a change of supervisor and closed on deactivation."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from attendance import requests as request_services
from attendance.models import AttendanceCorrection, LeaveRequest
from flexwork.approvals import engine
from flexwork.approvals.models import ApprovalAction, ApprovalStatus, ApprovalStep, Transition
from flexwork.common.calendar import office_today, start_of_day
from flexwork.common.exceptions import ConflictError
from flexwork.notifications.models import Notification
from flexwork.org import services as org_services
from tests.schedules.conftest import emp

pytestmark = pytest.mark.django_db
S = ApprovalStatus
WITA = "Asia/Makassar"  # agency A


def leave(user, *, start_in_days: int = 14, kind: str = "CT", submit: bool = True) -> LeaveRequest:
    start = office_today(emp(user)) + datetime.timedelta(days=start_in_days)
    start += datetime.timedelta(days=(7 - start.weekday()) % 7)  # a Monday: annual leave counts working days
    return request_services.leave_request_create(
        user=user, kind=kind, date_from=start, date_to=start + datetime.timedelta(days=1), submit=submit
    )


def correction(user, *, days_back: int = 0) -> AttendanceCorrection:
    day = office_today(emp(user)) - datetime.timedelta(days=days_back)
    return request_services.correction_create(
        user=user, local_date=day, kind="IN", corrected_time=datetime.time(7, 30), reason="Lupa presensi"
    )


def actions(obj) -> list[tuple[str, str, str]]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        Transition.objects.filter(content_type=content_type, object_id=obj.id).values_list(
            "action", "from_status", "to_status"
        )
    )


def fresh(obj):
    return type(obj).objects.select_related("employee__unit", "employee__agency").get(id=obj.id)


# ---------------------------------------------------------------------------- expiry


def test_leave_expires_at_midnight_office_time_of_its_first_day(employee_a):
    request = leave(employee_a)
    midnight = start_of_day(request.date_from, WITA)

    assert engine.expire_due(now=midnight - datetime.timedelta(minutes=1)) == 0
    assert engine.expire_due(now=midnight) == 1
    assert engine.expire_due(now=midnight) == 0  # once

    assert fresh(request).status == S.EXPIRED and fresh(request).step is None
    assert actions(request)[-1] == ("expire", "submitted", "expired")
    assert Notification.objects.filter(recipient=employee_a, kind="attendance_request_expired").count() == 1


def test_sick_leave_does_not_expire_at_its_first_day(employee_a):
    """Sick leave is often asked for on the day itself or after it (a kind switched off as data)."""
    start = office_today(emp(employee_a)) + datetime.timedelta(days=14)  # one day: no doctor's letter asked
    request = request_services.leave_request_create(user=employee_a, kind="CS", date_from=start, date_to=start)

    assert engine.expire_due(now=start_of_day(request.date_from + datetime.timedelta(days=3), WITA)) == 0
    assert fresh(request).status == S.SUBMITTED


def test_a_draft_does_not_expire(employee_a):
    request = leave(employee_a, submit=False)

    assert engine.expire_due(now=start_of_day(request.date_from, WITA)) == 0
    assert fresh(request).status == S.DRAFT


def test_a_correction_expires_when_its_day_leaves_the_correction_window(employee_a):
    request = correction(employee_a)
    window_closed = request.local_date + datetime.timedelta(days=request_services.CORRECTION_WINDOW_DAYS + 1)

    # Not at its own date (a correction is of a past day), nor while the day can still be corrected.
    assert engine.expire_due(now=start_of_day(request.local_date + datetime.timedelta(days=1), WITA)) == 0
    assert engine.expire_due(now=start_of_day(window_closed, WITA) - datetime.timedelta(minutes=1)) == 0
    assert engine.expire_due(now=start_of_day(window_closed, WITA)) == 1

    assert fresh(request).status == S.EXPIRED
    assert Notification.objects.filter(recipient=employee_a, kind="attendance_request_expired").count() == 1


# ---------------------------------------------------------------------------- escalation


def _waited(obj, working_days: int) -> None:
    moment = timezone.now()
    back = 0
    while back < working_days:
        moment -= datetime.timedelta(days=1)
        if moment.isoweekday() <= 5:
            back += 1
    type(obj).objects.filter(id=obj.id).update(step_since=moment - datetime.timedelta(hours=1))


def test_leave_escalates_one_level_up_and_the_approver_is_reminded(
    employee_a, supervisor_a, unit_head_a, agency_head_a
):
    request = leave(employee_a)
    request_services.request_act(obj=fresh(request), action="recommend", actor=supervisor_a)
    _waited(request, 1)
    assert engine.escalate_due() == 0

    _waited(request, 4)
    assert engine.escalate_due() == 1
    assert engine.escalate_due() == 0  # once per step

    request = fresh(request)
    assert request.escalated_to_id == emp(agency_head_a).id and request.status == S.RECOMMENDED
    assert Notification.objects.filter(recipient=agency_head_a, kind="attendance_request_escalated").count() == 1
    reminder = Notification.objects.get(recipient=unit_head_a, kind="attendance_request_reminder")
    assert emp(agency_head_a).name in reminder.body
    # Both may act now; the first wins and the other's step has passed.
    request_services.request_act(obj=fresh(request), action="approve", actor=agency_head_a)
    with pytest.raises(ConflictError) as caught:
        request_services.request_act(obj=fresh(request), action="approve", actor=unit_head_a)
    assert caught.value.code == "stale_transition"
    assert [a[0] for a in actions(request)] == ["submit", "recommend", "escalate", "approve"]


def test_a_correction_waiting_for_its_recommender_escalates_to_the_decider(employee_a, supervisor_a, unit_head_a):
    request = correction(employee_a)
    _waited(request, 4)

    assert engine.escalate_due() == 1

    request = fresh(request)
    assert request.step == ApprovalStep.RECOMMEND and request.escalated_to_id == emp(unit_head_a).id
    assert Notification.objects.filter(recipient=unit_head_a, kind="attendance_request_escalated").exists()
    assert Notification.objects.filter(recipient=supervisor_a, kind="attendance_request_reminder").exists()
    # The escalation target may recommend as well.
    request_services.request_act(obj=request, action="recommend", actor=unit_head_a)
    assert fresh(request).status == S.RECOMMENDED


# ---------------------------------------------------------------------------- organisation events


def test_a_new_supervisor_reroutes_pending_leave_and_corrections(employee_a, supervisor_a, unit_head_a, hr_admin_a):
    pending_leave, pending_correction = leave(employee_a), correction(employee_a)
    Notification.objects.all().delete()

    org_services.employee_update(employee=emp(employee_a), data={"supervisor": emp(unit_head_a)}, actor=hr_admin_a)

    for request in (pending_leave, pending_correction):
        request = fresh(request)
        assert request.recommender_id is None and request.step == ApprovalStep.DECIDE
        assert request.status == S.SUBMITTED
        assert actions(request)[-1] == ("reroute", "submitted", "submitted")
    assert Notification.objects.filter(recipient=unit_head_a, kind="attendance_request_pending").count() == 2
    # The former recommender is no longer in the chain and never acted on it: 403; the decider decides.
    with pytest.raises(PermissionDenied):
        request_services.request_act(obj=fresh(pending_leave), action="recommend", actor=supervisor_a)
    request_services.request_act(obj=fresh(pending_leave), action="approve", actor=unit_head_a)
    assert fresh(pending_leave).status == S.APPROVED


def test_deactivation_withdraws_open_leave_and_corrections_and_cancels_future_leave(
    employee_a, supervisor_a, unit_head_a, hr_admin_a
):
    open_leave, open_correction = leave(employee_a), correction(employee_a)
    approved = leave(employee_a, start_in_days=30)
    request_services.request_act(obj=fresh(approved), action="recommend", actor=supervisor_a)
    request_services.request_act(obj=fresh(approved), action="approve", actor=unit_head_a)

    org_services.employee_update(employee=emp(employee_a), data={"is_active": False}, actor=hr_admin_a)

    assert fresh(open_leave).status == S.WITHDRAWN
    assert fresh(open_correction).status == S.WITHDRAWN
    assert fresh(approved).status == S.CANCELLED
    assert actions(open_correction)[-1] == (ApprovalAction.WITHDRAW, "submitted", "withdrawn")


# ---------------------------------------------------------------------------- one task for every kind


def test_the_beat_tasks_run_the_engine_for_every_kind(settings, employee_a, monday):
    from flexwork.approvals import tasks
    from tests.schedules.conftest import create

    arrangement = create(employee_a, [monday])
    request = leave(employee_a)
    assert settings.CELERY_BEAT_SCHEDULE["approvals-expire"]["task"] == tasks.approvals_expire_due_task.name
    assert settings.CELERY_BEAT_SCHEDULE["approvals-escalate"]["task"] == tasks.approvals_escalate_due_task.name

    later = max(arrangement.first_date, request.date_from) + datetime.timedelta(days=1)
    assert engine.expire_due(now=start_of_day(later, WITA)) == 2
    assert fresh(arrangement).status == S.EXPIRED and fresh(request).status == S.EXPIRED
