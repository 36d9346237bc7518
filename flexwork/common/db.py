"""Database session settings for the statements that read much (reports, dashboards), and the prepared
statements of the hot paths."""

from __future__ import annotations

import contextlib
import re

from django.db import DatabaseError, connection, connections

# The monthly reports' one statement (docs/performance.md, "History and the hot queries"):
# - no JIT: PostgreSQL compiles its ~280 expressions for seconds before it runs, more than it saves;
# - no parallel workers: the statement keeps to one core, leaving the others to the morning's check-ins
#   (with two workers it took both cores of a small server: check-in p99 1.2 s during a report);
# - random reads priced as on SSD storage: the period's daily rows are read by their (agency, date) index
#   instead of scanning a year of history, which the default (4, spinning disks) prefers.
REPORT_STATEMENT_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0", "random_page_cost": "1.1"}
DASHBOARD_STATEMENT_SETTINGS = {"jit": "off"}


@contextlib.contextmanager
def statement_settings(values: dict[str, str], using: str = "default"):
    """Runs the block's statements with these settings of the database session, then resets them (one
    statement each way). An aborted transaction undoes the SET by itself."""
    with connections[using].cursor() as cursor:
        cursor.execute(" ".join(f"SET {name} = {value};" for name, value in values.items()))
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connections[using].cursor() as cursor:
            cursor.execute(" ".join(f"RESET {name};" for name in values))


# The hot paths' fixed statements (the check-in's, the token lookup, the request scope, the approval queue's) are
# planned once per database session (prepared statements): planning them cost more than running them, on every
# call. Needs session-level pooling (a pooler in transaction mode would hand a statement to another session;
# docs/deployment.md).


def positional_placeholders(sql: str) -> str:
    """`%s` placeholders as PREPARE's `$1, $2, …`."""
    parts = sql.split("%s")
    return "".join(part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, start=1))


def prepare_once(name: str, statement: str) -> None:
    """PREPARE `statement` as `name` once per connection of the default database (PREPARE outlives a
    rolled-back transaction; a new connection, after a reconnect, prepares again). The PREPARE is the
    connection's setup, like its SETs at connect: it goes on the driver's cursor, outside the queries Django
    counts, so a request's query count does not depend on whether its connection is new."""
    connection.ensure_connection()
    raw = connection.connection
    done = getattr(connection, "_fw_prepared", None)
    if done is None or done[0] is not raw:
        # A session not seen yet: start from what it holds (nothing, for a new one), so that a PREPARE is never
        # repeated on it (a repeated one fails, and with it the transaction).
        with raw.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            done = (raw, {row[0] for row in cursor.fetchall()})
        connection._fw_prepared = done
    if name not in done[1]:
        with raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {statement}")
        done[1].add(name)


class PreparedStatement:
    """A statement with `%(name)s` placeholders, prepared once per connection as `name` and run with EXECUTE.
    Each placeholder's first use carries its type (`%(me)s::bigint`) where the context does not give it."""

    def __init__(self, name: str, sql: str):
        self.name = name
        self.names: list[str] = []

        def number(match: re.Match) -> str:
            if match.group(1) not in self.names:
                self.names.append(match.group(1))
            return f"${self.names.index(match.group(1)) + 1}"

        self.statement = re.sub(r"%\((\w+)\)s", number, sql)
        self.execute_sql = (
            f"EXECUTE {name} ({', '.join(['%s'] * len(self.names))})" if self.names else f"EXECUTE {name}"
        )

    def execute(self, cursor, params: dict) -> None:
        prepare_once(self.name, self.statement)
        cursor.execute(self.execute_sql, [params[name] for name in self.names])
