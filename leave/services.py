"""Writing leave balances (docs/rules.md §9 "Buckets"): the year's entitlement, holds, debits,
releases, returns and HR's adjustments. Every change is one ledger entry (LeaveBalanceEntry) written
under a row lock; PostgreSQL's `held + used <= granted` check is the last guard.

Lock order, the same on every path: the employee's row (as the approval engine takes it), then the
year's bucket rows in bucket order. Two requests racing for the last days therefore queue on the
employee's row; the second one finds the days held and is refused with LEAVE_BALANCE."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from flexwork.common.calendar import add_months, days_between, is_working_day
from flexwork.common.exceptions import ApplicationError
from flexwork.org.models import Employee
from flexwork.org.models.organisation import EmployeeType, WorkWeek
from flexwork.org.selectors import holiday_dates, policy_for
from leave.models import DEBIT_ORDER, Bucket, EntryKind, LeaveBalance, LeaveBalanceEntry

# The kinds of leave that draw on the annual-leave buckets (docs/rules.md §9 "Counting").
BALANCE_KINDS = frozenset({"CT"})
GRANTED_KINDS = frozenset(
    {
        EntryKind.GRANT,
        EntryKind.CARRY,
        EntryKind.DEFERRAL,
        EntryKind.OPENING,
        EntryKind.CORRECTION,
        EntryKind.CUTI_BERSAMA_WORKED,
        EntryKind.LONG_LEAVE,
    }
)
MAX_DAYS = 32767  # the columns are smallints


# ---------------------------------------------------------------------------- eligibility and counting


def _policy(employee: Employee):
    return policy_for(agency=employee.agency_id, unit=employee.unit)


def ct_eligible_from(employee: Employee, policy=None) -> datetime.date | None:
    """The first day of annual leave: TMT + `ct_min_service_months` (docs/rules.md §9 "Eligibility").
    None when the TMT is unknown: such an employee is treated as eligible."""
    if employee.service_start_date is None:
        return None
    policy = policy or _policy(employee)
    return add_months(employee.service_start_date, policy.ct_min_service_months)


def ct_eligible_on(employee: Employee, day: datetime.date, policy=None) -> bool:
    start = ct_eligible_from(employee, policy)
    return start is None or start <= day


def ct_eligible_in_year(employee: Employee, year: int, policy=None) -> bool:
    """Eligible at some point of `year`: the entitlement is granted in full in the first eligible year."""
    return ct_eligible_on(employee, datetime.date(year, 12, 31), policy)


def _rostered(employee: Employee) -> bool:
    return employee.unit.work_week != WorkWeek.MON_FRI


def counted_dates(*, employee: Employee, date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The days a CT request takes (docs/rules.md §9 "Counting"): working days of the office calendar
    (Monday–Friday without national holidays and cuti bersama). Someone of a unit with another working
    week takes their published shift duties; a date without any published duty (a roster not yet
    published) counts as on the office calendar. Two queries."""
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=date_from, date_to=date_to)
    if not _rostered(employee):
        return [day for day in days_between(date_from, date_to) if is_working_day(day, holidays)]
    from shifts.models import Duty, DutyKind

    duties = dict(
        Duty.objects.filter(
            employee_id=employee.id, duty_date__range=(date_from, date_to), is_active=True, is_published=True
        ).values_list("duty_date", "kind")
    )
    found = []
    for day in days_between(date_from, date_to):
        if day in duties:
            if duties[day] == DutyKind.SHIFT:
                found.append(day)
        elif is_working_day(day, holidays):
            found.append(day)
    return found


def days_by_year(dates: list[datetime.date]) -> dict[int, int]:
    """A request across 31 December is split at the year boundary (docs/rules.md §9 "Year end")."""
    counts: dict[int, int] = defaultdict(int)
    for day in dates:
        counts[day.year] += 1
    return dict(sorted(counts.items()))


# ---------------------------------------------------------------------------- the year's buckets


def _lock_employee(employee_id: int) -> None:
    list(Employee.objects.select_for_update(of=("self",)).filter(id=employee_id).values_list("id", flat=True))


def _entry(balance: LeaveBalance, kind: str, days: int, *, leave_request=None, actor=None, reason: str = "", duty=None):
    return LeaveBalanceEntry.objects.create(
        agency_id=balance.agency_id,
        balance=balance,
        kind=kind,
        days=days,
        leave_request=leave_request,
        created_by=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        duty=duty,
    )


def _row(employee: Employee, year: int, bucket: str) -> LeaveBalance:
    """The bucket row, created empty when missing (the caller holds the employee's lock)."""
    row, _created = LeaveBalance.objects.select_for_update(of=("self",)).get_or_create(
        employee_id=employee.id, year=year, bucket=bucket, defaults={"agency_id": employee.agency_id}
    )
    return row


def entitlement(employee: Employee, year: int, policy=None) -> int:
    """The year's N for an employee whose N row does not exist yet (docs/rules.md §9 "Entitlement")."""
    policy = policy or _policy(employee)
    return policy.ct_days_per_year if ct_eligible_in_year(employee, year, policy) else 0


@transaction.atomic
def ensure_year(*, employee: Employee, year: int) -> None:
    """Create `year`'s N bucket with the year's entitlement (`ct_days_per_year` when the employee is
    eligible in that year), once: a second call changes nothing. The other buckets are created when
    something goes into them (the rollover, a deferral, HR)."""
    _lock_employee(employee.id)
    if LeaveBalance.objects.filter(employee_id=employee.id, year=year, bucket=Bucket.N).exists():
        return
    days = entitlement(employee, year)
    row = LeaveBalance.objects.create(agency_id=employee.agency_id, employee=employee, year=year, bucket=Bucket.N)
    if days:
        row.granted = days
        row.save(update_fields=["granted", "updated_at"])
        _entry(row, EntryKind.GRANT, days)
        from leave import family

        family.settle(employee=employee, row=row)


def _locked_rows(employee: Employee, year: int) -> dict[str, LeaveBalance]:
    rows = LeaveBalance.objects.select_for_update(of=("self",)).filter(employee_id=employee.id, year=year)
    return {row.bucket: row for row in rows.order_by("bucket")}


@transaction.atomic
def balance_adjust(
    *,
    actor,
    employee: Employee,
    year: int,
    bucket: str,
    days: int,
    kind: str,
    reason: str = "",
    duty=None,
    leave_request=None,
) -> LeaveBalance:
    """Add `days` (signed) to what a bucket grants: HR's correction or opening balance, a cuti bersama
    worked, a carry-over, a deferral, long leave's zeroing. Refuses a result below the days already
    held and taken, and a correction without a reason."""
    if bucket not in Bucket.values:
        message = _("Unknown bucket.")
        raise ApplicationError(message, fields={"bucket": [message]})
    if kind not in GRANTED_KINDS:
        message = _("This kind of entry does not change the days granted.")
        raise ApplicationError(message, fields={"kind": [message]})
    reason = (reason or "").strip()
    if kind in (EntryKind.CORRECTION, EntryKind.OPENING) and not reason:
        message = _("Give a reason.")
        raise ApplicationError(message, fields={"reason": [message]})
    if not days:
        message = _("Give a number of days other than zero.")
        raise ApplicationError(message, fields={"days": [message]})
    ensure_year(employee=employee, year=year)
    row = _row(employee, year, bucket)
    granted = row.granted + days
    if granted < row.held + row.used:
        message = _(
            "%(bucket)s of %(year)d would grant %(granted)d days, fewer than the %(held)d held and "
            "%(used)d taken there."
        ) % {
            "bucket": Bucket(bucket).label,
            "year": year,
            "granted": max(granted, 0),
            "held": row.held,
            "used": row.used,
        }
        raise ApplicationError(message, code="LEAVE_BALANCE", fields={"days": [message]})
    if granted > MAX_DAYS:
        message = _("Too many days.")
        raise ApplicationError(message, fields={"days": [message]})
    row.granted = granted
    row.save(update_fields=["granted", "updated_at"])
    _entry(row, kind, days, actor=actor, reason=reason, duty=duty, leave_request=leave_request)
    return row


# ---------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class PreviewLine:
    bucket: str
    label: str
    before: int
    taken: int

    @property
    def after(self) -> int:
        return self.before - self.taken


@dataclass(frozen=True)
class PreviewYear:
    year: int
    days: int  # the days of this year the request takes
    lines: tuple[PreviewLine, ...]  # DEFERRED, N-2, N-1, N
    short: int  # the days the buckets cannot cover
    held: int = 0  # the days other requests waiting for a decision hold

    @property
    def before(self) -> int:
        return sum(line.before for line in self.lines)

    @property
    def after(self) -> int:
        return sum(line.after for line in self.lines)

    def line(self, bucket: str) -> PreviewLine:
        return next(line for line in self.lines if line.bucket == bucket)


@dataclass(frozen=True)
class Preview:
    """What the official form prints: per year and bucket the days left before the request, the days
    it takes and the days left after; `days` is the days counted (working days for CT, calendar days
    otherwise); `counts` whether the kind draws on the balance at all."""

    kind: str
    days: int
    counts: bool
    years: tuple[PreviewYear, ...]

    @property
    def short(self) -> int:
        return sum(year.short for year in self.years)

    @property
    def fits(self) -> bool:
        return self.short == 0


def _allocate(available: dict[str, int], days: int) -> tuple[dict[str, int], int]:
    """Take `days` from the buckets in the debit order DEFERRED → N-2 → N-1 → N."""
    taken: dict[str, int] = {}
    left = days
    for bucket in DEBIT_ORDER:
        part = min(max(available.get(bucket, 0), 0), left)
        taken[bucket] = part
        left -= part
    return taken, left


def _own_held(leave_request_id: int | None) -> dict[tuple[int, str], int]:
    """What a request holds now, per (year, bucket)."""
    if leave_request_id is None:
        return {}
    held: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        LeaveBalanceEntry.objects.filter(leave_request_id=leave_request_id)
        .values("balance__year", "balance__bucket", "kind")
        .annotate(total=Sum("days"))
    )
    for row in rows:
        key = (row["balance__year"], row["balance__bucket"])
        if row["kind"] in (EntryKind.HOLD, EntryKind.RELEASE):
            held[key] += row["total"]
        elif row["kind"] == EntryKind.DEBIT:
            held[key] -= row["total"]
    return dict(held)


def preview(
    *, employee: Employee, kind: str, date_from: datetime.date, date_to: datetime.date, leave_request=None
) -> Preview:
    """The balance before and after a request (docs/rules.md §9 "Counting"), writing nothing and
    raising nothing. A year without its N row yet shows the entitlement it would get. A stored pending
    request (`leave_request`) does not count its own hold as taken by others."""
    if date_to < date_from:
        return Preview(kind=kind, days=0, counts=kind in BALANCE_KINDS, years=())
    if kind not in BALANCE_KINDS:
        return Preview(kind=kind, days=(date_to - date_from).days + 1, counts=False, years=())
    from leave.selectors import balances_for

    dates = counted_dates(employee=employee, date_from=date_from, date_to=date_to)
    own = _own_held(getattr(leave_request, "id", None))
    policy = _policy(employee)
    years = []
    for year, days in days_by_year(dates).items():
        balance = balances_for(employee_ids=[employee.id], year=year)[employee.id]
        available = {line.bucket: line.available + own.get((year, line.bucket), 0) for line in balance.lines}
        if not LeaveBalance.objects.filter(employee_id=employee.id, year=year, bucket=Bucket.N).exists():
            available[Bucket.N] += entitlement(employee, year, policy)
        taken, short = _allocate(available, days)
        lines = tuple(
            PreviewLine(bucket=b, label=str(Bucket(b).label), before=available[b], taken=taken[b]) for b in DEBIT_ORDER
        )
        held = sum(line.held - own.get((year, line.bucket), 0) for line in balance.lines)
        years.append(PreviewYear(year=year, days=days, lines=lines, short=short, held=held))
    return Preview(kind=kind, days=len(dates), counts=True, years=tuple(years))


def family_preview(*, leave_request=None, employee=None, kind="", date_from=None, date_to=None) -> Preview:
    """A request that takes no balance: its days counted (working days for CT), nothing from a bucket."""
    if leave_request is not None:
        employee, kind = leave_request.employee, leave_request.kind
        date_from, date_to = leave_request.date_from, leave_request.date_to
    if kind not in BALANCE_KINDS:
        return preview(employee=employee, kind=kind, date_from=date_from, date_to=date_to)
    days = len(counted_dates(employee=employee, date_from=date_from, date_to=date_to)) if date_to >= date_from else 0
    return Preview(kind=kind, days=days, counts=False, years=())


# ---------------------------------------------------------------------------- hold, debit, release, return


def balance_violation(preview_: Preview) -> dict | None:
    """LEAVE_BALANCE (hard) as the rule check reports it: the days asked, held and left per bucket."""
    if preview_.fits:
        return None
    from leave.rules import LEAVE_BALANCE, violation

    return violation(LEAVE_BALANCE, balance_message(preview_), ())


def balance_message(preview_: Preview) -> str:
    parts = []
    for year in preview_.years:
        if not year.short:
            continue
        buckets = ", ".join(f"{line.label} {line.before}" for line in year.lines if line.before)
        part = _("%(year)d: %(days)d days asked, %(left)d left") % {
            "year": year.year,
            "days": year.days,
            "left": year.before,
        }
        if buckets:
            part += f" ({buckets})"
        if year.held:
            part += ", " + _("%(held)d held for requests waiting for a decision") % {"held": year.held}
        parts.append(part)
    return _("Not enough annual leave: %(parts)s.") % {"parts": "; ".join(parts)}


def _held_by(leave_request) -> tuple[dict[int, int], dict[int, int]]:
    """Per balance row id: what this request holds (HOLD + RELEASE − DEBIT) and uses (DEBIT + RETURN)."""
    totals = (
        LeaveBalanceEntry.objects.filter(leave_request_id=leave_request.id)
        .values("balance_id", "kind")
        .annotate(total=Sum("days"))
    )
    held: dict[int, int] = defaultdict(int)
    used: dict[int, int] = defaultdict(int)
    for row in totals:
        if row["kind"] in (EntryKind.HOLD, EntryKind.RELEASE):
            held[row["balance_id"]] += row["total"]
        elif row["kind"] == EntryKind.DEBIT:
            held[row["balance_id"]] -= row["total"]
            used[row["balance_id"]] += row["total"]
        elif row["kind"] == EntryKind.RETURN:
            used[row["balance_id"]] += row["total"]
    return held, used


def _request_rows(leave_request) -> list[LeaveBalance]:
    """The bucket rows a request has entries on, locked, in (year, bucket) order."""
    ids = LeaveBalanceEntry.objects.filter(leave_request_id=leave_request.id).values("balance_id")
    return list(LeaveBalance.objects.select_for_update(of=("self",)).filter(id__in=ids).order_by("year", "bucket"))


def is_held(leave_request) -> bool:
    held, _used = _held_by(leave_request)
    return any(value > 0 for value in held.values())


def release(*, leave_request, actor=None, reason: str = "") -> int:
    """Give back what a request holds (reject, withdraw, expiry, a resubmission). Returns the days."""
    rows = _request_rows(leave_request)
    held, _used = _held_by(leave_request)
    released = 0
    for row in rows:
        days = held.get(row.id, 0)
        if days <= 0:
            continue
        row.held -= days
        row.save(update_fields=["held", "updated_at"])
        _entry(row, EntryKind.RELEASE, -days, leave_request=leave_request, actor=actor, reason=reason)
        released += days
    return released


def defer(*, leave_request, actor=None, reason: str = "") -> dict[int, int]:
    """The official defers a pending CT (penangguhan, docs/rules.md §9 "The decision"): what it holds is
    released and the same days go, in full, to the next year's DEFERRED bucket (a DEFERRAL entry with
    the reason), year by year for a request across 31 December. Lock order: the employee's row, the
    request's rows (year, bucket), then next year's. Returns {next year: days}."""
    if leave_request.kind not in BALANCE_KINDS:
        return {}
    employee = leave_request.employee
    _lock_employee(employee.id)
    rows = _request_rows(leave_request)
    held, _used = _held_by(leave_request)
    by_year: dict[int, int] = defaultdict(int)
    for row in rows:
        if held.get(row.id, 0) > 0:
            by_year[row.year] += held[row.id]
    release(leave_request=leave_request, actor=actor, reason=reason)
    moved: dict[int, int] = {}
    for year, days in sorted(by_year.items()):
        balance_adjust(
            actor=actor,
            employee=employee,
            year=year + 1,
            bucket=Bucket.DEFERRED,
            days=days,
            kind=EntryKind.DEFERRAL,
            reason=reason,
            leave_request=leave_request,
        )
        moved[year + 1] = days
    return moved


def hold(*, leave_request, actor=None) -> Preview:
    """Hold the days of a CT request in the debit order, per year (docs/rules.md §9 "Buckets"), under
    the employee's lock; raises LEAVE_BALANCE (400, the numbers per bucket) when they do not fit."""
    from leave import family

    employee = leave_request.employee
    if leave_request.kind not in BALANCE_KINDS:
        return preview(
            employee=employee, kind=leave_request.kind, date_from=leave_request.date_from, date_to=leave_request.date_to
        )
    if family.is_family_request(leave_request):
        # A PPPK's family days before annual leave hold nothing (docs/rules.md §9 "Family days").
        _lock_employee(employee.id)
        release(leave_request=leave_request, actor=actor)
        return family_preview(leave_request=leave_request)
    _lock_employee(employee.id)
    release(leave_request=leave_request, actor=actor)
    dates = counted_dates(employee=employee, date_from=leave_request.date_from, date_to=leave_request.date_to)
    for year in days_by_year(dates):
        ensure_year(employee=employee, year=year)
    result = preview(
        employee=employee, kind=leave_request.kind, date_from=leave_request.date_from, date_to=leave_request.date_to
    )
    refusal = balance_violation(result)
    if refusal is not None:
        raise ApplicationError(
            refusal["message"],
            code="policy_violation",
            fields={"date_to": [refusal["message"]]},
            violations=[refusal],
        )
    for year in result.years:
        rows = _locked_rows(employee, year.year)
        for line in year.lines:
            if not line.taken:
                continue
            row = rows.get(line.bucket) or _row(employee, year.year, line.bucket)
            row.held += line.taken
            row.save(update_fields=["held", "updated_at"])
            _entry(row, EntryKind.HOLD, line.taken, leave_request=leave_request, actor=actor)
    return result


def debit(*, leave_request, actor=None) -> int:
    """At approval the held days become taken (a DEBIT moves them from `held` to `used`); a PPPK's
    family days are recorded as owed to the first N (docs/rules.md §9 "Family days")."""
    from leave import family

    family.record_owed(leave_request=leave_request)
    rows = _request_rows(leave_request)
    held, _used = _held_by(leave_request)
    taken = 0
    for row in rows:
        days = held.get(row.id, 0)
        if days <= 0:
            continue
        row.held -= days
        row.used += days
        row.save(update_fields=["held", "used", "updated_at"])
        _entry(row, EntryKind.DEBIT, days, leave_request=leave_request, actor=actor)
        taken += days
    return taken


def give_back(*, leave_request, days_by_year_: dict[int, int] | None = None, actor=None, reason: str = "") -> int:
    """Return taken days to their buckets (cancel, or a recall: Pasal 338): the last days taken came
    from the last bucket in the debit order, so they go back in the reverse order. `days_by_year_`
    None returns everything the request took. A cancelled family leave owes nothing."""
    from leave import family

    if days_by_year_ is None:
        family.forgive(leave_request=leave_request)
    rows = _request_rows(leave_request)
    _held, used = _held_by(leave_request)
    by_year: dict[int, list[LeaveBalance]] = defaultdict(list)
    for row in rows:
        by_year[row.year].append(row)
    order = {bucket: index for index, bucket in enumerate(DEBIT_ORDER)}
    returned = 0
    for year, year_rows in by_year.items():
        wanted = None if days_by_year_ is None else days_by_year_.get(year, 0)
        for row in sorted(year_rows, key=lambda r: order[r.bucket], reverse=True):
            days = used.get(row.id, 0)
            if wanted is not None:
                days = min(days, wanted)
                wanted -= days
            if days <= 0:
                continue
            row.used -= days
            row.save(update_fields=["used", "updated_at"])
            _entry(row, EntryKind.RETURN, -days, leave_request=leave_request, actor=actor, reason=reason)
            returned += days
    return returned


def recall(*, leave_request, on: datetime.date, actor=None, reason: str = "") -> int:
    """An approved CT revoked after it began: the days after `on` (the recall's office day, which
    counts as taken) go back to their buckets. Before it began, everything goes back."""
    if leave_request.kind not in BALANCE_KINDS:
        return 0
    if on < leave_request.date_from:
        return give_back(leave_request=leave_request, actor=actor, reason=reason)
    if on >= leave_request.date_to:
        return 0
    dates = counted_dates(
        employee=leave_request.employee, date_from=on + datetime.timedelta(days=1), date_to=leave_request.date_to
    )
    return give_back(leave_request=leave_request, days_by_year_=days_by_year(dates), actor=actor, reason=reason)


def long_leave_starts(*, leave_request, actor=None) -> int:
    """A cuti besar starting in a year sets that year's N to 0 (docs/rules.md §9 "Long leave"): what
    N grants beyond its held and taken days is cleared with a LONG_LEAVE entry."""
    employee = leave_request.employee
    year = leave_request.date_from.year
    ensure_year(employee=employee, year=year)
    row = _row(employee, year, Bucket.N)
    free = row.granted - row.held - row.used
    if free <= 0:
        return 0
    row.granted -= free
    row.save(update_fields=["granted", "updated_at"])
    _entry(row, EntryKind.LONG_LEAVE, -free, leave_request=leave_request, actor=actor)
    return free


def long_leave_undone(*, leave_request, actor=None, reason: str = "") -> int:
    """A cuti besar cancelled before it began gives N back what its start cleared."""
    cleared = -sum(
        LeaveBalanceEntry.objects.filter(leave_request_id=leave_request.id, kind=EntryKind.LONG_LEAVE).values_list(
            "days", flat=True
        )
    )
    if cleared <= 0:
        return 0
    employee = leave_request.employee
    _lock_employee(employee.id)
    row = _row(employee, leave_request.date_from.year, Bucket.N)
    row.granted += cleared
    row.save(update_fields=["granted", "updated_at"])
    _entry(row, EntryKind.LONG_LEAVE, cleared, leave_request=leave_request, actor=actor, reason=reason)
    return cleared


def is_pppk(employee: Employee) -> bool:
    return employee.employee_type in (EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU)


def cuti_bersama_worked_credit(*, agency_id: int, date_from: datetime.date, date_to: datetime.date) -> int:
    """docs/rules.md §9 "Cuti bersama worked": +1 day in N of its year for each published shift duty on
    a cuti bersama day of [date_from, date_to] that was worked (its day status counts worked minutes),
    once per duty (a unique ledger column). Returns the days credited now."""
    from django.conf import settings
    from django.db import IntegrityError
    from django.db.models import Exists, OuterRef
    from django.utils import formats, translation

    from attendance.models import DayStatus
    from flexwork.org.models import Holiday, HolidayKind
    from shifts.models import Duty, DutyKind

    names = dict(
        Holiday.objects.filter(
            agency_id=agency_id, kind=HolidayKind.CUTI_BERSAMA, date__range=(date_from, date_to)
        ).values_list("date", "name")
    )
    if not names:
        return 0
    duties = (
        Duty.objects.filter(
            agency_id=agency_id, duty_date__in=list(names), kind=DutyKind.SHIFT, is_active=True, is_published=True
        )
        .filter(Exists(DayStatus.objects.filter(duty_id=OuterRef("id"), worked_minutes__gt=0)))
        .exclude(Exists(LeaveBalanceEntry.objects.filter(duty_id=OuterRef("id"))))
        .select_related("employee__unit", "employee__agency")
        .order_by("employee_id", "duty_date")
    )
    credited = 0
    for duty in duties:
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Worked on %(holiday)s, %(date)s") % {
                "holiday": names[duty.duty_date],
                "date": formats.date_format(duty.duty_date, "j F Y"),
            }
        try:
            with transaction.atomic():
                balance_adjust(
                    actor=None,
                    employee=duty.employee,
                    year=duty.duty_date.year,
                    bucket=Bucket.N,
                    days=1,
                    kind=EntryKind.CUTI_BERSAMA_WORKED,
                    reason=reason,
                    duty=duty,
                )
        except IntegrityError:
            continue  # credited meanwhile by a concurrent run
        credited += 1
    return credited
