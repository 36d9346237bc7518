"""Rosters (docs/rules.md §8): duty instants, generation, publishing, changes after publishing, zones."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from flexwork.approvals.models import ApprovalKind
from flexwork.common.calendar import today_in
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.notifications.models import Notification
from flexwork.org.models import Unit
from shifts import rosters
from shifts.models import Duty, DutyKind, DutySource, Roster, RosterStatus
from tests.shifts.conftest import ROSTER_ZONE, fetch_employee, month_start

UTC = datetime.UTC
JAN = datetime.date(2027, 1, 1)


def generated(unit, period_start=JAN):
    roster = rosters.roster_for(unit=unit, period_start=period_start)
    rosters.roster_generate(roster=roster)
    roster.refresh_from_db()
    return roster


def duty_of(user, day) -> Duty:
    return Duty.objects.get(employee_id=user.employee.id, duty_date=day, is_active=True)


def snapshot(roster):
    return list(
        Duty.objects.filter(roster=roster)
        .order_by("id")
        .values_list("id", "employee_id", "duty_date", "kind", "shift_type_id", "start_at", "end_at", "updated_at")
    )


# ---------------------------------------------------------------------------- instants


@pytest.mark.django_db
def test_night_type_in_wib_wita_wit_same_duty_date(roster_unit, shift_types, nurses):
    day = datetime.date(2027, 1, 15)
    expected = {"Asia/Jakarta": 14, "Asia/Makassar": 13, "Asia/Jayapura": 12}
    for zone, hour in expected.items():
        Unit.objects.filter(id=roster_unit.id).update(time_zone=zone)
        unit = Unit.objects.select_related("agency").get(id=roster_unit.id)
        values = rosters.duty_write_values(
            employee=nurses[0].employee, unit=unit, duty_date=day, shift_type=shift_types["M"]
        )
        assert values["duty_date"] == day
        assert values["start_at"] == datetime.datetime(2027, 1, 15, hour, tzinfo=UTC)
        assert values["end_at"] == values["start_at"] + datetime.timedelta(hours=10)
        assert values["net_minutes"] == 9 * 60
        assert values["is_night"] is True


@pytest.mark.django_db
def test_new_year_night_belongs_to_december(roster_unit, assigned, nurses, pattern_4):
    december = generated(roster_unit, datetime.date(2027, 12, 1))
    january = generated(roster_unit, datetime.date(2028, 1, 1))
    eve = datetime.date(2027, 12, 31)
    night = Duty.objects.filter(roster=december, duty_date=eve, shift_type__code="M").first()
    assert night is not None
    assert night.end_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date() == datetime.date(2028, 1, 1)
    assert not Duty.objects.filter(roster=january, duty_date=eve).exists()
    assert Duty.objects.filter(employee_id=night.employee_id, duty_date=eve, is_active=True).count() == 1


@pytest.mark.django_db
def test_pattern_continues_across_month_boundary(roster_unit, assigned, nurses, pattern_4):
    generated(roster_unit, JAN)
    generated(roster_unit, datetime.date(2027, 2, 1))
    last, first = datetime.date(2027, 1, 31), datetime.date(2027, 2, 1)
    for assignment in assigned:
        user = next(n for n in nurses if n.employee.id == assignment.employee_id)
        for day in (last, first):
            duty = duty_of(user, day)
            cell = pattern_4.cell_on(day, assignment.offset)
            assert (duty.shift_type.code if duty.kind == DutyKind.SHIFT else duty.kind) == cell
        index = ((last - pattern_4.anchor_date).days + assignment.offset) % len(pattern_4.cells)
        assert pattern_4.cell_on(first, assignment.offset) == pattern_4.cells[(index + 1) % len(pattern_4.cells)]


@pytest.mark.django_db
def test_regenerating_a_draft_twice_changes_nothing(roster_unit, assigned):
    roster = rosters.roster_for(unit=roster_unit, period_start=JAN)
    written = rosters.roster_generate(roster=roster)
    assert written == 4 * 31
    roster.refresh_from_db()
    before, version = snapshot(roster), roster.version
    assert rosters.roster_generate(roster=roster) == 0
    assert rosters.roster_generate(roster=roster) == 0
    roster.refresh_from_db()
    assert snapshot(roster) == before
    assert roster.version == version


@pytest.mark.django_db
def test_generation_keeps_manual_duties(roster_unit, roster_head, assigned, nurses):
    roster = generated(roster_unit)
    day = datetime.date(2027, 1, 10)
    rosters.duty_set(roster=roster, employee=nurses[0].employee, duty_date=day, cell="OFF", actor=roster_head)
    manual = duty_of(nurses[0], day)
    assert manual.source == DutySource.MANUAL
    rosters.roster_generate(roster=roster)
    assert duty_of(nurses[0], day).id == manual.id


@pytest.mark.django_db
def test_generation_marks_holidays_worked(roster_unit, assigned, nurses):
    from tests.org.factories import HolidayFactory

    HolidayFactory(agency=roster_unit.agency, date=datetime.date(2027, 1, 1), name="Tahun Baru Masehi")
    roster = generated(roster_unit)
    on_holiday = Duty.objects.filter(roster=roster, duty_date=datetime.date(2027, 1, 1))
    assert all(d.holiday_worked == (d.kind == DutyKind.SHIFT) for d in on_holiday)
    assert any(d.holiday_worked for d in on_holiday)


@pytest.mark.django_db
def test_declared_holiday_marks_duties_worked(roster_unit, assigned, published_roster):
    from tests.org.factories import HolidayFactory

    roster = published_roster(JAN)
    day = datetime.date(2027, 1, 20)
    HolidayFactory(agency=roster_unit.agency, date=day, name="Libur baru")
    shifts = Duty.objects.filter(roster=roster, duty_date=day, kind=DutyKind.SHIFT, is_active=True)
    assert shifts.count() == 3
    assert all(d.holiday_worked and d.is_published for d in shifts)


@pytest.mark.django_db
def test_ramadan_variant_used_on_ramadan_days(roster_unit, shift_types, nurses):
    from flexwork.org import services

    shift = shift_types["P"]
    shift.ramadan_start_time, shift.ramadan_end_time, shift.ramadan_break_minutes = (
        datetime.time(8),
        datetime.time(14),
        30,
    )
    shift.save()
    services.ramadan_range_create(
        agency=roster_unit.agency, start=datetime.date(2027, 2, 8), end=datetime.date(2027, 3, 9)
    )
    values = rosters.duty_write_values(
        employee=nurses[0].employee, unit=roster_unit, duty_date=datetime.date(2027, 2, 10), shift_type=shift
    )
    assert values["start_at"] == datetime.datetime(2027, 2, 10, 0, tzinfo=UTC)  # 08:00 WITA
    assert values["net_minutes"] == 330


# ---------------------------------------------------------------------------- publishing


@pytest.mark.django_db
def test_publish_sets_duties_published_and_tells_people(roster_unit, roster_head, assigned, nurses):
    roster = generated(roster_unit, month_start(2))
    found = rosters.roster_publish(
        roster=roster, actor=roster_head, expected_version=roster.version, override_reason="Sudah dibahas"
    )
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED and roster.version > 1
    assert not Duty.objects.filter(roster=roster, is_active=True, is_published=False).exists()
    assert Notification.objects.filter(kind="roster_published", recipient__in=nurses).count() == 4
    assert all(v.code != "ROSTER_LATE" for v in found)
    assert roster.override_reason == ("Sudah dibahas" if found else "")


@pytest.mark.django_db
def test_publish_by_a_nurse_is_403(roster_unit, assigned, nurses):
    roster = generated(roster_unit, month_start(2))
    with pytest.raises(PermissionDenied):
        rosters.roster_publish(roster=roster, actor=nurses[0], expected_version=roster.version, override_reason="x")


@pytest.mark.django_db
def test_publish_by_the_head_of_the_parent_unit_is_403(roster_unit, assigned, unit_head_a):
    roster = generated(roster_unit, month_start(2))
    with pytest.raises(PermissionDenied):
        rosters.roster_publish(roster=roster, actor=unit_head_a, expected_version=roster.version, override_reason="x")


@pytest.mark.django_db
def test_publish_by_a_delegate_for_rosters(roster_unit, roster_head, assigned, nurses):
    from flexwork.approvals.services import delegation_create

    today = today_in(ROSTER_ZONE)
    roster = generated(roster_unit, month_start(2))
    delegation_create(
        delegator=roster_head.employee, delegate=nurses[1].employee, date_from=today, date_to=today,
        kinds=[ApprovalKind.ARRANGEMENT],
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        rosters.roster_publish(roster=roster, actor=nurses[1], expected_version=roster.version, override_reason="x")
    delegation_create(
        delegator=roster_head.employee, delegate=nurses[1].employee, date_from=today, date_to=today,
        kinds=[ApprovalKind.ROSTER],
    )  # fmt: skip
    rosters.roster_publish(roster=roster, actor=nurses[1], expected_version=roster.version, override_reason="x")
    assert Roster.objects.get(id=roster.id).is_published


@pytest.mark.django_db
def test_publish_with_a_stale_version_is_409(roster_unit, roster_head, assigned):
    roster = generated(roster_unit, month_start(2))
    with pytest.raises(ConflictError):
        rosters.roster_publish(
            roster=roster, actor=roster_head, expected_version=roster.version - 1, override_reason="x"
        )
    assert not Roster.objects.get(id=roster.id).is_published


@pytest.mark.django_db
def test_double_publish_publishes_once(roster_unit, roster_head, assigned, nurses):
    roster = generated(roster_unit, month_start(2))
    version = roster.version
    rosters.roster_publish(roster=roster, actor=roster_head, expected_version=version, override_reason="x")
    with pytest.raises(ConflictError):
        rosters.roster_publish(roster=roster, actor=roster_head, expected_version=version, override_reason="x")
    assert Notification.objects.filter(kind="roster_published", recipient=nurses[0]).count() == 1
    assert Roster.objects.get(id=roster.id).version == version + 1


@pytest.mark.django_db
def test_publishing_late_warns_roster_late(roster_unit, roster_head, assigned):
    roster = generated(roster_unit, today_in(ROSTER_ZONE))
    with pytest.raises(ApplicationError) as refused:
        rosters.roster_publish(roster=roster, actor=roster_head, expected_version=roster.version)
    assert refused.value.code == "override_reason_required"
    assert "ROSTER_LATE" in {v["code"] for v in refused.value.violations}
    found = rosters.roster_publish(
        roster=roster, actor=roster_head, expected_version=roster.version, override_reason="Unit baru dibentuk"
    )
    assert found[0].code == "ROSTER_LATE"
    assert Roster.objects.get(id=roster.id).override_reason == "Unit baru dibentuk"


@pytest.mark.django_db
def test_generating_a_published_roster_is_409(roster_unit, published_roster):
    roster = published_roster(JAN)
    with pytest.raises(ConflictError):
        rosters.roster_generate(roster=roster)


# ---------------------------------------------------------------------------- after publishing


@pytest.mark.django_db
def test_change_after_publish_needs_a_reason(roster_unit, roster_head, published_roster, nurses):
    published_roster(JAN)
    duty = duty_of(nurses[0], datetime.date(2027, 1, 12))
    with pytest.raises(ApplicationError) as refused:
        rosters.duty_change(duty=duty, actor=roster_head, reason="  ", cell="OFF")
    assert refused.value.code == "reason_required"
    assert duty_of(nurses[0], datetime.date(2027, 1, 12)).id == duty.id


@pytest.mark.django_db
def test_change_after_publish_replaces_the_duty(roster_unit, roster_head, published_roster, nurses):
    published_roster(JAN)
    day = datetime.date(2027, 1, 12)
    old = duty_of(nurses[0], day)
    new = rosters.duty_change(duty=old, actor=roster_head, reason="Pelatihan", cell="L")
    old.refresh_from_db()
    assert not old.is_active and old.replaced_by_id == new.id and old.sequence == 1
    assert new.source == DutySource.CHANGE and new.is_published and new.sequence == 1
    assert new.shift_type.code == "L" and new.reason == "Pelatihan"
    notice = Notification.objects.get(kind="duty_changed", recipient=nurses[0])
    assert "Pelatihan" in notice.body
    with pytest.raises(ConflictError):
        rosters.duty_change(duty=old, actor=roster_head, reason="Pelatihan", cell="L")


@pytest.mark.django_db
def test_change_by_a_nurse_is_403(roster_unit, published_roster, nurses):
    published_roster(JAN)
    duty = duty_of(nurses[0], datetime.date(2027, 1, 12))
    with pytest.raises(PermissionDenied):
        rosters.duty_change(duty=duty, actor=nurses[1], reason="x", cell="OFF")


@pytest.mark.django_db
def test_24h_span_allowed_24h01_refused(roster_unit, roster_head, published_roster, nurses):
    published_roster(JAN)
    # A nurse whose next day is free: give the 24 h duty on the last rest day before a day off.
    user = nurses[0]
    days = [datetime.date(2027, 1, 1) + datetime.timedelta(days=i) for i in range(31)]
    day = next(d for d in days if duty_of(user, d).kind == DutyKind.POST_NIGHT)
    rosters.duty_change(duty=duty_of(user, day + datetime.timedelta(days=1)), actor=roster_head, reason="x", cell="OFF")
    start = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    old = duty_of(user, day)
    with pytest.raises(ApplicationError) as refused:
        rosters.duty_change(
            duty=old, actor=roster_head, reason="Jaga 24 jam", cell="L", start_at=start,
            end_at=start + datetime.timedelta(hours=24, minutes=1),
        )  # fmt: skip
    assert refused.value.code == "SHIFT_SPAN"
    new = rosters.duty_change(
        duty=old, actor=roster_head, reason="Jaga 24 jam", cell="L", start_at=start,
        end_at=start + datetime.timedelta(hours=24),
    )  # fmt: skip
    assert new.end_at - new.start_at == datetime.timedelta(hours=24)
    assert new.net_minutes == 24 * 60 - 60


@pytest.mark.django_db
def test_change_that_overlaps_is_refused_duty_overlap(roster_unit, roster_head, published_roster, nurses):
    published_roster(JAN)
    user = nurses[0]
    days = [datetime.date(2027, 1, 2) + datetime.timedelta(days=i) for i in range(29)]
    day = next(
        d
        for d in days
        if duty_of(user, d - datetime.timedelta(days=1)).shift_type_id
        and duty_of(user, d).shift_type_id
        and duty_of(user, d - datetime.timedelta(days=1)).is_night
    )  # noqa: E501
    before = duty_of(user, day - datetime.timedelta(days=1))
    start = before.end_at - datetime.timedelta(hours=1)
    with pytest.raises(ApplicationError) as refused:
        rosters.duty_change(
            duty=duty_of(user, day), actor=roster_head, reason="x", start_at=start,
            end_at=start + datetime.timedelta(hours=8),
        )  # fmt: skip
    assert refused.value.code == "DUTY_OVERLAP"
    assert duty_of(user, day).source == DutySource.PATTERN


@pytest.mark.django_db
def test_cell_set_on_a_published_roster_is_a_change(roster_unit, roster_head, published_roster, nurses):
    roster = published_roster(JAN)
    day = datetime.date(2027, 1, 14)
    with pytest.raises(ApplicationError):
        rosters.duty_set(roster=roster, employee=nurses[2].employee, duty_date=day, cell="OFF", actor=roster_head)
    duty = rosters.duty_set(
        roster=roster, employee=nurses[2].employee, duty_date=day, cell="OFF", actor=roster_head, reason="Sakit"
    )
    assert duty.source == DutySource.CHANGE and duty.kind == DutyKind.OFF and duty.is_published


@pytest.mark.django_db
def test_draft_cell_set_with_a_stale_version_is_409(roster_unit, roster_head, assigned, nurses):
    roster = generated(roster_unit)
    version = roster.version
    day = datetime.date(2027, 1, 14)
    rosters.duty_set(
        roster=roster, employee=nurses[2].employee, duty_date=day, cell="OFF", actor=roster_head,
        expected_version=version,
    )  # fmt: skip
    with pytest.raises(ConflictError):
        rosters.duty_set(
            roster=roster, employee=nurses[2].employee, duty_date=day, cell="OFF", actor=roster_head,
            expected_version=version,
        )  # fmt: skip


# ---------------------------------------------------------------------------- zones


@pytest.mark.django_db
def test_transfer_to_another_zone_recomputes_future_duties_only(roster_unit, roster_head, published_roster, nurses):
    from flexwork.org import services
    from tests.org.factories import UnitFactory

    roster = published_roster(today_in(ROSTER_ZONE))
    user = nurses[0]
    now = timezone.now()
    shifts = Duty.objects.filter(roster=roster, employee_id=user.employee.id, kind=DutyKind.SHIFT, is_active=True)
    before = {d.id: (d.start_at, d.end_at) for d in shifts}
    papua = UnitFactory(agency=roster_unit.agency, code="A-PAPUA", name="UPT Jayapura", parent=roster_unit.parent)
    Unit.objects.filter(id=papua.id).update(time_zone="Asia/Jayapura")
    services.employee_update(employee=fetch_employee(user.employee.id), data={"unit": Unit.objects.get(id=papua.id)})
    future = [i for i, (start, _end) in before.items() if start > now]
    past = [i for i, (start, _end) in before.items() if start <= now]
    assert future
    for duty in Duty.objects.filter(id__in=before):
        start, end = before[duty.id]
        if duty.id in future:
            assert duty.start_at == start - datetime.timedelta(hours=1)  # the same wall clock in WIT
            assert duty.end_at - duty.start_at == end - start
            assert duty.sequence == 1
        else:
            assert (duty.start_at, duty.end_at) == (start, end)
    if past:
        assert Duty.objects.get(id=past[0]).sequence == 0
