"""Schema fuzzing of the whole API (docs/reliability.md: "bad input never produces a 500").

Schemathesis reads /api/schema/ from the Django app (in-process WSGI, no network), generates valid
and invalid requests for every operation and sends them with the personal token of each role. Every
answer must be free of server errors and conform to the schema: documented status code, content type,
headers and body. Nothing is excluded. Operations that could disable the caller (revoking a token,
editing an employee) are sent with the token of a throwaway user of the same role, renewed before each
call, so the rest of the run keeps its credentials.

The run is derandomised (the same examples every time). `make test` runs FUZZ_EXAMPLES=4 per
operation and role; `make fuzz` runs 50 and adds schemathesis' coverage phase (FUZZ_COVERAGE=1).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
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
