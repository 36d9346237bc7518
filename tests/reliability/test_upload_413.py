"""An upload over the limit reaches the client as the 413 in the error shape (docs/api.md "Errors"), through
a real gunicorn and a real HTTP client: the server reads and discards the rest of the body before it
answers, so the client, still sending, gets the answer instead of a connection reset."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.common.files import PDF_BYTES

ROOT = Path(__file__).resolve().parents[2]
TWELVE_MB = 12 * 1024 * 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}: {process.stdout.read()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening in time")


@pytest.fixture(scope="module")
def gunicorn_url():
    """gunicorn with the project's config (one worker) on a free loopback port, stopped afterwards."""
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "flexwork.settings.test",
        "WEB_CONCURRENCY": "1",
        "WEB_TIMEOUT": "30",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "-b",
            f"127.0.0.1:{port}",
            "flexwork.wsgi:application",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_listening(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    content = PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_12_mb_upload_gets_the_413_json(gunicorn_url, language):
    body, content_type = _multipart(TWELVE_MB)
    response = requests.post(
        f"{gunicorn_url}/api/v1/evidence/",
        data=body,
        headers={"Content-Type": content_type, "Accept-Language": language, "Authorization": "Token not-checked"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/json")
    payload = response.json()
    assert set(payload) == {"message", "code", "fields", "violations"}
    assert payload["code"] == "too_large"
    assert (
        payload["message"] == {"en": "The upload is too large.", "id": "Berkas yang diunggah terlalu besar."}[language]
    )


def test_a_12_mb_upload_from_a_page_gets_a_page_saying_so(gunicorn_url):
    body, content_type = _multipart(TWELVE_MB)
    response = requests.post(
        f"{gunicorn_url}/attendance/log/",
        data=body,
        headers={"Content-Type": content_type, "Accept-Language": "en"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html")
    assert "larger than 10.0\xa0MB" in response.text
    assert "choose a smaller file" in response.text


def test_the_server_still_answers_after_refusing(gunicorn_url):
    body, content_type = _multipart(TWELVE_MB)
    for _ in range(3):
        response = requests.post(
            f"{gunicorn_url}/api/v1/evidence/", data=body, headers={"Content-Type": content_type}, timeout=60
        )
        assert response.status_code == 413
    assert requests.get(f"{gunicorn_url}/healthz", timeout=10).status_code in (200, 503)
