"""Every error of docs/api.md through a real endpoint: the body is {"message", "code", "fields",
"violations"} and the message is in the caller's language (Accept-Language)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.test import APIClient

from flexwork.accounts.models import ApiToken, ApiTokenEvent
from flexwork.common.models import EvidenceFile
from flexwork.common.services import evidence_upload
from tests.common.files import PDF_BYTES, PNG_BYTES, TEXT_BYTES, upload
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "id")


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def assert_in_each_language(bodies: dict[str, dict], msgid: str) -> None:
    """The message is `msgid` in the caller's language. (Where the Indonesian catalogue does not
    have the text yet, both are the English msgid: test_every_error_message_is_translated says so.)"""
    for language, body in bodies.items():
        assert body["message"] == in_language(language, msgid)


def token_client(key: str, language: str = "en", **kwargs) -> APIClient:
    client = APIClient(**kwargs)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


# ---------------------------------------------------------------------------- 400


def test_400_upload_without_a_file_names_the_field(alice, token_for):
    key = token_for(alice)
    bodies = {}
    for language in LANGUAGES:
        response = token_client(key, language).post("/api/v1/evidence/", {}, format="multipart")
        bodies[language] = assert_error(response, 400, "invalid")
        assert response["Content-Language"] == language

    assert bodies["en"]["fields"] == {"file": ["No file was submitted."]}
    assert bodies["id"]["fields"]["file"] != bodies["en"]["fields"]["file"]
    assert_in_each_language(bodies, "Some fields are not valid.")


def test_400_upload_of_an_empty_file(alice, token_for):
    response = token_client(token_for(alice)).post(
        "/api/v1/evidence/", {"file": upload("kosong.pdf", b"")}, format="multipart"
    )

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["file"]


# ---------------------------------------------------------------------------- 401


def test_401_without_credentials_asks_for_a_token():
    bodies = {}
    for language in LANGUAGES:
        response = APIClient().get("/api/v1/evidence/1/", HTTP_ACCEPT_LANGUAGE=language)
        bodies[language] = assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"

    assert bodies["en"]["message"] == "Authentication credentials were not provided."
    assert bodies["id"]["message"] != bodies["en"]["message"]


def test_401_with_an_unknown_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token fw_not-a-real-key")

    response = client.get("/api/v1/evidence/1/")

    assert_error(response, 401, "invalid_token")
    assert response["WWW-Authenticate"] == "Token"


# ---------------------------------------------------------------------------- 403


def test_403_forged_csrf_token_on_a_session_post(alice):
    bodies = {}
    for language in LANGUAGES:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(alice)
        client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
        response = client.post(
            "/api/v1/evidence/",
            {"file": upload("a.pdf", PDF_BYTES)},
            format="multipart",
            HTTP_X_CSRFTOKEN="b" * 32,
            HTTP_ACCEPT_LANGUAGE=language,
        )
        bodies[language] = assert_error(response, 403, "csrf_failed")

    assert_in_each_language(bodies, "The security token (CSRF) is missing or wrong. Reload the page and try again.")
    assert not EvidenceFile.objects.exists()


def test_403_a_page_post_with_a_bad_csrf_token_gets_the_html_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "x", "password": "y", "csrfmiddlewaretoken": "forged"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>" in response.content


# ---------------------------------------------------------------------------- 404


@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/nope", "/api/v1/evidence/999999/"])
def test_404_unknown_api_paths_answer_json(alice, token_for, path):
    key = token_for(alice)
    bodies = {}
    for language in LANGUAGES:
        bodies[language] = assert_error(token_client(key, language).get(path), 404, "not_found")

    assert bodies["en"]["message"] == "Not found."
    assert bodies["id"]["message"] != bodies["en"]["message"]


def test_404_unknown_api_path_without_credentials_is_json_too():
    assert_error(APIClient().post("/api/v1/nope/", {}), 404, "not_found")


def test_404_another_users_evidence_looks_like_a_missing_one(alice, bob, token_for):
    evidence = evidence_upload(user=alice, uploaded_file=upload("a.pdf", PDF_BYTES))
    client = token_client(token_for(bob))

    hidden = assert_error(client.get(f"/api/v1/evidence/{evidence.id}/"), 404, "not_found")
    missing = assert_error(client.get(f"/api/v1/evidence/{evidence.id + 1}/"), 404, "not_found")
    download = assert_error(client.get(f"/api/v1/evidence/{evidence.id}/download/"), 404, "not_found")

    assert hidden == missing == download


# ---------------------------------------------------------------------------- 409


def test_409_revoking_a_token_twice(alice, token_for):
    # Uses the token API of flexwork/accounts (POST /api/v1/tokens/{id}/revoke/).
    key = token_for(alice)
    token_for(alice)
    other = ApiToken.objects.filter(user=alice).order_by("id").last()
    client = token_client(key)

    assert client.post(f"/api/v1/tokens/{other.id}/revoke/").status_code == 200
    bodies = {}
    for language in LANGUAGES:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)
        bodies[language] = assert_error(client.post(f"/api/v1/tokens/{other.id}/revoke/"), 409, "already_revoked")

    assert_in_each_language(bodies, "This token was already revoked.")


# ---------------------------------------------------------------------------- 413


def test_413_upload_above_the_evidence_limit(alice, token_for, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    key = token_for(alice)
    bodies = {}
    for language in LANGUAGES:
        response = token_client(key, language).post(
            "/api/v1/evidence/", {"file": upload("besar.pdf", PDF_BYTES + b"0" * 2048)}, format="multipart"
        )
        bodies[language] = assert_error(response, 413, "too_large")
        assert list(bodies[language]["fields"]) == ["file"]

    with translation.override("en"):
        assert bodies["en"]["message"] == "The file is larger than 1.0\xa0KB."
    assert not EvidenceFile.objects.exists()


def test_413_body_above_the_request_limit_is_refused_before_it_is_read(alice, token_for, settings):
    settings.FLEXWORK_MAX_REQUEST_BYTES = 4096
    key = token_for(alice)
    bodies = {}
    for language in LANGUAGES:
        response = token_client(key, language).post(
            "/api/v1/evidence/", {"file": upload("besar.pdf", PDF_BYTES + b"0" * 8192)}, format="multipart"
        )
        bodies[language] = assert_error(response, 413, "too_large")

    assert_in_each_language(bodies, "The upload is too large.")
    assert not EvidenceFile.objects.exists()


# ---------------------------------------------------------------------------- 415


def test_415_a_text_file_named_pdf(alice, token_for):
    key = token_for(alice)
    bodies = {}
    for language in LANGUAGES:
        response = token_client(key, language).post(
            "/api/v1/evidence/", {"file": upload("surat.pdf", TEXT_BYTES, "application/pdf")}, format="multipart"
        )
        bodies[language] = assert_error(response, 415, "unsupported_media_type")
        assert list(bodies[language]["fields"]) == ["file"]

    assert_in_each_language(bodies, "Only PDF, JPEG, PNG, DOCX and XLSX files can be uploaded.")
    assert not EvidenceFile.objects.exists()


# ---------------------------------------------------------------------------- 429


def test_429_upload_throttle_answers_with_retry_after(alice, token_for):
    key = token_for(alice)
    client = token_client(key)
    # The rate is 60/min per user (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]); refused uploads count too.
    for _ in range(60):
        assert client.post("/api/v1/evidence/", {}, format="multipart").status_code == 400

    bodies = {}
    for language in LANGUAGES:
        response = token_client(key, language).post(
            "/api/v1/evidence/", {"file": upload("a.png", PNG_BYTES)}, format="multipart"
        )
        bodies[language] = assert_error(response, 429, "throttled")
        assert 0 < int(response["Retry-After"]) <= 60

    assert bodies["en"]["message"].startswith("Request was throttled.")
    assert bodies["id"]["message"] != bodies["en"]["message"]
    assert not EvidenceFile.objects.exists()


def test_the_upload_throttle_is_per_user(alice, bob, token_for):
    client = token_client(token_for(alice))
    for _ in range(61):
        client.post("/api/v1/evidence/", {}, format="multipart")

    response = token_client(token_for(bob)).post(
        "/api/v1/evidence/", {"file": upload("a.png", PNG_BYTES)}, format="multipart"
    )

    assert response.status_code == 201


# ---------------------------------------------------------------------------- 503


class DatabaseDown:
    """An execute wrapper that makes every query touching `table` fail as if PostgreSQL went away."""

    def __init__(self, table: str | None = None):
        self.table = table
        self.raised = 0

    def __call__(self, execute, sql, params, many, context):
        if self.table is None or f'"{self.table}"' in sql:
            self.raised += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def test_503_database_error_inside_an_api_view_rolls_back(alice, token_for):
    key = token_for(alice)
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is None
    events_before = ApiTokenEvent.objects.count()
    bodies = {}
    for language in LANGUAGES:
        down = DatabaseDown("common_evidencefile")
        with connection.execute_wrapper(down):
            # Authentication writes the token's last_used_at first; then the view's read fails.
            response = token_client(key, language).get("/api/v1/evidence/1/")
        assert down.raised == 1
        bodies[language] = assert_error(response, 503, "service_unavailable")
        assert response["Retry-After"] == "5"

    assert_in_each_language(bodies, "The service is briefly unavailable. Please try again in a moment.")
    token.refresh_from_db()
    assert token.last_used_at is None  # the write before the error was rolled back
    assert ApiTokenEvent.objects.count() == events_before


def test_503_when_storing_the_evidence_row_fails_nothing_is_kept(alice, token_for, evidence_root):
    client = token_client(token_for(alice))
    with connection.execute_wrapper(DatabaseDown("common_evidencefile")):
        response = client.post("/api/v1/evidence/", {"file": upload("a.pdf", PDF_BYTES)}, format="multipart")

    assert_error(response, 503, "service_unavailable")
    assert not EvidenceFile.objects.exists()
    assert not any(path.is_file() for path in Path(evidence_root).rglob("*"))


def test_503_database_down_before_the_api_view_goes_through_handler500(alice):
    client = APIClient(raise_request_exception=False)
    client.force_login(alice)  # the session is read from the database by the middleware
    with connection.execute_wrapper(DatabaseDown()):
        response = client.get("/api/v1/evidence/1/", HTTP_ACCEPT_LANGUAGE="en")

    body = assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "5"
    assert body["message"] == "The service is briefly unavailable. Please try again in a moment."


def test_503_database_down_on_a_page_gives_the_html_page(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with connection.execute_wrapper(DatabaseDown()):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert b"<h1>" in response.content


def test_a_real_bug_under_api_answers_json_500(alice, monkeypatch):
    from flexwork.common import apis

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(apis, "evidence_get_for", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(alice)

    response = client.get("/api/v1/evidence/1/")

    assert_error(response, 500, "server_error")


# ---------------------------------------------------------------------------- translations


ERROR_MESSAGES = [
    "Some fields are not valid.",
    "The security token (CSRF) is missing or wrong. Reload the page and try again.",
    "The upload is too large.",
    "The file is larger than %(limit)s.",
    "The file is empty.",
    "Only PDF, JPEG, PNG, DOCX and XLSX files can be uploaded.",
    "The service is briefly unavailable. Please try again in a moment.",
    "This token was already revoked.",
    "Not found.",
]


@pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.mo").exists(),
    reason="the Indonesian catalogue is not compiled (make messages)",
)
@pytest.mark.parametrize("msgid", ERROR_MESSAGES)
def test_every_error_message_is_translated(msgid):
    assert in_language("id", msgid) != msgid


# ---------------------------------------------------------------------------- bad input is never a 500


def test_413_form_fields_above_the_memory_limit(alice, token_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = token_client(token_for(alice)).post(
        "/api/v1/evidence/", {"note": "x" * 5000, "file": upload("a.pdf", PDF_BYTES)}, format="multipart"
    )

    assert_error(response, 413, "too_large")


def test_400_too_many_fields(alice, token_for, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    response = token_client(token_for(alice)).post(
        "/api/v1/evidence/", {f"f{i}": "x" for i in range(10)}, format="multipart"
    )

    assert_error(response, 400, "parse_error")


def test_400_a_broken_multipart_body(alice, token_for):
    response = token_client(token_for(alice)).generic(
        "POST", "/api/v1/evidence/", b"--nope\r\ngarbage", content_type="multipart/form-data; boundary="
    )

    assert_error(response, 400, "parse_error")
