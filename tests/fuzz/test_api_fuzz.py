"""Schema fuzzing of the whole API (docs/reliability.md: "bad input never produces a 500").

Schemathesis reads /api/schema/ from the Django app (in-process WSGI, no network), generates valid
and invalid requests for every operation and sends them with the personal token of each role. Every
answer must be free of server errors and conform to the schema: documented status code, content type,
headers and body. Nothing is excluded. Operations that could disable the caller (revoking a token,
editing an employee) are sent with the token of a throwaway user of the same role, renewed before each
call, so the rest of the run keeps its credentials.

The run is derandomised (the same examples every time). `make test` runs FUZZ_EXAMPLES=4 per
operation and role; `make fuzz` runs 50 and adds schemathesis' coverage phase (FUZZ_COVERAGE=1).

The generated values include the edges that once reached a 500 (docs/rules.md §1 "Accepted dates"):
every `format: date` value is drawn from EDGE_DATES as well as from the calendar, and
`test_edge_values_never_reach_a_server_error` sends each operation a body nested 10,000 deep, NUL
characters in every text field and key, lists of 10,000 dates, and the edge dates in every date field
and date query parameter.
"""

from __future__ import annotations

import datetime
import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability.world import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# Schemathesis' coverage phase (boundary and invalid values of every parameter, as explicit examples)
# is thorough but slow: on in `make fuzz`, off in the quick run of `make test`.
PHASES = [Phase.explicit, Phase.generate] if os.environ.get("FUZZ_COVERAGE") == "1" else [Phase.generate]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# (method, path) of operations that could lock the caller out of the rest of the run.
SELF_DISABLING = {("POST", "/api/v1/tokens/{token_id}/revoke/"), ("PATCH", "/api/v1/employees/{employee_id}/")}

pytestmark = pytest.mark.django_db

# Dates outside 1900–2100, at its edges, and a day that does not exist: each must be a 400, never a 500.
EDGE_DATES = ["0001-01-01", "9999-12-31", "2026-02-29", "1899-12-31", "2101-01-01", "1900-01-01", "2100-12-31"]
schemathesis.openapi.format(
    "date",
    st.one_of(
        st.sampled_from(EDGE_DATES),
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)).map(
            datetime.date.isoformat
        ),
    ),
)
DEEP_JSON = "[" * 10_000 + "]" * 10_000
TEN_THOUSAND_DATES = [(datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 365)).isoformat() for i in range(10_000)]


@pytest.fixture
def api_schema(db):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: the WSGI handler must not close the test's connection (and with
    # it the transaction that isolates this test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def fuzz_world(org_world):
    return build_world(org_world)


def _real_ids(world) -> dict[str, int]:
    """Path parameter → id of a real agency-A object (so that some calls reach the view's logic)."""
    o = world.org
    return {
        "arrangement_id": world.arrangement.id,
        "batch_id": world.batch.id,
        "correction_id": world.correction.id,
        "delegation_id": world.delegation.id,
        "directive_id": world.directive.id,
        "employee_id": o.employee_a.employee.id,
        "evaluation_id": world.evaluation.id,
        "evidence_id": world.evidence.id,
        "indicator_id": world.indicator.id,
        "leave_id": world.leave.id,
        "notification_id": world.notification.id,
        "recall_id": world.recall.id,
        "skp_id": world.skp.id,
        "token_id": world.token.id,
        "unit_id": o.sec_a.id,
        "worklog_id": world.worklog.id,
    }


class Caller:
    """The token of one role, and a throwaway user of the same role for self-disabling operations."""

    def __init__(self, role: str, world):
        from flexwork.accounts.services import api_token_create
        from flexwork.org import services as org_services
        from flexwork.org.models import Role
        from tests.org.factories import EmployeeFactory

        o = world.org
        self.user = {"employee": o.employee_a, "supervisor": o.supervisor_a, "hr_admin": o.hr_admin_a}[role]
        _token, self.key = api_token_create(user=self.user, name=f"fuzz-{role}")
        spare = EmployeeFactory(
            agency=o.agency_a, unit=o.sec_a, position=o.position_a, supervisor=o.supervisor_a.employee
        )
        if role == "supervisor":
            EmployeeFactory(agency=o.agency_a, unit=o.sec_a, position=o.position_a, supervisor=spare)
        if role == "hr_admin":
            org_services.role_assign(agency=o.agency_a, user=spare.user, role=Role.HR_ADMIN)
        self.spare = spare

    def headers_for(self, case) -> dict[str, str]:
        if (case.method.upper(), case.path) not in SELF_DISABLING:
            return {"Authorization": f"Token {self.key}"}
        from flexwork.accounts.models import User
        from flexwork.accounts.services import api_token_create
        from flexwork.org.models import Employee

        User.objects.filter(id=self.spare.user_id).update(is_active=True)
        Employee.objects.filter(id=self.spare.id).update(is_active=True)
        _token, key = api_token_create(user=User.objects.get(id=self.spare.user_id), name="spare")
        return {"Authorization": f"Token {key}"}


def _fuzz(role: str):
    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=PHASES,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, fuzz_world):
        caller = _callers.get((role, id(fuzz_world))) or _callers.setdefault(
            (role, id(fuzz_world)), Caller(role, fuzz_world)
        )
        ids = _real_ids(fuzz_world)
        for name, value in list((case.path_parameters or {}).items()):
            # Every other generated id is swapped for a real one: half the calls reach the object.
            if name in ids and isinstance(value, int) and value % 2 == 0:
                case.path_parameters[name] = ids[name]
        case.call_and_validate(headers=caller.headers_for(case), checks=CHECKS)

    return test


_callers: dict = {}

test_an_employee_never_gets_a_server_error_or_an_undocumented_answer = _fuzz("employee")
test_a_supervisor_never_gets_a_server_error_or_an_undocumented_answer = _fuzz("supervisor")
test_an_hr_admin_never_gets_a_server_error_or_an_undocumented_answer = _fuzz("hr_admin")


# ---------------------------------------------------------------------------- edge values, every operation


def _openapi(client) -> dict:
    return json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/json").content)


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _edge_body(document: dict, schema: dict, date_value: str) -> dict:
    """Every property of the request body set to its edge: date → `date_value`, list of dates → 10,000
    of them, any other text → a NUL inside it; the rest left out."""
    body = {}
    for name, prop in _resolve(document, schema).get("properties", {}).items():
        prop = _resolve(document, prop)
        if prop.get("readOnly"):
            continue
        kind, fmt = prop.get("type"), prop.get("format")
        if kind == "string" and fmt == "date":
            body[name] = date_value
        elif kind == "array" and _resolve(document, prop.get("items", {})).get("format") == "date":
            body[name] = TEN_THOUSAND_DATES
        elif kind == "string" and fmt in (None, "", "email", "uri"):
            body[name] = "a\x00b"
    return body


def _assert_not_a_server_error(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code, response.content[:500])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), what
        assert set(response.json()) == {"message", "code", "fields", "violations"}, what


@pytest.mark.parametrize("role", ["employee", "hr_admin"])
def test_edge_values_never_reach_a_server_error(fuzz_world, role):
    from rest_framework.test import APIClient

    caller = Caller(role, fuzz_world)
    ids = _real_ids(fuzz_world)
    client = APIClient()
    document = _openapi(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {caller.key}", HTTP_ACCEPT_LANGUAGE="en")
    date_parameters = 0
    json_bodies = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            if (method.upper(), path) in SELF_DISABLING:
                continue
            url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
            send = getattr(client, method)
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("schema", {}).get("format") == "date":
                    date_parameters += 1
                    for value in ("0001-01-01", "9999-12-31", "2026-02-29"):
                        response = client.get(url, {parameter["name"]: value})
                        _assert_not_a_server_error(response, f"GET {url}?{parameter['name']}={value}")
                        if response.status_code not in (401, 403, 404):
                            assert response.status_code == 400, (url, parameter["name"], value, response.content[:300])
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            json_bodies += 1
            schema = content["application/json"]["schema"]
            for what, raw in (
                ("deep", DEEP_JSON),
                ("nul key", json.dumps({"\x00": 1})),
                ("edges 0001", json.dumps(_edge_body(document, schema, "0001-01-01"))),
                ("edges 9999", json.dumps(_edge_body(document, schema, "9999-12-31"))),
            ):
                response = send(url, raw, content_type="application/json")
                _assert_not_a_server_error(response, f"{method.upper()} {url} ({what})")
                if what == "deep" and response.status_code not in (401, 403, 404, 405, 409):
                    assert response.status_code == 400, (url, response.content[:300])
    assert date_parameters >= 20 and json_bodies >= 50  # the sweep really covers the API
