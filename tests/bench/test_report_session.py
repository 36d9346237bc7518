"""The monthly report runs its statement without PostgreSQL's JIT, without parallel workers and with random reads
priced as on SSD storage, and leaves the connection as it found it (docs/performance.md, "History and the hot
queries")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.seed import seed


@pytest.mark.django_db
def test_the_report_statement_runs_with_its_settings_and_resets_them(tmp_path, settings):
    from flexwork.accounts.models import User
    from flexwork.reports import services as report_services

    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "reports"), "base_url": None}},
    }  # fmt: skip
    result = seed(employees=200, days=3, seed=7, month=(2026, 10), checked=True, out_dir=tmp_path, log=lambda _l: None)
    p = result.personas
    names = ("jit", "max_parallel_workers_per_gather", "random_page_cost")

    def current() -> list[str]:
        with connection.cursor() as cursor:
            return [cursor.execute(f"SHOW {name}") or cursor.fetchone()[0] for name in names]

    before = current()
    assert before != ["off", "0", "1.1"]
    run, _created = report_services.report_run_request(
        user=User.objects.get(id=p["hr_admin"]["user_id"]), kind="COMPLIANCE", period=p["month"],
        unit_id=p["root_unit_id"],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert report_services.report_run_execute(run_id=run.id)
    statements = [q["sql"] for q in queries.captured_queries]
    settings_on = "SET jit = off; SET max_parallel_workers_per_gather = 0; SET random_page_cost = 1.1;"
    reset = "RESET jit; RESET max_parallel_workers_per_gather; RESET random_page_cost;"
    assert statements.index(settings_on) < statements.index(reset)
    assert current() == before
