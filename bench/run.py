"""`make bench`: FlexWork at agency scale on this machine (docs/performance.md).

    .venv/bin/python bench/run.py [--employees 60000] [--days 22] [--history 1] [--seed 1] [--reuse]
                                  [--skip checkin,reads,report,allowance,peak,pages,import] [--minutes 15]

Loopback only and bounded (about 15 minutes in all; `--minutes` more for a year of history or 300,000 staff). Its own database (flexwork_bench, dropped and created
again unless --reuse), its own Redis on 127.0.0.1:6400 (broker and cache, as in `make run`), gunicorn with
gunicorn.conf.py and production settings (flexwork.settings.bench) on 127.0.0.1:8101, a Celery worker on the
reports queue. Prints a table and writes bench/results/<git sha>.json (and var/bench/last.json).

Each measurement is set against its floor measured in the same run (the bare view, the raw SQL); ratios use
medians of repeated runs. See docs/performance.md."""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = str(ROOT / ".venv" / "bin" / "python")
DB = "flexwork_bench"
HOST, PORT, REDIS_PORT = "127.0.0.1", 8101, 6400
VAR = ROOT / "var" / "bench"
DEADLINE = time.monotonic() + 15 * 60  # set again from --minutes in main()
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "DJANGO_SETTINGS_MODULE": "flexwork.settings.bench",
    "PYTHONUNBUFFERED": "1",
    # one key for the run: the sessions this process writes for the pages stage are read by gunicorn
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
}
os.environ.update({k: ENV[k] for k in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE",
                                       "DJANGO_SECRET_KEY")})  # fmt: skip
CHECKIN_RUNS, CHECKIN_SECONDS, FIXED_RATE, FIXED_SECONDS = 3, 8, 100, 20
PEAK_SECONDS = 20  # check-ins at FIXED_RATE while the monthly report runs on the worker
# The report worker of the deployment (docs/performance.md, "Morning peak"): a lower CPU priority than the web
# workers, so that a long report yields the cores to the check-ins. The peak stage starts it so.
REPORT_WORKER_NICE = int(os.environ.get("REPORT_WORKER_NICE", "10"))
READ_RUNS, READ_SECONDS = 3, 4
children: list[subprocess.Popen] = []


def say(text: str) -> None:
    left = DEADLINE - time.monotonic()
    print(f"[bench {left / 60:4.1f} min left] {text}", flush=True)


def remaining(need: float) -> bool:
    return DEADLINE - time.monotonic() > need


def start(args: list[str], log: str, **kw) -> subprocess.Popen:
    out = open(VAR / log, "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT, **kw)
    children.append(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(args: list[str], timeout: float, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env={**ENV, **kw.pop("env", {})}, capture_output=True, text=True,
                          timeout=timeout, check=False, **kw)  # fmt: skip


def call(method: str, path: str, token: str | None = None, body: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def git_sha() -> str:
    out = run(["git", "rev-parse", "HEAD"], 10).stdout.strip()
    dirty = run(["git", "status", "--porcelain"], 20).stdout.strip()
    return (out or "unknown") + ("-dirty" if dirty else "")


# ---------------------------------------------------------------------------- setup


def database(fresh: bool) -> None:
    """flexwork_bench, cloned from flexwork_bench_template (an empty migrated copy kept for the next run:
    migrating from nothing takes a minute), then migrated (only what is new)."""
    import psycopg2

    template = f"{DB}_template"
    conn = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    conn.autocommit = True
    cursor = conn.cursor()

    def exists(name: str) -> bool:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None

    if exists(DB) and fresh:
        say(f"dropping {DB} (the benchmark's own database) to seed it again")
        cursor.execute(f'DROP DATABASE "{DB}"')
    cloned = False
    if not exists(DB):
        if exists(template):
            cursor.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{template}"')
            cloned = True
        else:
            cursor.execute(f'CREATE DATABASE "{DB}"')
    result = run([PY, "manage.py", "migrate", "--noinput"], 900)  # from nothing: minutes on a busy machine
    if result.returncode:
        sys.exit(f"migrate failed:\n{result.stdout}\n{result.stderr}")
    if fresh and (not cloned or "Applying" in result.stdout):
        say(f"refreshing {template} (an empty migrated database for the next run)")
        if exists(template):
            cursor.execute(f'DROP DATABASE "{template}"')
        cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{DB}"')
    conn.close()
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():
        run([PY, "manage.py", "collectstatic", "--noinput"], 300)


def seed(args) -> float:
    marker = VAR / f"seed-{args.seed}.json"
    if args.reuse and marker.exists() and (VAR / f"agency-{args.seed}.json").exists():
        stored = json.loads(marker.read_text())
        if stored.get("months", 1) == args.history and stored.get("employees", args.employees) == args.employees:
            say("reusing the seeded agency (--reuse)")
            return stored["seed_seconds"]
        sys.exit("--reuse: the seeded agency has another size or history; run without --reuse")
    say(f"seeding {args.employees:,} employees × {args.days} working days, {args.history} month(s) (seed {args.seed})")
    t0 = time.perf_counter()
    # a year of 60,000 is about ten times one month; 300,000 five times 60,000
    limit = max(300, 300 * args.history * max(1, args.employees // 60_000))
    result = run([PY, "manage.py", "seed_bench", "--employees", str(args.employees), "--days", str(args.days),
                  "--seed", str(args.seed), "--months", str(args.history)], limit)  # fmt: skip
    seconds = time.perf_counter() - t0
    print(result.stdout.strip())
    if result.returncode:
        sys.exit(f"seed_bench failed:\n{result.stderr}")
    marker.write_text(json.dumps({"seed_seconds": seconds, "months": args.history, "employees": args.employees}))
    return seconds


def wait_http(path: str, seconds: float = 60) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            if call("GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"the server did not answer {path}; see var/bench/gunicorn.log")


# ---------------------------------------------------------------------------- check-in


def wrk(script: str, path: str, seconds: int, connections: int, env: dict, threads: int = 2) -> dict:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
            str(ROOT / "bench" / script), f"http://{HOST}:{PORT}{path}"]  # fmt: skip
    result = run(args, seconds + 60, env={**env, "WRK_THREADS": str(threads), "CHECK_PATH": path})
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        sys.exit(f"wrk failed: {result.stdout}\n{result.stderr}")
    values = dict(pair.split("=") for pair in line.split()[1:])
    out = {k: float(v) if "." in v else int(v) for k, v in values.items()}
    out["rps"] = out["requests"] / out["seconds"]
    return out


def fixed_rate(tokens: list[str], rate: int, seconds: int) -> dict:
    """A bounded open-loop client: request k is due at t0 + k/rate (a token bucket of one), sent by a pool of
    threads; latency is measured from the due time, so a slow server cannot hide its queue (no coordinated
    omission). wrk2 is not packaged in Debian; this is the small replacement the brief allows."""
    total = min(len(tokens), rate * seconds)
    latencies: list[float] = [0.0] * total
    statuses: list[int] = [0] * total
    lock = threading.Lock()
    state = {"next": 0}
    t0 = time.perf_counter() + 0.2
    body = json.dumps({"latitude": -6.175, "longitude": 106.827, "accuracy": 12})

    def worker():
        while True:
            with lock:
                k = state["next"]
                state["next"] += 1
            if k >= total:
                return
            due = t0 + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
                conn.request("POST", "/api/v1/attendance/check-in/", body=body,
                             headers={"Authorization": f"Token {tokens[k]}", "Content-Type": "application/json"})  # fmt: skip
                response = conn.getresponse()
                response.read()
                conn.close()
                statuses[k] = response.status
            except OSError:
                statuses[k] = 0
            latencies[k] = (time.perf_counter() - due) * 1000

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(32)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 30)
    ordered = sorted(latencies)
    ok = sum(1 for s in statuses if 200 <= s < 300)
    return {
        "requests": total,
        "ok": ok,
        "errors": total - ok,
        "p50": ordered[int(0.50 * (total - 1))],
        "p99": ordered[int(0.99 * (total - 1))],
        "achieved_rps": total / (time.perf_counter() - t0),
    }


def server_cpu(pids: list[int]) -> float:
    return cpu_seconds(pids) + postgres_cpu()


def sizing(results: dict) -> None:
    """300,000 staff checking in within two morning hours: 41.7 check-ins/s on average; we size for a peak of
    3× the average (arrivals bunch before the start of the day) at 70% CPU utilisation."""
    per_cpu = results.get("checkin_per_cpu_second")
    if not per_cpu:
        return
    average = 300_000 / 7200
    results["sizing_average_checkins_per_s"] = round(average, 1)
    results["cores_for_300k_in_2h_average"] = round(average / per_cpu, 2)
    results["cores_for_300k_in_2h"] = round(3 * average / per_cpu / 0.7, 1)


def token_slices(n: int) -> dict[str, tuple[int, int]]:
    """Which lines of the tokens file each stage uses (half-open ranges): every check-in that writes has an
    employee of its own (a first check-in of the day); the bare floor, which writes nothing, takes the rest
    and starts it again when it runs out."""
    per_run = min(10_000, n // 8)  # 7,500 at 60,000: 8 s at up to 930 req/s on fresh employees
    fixed = min(FIXED_RATE * FIXED_SECONDS, n // 11)
    peak = min(FIXED_RATE * PEAK_SECONDS, n // 11)
    app = (0, CHECKIN_RUNS * per_run)
    floor = (app[1], app[1] + CHECKIN_RUNS * per_run)
    fixed_range = (floor[1], floor[1] + fixed)
    peak_range = (fixed_range[1], fixed_range[1] + peak)
    return {"per_run": (per_run, per_run), "app": app, "write_floor": floor, "fixed": fixed_range,
            "peak": peak_range, "bare": (peak_range[1], n)}  # fmt: skip


def checkin_bench(personas: dict, tokens_file: Path, since: datetime.datetime, server_pids: list[int]) -> dict:
    tokens = tokens_file.read_text().split()
    n = len(tokens)
    slices = token_slices(n)
    per_run = slices["per_run"][0]
    fixed_from, fixed_to = slices["fixed"]
    bare_from = slices["bare"][0]
    floor_from = slices["write_floor"][0]
    base = {"TOKENS_FILE": str(tokens_file)}
    say("check-in: warming up on the bare view")
    wrk("checkin.lua", "/bench/bare-check-in/", 2, 32, {**base, "TOKEN_FROM": str(bare_from), "TOKEN_TO": str(n),
                                                        "WRAP": "1"})  # fmt: skip
    bare_runs, app_runs, floor_runs = [], [], []
    bare_span = (n - bare_from) // CHECKIN_RUNS
    for r in range(CHECKIN_RUNS):
        lo = bare_from + r * bare_span
        bare = wrk("checkin.lua", "/bench/bare-check-in/", CHECKIN_SECONDS, 32,
                   {**base, "TOKEN_FROM": str(lo), "TOKEN_TO": str(lo + bare_span), "WRAP": "1"})  # fmt: skip
        cpu0 = server_cpu(server_pids)
        app = wrk("checkin.lua", "/api/v1/attendance/check-in/", CHECKIN_SECONDS, 32,
                  {**base, "TOKEN_FROM": str(r * per_run), "TOKEN_TO": str((r + 1) * per_run), "WRAP": "0"})  # fmt: skip
        app["cpu"] = server_cpu(server_pids) - cpu0
        # the same durable write with raw SQL (bench.views.write_floor_check_in), fresh employees too
        lo = floor_from + r * per_run
        floor = wrk("checkin.lua", "/bench/write-floor-check-in/", CHECKIN_SECONDS, 32,
                    {**base, "TOKEN_FROM": str(lo), "TOKEN_TO": str(lo + per_run), "WRAP": "0"})  # fmt: skip
        say(f"check-in run {r + 1}: bare {bare['rps']:.0f} req/s, app {app['rps']:.0f} req/s, write floor "
            f"{floor['rps']:.0f} req/s (app ok {app['ok']}, bad {app['bad']}, exhausted {app['exhausted']}; "
            f"floor ok {floor['ok']}, bad {floor['bad']})")  # fmt: skip
        bare_runs.append(bare)
        app_runs.append(app)
        floor_runs.append(floor)
    say(f"check-in: fixed offered load {FIXED_RATE} req/s for {FIXED_SECONDS} s")
    fixed = fixed_rate(tokens[fixed_from:fixed_to], FIXED_RATE, FIXED_SECONDS)
    say(f"fixed rate: p50 {fixed['p50']:.1f} ms, p99 {fixed['p99']:.1f} ms, errors {fixed['errors']}")
    time.sleep(1)
    from attendance.models import CheckEvent

    # 2xx responses as the server sent them (gunicorn's access log): wrk stops at its deadline with up to one
    # request in flight per connection, whose response it never reads although the check-in was stored.
    served = sum(1 for line in (VAR / "gunicorn.log").read_text(errors="replace").splitlines()
                 if '"POST /api/v1/attendance/check-in/ ' in line and re.search(r'" 2\d\d ', line))  # fmt: skip
    from flexwork.accounts.models import ApiToken
    from flexwork.accounts.tokens import hash_key

    # the write floor's rows (its own employees) are not the app's
    floor_users = ApiToken.objects.filter(
        key_hash__in=[hash_key(t) for t in tokens[slice(*slices["write_floor"])]]
    ).values("user_id")
    stored = CheckEvent.objects.filter(agency_id=personas["agency_id"], kind="IN", created_at__gte=since).exclude(
        employee__user_id__in=floor_users
    )
    stored_rows = stored.count()
    distinct = stored.values("employee_id").distinct().count()
    responded = sum(a["ok"] for a in app_runs) + fixed["ok"]
    errors = sum(a["bad"] + a["connect"] + a["read"] + a["write"] + a["timeout"] for a in app_runs) + fixed["errors"]
    bare_rps = statistics.median(b["rps"] for b in bare_runs)
    app_rps = statistics.median(a["rps"] for a in app_runs)
    floor_rps = statistics.median(f["rps"] for f in floor_runs)
    return {
        "write_floor_rps": round(floor_rps, 1),
        "checkin_vs_write_floor": round(app_rps / floor_rps, 3) if floor_rps else None,
        "write_floor_runs_rps": [round(f["rps"], 1) for f in floor_runs],
        "write_floor_errors": sum(f["bad"] + f["connect"] + f["read"] + f["timeout"] for f in floor_runs),
        "checkin_rps": round(app_rps, 1),
        "bare_rps": round(bare_rps, 1),
        "checkin_vs_bare": round(app_rps / bare_rps, 3),
        "checkin_p50_ms": round(fixed["p50"], 1),
        "checkin_p99_ms": round(fixed["p99"], 1),
        "checkin_fixed_rate": FIXED_RATE,
        "checkin_fixed_achieved_rps": round(fixed["achieved_rps"], 1),
        "checkin_errors": errors,
        "checkin_2xx": responded,
        "checkin_stored": stored_rows,
        "checkin_stored_distinct_employees": distinct,
        "checkin_2xx_served": served,
        "checkin_rows_match": stored_rows == distinct == served,
        "checkin_saturated_p50_ms": round(statistics.median(a["p50"] for a in app_runs), 1),
        "checkin_saturated_p99_ms": round(statistics.median(a["p99"] for a in app_runs), 1),
        "checkin_runs_rps": [round(a["rps"], 1) for a in app_runs],
        # Server CPU (gunicorn workers + PostgreSQL + Redis, user+system) during the saturated app runs.
        "checkin_server_cpu_seconds": round(sum(a["cpu"] for a in app_runs), 1),
        "checkin_per_cpu_second": round(
            sum(a["ok"] for a in app_runs) / max(sum(a["cpu"] for a in app_runs), 0.001), 1
        ),
        "bare_runs_rps": [round(b["rps"], 1) for b in bare_runs],
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the given processes and their children (gunicorn workers). The given
    processes count their reaped children too (cutime, cstime): gunicorn replaces a worker after
    max_requests, and the CPU of the worker that left must not vanish from the sum."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        for task in [pid, *_children_of(pid)]:
            try:
                fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
                used = int(fields[11]) + int(fields[12])
                if task == pid:
                    used += int(fields[13]) + int(fields[14])
                total += used / tick
            except (OSError, IndexError):
                pass
    return total


def _children_of(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for kid in list(out):
        out += _children_of(kid)
    return out


def postgres_cpu() -> float:
    """CPU seconds of PostgreSQL for the sizing statement: the server's own processes (WAL writer, checkpointer, …)
    and the backends of the benchmark's database."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(entry, "comm").read_text().strip() not in ("postgres", "postmaster"):
                continue
            # backends of other databases on this shared server (other people's tests) are not ours
            cmdline = Path(entry, "cmdline").read_text().replace("\0", " ")
            if "127.0.0.1(" in cmdline and f" {DB} " not in cmdline:
                continue
            fields = Path(entry, "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
        except (OSError, IndexError):
            pass
    return total


# ---------------------------------------------------------------------------- reads


def read_bench(personas: dict) -> dict:
    from django.db import connection

    from bench import floors

    agency, big = personas["agency_id"], personas["big_unit_id"]
    days = personas["month_days"]
    month = datetime.date.fromisoformat(days[0])
    d0 = month.replace(day=1)
    d1 = (d0 + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    hr, head, decider = personas["hr_admin"], personas["big_unit_head"], personas["decider"]
    reads = {
        "approval_queue": {
            "path": "/api/v1/arrangements/?queue=true",
            "as": {"decider": decider},
            "floor": lambda c: floors.approval_queue(c, agency_id=agency, employee_id=decider["employee_id"]),
        },
        "team_calendar": {
            # The floor reads the whole unit (500 people): the API is asked for the same page size.
            "path": f"/api/v1/team-calendar/?unit={big}&date_from={d0}&date_to={d1}&limit=500",
            "as": {"supervisor": head, "hr_admin": hr},
            "floor": lambda c: floors.team_calendar(c, agency_id=agency, unit_id=big, date_from=d0, date_to=d1),
        },
        "employee_list": {
            "path": f"/api/v1/employees/?unit={big}",
            "as": {"supervisor": head, "hr_admin": hr},
            "floor": lambda c: floors.employee_list(c, agency_id=agency, unit_id=big),
        },
        "hr_dashboard": {"path": "/api/v1/dashboard/hr/", "as": {"hr_admin": hr}, "floor": None},
    }
    out: dict = {"reads_p50_ms": {}, "reads_floor_ms": {}, "reads_vs_floor": {}, "scoped_vs_hr_each": {}}
    for name, spec in reads.items():
        p50s = {}
        for role, persona in spec["as"].items():
            status, body = call("GET", spec["path"], persona["token"])
            if status != 200:
                say(f"read {name} as {role}: HTTP {status} {body[:200]!r}; not measured")
                continue
            runs = [wrk("read.lua", spec["path"], READ_SECONDS, 1, {"TOKEN": persona["token"]}, threads=1)
                    for _ in range(READ_RUNS)]  # fmt: skip
            p50s[role] = statistics.median(r["p50"] for r in runs)
            out["reads_p50_ms"][f"{name}:{role}"] = round(p50s[role], 2)
        if spec["floor"] is not None and p50s:
            timings = []
            with connection.cursor() as cursor:
                for _ in range(15):
                    t0 = time.perf_counter()
                    spec["floor"](cursor)
                    timings.append((time.perf_counter() - t0) * 1000)
            floor = statistics.median(timings)
            out["reads_floor_ms"][name] = round(floor, 2)
            best = p50s.get("hr_admin", next(iter(p50s.values())))
            out["reads_vs_floor"][name] = round(best / floor, 2)
        if "supervisor" in p50s and "hr_admin" in p50s:
            out["scoped_vs_hr_each"][name] = round(p50s["supervisor"] / p50s["hr_admin"], 3)
        say(f"read {name}: p50 {p50s} floor {out['reads_floor_ms'].get(name)}")
    out["scoped_vs_hr"] = max(out["scoped_vs_hr_each"].values()) if out["scoped_vs_hr_each"] else None
    return out


# ---------------------------------------------------------------------------- report


def peak_rss_mb(pid: int) -> float:
    peak = 0
    for task in [pid, *_children_of(pid)]:
        try:
            for line in Path(f"/proc/{task}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


def report_bench(personas: dict, kind: str = "COMPLIANCE", prefix: str = "report") -> dict:
    """One monthly report of `kind` through Celery against its own statement under COPY (its floor); the
    measures are named `<prefix>_…` (report_… for compliance, allowance_… for the allowance deductions)."""
    measured = _report_bench(personas, kind)
    return {key.replace("report_", f"{prefix}_", 1): value for key, value in measured.items()}


def _report_bench(personas: dict, kind: str) -> dict:
    try:
        from flexwork.reports.models import ReportRun
    except ImportError as exc:
        return {"report_not_measured": f"reports app not available: {exc}"}
    from django.db import connection

    from bench import floors
    from flexwork.common.db import REPORT_STATEMENT_SETTINGS, statement_settings

    # The check-ins queued one day-status refresh each on the default queue; they are dropped here (the nightly
    # job recomputes every day) so that the report is not measured behind thousands of them.
    run(["redis-cli", "-p", str(REDIS_PORT), "FLUSHALL"], 30)
    worker = report_worker("worker.log")
    time.sleep(6)
    hr = personas["hr_admin"]
    month = personas["month"]
    body = {"kind": kind, "period": month, "unit": personas["root_unit_id"], "refresh": True}
    status, data = call("POST", "/api/v1/reports/", hr["token"], body)
    if status not in (200, 201, 202):
        stop(worker)
        return {"report_not_measured": f"POST /api/v1/reports/ answered {status}: {data[:300]!r}"}
    run_id = json.loads(data)["id"]
    marks: dict[int, float] = {}
    t_post = time.perf_counter()
    report = None
    while time.perf_counter() - t_post < 240:
        report = ReportRun.objects.get(id=run_id)
        for step in (40, 50, 90, 100):
            if report.progress >= step and step not in marks:
                marks[step] = time.perf_counter()
        if report.status in ("done", "failed", "DONE", "FAILED"):
            break
        time.sleep(0.05)
    peak = peak_rss_mb(worker.pid)
    stop(worker)
    if report is None or report.status.lower() != "done":
        return {
            "report_not_measured": f"run {run_id} ended {report.status if report else '?'}: {report.error if report else ''}"
        }
    seconds = (report.finished_at - report.queued_at).total_seconds()
    csv_seconds = (marks.get(40, marks.get(100)) - t_post) if marks else None
    timings = []
    checksums = set()
    # the statement's settings as the report runs it (flexwork.reports.exports)
    with statement_settings(REPORT_STATEMENT_SETTINGS), connection.cursor() as cursor:
        sql = floors.report_copy_sql(cursor, kind=kind, agency_id=personas["agency_id"], scope_unit_id=report.unit_id,
                                     start=report.period_start, end=report.period_end, parameters=report.parameters)  # fmt: skip
        for _ in range(3):
            sink = _Sha()
            t0 = time.perf_counter()
            cursor.copy_expert(sql, sink)
            timings.append(time.perf_counter() - t0)
            checksums.add(sink.sha.hexdigest())
    floor = statistics.median(timings)
    return {
        "report_seconds": round(seconds, 2),
        "report_csv_seconds": round(csv_seconds, 2) if csv_seconds else None,
        "report_floor_seconds": round(floor, 3),
        "report_vs_floor": round(seconds / floor, 2),
        "report_csv_vs_floor": round(csv_seconds / floor, 2) if csv_seconds else None,
        "report_peak_mb": round(peak, 1),
        "report_summary_seconds": round(marks[50] - marks[40], 2) if 50 in marks and 40 in marks else None,
        "report_xlsx_seconds": round(marks[90] - marks[50], 2) if 90 in marks and 50 in marks else None,
        "report_pdf_seconds": round(marks[100] - marks[90], 2) if 100 in marks and 90 in marks else None,
        "report_rows": report.row_count,
        "report_numbers_match": checksums == {report.checksum},
        "report_s_per_1000": round(seconds / report.row_count * 1000, 4) if report.row_count else None,
    }


class _Sha:
    def __init__(self):
        self.sha = hashlib.sha256()

    def write(self, data):
        self.sha.update(data.encode() if isinstance(data, str) else data)
        return len(data)


# ---------------------------------------------------------------------------- morning peak


def report_worker(log: str) -> subprocess.Popen:
    """The worker of the Procfile (default and reports queues, two processes) at the deployment's CPU priority
    (REPORT_WORKER_NICE; docs/performance.md)."""
    nice = ["nice", "-n", str(REPORT_WORKER_NICE)] if REPORT_WORKER_NICE else []
    return start(
        [*nice, str(ROOT / ".venv/bin/celery"), "-A", "flexwork", "worker", "--queues", "celery,reports",
         "--concurrency", "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        log,
    )  # fmt: skip


def peak_bench(personas: dict, tokens_file: Path) -> dict:
    """The morning peak: first check-ins at a fixed FIXED_RATE req/s (fixed_rate, as checkin_p99_ms) for
    PEAK_SECONDS while the agency's monthly compliance report runs on a real Celery worker. The check-ins start
    with the report; `peak_report_overlap_seconds` says how long the report actually ran beside them."""
    from flexwork.reports.models import ReportRun

    tokens = tokens_file.read_text().split()
    lo, hi = token_slices(len(tokens))["peak"]
    if hi <= lo:
        return {"peak_not_measured": "too few employees for the peak's own check-ins"}
    run(["redis-cli", "-p", str(REDIS_PORT), "FLUSHALL"], 30)
    worker = report_worker("worker-peak.log")
    time.sleep(6)
    hr = personas["hr_admin"]
    body = {"kind": "COMPLIANCE", "period": personas["month"], "unit": personas["root_unit_id"], "refresh": True}
    status, data = call("POST", "/api/v1/reports/", hr["token"], body)
    if status not in (200, 201, 202):
        stop(worker)
        return {"peak_not_measured": f"POST /api/v1/reports/ answered {status}: {data[:300]!r}"}
    run_id = json.loads(data)["id"]
    t_post = time.perf_counter()
    outcome: dict = {}
    client = threading.Thread(target=lambda: outcome.update(fixed_rate(tokens[lo:hi], FIXED_RATE, PEAK_SECONDS)))
    client.start()
    report_done = None
    report = None
    while time.perf_counter() - t_post < 300:
        report = ReportRun.objects.get(id=run_id)
        if report.status.lower() in ("done", "failed"):
            report_done = time.perf_counter()
            break
        time.sleep(0.1)
    client.join(timeout=PEAK_SECONDS + 60)
    stop(worker)
    if not outcome:
        return {"peak_not_measured": "the fixed-rate client did not finish"}
    checkins_seconds = outcome["requests"] / FIXED_RATE
    overlap = min(checkins_seconds, (report_done or time.perf_counter()) - t_post)
    say(f"morning peak: p50 {outcome['p50']:.1f} ms, p99 {outcome['p99']:.1f} ms, errors {outcome['errors']}, "
        f"report {report.status if report else '?'} after {overlap:.1f} s of the check-ins")  # fmt: skip
    return {
        "checkin_p50_ms_during_report": round(outcome["p50"], 1),
        "checkin_p99_ms_during_report": round(outcome["p99"], 1),
        "checkin_errors_during_report": outcome["errors"],
        "peak_checkins": outcome["requests"],
        "peak_achieved_rps": round(outcome["achieved_rps"], 1),
        "peak_report_status": report.status if report else None,
        "peak_report_overlap_seconds": round(overlap, 1),
        "peak_report_worker_nice": REPORT_WORKER_NICE,
    }


# ---------------------------------------------------------------------------- pages


def page_sessions(personas: dict) -> dict[str, str]:
    """Logged-in sessions (session keys, as the session cookie carries them) for HR and the head of the
    500-person unit: the users have no usable password; the session is what a login writes (force_login)."""
    from django.test import Client

    from flexwork.accounts.models import User

    out = {}
    for name, persona in (("hr_admin", personas["hr_admin"]), ("unit_head", personas["big_unit_head"])):
        client = Client()
        client.force_login(User.objects.get(id=persona["user_id"]))
        out[name] = client.session.session_key
    return out


def pages_bench(personas: dict, seconds: float = 4.0) -> dict:
    """bench.pages.measure_pages: the daily pages as HTML through the real middleware, p50/p95 per page."""
    try:
        from bench import pages
    except ImportError:
        say("pages: bench/pages.py is not there yet; stage skipped")
        return {"pages_not_measured": "bench/pages.py is missing"}
    sessions = page_sessions(personas)
    try:
        from django.conf import settings

        measured = pages.measure_pages(
            f"http://{HOST}:{PORT}", sessions, seconds=seconds, team_unit_id=personas["big_unit_id"],
            today=datetime.date.fromisoformat(personas["month_days"][-1]), cookie_name=settings.SESSION_COOKIE_NAME,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 (one stage failing does not lose the others' figures)
        say(f"pages: {exc!r}; not measured")
        return {"pages_not_measured": repr(exc)[:500]}
    p95s = [v for k, v in measured.items() if k.endswith("_p95_ms") and v is not None]
    try:
        busy = busy_day_dashboard(personas)
    except Exception as exc:  # noqa: BLE001 (as above: the pages' figures are kept)
        say(f"busy-day dashboard: {exc!r}; not measured")
        busy = {"hr_dashboard_busy_day_not_measured": repr(exc)[:500]}
    return {**measured, "pages_p95_ms_max": max(p95s) if p95s else None, **busy}


def busy_day_dashboard(personas: dict, runs: int = 6) -> dict:
    """The HR dashboard's figures (flexwork.reports.dashboards.hr_dashboard, uncached, in this process) as on the
    seeded month's last day. The server's today lies after the seeded month, so the page measured above sees an
    empty today and no period plan in progress; here the same work meets a day on which everyone checked in and a
    month's plans whose at-risk test reads every one of them. The first run warms up; the median and the slowest
    of the others."""
    from unittest import mock

    from flexwork.accounts.models import User
    from flexwork.reports import dashboards

    day = datetime.date.fromisoformat(personas["month_days"][-1])
    user = User.objects.get(id=personas["hr_admin"]["user_id"])
    times = []
    with mock.patch.object(dashboards, "today_in", lambda _zone: day):
        for i in range(runs):
            started = time.perf_counter()
            # a range of its own each time: the dashboard's one-minute cache keys on it
            dashboards.hr_dashboard(user=user, date_from=day - datetime.timedelta(days=29 + i), date_to=day)
            times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[1:])
    return {
        "hr_dashboard_busy_day_p50_ms": round(statistics.median(times), 1),
        "hr_dashboard_busy_day_max_ms": round(times[-1], 1),
    }


# ---------------------------------------------------------------------------- import


def import_bench(rows: int) -> dict:
    result = run([PY, "bench/import_60k.py", "--rows", str(rows)], max(400, 400 * rows // 60_000))
    match = re.search(r"preview ([\d.]+) s \+ confirm ([\d.]+) s = ([\d.]+) s", result.stdout)
    if not match:
        return {"import_not_measured": (result.stdout + result.stderr)[-500:]}
    say(f"import path: {match.group(0)}")
    floor = import_floor(rows)
    total = float(match.group(3))
    return {
        "import_seconds": total,
        "import_preview_seconds": float(match.group(1)),
        "import_confirm_seconds": float(match.group(2)),
        "import_floor_seconds": round(floor, 2),
        "import_vs_floor": round(total / floor, 2),
        "import_rows": rows,
        "import_s_per_1000": round(total / rows * 1000, 4),
        **import_xlsx_bench(rows),
    }


def import_xlsx_bench(rows: int) -> dict:
    """The same rows as XLSX through the background job (bench/import_60k.py --xlsx): the parsing alone
    (python-calamine, docs/rules.md §7) is `import_xlsx_seconds`."""
    result = run([PY, "bench/import_60k.py", "--rows", str(rows), "--xlsx"], max(400, 400 * rows // 60_000))
    match = re.search(r"xlsx: parse ([\d.]+) s, preview job ([\d.]+) s, confirm job ([\d.]+) s", result.stdout)
    if not match:
        return {"import_xlsx_not_measured": (result.stdout + result.stderr)[-500:]}
    say(f"import XLSX job: {match.group(0)}")
    return {
        "import_xlsx_seconds": float(match.group(1)),
        "import_xlsx_preview_job_seconds": float(match.group(2)),
        "import_xlsx_confirm_job_seconds": float(match.group(3)),
    }


def import_floor(rows: int) -> float:
    """COPY FROM STDIN of the same rows (bench/import_60k.py's `sample_file`, same seed) into the same
    tables (accounts_user, org_employee), with the same audit rows and every foreign key checked; supervisor
    links and unit ids resolved beforehand (not timed); rolled back."""
    import io

    from django.db import connection, transaction

    from bench.import_60k import sample_file
    from flexwork.onboarding import services
    from flexwork.org import services as org_services
    from flexwork.org.models import Position, PositionType

    _units, positions, data = sample_file(rows)

    class Rollback(Exception):
        pass

    seconds = 0.0
    try:
        with transaction.atomic():
            agency = org_services.agency_create(code="BENCHCOPY", name="Copy floor", time_zone="Asia/Makassar")
            root = org_services.unit_create(agency=agency, code="B0000", name="Root")
            pos = {p.code: p.id for p in Position.objects.bulk_create(
                [Position(agency=agency, code=c, name=c, type=PositionType.PELAKSANA) for c in positions])}  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence('org_employee','id')) FROM generate_series(1,%s)",
                               [rows])  # fmt: skip
                emp_ids = [r[0] for r in cursor.fetchall()]
                cursor.execute("SELECT nextval(pg_get_serial_sequence('accounts_user','id')) FROM generate_series(1,%s)",
                               [rows])  # fmt: skip
                user_ids = [r[0] for r in cursor.fetchall()]
                by_nip = {row[0]: emp_ids[k] for k, row in enumerate(data)}
                now = datetime.datetime.now(datetime.UTC).isoformat()
                users = io.StringIO()
                employees = io.StringIO()
                for k, row in enumerate(data):
                    nip, name, email, kind, _unit, position, boss, start_date = row[:8]
                    users.write(f"{user_ids[k]}\t!\tf\t{nip}\t\t\t{email}\tf\tt\t{now}\tid\tf\n")
                    employees.write(f"{emp_ids[k]}\t{now}\t{now}\t{agency.id}\t{user_ids[k]}\t{nip}\t{name}\t{kind}\t"
                                    f"{root.id}\t{pos[position]}\t{start_date}\t{by_nip.get(boss, chr(92) + 'N')}\t"
                                    f"f\tt\n")  # fmt: skip
                users.seek(0)
                employees.seek(0)
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'org_employee'::regclass "
                    "AND tgname LIKE 'pgtrigger_insert_insert_%%'"
                )
                ignored = [row[0] for row in cursor.fetchall()]
                t0 = time.perf_counter()
                cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(ignored) + "}"])
                cursor.copy_expert("COPY accounts_user (id, password, is_superuser, username, first_name, last_name, "
                                   "email, is_staff, is_active, date_joined, language, mfa_required) FROM STDIN",
                                   users)  # fmt: skip
                cursor.copy_expert("COPY org_employee (id, created_at, updated_at, agency_id, user_id, nip, name, "
                                   "employee_type, unit_id, position_id, position_start_date, supervisor_id, "
                                   "sanction_in_process, is_active) FROM STDIN", employees)  # fmt: skip
                # As the import does: pghistory's row trigger (one subtransaction per row, quadratic in bulk) is
                # ignored for the COPY and the same audit rows are written with one INSERT … SELECT.
                services._employee_insert_events(emp_ids)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                seconds = time.perf_counter() - t0
            raise Rollback
    except Rollback:
        pass
    say(f"import floor (COPY FROM STDIN of the same rows): {seconds:.2f} s")
    return seconds


# ---------------------------------------------------------------------------- main


TARGETS = [
    ("report_vs_floor", "<=", 2), ("report_seconds", "<=", 60), ("report_peak_mb", "<=", 512),
    ("allowance_vs_floor", "<=", 2),
    ("checkin_vs_bare", ">=", 0.5), ("checkin_p99_ms", "<=", 150), ("checkin_errors", "==", 0),
    ("checkin_rows_match", "==", True), ("scoped_vs_hr", "<=", 1.3), ("import_seconds", "<=", 60),
    ("import_xlsx_seconds", "<=", 10), ("seed_seconds", "<=", 120),
    ("checkin_vs_write_floor", ">=", 0.8), ("checkin_p99_ms_during_report", "<=", 150),
    ("checkin_errors_during_report", "==", 0), ("pages_p95_ms_max", "<=", 300),
    ("hr_dashboard_busy_day_max_ms", "<=", 300),
]  # fmt: skip


def verdict(value, op, bound) -> str:
    if value is None:
        return "not measured"
    ok = {"<=": value <= bound, ">=": value >= bound, "==": value == bound}[op]
    return "PASS" if ok else "MISS"


def table(results: dict) -> str:
    lines = [f"{'measure':<28} {'value':>14}  {'target':<10} verdict", "-" * 64]
    for key, op, bound in TARGETS:
        value = results.get(key)
        lines.append(f"{key:<28} {str(value):>14}  {op} {bound!s:<7} {verdict(value, op, bound)}")
    lines.append("-" * 64)
    for key in ("report_not_measured", "allowance_not_measured", "allowance_seconds", "allowance_floor_seconds",
                "allowance_rows", "allowance_numbers_match", "import_not_measured", "history_months", "write_floor_rps",
                "checkin_p50_ms_during_report", "peak_report_overlap_seconds", "peak_not_measured", "pages_not_measured",
                "report_s_per_1000", "import_s_per_1000", "checkin_rps", "bare_rps", "checkin_saturated_p99_ms", "checkin_per_cpu_second",
                "cores_for_300k_in_2h", "report_csv_seconds", "report_summary_seconds", "report_floor_seconds", "report_xlsx_seconds",
                "report_pdf_seconds", "report_numbers_match", "import_floor_seconds", "import_vs_floor",
                "import_xlsx_not_measured", "import_xlsx_preview_job_seconds", "import_xlsx_confirm_job_seconds"):  # fmt: skip
        if key in results:
            lines.append(f"{key:<28} {results[key]!s:>14}")
    for key in sorted(k for k in results if k.startswith("page_")):
        lines.append(f"{key:<28} {results[key]!s:>14}")
    for name, ratio in results.get("reads_vs_floor", {}).items():
        lines.append(f"{'reads_vs_floor ' + name:<28} {ratio:>14}")
    for name, p50 in results.get("reads_p50_ms", {}).items():
        lines.append(f"{'p50 ms ' + name:<28} {p50:>14}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=60_000)
    parser.add_argument("--days", type=int, default=22)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--history", type=int, default=1, help="months of history seeded (12: a year)")
    parser.add_argument("--minutes", type=float, default=None, help="the run's time bound (default 15, more with "
                        "history or more staff)")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep flexwork_bench and its agency if seeded")
    parser.add_argument("--skip", default="", help="comma-separated: checkin,reads,report,allowance,peak,pages,import")
    args = parser.parse_args()
    global DEADLINE
    minutes = args.minutes or 15 + 10 * (args.history - 1) / 11 + 15 * max(0, args.employees // 60_000 - 1)
    DEADLINE = time.monotonic() + minutes * 60
    skip = set(filter(None, args.skip.split(",")))
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (bench/run.sh does it)")
    VAR.mkdir(parents=True, exist_ok=True)
    results: dict = {"git_sha": git_sha(), "cores": os.cpu_count(), "employees": args.employees,
                     "days": args.days, "history_months": args.history, "seed": args.seed, "started_at": datetime.datetime.now(datetime.UTC).isoformat()}  # fmt: skip
    redis = start(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"], "redis.log")  # fmt: skip
    try:
        database(fresh=not args.reuse)
        results["seed_seconds"] = round(seed(args), 1)
        import django

        django.setup()
        from django.db import connection

        personas = json.loads((VAR / f"agency-{args.seed}.json").read_text())
        tokens_file = VAR / f"tokens-{args.seed}.txt"
        with connection.cursor() as cursor:  # a rerun with --reuse starts from no check-ins today
            cursor.execute("DELETE FROM attendance_checkevent WHERE agency_id = %s AND local_date > %s",
                           [personas["agency_id"], personas["month_days"][-1]])  # fmt: skip
            cursor.execute("DELETE FROM attendance_daystatus WHERE agency_id = %s AND local_date > %s",
                           [personas["agency_id"], personas["month_days"][-1]])  # fmt: skip
        connection.close()
        gunicorn = start([str(ROOT / ".venv/bin/gunicorn"), "flexwork.wsgi", "--config", "gunicorn.conf.py",
                          "--bind", f"{HOST}:{PORT}"], "gunicorn.log")  # fmt: skip
        wait_http("/healthz")
        results["web_workers"] = int(os.environ.get("WEB_CONCURRENCY", "3"))
        if "checkin" not in skip and remaining(180):
            since = datetime.datetime.now(datetime.UTC)
            results.update(checkin_bench(personas, tokens_file, since, [gunicorn.pid, redis.pid]))
            sizing(results)
        if "reads" not in skip and remaining(150):
            results.update(read_bench(personas))
        if "report" not in skip and remaining(150):
            say("report: monthly compliance through Celery vs COPY TO STDOUT")
            results.update(report_bench(personas))
        if "allowance" not in skip and remaining(150):
            say("allowance: monthly allowance deductions through Celery vs COPY TO STDOUT")
            results.update(report_bench(personas, kind="ALLOWANCE", prefix="allowance"))
        if "peak" not in skip and "checkin" not in skip and remaining(120):  # a check-in measurement too
            say(f"morning peak: check-in at {FIXED_RATE} req/s while the monthly report runs on the worker")
            results.update(peak_bench(personas, tokens_file))
        if "pages" not in skip and remaining(120):
            say("pages: the daily pages as HTML, as HR and as a unit head")
            results.update(pages_bench(personas))
        stop(gunicorn)
        if "import" not in skip and remaining(150):
            rows = args.employees  # the cost curve: the import at the agency's size
            say(f"import: {rows:,} employees through the import path vs COPY FROM STDIN")
            results.update(import_bench(rows))
    finally:
        for proc in reversed(children):
            stop(proc)
        stop(redis)
    results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat()
    out = ROOT / "bench" / "results" / f"{results['git_sha']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    # a variant (history, another size: the cost curve) also keeps a file of its own, not overwritten by the next
    variant = "".join((f"-h{args.history}" if args.history != 1 else "",
                       f"-e{args.employees}" if args.employees != 60_000 else ""))  # fmt: skip
    if variant:
        (out.parent / f"{results['git_sha']}{variant}.json").write_text(json.dumps(results, indent=2, default=str))
    (VAR / "last.json").write_text(json.dumps(results, indent=2, default=str))
    print()
    print(table(results))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
