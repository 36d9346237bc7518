"""Duty swaps (tukar dinas, docs/rules.md §8 "Changes and swaps"): A asks, B accepts or declines, the
head of the roster's unit decides through the approval engine, and approval replaces both duties at
once under row locks. Scoping 404, role 403, stale or repeated 409 on every endpoint; a fixed number
of queries for the list."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in
from flexwork.notifications.models import Notification
from shifts import swaps
from shifts.models import Duty, DutyKind, DutySource, DutySwap, Roster, RosterStatus, SwapAnswer
from shifts.times import duty_times
from tests.helpers import post_concurrently
from tests.shifts.conftest import ROSTER_ZONE

S = ApprovalStatus


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def day(offset: int) -> datetime.date:
    return today_in(ROSTER_ZONE) + datetime.timedelta(days=offset)


def make_roster(unit, *, start: datetime.date | None = None) -> Roster:
    start = start or day(-3)
    return Roster.objects.create(
        agency_id=unit.agency_id,
        unit=unit,
        period_start=start,
        period_end=start + datetime.timedelta(days=40),
        status=RosterStatus.PUBLISHED,
        published_at=timezone.now(),
    )


def make_duty(roster, user, duty_date, shift_type=None, *, kind=DutyKind.SHIFT) -> Duty:
    employee = user.employee
    values = {}
    if kind == DutyKind.SHIFT:
        times = duty_times(
            duty_date=duty_date,
            start=shift_type.start_time,
            end=shift_type.end_time,
            break_minutes=shift_type.break_minutes,
            zone=ROSTER_ZONE,
        )
        values = {
            "shift_type": shift_type,
            "start_at": times.start_at,
            "end_at": times.end_at,
            "break_minutes": times.break_minutes,
            "net_minutes": times.net_minutes,
            "is_night": shift_type.is_night,
        }
    return Duty.objects.create(
        agency_id=roster.agency_id,
        roster=roster,
        employee=employee,
        duty_date=duty_date,
        kind=kind,
        is_published=True,
        unit_id=employee.unit_id,
        supervisor_id=employee.supervisor_id,
        **values,
    )


@pytest.fixture
def world(roster_unit, roster_head, shift_types, nurses):
    """A published roster: nurse A on P in 3 days, nurse B on S in 4 days (an OFF in 3 days)."""
    roster = make_roster(roster_unit)
    a, b = nurses[0], nurses[1]
    duty_a = make_duty(roster, a, day(3), shift_types["P"])
    duty_b = make_duty(roster, b, day(4), shift_types["S"])
    off_b = make_duty(roster, b, day(3), kind=DutyKind.OFF)

    class World:
        pass

    w = World()
    w.roster, w.unit, w.head, w.a, w.b, w.other = roster, roster_unit, roster_head, a, b, nurses[2]
    w.duty_a, w.duty_b, w.off_b, w.types = duty_a, duty_b, off_b, shift_types
    return w


def ask(w, *, colleague_duty=True, reason="Ada acara keluarga") -> DutySwap:
    return swaps.swap_request(
        duty=w.duty_a,
        colleague=w.b.employee,
        colleague_duty=w.duty_b if colleague_duty else None,
        reason=reason,
        actor=w.a,
    )


def accepted(w, **kwargs) -> DutySwap:
    swap = ask(w, **kwargs)
    swaps.swap_accept(swap=swap, actor=w.b)
    return DutySwap.objects.get(id=swap.id)


def path(swap, action: str = "") -> str:
    return f"/api/v1/duty-swaps/{swap.id}/" + (f"{action}/" if action else "")


# ---------------------------------------------------------------------------- the life of a swap


def test_swap_applied_atomically_both_duties_replaced(world):
    w = world
    swap = accepted(w)
    assert swap.status == S.SUBMITTED and swap.answer == SwapAnswer.ACCEPTED
    assert swap.decider_id == w.head.employee.id
    assert Notification.objects.filter(recipient=w.head, kind="swap_submitted").exists()

    response = client(w.head).post(path(swap, "approve"), {"note": "Silakan"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"

    old_a, old_b, off_b = (Duty.objects.get(id=d.id) for d in (w.duty_a, w.duty_b, w.off_b))
    assert not old_a.is_active and not old_b.is_active and not off_b.is_active
    assert old_a.sequence == 1 and old_b.sequence == 1
    new_b = Duty.objects.get(id=old_a.replaced_by_id)
    new_a = Duty.objects.get(id=old_b.replaced_by_id)
    assert off_b.replaced_by_id == new_b.id
    assert (new_b.employee_id, new_b.duty_date, new_b.source) == (w.b.employee.id, old_a.duty_date, DutySource.SWAP)
    assert (new_b.start_at, new_b.end_at, new_b.shift_type_id) == (old_a.start_at, old_a.end_at, old_a.shift_type_id)
    assert (new_a.employee_id, new_a.duty_date) == (w.a.employee.id, old_b.duty_date)
    assert (new_a.start_at, new_a.end_at) == (old_b.start_at, old_b.end_at)
    # A is left with a day off on the date given away; each date has one active duty per person.
    off_a = Duty.objects.get(employee=w.a.employee, duty_date=old_a.duty_date, is_active=True)
    assert off_a.kind == DutyKind.OFF and off_a.source == DutySource.SWAP
    off_b_new = Duty.objects.get(employee=w.b.employee, duty_date=old_b.duty_date, is_active=True)
    assert off_b_new.kind == DutyKind.OFF
    for user in (w.a, w.b):
        assert Notification.objects.filter(recipient=user, kind="swap_approved").count() == 1


def test_a_swap_without_a_duty_in_return_gives_the_colleague_the_shift(world):
    w = world
    swap = accepted(w, colleague_duty=False)
    swaps.swap_act(swap=swap, action="approve", actor=w.head)
    new_b = Duty.objects.get(id=Duty.objects.get(id=w.duty_a.id).replaced_by_id)
    assert new_b.employee_id == w.b.employee.id and new_b.kind == DutyKind.SHIFT
    assert Duty.objects.get(id=w.duty_b.id).is_active  # B's own duty stays


def test_declined_swap_tells_requester(world):
    w = world
    swap = ask(w)
    assert Notification.objects.filter(recipient=w.b, kind="swap_asked").count() == 1
    response = client(w.b).post(path(swap, "decline"), {"note": "Maaf, saya ada kegiatan"}, format="json")
    assert response.status_code == 200, response.content
    swap.refresh_from_db()
    assert swap.status == S.WITHDRAWN and swap.answer == SwapAnswer.DECLINED
    notice = Notification.objects.get(recipient=w.a, kind="swap_declined")
    assert "Maaf, saya ada kegiatan" in notice.body
    assert Duty.objects.get(id=w.duty_a.id).is_active


def test_swap_expires_when_earlier_duty_starts(world):
    w = world
    swap = accepted(w)
    assert swap.expires_at == min(w.duty_a.start_at, w.duty_b.start_at)
    assert swaps.swaps_expire_due(now=swap.expires_at - datetime.timedelta(minutes=1)) == 0
    assert swaps.swaps_expire_due(now=swap.expires_at) == 1
    assert swaps.swaps_expire_due(now=swap.expires_at) == 0  # repeated: nothing more
    swap.refresh_from_db()
    assert swap.status == S.EXPIRED
    for user in (w.a, w.b, w.head):
        assert Notification.objects.filter(recipient=user, kind="swap_expired").count() == 1


def test_a_swap_waiting_for_the_colleague_expires_too(world):
    w = world
    swap = ask(w)
    assert swaps.swaps_expire_due(now=swap.expires_at + datetime.timedelta(seconds=1)) == 1
    swap.refresh_from_db()
    assert swap.status == S.EXPIRED


def test_started_duty_cannot_be_swapped(world):
    w = world
    past = make_duty(w.roster, w.a, day(-1), w.types["P"])
    response = client(w.a).post(
        "/api/v1/duty-swaps/", {"duty": past.id, "colleague": w.b.employee.id, "reason": "x"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert [v["code"] for v in response.json()["violations"]] == ["SWAP_STARTED"]
    assert not DutySwap.objects.exists()

    # Accepted before the start, decided after it: refused at the decision, nothing written.
    swap = accepted(w)
    started = timezone.now() - datetime.timedelta(minutes=5)
    Duty.objects.filter(id=w.duty_a.id).update(start_at=started, end_at=started + datetime.timedelta(hours=7))
    response = client(w.head).post(path(swap, "approve"), {}, format="json")
    assert response.status_code == 400
    assert [v["code"] for v in response.json()["violations"]] == ["SWAP_STARTED"]
    swap.refresh_from_db()
    assert swap.status == S.SUBMITTED
    assert Duty.objects.get(id=w.duty_a.id).is_active


def test_a_colleague_already_on_a_shift_that_day_is_refused_duty_overlap(world):
    w = world
    other_day = make_duty(w.roster, w.b, day(6), w.types["S"])
    mine = make_duty(w.roster, w.a, day(6), w.types["P"])
    with pytest.raises(swaps.ApplicationError) as caught:
        swaps.swap_request(duty=mine, colleague=w.b.employee, reason="x", actor=w.a)
    assert [v["code"] for v in caught.value.violations] == ["DUTY_OVERLAP"]
    assert Duty.objects.get(id=other_day.id).is_active


def test_overlapping_times_are_refused_duty_overlap(world):
    w = world
    # B works a night (21:00–07:00) the evening before; A's long duty starts at 07:00 (no overlap), but a
    # night of A's on the same evening as B's night would overlap B's own.
    make_duty(w.roster, w.b, day(9), w.types["M"])
    mine = make_duty(w.roster, w.a, day(10), w.types["L"])
    swap = swaps.swap_request(duty=mine, colleague=w.b.employee, reason="x", actor=w.a)  # touching, not overlapping
    assert swap.id
    Duty.objects.filter(employee=w.b.employee, duty_date=day(9)).update(
        end_at=mine.start_at + datetime.timedelta(hours=1)
    )
    response = client(w.b).post(path(swap, "accept"), {}, format="json")
    assert response.status_code == 400
    assert [v["code"] for v in response.json()["violations"]] == ["DUTY_OVERLAP"]


def test_the_unit_head_asking_goes_to_the_next_decision_level(world, org_world):
    w = world
    mine = make_duty(w.roster, w.head, day(5), w.types["P"])
    swap = swaps.swap_request(duty=mine, colleague=w.b.employee, reason="Rapat", actor=w.head)
    swaps.swap_accept(swap=swap, actor=w.b)
    swap.refresh_from_db()
    assert swap.decider_id not in (w.head.employee.id, w.b.employee.id)
    assert swap.decider_id == org_world.unit_head_a.employee.id


# ---------------------------------------------------------------------------- 404 / 403 / 409


ENDPOINTS = ["", "accept", "decline", "approve", "reject", "withdraw"]


@pytest.mark.parametrize("action", ENDPOINTS)
def test_another_agency_or_a_stranger_gets_404(world, org_world, action):
    swap = ask(world)
    for outsider in (org_world.employee_b, world.other):
        api = client(outsider)
        response = api.get(path(swap)) if not action else api.post(path(swap, action), {}, format="json")
        assert response.status_code == 404, (outsider, action, response.content)
    swap.refresh_from_db()
    assert swap.status == S.DRAFT


def test_a_duty_of_someone_else_is_404_to_request(world, org_world):
    w = world
    response = client(w.other).post(
        "/api/v1/duty-swaps/", {"duty": w.duty_a.id, "colleague": w.b.employee.id, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    response = client(w.a).post(
        "/api/v1/duty-swaps/",
        {"duty": w.duty_a.id, "colleague": org_world.employee_b.employee.id, "reason": "x"},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("a", "accept"),
        ("a", "decline"),
        ("head", "accept"),
        ("head", "decline"),
        ("b", "approve"),
        ("b", "withdraw"),
    ],
)
def test_a_role_failure_in_scope_is_403_on_a_waiting_swap(world, who, action):
    swap = ask(world)
    response = client(getattr(world, who)).post(path(swap, action), {}, format="json")
    assert response.status_code == 403, response.content
    swap.refresh_from_db()
    assert (swap.status, swap.answer) == (S.DRAFT, SwapAnswer.WAITING)


@pytest.mark.parametrize(("who", "action"), [("a", "approve"), ("b", "approve"), ("b", "reject"), ("a", "reject")])
def test_only_the_unit_head_decides_403(world, who, action):
    swap = accepted(world)
    response = client(getattr(world, who)).post(path(swap, action), {}, format="json")
    assert response.status_code == 403
    swap.refresh_from_db()
    assert swap.status == S.SUBMITTED


@pytest.mark.parametrize(("who", "action"), [("b", "accept"), ("b", "decline"), ("head", "approve"), ("a", "withdraw")])
def test_a_repeated_or_stale_move_is_409(world, who, action):
    w = world
    swap = accepted(w)
    if action in ("approve", "withdraw"):
        first = client(getattr(w, who)).post(path(swap, action), {}, format="json")
        assert first.status_code == 200, first.content
    response = client(getattr(w, who)).post(path(swap, action), {}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "stale_transition"


def test_a_stale_version_is_409_and_writes_nothing(world):
    w = world
    swap = ask(w)
    stale = (swap.updated_at - datetime.timedelta(seconds=5)).isoformat()
    response = client(w.b).post(path(swap, "accept"), {"expected_updated_at": stale}, format="json")
    assert response.status_code == 409
    swap.refresh_from_db()
    assert swap.status == S.DRAFT
    fresh = client(w.b).post(path(swap, "accept"), {"expected_updated_at": swap.updated_at.isoformat()}, format="json")
    assert fresh.status_code == 200, fresh.content


def test_a_repeated_request_is_409(world):
    w = world
    body = {"duty": w.duty_a.id, "colleague": w.b.employee.id, "reason": "Ada acara"}
    first = client(w.a).post("/api/v1/duty-swaps/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["allowed_actions"] == ["withdraw"]
    again = client(w.a).post("/api/v1/duty-swaps/", body, format="json")
    assert again.status_code == 409
    assert DutySwap.objects.count() == 1


def test_a_swap_with_warnings_needs_an_override_reason(world, monkeypatch):
    from schedules.policy import Violation

    w = world
    swap = accepted(w)
    warning = Violation("SHIFT_REST", "soft", "Istirahat kurang dari 10 jam", (day(3),))
    monkeypatch.setattr(swaps, "_soft_warnings", lambda *_a, **_k: [warning.as_dict()])
    response = client(w.head).post(path(swap, "approve"), {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "override_reason_required"
    response = client(w.head).post(path(swap, "approve"), {"override_reason": "Darurat"}, format="json")
    assert response.status_code == 200
    swap.refresh_from_db()
    assert swap.override_reason == "Darurat"


# ---------------------------------------------------------------------------- the list


def test_the_list_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    w = world
    ask(w)
    api = client(w.b)
    with django_assert_max_num_queries(8) as first:
        response = api.get("/api/v1/duty-swaps/")
    assert response.status_code == 200 and response.json()["count"] == 1
    for offset in (12, 13, 14):
        mine = make_duty(w.roster, w.a, day(offset), w.types["P"])
        swaps.swap_request(duty=mine, colleague=w.b.employee, reason="x", actor=w.a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = api.get("/api/v1/duty-swaps/?role=asked")
    assert response.json()["count"] == 4
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client(w.other).get("/api/v1/duty-swaps/").json()["count"] == 0


def test_the_head_lists_what_waits_for_the_decision(world):
    w = world
    accepted(w)
    body = client(w.head).get("/api/v1/duty-swaps/?role=decide").json()
    assert body["count"] == 1
    assert body["results"][0]["colleague"]["name"] == w.b.employee.name


# ---------------------------------------------------------------------------- exactly once


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_swap_approvals_one_applies_other_409(world):
    w = world
    swap = accepted(w)
    outcomes = post_concurrently(w.head, path(swap, "approve"), count=2, body={"note": "ok"})
    assert sorted(outcomes, key=str) == sorted([(200, None), (409, "stale_transition")], key=str), outcomes
    assert Duty.objects.filter(source=DutySource.SWAP, kind=DutyKind.SHIFT).count() == 2
    swap.refresh_from_db()
    assert swap.status == S.APPROVED


def test_a_same_day_swap_exchanges_the_two_shifts(world):
    w = world
    mine = make_duty(w.roster, w.a, day(8), w.types["P"])
    theirs = make_duty(w.roster, w.b, day(8), w.types["S"])
    swap = swaps.swap_request(duty=mine, colleague=w.b.employee, colleague_duty=theirs, reason="x", actor=w.a)
    swaps.swap_accept(swap=swap, actor=w.b)
    swaps.swap_act(swap=swap, action="approve", actor=w.head)
    a_now = Duty.objects.get(employee=w.a.employee, duty_date=day(8), is_active=True)
    b_now = Duty.objects.get(employee=w.b.employee, duty_date=day(8), is_active=True)
    assert (a_now.shift_type_id, b_now.shift_type_id) == (w.types["S"].id, w.types["P"].id)


def test_a_swap_on_a_generated_and_published_roster(published_roster, nurses, roster_head):
    from tests.shifts.conftest import month_start

    roster = published_roster(month_start(1))
    a, b = nurses[0], nurses[1]
    shifts_of = {
        (d.employee_id, d.duty_date): d for d in Duty.objects.filter(roster=roster, is_active=True, kind=DutyKind.SHIFT)
    }
    day_one = next(
        d.duty_date
        for key, d in sorted(shifts_of.items(), key=lambda item: item[0][1])
        if key[0] == a.employee.id and (b.employee.id, d.duty_date) in shifts_of
    )
    mine, theirs = shifts_of[(a.employee.id, day_one)], shifts_of[(b.employee.id, day_one)]
    swap = swaps.swap_request(duty=mine, colleague=b.employee, colleague_duty=theirs, reason="x", actor=a)
    swaps.swap_accept(swap=swap, actor=b)
    swap.refresh_from_db()
    assert swap.decider_id == roster_head.employee.id
    swaps.swap_act(swap=swap, action="approve", actor=roster_head, override_reason="Uji")
    swap.refresh_from_db()
    assert swap.status == S.APPROVED
    assert Duty.objects.get(employee=b.employee, duty_date=day_one, is_active=True).shift_type_id == mine.shift_type_id


def test_a_waiting_swap_escalates_one_level_up_like_every_kind(world, org_world):
    from flexwork.approvals import engine

    w = world
    swap = accepted(w)
    later = timezone.now() + datetime.timedelta(days=14)
    DutySwap.objects.filter(id=swap.id).update(expires_at=later + datetime.timedelta(days=7))
    assert engine.escalate_due(now=later, kinds=["swap"]) == 1
    swap.refresh_from_db()
    assert swap.escalated_to_id == org_world.unit_head_a.employee.id
    assert Notification.objects.filter(recipient=org_world.unit_head_a, kind="swap_escalated").count() == 1
    assert Notification.objects.filter(recipient=w.head, kind="swap_reminder").count() == 1
    response = client(org_world.unit_head_a).post(path(swap, "approve"), {}, format="json")
    assert response.status_code == 200, response.content


def test_a_new_unit_head_gets_the_waiting_swap(world, nurses):
    from flexwork.approvals import engine

    w = world
    swap = accepted(w)
    new_head = nurses[3].employee
    w.unit.__class__.objects.filter(id=w.unit.id).update(head=new_head)
    engine.reroute_waiting_for(approver_ids=[w.head.employee.id], agency_id=w.unit.agency_id)
    swap.refresh_from_db()
    assert swap.decider_id == new_head.id
