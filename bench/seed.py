"""A realistic agency for the benchmarks (issue 8): `manage.py seed_bench --employees 60000 --days 22 --seed 1`.

What it builds, deterministically for a seed (one `random.Random(seed)` consumed in a fixed order):
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
- one personal API token per employee (hashed with flexwork.accounts.tokens.hash_key); the keys go to
  var/bench/tokens-<seed>.txt (one a line, employee order) and the personas to var/bench/agency-<seed>.json.
  Token keys are random (never derived from the seed): they are the only non-deterministic part.

How: ids are reserved from the sequences, rows are generated in Python and loaded with COPY FROM STDIN
(psycopg2 copy_expert), the COPY of one chunk overlapping the generation of the next. In the default fast mode
the load runs with `SET LOCAL session_replication_role = replica`: triggers are suspended for this transaction
only, i.e. the pghistory audit triggers (no audit rows for generated data) and the foreign-key checks (the
generator builds consistent references; `--checked` keeps every trigger and checks every key at the end, as
the tests do). Secondary indexes of the four largest tables are dropped and rebuilt inside the transaction.
Everything happens in one transaction: a failed load leaves nothing behind.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
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
BIG_TABLES = ("attendance_checkevent", "attendance_daystatus", "schedules_scheduleday", "attendance_worklog")
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


def nip_for(i: int, seed: int) -> str:
    """18 digits, unique per (i, seed) for i < 12,000 × 15: birth date, start year+month, sex, sequence."""
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=i % 12000)
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


def _reserve(cursor, table: str, count: int) -> list[int]:
    if count == 0:
        return []
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s) ORDER BY 1", [count]
    )
    return [row[0] for row in cursor.fetchall()]


def _drop_secondary_indexes(cursor, tables) -> list[str]:
    """Drop the indexes that back no constraint; return their definitions to rebuild them after the load."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [list(tables)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


@dataclass
class SeedResult:
    agency_id: int
    seconds: float
    counts: dict[str, int]
    tokens_path: str
    personas_path: str
    personas: dict


def seed(
    *,
    employees: int = 60_000,
    days: int = 22,
    seed: int = 1,
    month: tuple[int, int] | None = None,
    checked: bool = False,
    out_dir: Path | None = None,
    log=print,
) -> SeedResult:
    if employees < 100:
        raise ValueError("at least 100 employees")
    from flexwork.org import services as org_services
    from flexwork.org.models import Agency, DesignatedLocation, Position, RoleAssignment
    from flexwork.org.selectors import policy_for

    started = time.perf_counter()
    rng = random.Random(seed)
    year, mon = month or previous_month(datetime.date.today())  # noqa: DTZ011 (a calendar month, any zone)
    month_days = working_days(year, mon, days)
    next_year, next_mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    next_days = working_days(next_year, next_mon, 10)
    code = f"BENCH{seed}"
    out_dir = out_dir or Path(settings.BASE_DIR) / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    month_start = datetime.date(year, mon, 1)
    stamp = _ts(month_start, 0, "+07")

    with transaction.atomic():
        if Agency.objects.filter(code=code).exists():
            raise ValueError(f"agency {code} exists already: seed a fresh database (make bench does)")
        agency = org_services.agency_create(
            code=code, name=f"Dinas Bench {seed}", time_zone="Asia/Jakarta", mfa_required_for_hr=False
        )
        policy = policy_for(agency=agency)
        cap = policy.max_location_days_per_week
        band = policy.lateness_band_minutes
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
        if checked:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
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

        # every id is reserved before the loader starts: it owns the connection while it copies
        arr_ids = iter(_reserve(cursor, "schedules_arrangementrequest", len(plans) + len(pending)))
        leave_ids = iter(_reserve(cursor, "attendance_leaverequest", len(leaves_by_emp)))
        skp_owners = [e for e in emps if e.supervisor is not None]
        skp_ids = _reserve(cursor, "performance_skp", len(skp_owners))
        rhk_ids = _reserve(cursor, "performance_rhk", 2 * len(skp_owners))
        ind_ids = _reserve(cursor, "performance_indicator", 2 * len(skp_owners))
        plan_ids = _reserve(cursor, "performance_periodplan", 2 * len(skp_owners))
        load = Loader(cursor.cursor if hasattr(cursor, "cursor") else cursor)
        pos_ids = [p.id for p in positions]
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

        arrangement_of: dict[int, int] = {}
        submitted = _ts(month_start - datetime.timedelta(days=7), 9 * 3600, "+07")
        decided = _ts(month_start - datetime.timedelta(days=5), 10 * 3600, "+07")
        for i, (loc, place, other, hours, dates) in plans.items():
            rec, dec = approvers(emps[i])
            arrangement_of[i] = next(arr_ids)
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
        for i, (kind, d0, d1) in leaves_by_emp.items():
            rec, dec = approvers(emps[i])
            at = _ts(d0 - datetime.timedelta(days=3), 8 * 3600, "+07")
            load.row("attendance_leaverequest", (
                str(next(leave_ids)), at, at, aid, eid(i), "approved", N, at, at, at, "", kind, d0.isoformat(),
                d1.isoformat(), "", "REQUEST", str(emps[i].user_id), eid(rec), eid(dec),
            ))  # fmt: skip
        load.flush("schedules_arrangementrequest")
        load.flush("attendance_leaverequest")

        # ------------------------------------------------------------------ SKPs (structure first: worklogs cite indicators)
        indicators_of: dict[int, tuple[int, int]] = {}
        first_rhk: dict[int, int] = {}
        load.table("performance_skp", ("id", "created_at", "updated_at", "agency_id", "employee_id", "position_id",
                                       "year", "period_start", "period_end", "approach", "status", "status_note",
                                       "assessor_id", "approved_at", "created_by_id"))  # fmt: skip
        load.table("performance_rhk", ("id", "created_at", "updated_at", "agency_id", "skp_id", "kind",
                                       "description", "cascaded_from_id"))  # fmt: skip
        load.table("performance_indicator", ("id", "created_at", "updated_at", "agency_id", "rhk_id", "aspect",
                                             "description", "target_min", "target_max", "unit", "direction"))  # fmt: skip
        load.table("performance_periodplan", ("id", "created_at", "updated_at", "agency_id", "indicator_id",
                                              "number", "period_start", "period_end", "target_min", "target_max",
                                              "action_plan"))  # fmt: skip
        load.table("performance_realisation", ("created_at", "updated_at", "agency_id", "period_plan_id",
                                               "indicator_id", "value", "note", "entered_by_id"))  # fmt: skip
        y0, y1 = datetime.date(year, 1, 1).isoformat(), datetime.date(year, 12, 31).isoformat()
        skp_at = _ts(datetime.date(year, 1, 15), 9 * 3600, "+07")
        m0 = month_start.isoformat()
        m1 = datetime.date(year, mon, calendar.monthrange(year, mon)[1]).isoformat()
        realised_at = _ts(month_days[-1], 15 * 3600, "+07")
        for k, e in enumerate(skp_owners):
            load.row("performance_skp", (str(skp_ids[k]), skp_at, skp_at, aid, str(e.id), str(pos_ids[e.position]),
                                         str(year), y0, y1, "QUANTITATIVE", "APPROVED", "", eid(e.supervisor),
                                         skp_at, str(e.user_id)))  # fmt: skip
            pair = []
            for r in range(2):
                j = 2 * k + r
                parent_rhk = first_rhk.get(e.supervisor) if r == 0 else None
                load.row("performance_rhk", (str(rhk_ids[j]), skp_at, skp_at, aid, str(skp_ids[k]), "MAIN",
                                             f"Hasil kerja {r + 1} {e.unit.code}", str(parent_rhk) if parent_rhk else N))  # fmt: skip
                lo = rng.randrange(4, 20)
                load.row("performance_indicator", (str(ind_ids[j]), skp_at, skp_at, aid, str(rhk_ids[j]), "QUANTITY",
                                                   f"Jumlah dokumen {r + 1}", f"{lo}.00", f"{lo + 4}.00", "dokumen",
                                                   "HIGHER"))  # fmt: skip
                load.row("performance_periodplan", (str(plan_ids[j]), skp_at, skp_at, aid, str(ind_ids[j]), str(mon),
                                                    m0, m1, f"{lo / 12:.2f}", f"{(lo + 4) / 12:.2f}", ""))  # fmt: skip
                if rng.random() < 0.75:
                    load.row("performance_realisation", (realised_at, realised_at, aid, str(plan_ids[j]),
                                                         str(ind_ids[j]), f"{rng.uniform(0, 3):.2f}", "",
                                                         str(e.user_id)))  # fmt: skip
                pair.append(ind_ids[j])
            first_rhk[e.i] = rhk_ids[2 * k]
            indicators_of[e.i] = tuple(pair)
        for name in ("performance_skp", "performance_rhk", "performance_indicator", "performance_periodplan",
                     "performance_realisation"):  # fmt: skip
            load.flush(name)

        # ------------------------------------------------------------------ the month: days, checks, statuses, logs
        load.close()  # the structure is in; the big tables follow with their secondary indexes dropped
        counts = dict(load.counts)
        # (checked mode keeps them: its deferred key checks are pending on these tables, and the data is small)
        rebuild = [] if checked else _drop_secondary_indexes(cursor, BIG_TABLES)
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")  # the rebuilt indexes sort in memory
        load = Loader(cursor.cursor if hasattr(cursor, "cursor") else cursor)
        load.table("schedules_scheduleday", ("created_at", "updated_at", "agency_id", "employee_id", "local_date",
                                             "location", "other_office_unit_id", "designated_location_id",
                                             "planned_start", "planned_end", "source", "arrangement_id", "unit_id",
                                             "supervisor_id"))  # fmt: skip
        load.table("attendance_checkevent", ("created_at", "updated_at", "agency_id", "employee_id", "kind",
                                             "local_date", "at", "location", "latitude", "longitude", "accuracy_m",
                                             "distance_m", "fence_radius_m", "inside_fence", "flags", "flagged",
                                             "attempts", "attempt_count", "ip", "unit_id", "supervisor_id"))  # fmt: skip
        load.table("attendance_daystatus", ("created_at", "updated_at", "agency_id", "employee_id", "local_date",
                                            "location", "is_working_day", "is_ramadan", "is_dynamic",
                                            "scheduled_start", "scheduled_end", "check_in_at", "check_out_at",
                                            "arrival", "lateness_minutes", "departure", "early_minutes", "absence",
                                            "worked_minutes", "required_minutes", "credited_minutes", "flagged",
                                            "corrected", "missing_log", "unit_id", "supervisor_id",
                                            "computed_at"))  # fmt: skip
        load.table("attendance_worklog", ("created_at", "updated_at", "agency_id", "employee_id", "local_date",
                                          "location", "description", "quantity", "unit_of_measure", "minutes_spent",
                                          "link", "indicator_id", "verification", "verification_note",
                                          "verified_by_id", "verified_at", "unit_id", "supervisor_id"))  # fmt: skip
        day_info = []
        for day in month_days:
            friday = day.isoweekday() == 5
            start = policy.fri_start if friday else policy.mon_thu_start
            end = policy.fri_end if friday else policy.mon_thu_end
            brk = policy.fri_break_minutes if friday else policy.mon_thu_break_minutes
            day_info.append((day, day.isoformat(), start.hour * 60 + start.minute, end.hour * 60 + end.minute,
                             690 if friday else 720, brk))  # fmt: skip
        dyn0 = policy.dynamic_window_start.hour * 60 + policy.dynamic_window_start.minute
        dyn1 = policy.dynamic_window_end.hour * 60 + policy.dynamic_window_end.minute
        lat_bands, dep_bands = ("TL1", "TL2", "TL3", "TL4"), ("PSW1", "PSW2", "PSW3", "PSW4")
        place_rows = [(float(p.latitude), float(p.longitude), p.radius_m, str(p.id)) for p in places]
        for e in emps:
            offset = ZONES[e.unit.zone][0]
            plan = plans.get(e.i)
            plan_days = set(plan[4]) if plan else set()
            leave = leaves_by_emp.get(e.i)
            unit_id, sup_id = str(e.unit.id), eid(e.supervisor)
            e_id = str(e.id)
            arr_id = str(arrangement_of[e.i]) if plan else N
            for day, iso, start, end, brk_start, brk in day_info:
                scheduled = plan is not None and day in plan_days
                location = plan[0] if scheduled else "OFFICE"
                hours = plan[3] if scheduled else None
                if hours:
                    start, end = hours
                clamp0, clamp1 = (dyn0, dyn1) if hours else (start, end)
                required = int(end - start - max(0, min(end, brk_start + brk) - max(start, brk_start)))
                created = _ts(day, 5 * 3600, offset)
                if scheduled:
                    load.row("schedules_scheduleday", (
                        decided, decided, aid, e_id, iso, location, str(plan[2].id) if plan[2] else N,
                        place_rows[plan[1]][3] if plan[1] is not None else N, _t(hours[0]) if hours else N,
                        _t(hours[1]) if hours else N, "INDIVIDUAL", arr_id, unit_id, sup_id,
                    ))  # fmt: skip
                status = {
                    "location": location, "in": N, "out": N, "arrival": N, "late": 0, "departure": N, "early": 0,
                    "absence": N, "worked": 0, "credited": 0, "flagged": False, "missing_log": False,
                }  # fmt: skip
                if leave and leave[1] <= day <= leave[2]:
                    status["absence"] = LEAVE_ABSENCE[leave[0]]
                    status["credited"] = required
                    if leave[0] == "DINAS_LUAR":
                        status["location"] = "OFFICIAL_DUTY"
                else:
                    # the fence of the day
                    if location == "HOME":
                        flat, flon, radius = e.home[0], e.home[1], 100
                    elif location == "DESIGNATED":
                        flat, flon, radius = place_rows[plan[1]][:3]
                    elif location == "OTHER_OFFICE":
                        flat, flon, radius = plan[2].lat, plan[2].lon, 150
                    else:
                        flat, flon, radius = e.unit.lat, e.unit.lon, 150
                    draw = rng.random()
                    absent = draw < 0.012
                    no_in = 0.012 <= draw < 0.017
                    times = {}
                    if not absent:
                        if not no_in:
                            if rng.random() < 0.10:
                                late = rng.choices((rng.randint(1, 30), rng.randint(31, 60), rng.randint(61, 90),
                                                    rng.randint(91, 150)), weights=(60, 25, 10, 5))[0]  # fmt: skip
                                times["IN"] = (start + late - 1) * 60 + rng.randrange(1, 60)
                            else:
                                times["IN"] = (start - rng.randint(1, 40)) * 60 + rng.randrange(60)
                        draw = rng.random()
                        if draw >= 0.015:
                            if draw < 0.075:
                                times["OUT"] = (end - rng.randint(1, 100)) * 60 + rng.randrange(60)
                            else:
                                times["OUT"] = (end + rng.randint(0, 45)) * 60 + rng.randrange(60)
                    for kind, secs in times.items():
                        draw = rng.random()
                        accuracy = round(rng.uniform(150, 400), 1) if draw < 0.01 else round(rng.uniform(5, 40), 1)
                        if 0.01 <= draw < 0.04:
                            distance = radius + rng.randint(20, 3000)
                        else:
                            distance = rng.randint(0, int(radius * 0.8))
                        flags = []
                        if distance > radius:
                            flags.append("OUTSIDE_FENCE")
                        if accuracy > policy.max_accuracy_m:
                            flags.append("POOR_ACCURACY")
                        lat = flat + distance / 111_320
                        at = _ts(day, secs, offset)
                        attempt = json.dumps({"at": at, "latitude": round(lat, 6), "longitude": flon,
                                              "accuracy_m": accuracy, "distance_m": distance,
                                              "inside_fence": distance <= radius, "flags": flags})  # fmt: skip
                        load.row("attendance_checkevent", (
                            at, at, aid, e_id, kind, iso, at, location, f"{lat:.6f}", f"{flon:.6f}", str(accuracy),
                            str(distance), str(radius), "t" if distance <= radius else "f",
                            "{" + ",".join(flags) + "}", "t" if flags else "f", "[" + attempt + "]", "1", N,
                            unit_id, sup_id,
                        ))  # fmt: skip
                        status["flagged"] = status["flagged"] or bool(flags)
                        status["in" if kind == "IN" else "out"] = at
                    if absent:
                        status["absence"] = "TK"
                    else:
                        if "IN" in times:
                            late = int((times["IN"] / 60 - start) // 1)
                            status["late"] = max(0, late)
                            status["arrival"] = lat_bands[min(3, (late - 1) // band)] if late > 0 else "H"
                        else:
                            status["arrival"] = "HKD"
                        if "OUT" in times:
                            early = int((end - times["OUT"] / 60) // 1)
                            status["early"] = max(0, early)
                            status["departure"] = dep_bands[min(3, (early - 1) // band)] if early > 0 else "ON_TIME"
                        else:
                            status["departure"] = "HKP"
                        if "IN" in times and "OUT" in times:
                            begin, finish = max(times["IN"] / 60, clamp0), min(times["OUT"] / 60, clamp1)
                            if finish > begin:
                                overlap = max(0.0, min(finish, brk_start + brk) - max(begin, brk_start))
                                status["worked"] = status["credited"] = int(finish - begin - overlap)
                    if location in ("HOME", "DESIGNATED", "OTHER_OFFICE") and not absent:
                        entries = 0 if rng.random() < 0.08 else rng.choice((1, 1, 2))
                        status["missing_log"] = entries == 0
                        indicators = indicators_of.get(e.i)
                        for n in range(entries):
                            verdict = rng.choices(("SESUAI", "KURANG", None), weights=(70, 10, 20))[0]
                            written = _ts(day, (end - 30 + n) * 60, offset)
                            verified = _ts(day, 20 * 3600, offset) if verdict else N
                            load.row("attendance_worklog", (
                                written, written, aid, e_id, iso, location, f"Menyusun laporan bagian {n + 1}",
                                f"{rng.randint(1, 5)}.00", "dokumen", str(rng.randint(60, 240)), "",
                                str(indicators[n % 2]) if indicators and rng.random() < 0.5 else N,
                                verdict or N, "", str(emps[e.supervisor].user_id) if verdict else N, verified,
                                unit_id, sup_id,
                            ))  # fmt: skip
                load.row("attendance_daystatus", (
                    created, created, aid, e_id, iso, status["location"], "t", "f", "t" if hours else "f",
                    _t(start), _t(end), status["in"], status["out"], status["arrival"], str(status["late"]),
                    status["departure"], str(status["early"]), status["absence"], str(status["worked"]),
                    str(required), str(status["credited"]), "t" if status["flagged"] else "f", "f",
                    "t" if status["missing_log"] else "f", unit_id, sup_id, created,
                ))  # fmt: skip
        generated = time.perf_counter() - started
        load.close()
        loaded = time.perf_counter() - started
        for definition in rebuild:
            cursor.execute(definition)
        indexed = time.perf_counter() - started
        RoleAssignment.objects.create(agency=agency, user_id=hr.user_id, role="HR_ADMIN")
        if checked:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # every foreign key checked now, not at COMMIT
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    counts.update(load.counts)
    if not checked:
        with connection.cursor() as c:
            for table in ("org_unit", "org_employee", "accounts_user", "accounts_apitoken", *BIG_TABLES,
                          "schedules_arrangementrequest", "attendance_leaverequest", "performance_skp"):  # fmt: skip
                c.execute(f"ANALYZE {table}")
    seconds = time.perf_counter() - started
    log(f"generated+copied {generated:.1f} s, copy drained {loaded:.1f} s, indexes rebuilt {indexed:.1f} s, "
        f"analyzed {seconds:.1f} s")  # fmt: skip

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
