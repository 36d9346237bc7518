"""flexwork.common.db.PreparedStatement: the hot paths' fixed statements, prepared once per connection and kept
to one generic plan (settings PLAN_CACHE_OPTIONS)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwork.common.db import PreparedStatement

pytestmark = pytest.mark.django_db

STATEMENT = PreparedStatement(
    "fw_test_units_of_agency",
    "SELECT u.code FROM org_unit u WHERE u.agency_id = %(agency)s::bigint AND u.code <> %(skip)s::text "
    "AND u.agency_id = %(agency)s ORDER BY u.code",
)


def _codes(agency_id: int, skip: str) -> list[str]:
    with connection.cursor() as cursor:
        STATEMENT.execute(cursor, {"agency": agency_id, "skip": skip})
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_answers_with_its_named_parameters_each_once(org_world):
    assert STATEMENT.names == ["agency", "skip"]
    assert _codes(org_world.agency_a.id, "A-HR") == ["A-DIV", "A-ROOT", "A-SEC"]
    assert _codes(org_world.agency_b.id, "") == ["B-ROOT"]


def test_a_statement_without_parameters_runs_too(org_world):
    plain = PreparedStatement("fw_test_agency_count", "SELECT count(*) FROM org_agency")
    with connection.cursor() as cursor:
        plain.execute(cursor, {})
        assert cursor.fetchone()[0] >= 2


def test_it_is_prepared_once_per_connection(org_world):
    _codes(org_world.agency_a.id, "")
    with CaptureQueriesContext(connection) as ctx:
        _codes(org_world.agency_a.id, "")
    assert [q["sql"].split(" ")[0] for q in ctx.captured_queries] == ["EXECUTE"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [STATEMENT.name])
        assert cursor.fetchone()[0] == 1


def test_a_session_it_has_not_seen_is_read_first_and_never_prepared_twice(org_world):
    """As after a reconnect: the helper no longer knows the session, which holds this statement but not another
    one; the first is used as it is, the second prepared, and the other hot statements stay usable."""
    from flexwork.org.scope import scope_for

    _codes(org_world.agency_a.id, "")
    scope_for(org_world.hr_admin_a)  # the scope's statement too
    other = PreparedStatement("fw_test_unit_names", "SELECT u.name FROM org_unit u WHERE u.id = %(unit)s::bigint")
    connection._fw_prepared = (object(), set())

    assert _codes(org_world.agency_a.id, "A-ROOT") == ["A-DIV", "A-HR", "A-SEC"]
    with connection.cursor() as cursor:
        other.execute(cursor, {"unit": org_world.sec_a.id})
        assert cursor.fetchone()[0] == org_world.sec_a.name
    assert scope_for(org_world.hr_admin_a).agency_id == org_world.agency_a.id
    assert {STATEMENT.name, other.name, "fw_scope"} <= connection._fw_prepared[1]


def test_connections_keep_one_generic_plan_for_the_prepared_statements(org_world):
    """Left to choose, PostgreSQL plans some statements again on every EXECUTE (docs/deployment.md)."""
    _codes(org_world.agency_a.id, "")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute(f"EXPLAIN EXECUTE {STATEMENT.name} (%s, %s)", [org_world.agency_a.id, ""])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "$1" in plan  # planned for any agency, not for this one's id
