"""My data (UU PDP 27/2022, docs/rules.md §7 "Personal data"): everything FlexWork keeps about the
person asking, for them alone, as a readable page and as a machine-readable JSON file.

`personal_data_collect` reads it in a fixed number of queries (one per section, nested rows
prefetched), whatever the number of rows; `personal_data_json` turns it into stable keys with codes
beside their words and instants in ISO 8601 with the office zone's offset; `personal_data_download_record`
audits a download (a PersonalDataDownload row, whose pghistory event the agency's audit log shows)."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from flexwork.accounts.models import ApiToken, PersonalDataDownload, User
from flexwork.common.labels import label
from flexwork.common.timezones import zone_name_for_user

FORMAT_VERSION = 1
# A second tap on the download button within this many seconds is the same download: one audit row.
REPEAT_WINDOW = datetime.timedelta(seconds=10)


@dataclass
class PersonalData:
    user: User
    zone_name: str
    generated_at: datetime.datetime
    employee: object | None = None
    roles: list = field(default_factory=list)
    tokens: list = field(default_factory=list)
    arrangements: list = field(default_factory=list)
    leave_requests: list = field(default_factory=list)
    corrections: list = field(default_factory=list)
    home_locations: list = field(default_factory=list)
    check_events: list = field(default_factory=list)
    day_statuses: list = field(default_factory=list)
    work_logs: list = field(default_factory=list)
    skps: list = field(default_factory=list)
    notifications: list = field(default_factory=list)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone_name)


def personal_data_collect(*, user: User) -> PersonalData:
    """Everything about `user` (their own rows only), one query per section."""
    from attendance.models import AttendanceCorrection, CheckEvent, DayStatus, LeaveRequest, WorkLog
    from flexwork.notifications.models import Notification
    from flexwork.onboarding.models import HomeLocationRequest
    from flexwork.org.models import Employee, RoleAssignment
    from performance.models import Indicator, Rhk, Skp
    from schedules.models import ArrangementRequest

    data = PersonalData(user=user, zone_name=zone_name_for_user(user), generated_at=timezone.now())
    data.tokens = list(ApiToken.objects.filter(user=user).order_by("created_at", "id"))
    data.notifications = list(Notification.objects.filter(recipient=user).order_by("created_at", "id"))
    data.employee = (
        Employee.objects.select_related("agency", "unit", "position", "supervisor").filter(user_id=user.pk).first()
    )
    employee = data.employee
    if employee is None:  # a platform operator: an account, no agency data
        return data
    data.roles = list(RoleAssignment.objects.filter(user=user).order_by("role"))
    data.arrangements = list(
        ArrangementRequest.objects.filter(employee=employee)
        .select_related("other_office_unit", "designated_location")
        .prefetch_related("work_plan")
        .order_by("created_at", "id")
    )
    data.leave_requests = list(LeaveRequest.objects.filter(employee=employee).order_by("date_from", "id"))
    data.corrections = list(AttendanceCorrection.objects.filter(employee=employee).order_by("local_date", "id"))
    data.home_locations = list(HomeLocationRequest.objects.filter(employee=employee).order_by("created_at", "id"))
    data.check_events = list(CheckEvent.objects.filter(employee=employee).order_by("local_date", "kind", "id"))
    data.day_statuses = list(DayStatus.objects.filter(employee=employee).order_by("local_date", "id"))
    data.work_logs = list(
        WorkLog.objects.filter(employee=employee).select_related("indicator").order_by("local_date", "id")
    )
    indicators = Indicator.objects.order_by("id").prefetch_related("period_plans", "realisations")
    data.skps = list(
        Skp.objects.filter(employee=employee)
        .select_related("position", "assessor")
        .prefetch_related(
            Prefetch("rhks", queryset=Rhk.objects.order_by("id").prefetch_related(Prefetch("indicators", indicators)))
        )
        .order_by("year", "id")
    )
    return data


# ---------------------------------------------------------------------------- JSON


def _instant(value, zone) -> str | None:
    return timezone.localtime(value, zone).isoformat() if value else None


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _coded(value, family: str) -> dict | None:
    """A stored code with its words: {"code": "APPROVED", "label": "Disetujui"}."""
    if value in (None, ""):
        return None
    return {"code": value, "label": label(value, family)}


def _attempt(attempt: dict, zone) -> dict:
    at = attempt.get("at")
    if isinstance(at, str):
        parsed = datetime.datetime.fromisoformat(at)
        at = _instant(parsed, zone)
    return {
        "at": at,
        "latitude": attempt.get("latitude"),
        "longitude": attempt.get("longitude"),
        "accuracy_m": attempt.get("accuracy_m"),
        "distance_m": attempt.get("distance_m"),
        "inside_fence": attempt.get("inside_fence"),
        "flags": [_coded(flag, "check_flag") for flag in attempt.get("flags") or []],
    }


def personal_data_json(data: PersonalData) -> dict:
    """The download: stable English keys; each code with its label in the active language; dates as
    ISO dates; instants as ISO 8601 in the person's office zone with its offset."""
    zone = data.zone
    user = data.user
    employee = data.employee
    body: dict = {
        "format_version": FORMAT_VERSION,
        "generated_at": _instant(data.generated_at, zone),
        "time_zone": data.zone_name,
        "legal_basis": "UU 27/2022 (Pelindungan Data Pribadi)",
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": _coded(user.language, "language"),
            "date_joined": _instant(user.date_joined, zone),
            "last_login": _instant(user.last_login, zone),
        },
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _instant(token.created_at, zone),
                "expires_at": _instant(token.expires_at, zone),
                "last_used_at": _instant(token.last_used_at, zone),
                "revoked_at": _instant(token.revoked_at, zone),
            }
            for token in data.tokens
        ],
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "created_at": _instant(n.created_at, zone),
                "read_at": _instant(n.read_at, zone),
                "emailed_at": _instant(n.emailed_at, zone),
            }
            for n in data.notifications
        ],
        "employee": None,
        "roles": [],
        "arrangement_requests": [],
        "leave_requests": [],
        "attendance_corrections": [],
        "home_location_requests": [],
        "check_events": [],
        "day_statuses": [],
        "work_logs": [],
        "skps": [],
    }
    if employee is None:
        return body
    body["employee"] = {
        "id": employee.id,
        "nip": employee.nip,
        "name": employee.name,
        "employee_type": _coded(employee.employee_type, "employee_type"),
        "agency": {"code": employee.agency.code, "name": employee.agency.name},
        "unit": {"code": employee.unit.code, "name": employee.unit.name},
        "position": {"code": employee.position.code, "name": employee.position.name} if employee.position else None,
        "position_start_date": _day(employee.position_start_date),
        "supervisor": {"nip": employee.supervisor.nip, "name": employee.supervisor.name}
        if employee.supervisor
        else None,
        "sanction_start": _day(employee.sanction_start),
        "sanction_end": _day(employee.sanction_end),
        "sanction_in_process": employee.sanction_in_process,
        "home_latitude": _number(employee.home_latitude),
        "home_longitude": _number(employee.home_longitude),
        "is_active": employee.is_active,
    }
    body["roles"] = [_coded(role.role, "role") for role in data.roles]
    body["arrangement_requests"] = [
        {
            "id": ar.id,
            "status": _coded(ar.status, "status"),
            "location": _coded(ar.location, "location"),
            "other_office": ar.other_office_unit.name if ar.other_office_unit else None,
            "designated_location": ar.designated_location.name if ar.designated_location else None,
            "dates": [_day(day) for day in ar.dates or []],
            "planned_start": ar.planned_start.isoformat(timespec="minutes") if ar.planned_start else None,
            "planned_end": ar.planned_end.isoformat(timespec="minutes") if ar.planned_end else None,
            "reason": ar.reason,
            "exception_basis": _coded(ar.exception_basis, "exception_basis"),
            "work_plan": [
                {"description": item.description, "quantity": _number(item.quantity), "unit": item.unit}
                for item in ar.work_plan.all()
            ],
            "created_at": _instant(ar.created_at, zone),
            "submitted_at": _instant(ar.submitted_at, zone),
            "decided_at": _instant(ar.decided_at, zone),
        }
        for ar in data.arrangements
    ]
    body["leave_requests"] = [
        {
            "id": lr.id,
            "kind": _coded(lr.kind, "leave_kind"),
            "status": _coded(lr.status, "status"),
            "date_from": _day(lr.date_from),
            "date_to": _day(lr.date_to),
            "reason": lr.reason,
            "source": _coded(lr.source, "leave_source"),
            "submitted_at": _instant(lr.submitted_at, zone),
            "decided_at": _instant(lr.decided_at, zone),
        }
        for lr in data.leave_requests
    ]
    body["attendance_corrections"] = [
        {
            "id": c.id,
            "local_date": _day(c.local_date),
            "kind": _coded(c.kind, "check_kind"),
            "status": _coded(c.status, "status"),
            "corrected_time": c.corrected_time.isoformat(timespec="minutes") if c.corrected_time else None,
            "corrected_at": _instant(c.corrected_at, zone),
            "reason": c.reason,
            "submitted_at": _instant(c.submitted_at, zone),
            "decided_at": _instant(c.decided_at, zone),
        }
        for c in data.corrections
    ]
    body["home_location_requests"] = [
        {
            "id": h.id,
            "status": _coded(h.status, "home_location_status"),
            "latitude": _number(h.latitude),
            "longitude": _number(h.longitude),
            "accuracy_m": h.accuracy_m,
            "address": h.address,
            "created_at": _instant(h.created_at, zone),
            "decided_at": _instant(h.decided_at, zone),
        }
        for h in data.home_locations
    ]
    body["check_events"] = [
        {
            "id": e.id,
            "kind": _coded(e.kind, "check_kind"),
            "local_date": _day(e.local_date),
            "at": _instant(e.at, zone),
            "location": _coded(e.location, "location"),
            "latitude": _number(e.latitude),
            "longitude": _number(e.longitude),
            "accuracy_m": e.accuracy_m,
            "distance_m": e.distance_m,
            "inside_fence": e.inside_fence,
            "flags": [_coded(flag, "check_flag") for flag in e.flags or []],
            "ip": e.ip,
            "attempts": [_attempt(attempt, zone) for attempt in e.attempts or []],
            "positions_purged_at": _instant(e.positions_purged_at, zone),
        }
        for e in data.check_events
    ]
    body["day_statuses"] = [
        {
            "local_date": _day(s.local_date),
            "location": _coded(s.location, "location"),
            "is_working_day": s.is_working_day,
            "check_in_at": _instant(s.check_in_at, zone),
            "check_out_at": _instant(s.check_out_at, zone),
            "arrival": _coded(s.arrival, "arrival"),
            "lateness_minutes": s.lateness_minutes,
            "departure": _coded(s.departure, "departure"),
            "early_minutes": s.early_minutes,
            "absence": _coded(s.absence, "absence"),
            "worked_minutes": s.worked_minutes,
            "required_minutes": s.required_minutes,
            "missing_log": s.missing_log,
        }
        for s in data.day_statuses
    ]
    body["work_logs"] = [
        {
            "id": w.id,
            "local_date": _day(w.local_date),
            "description": w.description,
            "quantity": _number(w.quantity),
            "unit_of_measure": w.unit_of_measure,
            "minutes_spent": w.minutes_spent,
            "link": w.link,
            "indicator": w.indicator.description if w.indicator else None,
            "verification": _coded(w.verification, "verification"),
            "verification_note": w.verification_note,
            "verified_at": _instant(w.verified_at, zone),
        }
        for w in data.work_logs
    ]
    body["skps"] = [
        {
            "id": skp.id,
            "year": skp.year,
            "position": skp.position.name,
            "period_start": _day(skp.period_start),
            "period_end": _day(skp.period_end),
            "status": _coded(skp.status, "skp_status"),
            "assessor": skp.assessor.name if skp.assessor else None,
            "approved_at": _instant(skp.approved_at, zone),
            "rhks": [
                {
                    "kind": _coded(rhk.kind, "rhk_kind"),
                    "description": rhk.description,
                    "indicators": [
                        {
                            "aspect": _coded(ind.aspect, "aspect"),
                            "description": ind.description,
                            "target_min": _number(ind.target_min),
                            "target_max": _number(ind.target_max),
                            "unit": ind.unit,
                            "direction": _coded(ind.direction, "direction"),
                            "period_targets": [
                                {
                                    "number": plan.number,
                                    "period_start": _day(plan.period_start),
                                    "period_end": _day(plan.period_end),
                                    "target_min": _number(plan.target_min),
                                    "target_max": _number(plan.target_max),
                                }
                                for plan in ind.period_plans.all()
                            ],
                            "realisations": [
                                {"period_plan": r.period_plan_id, "value": _number(r.value), "note": r.note}
                                for r in ind.realisations.all()
                            ],
                        }
                        for ind in rhk.indicators.all()
                    ],
                }
                for rhk in skp.rhks.all()
            ],
        }
        for skp in data.skps
    ]
    return body


# ---------------------------------------------------------------------------- the audit of a download


@transaction.atomic
def personal_data_download_record(*, user: User, channel: str, url: str) -> PersonalDataDownload:
    """Record that `user` downloaded their personal data. A repeat within REPEAT_WINDOW (a double tap)
    returns the first row: the user's row is locked, so two concurrent taps make one. The row's history
    event carries a pghistory context with the user, as a write request's would (downloads are GETs,
    which the middleware leaves without one)."""
    from flexwork.org.models import Employee

    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
    recent = (
        PersonalDataDownload.objects.filter(user=user, channel=channel, created_at__gte=timezone.now() - REPEAT_WINDOW)
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        return recent
    employee = Employee.objects.filter(user_id=user.pk).values("id", "agency_id").first()
    download = PersonalDataDownload(
        user=user,
        agency_id=employee["agency_id"] if employee else None,
        employee_id=employee["id"] if employee else None,
        channel=channel,
    )
    download.full_clean()
    with pghistory.context(user=user.pk, url=url):
        download.save()
    return download


def download_filename(data: PersonalData) -> str:
    day = timezone.localtime(data.generated_at, data.zone).date().isoformat()
    return f"flexwork-my-data-{day}.json"
