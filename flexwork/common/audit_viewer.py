"""The agency's audit log (docs/audit.md "The audit log"): every pghistory event of one agency, in one
list, with who did it, what, when and about whom, in the reader's language.

Each history table is a `Source` below: how its rows find their agency (most copy `agency_id`; a few
reach it through the employee or the agency itself), the employee a row is about, a name for other
records (a unit, a holiday) and one coded column worth showing as words (a request's status, a
schedule day's location). A page of the log is one SQL statement: a `UNION ALL` of the chosen sources,
each filtered on its own (agency, dates, event, person) so that PostgreSQL uses each table's indexes,
ordered by time and cut by LIMIT/OFFSET, with the actor (the `user` of the event's pghistory context)
and both people's names joined in. The total is a second statement. Two queries whatever the page size.

People are named as they are now; their ids (the links that filter by them) only while they belong to
the agency: someone since transferred keeps their name in the old agency's history.

The actor is the person whose request wrote the row (pghistory's middleware records the signed-in user,
also for token calls). Rows written by scheduled jobs and commands have no context ("System"); rows of
an anonymous request (an activation code typed at /activate/) have a context without a user.

`tests/common/test_audit_viewer.py` checks that every history model has a source here."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from flexwork.common import labels
from flexwork.common.calendar import start_of_day
from flexwork.reports.exports import spreadsheet_safe

VERBS = ("insert", "update", "delete")

# "<record> created" etc.: one phrase per verb, the record's name filled in ("Pengajuan fleksibilitas
# diubah"). Events of their own (a download) have their own phrase in Source.phrases.
VERB_PHRASES = {
    "insert": pgettext_lazy("audit event", "%(record)s created"),
    "update": pgettext_lazy("audit event", "%(record)s changed"),
    "delete": pgettext_lazy("audit event", "%(record)s deleted"),
}

EXPORT_LIMIT = 100_000  # rows in one CSV; a wider filter is refused with a message


@dataclass(frozen=True)
class Source:
    """One history table as the log reads it. SQL fragments refer to the event row as `t`."""

    key: str  # the event model's label, "schedules.ArrangementRequestEvent"
    record: Promise  # what one row is, capitalised: "Flexible work request"
    agency: str = "t.agency_id"
    employee: str = "NULL"  # the employee the row is about
    name: str = "NULL"  # a name for records that are not about one person
    detail: str = "NULL"  # one coded column shown as words …
    detail_family: str = ""  # … through flexwork.common.labels
    joins: str = ""
    phrases: dict = field(default_factory=dict)  # verb → a phrase of its own

    @property
    def verbs(self) -> tuple[str, ...]:
        """The events the table records (its pghistory trackers), in the order insert, update, delete."""
        from django.apps import apps

        recorded = {tracker.label for tracker in apps.get_model(self.key).pgh_trackers or []}
        return tuple(verb for verb in VERBS if verb in recorded) + tuple(sorted(recorded - set(VERBS)))

    @property
    def slug(self) -> str:
        app, model = self.key.split(".")
        return f"{app}.{model.removesuffix('Event').lower()}"

    def phrase(self, verb: str) -> str:
        if verb in self.phrases:
            return str(self.phrases[verb])
        template = VERB_PHRASES.get(verb)
        if template is None:
            return str(self.record)
        return str(template) % {"record": self.record}


_SKP_OF_RHK = "LEFT JOIN performance_rhk r ON r.id = t.rhk_id LEFT JOIN performance_skp s ON s.id = r.skp_id"
_SKP_OF_INDICATOR = (
    "LEFT JOIN performance_indicator i ON i.id = t.indicator_id "
    "LEFT JOIN performance_rhk r ON r.id = i.rhk_id LEFT JOIN performance_skp s ON s.id = r.skp_id"
)
# A transition belongs to an arrangement, a leave request or a correction (a generic relation).
_TRANSITION_SUBJECT = (
    "LEFT JOIN django_content_type ct ON ct.id = t.content_type_id "
    "LEFT JOIN schedules_arrangementrequest ar ON ct.app_label = 'schedules' "
    "AND ct.model = 'arrangementrequest' AND ar.id = t.object_id "
    "LEFT JOIN attendance_leaverequest lr ON ct.app_label = 'attendance' AND ct.model = 'leaverequest' "
    "AND lr.id = t.object_id "
    "LEFT JOIN attendance_attendancecorrection ac ON ct.app_label = 'attendance' "
    "AND ct.model = 'attendancecorrection' AND ac.id = t.object_id "
    "LEFT JOIN shifts_dutyswap ds ON ct.app_label = 'shifts' AND ct.model = 'dutyswap' AND ds.id = t.object_id"
)
_EMPLOYEE_OF_USER = "JOIN org_employee e ON e.user_id = t.{column}"

SOURCES: tuple[Source, ...] = (
    Source(
        "accounts.ApiTokenEvent",
        gettext_lazy("API token"),
        agency="e.agency_id",
        employee="e.id",
        name="t.name",
        joins=_EMPLOYEE_OF_USER.format(column="user_id"),
    ),
    Source(
        "accounts.PasswordResetCodeEvent",
        gettext_lazy("Password reset code"),
        employee="t.employee_id",
    ),
    Source(
        "accounts.PersonalDataDownloadEvent",
        gettext_lazy("Personal data"),
        employee="t.employee_id",
        phrases={"insert": gettext_lazy("Personal data downloaded")},
    ),
    Source("approvals.DelegationEvent", gettext_lazy("Delegation"), employee="t.delegator_id"),
    Source(
        "approvals.TransitionEvent",
        gettext_lazy("Step of a request"),
        employee="COALESCE(ar.employee_id, lr.employee_id, ac.employee_id, ds.employee_id)",
        detail="t.action",
        detail_family="action",
        joins=_TRANSITION_SUBJECT,
        phrases={"insert": gettext_lazy("Step of a request recorded")},
    ),
    Source(
        "attendance.AttendanceCorrectionEvent",
        gettext_lazy("Attendance correction"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="status",
    ),
    Source(
        "attendance.LeaveRequestEvent",
        gettext_lazy("Leave request"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="status",
    ),
    Source(
        "attendance.WorkLogEvent",
        gettext_lazy("Daily log entry"),
        employee="t.employee_id",
        detail="t.verification",
        detail_family="verification",
    ),
    Source(
        "common.EvidenceFileEvent",
        gettext_lazy("Evidence file"),
        agency="e.agency_id",
        employee="e.id",
        name="t.original_name",
        joins=_EMPLOYEE_OF_USER.format(column="uploaded_by_id"),
    ),
    Source(
        "onboarding.ActivationCodeEvent",
        gettext_lazy("Activation code"),
        employee="t.employee_id",
    ),
    Source(
        "onboarding.HomeLocationRequestEvent",
        gettext_lazy("Home location request"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="home_location_status",
    ),
    Source("org.AgencyEvent", gettext_lazy("Agency"), agency="t.pgh_obj_id", name="t.name"),
    Source("org.AgencyPolicyEvent", gettext_lazy("Agency policy")),
    Source("org.DesignatedLocationEvent", gettext_lazy("Designated location"), name="t.name"),
    Source("org.EmployeeEvent", gettext_lazy("Employee record"), employee="t.pgh_obj_id"),
    Source("org.HolidayEvent", gettext_lazy("Holiday"), name="t.name"),
    Source("org.PositionEvent", gettext_lazy("Position"), name="t.name"),
    Source("org.RamadanRangeEvent", gettext_lazy("Ramadan schedule")),
    Source(
        "org.RoleAssignmentEvent",
        gettext_lazy("Role assignment"),
        employee="e.id",
        detail="t.role",
        detail_family="role",
        joins="LEFT JOIN org_employee e ON e.user_id = t.user_id",
    ),
    Source("org.UnitEvent", gettext_lazy("Unit"), name="t.name"),
    Source(
        "org.UnitPolicyOverrideEvent",
        gettext_lazy("Unit policy"),
        name="un.name",
        joins="LEFT JOIN org_unit un ON un.id = t.unit_id",
    ),
    Source(
        "performance.EvaluationEvent",
        gettext_lazy("Performance evaluation"),
        employee="s.employee_id",
        detail="t.predikat",
        detail_family="predikat",
        joins="LEFT JOIN performance_skp s ON s.id = t.skp_id",
    ),
    Source(
        "performance.FeedbackEvent",
        gettext_lazy("Feedback"),
        employee="s.employee_id",
        joins="LEFT JOIN performance_skp s ON s.id = t.skp_id",
    ),
    Source("performance.IndicatorEvent", gettext_lazy("Indicator"), employee="s.employee_id", joins=_SKP_OF_RHK),
    Source(
        "performance.PeriodPlanEvent", gettext_lazy("Period target"), employee="s.employee_id", joins=_SKP_OF_INDICATOR
    ),
    Source(
        "performance.RealisationEvent", gettext_lazy("Realisation"), employee="s.employee_id", joins=_SKP_OF_INDICATOR
    ),
    Source(
        "performance.RhkEvent",
        gettext_lazy("Planned work result"),
        employee="s.employee_id",
        joins="LEFT JOIN performance_skp s ON s.id = t.skp_id",
    ),
    Source(
        "performance.SkpEvent",
        gettext_lazy("SKP"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="skp_status",
    ),
    Source(
        "performance.UnitResultEvent",
        gettext_lazy("Unit result"),
        name="un.name",
        detail="t.result",
        detail_family="organisation_result",
        joins="LEFT JOIN org_unit un ON un.id = t.unit_id",
    ),
    Source(
        "schedules.ArrangementRequestEvent",
        gettext_lazy("Flexible work request"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="status",
    ),
    Source("schedules.DirectiveEvent", gettext_lazy("Directive")),
    Source("schedules.RecallEvent", gettext_lazy("Recall to the office"), employee="t.employee_id"),
    Source(
        "schedules.ScheduleDayEvent",
        gettext_lazy("Schedule day"),
        employee="t.employee_id",
        detail="t.location",
        detail_family="location",
    ),
    # Shifts (docs/rules.md §8).
    Source("shifts.ShiftTypeEvent", gettext_lazy("Shift type"), name="t.name"),
    Source("shifts.ShiftPatternEvent", gettext_lazy("Shift pattern"), name="t.name"),
    Source(
        "shifts.ShiftCoverageEvent",
        gettext_lazy("Shift minimum"),
        name="u.name",
        joins="JOIN org_unit u ON u.id = t.unit_id",
    ),  # fmt: skip
    Source("shifts.RosterAssignmentEvent", gettext_lazy("Roster assignment"), employee="t.employee_id"),
    Source("shifts.RosterEvent", gettext_lazy("Roster"), name="u.name", joins="JOIN org_unit u ON u.id = t.unit_id"),
    Source("shifts.DutyEvent", gettext_lazy("Duty"), employee="t.employee_id"),
    Source(
        "shifts.DutySwapEvent",
        gettext_lazy("Duty swap"),
        employee="t.employee_id",
        detail="t.status",
        detail_family="status",
    ),
    # Leave entitlements (docs/rules.md §9): the buckets and every change to them.
    Source("leave.LeaveBalanceEvent", gettext_lazy("Leave balance"), employee="t.employee_id"),
    Source(
        "leave.LeaveBalanceEntryEvent",
        gettext_lazy("Leave balance entry"),
        employee="b.employee_id",
        joins="JOIN leave_leavebalance b ON b.id = t.balance_id",
    ),
    # Allowance deductions (docs/rules.md §10).
    Source("allowances.AllowanceSchemeEvent", gettext_lazy("Allowance scheme"), name="t.template"),
)

SOURCE_BY_SLUG = {source.slug: source for source in SOURCES}


def what_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The "What" menu: per kind of record (by its name), "any event" and each of its events."""
    groups = []
    for source in sorted(SOURCES, key=lambda s: str(s.record)):
        options = [(source.slug, _("%(record)s: any event") % {"record": source.record})]
        options += [(f"{source.slug}:{verb}", source.phrase(verb)) for verb in source.verbs]
        groups.append((str(source.record), options))
    return groups


def what_parse(value: str) -> tuple[Source, str | None] | None:
    """ "schedules.arrangementrequest:update" → (its Source, "update"); None when unknown."""
    slug, _sep, verb = (value or "").partition(":")
    source = SOURCE_BY_SLUG.get(slug)
    if source is None or (verb and verb not in source.verbs):
        return None
    return source, verb or None


@dataclass(frozen=True)
class AuditFilters:
    """What the reader asked for, already checked (the form or the API's serializer did)."""

    agency_id: int
    zone_name: str  # the reader's office zone: the dates are office dates there
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    what: str = ""  # a what_choices() value
    actor_id: int | None = None  # an employee id of the agency
    object_id: int | None = None  # an employee id of the agency
    actor_search: str = ""  # name or NIP
    object_search: str = ""


@dataclass
class AuditRow:
    source: Source
    event_id: int
    at: datetime.datetime
    verb: str
    object_pk: int
    actor_kind: str  # "user", "anonymous" or "system"
    actor_user_id: int | None
    actor_employee_id: int | None
    actor_name: str
    actor_nip: str
    employee_id: int | None
    employee_name: str
    employee_nip: str
    record_name: str
    detail_code: str

    @property
    def what(self) -> str:
        return self.source.phrase(self.verb)

    @property
    def actor(self) -> str:
        if self.actor_kind == "system":
            return _("System (scheduled job or command)")
        if self.actor_kind == "anonymous":
            return _("Not signed in")
        return self.actor_name or _("Unknown account")

    @property
    def about(self) -> str:
        """The person the row is about, else the record's own name, else "—"."""
        return self.employee_name or self.record_name or "—"

    @property
    def detail(self) -> str:
        if not self.detail_code or not self.source.detail_family:
            return ""
        return labels.label(self.detail_code, self.source.detail_family)


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _people(prefix: str, params: dict, *, employee_id: int | None, search: str, column: str) -> str | None:
    """A subquery of the agency's employees matching an id or a name/NIP search (one `column`), or None."""
    if employee_id is not None:
        params[f"{prefix}_id"] = employee_id
        return f"SELECT {column} FROM org_employee WHERE agency_id = %(agency)s AND id = %({prefix}_id)s"
    if search:
        params[f"{prefix}_like"] = _like(search)
        params[f"{prefix}_nip"] = search.replace("\\", "").replace("%", "").replace("_", "") + "%"
        return (
            f"SELECT {column} FROM org_employee WHERE agency_id = %(agency)s "
            f"AND (name ILIKE %({prefix}_like)s OR nip LIKE %({prefix}_nip)s)"
        )
    return None


def _union(filters: AuditFilters, params: dict) -> str:
    params["agency"] = filters.agency_id
    chosen = what_parse(filters.what) if filters.what else None
    sources = [chosen[0]] if chosen else list(SOURCES)
    verb = chosen[1] if chosen else None
    conditions = []
    if filters.date_from:
        params["start"] = start_of_day(filters.date_from, filters.zone_name)
        conditions.append("t.pgh_created_at >= %(start)s")
    if filters.date_to:
        params["end"] = start_of_day(filters.date_to + datetime.timedelta(days=1), filters.zone_name)
        conditions.append("t.pgh_created_at < %(end)s")
    if verb:
        params["verb"] = verb
        conditions.append("t.pgh_label = %(verb)s")
    actors = _people(
        "actor", params, employee_id=filters.actor_id, search=filters.actor_search.strip(), column="user_id::text"
    )
    if actors:
        conditions.append(
            f"t.pgh_context_id IN (SELECT c.id FROM pghistory_context c WHERE c.metadata->>'user' IN ({actors}))"
        )
    objects = _people(
        "object", params, employee_id=filters.object_id, search=filters.object_search.strip(), column="id"
    )
    branches = []
    for source in sources:
        own = list(conditions)
        if objects:
            if source.employee == "NULL":
                continue  # records about nobody in particular never match a person
            own.append(f"{source.employee} IN ({objects})")
        table = _table(source)
        where = " AND ".join([f"{source.agency} = %(agency)s", *own])
        branches.append(
            f"SELECT '{source.slug}'::text AS source, t.pgh_id, t.pgh_created_at, t.pgh_label::text AS verb, "
            f"t.pgh_obj_id AS object_pk, t.pgh_context_id, {source.employee}::bigint AS employee_id, "
            f"{source.name}::text AS record_name, {source.detail}::text AS detail "
            f"FROM {table} t {source.joins} WHERE {where}"
        )
    if not branches:
        return "SELECT NULL::text AS source, NULL::int AS pgh_id, NULL::timestamptz AS pgh_created_at, " + (
            "NULL::text AS verb, NULL::bigint AS object_pk, NULL::uuid AS pgh_context_id, NULL::bigint AS employee_id, "
            "NULL::text AS record_name, NULL::text AS detail WHERE false"
        )
    return " UNION ALL ".join(f"({branch})" for branch in branches)


def _table(source: Source) -> str:
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model(source.key)._meta.db_table)


_USER_ID = "CASE WHEN c.metadata->>'user' ~ '^[0-9]+$' THEN (c.metadata->>'user')::bigint END"
_PAGE = (
    "SELECT u.source, u.pgh_id, u.pgh_created_at, u.verb, u.object_pk, c.id IS NOT NULL AS has_context, "
    "au.id AS actor_user_id, CASE WHEN ae.agency_id = %(agency)s THEN ae.id END AS actor_employee_id, "
    "COALESCE(ae.name, NULLIF(TRIM(au.first_name || ' ' || au.last_name), ''), au.username) AS actor_name, "
    "ae.nip AS actor_nip, CASE WHEN oe.agency_id = %(agency)s THEN oe.id END AS employee_id, "
    "oe.name AS employee_name, oe.nip AS employee_nip, "
    "u.record_name, u.detail "
    "FROM ({union}) u "
    "LEFT JOIN pghistory_context c ON c.id = u.pgh_context_id "
    f"LEFT JOIN accounts_user au ON au.id = {_USER_ID} "
    "LEFT JOIN org_employee ae ON ae.user_id = au.id "
    "LEFT JOIN org_employee oe ON oe.id = u.employee_id "
    "ORDER BY u.pgh_created_at DESC, u.source, u.pgh_id DESC"
)


def _row(values) -> AuditRow:
    (slug, pgh_id, at, verb, object_pk, has_context, actor_user_id, actor_employee_id, actor_name, actor_nip) = values[
        :10
    ]
    employee_id, employee_name, employee_nip, record_name, detail = values[10:]
    if not has_context:
        kind = "system"
    elif actor_user_id is None:
        kind = "anonymous"
    else:
        kind = "user"
    return AuditRow(
        source=SOURCE_BY_SLUG[slug],
        event_id=pgh_id,
        at=at,
        verb=verb,
        object_pk=object_pk,
        actor_kind=kind,
        actor_user_id=actor_user_id,
        actor_employee_id=actor_employee_id,
        actor_name=actor_name or "",
        actor_nip=actor_nip or "",
        employee_id=employee_id,
        employee_name=employee_name or "",
        employee_nip=employee_nip or "",
        record_name=record_name or "",
        detail_code=detail or "",
    )


def audit_event_count(filters: AuditFilters) -> int:
    params: dict = {}
    sql = f"SELECT count(*) FROM ({_union(filters, params)}) u"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def audit_event_page(filters: AuditFilters, *, offset: int, limit: int) -> list[AuditRow]:
    """One page of the log, newest first, in one query."""
    params: dict = {"limit": limit, "offset": offset}
    sql = _PAGE.format(union=_union(filters, params)) + " LIMIT %(limit)s OFFSET %(offset)s"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_row(values) for values in cursor.fetchall()]


class AuditPage:
    """A page of the log that Django's Paginator can cut: `count` and slicing, one query each."""

    def __init__(self, filters: AuditFilters) -> None:
        self.filters = filters
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = audit_event_count(self.filters)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            start = item.start or 0
            return audit_event_page(self.filters, offset=start, limit=max(0, (item.stop or start) - start))
        return audit_event_page(self.filters, offset=item, limit=1)[0]


# ---------------------------------------------------------------------------- CSV


def _excel_header() -> list[str]:
    return [
        _("When"),
        _("What"),
        _("Detail"),
        _("Who"),
        _("NIP of the actor"),
        _("About"),
        _("NIP of the person concerned"),
    ]


DATA_HEADER = [
    "at",
    "record",
    "event",
    "what",
    "detail_code",
    "detail",
    "record_id",
    "actor_employee_id",
    "actor",
    "actor_nip",
    "employee_id",
    "about",
    "employee_nip",
]


def audit_csv(filters: AuditFilters, *, excel: bool) -> bytes:
    """The filtered rows as CSV (at most EXPORT_LIMIT, newest first), every text cell inert in a
    spreadsheet. `excel`: ";" between cells, a UTF-8 BOM and headers in the reader's language, times
    as the reader reads them ("2 Des 2026 08.05 WITA"); else "," and stable English headers, times in
    ISO 8601 with the office zone's offset, for scripts."""
    from django.utils import formats
    from django.utils import timezone as dj_timezone

    from flexwork.common.calendar import zone
    from flexwork.common.timezones import zone_abbreviation

    office = zone(filters.zone_name)
    abbreviation = zone_abbreviation(filters.zone_name)
    rows = audit_event_page(filters, offset=0, limit=EXPORT_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(_excel_header() if excel else DATA_HEADER)
    for row in rows:
        local = dj_timezone.localtime(row.at, office)
        if excel:
            cells = [
                f"{formats.date_format(local, 'DATETIME_FORMAT')} {abbreviation}",
                row.what,
                row.detail,
                row.actor,
                row.actor_nip,
                row.about,
                row.employee_nip,
            ]
        else:
            cells = [
                local.isoformat(),
                row.source.key.removesuffix("Event"),
                row.verb,
                row.what,
                row.detail_code,
                row.detail,
                row.object_pk,
                row.actor_employee_id or "",
                row.actor,
                row.actor_nip,
                row.employee_id or "",
                row.about,
                row.employee_nip,
            ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    text = out.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")
