"""`manage.py seed_bench --employees 60000 --days 22 --seed 1`: a realistic agency for `make bench` (bench.seed)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate a benchmark agency (deterministic for a seed) through COPY; see bench/seed.py."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=60_000)
        parser.add_argument("--days", type=int, default=22, help="working days of history (the month's first N)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--months", type=int, default=1, help="months of history: the month and those before it")
        parser.add_argument("--month", default=None, help="YYYY-MM (default: the previous month)")
        parser.add_argument(
            "--checked", action="store_true", help="keep audit triggers and check every foreign key (slower)"
        )
        parser.add_argument(
            "--out-dir",
            default=None,
            help="where the tokens and personas files go (default: var/bench, as make bench reads)",
        )

    def handle(self, *args, employees, days, seed, month, checked, out_dir, months=1, **options):
        from bench.seed import seed as run_seed

        when = None
        if month:
            try:
                parsed = datetime.date.fromisoformat(f"{month}-01")
            except ValueError as exc:
                raise CommandError("--month must be YYYY-MM") from exc
            when = (parsed.year, parsed.month)
        try:
            result = run_seed(
                employees=employees,
                days=days,
                seed=seed,
                month=when,
                checked=checked,
                months=months,
                out_dir=Path(out_dir) if out_dir else None,
                log=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = ", ".join(f"{table} {count:,}" for table, count in sorted(result.counts.items()))
        self.stdout.write(rows)
        self.stdout.write(f"tokens: {result.tokens_path}; personas: {result.personas_path}")
        self.stdout.write(
            f"seed_seconds={result.seconds:.1f} (agency {result.personas['agency_code']}, id {result.agency_id})"
        )
