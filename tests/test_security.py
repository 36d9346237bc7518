"""Security configuration: `check --deploy` is clean in production settings, pages carry a strict
CSP with a nonce and the other protective headers, and no template needs 'unsafe-inline'."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def production_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="flexwork.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),  # 86 random characters
        DJANGO_ALLOWED_HOSTS="flexwork.example.go.id",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_a_page_carries_a_strict_csp_with_a_nonce_and_protective_headers(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    directives = csp_directives(response["Content-Security-Policy"])
    nonces = [v for v in directives["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    # The page's script carries the nonce of this very response.
    assert f'nonce="{nonce}"'.encode() in response.content
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_every_response_gets_a_fresh_nonce(client):
    first = client.get("/accounts/login/")["Content-Security-Policy"]
    second = client.get("/accounts/login/")["Content-Security-Policy"]

    assert first != second


# ---------------------------------------------------------------------------- templates

INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b[^>]*>", re.IGNORECASE)


def template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.suffix in {".html", ".txt", ".xml"})


def test_there_are_templates_to_check():
    assert len(template_files()) >= 2


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_need_no_unsafe_inline(path):
    text = path.read_text()
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if INLINE_HANDLER.search(line):
            problems.append(f"line {number}: inline event handler: {line.strip()}")
        if STYLE_ATTRIBUTE.search(line):
            problems.append(f"line {number}: style attribute: {line.strip()}")
    for tag in SCRIPT_TAG.findall(text):
        if "src=" not in tag or "nonce=" not in tag:
            problems.append(f"script without src and nonce: {tag}")
    for tag in STYLE_TAG.findall(text):
        if "nonce=" not in tag:
            problems.append(f"<style> without nonce: {tag}")

    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------- accounts


def test_failed_logins_are_counted_per_account_and_address_together():
    """allauth's `login_failed` "key" limit: one address's wrong passwords never lock the owner out elsewhere."""
    from django.test import RequestFactory

    from flexwork.accounts.adapters import AccountAdapter

    def key(address, login="198001012005011001"):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
        return AccountAdapter(request)._get_login_attempts_cache_key(request, username=login)

    assert key("198.51.100.1") != key("203.0.113.9")
    assert key("198.51.100.1") == key("198.51.100.1")
    assert key("198.51.100.1") != key("198.51.100.1", login="198001012005011002")


def test_every_new_password_reaches_the_hook_that_revokes_tokens():
    from django.contrib.auth.password_validation import get_default_password_validators

    from flexwork.accounts.passwords import PasswordChangedHook

    assert any(isinstance(v, PasswordChangedHook) for v in get_default_password_validators())


def test_production_keeps_the_login_delay_and_the_owner_notice():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.LOGIN_FAILURE_DELAY_SECONDS, s.LOGIN_FAILURE_NOTICE_AFTER, s.ACCOUNT_RATE_LIMITS['login_failed']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60
    )
    delay, notice_after, rates = json.loads(result.stdout.strip().splitlines()[-1])
    assert delay > 0 and notice_after >= 1
    assert "/key" in rates
