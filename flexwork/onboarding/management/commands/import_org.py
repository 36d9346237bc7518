"""manage.py import_org --agency CODE --kind employees FILE [--confirm]

The same preview and upsert as the HR page and the API: prints the counts and every row error;
with --confirm (and no errors) writes the rows in one transaction."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from flexwork.common.exceptions import ApplicationError
from flexwork.onboarding import services
from flexwork.onboarding.importing import row_error
from flexwork.org.models import Agency


class Command(BaseCommand):
    help = "Import employees, units or positions of an agency from a CSV or XLSX file (preview, or --confirm)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", required=True, help="the agency code")
        parser.add_argument("--kind", choices=["employees", "units", "positions"], default="employees")
        parser.add_argument("--confirm", action="store_true", help="write the rows (only when there are no errors)")

    def handle(self, *args, **options):
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            with transaction.atomic():
                batch = services.import_preview(
                    agency=agency,
                    kind=options["kind"].upper(),
                    data=path.read_bytes(),
                    name=path.name,
                    uploaded_by=None,
                )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for stored in batch.errors:
            error = row_error(stored)
            self.stdout.write(f"row {error.row} {error.column}: {error.text}")
        self.stdout.write(
            f"{batch.row_count} rows: {batch.new_count} new, {batch.changed_count} changed, "
            f"{batch.unchanged_count} unchanged, {batch.error_count} with errors"
        )
        if not options["confirm"]:
            self.stdout.write("Preview only: nothing written (add --confirm to import).")
            return
        if batch.error_count:
            raise CommandError("Not imported: fix the rows with errors first.")
        try:
            batch = services.import_confirm(batch=batch, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {batch.new_count} new, {batch.changed_count} changed, {batch.unchanged_count} unchanged."
            )
        )
