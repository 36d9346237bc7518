"""Database session helpers shared by the statements that read much (reports, dashboards)."""

from __future__ import annotations

import contextlib

from django.db import DatabaseError, connections


@contextlib.contextmanager
def without_jit(using: str = "default"):
    """Runs the block's statements with PostgreSQL's JIT off, then resets it on the connection. The reports'
    and dashboards' statements have hundreds of expressions: PostgreSQL compiles them for longer than they run
    (docs/performance.md, "History and the hot queries"). An aborted transaction undoes the SET by itself."""
    with connections[using].cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connections[using].cursor() as cursor:
            cursor.execute("RESET jit")
