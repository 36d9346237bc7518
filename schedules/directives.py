"""Agency directives: declare, edit, withdraw (docs/rules.md §3, "Directives").

A directive takes precedence over individual plans: approved days in its scope and range at a
location it does not allow are cancelled, and each such day is recorded (DirectiveCancellation).
Editing or withdrawing it gives back exactly those days, from tomorrow on, where they still fit:
the arrangement is still approved, the date is free, no other directive in force forbids the
location, and the weekly cap still holds. Days approved under the directive keep their decision.

Announcements reach everyone in scope, which may be tens of thousands of people: the change writes
one outbox row, and the worker tells people in batches (`directive_notice_send`), each batch
enqueueing the next. Nothing per person runs inside the request.

Directives skip ROSTER units unless they name them (docs/rules.md §8 "Flexibility on duties"): a
directive for the whole agency neither cancels, restores nor announces anything in a ROSTER unit; one
for a unit subtree reaches the ROSTER units in it (schedules.coverage.directive_reaches)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import iso_week, today_in
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.org.models import Employee, Unit
from flexwork.org.models.organisation import WorkWeek
from flexwork.outbox.models import OutboxMessage
from flexwork.outbox.services import outbox_enqueue, outbox_publish
from schedules import notify
from schedules.models import DaySource, Directive, DirectiveCancellation, Location, ScheduleDay

NOTICE_TOPIC = "schedules.directive_notice"
DAYS_TOPIC = "schedules.directive_days"
# People told per outbox row: one SELECT and two bulk INSERTs per batch on the worker.
NOTICE_BATCH_SIZE = 2000
# People whose own days changed, per outbox row (one notification each, with their dates).
DAYS_BATCH_SIZE = 200

ERR_ENDED = gettext_lazy("This directive has ended; an ended directive cannot be changed or withdrawn.")
ERR_WITHDRAWN = gettext_lazy("This directive was already withdrawn.")
ERR_CHANGED = gettext_lazy("This directive was changed meanwhile. Reload the page and try again.")
ERR_STARTED_FROM = gettext_lazy("The directive has already started: its first day stays %(date)s.")
ERR_PAST_FROM = gettext_lazy("The first day cannot be in the past.")
ERR_PAST_TO = gettext_lazy("The last day cannot be before today.")
ERR_END_BEFORE_START = gettext_lazy("The end date is before the start date.")
ERR_REASON = gettext_lazy("Say why the directive is withdrawn.")
ERR_UNKNOWN_UNIT = gettext_lazy("Unknown unit.")
ERR_INVALID = gettext_lazy("Some fields are not valid.")


# ---------------------------------------------------------------------------- scope and days


def directive_today(directive: Directive) -> datetime.date:
    """Today in the directive's office zone: its unit's, else the agency's."""
    if directive.unit_id is not None:
        unit = Unit.objects.select_related("agency").only("time_zone", "agency__time_zone").get(id=directive.unit_id)
        return today_in(unit.time_zone or unit.agency.time_zone)
    return today_in(directive.agency.time_zone)


def _people(*, agency_id: int, unit_ids: Iterable[int | None]) -> QuerySet[Employee]:
    """Everyone of the agency in the subtree of any of `unit_ids` (None: the whole agency but its
    ROSTER units, which a directive reaches only when it names a unit subtree holding them)."""
    people = Employee.objects.filter(agency_id=agency_id)
    unit_ids = set(unit_ids)
    scope = Q()
    if None in unit_ids:
        scope |= ~Q(unit__work_week=WorkWeek.ROSTER)
    for unit_id in unit_ids - {None}:
        scope |= Q(unit__path__contains=[unit_id])
    return people.filter(scope)


def _forbids(directive: Directive, *, unit: Unit, day: datetime.date, location: str) -> bool:
    """Whether `directive` rules out `location` for someone of `unit` on `day`."""
    from schedules.coverage import directive_reaches

    if directive.withdrawn_at is not None or not directive.date_from <= day <= directive.date_to:
        return False
    if not directive_reaches(directive, unit):
        return False
    return location != Location.OFFICE and location not in directive.allowed_locations


def _cancel_clashing(directive: Directive, *, after: datetime.date | None) -> dict[int, list]:
    """Cancel the active days the directive rules out (from the day after `after`, or its whole range),
    record them, and return employee id → [(date, location)]."""
    first = directive.date_from if after is None else max(directive.date_from, after + datetime.timedelta(days=1))
    if first > directive.date_to:
        return {}
    people = _people(agency_id=directive.agency_id, unit_ids=[directive.unit_id])
    clashing = (
        ScheduleDay.objects.filter(
            agency_id=directive.agency_id,
            local_date__range=(first, directive.date_to),
            cancelled_at__isnull=True,
            employee__in=people,
        )
        .exclude(location=Location.OFFICE)
        .exclude(location__in=directive.allowed_locations)
    )
    rows = list(clashing.values_list("id", "employee_id", "local_date", "location"))
    if not rows:
        return {}
    now = timezone.now()
    ids = [row[0] for row in rows]
    ScheduleDay.objects.filter(id__in=ids, cancelled_at__isnull=True).update(cancelled_at=now, updated_at=now)
    DirectiveCancellation.objects.bulk_create(
        [DirectiveCancellation(directive=directive, schedule_day_id=day_id, created_at=now) for day_id in ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    affected: dict[int, list] = defaultdict(list)
    for _id, employee_id, local_date, location in rows:
        affected[employee_id].append((local_date, location))
    return affected


def _restore(directive: Directive, *, after: datetime.date) -> dict[int, list]:
    """Give back the days `directive` cancelled, later than `after`, that it (as it now stands) no
    longer rules out and that still fit. Returns employee id → [(date, location)] restored."""
    from flexwork.org.selectors import policies_for
    from schedules.coverage import directives_for
    from schedules.policy import counts_in_cap

    open_rows = list(
        DirectiveCancellation.objects.filter(
            directive=directive,
            restored_at__isnull=True,
            schedule_day__cancelled_at__isnull=False,
            schedule_day__local_date__gt=after,
            schedule_day__arrangement__status=ApprovalStatus.APPROVED,
            schedule_day__employee__is_active=True,
        ).values_list(
            "id",
            "schedule_day_id",
            "schedule_day__employee_id",
            "schedule_day__local_date",
            "schedule_day__location",
            "schedule_day__source",
            "schedule_day__arrangement__exception_basis",
            "schedule_day__employee__unit_id",
        )
    )
    if not open_rows:
        return {}
    employee_ids = sorted({row[2] for row in open_rows})
    # The same lock the approval of an arrangement takes: the cap and the one-day-one-row rule count rows.
    list(Employee.objects.select_for_update(of=("self",)).filter(id__in=employee_ids).order_by("id").values("id"))
    units = {u.id: u for u in Unit.objects.filter(id__in={row[7] for row in open_rows})}
    policies = policies_for(agency=directive.agency_id, units=units.values())
    dates = [row[3] for row in open_rows]
    first, last = min(dates), max(dates)
    others = [
        d
        for d in directives_for(agency_id=directive.agency_id, units=units.values(), date_from=first, date_to=last)
        if d.id != directive.id
    ]
    week_first = first - datetime.timedelta(days=first.weekday())
    week_last = last + datetime.timedelta(days=6 - last.weekday())
    occupied: set[tuple[int, datetime.date]] = set()
    used: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    active = ScheduleDay.objects.filter(
        employee_id__in=employee_ids, local_date__range=(week_first, week_last), cancelled_at__isnull=True
    ).values_list("employee_id", "local_date", "location", "source", "employee__unit_id")
    for employee_id, local_date, location, source, unit_id in active:
        occupied.add((employee_id, local_date))
        policy = policies.get(unit_id)
        if source == DaySource.INDIVIDUAL and policy is not None and counts_in_cap(location, policy):
            used[(employee_id, iso_week(local_date))] += 1

    restore_ids: list[int] = []
    day_ids: list[int] = []
    restored: dict[int, list] = defaultdict(list)
    for row_id, day_id, employee_id, local_date, location, source, basis, unit_id in sorted(
        open_rows, key=lambda r: r[3]
    ):
        unit = units[unit_id]
        if _forbids(directive, unit=unit, day=local_date, location=location):
            continue  # the directive as edited still rules it out
        if any(_forbids(d, unit=unit, day=local_date, location=location) for d in others):
            continue
        if (employee_id, local_date) in occupied:
            continue  # another plan or a recall took the date meanwhile
        policy = policies[unit_id]
        week = (employee_id, iso_week(local_date))
        counted = source == DaySource.INDIVIDUAL and counts_in_cap(location, policy) and not basis
        if counted and used[week] + 1 > policy.max_location_days_per_week:
            continue  # docs/rules.md §3 weekly cap
        if counted:
            used[week] += 1
        occupied.add((employee_id, local_date))
        restore_ids.append(row_id)
        day_ids.append(day_id)
        restored[employee_id].append((local_date, location))
    if day_ids:
        now = timezone.now()
        ScheduleDay.objects.filter(id__in=day_ids).update(cancelled_at=None, updated_at=now)
        DirectiveCancellation.objects.filter(id__in=restore_ids).update(restored_at=now)
    return dict(restored)


# ---------------------------------------------------------------------------- notices (outbox, in batches)


def _snapshot(directive: Directive) -> dict:
    return {
        "date_from": directive.date_from.isoformat(),
        "date_to": directive.date_to.isoformat(),
        "locations": list(directive.allowed_locations),
        "share": directive.max_share_percent,
        "message": directive.message,
        "reason": directive.withdraw_reason,
    }


def _notice_enqueue(directive: Directive, *, kind: str, unit_ids: Iterable[int | None]) -> None:
    outbox_enqueue(
        topic=NOTICE_TOPIC,
        payload={
            "directive_id": directive.id,
            "kind": kind,
            "unit_ids": sorted(set(unit_ids), key=lambda u: -1 if u is None else u),
            "after_id": 0,
            "snapshot": _snapshot(directive),
        },
    )


def _days_enqueue(directive: Directive, *, kind: str, affected: dict[int, list], reason: str) -> None:
    """One outbox row per DAYS_BATCH_SIZE people whose own days were cancelled or given back."""
    if not affected:
        return
    items = [
        [employee_id, [day.isoformat() for day, _loc in days], sorted({loc for _day, loc in days})]
        for employee_id, days in sorted(affected.items())
    ]
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                topic=DAYS_TOPIC,
                payload={"directive_id": directive.id, "kind": kind, "reason": reason, "items": chunk},
            )
            for chunk in (items[i : i + DAYS_BATCH_SIZE] for i in range(0, len(items), DAYS_BATCH_SIZE))
        ]
    )
    ids = [m.id for m in messages]
    transaction.on_commit(lambda: outbox_publish(message_ids=ids), robust=True)


def _dates_text(value: str):
    day = datetime.date.fromisoformat(value)
    return lambda _language: formats.date_format(day, "j M Y")


def _locations_text(codes: list[str]):
    return lambda _language: ", ".join(str(Location(code).label) for code in codes)


def _share_text(share: int | None):
    def text(_language):
        if share is None:
            return ""
        return " " + _("At most %(share)d%% of a unit away on one day.") % {"share": share}

    return text


def directive_notice_send(
    *, directive_id: int, kind: str, unit_ids: list, after_id: int, snapshot: dict, batch_size: int | None = None
) -> int:
    """Tell the next batch of people in scope (ids above `after_id`) and enqueue the batch after it.
    Runs on the worker inside the outbox row's transaction, so a batch is written exactly once."""
    size = batch_size or NOTICE_BATCH_SIZE
    directive = Directive.objects.filter(id=directive_id).only("id", "agency_id", "withdrawn_at").first()
    if directive is None:
        return 0
    if kind != "directive_withdrawn" and directive.withdrawn_at is not None:
        return 0  # withdrawn meanwhile: the rest hear of the withdrawal only
    ids = list(
        _people(agency_id=directive.agency_id, unit_ids=unit_ids)
        .filter(id__gt=after_id, is_active=True)
        .order_by("id")
        .values_list("id", flat=True)[:size]
    )
    if not ids:
        return 0
    context = {
        "directive_id": directive_id,
        "message": snapshot["message"],
        "reason": snapshot.get("reason") or "",
        "date_from": _dates_text(snapshot["date_from"]),
        "date_to": _dates_text(snapshot["date_to"]),
        "locations": _locations_text(snapshot["locations"]),
        "share": _share_text(snapshot.get("share")),
    }
    told = notify.notify_many(
        employees_qs=Employee.objects.filter(id__in=ids), kind=kind, context=context, url="/schedule/"
    )
    if len(ids) == size:
        outbox_enqueue(
            topic=NOTICE_TOPIC,
            payload={
                "directive_id": directive_id,
                "kind": kind,
                "unit_ids": unit_ids,
                "after_id": ids[-1],
                "snapshot": snapshot,
            },
        )
    return told


def directive_days_notice_send(*, directive_id: int, kind: str, reason: str, items: list) -> int:
    """Tell each person of `items` ([employee id, [dates], [locations]]) about their own days."""
    people = Employee.objects.filter(id__in=[item[0] for item in items]).select_related("user").in_bulk()
    told = 0
    for employee_id, dates, locations in items:
        employee = people.get(employee_id)
        if employee is None or employee.user is None:
            continue
        notify.notify(
            recipient_user=employee.user,
            kind=kind,
            url="/schedule/",
            dates=[datetime.date.fromisoformat(day) for day in dates],
            # Lazy: notify() renders it in the recipient's language, not the worker's.
            location=format_lazy(", ".join(["{}"] * len(locations)), *(Location(loc).label for loc in locations)),
            reason=reason,
            directive_id=directive_id,
        )
        told += 1
    return told


# ---------------------------------------------------------------------------- services


def _check_dates(date_from: datetime.date, date_to: datetime.date) -> None:
    if date_to < date_from:
        raise ApplicationError(str(ERR_END_BEFORE_START), fields={"date_to": [str(ERR_END_BEFORE_START)]})


@transaction.atomic
def directive_create(
    *,
    agency_id: int,
    unit: Unit | None,
    date_from: datetime.date,
    date_to: datetime.date,
    allowed_locations: list[str],
    max_share_percent: int | None,
    message: str,
    actor,
) -> Directive:
    """HR declares a directive. Approved days in its scope and range at a location it does not allow
    are cancelled (their people are told); everyone in scope is told, in batches on the worker."""
    _check_dates(date_from, date_to)
    if unit is not None and unit.agency_id != agency_id:
        raise ApplicationError(str(ERR_INVALID), fields={"unit": [str(ERR_UNKNOWN_UNIT)]})
    directive = Directive(
        agency_id=agency_id,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        allowed_locations=sorted(set(allowed_locations)),
        max_share_percent=max_share_percent,
        message=message.strip(),
        created_by=actor,
        updated_by=actor,
    )
    directive.full_clean(exclude=["agency", "created_by", "updated_by", "withdrawn_by"])
    directive.save()
    cancelled = _cancel_clashing(directive, after=None)
    _days_enqueue(directive, kind="schedule_days_cancelled", affected=cancelled, reason=directive.message)
    _notice_enqueue(directive, kind="directive_announced", unit_ids=[directive.unit_id])
    return directive


def _lock_current(directive: Directive, *, expected_updated_at: datetime.datetime | None) -> Directive:
    """Lock the row and refuse a stale or repeated change (409) and an ended directive (400)."""
    current = Directive.objects.select_for_update(of=("self",)).select_related("agency").filter(id=directive.id).first()
    if current is None:
        raise ConflictError(str(ERR_CHANGED), code="stale_transition")
    if current.withdrawn_at is not None:
        raise ConflictError(str(ERR_WITHDRAWN), code="stale_transition")
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ConflictError(str(ERR_CHANGED), code="stale_transition")
    if current.date_to < directive_today(current):
        raise ApplicationError(str(ERR_ENDED), code="directive_ended")
    return current


@transaction.atomic
def directive_update(
    *,
    directive: Directive,
    data: dict,
    actor,
    expected_updated_at: datetime.datetime | None = None,
) -> Directive:
    """HR changes a directive that has not ended. Once it started, its first day stays; a new first
    day is not in the past and the last day not before today. Days it no longer rules out come back
    (where they fit), days it now rules out are cancelled, and everyone in the old and the new scope
    is told of the change."""
    current = _lock_current(directive, expected_updated_at=expected_updated_at)
    today = directive_today(current)
    old_unit_id = current.unit_id
    fields: dict[str, list[str]] = {}
    unit = data.get("unit", current.unit) if "unit" in data else current.unit
    if unit is not None and unit.agency_id != current.agency_id:
        fields["unit"] = [str(ERR_UNKNOWN_UNIT)]
    date_from = data.get("date_from", current.date_from)
    date_to = data.get("date_to", current.date_to)
    if date_from != current.date_from:
        if current.date_from <= today:
            message = str(ERR_STARTED_FROM) % {"date": formats.date_format(current.date_from, "j M Y")}
            fields["date_from"] = [message]
        elif date_from < today:
            fields["date_from"] = [str(ERR_PAST_FROM)]
    if date_to != current.date_to and date_to < today:
        fields["date_to"] = [str(ERR_PAST_TO)]
    if date_to < date_from:
        fields.setdefault("date_to", []).append(str(ERR_END_BEFORE_START))
    if fields:
        raise ApplicationError(str(ERR_INVALID), fields=fields)
    current.unit = unit
    current.date_from = date_from
    current.date_to = date_to
    if "allowed_locations" in data:
        current.allowed_locations = sorted(set(data["allowed_locations"]))
    if "max_share_percent" in data:
        current.max_share_percent = data["max_share_percent"]
    if "message" in data:
        current.message = (data["message"] or "").strip()
    current.updated_by = actor
    current.full_clean(exclude=["agency", "created_by", "updated_by", "withdrawn_by"])
    current.save()
    restored = _restore(current, after=today)
    cancelled = _cancel_clashing(current, after=today)
    _days_enqueue(current, kind="schedule_days_restored", affected=restored, reason=current.message)
    _days_enqueue(current, kind="schedule_days_cancelled", affected=cancelled, reason=current.message)
    _notice_enqueue(current, kind="directive_changed", unit_ids=[old_unit_id, current.unit_id])
    return current


@transaction.atomic
def directive_withdraw(
    *, directive: Directive, reason: str, actor, expected_updated_at: datetime.datetime | None = None
) -> Directive:
    """HR withdraws a directive that has not ended. It stops applying at once; the days it cancelled
    come back from tomorrow on where they fit; everyone in scope is told. A repeated or concurrent
    withdrawal answers 409 and writes nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(ERR_REASON), fields={"reason": [str(ERR_REASON)]})
    current = _lock_current(directive, expected_updated_at=expected_updated_at)
    today = directive_today(current)
    now = timezone.now()
    # Compare-and-swap on top of the lock: exactly one withdrawal wins.
    won = Directive.objects.filter(id=current.id, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor, withdraw_reason=reason[:2000], updated_by=actor, updated_at=now
    )
    if won != 1:
        raise ConflictError(str(ERR_WITHDRAWN), code="stale_transition")
    current.refresh_from_db()
    restored = _restore(current, after=today)
    _days_enqueue(current, kind="schedule_days_restored", affected=restored, reason=reason)
    _notice_enqueue(current, kind="directive_withdrawn", unit_ids=[current.unit_id])
    return current


__all__ = [
    "DAYS_TOPIC",
    "NOTICE_TOPIC",
    "directive_create",
    "directive_days_notice_send",
    "directive_notice_send",
    "directive_today",
    "directive_update",
    "directive_withdraw",
]
