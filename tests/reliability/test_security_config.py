"""Security configuration not covered elsewhere (tests/test_security.py has `check --deploy`, CSP and
headers; tests/accounts the rate limits and MFA; tests/common/test_evidence.py content and size checks;
tests/common/test_audit.py the append-only history)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tests.test_security import ROOT, production_env

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def test_production_cookies_are_secure_samesite_and_the_session_cookie_httponly():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['SESSION_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SECURE',"
        "'CSRF_COOKIE_SAMESITE','SESSION_COOKIE_NAME','CSRF_COOKIE_NAME','SECURE_HSTS_SECONDS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-") and values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def _log_in(client, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    response = client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_the_session_key_rotates_at_login_and_the_cookie_is_httponly(employee_a):
    client = Client()
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key

    _log_in(client, employee_a)

    after = client.cookies["sessionid"]
    assert after.value and after.value != before
    assert after["httponly"] and after["samesite"] == "Lax"


def test_a_deactivated_user_is_shut_out_at_once_from_pages_and_the_api(employee_a, hr_admin_a):
    from flexwork.accounts.services import api_token_create
    from flexwork.org.services import employee_update

    browser = Client()
    _log_in(browser, employee_a)
    _token, key = api_token_create(user=employee_a, name="phone")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert browser.get("/profile/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 200

    employee_update(employee=employee_a.employee, data={"is_active": False}, actor=hr_admin_a)

    page = browser.get("/profile/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert api.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "/etc/cron.d/x.pdf", "a/../../b.pdf"])
def test_uploads_refuse_path_traversal_names(employee_a, name, settings, tmp_path):
    from flexwork.common.models import EvidenceFile
    from tests.reliability.world import PDF_BYTES

    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
        },
    }
    client = APIClient()
    client.force_authenticate(user=employee_a)

    response = client.post("/api/v1/evidence/", {"file": SimpleUploadedFile(name, PDF_BYTES)}, format="multipart")

    assert response.status_code in (201, 400), response.content
    for evidence in EvidenceFile.objects.all():
        assert ".." not in evidence.original_name and "/" not in evidence.original_name
        assert "\\" not in evidence.original_name
        stored = (tmp_path / "evidence" / evidence.stored_name).resolve()
        assert stored.is_relative_to((tmp_path / "evidence").resolve())


def test_location_data_never_reaches_the_audit_history(employee_a, hr_admin_a):
    from django.db import connection

    from flexwork.onboarding import services as onboarding
    from flexwork.org.services import employee_home_location_set

    employee_home_location_set(employee=employee_a.employee, latitude=Decimal("-5.135"), longitude=Decimal("119.42"))
    onboarding.home_location_request_submit(
        employee=employee_a.employee, latitude=Decimal("-5.136000"), longitude=Decimal("119.421000"), accuracy_m=10
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN ("
            " SELECT table_name FROM information_schema.columns WHERE column_name = 'pgh_created_at')"
            " AND (column_name LIKE '%%latitude%%' OR column_name LIKE '%%longitude%%' OR column_name LIKE '%%lat'"
            " OR column_name LIKE '%%lon')"
        )
        columns = cursor.fetchall()
        cursor.execute("SELECT table_name FROM information_schema.columns WHERE column_name = 'pgh_created_at'")
        tables = [row[0] for row in cursor.fetchall()]
        copies = []
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE row_to_json("{table}".*)::text LIKE %s', ["%119.42%"])
            if cursor.fetchone()[0]:
                copies.append(table)
    # Designated work locations and unit offices are places, not people: they may be audited.
    personal = [(t, c) for t, c in columns if not t.startswith(("org_designatedlocation", "org_unit"))]
    assert personal == [], personal
    assert copies == [], copies
