"""Pages at scale: the pages people open every day, timed as HTML through the real server and middleware
with a logged-in session (docs/performance.md "Pages at scale").

`measure_pages(base_url, sessions, *, seconds)` GETs each page as each role given (a session key per role:
`hr_admin`, `unit_head`), sequentially, for about `seconds` per page and role, and answers
`{"page_<name>_p50_ms": .., "page_<name>_p95_ms": ..}` (the slower role's figure) plus the same per role
(`page_<name>_<role>_p50_ms`, `…_p95_ms`, `…_n`). A request counts only when it answers 200 with the page's
own title (in English or Indonesian): a login page, an error page or a redirect is not a measurement. A page
a role may not open (403, 404) is left out for that role and said in `page_skipped`.

The HR dashboard answers from a one-minute cache keyed by its filters: every request here asks for a
range of the same length (30 days) ending on a different day, so each one is computed, none is served from
the cache. The team calendar is a month of the unit given (`team_unit_id`: the benchmark's 500-person
unit; the unit head's own unit when not given).

CLI: `python -m bench.pages --base-url http://127.0.0.1:8101 --sessionid KEY [--role unit_head] [--seconds 5]`.
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import statistics
import sys
import time
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

# The pages' titles as the catalogues give them (tests/bench/test_pages_bench.py checks them against gettext).
TITLES = {
    "home": ("Home", "Beranda"),
    "checkin": ("Check in or out", "Presensi masuk atau pulang"),
    "approval_queue": ("Approvals", "Persetujuan"),
    "team_calendar": ("Team calendar", "Kalender tim"),
    "employee_list": ("Employees", "Pegawai"),
    "hr_dashboard": ("Dashboard", "Dasbor"),
    "report": ("Reports", "Laporan"),
}
ROLES_OF = {
    "home": ("hr_admin", "unit_head"),
    "checkin": ("hr_admin", "unit_head"),
    "approval_queue": ("unit_head",),
    "team_calendar": ("hr_admin", "unit_head"),
    "employee_list": ("hr_admin",),
    "hr_dashboard": ("hr_admin",),
    "report": ("hr_admin", "unit_head"),
}
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
DASHBOARD_DAYS = 30
MIN_REQUESTS = 5
AGENCY_ZONE = "Asia/Jakarta"  # the benchmark agency's office day (bench/seed.py)


def _paths(*, name: str, role: str, today: datetime.date, team_unit_id: int | None, n: int) -> str:
    month = today.replace(day=1).isoformat()
    if name == "home":
        return "/"
    if name == "checkin":
        return "/attendance/"
    if name == "approval_queue":
        return "/arrangements/queue/"
    if name == "team_calendar":
        unit = f"unit={team_unit_id}&" if team_unit_id else ""
        return f"/schedule/team/?{unit}view=month&date={month}"
    if name == "employee_list":
        return f"/hr/employees/?unit={team_unit_id}" if team_unit_id else "/hr/employees/"
    if name == "hr_dashboard":
        # A different range each request (same length): a cache miss every time (see the module's text).
        end = today - datetime.timedelta(days=n)
        start = end - datetime.timedelta(days=DASHBOARD_DAYS - 1)
        return f"/dashboard/?date_from={start.isoformat()}&date_to={end.isoformat()}"
    if name == "report":
        return "/reports/"
    raise ValueError(name)


def _get(base_url: str, path: str, session: str, cookie_name: str | None) -> tuple[int, bytes, float]:
    names = [cookie_name] if cookie_name else ["sessionid", "__Host-sessionid"]
    request = urllib.request.Request(
        base_url.rstrip("/") + path,
        headers={"Cookie": "; ".join(f"{name}={session}" for name in names), "Accept": "text/html"},
    )
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, body, (time.perf_counter() - started) * 1000


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect (to the login page) is an answer, not followed
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _is_page(body: bytes, name: str) -> bool:
    found = TITLE_RE.search(body.decode("utf-8", "replace"))
    if not found:
        return False
    title = html.unescape(found.group(1)).strip()
    return any(title == expected or title.startswith(expected + " ·") for expected in TITLES[name])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure_pages(
    base_url: str,
    sessions: dict[str, str],
    *,
    seconds: float,
    team_unit_id: int | None = None,
    today: datetime.date | None = None,
    cookie_name: str | None = None,
    pages: tuple[str, ...] = tuple(TITLES),
) -> dict:
    """p50/p95 per page (and per role) in milliseconds; see the module's text. Raises RuntimeError when a
    page answers 200 with another page's title (a wrong page must not be timed)."""
    today = today or datetime.datetime.now(ZoneInfo(AGENCY_ZONE)).date()
    out: dict = {"page_skipped": []}
    for name in pages:
        worst: dict[str, float] = {}
        for role in ROLES_OF[name]:
            session = sessions.get(role)
            if not session:
                continue
            timings: list[float] = []
            deadline = time.perf_counter() + seconds
            n = 0
            # one request first, not timed: the answer says whether the role may open the page
            status, body, _ms = _get(base_url, _paths(name=name, role=role, today=today, team_unit_id=team_unit_id,
                                                      n=n), session, cookie_name)  # fmt: skip
            if status in (403, 404):
                out["page_skipped"].append(f"{name}:{role}:{status}")
                continue
            if status != 200 or not _is_page(body, name):
                raise RuntimeError(f"page {name} as {role}: HTTP {status}, not the page ({body[:200]!r})")
            while time.perf_counter() < deadline or len(timings) < MIN_REQUESTS:
                n += 1
                path = _paths(name=name, role=role, today=today, team_unit_id=team_unit_id, n=n)
                status, body, ms = _get(base_url, path, session, cookie_name)
                if status != 200 or not _is_page(body, name):
                    raise RuntimeError(f"page {name} as {role}: HTTP {status} at {path}, not the page")
                timings.append(ms)
            p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
            out[f"page_{name}_{role}_p50_ms"] = round(p50, 2)
            out[f"page_{name}_{role}_p95_ms"] = round(p95, 2)
            out[f"page_{name}_{role}_n"] = len(timings)
            out[f"page_{name}_{role}_bytes"] = len(body)
            worst["p50"] = max(worst.get("p50", 0.0), p50)
            worst["p95"] = max(worst.get("p95", 0.0), p95)
        if worst:
            out[f"page_{name}_p50_ms"] = round(worst["p50"], 2)
            out[f"page_{name}_p95_ms"] = round(worst["p95"], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--sessionid", action="append", required=True, help="A session key (repeat with --role).")
    parser.add_argument("--role", action="append", help="hr_admin or unit_head, one per --sessionid.")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--team-unit", type=int, default=None)
    parser.add_argument("--cookie-name", default=None)
    args = parser.parse_args(argv)
    roles = args.role or ["hr_admin", "unit_head"][: len(args.sessionid)]
    if len(roles) != len(args.sessionid):
        parser.error("give one --role per --sessionid")
    result = measure_pages(
        args.base_url,
        dict(zip(roles, args.sessionid, strict=True)),
        seconds=args.seconds,
        team_unit_id=args.team_unit,
        cookie_name=args.cookie_name,
    )
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
