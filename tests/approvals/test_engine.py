"""The approval engine through arrangements: every transition allowed and refused, the chain,
delegation, escalation, expiry, re-routing and deactivation."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flexwork.approvals import services as engine
from flexwork.approvals.models import ALLOWED_TRANSITIONS, ApprovalStatus, ApprovalStep, Transition
from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.notifications.models import Notification
from flexwork.org import services as org_services
from flexwork.org.models import Employee
from schedules import services
from schedules.models import ArrangementRequest, ArrangementRequestEvent, ScheduleDay
from tests.schedules.conftest import approve_fully, arrangement_input, create, days, emp, fetch

pytestmark = pytest.mark.django_db
S = ApprovalStatus


def transitions(ar):
    return list(engine.transitions_for(ar).values_list("action", "from_status", "to_status"))


# ---------------------------------------------------------------------------- the state machine


@pytest.mark.parametrize("current", list(S.values))
@pytest.mark.parametrize("target", list(S.values))
def test_the_engine_moves_only_along_allowed_transitions(employee_a, monday, current, target):
    ar = create(employee_a, days(monday, 0), submit=False)
    ArrangementRequest.objects.filter(id=ar.id).update(status=current)
    ar = fetch(ar)
    allowed = target in ALLOWED_TRANSITIONS.get(current, ())

    if allowed:
        engine.approval_transition(obj=ar, action="submit", to=target, actor=employee_a)
        assert fetch(ar).status == target
        assert Transition.objects.filter(object_id=ar.id, from_status=current, to_status=target).count() == 1
    else:
        # A same-state move of an ordinary action is refused too: a repeated submit records nothing.
        with pytest.raises(ConflictError) as caught:
            engine.approval_transition(obj=ar, action="submit", to=target, actor=employee_a)
        assert caught.value.code == "stale_transition"
        assert fetch(ar).status == current
        assert not Transition.objects.filter(object_id=ar.id).exists()


@pytest.mark.parametrize(
    ("action", "status", "keeps"),
    [
        ("cancel", S.APPROVED, True),
        ("revoke", S.APPROVED, True),
        ("escalate", S.RECOMMENDED, True),
        ("reroute", S.RETURNED, True),
        ("cancel", S.CANCELLED, False),
        ("revoke", S.SUBMITTED, False),
        ("escalate", S.APPROVED, False),
        ("reroute", S.WITHDRAWN, False),
    ],
)
def test_only_the_keep_status_actions_record_a_same_state_move(employee_a, monday, action, status, keeps):
    ar = create(employee_a, days(monday, 0), submit=False)
    ArrangementRequest.objects.filter(id=ar.id).update(status=status)

    if keeps:
        engine.approval_transition(obj=fetch(ar), action=action, to=status)
        assert transitions(ar)[-1] == (action, status, status)
    else:
        with pytest.raises(ConflictError) as caught:
            engine.approval_transition(obj=fetch(ar), action=action, to=status)
        assert caught.value.code == "stale_transition"
        assert transitions(ar) == []


def test_a_stale_object_loses_the_compare_and_swap(employee_a, monday):
    ar = create(employee_a, days(monday, 0))
    stale = fetch(ar)
    services.arrangement_request_withdraw(arrangement_request=fetch(ar), actor=employee_a)

    with pytest.raises(ConflictError) as caught:
        engine.approval_transition(obj=stale, action="withdraw", to=S.WITHDRAWN, actor=employee_a)

    assert caught.value.code == "stale_transition"
    assert Transition.objects.filter(object_id=ar.id, to_status=S.WITHDRAWN).count() == 1


def test_the_full_path_records_who_when_from_to_and_notes(employee_a, supervisor_a, unit_head_a, monday):
    ar = create(employee_a, days(monday, 0, 4))
    assert (ar.status, ar.step) == (S.SUBMITTED, ApprovalStep.RECOMMEND)
    assert ar.recommender_id == emp(supervisor_a).id and ar.decider_id == emp(unit_head_a).id

    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a, note="Setuju")
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a, note="OK")
    ar = fetch(ar)

    assert ar.status == S.APPROVED and ar.decided_at is not None
    assert transitions(ar) == [
        ("submit", "draft", "submitted"),
        ("recommend", "submitted", "recommended"),
        ("approve", "recommended", "approved"),
    ]
    recommend = engine.transitions_for(ar).get(action="recommend")
    assert recommend.actor == supervisor_a and recommend.note == "Setuju" and recommend.on_behalf_of is None
    assert sorted(ScheduleDay.objects.filter(arrangement=ar).values_list("local_date", flat=True)) == days(monday, 0, 4)
    day = ScheduleDay.objects.filter(arrangement=ar).first()
    assert day.unit_id == emp(employee_a).unit_id and day.supervisor_id == emp(supervisor_a).id


def test_an_approval_writes_one_audit_row(employee_a, supervisor_a, unit_head_a, monday):
    ar = create(employee_a, days(monday, 0))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    before = ArrangementRequestEvent.objects.filter(pgh_obj_id=ar.id).count()

    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)

    assert ArrangementRequestEvent.objects.filter(pgh_obj_id=ar.id).count() == before + 1


def test_the_recommender_cannot_approve_and_the_decider_cannot_recommend(employee_a, supervisor_a, unit_head_a, monday):
    ar = create(employee_a, days(monday, 0))

    with pytest.raises(ConflictError):
        services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
    with pytest.raises(PermissionDenied):
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=unit_head_a)
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    with pytest.raises(PermissionDenied):
        services.arrangement_request_approve(arrangement_request=fetch(ar), actor=supervisor_a)


def test_the_employee_cannot_decide_and_others_cannot_submit(employee_a, supervisor_a, monday):
    ar = create(employee_a, days(monday, 0), submit=False)
    with pytest.raises(PermissionDenied):
        services.arrangement_request_submit(arrangement_request=fetch(ar), actor=supervisor_a)
    services.arrangement_request_submit(arrangement_request=fetch(ar), actor=employee_a)
    with pytest.raises(PermissionDenied):
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=employee_a)


def test_the_recommender_is_skipped_when_the_supervisor_decides(supervisor_a, unit_head_a, monday):
    ar = create(supervisor_a, days(monday, 0))

    assert ar.step == ApprovalStep.DECIDE and ar.recommender_id is None
    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
    assert fetch(ar).status == S.APPROVED


def test_without_a_decider_the_submission_is_refused(agency_head_a, monday):
    with pytest.raises(ApplicationError) as caught:
        create(agency_head_a, days(monday, 0))  # the root's head: nobody above decides

    assert caught.value.code == "policy_violation"
    assert [v["code"] for v in caught.value.violations] == ["NO_APPROVER"]
    assert not ArrangementRequest.objects.exists()


def test_hard_violations_refuse_the_submission_and_store_nothing(employee_a, monday):
    with pytest.raises(ApplicationError) as caught:
        create(employee_a, days(monday, 0, 1, 2))

    assert caught.value.code == "policy_violation"
    assert [v["code"] for v in caught.value.violations] == ["CAP_WEEKLY"]
    assert not ArrangementRequest.objects.exists()


def test_soft_violations_need_an_override_reason(employee_a, supervisor_a, unit_head_a, monday, org_world):
    org_services.unit_update(unit=org_world.sec_a, data={"is_public_service": True})
    ar = create(employee_a, days(monday, 0))
    assert [v["code"] for v in ar.violations] == ["COVERAGE_UNIT_SHARE"]
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    with pytest.raises(ApplicationError) as caught:
        services.arrangement_request_approve(arrangement_request=fetch(ar), actor=unit_head_a)
    assert caught.value.code == "override_reason_required" and "override_reason" in caught.value.fields

    services.arrangement_request_approve(
        arrangement_request=fetch(ar), actor=unit_head_a, override_reason="Tenggat laporan"
    )
    ar = fetch(ar)
    assert ar.override_reason == "Tenggat laporan"
    assert engine.transitions_for(ar).get(action="approve").override_reason == "Tenggat laporan"


def test_reject_and_withdraw(employee_a, supervisor_a, monday):
    first = create(employee_a, days(monday, 0))
    services.arrangement_request_reject(arrangement_request=fetch(first), actor=supervisor_a, note="Ada rapat")
    second = create(employee_a, days(monday, 1))
    services.arrangement_request_withdraw(arrangement_request=fetch(second), actor=employee_a)

    assert fetch(first).status == S.REJECTED and fetch(second).status == S.WITHDRAWN
    with pytest.raises(ConflictError):
        services.arrangement_request_withdraw(arrangement_request=fetch(first), actor=employee_a)
    assert Notification.objects.filter(recipient=employee_a, kind="arrangement_rejected").exists()


@pytest.mark.parametrize("returned_at", ["recommend", "decide"])
def test_a_returned_request_reenters_at_the_step_that_returned_it(
    employee_a, supervisor_a, unit_head_a, monday, returned_at
):
    ar = create(employee_a, days(monday, 0))
    if returned_at == "decide":
        services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    returner = supervisor_a if returned_at == "recommend" else unit_head_a
    services.arrangement_request_return(arrangement_request=fetch(ar), actor=returner, note="Lengkapi rencana kerja")
    assert fetch(ar).status == S.RETURNED

    services.arrangement_request_update(
        arrangement_request=fetch(ar), data=arrangement_input(days(monday, 0, 4)), actor=employee_a, submit=True
    )
    ar = fetch(ar)

    assert ar.status == S.SUBMITTED
    assert ar.step == (ApprovalStep.RECOMMEND if returned_at == "recommend" else ApprovalStep.DECIDE)
    assert list(ar.dates) == days(monday, 0, 4)


def test_only_drafts_and_returned_requests_can_be_edited(employee_a, monday):
    ar = create(employee_a, days(monday, 0))

    with pytest.raises(ConflictError):
        services.arrangement_request_update(
            arrangement_request=fetch(ar), data=arrangement_input(days(monday, 1)), actor=employee_a
        )


def test_cancel_chosen_days_then_all(employee_a, supervisor_a, unit_head_a, monday):
    ar = approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)

    services.arrangement_request_cancel(arrangement_request=fetch(ar), actor=employee_a, dates=[monday])
    assert fetch(ar).status == S.APPROVED
    assert list(
        ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True).values_list("local_date", flat=True)
    ) == [monday + datetime.timedelta(days=4)]

    services.arrangement_request_cancel(arrangement_request=fetch(ar), actor=employee_a)
    assert fetch(ar).status == S.CANCELLED
    assert [t[0] for t in transitions(ar)][-2:] == ["cancel", "cancel"]
    with pytest.raises(ConflictError):
        services.arrangement_request_cancel(arrangement_request=fetch(ar), actor=employee_a)


def test_cancel_refuses_a_day_that_is_not_a_future_day_of_the_request(employee_a, supervisor_a, unit_head_a, monday):
    ar = approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)

    with pytest.raises(ApplicationError) as caught:
        services.arrangement_request_cancel(
            arrangement_request=fetch(ar), actor=employee_a, dates=[monday + datetime.timedelta(days=1)]
        )
    assert "dates" in caught.value.fields


def test_revoke_is_for_the_decider_with_a_reason(employee_a, supervisor_a, unit_head_a, monday):
    ar = approve_fully(create(employee_a, days(monday, 0, 4)), supervisor=supervisor_a, decider=unit_head_a)

    with pytest.raises(PermissionDenied):
        services.arrangement_request_revoke(arrangement_request=fetch(ar), actor=employee_a, note="x")
    with pytest.raises(ApplicationError):
        services.arrangement_request_revoke(arrangement_request=fetch(ar), actor=unit_head_a, note="")
    services.arrangement_request_revoke(arrangement_request=fetch(ar), actor=unit_head_a, note="Kinerja menurun")

    assert fetch(ar).status == S.REVOKED
    assert not ScheduleDay.objects.filter(arrangement=ar, cancelled_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=employee_a, kind="arrangement_revoked").exists()


# ---------------------------------------------------------------------------- delegation


def test_a_delegate_acts_on_behalf_of_the_decider(employee_a, supervisor_a, unit_head_a, hr_admin_a, monday):
    today = today_in("Asia/Makassar")  # agency A
    engine.delegation_create(
        delegator=emp(unit_head_a),
        delegate=emp(hr_admin_a),
        date_from=today - datetime.timedelta(days=1),
        date_to=today + datetime.timedelta(days=1),
        kinds=["arrangement"],
    )
    ar = create(employee_a, days(monday, 0))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=hr_admin_a)

    approval = engine.transitions_for(fetch(ar)).get(action="approve")
    assert approval.actor == hr_admin_a and approval.on_behalf_of_id == emp(unit_head_a).id


@pytest.mark.parametrize("case", ["past", "other_kind", "revoked"])
def test_a_delegation_out_of_range_of_another_kind_or_revoked_gives_no_right(
    employee_a, supervisor_a, unit_head_a, hr_admin_a, monday, case
):
    today = today_in("Asia/Makassar")  # agency A
    start = today - datetime.timedelta(days=10) if case == "past" else today
    end = today - datetime.timedelta(days=5) if case == "past" else today + datetime.timedelta(days=3)
    delegation = engine.delegation_create(
        delegator=emp(unit_head_a),
        delegate=emp(hr_admin_a),
        date_from=start,
        date_to=end,
        kinds=["leave"] if case == "other_kind" else ["arrangement"],
    )
    if case == "revoked":
        engine.delegation_revoke(delegation=delegation)
    ar = create(employee_a, days(monday, 0))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)

    with pytest.raises(PermissionDenied):
        services.arrangement_request_approve(arrangement_request=fetch(ar), actor=hr_admin_a)


def test_nobody_decides_their_own_request_not_even_as_a_delegate(supervisor_a, unit_head_a, monday):
    today = today_in("Asia/Makassar")  # agency A
    engine.delegation_create(
        delegator=emp(unit_head_a),
        delegate=emp(supervisor_a),
        date_from=today,
        date_to=today + datetime.timedelta(days=7),
        kinds=["arrangement"],
    )
    ar = create(supervisor_a, days(monday, 0))

    with pytest.raises(PermissionDenied):
        services.arrangement_request_approve(arrangement_request=fetch(ar), actor=supervisor_a)


def test_a_delegation_refuses_itself_and_reversed_dates(unit_head_a):
    today = today_in("Asia/Makassar")  # agency A
    with pytest.raises(ApplicationError):
        engine.delegation_create(
            delegator=emp(unit_head_a), delegate=emp(unit_head_a), date_from=today, date_to=today, kinds=["arrangement"]
        )


# ---------------------------------------------------------------------------- escalation and expiry


def _age(ar, working_days_back: int):
    moment = timezone.now()
    back = 0
    while back < working_days_back:
        moment -= datetime.timedelta(days=1)
        if moment.isoweekday() <= 5:
            back += 1
    ArrangementRequest.objects.filter(id=ar.id).update(step_since=moment - datetime.timedelta(hours=1))


def test_escalation_after_n_working_days_lets_both_act_and_the_first_wins(
    employee_a, supervisor_a, unit_head_a, agency_head_a, monday
):
    ar = create(employee_a, days(monday, 0))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    _age(ar, 1)
    assert services.arrangement_requests_escalate_due() == 0

    _age(ar, 4)
    assert services.arrangement_requests_escalate_due() == 1
    assert services.arrangement_requests_escalate_due() == 0  # once
    ar = fetch(ar)
    assert ar.escalated_to_id == emp(agency_head_a).id
    assert Notification.objects.filter(recipient=agency_head_a, kind="arrangement_escalated").exists()
    assert Notification.objects.filter(recipient=unit_head_a, kind="arrangement_reminder").exists()

    services.arrangement_request_approve(arrangement_request=fetch(ar), actor=agency_head_a)
    with pytest.raises(ConflictError):
        services.arrangement_request_approve(arrangement_request=ar, actor=unit_head_a)
    assert fetch(ar).status == S.APPROVED
    assert [t[0] for t in transitions(ar)] == ["submit", "recommend", "escalate", "approve"]


def test_a_request_expires_at_midnight_office_time_of_its_first_day(employee_a, monday):
    ar = create(employee_a, days(monday, 0, 1))
    zone = zoneinfo.ZoneInfo("Asia/Makassar")  # agency A
    midnight = datetime.datetime.combine(monday, datetime.time(0, 0), tzinfo=zone)

    assert services.arrangement_requests_expire_due(now=midnight - datetime.timedelta(minutes=1)) == 0
    assert services.arrangement_requests_expire_due(now=midnight) == 1
    assert fetch(ar).status == S.EXPIRED
    assert transitions(ar)[-1] == ("expire", "submitted", "expired")
    assert Notification.objects.filter(recipient=employee_a, kind="arrangement_expired").exists()


# ---------------------------------------------------------------------------- organisation events


def test_a_new_supervisor_reroutes_pending_requests(employee_a, supervisor_a, unit_head_a, hr_admin_a, monday):
    ar = create(employee_a, days(monday, 0))
    org_services.employee_update(employee=emp(employee_a), data={"supervisor": emp(unit_head_a)}, actor=hr_admin_a)

    ar = fetch(ar)
    assert ar.recommender_id is None and ar.step == ApprovalStep.DECIDE and ar.status == S.SUBMITTED
    assert transitions(ar)[-1] == ("reroute", "submitted", "submitted")
    assert Notification.objects.filter(recipient=unit_head_a, kind="arrangement_rerouted").exists()


def test_a_unit_change_reroutes_to_the_new_decider(
    employee_a, supervisor_a, unit_head_a, agency_head_a, hr_admin_a, monday, org_world
):
    ar = create(employee_a, days(monday, 0))
    services.arrangement_request_recommend(arrangement_request=fetch(ar), actor=supervisor_a)
    org_services.unit_update(unit=org_world.hr_unit_a, data={"head": emp(agency_head_a)})
    org_services.employee_update(employee=emp(employee_a), data={"unit": org_world.hr_unit_a}, actor=hr_admin_a)

    assert fetch(ar).decider_id == emp(agency_head_a).id


def test_deactivation_withdraws_pending_and_cancels_future_days(
    employee_a, supervisor_a, unit_head_a, hr_admin_a, monday
):
    approved = approve_fully(create(employee_a, days(monday, 0)), supervisor=supervisor_a, decider=unit_head_a)
    pending = create(employee_a, days(monday, 4))

    org_services.employee_update(employee=emp(employee_a), data={"is_active": False}, actor=hr_admin_a)

    assert fetch(pending).status == S.WITHDRAWN
    assert fetch(approved).status == S.CANCELLED
    assert not ScheduleDay.objects.filter(employee__user=employee_a, cancelled_at__isnull=True).exists()
    assert not Employee.objects.get(user=employee_a).is_active
