"""Dashboard data for HR (and unit heads on their subtree), supervisors and employees.

Every panel is one set-based query, except the coverage by unit, which is schedules.coverage (the rule
check's and the team calendar's reading, six set-based queries); the number of queries is fixed
whatever the agency's size.
Results are cached for a minute under a key of the agency, the viewer's scope, the filters and the
language, so two viewers with different reach never share an entry."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from flexwork.approvals.models import ApprovalStatus
from flexwork.common.calendar import today_in, zone
from flexwork.common.db import DASHBOARD_STATEMENT_SETTINGS, statement_settings
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.models import Unit

CACHE_SECONDS = 60
TREND_WEEKS = 12
MAX_RANGE_DAYS = 400
DASHBOARD_ROLES = {org_scope.HR_ADMIN, org_scope.AGENCY_HEAD, org_scope.UNIT_HEAD}
AGE_BUCKETS = ("0-1", "2-3", "4-7", "8+")


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(float(Decimal(100) * Decimal(part) / Decimal(whole)), 1)


def _scope_key(scope: org_scope.UserScope) -> str:
    if scope.agency_wide:
        return "agency"
    return "units-" + "-".join(str(i) for i in sorted(scope.headed_unit_ids)) + f"-e{scope.employee_id}"


def _cache_key(kind: str, scope: org_scope.UserScope, *parts) -> str:
    language = translation.get_language() or "id"
    return ":".join(["dash", kind, str(scope.agency_id), _scope_key(scope), *map(str, parts), language])


def parse_range(date_from, date_to, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = date_to or today
    start = date_from or (end - datetime.timedelta(weeks=TREND_WEEKS) + datetime.timedelta(days=1))
    if start > end:
        message = _("The start date must not be after the end date.")
        raise ApplicationError(message, code="invalid_range", fields={"date_from": [message]})
    if (end - start).days > MAX_RANGE_DAYS:
        message = _("Choose a range of at most %(days)s days.") % {"days": MAX_RANGE_DAYS}
        raise ApplicationError(message, code="invalid_range", fields={"date_from": [message]})
    return start, end


# ---------------------------------------------------------------------------- HR

SUBTREE = "SELECT id FROM org_unit WHERE agency_id = %(agency)s AND path @> ARRAY[%(unit)s]::int[]"

# Today by location; approved leave or official duty takes precedence over a schedule day (docs/rules.md §3):
# those people count as LEAVE, as in the team calendar and in the coverage by unit (schedules.coverage).
# Someone on unpaid leave (CLTN) is inactive that day and not counted at all (docs/rules.md §9 "CLTN").
# Today's leave and check-ins are read as hashed sets (one scan each) and the schedule day by its unique index,
# never as joins: early in the day the planner's statistics know of no check event for today, and a join it
# plans for one row compared every employee with every check-in (23 s at 60,000 employees; docs/performance.md).
TODAY_LEAVE = """SELECT l.employee_id FROM attendance_leaverequest l
    WHERE l.agency_id = %(agency)s AND l.status = %(approved)s AND %(today)s BETWEEN l.date_from AND l.date_to"""
TODAY_AWAY = """SELECT sd.employee_id FROM schedules_scheduleday sd
    WHERE sd.agency_id = %%(agency)s AND sd.local_date = %%(today)s AND sd.cancelled_at IS NULL AND sd.location = '%s'"""
HR_TODAY_SQL = f"""
SELECT u.id AS unit_id, u.code, u.name,
       CASE WHEN e.id IN ({TODAY_LEAVE}) THEN 'LEAVE'
            WHEN e.id IN ({TODAY_AWAY % "HOME"}) THEN 'HOME'
            WHEN e.id IN ({TODAY_AWAY % "DESIGNATED"}) THEN 'DESIGNATED'
            WHEN e.id IN ({TODAY_AWAY % "OTHER_OFFICE"}) THEN 'OTHER_OFFICE'
            ELSE 'OFFICE'
       END AS location,
       e.id IN (SELECT ce.employee_id FROM attendance_checkevent ce
                WHERE ce.agency_id = %(agency)s AND ce.local_date = %(today)s AND ce.kind = 'IN') AS checked_in,
       count(*) AS n
FROM org_employee e
JOIN org_unit u ON u.id = e.unit_id
WHERE e.agency_id = %(agency)s AND e.is_active AND e.unit_id IN ({SUBTREE})
  AND e.id NOT IN ({TODAY_LEAVE} AND l.kind = 'CLTN')
GROUP BY 1, 2, 3, 4, 5
ORDER BY u.code
"""

# Trends and compliance read the per-unit, per-day totals that triggers keep from the daily statuses
# (attendance.models.UnitDayTotal): a few rows per unit and day, whatever the agency's size or the range.
HR_TRENDS_SQL = f"""
SELECT to_char(date_trunc('week', t.local_date), 'IYYY-"W"IW') AS week,
    sum(t.due) AS due, sum(t.present) AS present, sum(t.tk) AS tk, sum(t.flexible) AS flexible
FROM attendance_unitdaytotal t
WHERE t.agency_id = %(agency)s AND t.local_date BETWEEN %(start)s AND %(end)s AND t.unit_id IN ({SUBTREE})
GROUP BY 1 ORDER BY 1
"""

HR_COMPLIANCE_SQL = f"""
SELECT u.code, u.name, sum(t.required_minutes) AS required, sum(t.credited_minutes) AS credited,
    sum(t.tk) AS tk, sum(t.missing_logs) AS missing_logs
FROM attendance_unitdaytotal t JOIN org_unit u ON u.id = t.unit_id
WHERE t.agency_id = %(agency)s AND t.local_date BETWEEN %(start)s AND %(end)s AND t.unit_id IN ({SUBTREE})
GROUP BY u.code, u.name ORDER BY u.code
"""

HR_PENDING_SQL = f"""
SELECT kind, CASE WHEN age <= 1 THEN '0-1' WHEN age <= 3 THEN '2-3' WHEN age <= 7 THEN '4-7' ELSE '8+' END AS bucket,
       count(*) AS n
FROM (
    SELECT 'arrangement' AS kind, %(today)s::date - (r.submitted_at AT TIME ZONE %(zone)s)::date AS age
    FROM schedules_arrangementrequest r JOIN org_employee e ON e.id = r.employee_id
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended') AND e.unit_id IN ({SUBTREE})
    UNION ALL
    SELECT 'leave', %(today)s::date - (r.submitted_at AT TIME ZONE %(zone)s)::date
    FROM attendance_leaverequest r JOIN org_employee e ON e.id = r.employee_id
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended') AND e.unit_id IN ({SUBTREE})
    UNION ALL
    SELECT 'correction', %(today)s::date - (r.submitted_at AT TIME ZONE %(zone)s)::date
    FROM attendance_attendancecorrection r JOIN org_employee e ON e.id = r.employee_id
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended') AND e.unit_id IN ({SUBTREE})
) x GROUP BY 1, 2
"""

HR_PREDIKAT_SQL = f"""
SELECT ev.predikat, count(*) AS n,
    (SELECT ur.result FROM performance_unitresult ur
      WHERE ur.unit_id = %(unit)s AND ur.year = extract(year FROM %(end)s::date)) AS unit_result
FROM performance_evaluation ev
JOIN performance_skp s ON s.id = ev.skp_id
JOIN org_employee e ON e.id = s.employee_id
WHERE ev.agency_id = %(agency)s AND ev.period_end BETWEEN %(start)s AND %(end)s AND e.unit_id IN ({SUBTREE})
GROUP BY ev.predikat
"""

HR_FWA_SQL = """
WITH u AS (
    SELECT coalesce(un.fwa_start_date, a.fwa_start_date) AS fwa_start, p.fwa_monitoring_months AS months
    FROM org_unit un JOIN org_agency a ON a.id = un.agency_id JOIN org_agencypolicy p ON p.agency_id = a.id
    WHERE un.id = %(unit)s
),
w AS (
    SELECT label, CASE label WHEN 'before' THEN (fwa_start - make_interval(months => months))::date ELSE fwa_start END
               AS date_from,
           CASE label WHEN 'before' THEN fwa_start - 1
                ELSE least((fwa_start + make_interval(months => months))::date - 1, %(today)s::date) END AS date_to
    FROM u CROSS JOIN (VALUES ('before'), ('after')) v(label) WHERE fwa_start IS NOT NULL
),
live AS (
    SELECT w.label, w.date_from, w.date_to,
        coalesce(sum(t.due), 0) AS due, coalesce(sum(t.present), 0) AS present, coalesce(sum(t.tk), 0) AS tk
    FROM w LEFT JOIN attendance_unitdaytotal t
        ON t.agency_id = %(agency)s AND t.local_date BETWEEN w.date_from AND w.date_to
       AND t.unit_id IN (SELECT id FROM org_unit WHERE agency_id = %(agency)s AND path @> ARRAY[%(unit)s]::int[])
    GROUP BY w.label, w.date_from, w.date_to
),
-- HR's imported "before" baselines (kinds.FWA_SQL): a unit's month without FlexWork daily rows.
base AS (
    SELECT coalesce(sum(b.days_due), 0) AS due, coalesce(sum(b.present_days), 0) AS present,
        coalesce(sum(b.tk_days), 0) AS tk
    FROM w JOIN reports_fwabaseline b
        ON w.label = 'before' AND b.agency_id = %(agency)s AND b.month BETWEEN w.date_from AND w.date_to
       AND b.unit_id IN (SELECT id FROM org_unit WHERE agency_id = %(agency)s AND path @> ARRAY[%(unit)s]::int[])
    WHERE NOT EXISTS (
        SELECT 1 FROM attendance_unitdaytotal t
        WHERE t.unit_id = b.unit_id AND t.local_date >= b.month AND t.local_date < (b.month + interval '1 month')::date)
)
SELECT live.label, live.date_from, live.date_to,
    live.due + CASE live.label WHEN 'before' THEN base.due ELSE 0 END AS due,
    live.present + CASE live.label WHEN 'before' THEN base.present ELSE 0 END AS present,
    live.tk + CASE live.label WHEN 'before' THEN base.tk ELSE 0 END AS tk
FROM live CROSS JOIN base ORDER BY live.date_from
"""

# Output and the logs waiting read the per-unit, per-day totals that triggers keep from the output logs
# (attendance.models.WorkLogDayTotal), as trends and compliance read the daily statuses'.
HR_OUTPUT_SQL = f"""
SELECT t.location, sum(t.entries) AS entries, sum(t.minutes)::bigint AS minutes, sum(t.verified) AS verified
FROM attendance_worklogdaytotal t
WHERE t.agency_id = %(agency)s AND t.local_date BETWEEN %(start)s AND %(end)s AND t.unit_id IN ({SUBTREE})
GROUP BY t.location ORDER BY t.location
"""

HR_DECISIONS_SQL = f"""
SELECT u.code, u.name,
    count(*) FILTER (WHERE r.status IN ('approved', 'cancelled', 'revoked')) AS approved,
    count(*) FILTER (WHERE r.status = 'rejected') AS rejected,
    count(*) FILTER (WHERE r.override_reason <> '') AS overrides
FROM schedules_arrangementrequest r
JOIN org_employee e ON e.id = r.employee_id JOIN org_unit u ON u.id = e.unit_id
WHERE r.agency_id = %(agency)s AND r.decided_at >= %(start)s::date::timestamp AT TIME ZONE %(zone)s
  AND r.decided_at < (%(end)s::date + 1)::timestamp AT TIME ZONE %(zone)s AND e.unit_id IN ({SUBTREE})
GROUP BY u.code, u.name ORDER BY u.code
"""


# Output logs of the unit subtree that no supervisor has verified yet (docs/rules.md §4).
HR_LOGS_WAITING_SQL = f"""
SELECT coalesce(sum(t.waiting), 0) AS n FROM attendance_worklogdaytotal t
WHERE t.agency_id = %(agency)s AND t.local_date <= %(today)s AND t.unit_id IN ({SUBTREE})
"""


def _headline(*, today_rows: list[dict], pending: int, logs_waiting: int, at_risk: int | None) -> dict:
    """The numbers at the top of a dashboard, from the rows of today (one per unit, location and
    check-in): who is in the office, away (home, designated place, another office), on leave or
    official duty, and who is expected today but has not checked in yet. Attendance today is those
    checked in over those expected today (everyone not on leave), so early in the day it is low."""
    in_office = away = on_leave = not_yet = checked_in = 0
    for r in today_rows:
        n = r.get("n", 1)
        if r["location"] == "LEAVE":
            on_leave += n
        elif not r["checked_in"]:
            not_yet += n
        elif r["location"] == "OFFICE":
            in_office += n
            checked_in += n
        else:
            away += n
            checked_in += n
    expected = in_office + away + not_yet
    return {
        "in_office": in_office,
        "away": away,
        "on_leave": on_leave,
        "not_yet": not_yet,
        "expected": expected,
        "checked_in": checked_in,
        "attendance_pct": _pct(checked_in, expected),
        "pending": pending,
        "logs_waiting": logs_waiting,
        "at_risk": at_risk,
    }


def dashboard_units_for(user):
    scope = org_scope.scope_for(user)
    from flexwork.reports.services import report_units_q

    return Unit.objects.filter(report_units_q(scope)).order_by("path")


def hr_dashboard(*, user, unit_id: int | None = None, date_from=None, date_to=None) -> dict:
    scope = org_scope.require_agency(user)
    if not scope.roles & DASHBOARD_ROLES:
        raise PermissionDenied(_("Your role does not allow this dashboard."))
    today = today_in(scope.office_time_zone)
    start, end = parse_range(date_from, date_to, today)
    key = _cache_key("hr", scope, unit_id, start, end, today)
    cached = cache.get(key)
    if cached is not None:
        return cached
    from flexwork.reports.services import default_unit_for, report_units_q

    if unit_id is None:
        unit = default_unit_for(scope)
    else:
        unit = Unit.objects.filter(report_units_q(scope), id=unit_id).first()
    if unit is None:
        raise Http404(_("No such unit."))
    with statement_settings(DASHBOARD_STATEMENT_SETTINGS):
        # Days as the viewer's office counts them (docs/rules.md §1): a request's age and a decision's day.
        params = {
            "agency": scope.agency_id,
            "unit": unit.id,
            "start": start,
            "end": end,
            "today": today,
            "zone": zone(scope.office_time_zone).key,
        }
        today_rows = _rows(HR_TODAY_SQL, {**params, "approved": ApprovalStatus.APPROVED.value})
        pending = _hr_pending(_rows(HR_PENDING_SQL, params))
        at_risk = _hr_at_risk(params, today)
        data = {
            "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
            "date_from": start,
            "date_to": end,
            "today": today,
            "headline": _headline(
                today_rows=today_rows,
                pending=sum(sum(row[b] for b in AGE_BUCKETS) for row in pending),
                logs_waiting=_rows(HR_LOGS_WAITING_SQL, params)[0]["n"],
                at_risk=at_risk["count"],
            ),
            "at_risk": at_risk,
            "today_by_location": _hr_today(today_rows),
            "coverage": _hr_coverage(agency_id=scope.agency_id, rows=today_rows, today=today),
            "trends": _hr_trends(_rows(HR_TRENDS_SQL, params)),
            "compliance": [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "hours_pct": _pct(r["credited"], r["required"]),
                    "tk": r["tk"],
                    "missing_logs": r["missing_logs"],
                }
                for r in _rows(HR_COMPLIANCE_SQL, params)
            ],
            "pending": pending,
            "predikat": _hr_predikat(_rows(HR_PREDIKAT_SQL, params)),
            "fwa": [
                {
                    "window": r["label"],
                    "date_from": r["date_from"],
                    "date_to": r["date_to"],
                    "attendance_pct": _pct(r["present"], r["due"]),
                    "tk": r["tk"],
                }
                for r in _rows(HR_FWA_SQL, params)
            ],
            "output": [
                {"location": r["location"], "entries": r["entries"], "hours": round((r["minutes"] or 0) / 60, 1)}
                | {"verified": r["verified"]}
                for r in _rows(HR_OUTPUT_SQL, params)
            ],
            "decisions": [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "approved": r["approved"],
                    "rejected": r["rejected"],
                    "overrides": r["overrides"],
                    "refusal_pct": _pct(r["rejected"], r["approved"] + r["rejected"]),
                }
                for r in _rows(HR_DECISIONS_SQL, params)
            ],
        }
    cache.set(key, data, CACHE_SECONDS)
    return data


def _hr_today(rows: list[dict]) -> list[dict]:
    from schedules.models import Location

    labels = {value: str(label) for value, label in Location.choices} | {"LEAVE": _("On leave or official duty")}
    by_location: dict[str, dict] = {}
    for r in rows:
        cell = by_location.setdefault(
            r["location"],
            {
                "location": r["location"],
                "label": labels.get(r["location"], r["location"]),
                "checked_in": 0,
                "not_yet": 0,
            },
        )
        cell["checked_in" if r["checked_in"] else "not_yet"] += r["n"]
    return sorted(by_location.values(), key=lambda c: c["location"])


def _hr_coverage(*, agency_id: int, rows: list[dict], today: datetime.date) -> list[dict]:
    """Coverage by unit today, as the rule check and the team calendar read it (schedules.coverage): the
    unit's own people, those on leave or official duty out of the active headcount, the share away of
    the active headcount, the day's limit and its warning."""
    from schedules.coverage import coverage_for

    units = {r["unit_id"]: (r["code"], r["name"]) for r in rows}  # the units with people, by code
    present: dict[int, int] = {}
    # The today statement has counted each unit's people by the coverage's own rules (leave first, those on
    # unpaid leave left out): headcount, on leave, away.
    counted: dict[int, list[int]] = {}
    for r in rows:
        counts = counted.setdefault(r["unit_id"], [0, 0, 0])
        counts[0] += r["n"]
        if r["location"] == "LEAVE":
            counts[1] += r["n"]
        elif r["location"] != "OFFICE":
            counts[2] += r["n"]
        if r["checked_in"] and r["location"] == "OFFICE":
            present[r["unit_id"]] = present.get(r["unit_id"], 0) + r["n"]
    if not units:
        return []
    coverage = coverage_for(
        agency_id=agency_id,
        unit_ids=list(units),
        date_from=today,
        date_to=today,
        counted={unit_id: tuple(counts) for unit_id, counts in counted.items()},
    )
    found = []
    for unit_id, (code, name) in units.items():
        day = coverage.days[unit_id][0]
        found.append(
            {
                "code": code,
                "name": name,
                "headcount": day.headcount,
                "on_leave": day.on_leave,
                "active_headcount": day.active_headcount,
                "away": day.away,
                "allowed_away": day.allowed_away,
                "away_pct": _pct(day.away, day.active_headcount),
                # Keterisian: the share of the active headcount checked in at the office now.
                "present": present.get(unit_id, 0),
                "present_pct": _pct(present.get(unit_id, 0), day.active_headcount),
                "warning": day.warning,
            }
        )
    return found


def _week_label(week: str) -> str:
    """'2026-W37' (ISO year and week) as people read it: "Minggu ke-37, 2026"."""
    year, number = week.split("-W")
    return _("Week %(number)s, %(year)s") % {"number": int(number), "year": year}


def _hr_trends(rows: list[dict]) -> list[dict]:
    return [
        {
            "week": r["week"],
            "label": _week_label(r["week"]),
            "attendance_pct": _pct(r["present"], r["due"]),
            "tk": r["tk"],
            "flexible_days": r["flexible"],
        }
        for r in rows
    ]


def _hr_pending(rows: list[dict]) -> list[dict]:
    counts = {(r["kind"], r["bucket"]): r["n"] for r in rows}
    return [
        {"kind": kind, **{bucket: counts.get((kind, bucket), 0) for bucket in AGE_BUCKETS}}
        for kind in ("arrangement", "leave", "correction")
    ]


def _hr_predikat(rows: list[dict]) -> dict:
    from performance.models import Predikat
    from performance.selectors import distribution_warnings

    counts = {r["predikat"]: r["n"] for r in rows}
    result = rows[0]["unit_result"] if rows else None
    total = sum(counts.values())
    return {
        "unit_result": result,
        "total": total,
        "rows": [
            {
                "predikat": p.value,
                "label": str(p.label),
                "count": counts.get(p.value, 0),
                "pct": _pct(counts.get(p, 0), total),
            }
            for p in Predikat
        ],
        "warnings": distribution_warnings(result=result, counts=counts),
    }


# ---------------------------------------------------------------------------- supervisor

TEAM_TODAY_SQL = """
SELECT e.id, e.nip, e.name, u.code AS unit_code, u.name AS unit_name, coalesce(sd.location, 'OFFICE') AS location,
    ci.at AS check_in_at, co.at AS check_out_at, ci.flagged AS flagged, lv.kind AS leave_kind
FROM org_employee e
JOIN org_unit u ON u.id = e.unit_id
LEFT JOIN schedules_scheduleday sd ON sd.employee_id = e.id AND sd.local_date = %(today)s AND sd.cancelled_at IS NULL
LEFT JOIN attendance_checkevent ci ON ci.employee_id = e.id AND ci.local_date = %(today)s AND ci.kind = 'IN'
LEFT JOIN attendance_checkevent co ON co.employee_id = e.id AND co.local_date = %(today)s AND co.kind = 'OUT'
LEFT JOIN LATERAL (
    SELECT l.kind FROM attendance_leaverequest l WHERE l.employee_id = e.id AND l.status = 'approved'
      AND %(today)s BETWEEN l.date_from AND l.date_to LIMIT 1
) lv ON true
WHERE e.agency_id = %(agency)s AND e.is_active AND e.id <> %(me)s
  AND (e.supervisor_id = %(me)s OR e.unit_id IN (
        SELECT id FROM org_unit WHERE agency_id = %(agency)s AND path && %(headed)s::int[]))
ORDER BY u.code, e.name
LIMIT 300
"""

PENDING_DECISIONS_SQL = """
SELECT kind, count(*) AS n, min(submitted_at) AS oldest FROM (
    SELECT 'arrangement' AS kind, r.submitted_at FROM schedules_arrangementrequest r
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended')
      AND ((r.step = 'RECOMMEND' AND r.recommender_id = %(me)s) OR (r.step = 'DECIDE' AND r.decider_id = %(me)s)
           OR r.escalated_to_id = %(me)s)
    UNION ALL
    SELECT 'leave', r.submitted_at FROM attendance_leaverequest r
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended')
      AND ((r.step = 'RECOMMEND' AND r.recommender_id = %(me)s) OR (r.step = 'DECIDE' AND r.decider_id = %(me)s)
           OR r.escalated_to_id = %(me)s)
    UNION ALL
    SELECT 'correction', r.submitted_at FROM attendance_attendancecorrection r
    WHERE r.agency_id = %(agency)s AND r.status IN ('submitted', 'recommended')
      AND ((r.step = 'RECOMMEND' AND r.recommender_id = %(me)s) OR (r.step = 'DECIDE' AND r.decider_id = %(me)s)
           OR r.escalated_to_id = %(me)s)
) x GROUP BY kind ORDER BY kind
"""

CURRENT_PLANS_SQL = """
SELECT e.nip, e.name, i.id AS indicator_id, i.description, i.direction, pp.period_start, pp.period_end,
       pp.target_min, pp.target_max, r.value AS realised
FROM performance_periodplan pp
JOIN performance_indicator i ON i.id = pp.indicator_id
JOIN performance_rhk rh ON rh.id = i.rhk_id
JOIN performance_skp s ON s.id = rh.skp_id AND s.status = 'APPROVED'
JOIN org_employee e ON e.id = s.employee_id
LEFT JOIN performance_realisation r ON r.period_plan_id = pp.id
WHERE pp.agency_id = %(agency)s AND %(today)s BETWEEN pp.period_start AND pp.period_end AND e.id = ANY(%(people)s)
ORDER BY e.name, i.id
LIMIT 500
"""

# The HR dashboard's at-risk card (docs/rules.md §5). The share of a target expected by today depends only on the
# period's dates (and the holidays in it), so Python works it out once per current period, from HR_PERIODS_SQL,
# and the database then counts the people with a plan below 80 % of it, in one statement over the subtree's
# plans: exact arithmetic (realised × days < 0.8 × target × elapsed days), never every plan shipped to Python.
# The agency's distinct periods that end today or later are a few dozen among 100,000s of plans: they are found
# by skipping from one to the next through the (agency, end, start) index, not by reading every plan.
HR_PERIODS_SQL = """
WITH RECURSIVE coming AS (
    (SELECT pp.period_end, pp.period_start FROM performance_periodplan pp
     WHERE pp.agency_id = %(agency)s AND pp.period_end >= %(today)s ORDER BY pp.period_end, pp.period_start LIMIT 1)
    UNION ALL
    SELECT next.period_end, next.period_start FROM coming, LATERAL (
        SELECT pp.period_end, pp.period_start FROM performance_periodplan pp
        WHERE pp.agency_id = %(agency)s AND (pp.period_end, pp.period_start) > (coming.period_end, coming.period_start)
        ORDER BY pp.period_end, pp.period_start LIMIT 1
    ) next
),
p AS MATERIALIZED (SELECT period_start, period_end FROM coming WHERE period_start <= %(today)s)
SELECT p.period_start, p.period_end,
    ARRAY(SELECT h.date FROM org_holiday h WHERE h.agency_id = %(agency)s
          AND h.date BETWEEN (SELECT min(period_start) FROM p) AND (SELECT max(period_end) FROM p)) AS holidays
FROM p
"""

# Each period's share arrives as two whole numbers per period (4 × elapsed days and 5 × the period's days), so that
# "realised × days < 0.8 × target × elapsed" is one comparison of two products per plan, exact in numeric: 0.8 is
# 4/5. The plans at risk are found once (MATERIALIZED) as ids and names only, so that their 50,000 rows at 60,000
# employees stay in memory; the people are counted once, only the first few by name are sorted (a top-N over the
# people, not a sort of every plan at risk by name), and only their plans are read again for the text shown.
HR_AT_RISK_SQL = f"""
WITH share AS (
    SELECT x.period_start, x.period_end, (4 * x.elapsed)::numeric AS expected, (5 * x.days)::numeric AS whole
    FROM unnest(%(period_starts)s::date[], %(period_ends)s::date[], %(elapsed)s::int[], %(days)s::int[])
        AS x(period_start, period_end, elapsed, days)
    WHERE x.elapsed > 0
),
risk AS MATERIALIZED (
    SELECT e.id AS employee_id, e.name, e.unit_id, i.id AS indicator_id, pp.id AS plan_id
    FROM performance_periodplan pp
    JOIN share sh ON sh.period_start = pp.period_start AND sh.period_end = pp.period_end
    JOIN performance_indicator i ON i.id = pp.indicator_id
    JOIN performance_rhk rh ON rh.id = i.rhk_id
    JOIN performance_skp s ON s.id = rh.skp_id AND s.status = 'APPROVED'
    JOIN org_employee e ON e.id = s.employee_id AND e.is_active
    LEFT JOIN performance_realisation r ON r.period_plan_id = pp.id
    WHERE pp.agency_id = %(agency)s AND pp.period_end >= %(today)s AND pp.period_start <= %(today)s
      AND i.direction <> 'LOWER' AND e.unit_id IN ({SUBTREE})
      AND pp.target_min > 0 AND coalesce(r.value, 0) * sh.whole < pp.target_min * sh.expected
),
people AS (
    SELECT employee_id, name, unit_id, count(*) OVER () AS total FROM risk GROUP BY employee_id, name, unit_id
),
shown AS (SELECT * FROM people ORDER BY name, employee_id LIMIT %(shown)s)
SELECT DISTINCT ON (shown.name, shown.employee_id) shown.employee_id, shown.name, u.name AS unit_name,
    i.description, pp.period_start, pp.period_end, pp.target_min, r.value AS realised, shown.total
FROM shown
JOIN risk ON risk.employee_id = shown.employee_id
JOIN org_unit u ON u.id = shown.unit_id
JOIN performance_periodplan pp ON pp.id = risk.plan_id
JOIN performance_indicator i ON i.id = risk.indicator_id
LEFT JOIN performance_realisation r ON r.period_plan_id = pp.id
ORDER BY shown.name, shown.employee_id, risk.indicator_id
"""

HR_AT_RISK_SHOWN = 10


def _hr_at_risk(params: dict, today: datetime.date) -> dict:
    """People of the subtree with at least one target at risk today (docs/rules.md §5), with the
    first few of them by name (each with their first plan at risk)."""
    from performance.calculations import progress

    periods = _rows(HR_PERIODS_SQL, params)
    if not periods:
        return {"count": 0, "rows": []}
    holidays = set(periods[0]["holidays"])
    shares: dict[tuple, tuple[int, int]] = {}
    for period in periods:
        # The share of a target expected by `today`, as progress() counts working days.
        shown = progress(
            target=Decimal(1),
            actual=None,
            on_date=today,
            period_start=period["period_start"],
            period_end=period["period_end"],
            holidays=holidays,
            at_risk_ratio=Decimal("0.8"),
        )
        elapsed, days = (shown.elapsed_days, shown.period_days) if shown.period_days else (1, 1)
        shares[(period["period_start"], period["period_end"])] = (elapsed, days)
    rows = _rows(
        HR_AT_RISK_SQL,
        params
        | {
            "period_starts": [start for start, _end in shares],
            "period_ends": [end for _start, end in shares],
            "elapsed": [elapsed for elapsed, _days in shares.values()],
            "days": [days for _elapsed, days in shares.values()],
            "shown": HR_AT_RISK_SHOWN,
        },
    )
    found = []
    for row in rows:
        elapsed, days = shares[(row["period_start"], row["period_end"])]
        found.append(
            {
                "name": row["name"],
                "unit": row["unit_name"],
                "indicator": row["description"],
                "realised": row["realised"],
                "expected": round(row["target_min"] * (Decimal(elapsed) / Decimal(days)), 2),
            }
        )
    return {"count": rows[0]["total"] if rows else 0, "rows": found}


LOGS_TO_VERIFY_SQL = """
SELECT l.id, l.local_date, e.name, l.description, count(*) OVER () AS total
FROM attendance_worklog l JOIN org_employee e ON e.id = l.employee_id
WHERE l.agency_id = %(agency)s AND l.supervisor_id = %(me)s AND l.verification IS NULL
ORDER BY l.local_date, l.id
LIMIT 10
"""

HOLIDAYS_SQL = "SELECT date FROM org_holiday WHERE agency_id = %(agency)s AND date BETWEEN %(start)s AND %(end)s"


def _targets(params: dict, people: list[int], today: datetime.date, at_risk_only: bool) -> list[dict]:
    """Current period plans of `people` with achievement and the at-risk test of docs/rules.md §5."""
    from performance.calculations import achievement, progress

    if not people:
        return []
    plans = _rows(CURRENT_PLANS_SQL, params | {"people": people})
    if not plans:
        return []
    start = min(p["period_start"] for p in plans)
    end = max(p["period_end"] for p in plans)
    holidays = {r["date"] for r in _rows(HOLIDAYS_SQL, params | {"start": start, "end": end})}
    out = []
    for plan in plans:
        lower = plan["direction"] == "LOWER"
        shown = progress(
            target=plan["target_min"],
            actual=plan["realised"],
            on_date=today,
            period_start=plan["period_start"],
            period_end=plan["period_end"],
            holidays=holidays,
            at_risk_ratio=Decimal("0.8"),
            lower_is_better=lower,
        )
        if at_risk_only and not shown.at_risk:
            continue
        out.append(
            {
                "nip": plan["nip"],
                "name": plan["name"],
                "indicator": plan["description"],
                "target": plan["target_min"],
                "realised": plan["realised"],
                "expected": shown.expected,
                "at_risk": shown.at_risk,
                "achievement_pct": None
                if plan["realised"] is None
                else achievement(
                    realised=plan["realised"],
                    target_min=plan["target_min"],
                    target_max=plan["target_max"],
                    lower_is_better=lower,
                ),
            }
        )
    return out


def supervisor_dashboard(*, user) -> dict:
    scope = org_scope.require_agency(user)
    if not scope.roles & {org_scope.SUPERVISOR, org_scope.UNIT_HEAD, org_scope.DECIDER}:
        raise PermissionDenied(_("Your role does not allow this dashboard."))
    today = today_in(scope.office_time_zone)
    key = _cache_key("supervisor", scope, today)
    cached = cache.get(key)
    if cached is not None:
        return cached
    params = {
        "agency": scope.agency_id,
        "me": scope.employee_id,
        "today": today,
        "headed": list(scope.headed_unit_ids),
    }
    team = _rows(TEAM_TODAY_SQL, params)
    logs = _rows(LOGS_TO_VERIFY_SQL, params)
    pending = _rows(PENDING_DECISIONS_SQL, params)
    at_risk = _targets(params, [m["id"] for m in team], today, at_risk_only=True)
    data = {
        "today": today,
        "headline": _headline(
            today_rows=[
                {
                    "location": "LEAVE" if m["leave_kind"] else m["location"],
                    "checked_in": m["check_in_at"] is not None,
                }
                for m in team
                if m["leave_kind"] != "CLTN"  # inactive on unpaid leave: not counted (docs/rules.md §9 "CLTN")
            ],
            pending=sum(p["n"] for p in pending),
            logs_waiting=logs[0]["total"] if logs else 0,
            at_risk=len({t["nip"] for t in at_risk}),
        ),
        "team": team,
        "pending": pending,
        "targets_at_risk": at_risk,
        "logs_to_verify": logs,
        "logs_to_verify_total": logs[0]["total"] if logs else 0,
    }
    cache.set(key, data, CACHE_SECONDS)
    return data


# ---------------------------------------------------------------------------- employee

MY_DAYS_SQL = """
SELECT sd.local_date, sd.location, sd.planned_start, sd.planned_end
FROM schedules_scheduleday sd
WHERE sd.employee_id = %(me)s AND sd.cancelled_at IS NULL AND sd.local_date BETWEEN %(today)s AND %(until)s
ORDER BY sd.local_date
"""

MY_TODAY_SQL = """
SELECT (SELECT at FROM attendance_checkevent WHERE employee_id = %(me)s AND local_date = %(today)s AND kind = 'IN')
           AS check_in_at,
       (SELECT at FROM attendance_checkevent WHERE employee_id = %(me)s AND local_date = %(today)s AND kind = 'OUT')
           AS check_out_at,
       (SELECT arrival FROM attendance_daystatus WHERE employee_id = %(me)s AND local_date = %(today)s) AS arrival
"""

MY_REQUESTS_SQL = """
SELECT * FROM (
    SELECT 'arrangement' AS kind, r.id, r.status, r.first_date AS date_from, r.last_date AS date_to, r.location AS what,
           r.updated_at
    FROM schedules_arrangementrequest r WHERE r.employee_id = %(me)s AND r.status IN ('draft', 'submitted',
        'recommended', 'returned')
    UNION ALL
    SELECT 'leave', r.id, r.status, r.date_from, r.date_to, r.kind, r.updated_at
    FROM attendance_leaverequest r WHERE r.employee_id = %(me)s AND r.status IN ('draft', 'submitted',
        'recommended', 'returned')
) x ORDER BY updated_at DESC LIMIT 10
"""


def _me_cache_key(employee_id: int, today: datetime.date, language: str) -> str:
    # The employee's own panel: keyed by the employee alone, so a check can forget it (me_dashboard_forget).
    return ":".join(["dash", "me", str(employee_id), str(today), language])


def me_dashboard_forget(*, employee_id: int, local_date: datetime.date) -> None:
    """A check-in or check-out changed the employee's day: the home page shows it at once."""
    cache.delete_many([_me_cache_key(employee_id, local_date, code) for code, _name in settings.LANGUAGES])


def me_dashboard(*, user) -> dict:
    scope = org_scope.require_agency(user)
    today = today_in(scope.office_time_zone)
    key = _me_cache_key(scope.employee_id, today, translation.get_language() or "id")
    cached = cache.get(key)
    if cached is not None:
        return cached
    params = {
        "agency": scope.agency_id,
        "me": scope.employee_id,
        "today": today,
        "until": today + datetime.timedelta(days=14),
    }
    days = _rows(MY_DAYS_SQL, params)
    today_row = _rows(MY_TODAY_SQL, params)[0]
    planned_today = next((d for d in days if d["local_date"] == today), None)
    data = {
        "today": today,
        "location": planned_today["location"] if planned_today else "OFFICE",
        **today_row,
        "upcoming": [d for d in days if d["local_date"] > today],
        "requests": _rows(MY_REQUESTS_SQL, params),
        "targets": _targets(params, [scope.employee_id], today, at_risk_only=False),
    }
    cache.set(key, data, CACHE_SECONDS)
    return data
