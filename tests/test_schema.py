"""The OpenAPI schema: valid without warnings, every operation documents the error shape, and the
docs page is served from our own static files under our CSP."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent
ERROR_REF = "#/components/schemas/Error"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema_run(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "flexwork.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return result, target


@pytest.fixture(scope="module")
def schema(schema_run):
    _result, target = schema_run
    return yaml.safe_load(target.read_text())


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_validates_without_warnings(schema_run):
    result, target = schema_run

    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    assert target.stat().st_size > 0


def test_every_operation_documents_the_error_shape(schema):
    ops = list(operations(schema))
    assert ops, "the schema has no operations"
    missing = []
    for path, method, operation in ops:
        for code in ("400", "401", "403", "404"):
            response = operation["responses"].get(code, {})
            ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            if ref != ERROR_REF:
                missing.append(f"{method.upper()} {path} {code}")
    assert not missing, missing


def test_operation_ids_are_unique(schema):
    ids = [operation["operationId"] for _path, _method, operation in operations(schema)]

    assert len(ids) == len(set(ids))


def test_the_error_component_has_the_api_md_shape(schema):
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) == {"message", "code", "fields", "violations"}
    assert set(error["required"]) == {"message", "code", "fields", "violations"}


def test_the_evidence_upload_documents_its_multipart_body(schema):
    upload = schema["paths"]["/api/v1/evidence/"]["post"]
    content = upload["requestBody"]["content"]

    assert list(content) == ["multipart/form-data"]
    ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    file_field = schema["components"]["schemas"][ref]["properties"]["file"]
    assert file_field == {**file_field, "type": "string", "format": "binary"}
    assert {"201", "413", "415", "429"} <= set(upload["responses"])


# ---------------------------------------------------------------------------- served schema and docs


@pytest.mark.django_db
def test_schema_and_docs_load_without_login(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert schema["Content-Type"].startswith("application/vnd.oai.openapi")
    assert docs.status_code == 200
    assert docs["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_docs_use_local_assets_only(client):
    html = client.get("/api/docs/").content.decode()

    assert "http://" not in html and "https://" not in html and 'src="//' not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        url = f"/static/drf_spectacular_sidecar/swagger-ui-dist/{name}"
        assert url in assets
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a local static file"


@pytest.mark.django_db
def test_docs_work_under_the_csp(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)

    assert "'unsafe-inline'" not in csp
    # No inline script: every <script> loads a file, and carries this response's nonce.
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags and all("src=" in tag and f'nonce="{nonce}"' in tag for tag in tags)
    assert re.search(r"<style(?![^>]*nonce=)", html) is None
    # The init script is its own file (SpectacularSwaggerSplitView).
    init_src = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', html).group(1)
    init = client.get(init_src.replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in init.content
