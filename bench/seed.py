"""A realistic agency for the benchmarks: `manage.py seed_bench --employees 60000 --days 22 --seed 1`.

What it builds, deterministically for a seed (one `random.Random(seed)` for the structure, consumed in a fixed
order, and PostgreSQL's `hashint8extended` of (seed, employee, day, draw) for the daily rows):
- an agency (`BENCH<seed>`, Asia/Jakarta) with its default policy, a unit tree 5 levels deep whose last
  directorate sits in Asia/Makassar (two office zones), offices with fences, three designated locations;
- positions (structural JPT/administrator/supervisor, FWA-eligible and ineligible executors and functionals),
  employees with users (unusable passwords), unit heads, supervisors (the head of the unit; heads report to the
  head of the parent unit), one HR admin;
- for one month (`--month`, default the previous one; its first `--days` working days): approved arrangements
  (HOME mostly, DESIGNATED, OTHER_OFFICE; flexible days up to the policy's weekly cap; some dynamic hours in the
  office) with their schedule days, pending requests for next month (approval queues), approved leave and
  official duty, check-ins and check-outs (late, early, missing, outside the fence, poor accuracy), the derived
  daily statuses (the same rules as attendance.status), daily output logs with verification, and SKPs with
  cascaded RHKs, indicators, the month's period plans and realisations;
- with `--months N` (default 1), the N − 1 months before it as history, through the same set-based paths:
  each month's approved arrangements (the same place and hours, that month's own dates) with their schedule
  days, that month's leave, check events, daily statuses and output logs (the SKPs and period plans are the
  benchmark month's only; output logs of a month in an earlier year link to no indicator);
- one personal API token per employee (hashed with flexwork.accounts.tokens.hash_key); the keys go to
  var/bench/tokens-<seed>.txt (one a line, employee order) and the personas to var/bench/agency-<seed>.json.
  Token keys are random (never derived from the seed): they are the only non-deterministic part.

How: Python decides the structure (units, employees, arrangements, leave) and loads it with COPY FROM STDIN
(psycopg2 copy_expert) from a background thread while it generates the next rows; ids are reserved as blocks
of the sequences. Every employee's parameters (unit, fences, plan days as a bit mask, leave, SKP slot) then go
to a temporary table, and the large tables are set-based SQL over employees × working days: SKPs, schedule
days, check events, daily statuses and output logs (`INSERT … SELECT`, the draws from `hashint8extended`, so
each row depends on its seed, employee and day only, never on the order of generation; a day without any
check is TK, as attendance.status computes it).
In the default fast mode the load runs with `SET LOCAL session_replication_role = replica`: triggers are
suspended for the transaction, i.e. the pghistory audit triggers (no audit rows for generated data) and the
foreign-key checks (the generator builds consistent references; `--checked` keeps every trigger and checks
every key at the end, as the tests do). The secondary indexes of the four largest tables, and their unique
constraints that no foreign key uses, are dropped and rebuilt after the load (primary keys stay). The check
events (half the volume) are written by a second connection in its own transaction, in parallel with the
rest: it commits right after the main transaction and rolls back with it on any error, so a failed load leaves
nothing behind. `--checked` writes everything in the one transaction.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import importlib
import io
import json
import queue
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from flexwork.accounts.tokens import KEY_PREFIX, PREFIX_LENGTH, hash_key

N = "\\N"
ZONES = {"Asia/Jakarta": ("+07", -6.175, 106.827), "Asia/Makassar": ("+08", -5.147, 119.432)}
TOTALS_TABLES = ("attendance_unitdaytotal", "attendance_worklogdaytotal")  # kept by triggers (attendance 0008, 0009)
BIG_TABLES = ("attendance_checkevent", "attendance_daystatus", "schedules_scheduleday", "attendance_worklog")
STRUCTURE_TABLES = ("org_unit", "org_employee", "accounts_user", "accounts_apitoken", "schedules_arrangementrequest",
                    "attendance_leaverequest", "performance_skp", "performance_rhk", "performance_indicator",
                    "performance_periodplan", "performance_realisation")  # fmt: skip
FIRST = ["Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lestari",
         "Made", "Nur", "Oktavia", "Putu", "Rina", "Siti", "Taufik", "Wahyu", "Yanti", "Zainal"]  # fmt: skip
LAST = ["Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Pratama", "Nugroho", "Siregar", "Nasution",
        "Harahap", "Kusuma", "Setiawan", "Rahman", "Gunawan", "Halim", "Tanjung"]  # fmt: skip


# code, name, type, FWA-eligible (all five task criteria), weight among staff
POSITIONS = [
    ("JPT", "Kepala Dinas / Kepala Bidang Utama", "JPT", False, 0),
    ("ADM", "Kepala Bidang", "ADMINISTRATOR", False, 0),
    ("PGW", "Kepala Seksi", "PENGAWAS", False, 0),
    ("PLK1", "Pengadministrasi Umum", "PELAKSANA", True, 22),
    ("PLK2", "Pengemudi", "PELAKSANA", False, 8),
    ("PLK3", "Pengolah Data", "PELAKSANA", True, 14),
    ("FNG1", "Pranata Komputer", "FUNGSIONAL", True, 12),
    ("FNG2", "Analis Kebijakan", "FUNGSIONAL", True, 14),
    ("FNG3", "Perawat", "FUNGSIONAL", False, 12),
    ("FNG4", "Arsiparis", "FUNGSIONAL", True, 8),
    ("FNG5", "Penyuluh Lapangan", "FUNGSIONAL", False, 10),
]
CRITERIA = ("task_outside_office", "task_no_special_equipment", "task_ict_feasible", "task_minimal_face_to_face",
            "task_no_continuous_supervision")  # fmt: skip
LEAVE_KINDS = [("CT", 55), ("SAKIT", 18), ("IZIN", 7), ("DINAS_LUAR", 15), ("CAP", 5)]
LEAVE_ABSENCE = {"CT": "C-CT", "SAKIT": "S", "IZIN": "I", "DINAS_LUAR": "DL", "CAP": "C-CAP"}
DYNAMIC_HOURS = [(390, 900), (420, 930), (480, 990), (540, 1050)]  # 06:30–15:00 … 09:00–17:30


def _t(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _ts(day: datetime.date, seconds: int, offset: str) -> str:
    """A local wall-clock instant (seconds since midnight) with its zone offset: PostgreSQL stores it in UTC."""
    return f"{day} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{offset}"


def working_days(year: int, month: int, limit: int) -> list[datetime.date]:
    """The month's first `limit` Monday–Friday dates (no holidays are seeded)."""
    days = [datetime.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    return [d for d in days if d.isoweekday() <= 5][:limit]


def previous_month(today: datetime.date) -> tuple[int, int]:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


SEEDED_BIRTH_START = datetime.date(1965, 1, 1)
IMPORT_BIRTH_START = datetime.date(1998, 1, 1)  # bench/import_60k.py's NIPs: born after every seeded one


def nip_for(i: int, seed: int) -> str:
    """18 digits, unique per (i, seed) for i < 12,000 × 15: birth date, start year+month, sex, sequence."""
    birth = SEEDED_BIRTH_START + datetime.timedelta(days=i % 12000)
    return f"{birth:%Y%m%d}{2000 + i // 12000:04d}{seed % 12 + 1:02d}{i % 2 + 1}{seed // 12 % 999 + 1:03d}"


@dataclass
class UnitRow:
    id: int
    code: str
    name: str
    level: int
    parent: UnitRow | None
    zone: str
    lat: float
    lon: float
    path: list[int] = field(default_factory=list)
    children: list[UnitRow] = field(default_factory=list)
    head: int | None = None  # employee index
    staff: int = 0

    @property
    def decision_root(self) -> UnitRow:
        unit = self
        while unit.level > 2:
            unit = unit.parent
        return unit


@dataclass
class Emp:
    i: int
    id: int
    user_id: int
    unit: UnitRow
    position: int  # index into POSITIONS
    is_head: bool
    supervisor: int | None = None  # employee index
    home: tuple[float, float] | None = None


class Loader:
    """COPY chunks on the one connection from a background thread while the caller generates the next."""

    CHUNK = 8 * 1024 * 1024

    def __init__(self, cursor):
        self.cursor = cursor
        self.buffers: dict[str, io.StringIO] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.counts: dict[str, int] = {}
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def table(self, name: str, columns: tuple[str, ...]) -> None:
        self.columns[name] = columns
        self.buffers[name] = io.StringIO()
        self.counts[name] = 0

    def row(self, name: str, values) -> None:
        buffer = self.buffers[name]
        buffer.write("\t".join(values))
        buffer.write("\n")
        self.counts[name] += 1
        if buffer.tell() > self.CHUNK:
            self.flush(name)

    def flush(self, name: str) -> None:
        buffer = self.buffers[name]
        if buffer.tell():
            if self.error:
                raise self.error
            self.queue.put((name, buffer.getvalue()))
            self.buffers[name] = io.StringIO()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error:
                continue
            name, data = item
            try:
                sql = f"COPY {name} ({', '.join(self.columns[name])}) FROM STDIN"
                self.cursor.copy_expert(sql, io.StringIO(data))
            except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
                self.error = exc

    def close(self) -> None:
        for name in list(self.buffers):
            self.flush(name)
        self.queue.put(None)
        self.thread.join()
        if self.error:
            raise self.error


def _reserve(cursor, table: str, count: int) -> range:
    """A block of `count` consecutive ids from the table's sequence (one round trip; the seed owns its database,
    so nothing else draws from the sequence meanwhile)."""
    if count == 0:
        return range(0)
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"nextval(pg_get_serial_sequence('{table}', 'id')) + %s - 1)",
        [count],
    )
    last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def _drop_secondary_indexes(cursor, tables) -> list[str]:
    """Drop the indexes of `tables` that back no constraint, and their unique constraints that no foreign key
    uses (building a unique index from the loaded rows costs less than checking every row on insert): return
    the statements that rebuild them after the load. Primary keys stay."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef, c.conrelid::regclass::text, c.condeferrable, c.condeferred
           FROM pg_indexes i LEFT JOIN pg_constraint c
             ON c.conname = i.indexname AND c.conrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.tablename))::regclass
           WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
             AND (c.oid IS NULL OR c.contype = 'u' AND NOT EXISTS (
                 SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
           ORDER BY i.tablename, i.indexname""",
        [list(tables)],
    )
    rebuild = []
    for name, definition, table, deferrable, deferred in cursor.fetchall():
        if table is None:
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
        else:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            timing = (" DEFERRABLE" if deferrable else "") + (" INITIALLY DEFERRED" if deferred else "")
            rebuild += [definition, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"{timing}']
    return rebuild


def _session(cursor, *, checked: bool) -> None:
    """This transaction's settings: the loader's memory, ISO text for timestamps, and (fast mode) no triggers."""
    cursor.execute("SET LOCAL work_mem = '1GB'")  # the employee × day rows stay in memory between the inserts
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")  # the rebuilt indexes sort in memory
    cursor.execute("SET LOCAL statement_timeout = 0")
    # the two connections lock disjoint tables; should that ever change, fail instead of waiting for each other
    cursor.execute("SET LOCAL lock_timeout = '60s'")
    cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
    if checked:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        cursor.execute("SET LOCAL session_replication_role = replica")


# The parameters of the set-based generation: one row per employee and one per working day.
PARAMS_DDL = """
DROP TABLE IF EXISTS pg_temp.seed_emp, pg_temp.seed_day;
CREATE TEMP TABLE seed_emp (
    m int, i int, k int, id bigint, user_id bigint, unit_id bigint, unit_code text, pos_id bigint, sup_id bigint,
    sup_user_id bigint, sup_k int, zshift interval, off text, of_lat int, of_lon int, pf_lat int, pf_lon int,
    pf_rad int, plan_loc text, plan_mask bigint, place_id bigint, other_id bigint, h0 int, h1 int, arr_id bigint,
    lv_abs text, lv_dl boolean, lv_from int, lv_to int
);
CREATE TEMP TABLE seed_day (m int, j int, g int, d date, mid timestamptz, st int, en int, bs int, bl int)
"""


def _load_params(cursor, emp_text: str, day_text: str) -> None:
    cursor.execute(PARAMS_DDL)
    cursor.copy_expert("COPY seed_emp FROM STDIN", io.StringIO(emp_text))
    cursor.copy_expert("COPY seed_day FROM STDIN", io.StringIO(day_text))
    cursor.execute("ANALYZE seed_emp, seed_day")


class Bulk:
    """The set-based SQL over seed_emp × seed_day (see `seed`). The draws are `hashint8extended(key, stream)`:
    key = employee index × 64 + day index (× 4 + entry for output logs), a stream per draw and seed."""

    def __init__(self, *, seed: int, agency_id: int, policy, ids: dict[str, int], year: int, mon: int, days: int):
        self.base = seed * 1024
        self.ndays = days
        self.aid = agency_id
        self.ids = ids
        self.year, self.mon = year, mon
        self.band = policy.lateness_band_minutes
        self.max_accuracy = policy.max_accuracy_m
        self.dyn0 = policy.dynamic_window_start.hour * 60 + policy.dynamic_window_start.minute
        self.dyn1 = policy.dynamic_window_end.hour * 60 + policy.dynamic_window_end.minute

    def u(self, stream: int, key: str) -> str:
        """A uniform draw in [0, 1) (53 bits of the 64-bit hash)."""
        return (
            f"(((hashint8extended({key}, {self.base + stream}) >> 11) & 9007199254740991)::float8 / 9007199254740992)"
        )

    NEEDS = {
        "c": {"slot", "emp", "unit_id", "sup_id", "off", "d", "mid", "loc", "flat", "lon", "rad", "in_s", "out_s",
              "in_acc", "in_dist", "out_acc", "out_dist"},
        "s": {"slot", "emp", "unit_id", "sup_id", "d", "mid", "bs", "bl", "loc", "dyn", "st", "en", "leave", "lv_abs",
              "lv_dl", "rad", "in_s", "out_s", "tk", "in_acc", "in_dist", "out_acc", "out_dist", "logs"},
        "w": {"k", "emp", "unit_id", "sup_id", "sup_user_id", "skp_k", "d", "mid", "loc", "en", "logs"},
    }  # fmt: skip

    def ed(self, needed: set[str], month: int | None = None) -> str:
        """Employee × working day, in day then employee order: the day's place, hours, fence, leave, the check
        times (seconds after local midnight, NULL when missing) with their accuracy and distance, and the number
        of output logs (NULL when none is due); only the `needed` columns are kept. The inserts write the rows in
        that order, as an agency does (a day's check-ins, statuses and output logs together): a day's rows then
        sit on a few thousand pages, not one page per employee (the HR dashboard's today panel reads today's
        check-ins: 59,000 pages read in employee order, 5,900 in day order)."""
        u = self.u
        key = "((e.m * 1000003 + e.i)::bigint * 64 + d.j)"  # month 0 (the benchmark's month): e.i × 64 + j

        def accuracy(draw: int, value: int) -> str:
            return (f"((CASE WHEN {u(draw, key)} < 0.01 THEN 1500 + floor({u(value, key)} * 2501)"
                    f" ELSE 50 + floor({u(value, key)} * 351) END) / 10)::float8")  # fmt: skip

        def distance(draw: int, value: int) -> str:
            return (f"(CASE WHEN {u(draw, key)} >= 0.01 AND {u(draw, key)} < 0.04 THEN p.rad + 20 + floor({u(value, key)} * 2981)"
                    f" ELSE floor({u(value, key)} * (p.rad * 4 / 5 + 1)) END)::int")  # fmt: skip

        columns = {
            "k": key, "slot": f"e.i * {self.ndays} + d.g", "emp": "e.id", "unit_id": "e.unit_id", "sup_id": "e.sup_id",
            "sup_user_id": "e.sup_user_id", "off": "e.off", "skp_k": "e.k", "d": "d.d", "mid": "d.mid - e.zshift",
            "bs": "d.bs", "bl": "d.bl", "loc": "p.loc", "dyn": "p.dyn", "st": "p.st", "en": "p.en", "leave": "p.leave",
            "lv_abs": "e.lv_abs", "lv_dl": "e.lv_dl", "flat": "p.flat", "lon": "(p.flon * 0.000001)::numeric(9, 6)",
            "rad": "p.rad", "in_s": "t.in_s", "out_s": "t.out_s", "tk": "t.tk",
            "in_acc": accuracy(9, 10), "in_dist": distance(9, 11), "out_acc": accuracy(12, 13),
            "out_dist": distance(12, 14),
            "logs": f"""CASE WHEN p.loc IN ('HOME', 'DESIGNATED', 'OTHER_OFFICE') AND NOT p.leave AND NOT t.tk THEN
                CASE WHEN {u(15, key)} < 0.08 THEN 0 WHEN {u(16, key)} < 2.0 / 3 THEN 1 ELSE 2 END END""",
        }  # fmt: skip
        select = ",\n           ".join(f"{expr} AS {name}" for name, expr in columns.items() if name in needed)
        return f"""ed AS MATERIALIZED (
    SELECT {select}
    FROM seed_emp e JOIN seed_day d ON d.m = e.m{"" if month is None else f" AND e.m = {month}"}
    CROSS JOIN LATERAL (SELECT (e.plan_mask >> d.j) & 1 = 1 AS sch) s
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.sch THEN e.plan_loc ELSE 'OFFICE' END AS loc,
        s.sch AND e.h0 IS NOT NULL AS dyn,
        CASE WHEN s.sch AND e.h0 IS NOT NULL THEN e.h0 ELSE d.st END AS st,
        CASE WHEN s.sch AND e.h0 IS NOT NULL THEN e.h1 ELSE d.en END AS en,
        coalesce(d.j BETWEEN e.lv_from AND e.lv_to, false) AS leave,
        CASE WHEN s.sch AND e.pf_rad IS NOT NULL THEN e.pf_lat ELSE e.of_lat END AS flat,
        CASE WHEN s.sch AND e.pf_rad IS NOT NULL THEN e.pf_lon ELSE e.of_lon END AS flon,
        CASE WHEN s.sch AND e.pf_rad IS NOT NULL THEN e.pf_rad ELSE 150 END AS rad,
        {u(1, key)} AS ua, {u(2, key)} AS ul, {u(3, key)} AS ub, {u(4, key)} AS um, {u(5, key)} AS us,
        {u(6, key)} AS uo, {u(7, key)} AS uom, {u(8, key)} AS uos
    ) p
    CROSS JOIN LATERAL (SELECT
        (CASE WHEN p.leave OR p.ua < 0.017 THEN NULL
              WHEN p.ul < 0.10 THEN (p.st - 1 + CASE WHEN p.ub < 0.60 THEN 1 + floor(p.um * 30)
                                                     WHEN p.ub < 0.85 THEN 31 + floor(p.um * 30)
                                                     WHEN p.ub < 0.95 THEN 61 + floor(p.um * 30)
                                                     ELSE 91 + floor(p.um * 60) END) * 60 + 1 + floor(p.us * 59)
              ELSE (p.st - 1 - floor(p.um * 40)) * 60 + floor(p.us * 60) END)::int AS in_s,
        (CASE WHEN p.leave OR p.ua < 0.012 OR p.uo < 0.015 THEN NULL
              WHEN p.uo < 0.075 THEN (p.en - 1 - floor(p.uom * 100)) * 60 + floor(p.uos * 60)
              ELSE (p.en + floor(p.uom * 46)) * 60 + floor(p.uos * 60) END)::int AS out_s,
        NOT p.leave AND (p.ua < 0.012 OR (p.ua < 0.017 AND p.uo < 0.015)) AS tk
    ) t
    ORDER BY d.g, e.i
)"""

    def _flags(self, acc: str, dist: str) -> str:
        """0 none, 1 outside the fence, 2 poor accuracy, 3 both."""
        return f"((({dist}) > ed.rad)::int + 2 * (({acc}) > {self.max_accuracy})::int)"

    def checkevent(self, first_id: int) -> str:
        """`first_id`: a block of 2 × employees × days ids (slot × 2, + 1 for the check-out). (Computing the
        instant, latitude and flags inside the VALUES rows instead is slower: PostgreSQL 15 prepares them anew
        for every employee-day.)"""
        flags = (
            "(CASE x.f WHEN 0 THEN '{}'::varchar(16)[] WHEN 1 THEN '{OUTSIDE_FENCE}'::varchar(16)[]"
            " WHEN 2 THEN '{POOR_ACCURACY}'::varchar(16)[] ELSE '{OUTSIDE_FENCE,POOR_ACCURACY}'::varchar(16)[] END)"
        )
        flags_json = """(ARRAY['[]', '["OUTSIDE_FENCE"]', '["POOR_ACCURACY"]', '["OUTSIDE_FENCE", "POOR_ACCURACY"]'])"""
        return f"""INSERT INTO attendance_checkevent (id, created_at, updated_at, agency_id, employee_id, kind, local_date, at, location,
        latitude, longitude, accuracy_m, distance_m, fence_radius_m, inside_fence, flags, flagged, attempts,
        attempt_count, ip, unit_id, supervisor_id)
    SELECT {first_id} + 2 * ed.slot + v.n, x.at, x.at, {self.aid}, ed.emp, v.kind, ed.d, x.at, ed.loc, x.lat, ed.lon, v.acc, v.dist, ed.rad,
           v.dist <= ed.rad, {flags}, x.f > 0,
           ('[{{"at": "' || (ed.d + v.secs * interval '1 second') || ed.off || '", "flags": ' || {flags_json}[x.f + 1]
            || ', "latitude": ' || x.lat || ', "longitude": ' || ed.lon || ', "accuracy_m": ' || v.acc
            || ', "distance_m": ' || v.dist || ', "inside_fence": ' || (v.dist <= ed.rad) || '}}]')::jsonb,
           1, NULL, ed.unit_id, ed.sup_id
    FROM ed
    CROSS JOIN LATERAL (VALUES (0, 'IN', ed.in_s, ed.in_acc, ed.in_dist),
                               (1, 'OUT', ed.out_s, ed.out_acc, ed.out_dist)) v(n, kind, secs, acc, dist)
    CROSS JOIN LATERAL (SELECT ed.mid + v.secs * interval '1 second' AS at,
        ((ed.flat + round(v.dist * 8.983111749910169)::int) * 0.000001)::numeric(9, 6) AS lat,
        {self._flags("v.acc", "v.dist")} AS f) x
    WHERE v.secs IS NOT NULL"""

    def daystatus(self) -> str:
        band = self.band
        flagged = (f"(ed.in_s IS NOT NULL AND {self._flags('ed.in_acc', 'ed.in_dist')} > 0"
                   f" OR ed.out_s IS NOT NULL AND {self._flags('ed.out_acc', 'ed.out_dist')} > 0)")  # fmt: skip
        return f"""INSERT INTO attendance_daystatus (id, created_at, updated_at, agency_id, employee_id, local_date, location,
        is_working_day, is_ramadan, is_dynamic, scheduled_start, scheduled_end, check_in_at, check_out_at, arrival,
        lateness_minutes, departure, early_minutes, absence, worked_minutes, required_minutes, credited_minutes,
        flagged, corrected, missing_log, unit_id, supervisor_id, computed_at)
    SELECT {self.ids["daystatus"]} + ed.slot, x.created, x.created, {self.aid}, ed.emp, ed.d,
           CASE WHEN ed.leave AND ed.lv_dl THEN 'OFFICIAL_DUTY' ELSE ed.loc END, true, false, ed.dyn,
           time '00:00' + ed.st * interval '1 minute', time '00:00' + ed.en * interval '1 minute',
           ed.mid + ed.in_s * interval '1 second', ed.mid + ed.out_s * interval '1 second',
           CASE WHEN ed.leave OR ed.tk THEN NULL WHEN ed.in_s IS NULL THEN 'HKD'
                WHEN x.late > 0 THEN (ARRAY['TL1', 'TL2', 'TL3', 'TL4'])[least(3, (x.late - 1) / {band}) + 1]
                ELSE 'H' END,
           greatest(0, coalesce(x.late, 0)),
           CASE WHEN ed.leave OR ed.tk THEN NULL WHEN ed.out_s IS NULL THEN 'HKP'
                WHEN x.early > 0 THEN (ARRAY['PSW1', 'PSW2', 'PSW3', 'PSW4'])[least(3, (x.early - 1) / {band}) + 1]
                ELSE 'ON_TIME' END,
           greatest(0, coalesce(x.early, 0)),
           CASE WHEN ed.leave THEN ed.lv_abs WHEN ed.tk THEN 'TK' END,
           coalesce(w.worked, 0), x.required, CASE WHEN ed.leave THEN x.required ELSE coalesce(w.worked, 0) END,
           {flagged}, false, coalesce(ed.logs = 0, false), ed.unit_id, ed.sup_id, x.created
    FROM ed
    CROSS JOIN LATERAL (SELECT
        ed.mid + interval '5 hours' AS created,
        floor(ed.in_s::float8 / 60 - ed.st)::int AS late,
        floor(ed.en - ed.out_s::float8 / 60)::int AS early,
        ed.en - ed.st - greatest(0, least(ed.en, ed.bs + ed.bl) - greatest(ed.st, ed.bs)) AS required,
        greatest(ed.in_s::float8 / 60, CASE WHEN ed.dyn THEN {self.dyn0} ELSE ed.st END) AS b0,
        least(ed.out_s::float8 / 60, CASE WHEN ed.dyn THEN {self.dyn1} ELSE ed.en END) AS b1) x
    CROSS JOIN LATERAL (SELECT CASE WHEN ed.in_s IS NOT NULL AND ed.out_s IS NOT NULL AND x.b1 > x.b0 THEN
        trunc(x.b1 - x.b0 - greatest(0, least(x.b1, ed.bs + ed.bl) - greatest(x.b0, ed.bs)))::int ELSE 0 END AS worked) w"""

    def worklog(self) -> str:
        key = "(ed.k * 4 + n.n)"
        u = self.u
        return f"""INSERT INTO attendance_worklog (created_at, updated_at, agency_id, employee_id, local_date, location,
        description, quantity, unit_of_measure, minutes_spent, link, indicator_id, verification, verification_note,
        verified_by_id, verified_at, unit_id, supervisor_id)
    SELECT x.written, x.written, {self.aid}, ed.emp, ed.d, ed.loc, 'Menyusun laporan bagian ' || (n.n + 1),
           1 + floor({u(20, key)} * 5), 'dokumen', 60 + floor({u(21, key)} * 181), '',
           CASE WHEN ed.skp_k IS NOT NULL AND ed.d >= '{self.year}-01-01' AND {u(22, key)} < 0.5 THEN {self.ids["indicator"]} + 2 * ed.skp_k + n.n % 2 END,
           x.verdict, '', CASE WHEN x.verdict IS NOT NULL THEN ed.sup_user_id END,
           CASE WHEN x.verdict IS NOT NULL THEN ed.mid + interval '20 hours' END, ed.unit_id, ed.sup_id
    FROM ed CROSS JOIN LATERAL generate_series(0, ed.logs - 1) n(n)
    CROSS JOIN LATERAL (SELECT ed.mid + (ed.en - 30 + n.n) * interval '1 minute' AS written,
        CASE WHEN {u(23, key)} < 0.7 THEN 'SESUAI' WHEN {u(23, key)} < 0.8 THEN 'KURANG' END AS verdict) x
    WHERE ed.logs > 0"""

    TABLES = {"c": "attendance_checkevent", "s": "attendance_daystatus", "w": "attendance_worklog"}

    def statement(
        self, main: str, others: tuple[str, ...] = (), *, check_ids: int | None = None, month: int | None = None
    ) -> str:
        """One statement: the employee × day rows once, then the insert into `main` ("c" check events, "s" daily
        statuses, "w" output logs; its count is the statement's row count) and into each of `others`."""
        builders = {
            "c": lambda: self.checkevent(self.ids["checkevent"] if check_ids is None else check_ids),
            "s": self.daystatus,
            "w": self.worklog,
        }
        needed = set().union(*(self.NEEDS[p] for p in (main, *others)))
        ctes = [self.ed(needed, month), *(f"{p} AS (\n{builders[p]()}\n)" for p in others)]
        return "WITH " + ",\n".join(ctes) + "\n" + builders[main]()

    def scheduleday(self, decided: str) -> str:
        return f"""INSERT INTO schedules_scheduleday (created_at, updated_at, agency_id, employee_id, local_date,
        location, other_office_unit_id, designated_location_id, planned_start, planned_end, source, arrangement_id,
        unit_id, supervisor_id)
    SELECT '{decided}', '{decided}', {self.aid}, e.id, d.d, e.plan_loc, e.other_id, e.place_id,
           time '00:00' + e.h0 * interval '1 minute', time '00:00' + e.h1 * interval '1 minute', 'INDIVIDUAL',
           e.arr_id, e.unit_id, e.sup_id
    FROM seed_emp e JOIN seed_day d ON d.m = e.m AND (e.plan_mask >> d.j) & 1 = 1
    ORDER BY e.m, e.i, d.j"""

    def skp(self, at: str, realised: str) -> list[tuple[str, str]]:
        """(table, INSERT) for the SKPs of every employee with a supervisor (slot k): two RHKs each (the first
        cascaded from the supervisor's first), an indicator, the month's period plan and mostly a realisation."""
        ids, u, aid = self.ids, self.u, self.aid
        y0, y1 = f"{self.year}-01-01", f"{self.year}-12-31"
        m0 = f"{self.year}-{self.mon:02d}-01"
        m1 = f"{self.year}-{self.mon:02d}-{calendar.monthrange(self.year, self.mon)[1]}"
        key = "(e.i::bigint * 64 + 63)"
        slots = "FROM seed_emp e CROSS JOIN generate_series(0, 1) r WHERE e.k IS NOT NULL AND e.m = 0 ORDER BY e.k, r"
        lo = f"(4 + floor({u(100, key + ' * 2 + r')} * 16))::int"
        return [
            (
                "performance_skp",
                f"""INSERT INTO performance_skp (id, created_at, updated_at, agency_id, employee_id,
                position_id, year, period_start, period_end, approach, status, status_note, assessor_id, approved_at,
                created_by_id)
            SELECT {ids["skp"]} + e.k, '{at}', '{at}', {aid}, e.id, e.pos_id, {self.year}, '{y0}', '{y1}',
                   'QUANTITATIVE', 'APPROVED', '', e.sup_id, '{at}', e.user_id
            FROM seed_emp e WHERE e.k IS NOT NULL AND e.m = 0 ORDER BY e.k""",
            ),
            (
                "performance_rhk",
                f"""INSERT INTO performance_rhk (id, created_at, updated_at, agency_id, skp_id, kind,
                description, cascaded_from_id)
            SELECT {ids["rhk"]} + 2 * e.k + r, '{at}', '{at}', {aid}, {ids["skp"]} + e.k, 'MAIN',
                   'Hasil kerja ' || (r + 1) || ' ' || e.unit_code,
                   CASE WHEN r = 0 AND e.sup_k IS NOT NULL THEN {ids["rhk"]} + 2 * e.sup_k END
            {slots}""",
            ),
            (
                "performance_indicator",
                f"""INSERT INTO performance_indicator (id, created_at, updated_at, agency_id,
                rhk_id, aspect, description, target_min, target_max, unit, direction, spread)
            SELECT {ids["indicator"]} + 2 * e.k + r, '{at}', '{at}', {aid}, {ids["rhk"]} + 2 * e.k + r, 'QUANTITY',
                   'Jumlah dokumen ' || (r + 1), {lo}, {lo} + 4, 'dokumen', 'HIGHER', 'EVEN'
            {slots}""",
            ),
            (
                "performance_periodplan",
                f"""INSERT INTO performance_periodplan (id, created_at, updated_at, agency_id,
                indicator_id, number, period_start, period_end, target_min, target_max, action_plan)
            SELECT {ids["plan"]} + 2 * e.k + r, '{at}', '{at}', {aid}, {ids["indicator"]} + 2 * e.k + r, {self.mon},
                   '{m0}', '{m1}', round({lo} / 12.0, 2), round(({lo} + 4) / 12.0, 2), ''
            {slots}""",
            ),
            (
                "performance_realisation",
                f"""INSERT INTO performance_realisation (created_at, updated_at, agency_id,
                period_plan_id, indicator_id, value, note, entered_by_id)
            SELECT '{realised}', '{realised}', {aid}, {ids["plan"]} + 2 * e.k + r, {ids["indicator"]} + 2 * e.k + r,
                   round(({u(102, key + " * 2 + r")} * 3)::numeric, 2), '', e.user_id
            FROM seed_emp e CROSS JOIN generate_series(0, 1) r
            WHERE e.k IS NOT NULL AND e.m = 0 AND {u(101, key + " * 2 + r")} < 0.75 ORDER BY e.k, r""",
            ),
        ]


class SideLoad(threading.Thread):
    """The check events on a second connection, in its own transaction, while the main one loads the rest:
    `finish` waits for it (re-raising its error), `commit` makes it visible, `abort` rolls it back."""

    def __init__(
        self, *, checked: bool, emp_text: str, day_text: str, bulk: Bulk, slots: int, t0: float, months: int = 1
    ):
        import psycopg2

        super().__init__(daemon=True)
        self.conn = psycopg2.connect(**connection.get_connection_params())
        self.checked, self.emp_text, self.day_text, self.bulk, self.slots = checked, emp_text, day_text, bulk, slots
        self.months = months
        self.t0 = t0  # the seed's start (perf_counter): the timings are since then
        self.count = 0
        self.error: BaseException | None = None
        self.seconds: dict[str, float] = {}

    def run(self) -> None:
        try:
            self.seconds["started"] = time.perf_counter() - self.t0
            with self.conn.cursor() as cursor:
                _session(cursor, checked=self.checked)
                _load_params(cursor, self.emp_text, self.day_text)
                first = _reserve(cursor, "attendance_checkevent", 2 * self.slots).start
                rebuild = _drop_secondary_indexes(cursor, ["attendance_checkevent"])
                for m in range(self.months):
                    cursor.execute(self.bulk.statement("c", check_ids=first, month=m))
                    self.count += cursor.rowcount
                self.seconds["generated"] = time.perf_counter() - self.t0
                for definition in rebuild:
                    cursor.execute(definition)
                self.seconds["indexes rebuilt"] = time.perf_counter() - self.t0
                cursor.execute("ANALYZE attendance_checkevent")
                cursor.execute("DROP TABLE pg_temp.seed_emp, pg_temp.seed_day")
                self.seconds["analyzed"] = time.perf_counter() - self.t0
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread by finish)
            self.error = exc

    def finish(self) -> int:
        self.join()
        if self.error:
            raise self.error
        return self.count

    def commit(self) -> None:
        self.conn.commit()
        self.conn.close()

    def abort(self) -> None:
        if self.is_alive():
            self.conn.cancel()
            self.join()
        try:
            self.conn.rollback()
        finally:
            self.conn.close()


@dataclass
class SeedResult:
    agency_id: int
    seconds: float
    counts: dict[str, int]
    tokens_path: str
    personas_path: str
    personas: dict


class SideLoads:
    """Around the main transaction: the side loads commit right after it and roll back with it."""

    def __init__(self):
        self.loads: list[SideLoad] = []

    def start(self, load: SideLoad) -> SideLoad:
        self.loads.append(load)
        load.start()
        return load

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        for load in self.loads:
            if exc_type is None:
                load.commit()
            else:
                load.abort()
        return False


def seed(
    *,
    employees: int = 60_000,
    days: int = 22,
    seed: int = 1,
    month: tuple[int, int] | None = None,
    checked: bool = False,
    parallel: bool | None = None,
    out_dir: Path | None = None,
    log=print,
    months: int = 1,
) -> SeedResult:
    """`parallel` (default: not `checked`) writes the check events from a second connection (see above)."""
    if employees < 100:
        raise ValueError("at least 100 employees")
    if parallel is None:
        parallel = not checked
    if parallel and checked:
        raise ValueError("--checked loads in one transaction: no second connection")
    from flexwork.org import services as org_services
    from flexwork.org.models import Agency, DesignatedLocation, Position, RoleAssignment
    from flexwork.org.selectors import policy_for

    started = time.perf_counter()
    rng = random.Random(seed)
    year, mon = month or previous_month(datetime.date.today())  # noqa: DTZ011, TID251 (a calendar month, any zone)
    month_days = working_days(year, mon, days)
    if months < 1:
        raise ValueError("at least one month")
    # History (`months` > 1): the months before the benchmark's month, newest first, their first `days` working
    # days each; month index 0 is the benchmark's month, 1 the month before it, and so on.
    history: list[list[datetime.date]] = []
    hy, hm = year, mon
    for _ in range(months - 1):
        hy, hm = (hy - 1, 12) if hm == 1 else (hy, hm - 1)
        history.append(working_days(hy, hm, days))
    all_months = [month_days, *history]
    total_days = sum(len(m) for m in all_months)
    next_year, next_mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    next_days = working_days(next_year, next_mon, 10)
    code = f"BENCH{seed}"
    out_dir = out_dir or Path(settings.BASE_DIR) / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    month_start = datetime.date(year, mon, 1)
    stamp = _ts(month_start, 0, "+07")
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = time.perf_counter() - started

    with SideLoads() as sides, transaction.atomic():
        if Agency.objects.filter(code=code).exists():
            raise ValueError(f"agency {code} exists already: seed a fresh database (make bench does)")
        agency = org_services.agency_create(
            code=code, name=f"Dinas Bench {seed}", time_zone="Asia/Jakarta", mfa_required_for_hr=False
        )
        policy = policy_for(agency=agency)
        cap = policy.max_location_days_per_week
        positions = Position.objects.bulk_create(
            [
                Position(
                    agency=agency,
                    code=pcode,
                    name=name,
                    type=ptype,
                    is_fwa_eligible=eligible,
                    **{c: eligible or (c != "task_minimal_face_to_face") for c in CRITERIA},
                )
                for pcode, name, ptype, eligible, _w in POSITIONS
            ]
        )
        places = DesignatedLocation.objects.bulk_create(
            [
                DesignatedLocation(agency=agency, name=f"Co-working {n}", latitude=lat, longitude=lon, radius_m=150)
                for n, lat, lon in (
                    (1, "-6.200000", "106.816666"),
                    (2, "-6.914744", "107.609810"),
                    (3, "-5.135399", "119.423790"),
                )  # fmt: skip
            ]
        )
        cursor = connection.cursor()
        raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
        _session(cursor, checked=checked)
        if not checked:
            log("audit and foreign-key triggers suspended for this load (session_replication_role = replica)")
        # ------------------------------------------------------------------ unit tree
        if employees >= 20_000:
            shape = (6, 4, 4)
        elif employees >= 2_000:
            shape = (4, 4, 2)
        else:
            shape = (2, 2, 2)
        n_units = 1 + shape[0] + shape[0] * shape[1] + shape[0] * shape[1] * shape[2]
        n_units += 2 * (shape[0] * shape[1] * shape[2] // 2)
        unit_ids = iter(_reserve(cursor, "org_unit", n_units))
        units: list[UnitRow] = []

        def add_unit(parent: UnitRow | None, code: str, name: str, zone: str) -> UnitRow:
            _o, lat, lon = ZONES[zone]
            unit = UnitRow(
                next(unit_ids), code, name, parent.level + 1 if parent else 1, parent, zone,
                round(lat + rng.uniform(-0.08, 0.08), 6), round(lon + rng.uniform(-0.08, 0.08), 6),
            )  # fmt: skip
            unit.path = [*(parent.path if parent else []), unit.id]
            if parent:
                parent.children.append(unit)
            units.append(unit)
            return unit

        root = add_unit(None, "U", "Dinas Bench", "Asia/Jakarta")
        for a in range(shape[0]):
            zone = "Asia/Makassar" if a == shape[0] - 1 else "Asia/Jakarta"
            u2 = add_unit(root, f"U{a + 1}", f"Direktorat {a + 1}", zone)
            for b in range(shape[1]):
                u3 = add_unit(u2, f"{u2.code}.{b + 1}", f"Bidang {a + 1}.{b + 1}", zone)
                for c in range(shape[2]):
                    u4 = add_unit(u3, f"{u3.code}.{c + 1}", f"Seksi {a + 1}.{b + 1}.{c + 1}", zone)
                    if c % 2 == 0:
                        for d in range(2):
                            add_unit(u4, f"{u4.code}.{d + 1}", f"Subseksi {u4.code[1:]}.{d + 1}", zone)
        leaves = [u for u in units if not u.children]
        big = leaves[0]
        # Every unit has a head; inner units a few staff; the first leaf is the 500-person unit.
        for unit in units:
            unit.staff = 1
        inner_staff = max(1, employees // 2000)
        for unit in units:
            if unit.children:
                unit.staff += inner_staff
        big.staff = min(500, max(10, employees // 10))
        rest = employees - sum(u.staff for u in units)
        if rest < len(leaves) - 1:
            raise ValueError("too few employees for the unit tree")
        others = leaves[1:]
        weights = [rng.uniform(0.6, 1.4) for _ in others]
        total_w = sum(weights)
        shares = [int(rest * w / total_w) for w in weights]
        shares[0] += rest - sum(shares)
        for unit, share in zip(others, shares, strict=True):
            unit.staff += share

        # ------------------------------------------------------------------ employees
        emp_ids = _reserve(cursor, "org_employee", employees)
        user_ids = _reserve(cursor, "accounts_user", employees)
        staff_weights = [w for *_x, w in POSITIONS]
        emps: list[Emp] = []
        for unit in units:  # breadth-first: a parent's head exists before its children's
            for k in range(unit.staff):
                i = len(emps)
                if k == 0:
                    pos = 0 if unit.level <= 2 else (1 if unit.level == 3 else 2)
                else:
                    pos = rng.choices(range(len(POSITIONS)), weights=staff_weights)[0]
                emp = Emp(i, emp_ids[i], user_ids[i], unit, pos, k == 0)
                if k == 0:
                    unit.head = i
                    emp.supervisor = unit.parent.head if unit.parent else None
                else:
                    emp.supervisor = unit.head
                if POSITIONS[pos][3]:
                    _o, lat, lon = ZONES[unit.zone]
                    emp.home = (round(lat + rng.uniform(-0.2, 0.2), 6), round(lon + rng.uniform(-0.2, 0.2), 6))
                emps.append(emp)
        hr = emps[1]  # the root's first staff member

        # ------------------------------------------------------------------ arrangements and leave (decide first)
        weeks: dict[tuple[int, int], list[datetime.date]] = {}
        for day in month_days:
            weeks.setdefault(day.isocalendar()[:2], []).append(day)
        next_weeks: dict[tuple[int, int], list[datetime.date]] = {}
        for day in next_days:
            next_weeks.setdefault(day.isocalendar()[:2], []).append(day)

        def approvers(e: Emp) -> tuple[int | None, int | None]:
            """(recommender, decider) as employee indexes: the decider heads the nearest decision-level unit
            that the employee does not head; the supervisor recommends unless they decide."""
            unit = e.unit.decision_root
            decider = unit.head
            if decider == e.i:
                decider = root.head if unit is not root else None
            recommender = e.supervisor if e.supervisor not in (None, decider) else None
            return recommender, decider

        plans: dict[int, tuple] = {}  # employee index → (location, place, other unit, hours, dates)
        pending: list[tuple] = []
        leaves_by_emp: dict[int, tuple] = {}
        for e in emps:
            if POSITIONS[e.position][3] and not e.is_head:
                draw = rng.random()
                if draw < 0.08:
                    hours = rng.choice(DYNAMIC_HOURS)
                    plans[e.i] = ("OFFICE", None, None, hours, list(month_days))
                elif draw < 0.60:
                    loc = rng.choices(("HOME", "DESIGNATED", "OTHER_OFFICE"), weights=(85, 10, 5))[0]
                    if loc == "OTHER_OFFICE" and e.unit.parent is None:
                        loc = "HOME"  # the root unit's staff have no parent office to work from
                    chosen = []
                    for wdays in weeks.values():
                        k = min(cap, rng.choice((1, 2, 2)), len(wdays))
                        chosen += sorted(rng.sample(wdays, k))
                    place = rng.randrange(len(places)) if loc == "DESIGNATED" else None
                    other = e.unit.parent if loc == "OTHER_OFFICE" else None
                    plans[e.i] = (loc, place, other, None, chosen)
                if rng.random() < 0.06:
                    dates = []
                    for wdays in next_weeks.values():
                        dates += sorted(rng.sample(wdays, min(cap, len(wdays), 2)))
                    pending.append((e.i, dates, rng.random() < 0.4))
            if rng.random() < 0.04:
                kind = rng.choices([k for k, _w in LEAVE_KINDS], weights=[w for _k, w in LEAVE_KINDS])[0]
                first = rng.randrange(len(month_days))
                length = rng.choice((1, 1, 2, 3, 5))
                leaves_by_emp[e.i] = (kind, month_days[first], month_days[min(len(month_days) - 1, first + length - 1)])

        # The history months: the same arrangements (place, hours) with each month's own dates, and each
        # month's own leave, drawn from a generator of their own (the benchmark's month stays as without them).
        hist_plans: list[dict[int, list[datetime.date]]] = []
        hist_leaves: list[dict[int, tuple]] = []
        for mdays in history:
            hrng = random.Random(f"{seed}:{mdays[0]:%Y-%m}")
            mweeks: dict[tuple[int, int], list[datetime.date]] = {}
            for day in mdays:
                mweeks.setdefault(day.isocalendar()[:2], []).append(day)
            chosen_by: dict[int, list[datetime.date]] = {}
            for i, (_loc, _place, _other, hours, _dates) in plans.items():
                if hours:
                    chosen_by[i] = list(mdays)
                    continue
                chosen = []
                for wdays in mweeks.values():
                    chosen += sorted(hrng.sample(wdays, min(cap, hrng.choice((1, 2, 2)), len(wdays))))
                chosen_by[i] = chosen
            hist_plans.append(chosen_by)
            mleaves: dict[int, tuple] = {}
            for e in emps:
                if hrng.random() < 0.04:
                    kind = hrng.choices([k for k, _w in LEAVE_KINDS], weights=[w for _k, w in LEAVE_KINDS])[0]
                    first = hrng.randrange(len(mdays))
                    length = hrng.choice((1, 1, 2, 3, 5))
                    mleaves[e.i] = (kind, mdays[first], mdays[min(len(mdays) - 1, first + length - 1)])
            hist_leaves.append(mleaves)

        # ------------------------------------------------------------------ ids and the parameters of the daily rows
        mark("structure decided")
        arr_ids = iter(_reserve(cursor, "schedules_arrangementrequest",
                                len(plans) + len(pending) + sum(len(p) for p in hist_plans)))  # fmt: skip
        arrangement_of = {i: next(arr_ids) for i in plans}
        hist_arrangement_of = [{i: next(arr_ids) for i in p} for p in hist_plans]
        leave_ids = iter(_reserve(cursor, "attendance_leaverequest",
                                  len(leaves_by_emp) + sum(len(p) for p in hist_leaves)))  # fmt: skip
        skp_owners = [e for e in emps if e.supervisor is not None]
        slot = {e.i: k for k, e in enumerate(skp_owners)}
        ids = {
            "skp": _reserve(cursor, "performance_skp", len(skp_owners)).start,
            "rhk": _reserve(cursor, "performance_rhk", 2 * len(skp_owners)).start,
            "indicator": _reserve(cursor, "performance_indicator", 2 * len(skp_owners)).start,
            "plan": _reserve(cursor, "performance_periodplan", 2 * len(skp_owners)).start,
            "daystatus": _reserve(cursor, "attendance_daystatus", len(emps) * total_days).start,
        }
        if not parallel:  # (else the second connection takes its block: it owns the table)
            ids["checkevent"] = _reserve(cursor, "attendance_checkevent", 2 * len(emps) * total_days).start

        pos_ids = [p.id for p in positions]

        def micro(value) -> str:
            return str(round(float(value) * 1_000_000))

        day_index = {day: j for mdays in all_months for j, day in enumerate(mdays)}  # the index in its month
        day_lines = []
        g = 0
        for m, mdays in enumerate(all_months):
            for j, day in enumerate(mdays):
                friday = day.isoweekday() == 5
                start = policy.fri_start if friday else policy.mon_thu_start
                end = policy.fri_end if friday else policy.mon_thu_end
                brk = policy.fri_break_minutes if friday else policy.mon_thu_break_minutes
                day_lines.append(f"{m}\t{j}\t{g}\t{day}\t{day} 00:00:00+07\t{start.hour * 60 + start.minute}\t"
                                 f"{end.hour * 60 + end.minute}\t{690 if friday else 720}\t{brk}\n")  # fmt: skip
                g += 1
        emp_lines = []
        for m, e in ((m, e) for m in range(len(all_months)) for e in emps):
            plan = plans.get(e.i)
            loc = mask = place_id = other_id = h0 = h1 = arr = N
            fence = (N, N, N)
            if plan:
                loc, place, other, hours, dates = plan
                if m:
                    dates = hist_plans[m - 1][e.i]
                mask = str(sum(1 << day_index[d] for d in dates))
                arr = str(arrangement_of[e.i] if m == 0 else hist_arrangement_of[m - 1][e.i])
                if loc == "HOME":
                    fence = (micro(e.home[0]), micro(e.home[1]), "100")
                elif loc == "DESIGNATED":
                    fence = (micro(places[place].latitude), micro(places[place].longitude), "150")
                    place_id = str(places[place].id)
                elif loc == "OTHER_OFFICE":
                    fence = (micro(other.lat), micro(other.lon), "150")
                    other_id = str(other.id)
                if hours:
                    h0, h1 = str(hours[0]), str(hours[1])
            leave = leaves_by_emp.get(e.i) if m == 0 else hist_leaves[m - 1].get(e.i)
            lv = (LEAVE_ABSENCE[leave[0]], "t" if leave[0] == "DINAS_LUAR" else "f", str(day_index[leave[1]]),
                  str(day_index[leave[2]])) if leave else (N, N, N, N)  # fmt: skip
            sup = emps[e.supervisor] if e.supervisor is not None else None
            k, sup_k = slot.get(e.i), slot.get(e.supervisor) if sup else None
            offset = ZONES[e.unit.zone][0]
            emp_lines.append("\t".join((
                str(m), str(e.i), str(k) if k is not None else N, str(e.id), str(e.user_id), str(e.unit.id), e.unit.code,
                str(pos_ids[e.position]), str(sup.id) if sup else N, str(sup.user_id) if sup else N,
                str(sup_k) if sup_k is not None else N, "01:00:00" if offset == "+08" else "00:00:00", offset,
                micro(e.unit.lat), micro(e.unit.lon), *fence, loc, mask, place_id, other_id, h0, h1, arr, *lv,
            )) + "\n")  # fmt: skip
        emp_text, day_text = "".join(emp_lines), "".join(day_lines)
        bulk = Bulk(seed=seed, agency_id=agency.id, policy=policy, ids=ids, year=year, mon=mon, days=total_days)
        side = None
        if parallel:  # the check events start now, on their own connection, while this one loads the rest
            side = sides.start(SideLoad(checked=checked, emp_text=emp_text, day_text=day_text, bulk=bulk,
                                        slots=len(emps) * total_days, months=len(all_months),
                                        t0=started))  # fmt: skip

        # ------------------------------------------------------------------ the structure through COPY
        load = Loader(raw)
        aid = str(agency.id)
        load.table("org_unit", ("id", "created_at", "updated_at", "agency_id", "parent_id", "code", "name",
                                "is_decision_level", "is_public_service", "min_onsite_headcount", "time_zone",
                                "office_latitude", "office_longitude", "office_radius_m", "path", "head_id"))  # fmt: skip
        for u in units:
            load.row("org_unit", (
                str(u.id), stamp, stamp, aid, str(u.parent.id) if u.parent else N, u.code, u.name,
                "t" if u.level <= 2 else "f", "t" if u.level == 4 and u.code.endswith(".1") else "f", "0",
                u.zone if u.zone != "Asia/Jakarta" else N, f"{u.lat:.6f}", f"{u.lon:.6f}", "150",
                "{" + ",".join(map(str, u.path)) + "}", str(emps[u.head].id),
            ))  # fmt: skip
        load.table("accounts_user", ("id", "password", "is_superuser", "username", "first_name", "last_name",
                                     "email", "is_staff", "is_active", "date_joined", "language", "mfa_required"))  # fmt: skip
        load.table("org_employee", ("id", "created_at", "updated_at", "agency_id", "user_id", "nip", "name",
                                    "employee_type", "unit_id", "position_id", "position_start_date",
                                    "supervisor_id", "sanction_in_process", "home_latitude", "home_longitude",
                                    "is_active"))  # fmt: skip
        load.table("accounts_apitoken", ("created_at", "updated_at", "user_id", "name", "prefix", "key_hash",
                                         "expires_at"))  # fmt: skip
        now = datetime.datetime.now(datetime.UTC)
        token_created = now.isoformat()
        token_expires = (now + datetime.timedelta(days=30)).isoformat()
        keys = []
        for e in emps:
            nip = nip_for(e.i, seed)
            etype = rng.choices(("PNS", "PPPK", "PPPK_PARUH_WAKTU"), weights=(85, 12, 3))[0]
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            load.row("accounts_user", (str(e.user_id), "!bench-unusable", "f", nip, "", "", "", "f", "t", stamp,
                                       "id", "f"))  # fmt: skip
            start = datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randrange(16 * 365))
            load.row("org_employee", (
                str(e.id), stamp, stamp, aid, str(e.user_id), nip, name, etype, str(e.unit.id), str(pos_ids[e.position]),
                start.isoformat(), str(emps[e.supervisor].id) if e.supervisor is not None else N, "f",
                f"{e.home[0]:.6f}" if e.home else N, f"{e.home[1]:.6f}" if e.home else N, "t",
            ))  # fmt: skip
            key = KEY_PREFIX + secrets.token_urlsafe(30)
            keys.append(key)
            load.row("accounts_apitoken", (token_created, token_created, str(e.user_id), "bench check-in",
                                           key[:PREFIX_LENGTH], hash_key(key), token_expires))  # fmt: skip
        load.flush("org_unit")
        load.flush("accounts_user")
        load.flush("org_employee")
        load.flush("accounts_apitoken")

        load.table("schedules_arrangementrequest", (
            "id", "created_at", "updated_at", "agency_id", "employee_id", "status", "step", "submitted_at",
            "step_since", "decided_at", "override_reason", "location", "dates", "first_date", "last_date",
            "planned_start", "planned_end", "reason", "violations", "designated_location_id", "other_office_unit_id",
            "recommender_id", "decider_id",
        ))  # fmt: skip
        load.table("attendance_leaverequest", (
            "id", "created_at", "updated_at", "agency_id", "employee_id", "status", "step", "submitted_at",
            "step_since", "decided_at", "override_reason", "kind", "date_from", "date_to", "reason", "source",
            "created_by_id", "recommender_id", "decider_id",
        ))  # fmt: skip

        def eid(index: int | None) -> str:
            return str(emps[index].id) if index is not None else N

        submitted = _ts(month_start - datetime.timedelta(days=7), 9 * 3600, "+07")
        decided = _ts(month_start - datetime.timedelta(days=5), 10 * 3600, "+07")
        for i, (loc, place, other, hours, dates) in plans.items():
            rec, dec = approvers(emps[i])
            load.row("schedules_arrangementrequest", (
                str(arrangement_of[i]), submitted, decided, aid, eid(i), "approved", N, submitted, submitted, decided,
                "", loc, "{" + ",".join(d.isoformat() for d in dates) + "}", dates[0].isoformat(),
                dates[-1].isoformat(), _t(hours[0]) if hours else N, _t(hours[1]) if hours else N,
                "Rencana kerja bulanan", "[]", str(places[place].id) if place is not None else N,
                str(other.id) if other else N, eid(rec), eid(dec),
            ))  # fmt: skip
        asked = _ts(month_days[-1], 10 * 3600, "+07")
        for i, dates, recommended in pending:
            rec, dec = approvers(emps[i])
            if rec is None:
                status, step = "submitted", "DECIDE"
            else:
                status, step = ("recommended", "DECIDE") if recommended else ("submitted", "RECOMMEND")
            load.row("schedules_arrangementrequest", (
                str(next(arr_ids)), asked, asked, aid, eid(i), status, step, asked, asked, N, "", "HOME",
                "{" + ",".join(d.isoformat() for d in dates) + "}", dates[0].isoformat(), dates[-1].isoformat(),
                N, N, "Rencana kerja bulan depan", "[]", N, N, eid(rec), eid(dec),
            ))  # fmt: skip
        for m, mdays in enumerate(history):
            h_submitted = _ts(mdays[0].replace(day=1) - datetime.timedelta(days=7), 9 * 3600, "+07")
            h_decided = _ts(mdays[0].replace(day=1) - datetime.timedelta(days=5), 10 * 3600, "+07")
            for i, dates in hist_plans[m].items():
                loc, place, other, hours, _dates = plans[i]
                rec, dec = approvers(emps[i])
                load.row("schedules_arrangementrequest", (
                    str(hist_arrangement_of[m][i]), h_submitted, h_decided, aid, eid(i), "approved", N, h_submitted,
                    h_submitted, h_decided, "", loc, "{" + ",".join(d.isoformat() for d in dates) + "}",
                    dates[0].isoformat(), dates[-1].isoformat(), _t(hours[0]) if hours else N,
                    _t(hours[1]) if hours else N, "Rencana kerja bulanan", "[]",
                    str(places[place].id) if place is not None else N, str(other.id) if other else N, eid(rec), eid(dec),
                ))  # fmt: skip
        for i, (kind, d0, d1) in [*leaves_by_emp.items(), *((i, lv) for ml in hist_leaves for i, lv in ml.items())]:
            rec, dec = approvers(emps[i])
            at = _ts(d0 - datetime.timedelta(days=3), 8 * 3600, "+07")
            load.row("attendance_leaverequest", (
                str(next(leave_ids)), at, at, aid, eid(i), "approved", N, at, at, at, "", kind, d0.isoformat(),
                d1.isoformat(), "", "REQUEST", str(emps[i].user_id), eid(rec), eid(dec),
            ))  # fmt: skip
        load.close()
        counts = dict(load.counts)
        mark("structure copied")

        # ------------------------------------------------------------------ SKPs and the month, set-based
        _load_params(raw, emp_text, day_text)
        skp_at = _ts(datetime.date(year, 1, 15), 9 * 3600, "+07")
        for table, sql in bulk.skp(skp_at, _ts(month_days[-1], 15 * 3600, "+07")):
            cursor.execute(sql)
            counts[table] = cursor.rowcount
        # (checked mode keeps the indexes: its deferred key checks are pending on these tables, and the data is small)
        mine = [t for t in BIG_TABLES if not (side and t == "attendance_checkevent")]
        rebuild = [] if checked else _drop_secondary_indexes(cursor, mine)
        cursor.execute(bulk.scheduleday(decided))
        counts["schedules_scheduleday"] = cursor.rowcount
        main, others = ("s", ("w",)) if side else ("c", ("s", "w"))
        counts[Bulk.TABLES[main]] = 0
        for m in range(len(all_months)):  # a month per statement: each month's employee × day rows fit in memory
            cursor.execute(bulk.statement(main, others, month=m))
            counts[Bulk.TABLES[main]] += cursor.rowcount
        for part in others:
            cursor.execute(f"SELECT count(*) FROM {Bulk.TABLES[part]} WHERE agency_id = %s", [agency.id])
            counts[Bulk.TABLES[part]] = cursor.fetchone()[0]
        mark("daily rows generated")
        for definition in rebuild:
            cursor.execute(definition)
        mark("indexes rebuilt")
        RoleAssignment.objects.create(agency=agency, user_id=hr.user_id, role="HR_ADMIN")
        if checked:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key checked now, not at COMMIT
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            # The triggers that keep the dashboards' totals were suspended with the others.
            for migration in ("0008_unit_day_totals_kept_by_triggers", "0009_worklog_day_totals_kept_by_triggers"):
                totals = importlib.import_module(f"attendance.migrations.{migration}")
                cursor.execute(totals.fill("WHERE agency_id = %s"), [agency.id])
            mark("dashboard totals")
            for table in (*STRUCTURE_TABLES, *mine, *TOTALS_TABLES):
                cursor.execute(f"ANALYZE {table}")
        cursor.execute("DROP TABLE pg_temp.seed_emp, pg_temp.seed_day")
        mark("analyzed")
        if side:
            counts["attendance_checkevent"] = side.finish()
            mark("check events done")
    seconds = time.perf_counter() - started
    log(", ".join(f"{name} {at:.1f} s" for name, at in marks.items()) + f", committed {seconds:.1f} s")
    if side:
        log("check events (second connection): " + ", ".join(f"{k} {v:.1f} s" for k, v in side.seconds.items()))

    big_head = emps[big.head]
    decider_counts: dict[int, int] = {}
    for i, _d, _r in pending:
        _rec, dec = approvers(emps[i])
        if dec is not None:
            decider_counts[dec] = decider_counts.get(dec, 0) + 1
    busiest = max(decider_counts, key=lambda k: (decider_counts[k], -k)) if decider_counts else root.head
    personas = {
        "agency_id": agency.id,
        "agency_code": code,
        "seed": seed,
        "employees": employees,
        "month": f"{year:04d}-{mon:02d}",
        "month_days": [d.isoformat() for d in month_days],
        "history_months": months,
        "history_first_day": all_months[-1][0].isoformat(),
        "root_unit_id": root.id,
        "big_unit_id": big.id,
        "big_unit_size": big.staff,
        "hr_admin": {"employee_id": hr.id, "user_id": hr.user_id, "token": keys[hr.i]},
        "big_unit_head": {"employee_id": big_head.id, "user_id": big_head.user_id, "token": keys[big.head]},
        "decider": {
            "employee_id": emps[busiest].id,
            "user_id": emps[busiest].user_id,
            "token": keys[busiest],
            "pending_to_decide": decider_counts.get(busiest, 0),
        },
        # check-in clients: staff only, not the personas above
        "checkin_first_index": 0,
    }
    tokens_path = out_dir / f"tokens-{seed}.txt"
    persona_ids = {hr.i, big.head, busiest}
    tokens_path.write_text("".join(f"{keys[e.i]}\n" for e in emps if e.i not in persona_ids))
    tokens_path.chmod(0o600)
    personas_path = out_dir / f"agency-{seed}.json"
    personas_path.write_text(json.dumps(personas, indent=2))
    personas_path.chmod(0o600)
    counts["org_unit"] = len(units)
    return SeedResult(agency.id, seconds, counts, str(tokens_path), str(personas_path), personas)


def digest(*, agency_id: int) -> str:
    """A SHA-256 over the seeded content by natural keys (no ids, no token keys): equal for equal seeds."""
    queries = [
        "SELECT u.code, u.name, u.time_zone, u.office_latitude, u.office_longitude, p.code, h.nip, "
        "array_length(u.path, 1) FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id "
        "LEFT JOIN org_employee h ON h.id = u.head_id WHERE u.agency_id = %(a)s ORDER BY u.code",
        "SELECT e.nip, e.name, e.employee_type, u.code, p.code, s.nip, e.home_latitude, e.position_start_date "
        "FROM org_employee e JOIN org_unit u ON u.id = e.unit_id LEFT JOIN org_position p ON p.id = e.position_id "
        "LEFT JOIN org_employee s ON s.id = e.supervisor_id WHERE e.agency_id = %(a)s ORDER BY e.nip",
        "SELECT e.nip, c.kind, c.local_date, c.at, c.location, c.distance_m, c.flags, c.accuracy_m "
        "FROM attendance_checkevent c JOIN org_employee e ON e.id = c.employee_id WHERE c.agency_id = %(a)s "
        "ORDER BY e.nip, c.local_date, c.kind",
        "SELECT e.nip, d.local_date, d.location, d.arrival, d.departure, d.absence, d.worked_minutes, d.missing_log "
        "FROM attendance_daystatus d JOIN org_employee e ON e.id = d.employee_id WHERE d.agency_id = %(a)s "
        "ORDER BY e.nip, d.local_date",
        "SELECT e.nip, s.local_date, s.location, s.planned_start FROM schedules_scheduleday s "
        "JOIN org_employee e ON e.id = s.employee_id WHERE s.agency_id = %(a)s ORDER BY e.nip, s.local_date",
        "SELECT e.nip, w.local_date, w.description, w.quantity, w.minutes_spent, w.verification "
        "FROM attendance_worklog w JOIN org_employee e ON e.id = w.employee_id WHERE w.agency_id = %(a)s "
        "ORDER BY e.nip, w.local_date, w.description",
        "SELECT e.nip, r.status, r.step, r.dates, r.location FROM schedules_arrangementrequest r "
        "JOIN org_employee e ON e.id = r.employee_id WHERE r.agency_id = %(a)s ORDER BY e.nip, r.first_date",
        "SELECT e.nip, l.kind, l.date_from, l.date_to FROM attendance_leaverequest l "
        "JOIN org_employee e ON e.id = l.employee_id WHERE l.agency_id = %(a)s ORDER BY e.nip",
        "SELECT e.nip, i.description, i.target_min, r.value FROM performance_indicator i "
        "JOIN performance_rhk k ON k.id = i.rhk_id JOIN performance_skp s ON s.id = k.skp_id "
        "JOIN org_employee e ON e.id = s.employee_id LEFT JOIN performance_periodplan p ON p.indicator_id = i.id "
        "LEFT JOIN performance_realisation r ON r.period_plan_id = p.id WHERE i.agency_id = %(a)s "
        "ORDER BY e.nip, i.description",
    ]
    sha = hashlib.sha256()
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, {"a": agency_id})
            for row in cursor.fetchall():
                sha.update(repr(row).encode())
    return sha.hexdigest()
