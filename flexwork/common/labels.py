"""The one place that turns a stored code into the words a person reads, in the active language.

Pages never show a status, location, kind, action, audit verb or rule code as stored: they show
its label. The labels are the models' `choices` (Django `TextChoices`), looked up by a *family*
name, because one code can mean different things in different fields ("IN" is a check-in in
attendance, "BAIK" a predikat or an organisation result). Templates use the `label` filter,
`transition`, `rule_label` and `rule` of `flexwork_tags`; Python code calls `label()`.

Rule codes of the rule check (docs/rules.md §3) read as their meaning, with the regulation they come
from; the code itself stays in the markup (`data-code`) and in the API, never in the visible text.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# pghistory's event labels (docs/audit.md): the audit verbs of the history tables.
AUDIT_VERBS = {
    "insert": pgettext_lazy("audit verb", "Created"),
    "update": pgettext_lazy("audit verb", "Changed"),
    "delete": pgettext_lazy("audit verb", "Deleted"),
}

# What each rule of the rule check (docs/rules.md §3) is about, in a few words: shown before (or
# instead of) the code.
RULE_MEANINGS = {
    "ELIG_POSITION": _("Position not eligible for flexible work"),
    "ELIG_SANCTION": _("Disciplinary sanction"),
    "ELIG_NEW_IN_POST": _("New in the position"),
    "CAP_WEEKLY": _("At most 2 flexible days a week"),
    "OVERLAP": _("Another arrangement on the same day"),
    "LEAD_TIME": _("Submitted too late"),
    "MAX_SPAN": _("Request spans too long"),
    "LOCATION_NOT_DESIGNATED": _("Not a designated location"),
    "EVIDENCE_REQUIRED": _("Evidence required"),
    "WORK_PLAN_REQUIRED": _("Work plan required"),
    "DYN_WINDOW": _("Outside the dynamic-hours window"),
    "DYN_CORE": _("Core hours not covered"),
    "DYN_WEEKLY_TOTAL": _("Weekly working hours not reached"),
    "DYN_DAILY_FLOOR": _("Very short working day"),
    "COVERAGE_UNIT_SHARE": _("Too many of the unit away"),
    "PUBLIC_SERVICE_MIN_ONSITE": _("Too few on site for public service"),
    "DIRECTIVE_MODE": _("Not allowed by an agency directive"),
    "DIRECTIVE_SHARE": _("Over an agency directive's share"),
    "HOLIDAY_SKIPPED": _("Weekends and holidays skipped"),
    "NO_APPROVER": _("Nobody can decide this request"),
    "HOME_NOT_REGISTERED": _("Home location not registered"),
    "WORKWEEK_BASIS": _("No decree for this working week"),
    "SHIFT_SPAN": _("Shift too long or too short"),
    "DUTY_OVERLAP": _("Overlaps another duty"),
    "ROSTER_LATE": _("Roster published late"),
    "SWAP_STARTED": _("Duty already started"),
    "HOLIDAY_WORKED": _("Duty on a holiday"),
    "SHIFT_WEEKLY_MIN": _("Fewer duty hours than the week requires"),
    "SHIFT_WEEKLY_MAX": _("Too many duty hours in a week"),
    "SHIFT_REST": _("Too little rest between duties"),
    "SHIFT_NIGHTS": _("Too many nights in a row"),
    "SHIFT_WEEKLY_REST": _("Too many duty days in a row"),
    "SHIFT_LONG": _("Very long duty"),
    "COVERAGE_SHIFT_MIN": _("Too few people on a shift"),
    "SHIFT_NOT_DYNAMIC": _("No dynamic hours on a duty"),
    "LEAVE_KIND_NOT_ALLOWED": _("Leave kind not open to this employee type"),
    "CT_NOT_ELIGIBLE": _("Not yet entitled to annual leave"),
    "CT_FAMILY_DAYS": _("Family days before annual leave"),
    "LEAVE_SERVICE_SHORT": _("Too few years of service for this leave"),
    "LEAVE_TOO_LONG": _("Longer than this leave allows"),
    "CB_AFTER_CT": _("Long leave shortened by annual leave taken"),
    "CM_BIRTH_LIMIT": _("Maternity leave only for the first three births"),
    "LEAVE_BALANCE": _("Not enough annual leave"),
    "LEAVE_REASON_REQUIRED": _("Choose what the leave is for"),
    "LEAVE_EVIDENCE_REQUIRED": _("Letter required"),
    "LEAVE_BACKDATE": _("Asked for too late"),
    "LEAVE_PPK_ONLY": _("Decided by the agency head in person"),
}

SNAKE = re.compile(r"^[A-Za-z]+(?:_[A-Za-z0-9]+)+$")


@cache
def families() -> dict[str, type]:
    """Family name → the `TextChoices` whose labels it uses. Imported late: every app's models."""
    from attendance.models import (
        Absence,
        Arrival,
        CheckFlag,
        CheckKind,
        DayLocation,
        Departure,
        LeaveKind,
        LeaveSource,
        Verification,
    )
    from flexwork.accounts.models import ApiTokenStatus, Language
    from flexwork.approvals.models import ApprovalAction, ApprovalKind, ApprovalStatus, ApprovalStep
    from flexwork.onboarding.models import AccountActionKind, HomeLocationStatus, ImportKind, ImportStatus
    from flexwork.org.models import EmployeeChangeKind, EmployeeType, HolidayKind, PerformancePeriod, PositionType, Role
    from flexwork.outbox.models import OutboxStatus
    from flexwork.reports.models import ReportFormat, ReportKind, RunStatus
    from performance.models import (
        EvaluationKind,
        IndicatorAspect,
        IndicatorDirection,
        OrganisationResult,
        Predikat,
        Rating,
        RhkKind,
        SkpApproach,
        SkpStatus,
    )
    from schedules.models import DaySource, ExceptionBasis

    return {
        # approvals (arrangements, leave, corrections)
        "status": ApprovalStatus,
        "step": ApprovalStep,
        "approval_kind": ApprovalKind,
        "action": ApprovalAction,
        # schedules and attendance; "location" is the superset with official duty
        "location": DayLocation,
        "exception_basis": ExceptionBasis,
        "day_source": DaySource,
        "check_kind": CheckKind,
        "check_flag": CheckFlag,
        "arrival": Arrival,
        "departure": Departure,
        "leave_kind": LeaveKind,
        "leave_source": LeaveSource,
        "absence": Absence,
        "verification": Verification,
        # performance
        "skp_status": SkpStatus,
        "skp_approach": SkpApproach,
        "rhk_kind": RhkKind,
        "aspect": IndicatorAspect,
        "direction": IndicatorDirection,
        "rating": Rating,
        "predikat": Predikat,
        "organisation_result": OrganisationResult,
        "evaluation_kind": EvaluationKind,
        # organisation, onboarding, reports, accounts
        "position_type": PositionType,
        "employee_type": EmployeeType,
        "employee_change": EmployeeChangeKind,
        "role": Role,
        "holiday_kind": HolidayKind,
        "performance_period": PerformancePeriod,
        "import_kind": ImportKind,
        "import_status": ImportStatus,
        "account_action": AccountActionKind,
        "home_location_status": HomeLocationStatus,
        "report_kind": ReportKind,
        "run_status": RunStatus,
        "report_format": ReportFormat,
        "language": Language,
        "token_status": ApiTokenStatus,
        "outbox_status": OutboxStatus,
    }


def label(value, family: str) -> str:
    """The label of `value` in `family` ("status", "location", …), or of an audit verb ("audit") or a
    rule code ("rule"). An unknown value comes back as it is (never an error on a page); an empty
    one as "" so that `|default:"—"` still applies."""
    if value is None or value == "":
        return ""
    if family == "audit":
        return str(AUDIT_VERBS.get(str(value), value))
    if family == "rule":
        return str(RULE_MEANINGS.get(str(value), value))
    choices = families()[family]
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def transition_label(from_status, to_status, family: str = "status") -> str:
    """ "Draf → Diajukan": a move between two statuses, each as its label. A move that starts
    nowhere (the first save) is its target alone."""
    target = label(to_status, family)
    if not from_status:
        return target
    return f"{label(from_status, family)} → {target}"


@cache
def all_codes() -> frozenset[str]:
    """Every stored code a page must not show as is: the values of every family, the audit verbs and
    the rule codes. The visible-words test reads it too."""
    codes = {str(v) for choices in families().values() for v in choices.values}
    codes |= set(AUDIT_VERBS) | set(RULE_MEANINGS)
    return frozenset(codes)
