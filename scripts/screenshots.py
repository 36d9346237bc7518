"""make screenshots: each demo role's main screen on a phone (390×844, Bahasa Indonesia) as PNGs in
docs/screenshots/.

It uses a database of its own (SCREENSHOTS_DATABASE, default flexwork_screens, created if missing),
migrates it, runs seed_demo, starts runserver on a free loopback port, logs in as one account of each
role through the login page, saves the PNGs and stops the server. Nothing listens beyond 127.0.0.1;
the whole run is bounded by TIME_LIMIT_SECONDS (SCREENSHOTS_TIME_LIMIT, default 300)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
TIME_LIMIT_SECONDS = int(os.environ.get("SCREENSHOTS_TIME_LIMIT", "300"))  # a busy machine needs more
DATABASE = os.environ.get("SCREENSHOTS_DATABASE", "flexwork_screens")

# Role (as seed_demo --json names it) → (file name, the role's main screen). A role may name one demo
# person instead of the first account of the role: the call centre's operator and head (seed_demo's
# UPT-112, docs/rules.md §8), whose main screens are their duties and their unit's roster.
OPERATOR = "Andi Nurul Fadhilah"
ROSTER_HEAD = "Hasnawati Rauf"
SCREENS = [
    ("employee", "employee-home.png", "/"),
    ("employee", "employee-check.png", "/attendance/"),
    ("supervisor", "supervisor-queue.png", "/arrangements/queue/"),
    ("supervisor", "supervisor-verify.png", "/attendance/verify/"),
    ("unit_head", "unit-head-team-calendar.png", "/schedule/team/"),
    ("agency_head", "agency-head-home.png", "/"),
    ("agency_head", "agency-head-dashboard.png", "/dashboard/"),
    ("hr_admin", "hr-admin-administration.png", "/hr/"),
    (f"employee:{OPERATOR}", "roster-operator-duties.png", "/shifts/my/"),
    (f"unit_head:{ROSTER_HEAD}", "roster-head-rosters.png", "/shifts/rosters/"),
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "flexwork.settings.local",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
    )
    return env


def _run(*args: str, deadline: float) -> str:
    result = subprocess.run(
        [PY, *args], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=max(1, deadline - time.time())
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own loopback server
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the server did not answer at {url}")


def main() -> None:
    deadline = time.time() + TIME_LIMIT_SECONDS
    _run("scripts/ensure_database.py", deadline=deadline)
    _run("manage.py", "migrate", "--noinput", deadline=deadline)
    accounts = json.loads(_run("manage.py", "seed_demo", "--json", deadline=deadline))
    by_role: dict[str, dict] = {}
    for account in accounts if isinstance(accounts, list) else accounts["accounts"]:
        by_role.setdefault(account["role"], account)
        by_role.setdefault(f"{account['role']}:{account['name']}", account)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 — fixed arguments
        [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(f"{base}/healthz", deadline)
        _shoot(base, by_role, deadline)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _shoot(base: str, by_role: dict[str, dict], deadline: float) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--lang=id-ID"]
        )
        pages = {}
        for role, name, path in SCREENS:
            if time.time() > deadline:
                sys.exit("out of time")
            account = by_role.get(role)
            if account is None:
                print(f"no demo account for {role}; {name} skipped")
                continue
            page = pages.get(role)
            if page is None:
                context = browser.new_context(viewport=PHONE, locale="id-ID", device_scale_factor=1)
                context.add_cookies([{"name": "django_language", "value": "id", "url": base}])
                page = context.new_page()
                page.set_default_timeout(20_000)
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_login", account["username"])
                page.fill("#id_password", account["password"])
                page.locator("main button[type=submit]").click()
                page.wait_for_load_state()
                pages[role] = page
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(OUT / name))
            print(f"{name}: {account['name']} ({role}) at {path} → {page.url.removeprefix(base)}")
        browser.close()


if __name__ == "__main__":
    main()
