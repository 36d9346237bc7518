"""Which database a query uses (settings.DATABASE_ROUTERS), when a streaming replica is configured
(DATABASE_REPLICA_URL → the "replica" alias; docs/deployment.md).

- Every write and every migration goes to the primary ("default").
- Ordinary reads stay on the primary too: a page shows what its user has just saved, never a
  replica that lags a second behind.
- Reads that ask for it with the hint `reporting=True` go to the replica: report aggregation, which
  reads many rows of finished days and tolerates a few seconds of lag. Raw SQL takes its connection
  from `reporting_alias()`; ORM reads use `Model.objects.db_manager(hints={"reporting": True})`.
- Without a "replica" alias everything uses "default".
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router

REPLICA_DB_ALIAS = "replica"


class ReplicaRouter:
    def _replica_configured(self) -> bool:
        return REPLICA_DB_ALIAS in settings.DATABASES

    def db_for_read(self, model, **hints) -> str:
        if hints.get("reporting") and self._replica_configured():
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows: an object read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica receives the schema through replication, never through `migrate`.
        return db == DEFAULT_DB_ALIAS


def reporting_alias() -> str:
    """The alias report aggregation reads from: "replica" when one is configured (and routing is on),
    else "default". Use it as `connections[reporting_alias()]` for raw SQL and COPY."""
    return router.db_for_read(apps.get_model("reports", "ReportRun"), reporting=True) or DEFAULT_DB_ALIAS
