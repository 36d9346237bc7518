"""The project's own promises: `make run` and docker-compose start the same processes, and every
environment variable the code reads is listed in .env.example and documented in docs/settings.md."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
INFRASTRUCTURE = {"postgres", "redis", "proxy", "backup"}  # tests/test_compose.py checks them


def procfile_processes() -> dict[str, str]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


def compose_services() -> dict[str, dict]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_make_run_and_compose_start_the_same_application_processes():
    services = compose_services()
    assert set(procfile_processes()) == set(services) - INFRASTRUCTURE == {"web", "worker", "maintenance", "beat"}
    assert INFRASTRUCTURE <= set(services)


def test_every_worker_consumes_the_default_and_reports_queues():
    worker_commands = [procfile_processes()["worker"], " ".join(compose_services()["worker"]["command"])]
    for command in worker_commands:
        assert re.search(r"--queues[ =]celery,reports\b", command), command


def test_web_runs_under_gunicorn_in_both():
    assert "gunicorn" in procfile_processes()["web"]
    assert "gunicorn" in compose_services()["web"]["command"]


def test_every_compose_service_has_a_health_check():
    for name, service in compose_services().items():
        assert "healthcheck" in service, name


def environment_names_in_code() -> set[str]:
    names = set()
    sources = list((ROOT / "flexwork" / "settings").glob("*.py")) + [ROOT / "gunicorn.conf.py"]
    pattern = re.compile(r"""(?:env(?:\.\w+)?|env_bool|os\.environ\.get|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    for source in sources:
        names.update(pattern.findall(source.read_text()))
    return names


def test_env_example_lists_every_variable_the_code_reads():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    missing = environment_names_in_code() - listed
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_settings_doc_documents_every_variable():
    documented = (ROOT / "docs" / "settings.md").read_text()
    missing = {name for name in environment_names_in_code() if f"`{name}`" not in documented}
    assert not missing, f"document in docs/settings.md: {sorted(missing)}"


def test_the_servers_date_is_banned_outside_the_office_calendar():
    """docs/rules.md §1: the server runs in UTC, so `timezone.localdate()` and `date.today()` answer
    the UTC date (06:55 WIB is 23:55 UTC the day before). Ruff bans them (TID251) everywhere but
    flexwork/common/calendar.py, in every form: attribute call, alias, `from … import`."""
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "TID" in lint["select"]
    banned = lint["flake8-tidy-imports"]["banned-api"]
    assert {"django.utils.timezone.localdate", "datetime.date.today"} <= set(banned)
    ruff = Path(sys.executable).with_name("ruff")
    found = subprocess.run(
        [str(ruff), "check", "--no-cache", "--select", "TID251", "--output-format", "concise", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert found.returncode == 0, found.stdout
