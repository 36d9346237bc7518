"""manage.py activation_codes_issue --agency CODE [--nip NIP ...] [--csv FILE]

First-login codes through the onboarding service (the HR page and the operator console use it too):
only for accounts never activated (docs/rules.md §7); a new code replaces the previous one. Without
--nip: every HR admin and the agency head still waiting. Prints the codes, or writes them to a CSV
whose cells no spreadsheet reads as formulas."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone, translation

from flexwork.common.exceptions import ApplicationError
from flexwork.onboarding import services as onboarding_services
from flexwork.org import operator
from flexwork.org.management.commands.agency_create import command_actor
from flexwork.org.models import Agency, Employee, RoleAssignment
from flexwork.reports.exports import spreadsheet_safe


class Command(BaseCommand):
    help = (
        "Issue first-login activation codes (valid 7 days) for employees of an agency who never activated "
        "their account: by --nip, or by default its HR admins and agency head. Prints them, or --csv FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency code")
        parser.add_argument("--nip", action="append", default=[], help="an employee's NIP (repeat for more)")
        parser.add_argument("--csv", default=None, help="write the codes to this CSV file instead of printing them")
        parser.add_argument("--by", default=None, help="username of the superuser doing this, for the audit trail")

    def handle(self, *args, **options):
        # The commands speak English, like their --help: the services' messages too.
        with translation.override("en"):
            self._handle(**options)

    def _handle(self, **options):
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r}.")
        actor = command_actor(options["by"])
        target = Path(options["csv"]) if options["csv"] else None
        if target is not None and ((target.exists() and not target.is_file()) or not target.parent.is_dir()):
            raise CommandError(f"Cannot write {target}.")
        employees = self._employees(agency, [nip.strip() for nip in options["nip"]])
        try:
            with pghistory.context(command="activation_codes_issue", user=actor.pk if actor else None):
                issued = onboarding_services.activation_codes_issue(employees=employees, issued_by=actor)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        expires = (timezone.now() + datetime.timedelta(days=onboarding_services.ACTIVATION_DAYS)).date().isoformat()
        if target is None:
            for employee, code in issued:
                self.stdout.write(f"{employee.nip}  {code}  {employee.name}")
            self.stdout.write(f"{len(issued)} code(s), valid until {expires}. They are shown only now.")
            return
        with target.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(["kode_instansi", "nip", "nama", "kode_aktivasi", "berlaku_sampai"])
            for employee, code in issued:
                writer.writerow(
                    [
                        spreadsheet_safe(agency.code),
                        spreadsheet_safe(employee.nip),
                        spreadsheet_safe(employee.name),
                        code,
                        expires,
                    ]
                )
        self.stdout.write(self.style.SUCCESS(f"{len(issued)} code(s) written to {target}, valid until {expires}."))

    def _employees(self, agency: Agency, nips: list[str]) -> list[Employee]:
        qs = Employee.objects.filter(agency=agency, is_active=True).select_related("user").order_by("name", "id")
        if nips:
            found = list(qs.filter(nip__in=nips))
            missing = sorted(set(nips) - {e.nip for e in found})
            if missing:
                raise CommandError(f"No active employee of {agency.code} has NIP {', '.join(missing)}.")
            return found
        holders = RoleAssignment.objects.filter(agency=agency, role__in=operator.APPOINTABLE_ROLES)
        waiting = [
            e
            for e in qs.filter(Q(user_id__in=holders.values("user_id")))
            if not onboarding_services.account_is_activated(e.user)
        ]
        if not waiting:
            raise CommandError(f"No HR admin or agency head of {agency.code} is waiting for a code.")
        return waiting
