"""The production files (docs/operations.md), read the way Docker would read them, since no Docker engine runs the
suite: docker-compose.yml (every process is PID 1 by exec, no default secret, a health check and a backup for
each part, the Procfile's processes and queues), the Dockerfile (two stages, runtime only, non-root, a health
check), deploy/Caddyfile, and the scripts the image runs (entrypoint, health check)."""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
CADDYFILE = "\n".join(line.split("#")[0] for line in (ROOT / "deploy" / "Caddyfile").read_text().splitlines())
SHELLS = {"sh", "bash", "dash", "ash", "/bin/sh", "/bin/bash", "/usr/bin/env"}
REQUIRED = {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "FLEXWORK_HOST"}
FULL_ENV = {"DJANGO_SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "0123abcd", "FLEXWORK_HOST": "flexwork.example.go.id"}


# ---------------------------------------------------------------------------- compose interpolation
class Unset(Exception):
    """A required variable (${NAME:?message}) is unset or empty: `docker compose` stops with the message."""


def _braced_end(text: str, start: int) -> int:
    """The index of the `}` closing the `${` at text[start]; braces nest (${A:-${B}})."""
    depth = 0
    for index in range(start, len(text)):
        if text.startswith("${", index):
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError(f"unclosed ${{ in {text!r}")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation (compose-spec "Interpolation"): $$, $NAME, ${NAME}, ${NAME:-default},
    ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt}, ${NAME+alt}, nested in the operand."""
    out, index = [], 0
    while index < len(text):
        if text.startswith("$$", index):
            out.append("$")
            index += 2
        elif text.startswith("${", index):
            end = _braced_end(text, index)
            body = text[index + 2 : end]
            name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", body).group(0)
            operator, operand = re.match(r"(:?[-?+]|)(.*)", body[len(name) :], re.DOTALL).groups()
            value = env.get(name)
            missing = value is None or (operator.startswith(":") and value == "")
            if operator in {":-", "-"}:
                out.append(interpolate(operand, env) if missing else value)
            elif operator in {":?", "?"}:
                if missing:
                    raise Unset(f"{name}: {interpolate(operand, env)}")
                out.append(value)
            elif operator in {":+", "+"}:
                out.append("" if missing else interpolate(operand, env))
            else:
                out.append(value or "")
            index = end + 1
        elif match := re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)", text[index:]):
            out.append(env.get(match.group(1), ""))
            index += match.end()
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def resolved(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolved(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolved(value, env) for key, value in node.items()}
    return node


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)


def test_the_interpolation_model_reads_compose_syntax():
    env = {"A": "a", "EMPTY": ""}
    assert interpolate("${A}-${B:-b}-${EMPTY:-e}-${EMPTY-kept}-$$A-${B:-${A:-x}}", env) == "a-b-e--$A-a"
    with pytest.raises(Unset, match="EMPTY: say"):
        interpolate("${EMPTY:?say}", env)
    assert interpolate("${A:+yes}${B:+no}", env) == "yes"


def test_compose_refuses_to_start_without_each_secret():
    resolved(COMPOSE, FULL_ENV)  # all set: every value resolves
    for name in REQUIRED:
        with pytest.raises(Unset, match=name):
            resolved(COMPOSE, {key: value for key, value in FULL_ENV.items() if key != name})


def test_no_password_or_secret_has_a_default():
    for text in _strings(COMPOSE):
        for match in re.finditer(r"\$\{([A-Z0-9_]*(?:PASSWORD|SECRET)[A-Z0-9_]*)(:?[-?+]|\})", text):
            assert match.group(2) == ":?", f"{match.group(1)} needs ${{{match.group(1)}:?…}}: {text}"


def test_the_database_password_reaches_every_client_and_the_server():
    services = resolved(COMPOSE, FULL_ENV)["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == FULL_ENV["POSTGRES_PASSWORD"]
    for name in ("web", "worker", "maintenance", "beat", "backup"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url == "postgres://flexwork:0123abcd@postgres:5432/flexwork", name


# ---------------------------------------------------------------------------- the file's shape
SERVICE_KEYS = {
    "build", "image", "command", "entrypoint", "environment", "env_file", "volumes", "ports", "depends_on",
    "healthcheck", "restart", "init", "stop_grace_period", "stop_signal", "user", "working_dir", "labels",
}  # fmt: skip
DURATION = re.compile(r"^(\d+(ms|s|m|h))+$")


def test_the_file_uses_only_known_keys_and_its_references_resolve():
    assert {key for key in COMPOSE if not key.startswith("x-")} == {"services", "volumes"}
    named_volumes = set(COMPOSE["volumes"])
    for name, service in SERVICES.items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert "image" in service or "build" in service, name
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in SERVICES and dependency != name, (name, dependency)
            assert rule["condition"] in {"service_started", "service_healthy", "service_completed_successfully"}
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith(("./", "/", "$")):
                assert source in named_volumes, (name, source)
            elif source.startswith("./"):
                assert (ROOT / source).exists() or source in {"./var/backups", "./deploy/certs"}, (name, source)
        for key in ("interval", "timeout", "start_period"):
            if key in service.get("healthcheck", {}):
                assert DURATION.match(service["healthcheck"][key]), (name, key)
        if "stop_grace_period" in service:
            assert DURATION.match(service["stop_grace_period"]), name
    used = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])}
    assert named_volumes <= used


def test_every_service_has_a_health_check_in_exec_or_shell_form():
    for name, service in SERVICES.items():
        test = service["healthcheck"]["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"} and len(test) >= 2, name


def _argv(service: dict) -> list:
    """What the container runs: its entrypoint (if set here) followed by its command."""
    entrypoint, command = service.get("entrypoint", []), service.get("command", [])
    for part in (entrypoint, command):
        assert isinstance(part, list), f"a string command may be wrapped in a shell; use a list: {part!r}"
    return [*entrypoint, *command]


def test_no_container_has_a_shell_as_pid_1():
    """A shell as PID 1 does not pass SIGTERM on: `docker stop` would wait and then kill gunicorn mid-request."""
    for name, service in SERVICES.items():
        argv = _argv(service)
        assert argv or "image" in service, name
        assert not argv or argv[0] not in SHELLS, (name, argv)
        assert "-c" not in argv[:2], (name, argv)
        if service.get("build"):
            # Through the image's entrypoint, which execs the command.
            assert "entrypoint" not in service, name
        elif argv and argv[0].startswith("/usr/local/bin/flexwork-"):
            # One of our shell scripts is the process: docker's init is PID 1 and passes signals on.
            assert service.get("init") is True, name


def _dockerfile_instruction(name: str) -> list[str]:
    return [line.split(None, 1)[1] for line in DOCKERFILE.splitlines() if line.startswith(f"{name} ")]


def test_the_image_entrypoint_execs_the_command():
    [entrypoint] = _dockerfile_instruction("ENTRYPOINT")
    assert json.loads(entrypoint) == ["/app/scripts/docker-entrypoint.sh"]  # exec form: no shell around it
    [command] = _dockerfile_instruction("CMD")
    assert json.loads(command)[0] == "gunicorn"
    script = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    assert [line for line in script.splitlines() if line.strip()][-1] == 'exec "$@"'
    assert "&" not in script.replace("&&", "")  # nothing left running in the background
    assert os.access(ROOT / "scripts" / "docker-entrypoint.sh", os.X_OK)


def test_the_entrypoint_becomes_the_command_itself(tmp_path):
    """`exec`: the command runs with the entrypoint's own process id, so it is PID 1 in the container."""
    report = tmp_path / "pid"
    entrypoint = subprocess.Popen(
        [
            str(ROOT / "scripts" / "docker-entrypoint.sh"),
            sys.executable,
            "-c",
            f"import os; open({str(report)!r}, 'w').write(str(os.getpid()))",
        ],
        env={**os.environ, "FLEXWORK_MIGRATE": "0"},
    )
    assert entrypoint.wait(timeout=30) == 0
    assert int(report.read_text()) == entrypoint.pid


def _fake_python(tmp_path: Path, status: int) -> Path:
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "python"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\nexit {status}\n')
    fake.chmod(0o755)
    return tmp_path / "calls"


def test_the_entrypoint_migrates_first_when_asked(tmp_path):
    calls = _fake_python(tmp_path, 0)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "FLEXWORK_MIGRATE": "1"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "docker-entrypoint.sh"), "sh", "-c", f"echo served >> {calls}"], env=env, timeout=30
    )
    assert done.returncode == 0
    assert calls.read_text().splitlines() == ["manage.py migrate --noinput", "served"]


def test_a_failed_migration_stops_the_start(tmp_path):
    calls = _fake_python(tmp_path, 1)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "FLEXWORK_MIGRATE": "1"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "docker-entrypoint.sh"), "sh", "-c", f"echo served >> {calls}"], env=env, timeout=30
    )
    assert done.returncode != 0
    assert calls.read_text().splitlines() == ["manage.py migrate --noinput"]


def test_only_the_web_service_migrates_and_the_rest_wait_for_it():
    migrating = [
        name for name, service in SERVICES.items() if service.get("environment", {}).get("FLEXWORK_MIGRATE") == "1"
    ]
    assert migrating == ["web"]
    for name in ("worker", "maintenance", "beat"):
        assert SERVICES[name]["depends_on"]["web"]["condition"] == "service_healthy", name


# ---------------------------------------------------------------------------- in step with the Procfile
def procfile() -> dict[str, list[str]]:
    processes = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            words = shlex.split(command)
            while "=" in words[0]:  # VARIABLE=value prefixes
                words.pop(0)
            words[0] = Path(words[0]).name  # .venv/bin/celery
            processes[name.strip()] = words
    return processes


def _queues(argv: list[str]) -> set[str]:
    return set(argv[argv.index("--queues") + 1].split(",")) if "--queues" in argv else set()


def test_compose_runs_the_procfiles_processes_with_the_same_arguments():
    application = {name for name, service in SERVICES.items() if service.get("build")}
    assert application == set(procfile())
    for name, words in procfile().items():
        argv = _argv(SERVICES[name])
        if name == "web":  # only the address differs: loopback for make run, every interface behind the proxy
            assert argv[: argv.index("--bind")] == words[: words.index("--bind")]
            assert argv[argv.index("--bind") + 1] == "0.0.0.0:8000"
        else:
            assert argv == words, name


def test_every_queue_has_a_consumer_in_compose_as_in_the_procfile(settings):
    compose_queues = set().union(*(_queues(_argv(service)) for service in SERVICES.values()))
    procfile_queues = set().union(*(_queues(words) for words in procfile().values()))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert compose_queues == procfile_queues == routed
    for name, service in SERVICES.items():
        argv = _argv(service)
        if "worker" in argv:
            hostname = argv[argv.index("--hostname") + 1] if "--hostname" in argv else "celery@%h"
            node = hostname.split("@")[0]
            assert f"-d {node}@$$HOSTNAME" in service["healthcheck"]["test"][1], name  # pings its own node


# ---------------------------------------------------------------------------- proxy and TLS
def test_only_the_tls_proxy_is_published_and_it_forwards_to_web():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {"80:80", "443:443"} <= set(SERVICES["proxy"]["ports"])
    assert SERVICES["proxy"]["image"].startswith("caddy:")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in SERVICES["proxy"]["volumes"]
    assert "reverse_proxy web:8000" in CADDYFILE
    assert "tls {$CADDY_TLS:internal}" in CADDYFILE
    assert "trusted_proxies" not in CADDYFILE  # clients' X-Forwarded-For is replaced, never trusted
    web_env = resolved(SERVICES["web"]["environment"], FULL_ENV)
    assert web_env["DJANGO_ALLOWED_HOSTS"] == FULL_ENV["FLEXWORK_HOST"]
    assert web_env["ALLAUTH_TRUSTED_PROXY_COUNT"] == "1"


def test_the_proxy_lets_bodies_through_up_to_what_flexwork_reads_and_answers(settings):
    size = re.search(r"max_size (\d+)MiB", CADDYFILE)
    assert size and int(size.group(1)) * 1024 * 1024 >= settings.FLEXWORK_DISCARD_MAX_BYTES


# ---------------------------------------------------------------------------- backups
def test_the_backup_service_dumps_on_a_schedule_with_the_servers_pg_dump():
    backup = SERVICES["backup"]
    assert backup["image"] == SERVICES["postgres"]["image"]  # pg_dump of the server's major version
    assert backup["entrypoint"] == ["/usr/local/bin/flexwork-backup", "--loop"]
    assert "./scripts/backup.sh:/usr/local/bin/flexwork-backup:ro" in backup["volumes"]
    assert backup["healthcheck"]["test"] == ["CMD", "/usr/local/bin/flexwork-backup", "--check"]
    env = resolved(backup["environment"], FULL_ENV)
    assert env["BACKUP_DIR"] == "/backups" and int(env["BACKUP_RETENTION_DAYS"]) > 0
    assert any(volume.endswith(":/backups") for volume in backup["volumes"])
    assert backup["depends_on"]["postgres"]["condition"] == "service_healthy"


# ---------------------------------------------------------------------------- the Dockerfile
def _stages() -> list[str]:
    return re.split(r"^(?=FROM )", DOCKERFILE, flags=re.MULTILINE)[1:]


def test_the_image_is_built_in_two_stages_and_runs_without_build_tools():
    build, runtime = _stages()
    assert build.startswith("FROM python:3.11-slim-bookworm AS build")
    assert "--require-hashes -r requirements/base.txt" in build
    assert "compilemessages" in build and "collectstatic" in build and "gettext" in build
    assert "gettext" not in runtime and "pip install" not in runtime
    assert "fonts-dejavu-core" in runtime  # the report PDF's font
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert "DJANGO_SETTINGS_MODULE=flexwork.settings.production" in runtime


def test_the_image_runs_as_a_user_and_checks_its_health():
    runtime = _stages()[-1]
    [user] = re.findall(r"^USER (\S+)", runtime, re.MULTILINE)
    assert user not in {"root", "0"}
    [healthcheck] = re.findall(r"^HEALTHCHECK .*$", runtime, re.MULTILINE)
    assert 'CMD ["python", "/app/scripts/healthcheck.py"]' in healthcheck
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "/app/scripts/healthcheck.py"]


def test_the_image_leaves_tests_and_local_files_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", ".env", "tests"} <= ignored


# ---------------------------------------------------------------------------- the health check script
class _Recorder(http.server.BaseHTTPRequestHandler):
    status = 200
    seen: list[dict] = []

    def do_GET(self):
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_web():
    _Recorder.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _healthcheck(port: int, allowed_hosts: str) -> int:
    env = {**os.environ, "HEALTHCHECK_PORT": str(port), "DJANGO_ALLOWED_HOSTS": allowed_hosts}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py")], env=env, capture_output=True, timeout=30
    ).returncode


def test_the_health_check_asks_as_the_proxy_would(fake_web):
    _Recorder.status = 200
    assert _healthcheck(fake_web.server_port, "*,.example.go.id") == 0
    [request] = _Recorder.seen
    assert request["path"] == "/healthz"
    assert request["host"] == "example.go.id" and request["x-forwarded-proto"] == "https"


def test_the_health_check_fails_on_503_and_on_silence(fake_web):
    _Recorder.status = 503
    assert _healthcheck(fake_web.server_port, "flexwork.example.go.id") == 1
    port = fake_web.server_port
    fake_web.shutdown()
    fake_web.server_close()
    assert _healthcheck(port, "flexwork.example.go.id") == 1


def test_the_backup_loop_stops_at_once_on_sigterm(tmp_path):
    """docker stop between two runs: the loop ends cleanly instead of waiting for the kill."""
    env = {
        **os.environ,
        "BACKUP_DIR": str(tmp_path),
        "BACKUP_INTERVAL_SECONDS": "3600",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    loop = subprocess.Popen([str(ROOT / "scripts" / "backup.sh"), "--loop"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        for line in loop.stderr:
            if "next one is in" in line:  # the first run failed (no server on port 1); now it waits
                break
        loop.send_signal(signal.SIGTERM)
        assert loop.wait(timeout=10) == 0
    finally:
        loop.kill()
