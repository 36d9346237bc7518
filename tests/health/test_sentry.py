"""SENTRY_DSN turns error tracking on (Sentry or GlitchTip); without sentry-sdk it stays off, logged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from flexwork.common import request_id as request_ids
from flexwork.health.sentry import _add_request_id, sentry_init

ROOT = Path(settings.BASE_DIR)

PROBE = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.options["dsn"],
    "pii": client.options["send_default_pii"],
    "environment": client.options["environment"],
    "release": client.options["release"],
}))
"""


def test_a_dsn_turns_error_tracking_on_without_personal_data():
    # A process of its own: sentry-sdk patches Django and Celery for the rest of the process.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "flexwork.settings.test",
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        "SENTRY_ENVIRONMENT": "staging",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {
        "active": True,
        "dsn": "http://public@127.0.0.1:9/1",
        "pii": False,
        "environment": "staging",
        "release": probe["release"],
    }
    assert probe["release"].startswith("flexwork@")


def test_no_dsn_no_error_tracking():
    import sentry_sdk

    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


def test_an_event_carries_the_request_id():
    token = request_ids._current.set("abcdef0123456789")
    try:
        event = _add_request_id({"message": "boom"}, {})
    finally:
        request_ids._current.reset(token)
    assert event["tags"] == {"request_id": "abcdef0123456789"}
    assert _add_request_id({"message": "outside"}, {}) == {"message": "outside"}


def test_without_sentry_sdk_the_hook_stays_off(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # what an install without the package does

    assert sentry_init(dsn="http://public@127.0.0.1:9/1", environment="production") is False
    assert "sentry-sdk is not installed" in caplog.text
