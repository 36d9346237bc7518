"""The report kinds as one table: `KINDS` holds one `KindSpec` per kind, with everything the rest
of the code asks about a kind (who may run it, its source tables, whether it runs monthly, its
period formats and parameters, its columns and their labels, its unit summary and exception rows).
Adding a kind is adding its ReportKind choice and its spec here (docs/architecture.md, "How to add").

Each kind computes one set-based SQL statement, run inside PostgreSQL and streamed out with COPY
(flexwork.reports.exports). No Python loop ever walks the source rows.

Every statement takes the same named parameters (%(agency)s, %(scope_unit)s, %(start)s, %(end)s,
plus the kind's own) and returns rows ordered by unit code and NIP: the canonical CSV whose SHA-256
is the run's checksum. Rows are grouped by the unit snapshot stored on the daily rows (docs/rules.md §6);
performance rows, which have no daily snapshot, use the employee's current unit.

Column names are stable English identifiers (they are the CSV header, read by scripts); pages and
the PDF show translated labels."""

from __future__ import annotations

import calendar
import datetime
import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from allowances.labels import VALUE_LABELS as ALLOWANCE_LABELS
from attendance.models import LEAVE_ABSENCE, Arrival, Departure, LeaveKind
from flexwork.common.exceptions import ApplicationError
from flexwork.org import scope as org_scope
from flexwork.org.models import HolidayKind, WorkWeek
from flexwork.reports.models import ReportKind
from schedules.models import Location
from shifts.models import DutyKind, DutyLocation, DutySource


def sql_list(values: Iterable[str]) -> str:
    """A SQL list literal of enum values (never user input): ('A','B')."""
    items = [str(value) for value in values]
    assert all(item.replace("_", "").replace("-", "").isalnum() for item in items), items
    return "(" + ",".join(f"'{item}'" for item in items) + ")"


# Codes taken from the enums, so that a new leave kind or location counts in every report.
# Leave days are the absences of every leave kind except official duty (its own column).
LEAVE_CODES = sql_list(LEAVE_ABSENCE[kind] for kind in LeaveKind if kind != LeaveKind.DINAS_LUAR)
OFFICIAL_DUTY = LEAVE_ABSENCE[LeaveKind.DINAS_LUAR]
FLEXIBLE = sql_list(location for location in Location if location != Location.OFFICE)
LATE = sql_list(code for code in Arrival if code.startswith("TL"))
EARLY = sql_list(code for code in Departure if code.startswith("PSW"))

# The units of the run's scope: the scope unit and its subtree (GIN index on org_unit.path).
SCOPE_UNITS = """su AS (
    SELECT u.id, u.code, u.name, u.fwa_start_date, u.work_week
    FROM org_unit u
    WHERE u.agency_id = %(agency)s AND u.path @> ARRAY[%(scope_unit)s]::int[]
)"""


def inert(expr: str) -> str:
    """A text cell that no spreadsheet reads as a formula (docs/rules.md §6): a leading = + - @, tab or
    carriage return gets a leading apostrophe. Done in the statement itself, so the canonical CSV (and
    its checksum), the Excel CSV and the XLSX all carry the same inert text."""
    return f"CASE WHEN {expr} ~ '^[-=+@\\t\\r]' THEN '''' || {expr} ELSE {expr} END"


def person_sql(unit: str = "su", employee: str = "e") -> str:
    return (
        f"{inert(unit + '.code')} AS unit_code, {inert(unit + '.name')} AS unit_name, "
        f"{inert(employee + '.nip')} AS nip, {inert(employee + '.name')} AS name"
    )


# Everyone of the scope is a row of the per-person kinds (docs/rules.md §6): the employees with daily
# rows in the period, under each unit snapshot, and the active employees of the scope's units who have
# none yet (a new month, a new employee), under their current unit.
PEOPLE = """people AS (
    SELECT DISTINCT d.employee_id, d.unit_id FROM days d
    UNION
    SELECT e.id, e.unit_id FROM org_employee e JOIN su ON su.id = e.unit_id
    WHERE e.agency_id = %(agency)s AND e.is_active AND NOT EXISTS (SELECT 1 FROM days d WHERE d.employee_id = e.id)
)"""

# The working days of the period (Monday–Friday, not a holiday of the agency). Those not closed yet for
# an employee (on or after the office today, or without a daily row) are "not yet closed", never TK.
CALENDAR = """calendar AS (
    SELECT g::date AS local_date FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') g
    WHERE extract(isodow FROM g) <= 5
      AND NOT EXISTS (SELECT 1 FROM org_holiday h WHERE h.agency_id = %(agency)s AND h.date = g::date)
)"""
# The daily row is looked for within the period (where every calendar date is): PostgreSQL may read an
# employee's rows as a whole (a hash anti-join), and the bound keeps that to the period's instead of the
# year's history (docs/performance.md, "History and the hot queries").
OPEN_DAYS = """(SELECT count(*) FROM calendar c WHERE c.local_date >= %(today)s OR NOT EXISTS (
        SELECT 1 FROM attendance_daystatus x WHERE x.employee_id = e.id AND x.local_date = c.local_date
          AND x.local_date BETWEEN %(start)s AND %(end)s)
    ) AS open_days"""

# ---------------------------------------------------------------------------- duties (docs/rules.md §8)
#
# An employee of a unit whose working week is not Monday–Friday works duties: their working days are the
# dates of their active published SHIFT duties, and the compliance and payroll recaps add the duty
# columns below (empty for everyone else). The duties of the scope are read once, by their indexes on
# (agency or unit, duty_date), each joined to its day status by the unique (employee, local_date); OFF
# and POST_NIGHT duties only mark a date as rostered.
ROSTER = f"su.work_week <> '{WorkWeek.MON_FRI}'"
SHIFT = f"'{DutyKind.SHIFT}'"


def _net_minutes(prefix: str) -> str:
    """The standard day's net minutes of the unit's policy (its override, else the agency's)."""
    return (
        f"(extract(epoch FROM coalesce(o.{prefix}_end, ap.{prefix}_end) - coalesce(o.{prefix}_start, ap.{prefix}_start))"
        f" / 60 - coalesce(o.{prefix}_break_minutes, ap.{prefix}_break_minutes))"
    )


# An office colleague's requirement per day (docs/rules.md §8 "Hours": the standard day's net on each
# Monday–Friday that is not a holiday, the Ramadan day in Ramadan), for the roster units of the scope only,
# over the period and the ISO weeks whose Thursday falls in it.
OFFICE_DAYS = f"""office_days AS (
    SELECT su.id AS unit_id, g::date AS local_date,
        coalesce(o.shift_hours_averaged_over_period, ap.shift_hours_averaged_over_period) AS averaged,
        CASE WHEN EXISTS (SELECT 1 FROM org_ramadanrange r
                          WHERE r.agency_id = %(agency)s AND g::date BETWEEN r.start AND r."end")
            THEN CASE WHEN extract(isodow FROM g) = 5 THEN {_net_minutes("ramadan_fri")}
                      ELSE {_net_minutes("ramadan_mon_thu")} END
            ELSE CASE WHEN extract(isodow FROM g) = 5 THEN {_net_minutes("fri")} ELSE {_net_minutes("mon_thu")} END
        END AS minutes
    FROM su
    CROSS JOIN generate_series(least(%(start)s, %(week_start)s)::date, greatest(%(end)s, %(week_end)s)::date,
                               interval '1 day') g
    JOIN org_agencypolicy ap ON ap.agency_id = %(agency)s
    LEFT JOIN org_unitpolicyoverride o ON o.unit_id = su.id
    WHERE {ROSTER} AND extract(isodow FROM g) <= 5
      AND NOT EXISTS (SELECT 1 FROM org_holiday h WHERE h.agency_id = %(agency)s AND h.date = g::date)
),
office_month AS (
    SELECT unit_id, sum(minutes) AS minutes FROM office_days
    WHERE local_date BETWEEN %(start)s AND %(end)s GROUP BY unit_id
),
office_weeks AS (
    SELECT unit_id, date_trunc('week', local_date) AS week, sum(minutes) AS minutes, bool_or(averaged) AS averaged
    FROM office_days GROUP BY unit_id, date_trunc('week', local_date)
)"""

# The duties of the period, each with its day status; a holiday duty is one the roster marked, the status
# marked, or on a date of the agency's calendar (a holiday declared after publishing keeps the duty).
# A duty is still open (not decided) without a status, or without an absence while a check is missing.
# A duty under unpaid leave (C-CLTN) is not counted as rostered (docs/rules.md §9 "CLTN": inactive).
DUTIES = f"""holidays AS (
    SELECT h.date, bool_or(h.kind = '{HolidayKind.LIBUR_NASIONAL}') AS national
    FROM org_holiday h
    WHERE h.agency_id = %(agency)s AND h.date BETWEEN %(start)s AND %(end)s
    GROUP BY h.date
),
duty_days AS (
    SELECT du.employee_id, du.unit_id, du.duty_date, du.kind = {SHIFT} AS shift, du.is_night, du.source, du.location,
        du.holiday_worked OR coalesce(x.holiday_worked, false) OR hd.date IS NOT NULL AS on_holiday,
        coalesce(hd.national, false) AS national,
        x.check_in_at IS NOT NULL OR x.check_out_at IS NOT NULL AS present,
        x.absence, x.credited_minutes,
        x.id IS NULL OR (x.absence IS NULL AND (x.arrival IS NULL OR x.departure IS NULL)) AS undecided
    FROM shifts_duty du
    JOIN su ON su.id = du.unit_id
    LEFT JOIN attendance_daystatus x ON x.employee_id = du.employee_id AND x.local_date = du.duty_date
        AND x.local_date BETWEEN %(start)s AND %(end)s
    LEFT JOIN holidays hd ON hd.date = du.duty_date
    WHERE du.agency_id = %(agency)s AND du.duty_date BETWEEN %(start)s AND %(end)s AND du.is_active AND du.is_published
),
duty_totals AS (
    SELECT employee_id, unit_id,
        count(DISTINCT duty_date) AS dated,
        count(*) FILTER (WHERE shift AND absence IS DISTINCT FROM 'C-CLTN') AS rostered,
        count(*) FILTER (WHERE shift AND present) AS worked,
        count(*) FILTER (WHERE shift AND absence = 'TK') AS tk,
        count(*) FILTER (WHERE shift AND is_night) AS nights,
        count(*) FILTER (WHERE shift AND absence IS DISTINCT FROM 'C-CLTN' AND location = '{DutyLocation.OFFICE}') AS office,
        count(*) FILTER (WHERE shift AND absence IS DISTINCT FROM 'C-CLTN' AND location <> '{DutyLocation.OFFICE}')
            AS flexible,
        coalesce(sum(credited_minutes) FILTER (WHERE shift), 0) AS credited,
        count(*) FILTER (WHERE shift AND present AND on_holiday) AS holidays,
        count(*) FILTER (WHERE shift AND present AND national) AS national,
        count(*) FILTER (WHERE shift AND source = '{DutySource.SWAP}') AS swaps,
        count(*) FILTER (WHERE shift AND undecided) AS open
    FROM duty_days
    GROUP BY employee_id, unit_id
)"""

# Everyone of the scope is a row, as in PEOPLE, and so is whoever has duties in the period under a unit
# of the scope (a month rostered before its first day status).
DUTY_PEOPLE = """people AS (
    SELECT DISTINCT d.employee_id, d.unit_id FROM days d
    UNION
    SELECT t.employee_id, t.unit_id FROM duty_totals t
    UNION
    SELECT e.id, e.unit_id FROM org_employee e JOIN su ON su.id = e.unit_id
    WHERE e.agency_id = %(agency)s AND e.is_active AND NOT EXISTS (SELECT 1 FROM days d WHERE d.employee_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM duty_totals t WHERE t.employee_id = e.id)
)"""

DUTY_JOINS = """LEFT JOIN duty_totals dt ON dt.employee_id = p.employee_id AND dt.unit_id = p.unit_id
LEFT JOIN office_month om ON om.unit_id = p.unit_id"""
DUTY_GROUP = (
    "su.work_week, dt.dated, dt.rostered, dt.worked, dt.tk, dt.nights, dt.office, dt.flexible, dt.credited, "
    "dt.holidays, dt.national, dt.swaps, dt.open, om.minutes"
)


def roster_or(roster: str, otherwise: str) -> str:
    """A column whose roster employees' value comes from their duties."""
    return f"CASE WHEN {ROSTER} THEN {roster} ELSE {otherwise} END"


# docs/rules.md §9 "CLTN": a day of unpaid leave is not one of the person's working days (inactive; the day
# status requires and credits nothing on it, so the hours leave it out as well).
ACTIVE_DAY = "d.absence IS DISTINCT FROM 'C-CLTN'"
PLANNED_OFFICE_DAYS = (
    roster_or(
        "coalesce(dt.office, 0)",
        f"count(*) FILTER (WHERE d.is_working_day AND {ACTIVE_DAY} AND coalesce(d.planned_location, 'OFFICE') = 'OFFICE')",
    )
    + " AS planned_office_days"
)
PLANNED_FLEXIBLE_DAYS = (
    roster_or(
        "coalesce(dt.flexible, 0)",
        f"count(*) FILTER (WHERE d.is_working_day AND {ACTIVE_DAY} AND d.planned_location IN {FLEXIBLE})",
    )
    + " AS planned_flexible_days"
)
WORKING_DAYS = (
    roster_or("coalesce(dt.rostered, 0)", f"count(*) FILTER (WHERE d.is_working_day AND {ACTIVE_DAY})")
    + " AS working_days"
)
OPEN_DUTY_DAYS = roster_or("coalesce(dt.open, 0)", OPEN_DAYS.removesuffix(" AS open_days")) + " AS open_days"

# The duty columns (empty for Monday–Friday employees). Hours are credited hours (leave and official
# duty count the duties they cover) against an office colleague's requirement of the period; hours above
# it are reported, not paid. Unrostered days are the dates of the period without a published duty.
DUTY_COLUMNS = f"""CASE WHEN {ROSTER} THEN coalesce(dt.rostered, 0) END AS duties_rostered,
    CASE WHEN {ROSTER} THEN coalesce(dt.worked, 0) END AS duties_worked,
    CASE WHEN {ROSTER} THEN coalesce(dt.tk, 0) END AS tk_duties,
    CASE WHEN {ROSTER} THEN coalesce(dt.nights, 0) END AS night_duties,
    CASE WHEN {ROSTER} THEN round(coalesce(dt.credited, 0) / 60.0, 2) END AS duty_hours,
    CASE WHEN {ROSTER} THEN round(coalesce(om.minutes, 0) / 60.0, 2) END AS office_hours_required,
    CASE WHEN {ROSTER} THEN round((coalesce(dt.credited, 0) - coalesce(om.minutes, 0)) / 60.0, 2) END
        AS hours_over_requirement,
    CASE WHEN {ROSTER} THEN coalesce(dt.holidays, 0) END AS holiday_duties,
    CASE WHEN {ROSTER} THEN coalesce(dt.national, 0) END AS national_holiday_duties,
    CASE WHEN {ROSTER} THEN coalesce(dt.swaps, 0) END AS swap_duties,
    CASE WHEN {ROSTER} THEN (%(end)s::date - %(start)s::date + 1) - coalesce(dt.dated, 0) END AS unrostered_days"""


def achievement_sql(*, realised: str, target_min: str, target_max: str, direction: str) -> str:
    """docs/rules.md §5 in SQL (the same arithmetic as performance.calculations.achievement), 2 places."""
    return f"""round(CASE
        WHEN {realised} IS NULL THEN NULL
        WHEN {direction} = 'LOWER' THEN
            CASE WHEN {realised} <= {target_max} THEN 100 ELSE 100 * {target_max} / {realised} END
        WHEN {target_min} = {target_max} THEN
            CASE WHEN {target_min} = 0 THEN 100 ELSE 100 * {realised} / {target_min} END
        WHEN {realised} < {target_min} THEN 100 * {realised} / {target_min}
        WHEN {realised} <= {target_max} THEN 100
        ELSE 100 * {realised} / {target_max}
    END, 2)"""


COMPLIANCE_SQL = f"""
WITH {SCOPE_UNITS},
{OFFICE_DAYS},
days AS (
    SELECT d.employee_id, d.unit_id, d.local_date, d.location, d.is_working_day, d.check_in_at, d.check_out_at,
           d.arrival, d.departure, d.absence, d.worked_minutes, d.required_minutes, d.credited_minutes,
           d.flagged, d.missing_log, sd.location AS planned_location,
           coalesce(ar.override_reason, '') <> '' AS overridden
    FROM attendance_daystatus d
    JOIN su ON su.id = d.unit_id
    LEFT JOIN schedules_scheduleday sd
           ON sd.employee_id = d.employee_id AND sd.local_date = d.local_date AND sd.cancelled_at IS NULL
    LEFT JOIN schedules_arrangementrequest ar ON ar.id = sd.arrangement_id
    WHERE d.agency_id = %(agency)s AND d.local_date BETWEEN %(start)s AND %(end)s
),
weeks AS (
    SELECT w.employee_id, string_agg(w.label, ' ' ORDER BY w.label) AS labels
    FROM (
        SELECT d.employee_id, to_char(date_trunc('week', d.local_date), 'IYYY-"W"IW') AS label
        FROM attendance_daystatus d
        JOIN su ON su.id = d.unit_id
        LEFT JOIN office_weeks ow ON ow.unit_id = d.unit_id AND ow.week = date_trunc('week', d.local_date)
        WHERE d.agency_id = %(agency)s AND d.local_date BETWEEN %(week_start)s AND %(week_end)s
        GROUP BY d.employee_id, date_trunc('week', d.local_date)
        -- duties: an office colleague's week (docs/rules.md §8), unless the unit averages over the period
        HAVING sum(d.credited_minutes) < CASE
            WHEN bool_and(ow.unit_id IS NULL) THEN sum(d.required_minutes)
            WHEN bool_or(ow.averaged) THEN 0
            ELSE max(ow.minutes) END
    ) w
    GROUP BY w.employee_id
),
{DUTIES},
{DUTY_PEOPLE},
{CALENDAR}
SELECT {person_sql()},
    {WORKING_DAYS},
    {PLANNED_OFFICE_DAYS},
    {PLANNED_FLEXIBLE_DAYS},
    count(*) FILTER (WHERE d.check_in_at IS NOT NULL AND d.location = 'OFFICE') AS present_office_days,
    count(*) FILTER (WHERE d.check_in_at IS NOT NULL AND d.location IN {FLEXIBLE}) AS present_flexible_days,
    count(*) FILTER (WHERE d.flagged) AS flagged_days,
    count(*) FILTER (WHERE d.arrival = 'H') AS on_time,
    count(*) FILTER (WHERE d.arrival IN {LATE}) AS late,
    count(*) FILTER (WHERE d.departure IN {EARLY}) AS early_leave,
    count(*) FILTER (WHERE d.arrival = 'HKD') AS no_check_in,
    count(*) FILTER (WHERE d.departure = 'HKP') AS no_check_out,
    count(*) FILTER (WHERE d.absence = 'TK') AS tk,
    count(*) FILTER (WHERE d.absence IN {LEAVE_CODES}) AS leave_days,
    count(*) FILTER (WHERE d.absence = '{OFFICIAL_DUTY}') AS official_duty_days,
    count(*) FILTER (WHERE d.absence = 'LIBUR') AS holidays,
    round(coalesce(sum(d.required_minutes), 0) / 60.0, 2) AS required_hours,
    round(coalesce(sum(d.credited_minutes), 0) / 60.0, 2) AS credited_hours,
    round(coalesce(sum(d.worked_minutes), 0) / 60.0, 2) AS worked_hours,
    coalesce(w.labels, '') AS weeks_below_requirement,
    count(*) FILTER (WHERE d.missing_log) AS missing_logs,
    count(*) FILTER (WHERE d.overridden) AS policy_overrides,
    {OPEN_DUTY_DAYS},
    {DUTY_COLUMNS}
FROM people p
JOIN su ON su.id = p.unit_id
JOIN org_employee e ON e.id = p.employee_id
LEFT JOIN days d ON d.employee_id = p.employee_id AND d.unit_id = p.unit_id
LEFT JOIN weeks w ON w.employee_id = p.employee_id
{DUTY_JOINS}
GROUP BY su.code, su.name, e.id, e.nip, e.name, w.labels, {DUTY_GROUP}
ORDER BY su.code, e.nip
"""

PAYROLL_SQL = f"""
WITH {SCOPE_UNITS},
{OFFICE_DAYS},
days AS (
    SELECT d.* FROM attendance_daystatus d JOIN su ON su.id = d.unit_id
    WHERE d.agency_id = %(agency)s AND d.local_date BETWEEN %(start)s AND %(end)s
),
{DUTIES},
{DUTY_PEOPLE},
{CALENDAR}
SELECT {person_sql()},
    {WORKING_DAYS},
    count(*) FILTER (WHERE d.check_in_at IS NOT NULL OR d.check_out_at IS NOT NULL) AS present_days,
    count(*) FILTER (WHERE d.arrival = 'TL1') AS tl1,
    count(*) FILTER (WHERE d.arrival = 'TL2') AS tl2,
    count(*) FILTER (WHERE d.arrival = 'TL3') AS tl3,
    count(*) FILTER (WHERE d.arrival = 'TL4') AS tl4,
    count(*) FILTER (WHERE d.arrival = 'HKD') AS hkd,
    count(*) FILTER (WHERE d.departure = 'PSW1') AS psw1,
    count(*) FILTER (WHERE d.departure = 'PSW2') AS psw2,
    count(*) FILTER (WHERE d.departure = 'PSW3') AS psw3,
    count(*) FILTER (WHERE d.departure = 'PSW4') AS psw4,
    count(*) FILTER (WHERE d.departure = 'HKP') AS hkp,
    count(*) FILTER (WHERE d.absence = 'TK') AS tk,
    count(*) FILTER (WHERE d.absence LIKE 'C-%%') AS leave_days,
    count(*) FILTER (WHERE d.absence = 'S') AS sick_days,
    count(*) FILTER (WHERE d.absence = 'I') AS permission_days,
    count(*) FILTER (WHERE d.absence = '{OFFICIAL_DUTY}') AS official_duty_days,
    {OPEN_DUTY_DAYS},
    {DUTY_COLUMNS}
FROM people p
JOIN su ON su.id = p.unit_id
JOIN org_employee e ON e.id = p.employee_id
LEFT JOIN days d ON d.employee_id = p.employee_id AND d.unit_id = p.unit_id
{DUTY_JOINS}
GROUP BY su.code, su.name, e.id, e.nip, e.name, {DUTY_GROUP}
ORDER BY su.code, e.nip
"""

# PP 94/2021 (docs/rules.md §6): TK days in the calendar year, and the longest run of consecutive TK
# working days (gaps and islands over working-day rows; weekends and holidays do not break a run).
#
# The policy switch `lateness_converts_to_days` (off by default) of the employee's unit (its override,
# else the agency's) converts lateness: the minutes of every TL1–TL4 arrival and every PSW1–PSW4
# departure in the year are summed, and each full working day of the policy (Monday–Thursday end −
# start − break: 7.5 h by default) of accumulated minutes counts as one TK day (the rest is dropped).
# The converted days are added to the TK days before banding; they never make a run of consecutive
# days. With the switch off, `lateness_days` is 0 and the bands are those of the TK days alone.
DISCIPLINE_SQL = f"""
WITH {SCOPE_UNITS},
days AS (
    SELECT d.employee_id, d.unit_id, d.local_date, d.absence = 'TK' AS tk,
        CASE WHEN d.arrival IN {LATE} THEN d.lateness_minutes ELSE 0 END
        + CASE WHEN d.departure IN {EARLY} THEN d.early_minutes ELSE 0 END AS short_minutes
    FROM attendance_daystatus d
    WHERE d.agency_id = %(agency)s AND d.local_date BETWEEN %(start)s AND %(end)s
      AND d.is_working_day AND d.absence IS DISTINCT FROM 'LIBUR'
),
numbered AS (
    SELECT employee_id, tk,
        row_number() OVER (PARTITION BY employee_id ORDER BY local_date)
        - row_number() OVER (PARTITION BY employee_id, tk ORDER BY local_date) AS island
    FROM days
),
longest AS (
    SELECT employee_id, max(n) AS n
    FROM (SELECT employee_id, island, count(*) AS n FROM numbered WHERE tk GROUP BY employee_id, island) runs
    GROUP BY employee_id
),
per_employee AS (
    SELECT employee_id, count(*) FILTER (WHERE tk) AS tk_days, sum(short_minutes) AS short_minutes,
        (array_agg(unit_id ORDER BY local_date DESC))[1] AS unit_id
    FROM days
    GROUP BY employee_id
    UNION ALL  -- everyone of the scope is a row, with nothing to count when they have no working day yet
    SELECT e.id, 0, 0, e.unit_id FROM org_employee e JOIN su ON su.id = e.unit_id
    WHERE e.agency_id = %(agency)s AND e.is_active AND NOT EXISTS (SELECT 1 FROM days d WHERE d.employee_id = e.id)
),
converted AS (
    SELECT p.employee_id, p.unit_id, p.tk_days, p.short_minutes,
        CASE WHEN coalesce(o.lateness_converts_to_days, ap.lateness_converts_to_days) THEN
            floor(p.short_minutes / nullif(
                extract(epoch FROM coalesce(o.mon_thu_end, ap.mon_thu_end) - coalesce(o.mon_thu_start, ap.mon_thu_start))
                / 60 - coalesce(o.mon_thu_break_minutes, ap.mon_thu_break_minutes), 0))::int
        ELSE 0 END AS lateness_days
    FROM per_employee p
    JOIN org_agencypolicy ap ON ap.agency_id = %(agency)s
    LEFT JOIN org_unitpolicyoverride o ON o.unit_id = p.unit_id
),
totals AS (
    SELECT c.*, c.tk_days + coalesce(c.lateness_days, 0) AS total FROM converted c
)
SELECT {person_sql()},
    p.tk_days, coalesce(l.n, 0) AS longest_consecutive_tk,
    CASE
        WHEN coalesce(l.n, 0) >= %(consecutive_dismissal)s OR p.total >= 28 THEN 'DISMISSAL'
        WHEN p.total >= 25 THEN 'PELAKSANA'
        WHEN p.total >= 21 THEN 'DEMOTION'
        WHEN p.total >= 17 THEN 'TUKIN_CUT_12M'
        WHEN p.total >= 14 THEN 'TUKIN_CUT_9M'
        WHEN p.total >= 11 THEN 'TUKIN_CUT_6M'
        WHEN p.total >= 7 THEN 'PERNYATAAN_TIDAK_PUAS'
        WHEN p.total >= 4 THEN 'TEGURAN_TERTULIS'
        WHEN p.total >= 3 THEN 'TEGURAN_LISAN'
        ELSE ''
    END AS band,
    p.short_minutes AS late_early_minutes, coalesce(p.lateness_days, 0) AS lateness_days, p.total AS total_days
FROM totals p
JOIN su ON su.id = p.unit_id
JOIN org_employee e ON e.id = p.employee_id
LEFT JOIN longest l ON l.employee_id = p.employee_id
ORDER BY su.code, e.nip
"""

ACHIEVEMENT = achievement_sql(
    realised="r.value", target_min="pp.target_min", target_max="pp.target_max", direction="i.direction"
)

PERFORMANCE_SQL = f"""
WITH {SCOPE_UNITS}
SELECT {person_sql()},
    i.id AS indicator_id, {inert("i.description")} AS indicator, i.aspect, i.direction,
    pp.period_start, pp.period_end, pp.target_min, pp.target_max, r.value AS realisation,
    {ACHIEVEMENT} AS achievement_pct,
    (SELECT ev.predikat FROM performance_evaluation ev
      WHERE ev.skp_id = s.id AND ev.period_start <= %(end)s AND ev.period_end >= %(start)s
      ORDER BY ev.period_end DESC, ev.id DESC LIMIT 1) AS predikat
FROM performance_periodplan pp
JOIN performance_indicator i ON i.id = pp.indicator_id
JOIN performance_rhk rh ON rh.id = i.rhk_id
JOIN performance_skp s ON s.id = rh.skp_id
JOIN org_employee e ON e.id = s.employee_id
JOIN su ON su.id = e.unit_id
LEFT JOIN performance_realisation r ON r.period_plan_id = pp.id
WHERE pp.agency_id = %(agency)s AND s.status <> 'DRAFT'
  AND pp.period_start <= %(end)s AND pp.period_end >= %(start)s
ORDER BY su.code, e.nip, pp.period_start, i.id
"""

# Pasal 35: per unit, the N months before the unit's (else the agency's) fwa_start_date against
# the N months after it (cut at the end of the asked period).
#
# HR's imported baselines (reports_fwabaseline, docs/rules.md §6) fill the "before" window: a baseline
# month is used when its first day lies inside the window and the unit has no FlexWork daily row in
# that calendar month (FlexWork data always wins). Its counts and hours are added to the window's;
# `employees` is the larger of the FlexWork head count and the largest baseline head count; the
# average achievement is FlexWork's when the window has realisations, else the mean of the used
# baseline months' averages. `baseline_months` tells how many months came from the import.
FWA_SQL = f"""
WITH {SCOPE_UNITS},
windows AS (
    SELECT su.id, su.code, su.name, coalesce(su.fwa_start_date, a.fwa_start_date) AS fwa_start, w.label,
        CASE w.label WHEN 'before'
            THEN (coalesce(su.fwa_start_date, a.fwa_start_date) - make_interval(months => %(months)s))::date
            ELSE coalesce(su.fwa_start_date, a.fwa_start_date) END AS date_from,
        CASE w.label WHEN 'before'
            THEN coalesce(su.fwa_start_date, a.fwa_start_date) - 1
            ELSE least((coalesce(su.fwa_start_date, a.fwa_start_date)
                        + make_interval(months => %(months)s))::date - 1, %(end)s::date) END AS date_to
    FROM su
    JOIN org_agency a ON a.id = %(agency)s
    CROSS JOIN (VALUES ('before'), ('after')) AS w(label)
    WHERE coalesce(su.fwa_start_date, a.fwa_start_date) IS NOT NULL
),
attendance AS (
    SELECT w.id, w.label,
        count(DISTINCT d.employee_id) AS employees,
        count(d.id) FILTER (WHERE d.is_working_day AND (d.absence IS NULL OR d.absence = 'TK')) AS days_due,
        count(d.id) FILTER (WHERE d.check_in_at IS NOT NULL OR d.check_out_at IS NOT NULL) AS present_days,
        count(d.id) FILTER (WHERE d.absence = 'TK') AS tk_days,
        count(d.id) FILTER (WHERE d.arrival IN {LATE}) AS late_days,
        coalesce(sum(d.credited_minutes), 0) AS credited, coalesce(sum(d.required_minutes), 0) AS required
    FROM windows w
    LEFT JOIN attendance_daystatus d
           ON d.agency_id = %(agency)s AND d.unit_id = w.id AND d.local_date BETWEEN w.date_from AND w.date_to
    GROUP BY w.id, w.label
),
baseline AS (
    SELECT w.id, w.label, count(*) AS months, max(b.employees) AS employees, sum(b.days_due) AS days_due,
        sum(b.present_days) AS present_days, sum(b.tk_days) AS tk_days, sum(b.late_days) AS late_days,
        sum(b.credited_hours) * 60 AS credited, sum(b.required_hours) * 60 AS required,
        round(avg(b.avg_achievement_pct), 2) AS avg_achievement
    FROM windows w
    JOIN reports_fwabaseline b
         ON b.agency_id = %(agency)s AND b.unit_id = w.id AND b.month BETWEEN w.date_from AND w.date_to
    WHERE w.label = 'before' AND NOT EXISTS (
        SELECT 1 FROM attendance_daystatus d
        WHERE d.agency_id = %(agency)s AND d.unit_id = w.id
          AND d.local_date >= b.month AND d.local_date < (b.month + interval '1 month')::date)
    GROUP BY w.id, w.label
),
performance AS (
    SELECT w.id, w.label, round(avg({ACHIEVEMENT}), 2) AS avg_achievement
    FROM windows w
    JOIN org_employee e ON e.unit_id = w.id
    JOIN performance_skp s ON s.employee_id = e.id AND s.status <> 'DRAFT'
    JOIN performance_rhk rh ON rh.skp_id = s.id
    JOIN performance_indicator i ON i.rhk_id = rh.id
    JOIN performance_periodplan pp ON pp.indicator_id = i.id
         AND pp.period_start >= w.date_from AND pp.period_end <= w.date_to
    JOIN performance_realisation r ON r.period_plan_id = pp.id
    GROUP BY w.id, w.label
)
SELECT {inert("w.code")} AS unit_code, {inert("w.name")} AS unit_name, w.fwa_start AS fwa_start_date, w.label AS "window",
    w.date_from, w.date_to, greatest(a.employees, coalesce(b.employees, 0)) AS employees,
    a.days_due + coalesce(b.days_due, 0) AS days_due,
    a.present_days + coalesce(b.present_days, 0) AS present_days,
    a.tk_days + coalesce(b.tk_days, 0) AS tk_days,
    a.late_days + coalesce(b.late_days, 0) AS late_days,
    round(100.0 * (a.present_days + coalesce(b.present_days, 0))
          / nullif(a.days_due + coalesce(b.days_due, 0), 0), 2) AS attendance_pct,
    round(100.0 * (a.credited + coalesce(b.credited, 0)) / nullif(a.required + coalesce(b.required, 0), 0), 2)
        AS hours_fulfilled_pct,
    coalesce(p.avg_achievement, b.avg_achievement) AS avg_achievement_pct,
    coalesce(b.months, 0) AS baseline_months
FROM windows w
JOIN attendance a ON a.id = w.id AND a.label = w.label
LEFT JOIN performance p ON p.id = w.id AND p.label = w.label
LEFT JOIN baseline b ON b.id = w.id AND b.label = w.label
ORDER BY w.code, w.date_from
"""


# Allowance deductions (docs/rules.md §10 "Monthly deduction"): the scheme in force on the month's first day,
# resolved to compact rules by allowances.schemes.scheme_resolve, is the JSON parameter %(rules)s. One ledger
# line per cut on a closed working day (no cut on days not closed yet): an arrival or departure band, a missing
# check-in or check-out counted as its band or at its own %, a TK day, a leave day past its free days
# (counted from the approved request's first day, across months; the free days of the request's sub-reason
# when the scheme gives them, e.g. sick leave with a hospital stay); with a KINERJA component, one undated line of
# 100 − the month's SKP achievement (the average achievement of the period plans overlapping the month with a
# realisation, capped at 100; docs/rules.md §5) when below 100; THRESHOLD lines (consecutive TK days, a whole
# month TK, a leave kind without allowance) set the month to 100 %; then one TOTAL line per employee: the
# component's cuts clamped to 100, times its weight, plus the KINERJA cut, at most the monthly cap, rounded. %(employee)s (NULL for
# reports) limits the statement to one employee for their own page.
ALLOWANCE_SQL = f"""
WITH {SCOPE_UNITS},
sch AS (SELECT %(rules)s::jsonb AS j),
days AS (
    SELECT d.employee_id, d.unit_id, d.local_date, d.arrival, d.departure, d.absence
    FROM attendance_daystatus d
    JOIN su ON su.id = d.unit_id
    WHERE d.agency_id = %(agency)s AND d.local_date BETWEEN %(start)s AND %(end)s AND d.local_date < %(today)s
      AND d.is_working_day AND d.absence IS DISTINCT FROM 'LIBUR'
      AND (%(employee)s::bigint IS NULL OR d.employee_id = %(employee)s::bigint)
),
events AS (
    SELECT d.employee_id, d.unit_id, d.local_date, v.cause
    FROM days d
    CROSS JOIN LATERAL (VALUES (CASE WHEN d.absence IS NULL THEN d.arrival END),
                               (CASE WHEN d.absence IS NULL THEN d.departure END),
                               (CASE WHEN d.absence = 'TK' THEN 'TK' END)) v(cause)
    WHERE v.cause IS NOT NULL
),
leave_days AS (
    SELECT d.employee_id, d.unit_id, d.local_date, d.absence AS cause, lr.sub_reason,
        (row_number() OVER (PARTITION BY d.employee_id, d.absence, lr.id ORDER BY d.local_date)
         + CASE WHEN lr.date_from < %(start)s THEN (
               SELECT count(*) FROM attendance_daystatus p
               WHERE p.employee_id = d.employee_id AND p.local_date >= lr.date_from AND p.local_date < %(start)s
                 AND p.absence = d.absence AND p.is_working_day) ELSE 0 END)::int AS leave_day
    FROM days d
    CROSS JOIN sch
    LEFT JOIN attendance_leaverequest lr
           ON lr.employee_id = d.employee_id AND lr.status = 'approved' AND lr.kind = sch.j->'leave'->d.absence->>'kind'
          AND d.local_date BETWEEN lr.date_from AND lr.date_to
    WHERE sch.j->'leave' ? d.absence
),
cuts AS (
    SELECT e.employee_id, e.unit_id, e.local_date, e.cause, sch.j->'cuts'->e.cause->>'rule' AS rule,
        NULL::int AS leave_day, (sch.j->'cuts'->e.cause->>'pct')::numeric AS pct
    FROM events e CROSS JOIN sch
    WHERE sch.j->'cuts' ? e.cause
    UNION ALL
    SELECT l.employee_id, l.unit_id, l.local_date, l.cause, 'LEAVE', l.leave_day,
        (sch.j->'leave'->l.cause->>'pct')::numeric
    FROM leave_days l CROSS JOIN sch
    WHERE NOT (sch.j->'leave'->l.cause->>'none')::boolean
      AND l.leave_day > coalesce((sch.j->'leave'->l.cause->'by_reason'->>l.sub_reason)::int,
                                 (sch.j->'leave'->l.cause->>'free')::int)
),
islands AS (
    SELECT employee_id, min(local_date) AS first_date, count(*) AS n
    FROM (
        SELECT employee_id, local_date, coalesce(absence = 'TK', false) AS tk,
            row_number() OVER (PARTITION BY employee_id ORDER BY local_date)
            - row_number() OVER (PARTITION BY employee_id, coalesce(absence = 'TK', false) ORDER BY local_date) AS island
        FROM days
    ) x
    WHERE tk
    GROUP BY employee_id, island
),
thresholds AS (
    SELECT i.employee_id, 'TK_CONSECUTIVE' AS cause, min(i.first_date) AS local_date
    FROM islands i CROSS JOIN sch
    WHERE i.n >= (sch.j->>'consecutive')::int
    GROUP BY i.employee_id
    UNION ALL
    SELECT d.employee_id, 'TK_WHOLE_MONTH', min(d.local_date)
    FROM days d CROSS JOIN sch
    WHERE (sch.j->>'whole_month')::boolean AND %(end)s::date < %(today)s::date
    GROUP BY d.employee_id
    HAVING bool_and(d.absence IS NOT DISTINCT FROM 'TK')
    UNION ALL
    SELECT l.employee_id, l.cause, min(l.local_date)
    FROM leave_days l CROSS JOIN sch
    WHERE (sch.j->'leave'->l.cause->>'none')::boolean
    GROUP BY l.employee_id, l.cause
),
people AS (
    SELECT * FROM (
        SELECT DISTINCT ON (d.employee_id) d.employee_id, d.unit_id FROM days d ORDER BY d.employee_id, d.local_date DESC
    ) last_unit
    UNION ALL
    SELECT e.id, e.unit_id FROM org_employee e JOIN su ON su.id = e.unit_id
    WHERE e.agency_id = %(agency)s AND e.is_active
      AND (%(employee)s::bigint IS NULL OR e.id = %(employee)s::bigint)
      AND NOT EXISTS (SELECT 1 FROM days d WHERE d.employee_id = e.id)
),
scores AS (
    SELECT s.employee_id, round(least(100, avg({ACHIEVEMENT})), 2) AS score
    FROM sch
    JOIN performance_periodplan pp ON (sch.j->>'score_weight') IS NOT NULL
    JOIN performance_indicator i ON i.id = pp.indicator_id
    JOIN performance_rhk rh ON rh.id = i.rhk_id
    JOIN performance_skp s ON s.id = rh.skp_id
    JOIN performance_realisation r ON r.period_plan_id = pp.id
    WHERE pp.agency_id = %(agency)s AND s.status <> 'DRAFT'
      AND pp.period_start <= %(end)s AND pp.period_end >= %(start)s
      AND (%(employee)s::bigint IS NULL OR s.employee_id = %(employee)s::bigint)
      AND s.employee_id IN (SELECT employee_id FROM people)
    GROUP BY s.employee_id
),
sums AS (SELECT employee_id, sum(pct) AS pct FROM cuts GROUP BY employee_id),
lines AS (
    SELECT c.employee_id, c.unit_id, 1 AS part, c.local_date, c.cause, c.rule, c.leave_day,
        sch.j->>'component' AS component, c.pct, c.pct * (sch.j->>'weight')::numeric / 100 AS allowance_pct
    FROM cuts c CROSS JOIN sch
    UNION ALL
    SELECT sc.employee_id, p.unit_id, 1, NULL, 'KINERJA_SCORE', 'SCORE', NULL, sch.j->>'score_component',
        100 - sc.score, (100 - sc.score) * (sch.j->>'score_weight')::numeric / 100
    FROM scores sc JOIN people p ON p.employee_id = sc.employee_id CROSS JOIN sch
    WHERE sc.score < 100
    UNION ALL
    SELECT t.employee_id, p.unit_id, 2, t.local_date, t.cause, 'THRESHOLD', NULL, '', 100, 100
    FROM thresholds t JOIN people p ON p.employee_id = t.employee_id
    UNION ALL
    SELECT p.employee_id, p.unit_id, 3, NULL, '', 'TOTAL', NULL, sch.j->>'component', coalesce(s.pct, 0),
        CASE WHEN EXISTS (SELECT 1 FROM thresholds t WHERE t.employee_id = p.employee_id) THEN 100
        ELSE round(least((sch.j->>'cap')::numeric,
                         (sch.j->>'weight')::numeric * least(coalesce(s.pct, 0), 100) / 100
                         + coalesce((100 - sc.score) * (sch.j->>'score_weight')::numeric / 100, 0)),
                   (sch.j->>'rounding')::int)
        END
    FROM people p CROSS JOIN sch
    LEFT JOIN sums s ON s.employee_id = p.employee_id
    LEFT JOIN scores sc ON sc.employee_id = p.employee_id
)
SELECT {person_sql()},
    CASE l.part WHEN 1 THEN 'CUT' WHEN 2 THEN 'THRESHOLD' ELSE 'TOTAL' END AS line,
    l.local_date, l.cause, l.rule, l.leave_day, l.component,
    trim_scale(l.pct) AS pct, trim_scale(l.allowance_pct) AS allowance_pct
FROM lines l
JOIN su ON su.id = l.unit_id
JOIN org_employee e ON e.id = l.employee_id
ORDER BY su.code, e.nip, l.part, l.local_date, l.cause
"""


def number(value: str) -> decimal.Decimal | None:
    """A CSV cell as a number; None for NULL (an empty cell)."""
    return decimal.Decimal(value) if value else None


def above(value: str, limit: int = 0) -> bool:
    """SQL's `column > limit` on a CSV cell: NULL is never above anything."""
    return value != "" and decimal.Decimal(value) > limit


Row = Mapping[str, str]


@dataclass(frozen=True)
class ReportColumn:
    """One column of a kind's CSV: its stable English name (the CSV header, read by scripts), the
    label people see (pages, PDF, XLSX), and whether its cells are text (never read as numbers)."""

    name: str
    label: Any
    text: bool = False


def _columns(*items: ReportColumn | str) -> tuple[ReportColumn, ...]:
    """Columns by name from the shared labels below, or spelled out where a kind has its own."""
    return tuple(item if isinstance(item, ReportColumn) else COLUMN_LABELS[item] for item in items)


# Labels of the columns several kinds share (a kind's own columns are spelled out in its spec).
COLUMN_LABELS = {
    column.name: column
    for column in (
        ReportColumn("unit_code", _("Unit code"), text=True),
        ReportColumn("unit_name", _("Unit"), text=True),
        ReportColumn("nip", _("NIP"), text=True),
        ReportColumn("name", _("Name"), text=True),
        ReportColumn("working_days", _("Working days")),
        ReportColumn("present_days", _("Days present")),
        ReportColumn("tk", _("Absent without reason (TK)")),
        ReportColumn("leave_days", _("Leave days")),
        ReportColumn("official_duty_days", _("Official duty days")),
        ReportColumn("tk_days", _("Days absent without reason (TK)")),
        ReportColumn("late_days", _("Days late")),
        ReportColumn("avg_achievement_pct", _("Average achievement (%)")),
        ReportColumn("open_days", _("Days not yet closed")),
        # duties (docs/rules.md §8): empty for Monday–Friday employees
        ReportColumn("duties_rostered", _("Duties rostered")),
        ReportColumn("duties_worked", _("Duties worked")),
        ReportColumn("tk_duties", _("Duties missed (TK)")),
        ReportColumn("night_duties", _("Night duties")),
        ReportColumn("duty_hours", _("Hours on duties (credited)")),
        ReportColumn("office_hours_required", _("Hours required of an office colleague")),
        ReportColumn("hours_over_requirement", _("Hours over (+) or under (−) the requirement")),
        ReportColumn("holiday_duties", _("Duties worked on holidays")),
        ReportColumn("national_holiday_duties", _("Duties worked on national holidays (overtime)")),
        ReportColumn("swap_duties", _("Duties from swaps")),
        ReportColumn("unrostered_days", _("Days without a rostered duty")),
    )
}
PERSON = ("unit_code", "unit_name", "nip", "name")
# The duty columns of the compliance and payroll recaps, in the order of DUTY_COLUMNS.
DUTY = (
    "duties_rostered",
    "duties_worked",
    "tk_duties",
    "night_duties",
    "duty_hours",
    "office_hours_required",
    "hours_over_requirement",
    "holiday_duties",
    "national_holiday_duties",
    "swap_duties",
    "unrostered_days",
)
DUTY_SUMS = ("duties_rostered", "tk_duties", "holiday_duties", "national_holiday_duties", "unrostered_days")

# Parameters a kind accepts: name → cleaner(value or MISSING, agency) → the value stored on the run.
MISSING = object()


def _fwa_months(value, *, agency) -> int:
    if value is MISSING:
        from flexwork.org.selectors import policy_for

        value = policy_for(agency=agency).fwa_monitoring_months
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        message = str(_("The number of months must be a whole number from 1 to 12."))
        raise ApplicationError(message, code="invalid_parameters", fields={"parameters": [message]})
    return value


def _allowance_parameters(*, agency_id: int, start, end) -> dict:
    from allowances.schemes import sql_parameters

    return sql_parameters(agency_id=agency_id, start=start, end=end)


ALL_READERS = frozenset({org_scope.HR_ADMIN, org_scope.AGENCY_HEAD, org_scope.UNIT_HEAD})
AGENCY_READERS = frozenset({org_scope.HR_ADMIN, org_scope.AGENCY_HEAD})

# Source tables: (table, date column bounding it by the run's period, or None for the whole agency).
# A source row changed after the run finished means "data changed since" on the run's page.
ATTENDANCE = ("attendance_daystatus", "local_date")
SCHEDULE = ("schedules_scheduleday", "local_date")


@dataclass(frozen=True)
class KindSpec:
    """Everything about one report kind. `columns` are the SQL's output columns in order (a test
    keeps them in step); `sum_columns` are summed per unit for the unit summary (PDF, page);
    `exception_test` is the exception rows' condition, read on the CSV row (strings as COPY wrote
    them) in the same pass that writes the XLSX; `value_labels` translate a text column's codes for
    people (the CSV keeps the codes)."""

    kind: str
    sql: str
    roles: frozenset[str]
    sources: tuple[tuple[str, str | None], ...]
    columns: tuple[ReportColumn, ...]
    sum_columns: tuple[str, ...]
    exception_test: Callable[[Row], bool]
    exception_label: object = ""
    monthly: bool = False  # computed for the whole agency on the 1st of each month (last month)
    period_formats: tuple[str, ...] = ("month",)
    year_to_date: bool = False  # a month means January up to that month
    parameters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    employee_rows: bool = True
    value_labels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The kind's own SQL parameters, read when the run computes: (agency_id, start, end) → dict.
    sql_extra: Callable[..., dict] | None = None

    @property
    def label(self):
        return ReportKind(self.kind).label

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def text_columns(self) -> frozenset[str]:
        return frozenset(column.name for column in self.columns if column.text)

    def column_label(self, name: str):
        return next((column.label for column in self.columns if column.name == name), name)

    def value_label(self, column: str, value):
        return self.value_labels.get(column, {}).get(value, value)


# PP 94/2021 bands as shown to people (the CSV keeps the codes).
BAND_LABELS = {
    "TEGURAN_LISAN": _("Oral reprimand (3 days)"),
    "TEGURAN_TERTULIS": _("Written reprimand (4–6 days)"),
    "PERNYATAAN_TIDAK_PUAS": _("Written statement of dissatisfaction (7–10 days)"),
    # xgettext:no-python-format
    "TUKIN_CUT_6M": _("Allowance cut 25% for 6 months (11–13 days)"),
    # xgettext:no-python-format
    "TUKIN_CUT_9M": _("Allowance cut 25% for 9 months (14–16 days)"),
    # xgettext:no-python-format
    "TUKIN_CUT_12M": _("Allowance cut 25% for 12 months (17–20 days)"),
    "DEMOTION": _("Demotion one grade for 12 months (21–24 days)"),
    "PELAKSANA": _("Moved to an executor position (25–27 days)"),
    "DISMISSAL": _("Dismissal (28 days, or 10 consecutive days)"),
}

KINDS: dict[str, KindSpec] = {
    ReportKind.COMPLIANCE: KindSpec(
        kind=ReportKind.COMPLIANCE,
        sql=COMPLIANCE_SQL,
        roles=ALL_READERS,
        sources=(ATTENDANCE, SCHEDULE),
        monthly=True,
        columns=_columns(
            *PERSON,
            "working_days",
            ReportColumn("planned_office_days", _("Planned office days")),
            ReportColumn("planned_flexible_days", _("Planned flexible days")),
            ReportColumn("present_office_days", _("Present at the office")),
            ReportColumn("present_flexible_days", _("Present elsewhere (flexible)")),
            ReportColumn("flagged_days", _("Flagged days")),
            ReportColumn("on_time", _("On time")),
            ReportColumn("late", _("Late")),
            ReportColumn("early_leave", _("Left early")),
            ReportColumn("no_check_in", _("No check-in")),
            ReportColumn("no_check_out", _("No check-out")),
            "tk",
            "leave_days",
            "official_duty_days",
            ReportColumn("holidays", _("Holidays")),
            ReportColumn("required_hours", _("Hours required")),
            ReportColumn("credited_hours", _("Hours credited")),
            ReportColumn("worked_hours", _("Hours worked")),
            ReportColumn("weeks_below_requirement", _("Weeks below the requirement"), text=True),
            ReportColumn("missing_logs", _("Missing output logs")),
            ReportColumn("policy_overrides", _("Policy overrides")),
            "open_days",
            *DUTY,
        ),
        sum_columns=(
            "working_days",
            "planned_flexible_days",
            "present_flexible_days",
            "late",
            "early_leave",
            "no_check_out",
            "tk",
            "required_hours",
            "credited_hours",
            "missing_logs",
            "policy_overrides",
            "open_days",
            *DUTY_SUMS,
        ),  # fmt: skip
        exception_test=lambda r: above(r["tk"]) or r["weeks_below_requirement"] != "" or above(r["missing_logs"]),
        exception_label=_("Absent without reason, weeks below the requirement or missing output logs"),
    ),
    ReportKind.PAYROLL: KindSpec(
        kind=ReportKind.PAYROLL,
        sql=PAYROLL_SQL,
        roles=AGENCY_READERS,
        sources=(ATTENDANCE,),
        monthly=True,
        columns=_columns(
            *PERSON,
            "working_days",
            "present_days",
            ReportColumn("tl1", _("Late 1–30 min (TL1)")),
            ReportColumn("tl2", _("Late 31–60 min (TL2)")),
            ReportColumn("tl3", _("Late 61–90 min (TL3)")),
            ReportColumn("tl4", _("Late over 90 min (TL4)")),
            ReportColumn("hkd", _("No check-in (HKD)")),
            ReportColumn("psw1", _("Left 1–30 min early (PSW1)")),
            ReportColumn("psw2", _("Left 31–60 min early (PSW2)")),
            ReportColumn("psw3", _("Left 61–90 min early (PSW3)")),
            ReportColumn("psw4", _("Left over 90 min early (PSW4)")),
            ReportColumn("hkp", _("No check-out (HKP)")),
            "tk",
            "leave_days",
            ReportColumn("sick_days", _("Sick days")),
            ReportColumn("permission_days", _("Permission days")),
            "official_duty_days",
            "open_days",
            *DUTY,
        ),
        sum_columns=(
            "working_days",
            "present_days",
            "tl1",
            "tl2",
            "tl3",
            "tl4",
            "psw1",
            "psw2",
            "psw3",
            "psw4",
            "tk",
            "open_days",
            *DUTY_SUMS,
        ),  # fmt: skip
        exception_test=lambda r: above(r["tk"]) or above(r["tl4"]) or above(r["psw4"]),
        exception_label=_("Absent without reason, or late or early by more than 90 minutes"),
    ),
    ReportKind.DISCIPLINE: KindSpec(
        kind=ReportKind.DISCIPLINE,
        sql=DISCIPLINE_SQL,
        roles=AGENCY_READERS,
        sources=(ATTENDANCE,),
        columns=_columns(
            *PERSON,
            "tk_days",
            ReportColumn("longest_consecutive_tk", _("Longest run of TK days")),
            ReportColumn("band", _("Band (PP 94/2021)"), text=True),
            ReportColumn("late_early_minutes", _("Minutes late or early")),
            ReportColumn("lateness_days", _("Days from lateness")),
            ReportColumn("total_days", _("Days counted")),
        ),
        sum_columns=("tk_days", "lateness_days"),
        exception_test=lambda r: r["band"] != "",
        exception_label=_("Employees who reached a band of PP 94/2021 (the decision stays with the official)"),
        period_formats=("year", "month"),
        year_to_date=True,
        value_labels={"band": BAND_LABELS},
    ),
    ReportKind.PERFORMANCE: KindSpec(
        kind=ReportKind.PERFORMANCE,
        sql=PERFORMANCE_SQL,
        roles=ALL_READERS,
        sources=(("performance_realisation", None), ("performance_evaluation", "period_start")),
        columns=_columns(
            *PERSON,
            ReportColumn("indicator_id", _("Indicator number")),
            ReportColumn("indicator", _("Indicator"), text=True),
            ReportColumn("aspect", _("Aspect"), text=True),
            ReportColumn("direction", _("Direction"), text=True),
            ReportColumn("period_start", _("Period from"), text=True),
            ReportColumn("period_end", _("Period until"), text=True),
            ReportColumn("target_min", _("Target (lower)")),
            ReportColumn("target_max", _("Target (upper)")),
            ReportColumn("realisation", _("Realisation")),
            ReportColumn("achievement_pct", _("Achievement (%)")),
            ReportColumn("predikat", _("Rating (predikat)"), text=True),
        ),
        sum_columns=("realisation",),
        exception_test=lambda r: r["achievement_pct"] == "" or number(r["achievement_pct"]) < 80,
        # xgettext:no-python-format
        exception_label=_("Indicators below 80% or without a realisation"),
        period_formats=("month", "quarter", "semester", "year"),
    ),
    ReportKind.FWA_MONITORING: KindSpec(
        kind=ReportKind.FWA_MONITORING,
        sql=FWA_SQL,
        roles=ALL_READERS,
        # The windows reach before the asked period: every source counts for the whole agency.
        sources=(("attendance_daystatus", None), ("performance_realisation", None), ("reports_fwabaseline", None)),
        columns=_columns(
            "unit_code",
            "unit_name",
            ReportColumn("fwa_start_date", _("Flexible work since"), text=True),
            ReportColumn("window", _("Window (before/after)"), text=True),
            ReportColumn("date_from", _("From"), text=True),
            ReportColumn("date_to", _("Until"), text=True),
            ReportColumn("employees", _("Employees")),
            ReportColumn("days_due", _("Working days due")),
            "present_days",
            "tk_days",
            "late_days",
            ReportColumn("attendance_pct", _("Attendance (%)")),
            ReportColumn("hours_fulfilled_pct", _("Hours fulfilled (%)")),
            "avg_achievement_pct",
            ReportColumn("baseline_months", _("Months from imported baselines")),
        ),
        sum_columns=("present_days", "days_due", "tk_days", "late_days"),
        exception_test=lambda r: r["window"] == "after" and above(r["tk_days"]),
        exception_label=_("Units with absences without reason after flexible work began"),
        parameters={"months": _fwa_months},
        employee_rows=False,
    ),
    ReportKind.ALLOWANCE: KindSpec(
        kind=ReportKind.ALLOWANCE,
        sql=ALLOWANCE_SQL,
        roles=AGENCY_READERS,
        sources=(
            ATTENDANCE,
            ("attendance_leaverequest", None),
            ("allowances_allowancescheme", None),
            ("performance_realisation", None),
        ),
        monthly=True,
        columns=_columns(
            *PERSON,
            ReportColumn("line", _("Line"), text=True),
            ReportColumn("local_date", _("Date"), text=True),
            ReportColumn("cause", _("Cause"), text=True),
            ReportColumn("rule", _("Rule applied"), text=True),
            ReportColumn("leave_day", _("Working day of the leave")),
            ReportColumn("component", _("Component"), text=True),
            ReportColumn("pct", _("Cut of the component (%)")),
            ReportColumn("allowance_pct", _("Cut of the allowance (%)")),
        ),
        sum_columns=(),
        exception_test=lambda r: r["line"] == "THRESHOLD" or (r["line"] == "TOTAL" and above(r["allowance_pct"], 99)),
        exception_label=_("Whole allowance cut (a threshold, or cuts reaching the cap)"),
        value_labels=ALLOWANCE_LABELS,
        sql_extra=_allowance_parameters,
    ),
}
MONTHLY_KINDS = tuple(kind for kind, spec in KINDS.items() if spec.monthly)
# Who may open the reports pages at all: whoever may run some kind.
READER_ROLES = frozenset().union(*(spec.roles for spec in KINDS.values()))

CONSECUTIVE_TK_DISMISSAL = 10


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def iso_weeks_window(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday of the first and Sunday of the last ISO week whose Thursday falls in [start, end]."""
    first_thursday = start + datetime.timedelta(days=(3 - start.weekday()) % 7)
    last_thursday = end - datetime.timedelta(days=(end.weekday() - 3) % 7)
    return first_thursday - datetime.timedelta(days=3), last_thursday + datetime.timedelta(days=3)


def sql_params(*, kind: str, agency_id: int, scope_unit_id: int, start, end, parameters: dict, today=None) -> dict:
    week_start, week_end = iso_weeks_window(start, end)
    return {
        "agency": agency_id,
        "scope_unit": scope_unit_id,
        "start": start,
        "end": end,
        "week_start": week_start,
        "week_end": week_end,
        "months": int(parameters.get("months") or 3),
        "consecutive_dismissal": CONSECUTIVE_TK_DISMISSAL,
        "today": today or _agency_today(agency_id),
        "employee": None,
        **(KINDS[kind].sql_extra(agency_id=agency_id, start=start, end=end) if KINDS[kind].sql_extra else {}),
    }


def _agency_today(agency_id: int) -> datetime.date:
    """The office today of the agency (docs/rules.md §1): days from it on are not closed yet."""
    from flexwork.common.calendar import today_in
    from flexwork.org.models import Agency

    return today_in(Agency.objects.filter(id=agency_id).values_list("time_zone", flat=True).first())
