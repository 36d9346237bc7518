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


def test_it_is_prepared_once_per_connection_and_again_on_a_new_one(org_world):
    _codes(org_world.agency_a.id, "")
    with CaptureQueriesContext(connection) as ctx:
        _codes(org_world.agency_a.id, "")
    assert [q["sql"].split(" ")[0] for q in ctx.captured_queries] == ["EXECUTE"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [STATEMENT.name])
        assert cursor.fetchone()[0] == 1
    # the same connection object after a reconnect (a new session has none of the old statements)
    connection._fw_prepared = (object(), set())
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {STATEMENT.name}")
    assert _codes(org_world.agency_a.id, "A-ROOT") == ["A-DIV", "A-HR", "A-SEC"]


def test_connections_keep_one_generic_plan_for_the_prepared_statements(org_world):
    """Left to choose, PostgreSQL plans some statements again on every EXECUTE (docs/deployment.md)."""
    _codes(org_world.agency_a.id, "")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        cursor.execute(f"EXPLAIN EXECUTE {STATEMENT.name} (%s, %s)", [org_world.agency_a.id, ""])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "$1" in plan  # planned for any agency, not for this one's id
