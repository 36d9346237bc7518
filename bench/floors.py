"""The floors of the read benchmarks: the same rows as the API reads, built by PostgreSQL alone as one JSON
document (json_agg) in one statement, no ORM, no serializer, no HTTP. What the app cannot beat.

Each function takes a DB-API cursor and returns the JSON text; tests/bench/ checks that the floors hold the
same rows as the application's selectors on a small agency."""

from __future__ import annotations

import datetime

APPROVAL_QUEUE_SQL = """
SELECT json_build_object('count', (SELECT count(*) FROM q), 'results', coalesce(json_agg(r ORDER BY r.first_date, r.id), '[]'))
FROM (
    SELECT a.id, a.status, a.step, a.location, a.dates, a.first_date, a.last_date, a.reason, a.submitted_at,
           a.violations, a.planned_start, a.planned_end,
           json_build_object('id', e.id, 'nip', e.nip, 'name', e.name,
                             'unit', json_build_object('id', u.id, 'code', u.code, 'name', u.name)) AS employee
    FROM q a
    JOIN org_employee e ON e.id = a.employee_id
    JOIN org_unit u ON u.id = e.unit_id
    ORDER BY a.first_date, a.id
    LIMIT %(limit)s
) r
"""
_QUEUE_CTE = """
WITH q AS (
    SELECT * FROM schedules_arrangementrequest a
    WHERE a.agency_id = %(agency)s AND a.status IN ('submitted', 'recommended') AND a.employee_id <> %(me)s
      AND ((a.step = 'RECOMMEND' AND a.recommender_id = %(me)s) OR (a.step = 'DECIDE' AND a.decider_id = %(me)s)
           OR a.escalated_to_id = %(me)s)
)"""

TEAM_CALENDAR_SQL = """
SELECT json_build_object(
    'headcount', count(*),
    'rows', coalesce(json_agg(json_build_object(
        'employee', json_build_object('id', e.id, 'nip', e.nip, 'name', e.name),
        'cells', (
            SELECT json_agg(json_build_object(
                'date', d::date, 'location', coalesce(s.location, 'OFFICE'), 'planned_start', s.planned_start,
                'planned_end', s.planned_end, 'source', s.source, 'arrangement', s.arrangement_id) ORDER BY d)
            FROM generate_series(%(date_from)s::date, %(date_to)s::date, interval '1 day') d
            LEFT JOIN schedules_scheduleday s
                   ON s.employee_id = e.id AND s.local_date = d::date AND s.cancelled_at IS NULL
        )) ORDER BY e.name, e.id), '[]'))
FROM org_employee e
WHERE e.agency_id = %(agency)s AND e.unit_id = %(unit)s AND e.is_active
"""

EMPLOYEE_LIST_SQL = """
SELECT json_build_object(
    'count', (SELECT count(*) FROM org_employee x WHERE x.agency_id = %(agency)s AND x.unit_id = %(unit)s),
    'results', coalesce(json_agg(r ORDER BY r.name, r.id), '[]'))
FROM (
    SELECT e.id, e.nip, e.name, e.employee_type, usr.email, usr.language,
           json_build_object('id', u.id, 'code', u.code, 'name', u.name) AS unit,
           CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'code', p.code, 'name', p.name) END
               AS position,
           e.position_start_date,
           CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'nip', s.nip, 'name', s.name) END
               AS supervisor,
           e.sanction_start, e.sanction_end, e.sanction_in_process, e.home_latitude IS NOT NULL AS has_home_location,
           e.is_active
    FROM org_employee e
    JOIN accounts_user usr ON usr.id = e.user_id
    JOIN org_unit u ON u.id = e.unit_id
    LEFT JOIN org_position p ON p.id = e.position_id
    LEFT JOIN org_employee s ON s.id = e.supervisor_id
    WHERE e.agency_id = %(agency)s AND e.unit_id = %(unit)s
    ORDER BY e.name, e.id
    LIMIT %(limit)s
) r
"""


def _text(sql: str) -> str:
    """The document as text, as a view would send it (psycopg2 would otherwise parse the json into dicts)."""
    return f"SELECT doc::text FROM ({sql}) AS floor(doc)"


def approval_queue(cursor, *, agency_id: int, employee_id: int, limit: int = 50) -> str:
    cursor.execute(_QUEUE_CTE + _text(APPROVAL_QUEUE_SQL), {"agency": agency_id, "me": employee_id, "limit": limit})
    return cursor.fetchone()[0]


def team_calendar(
    cursor, *, agency_id: int, unit_id: int, date_from: datetime.date, date_to: datetime.date
) -> str | dict:
    cursor.execute(
        _text(TEAM_CALENDAR_SQL), {"agency": agency_id, "unit": unit_id, "date_from": date_from, "date_to": date_to}
    )
    return cursor.fetchone()[0]


def employee_list(cursor, *, agency_id: int, unit_id: int, limit: int = 50) -> str | dict:
    cursor.execute(_text(EMPLOYEE_LIST_SQL), {"agency": agency_id, "unit": unit_id, "limit": limit})
    return cursor.fetchone()[0]


def compliance_copy_sql(cursor, *, agency_id: int, scope_unit_id: int, start, end, parameters=None) -> str:
    """`COPY (<the monthly compliance aggregate>) TO STDOUT` with its parameters inlined: the report's own
    single statement (flexwork.reports.kinds), with the same CSV options, and nothing around it."""
    return report_copy_sql(
        cursor, kind="COMPLIANCE", agency_id=agency_id, scope_unit_id=scope_unit_id, start=start, end=end,
        parameters=parameters,
    )  # fmt: skip


def report_copy_sql(cursor, *, kind: str, agency_id: int, scope_unit_id: int, start, end, parameters=None) -> str:
    """`COPY (<the kind's statement>) TO STDOUT` with its parameters inlined (the allowance kind's scheme
    rules among them), with the report's CSV options, and nothing around it."""
    from flexwork.reports import kinds

    params = kinds.sql_params(
        kind=kind,
        agency_id=agency_id,
        scope_unit_id=scope_unit_id,
        start=start,
        end=end,
        parameters=parameters or {},
    )
    statement = cursor.mogrify(kinds.KINDS[kind].sql, params).decode()
    return f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
