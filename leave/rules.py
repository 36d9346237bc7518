"""The rule check of a leave request (docs/rules.md §9): which kinds an employee type may take, the
service each kind needs, lengths, lead times, the annual-leave balance, and the unit's coverage.

Each rule returns violations in the catalogue's shape (schedules/policy.py `SOURCES`, docs/rules.md
§3 "Rule catalogue"): hard ones refuse the submit, soft ones (coverage) need the decider's override
reason. Every number comes from the agency's policy (flexwork/org/models/policy.py, group "Leave")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from flexwork.common.calendar import add_months, is_working_day, working_days_between
from flexwork.org.models import Employee
from flexwork.org.models.organisation import EmployeeType
from flexwork.org.selectors import holiday_dates, policy_for
from leave import services

HARD, SOFT = "hard", "soft"
LEAVE_KIND_NOT_ALLOWED = "LEAVE_KIND_NOT_ALLOWED"
CT_NOT_ELIGIBLE = "CT_NOT_ELIGIBLE"
LEAVE_SERVICE_SHORT = "LEAVE_SERVICE_SHORT"
LEAVE_TOO_LONG = "LEAVE_TOO_LONG"
CM_BIRTH_LIMIT = "CM_BIRTH_LIMIT"
LEAVE_BALANCE = "LEAVE_BALANCE"
LEAD_TIME = "LEAD_TIME"
LEAVE_REASON_REQUIRED = "LEAVE_REASON_REQUIRED"
LEAVE_EVIDENCE_REQUIRED = "LEAVE_EVIDENCE_REQUIRED"
LEAVE_BACKDATE = "LEAVE_BACKDATE"
LEAVE_PPK_ONLY = "LEAVE_PPK_ONLY"
CB_AFTER_CT = "CB_AFTER_CT"
# docs/rules.md §9 "CLTN": unpaid leave lasts at most 3 years, extendable once by at most 1 year (PP 11/2017
# Pasal 331); fixed by the regulation, not agency policy.
CLTN_MAX_YEARS, CLTN_EXTENSION_YEARS = 3, 1
# docs/rules.md §9 "Eligibility": the reasons that skip the years of service (a first hajj, a 4th or later birth).
CB_EXCEPTIONS = ("HAJJ", "BIRTH")

# docs/rules.md §9 "Kinds by employee type". SAKIT (a one-day sick leave), IZIN and DINAS_LUAR are open
# to everyone and have no balance.
OPEN_TO_ALL = frozenset({"SAKIT", "IZIN", "DINAS_LUAR"})
PNS_KINDS = frozenset({"CT", "CB", "CS", "CM", "CAP", "CLTN"})
CPNS_KINDS = frozenset({"CT", "CS", "CM", "CAP"})
PPPK_KINDS = frozenset({"CT", "CS", "CM"})
KINDS_BY_TYPE = {
    EmployeeType.PNS: PNS_KINDS,
    EmployeeType.CPNS: CPNS_KINDS,
    EmployeeType.PPPK: PPPK_KINDS,
    EmployeeType.PPPK_PARUH_WAKTU: PPPK_KINDS,
}
# The regulation that names each type's kinds, quoted in the refusal.
KIND_SOURCES = {
    EmployeeType.CPNS: "PP 11/2017 Pasal 340",
    EmployeeType.PPPK: "PP 49/2018 Pasal 79; Perban BKN 7/2022 Pasal 4",
    EmployeeType.PPPK_PARUH_WAKTU: "PP 49/2018 Pasal 79; Perban BKN 7/2022 Pasal 4",
}
# docs/rules.md §9 "Lead time": working days of notice before the first day, per kind (policy names).
LEAD_SETTINGS = {"CT": "ct_lead_working_days", "CB": "cb_lead_working_days", "CLTN": "cltn_lead_working_days"}


def violation(code: str, message: str, dates, severity: str = HARD) -> dict:
    from schedules.policy import SOURCES

    return {
        "code": code,
        "severity": severity,
        "message": str(message),
        "source": SOURCES[code],
        "dates": [day.isoformat() for day in dates],
    }


def kinds_for(employee: Employee) -> frozenset[str]:
    """The leave kinds `employee` may ask for (the form offers only these)."""
    return KINDS_BY_TYPE.get(employee.employee_type, PNS_KINDS) | OPEN_TO_ALL


def _kind_label(kind: str) -> str:
    from attendance.models import LeaveKind

    return str(LeaveKind(kind).label)


def _type_label(employee: Employee) -> str:
    return str(EmployeeType(employee.employee_type).label)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _months_after(start: datetime.date, months: int) -> datetime.date:
    """The last day of a block of `months` calendar months beginning on `start`."""
    return add_months(start, months) - datetime.timedelta(days=1)


@dataclass
class LeaveCheck:
    violations: list[dict]
    preview: services.Preview

    @property
    def hard(self) -> list[dict]:
        return [v for v in self.violations if v["severity"] == HARD]

    @property
    def soft(self) -> list[dict]:
        return [v for v in self.violations if v["severity"] == SOFT]


def rule_kind(employee: Employee, kind: str) -> list[dict]:
    if kind in kinds_for(employee):
        return []
    message = _("%(type)s is not entitled to %(kind)s (%(source)s).") % {
        "type": _type_label(employee),
        "kind": _kind_label(kind),
        "source": KIND_SOURCES.get(employee.employee_type, "PP 11/2017 Pasal 311"),
    }
    return [violation(LEAVE_KIND_NOT_ALLOWED, message, ())]


def _after_last_long_leave(employee: Employee, years: int, leave_request=None) -> datetime.date | None:
    """The next CB needs another `years` of service after the last one ended (the day after it)."""
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    earlier = LeaveRequest.objects.filter(employee_id=employee.id, kind="CB", status=ApprovalStatus.APPROVED)
    if leave_request is not None and leave_request.id:
        earlier = earlier.exclude(id=leave_request.id)
    last = earlier.order_by("-date_to").values_list("date_to", flat=True).first()
    return add_months(last + datetime.timedelta(days=1), 12 * years) if last else None


def _cb_exception(employee: Employee, sub_reason: str, leave_request=None) -> bool:
    """A CB for a 4th or later birth, or for a first hajj (no earlier approved CB for a hajj), skips the
    years of service and the years since the last CB (PP 11/2017 Pasal 315, 325)."""
    if sub_reason == "BIRTH":
        return True
    if sub_reason != "HAJJ":
        return False
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    earlier = LeaveRequest.objects.filter(
        employee_id=employee.id, kind="CB", sub_reason="HAJJ", status=ApprovalStatus.APPROVED
    )
    if leave_request is not None and leave_request.id:
        earlier = earlier.exclude(id=leave_request.id)
    return not earlier.exists()


def rule_service(
    employee: Employee, kind: str, date_from: datetime.date, policy, leave_request=None, sub_reason: str = ""
) -> list[dict]:
    """CT after `ct_min_service_months`; CB and CLTN after their years of continuous service, counted
    from the TMT, and a next CB as many years after the last one ended; a CB for a first hajj or a 4th
    or later birth skips both. An unknown TMT refuses nothing (docs/rules.md §9 "Eligibility")."""
    start = employee.service_start_date
    if start is None:
        return []
    if kind == "CT":
        from leave import family

        if family.is_family_ct(employee, kind, sub_reason, date_from, policy):
            return []  # a PPPK's family days (docs/rules.md §9 "Family days")
        eligible = services.ct_eligible_from(employee, policy)
        if eligible is not None and date_from < eligible:
            message = _("Annual leave starts after %(months)d months of service: from %(date)s.") % {
                "months": policy.ct_min_service_months,
                "date": _date(eligible),
            }
            return [violation(CT_NOT_ELIGIBLE, message, (date_from,))]
        return []
    years = {"CB": policy.cb_min_service_years, "CLTN": policy.cltn_min_service_years}.get(kind)
    if years is None:
        return []
    if kind == "CB" and _cb_exception(employee, sub_reason, leave_request):
        return []
    eligible = add_months(start, 12 * years)
    if kind == "CB":
        eligible = max(eligible, _after_last_long_leave(employee, years, leave_request) or eligible)
    if date_from >= eligible:
        return []
    message = _("%(kind)s needs %(years)d years of continuous service: from %(date)s.") % {
        "kind": _kind_label(kind),
        "years": years,
        "date": _date(eligible),
    }
    return [violation(LEAVE_SERVICE_SHORT, message, (date_from,))]


def rule_length(kind: str, date_from: datetime.date, date_to: datetime.date, policy) -> list[dict]:
    """CB, CM and CAP in calendar months from the first day (docs/rules.md §9 "Counting")."""
    months = {"CB": policy.cb_max_months, "CM": policy.cm_months, "CAP": policy.cap_max_months}.get(kind)
    if months is None:
        return []
    last = _months_after(date_from, months)
    if date_to <= last:
        return []
    message = _("%(kind)s lasts at most %(months)d month(s): until %(date)s at the latest.") % {
        "kind": _kind_label(kind),
        "months": months,
        "date": _date(last),
    }
    return [violation(LEAVE_TOO_LONG, message, (date_to,))]


def run_start(
    employee: Employee, kinds: tuple[str, ...], date_from: datetime.date, leave_request=None
) -> datetime.date:
    """The first day of the run of approved leave of `kinds` without a day between that a leave from
    `date_from` continues; `date_from` itself when none ends the day before (CLTN's 3 + 1 years, a
    sick leave's 365 days + 6 months)."""
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    earlier = LeaveRequest.objects.filter(
        employee_id=employee.id, kind__in=kinds, status=ApprovalStatus.APPROVED, date_from__lt=date_from
    )
    if leave_request is not None and leave_request.id:
        earlier = earlier.exclude(id=leave_request.id)
    start = date_from
    for first, last in earlier.order_by("-date_to").values_list("date_from", "date_to"):
        if last >= start - datetime.timedelta(days=1):
            start = min(start, first)
        else:
            break
    return start


def cltn_run_start(employee: Employee, date_from: datetime.date, leave_request=None) -> datetime.date:
    """The first day of the run of unpaid leave (approved CLTN without a day between) a CLTN from
    `date_from` continues (an extension)."""
    return run_start(employee, ("CLTN",), date_from, leave_request)


def rule_cltn_length(employee: Employee, kind: str, date_from, date_to, leave_request=None) -> list[dict]:
    """A run of unpaid leave, with the approved CLTN it continues, lasts at most `CLTN_MAX_YEARS` (3)
    years and one extension of `CLTN_EXTENSION_YEARS` (1): until 4 years after its first day."""
    if kind != "CLTN":
        return []
    start = cltn_run_start(employee, date_from, leave_request)
    last = _months_after(start, 12 * (CLTN_MAX_YEARS + CLTN_EXTENSION_YEARS))
    if date_to <= last:
        return []
    message = _("Unpaid leave lasts at most %(years)d years and %(more)d year more: until %(date)s at the latest.") % {
        "years": CLTN_MAX_YEARS,
        "more": CLTN_EXTENSION_YEARS,
        "date": _date(last),
    }
    return [violation(LEAVE_TOO_LONG, message, (date_to,))]


def _working_days_back(last: datetime.date, count: int, holidays) -> datetime.date:
    """The day `count` working days before `last` is reached, walking back (the CB's shortened end)."""
    day = last
    while count > 0:
        if is_working_day(day, holidays):
            count -= 1
        day -= datetime.timedelta(days=1)
    return day


def ct_taken_in(employee: Employee, year: int, before: datetime.date) -> int:
    """Working days of approved CT of `employee` in `year` before `before` (office calendar)."""
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), before - datetime.timedelta(days=1))
    if last < first:
        return 0
    spans = list(
        LeaveRequest.objects.filter(
            employee_id=employee.id, kind="CT", status=ApprovalStatus.APPROVED, date_from__lte=last, date_to__gte=first
        ).values_list("date_from", "date_to")
    )
    if not spans:
        return 0
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=first, date_to=last)
    return sum(
        working_days_between(max(a, first), min(b, last) + datetime.timedelta(days=1), holidays) for a, b in spans
    )


def rule_cb_after_ct(employee: Employee, kind: str, date_from: datetime.date, date_to: datetime.date, policy):
    """docs/rules.md §9 "Long leave": CT already taken in the CB's year (the year it starts) shortens
    the CB by as many working days: the CB ends that many working days before `cb_max_months` ends."""
    if kind != "CB":
        return []
    taken = ct_taken_in(employee, date_from.year, date_from)
    if not taken:
        return []
    full = _months_after(date_from, policy.cb_max_months)
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=date_from, date_to=full)
    last = _working_days_back(full, taken, holidays)
    if date_to <= last:
        return []
    message = _(
        "Annual leave of %(days)d working day(s) already taken in %(year)d shortens long leave by as many "
        "working days: until %(date)s at the latest."
    ) % {"days": taken, "year": date_from.year, "date": _date(last)}
    return [violation(CB_AFTER_CT, message, (date_to,))]


def sick_episode_start(employee: Employee, date_from: datetime.date, leave_request=None) -> datetime.date:
    """The first day of the run of sick leave (approved CS without a day between) that a CS from
    `date_from` continues."""
    return run_start(employee, ("CS", "SAKIT"), date_from, leave_request)


def cs_limits(employee: Employee, policy, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last day of a PNS's sick leave without and with the health board's extension (docs/rules.md
    §9 "Kinds and their reasons"): `cs_max_days` calendar days from the run's start, then `cs_extension_months`."""
    plain = start + datetime.timedelta(days=policy.cs_max_days - 1)
    return plain, _months_after(plain + datetime.timedelta(days=1), policy.cs_extension_months)


def rule_sick_run(
    employee: Employee,
    kind: str,
    sub_reason: str,
    date_from: datetime.date,
    date_to: datetime.date,
    policy,
    has_evidence: bool | None,
    leave_request=None,
) -> list[dict]:
    """A (C)PNS's sick leave, with the run it continues, lasts at most `cs_max_days` (365) calendar days,
    and at most `cs_extension_months` (6) longer with the health board's letter (tim penguji kesehatan)
    attached to the request that goes past them; a sick leave after an accident on duty lasts until
    recovery and a miscarriage has its own length (PP 11/2017 Pasal 321, 322)."""
    if kind != "CS" or sub_reason in ("ACCIDENT_ON_DUTY", "MISCARRIAGE"):
        return []
    if employee.employee_type not in (EmployeeType.PNS, EmployeeType.CPNS):
        return []
    start = sick_episode_start(employee, date_from, leave_request)
    plain, extended = cs_limits(employee, policy, start)
    if date_to <= plain:
        return []
    if date_to > extended:
        message = _(
            "Sick leave lasts at most %(days)d days and %(months)d month(s) more with the health board's letter: "
            "until %(date)s at the latest."
        ) % {"days": policy.cs_max_days, "months": policy.cs_extension_months, "date": _date(extended)}
        return [violation(LEAVE_TOO_LONG, message, (date_to,))]
    if has_evidence is False:
        message = _("Sick leave past %(days)d days needs the letter of the health board (tim penguji kesehatan).") % {
            "days": policy.cs_max_days
        }
        return [violation(LEAVE_EVIDENCE_REQUIRED, message, (date_to,))]
    return []


def rule_reason(kind: str, sub_reason: str) -> list[dict]:
    """CAP is for one of the listed reasons (docs/rules.md §9 "Kinds and their reasons")."""
    if kind != "CAP" or sub_reason:
        return []
    message = _("Leave for important reasons needs one of the listed reasons.")
    return [violation(LEAVE_REASON_REQUIRED, message, ())]


def rule_sick_length(
    employee: Employee, kind: str, sub_reason: str, date_from: datetime.date, date_to: datetime.date, policy
) -> list[dict]:
    """A sick leave for a miscarriage lasts at most `cs_miscarriage_days` (45) days; a PPPK's sick leave
    at most `pppk_cs_months` (1) month."""
    if kind != "CS":
        return []
    if sub_reason == "MISCARRIAGE":
        last = date_from + datetime.timedelta(days=policy.cs_miscarriage_days - 1)
        if date_to > last:
            message = _("Sick leave after a miscarriage lasts at most %(days)d days: until %(date)s at the latest.")
            message = message % {"days": policy.cs_miscarriage_days, "date": _date(last)}
            return [violation(LEAVE_TOO_LONG, message, (date_to,))]
        return []
    if employee.employee_type in (EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU):
        last = _months_after(date_from, policy.pppk_cs_months)
        if date_to > last:
            message = _("%(type)s has sick leave of at most %(months)d month(s): until %(date)s at the latest.") % {
                "type": _type_label(employee),
                "months": policy.pppk_cs_months,
                "date": _date(last),
            }
            return [violation(LEAVE_TOO_LONG, message, (date_to,))]
    return []


def rule_evidence(
    employee: Employee,
    kind: str,
    date_from: datetime.date,
    date_to: datetime.date,
    has_evidence: bool | None,
    policy=None,
    sub_reason: str = "",
) -> list[dict]:
    """A (C)PNS's sick leave of more than one day needs the doctor's letter, a PPPK's of more than
    `pppk_cs_gov_doctor_days` (14) a government doctor's, a CLTN the BKN approval letter, a CB for a
    first hajj the statement that it is the first, a CB for a birth its evidence, attached before it is
    submitted. `has_evidence` None (the check page, before any upload) refuses nothing."""
    if has_evidence is None or has_evidence:
        return []
    if kind == "CS" and employee.employee_type in (EmployeeType.PNS, EmployeeType.CPNS) and date_to > date_from:
        message = _("Sick leave of more than one day needs the doctor's letter attached.")
        return [violation(LEAVE_EVIDENCE_REQUIRED, message, ())]
    if kind == "CS" and employee.employee_type in (EmployeeType.PPPK, EmployeeType.PPPK_PARUH_WAKTU):
        days = (date_to - date_from).days + 1
        if policy is not None and days > policy.pppk_cs_gov_doctor_days:
            message = _("Sick leave of more than %(days)d days needs the letter of a government doctor attached.")
            return [violation(LEAVE_EVIDENCE_REQUIRED, message % {"days": policy.pppk_cs_gov_doctor_days}, ())]
    if kind == "CLTN":
        message = _("Unpaid leave needs the approval letter of the BKN attached.")
        return [violation(LEAVE_EVIDENCE_REQUIRED, message, ())]
    if kind == "CB" and sub_reason == "HAJJ":
        message = _("Long leave for a first hajj needs the statement that it is the first hajj attached.")
        return [violation(LEAVE_EVIDENCE_REQUIRED, message, ())]
    if kind == "CB" and sub_reason == "BIRTH":
        message = _("Long leave for a birth needs the evidence of the birth (a doctor's or midwife's letter) attached.")
        return [violation(LEAVE_EVIDENCE_REQUIRED, message, ())]
    return []


def rule_backdate(employee: Employee, kind: str, date_from: datetime.date, today: datetime.date, policy) -> list[dict]:
    """A CS may be submitted up to `cs_backdate_working_days` (3) working days after its first day."""
    if kind != "CS" or date_from >= today:
        return []
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=date_from, date_to=today)
    if working_days_between(date_from, today, holidays) <= policy.cs_backdate_working_days:
        return []
    message = _("Sick leave may be asked for at most %(days)d working days after its first day.") % {
        "days": policy.cs_backdate_working_days
    }
    return [violation(LEAVE_BACKDATE, message, (date_from,))]


def decided_by_ppk(*, kind: str, abroad: bool) -> bool:
    """CLTN and any leave abroad are decided by the PPK, the agency head, in person (no delegate)."""
    return kind == "CLTN" or bool(abroad)


def rule_births(employee: Employee, kind: str, policy, leave_request=None) -> list[dict]:
    """CM for the 1st to 3rd birth since the TMT (a multiple birth is one): approved maternity leave
    since the TMT counts the births. A PNS's next birth is offered as cuti besar; others are refused."""
    if kind != "CM":
        return []
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus

    earlier = LeaveRequest.objects.filter(employee_id=employee.id, kind="CM", status=ApprovalStatus.APPROVED)
    if employee.service_start_date is not None:
        earlier = earlier.filter(date_from__gte=employee.service_start_date)
    if leave_request is not None and leave_request.id:
        earlier = earlier.exclude(id=leave_request.id)
    count = earlier.count()
    if count < policy.cm_max_births:
        return []
    if employee.employee_type == EmployeeType.PNS:
        message = _("Maternity leave covers the first %(births)d births; for this one ask for long leave (cuti besar).")
    else:
        message = _("Maternity leave covers the first %(births)d births; %(type)s has no leave for a later one.")
    return [violation(CM_BIRTH_LIMIT, message % {"births": policy.cm_max_births, "type": _type_label(employee)}, ())]


def rule_lead(
    employee: Employee, kind: str, date_from: datetime.date, today: datetime.date, policy, abroad: bool = False
) -> list[dict]:
    name = LEAD_SETTINGS.get(kind)
    lead = getattr(policy, name) if name else 0
    if abroad and lead < policy.leave_abroad_lead_days:
        lead = policy.leave_abroad_lead_days
    if not lead:
        return []
    holidays = holiday_dates(agency_id=employee.agency_id, date_from=min(today, date_from), date_to=date_from)
    if _lead_days(employee, today, date_from, holidays) >= lead:
        return []
    if abroad:
        message = _("Ask for %(kind)s abroad at least %(lead)d working days before the first day.")
    else:
        message = _("Ask for %(kind)s at least %(lead)d working days before the first day.")
    message = message % {"kind": _kind_label(kind), "lead": lead}
    return [violation(LEAD_TIME, message, (date_from,))]


def _lead_days(employee: Employee, today: datetime.date, first: datetime.date, holidays) -> int:
    """Working days d with today <= d < first. For a roster employee (docs/rules.md §8 "Flexibility on
    duties") a date of a published roster counts when it holds a shift duty; a date no roster covers yet
    counts as the office calendar says (Monday–Friday without holidays)."""
    from shifts.models import DutyKind
    from shifts.selectors import duties_between, works_roster

    if first <= today or not works_roster(employee):
        return working_days_between(today, first, holidays)
    rostered = {
        duty.duty_date: duty.kind == DutyKind.SHIFT
        for duty in duties_between(employee_id=employee.id, date_from=today, date_to=first - datetime.timedelta(days=1))
    }
    count = 0
    day = today
    while day < first:
        if day in rostered:
            count += rostered[day]
        else:
            count += working_days_between(day, day + datetime.timedelta(days=1), holidays)
        day += datetime.timedelta(days=1)
    return count


def rule_coverage(employee: Employee, date_from: datetime.date, date_to: datetime.date, policy=None) -> list[dict]:
    """docs/rules.md §9 "Coverage": people on leave count as away, so a leave that takes the unit over
    its share away is a soft COVERAGE_UNIT_SHARE; in a unit that works shifts, a soft COVERAGE_SHIFT_MIN
    for each shift left under its minimum (schedules.policy.shift_coverage_warnings_for)."""
    return coverage_warnings_many([(employee, date_from, date_to)])[0]


def coverage_warnings_many(asked: list[tuple[Employee, datetime.date, datetime.date]]) -> list[list[dict]]:
    """The coverage rule of `rule_coverage` for many leaves at once (the leave queue, docs/rules.md §9
    "Coverage"), one list of warnings per (employee, first day, last day) in order. One pass: the units'
    coverage of every asked day is read once per agency (schedules.coverage.coverage_for over the span
    of all the asked days), the askers' own days away in one query, and for units that work shifts the
    duties of all askers in one query and each such unit's shift coverage once; so the number of
    queries does not grow with the number of leaves. The asker is left out of the unit's days away
    (they are the "+1")."""
    from flexwork.org.models.organisation import WorkWeek

    results: list[list[dict]] = [[] for _ in asked]
    office = [i for i, (employee, _first, _last) in enumerate(asked) if employee.unit.work_week != WorkWeek.ROSTER]
    roster = [i for i, (employee, _first, _last) in enumerate(asked) if employee.unit.work_week == WorkWeek.ROSTER]
    if office:
        _office_coverage(asked, office, results)
    if roster:
        _shift_coverage(asked, roster, results)
    return results


def _office_coverage(asked, indexes: list[int], results: list[list[dict]]) -> None:
    from django.db.models import Exists, OuterRef

    from schedules.coverage import approved_leave, coverage_for
    from schedules.models import Location, ScheduleDay

    by_agency: dict[int, list[int]] = {}
    for i in indexes:
        by_agency.setdefault(asked[i][0].agency_id, []).append(i)
    first = min(asked[i][1] for i in indexes)
    last = max(asked[i][2] for i in indexes)
    leave_that_day = approved_leave().filter(
        employee_id=OuterRef("employee_id"), date_from__lte=OuterRef("local_date"), date_to__gte=OuterRef("local_date")
    )
    own_away = set(
        ScheduleDay.objects.filter(
            employee_id__in={asked[i][0].id for i in indexes},
            employee__is_active=True,
            local_date__range=(first, last),
            cancelled_at__isnull=True,
        )
        .exclude(location=Location.OFFICE)
        .exclude(Exists(leave_that_day))
        .values_list("employee_id", "local_date")
    )
    for agency_id, mine in by_agency.items():
        coverage = coverage_for(
            agency_id=agency_id,
            unit_ids={asked[i][0].unit_id for i in mine},
            date_from=min(asked[i][1] for i in mine),
            date_to=max(asked[i][2] for i in mine),
        )
        for i in mine:
            employee, date_from, date_to = asked[i]
            if employee.unit_id not in coverage.units:
                continue
            over = []
            for day in coverage.by_date(employee.unit_id).values():
                if not date_from <= day.date <= date_to or not day.working or not day.share_percent:
                    continue
                away = day.away - ((employee.id, day.date) in own_away)
                if away + day.on_leave + 1 > _limit(day):
                    over.append(day)
            if not over:
                continue
            message = _("At most %(limit)d of %(headcount)d people of your unit may be away on one day (%(share)d%%).")
            message = message % {
                "limit": _limit(over[0]),
                "headcount": over[0].headcount,
                "share": over[0].share_percent,
            }
            results[i] = [violation("COVERAGE_UNIT_SHARE", message, tuple(day.date for day in over), SOFT)]


def _shift_coverage(asked, indexes: list[int], results: list[list[dict]]) -> None:
    from schedules.coverage import shift_coverage_for
    from schedules.policy import _is_shift, shift_coverage_violations
    from shifts.models import Duty

    first = min(asked[i][1] for i in indexes)
    last = max(asked[i][2] for i in indexes)
    duties: dict[int, dict[datetime.date, Duty]] = {}
    for duty in (
        Duty.objects.filter(
            employee_id__in={asked[i][0].id for i in indexes},
            duty_date__range=(first, last),
            is_active=True,
            is_published=True,
        )
        .select_related("shift_type")
        .order_by("duty_date")
    ):
        duties.setdefault(duty.employee_id, {})[duty.duty_date] = duty
    dates: dict[int, list[datetime.date]] = {}
    units: dict[int, tuple] = {}
    for i in indexes:
        employee, date_from, date_to = asked[i]
        own = duties.get(employee.id, {})
        dates[i] = sorted(day for day, duty in own.items() if date_from <= day <= date_to and _is_shift(duty))
        if dates[i]:
            unit, low, high = units.get(employee.unit_id, (employee.unit, dates[i][0], dates[i][-1]))
            units[employee.unit_id] = (unit, min(low, dates[i][0]), max(high, dates[i][-1]))
    coverage = {
        unit_id: shift_coverage_for(unit=unit, date_from=low, date_to=high)
        for unit_id, (unit, low, high) in units.items()
    }
    for i in indexes:
        if not dates[i]:
            continue
        employee = asked[i][0]
        found = shift_coverage_violations(
            employee_id=employee.id,
            dates=dates[i],
            duties=duties.get(employee.id, {}),
            coverage=coverage[employee.unit_id],
        )
        results[i] = [v.as_dict() for v in found]


def _limit(day) -> int:
    """The unit's share of its whole headcount, at least one (people on leave are away, not left out;
    a unit whose share is 0, a public-service unit, is judged by its minimum on site instead)."""
    from schedules.coverage import allowed_away

    return allowed_away(day.headcount, day.share_percent)


def _has_evidence(leave_request) -> bool:
    from django.contrib.contenttypes.models import ContentType

    from flexwork.common.models import EvidenceFile

    owner_type = ContentType.objects.get_for_model(type(leave_request))
    return EvidenceFile.objects.filter(owner_type=owner_type, owner_id=leave_request.id).exists()


def check(
    *,
    employee: Employee,
    kind: str,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
    leave_request=None,
    lead_time: bool = True,
    sub_reason: str = "",
    abroad: bool = False,
    has_evidence: bool | None = None,
) -> LeaveCheck:
    """Every violation of a leave request at once, and the balance before and after. For a stored
    request its sub-reason, `abroad` and attached evidence are read from it; `lead_time` False (the
    decision) skips what is judged at submit only (the lead time and a sick leave's backdating)."""
    from flexwork.common.calendar import office_today
    from leave import family

    if leave_request is not None:
        sub_reason, abroad = leave_request.sub_reason, leave_request.abroad
        has_evidence = _has_evidence(leave_request) if leave_request.id else False
    policy = policy_for(agency=employee.agency_id, unit=employee.unit)
    today = today or office_today(employee)
    found = rule_kind(employee, kind)
    if not found:
        found += rule_reason(kind, sub_reason)
        found += rule_service(employee, kind, date_from, policy, leave_request, sub_reason)
        found += rule_length(kind, date_from, date_to, policy)
        found += rule_sick_length(employee, kind, sub_reason, date_from, date_to, policy)
        found += rule_births(employee, kind, policy, leave_request)
        found += rule_evidence(employee, kind, date_from, date_to, has_evidence, policy, sub_reason)
        found += rule_cb_after_ct(employee, kind, date_from, date_to, policy)
        found += rule_sick_run(employee, kind, sub_reason, date_from, date_to, policy, has_evidence, leave_request)
        found += rule_cltn_length(employee, kind, date_from, date_to, leave_request)
        found += family.rule_family(employee, kind, sub_reason, date_from, date_to, policy, leave_request)
        if lead_time:
            found += rule_lead(employee, kind, date_from, today, policy, abroad)
            found += rule_backdate(employee, kind, date_from, today, policy)
    if family.is_family_ct(employee, kind, sub_reason, date_from, policy):
        result = services.family_preview(employee=employee, kind=kind, date_from=date_from, date_to=date_to)
    else:
        result = services.preview(
            employee=employee, kind=kind, date_from=date_from, date_to=date_to, leave_request=leave_request
        )
    refusal = services.balance_violation(result)
    if refusal is not None and not found:
        found.append(refusal)
    if kind not in ("IZIN",):
        found += rule_coverage(employee, date_from, date_to, policy)
    return LeaveCheck(violations=found, preview=result)
