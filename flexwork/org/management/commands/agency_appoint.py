"""manage.py agency_appoint --agency CODE --role hr_admin|agency_head --nip NIP [--name NAME] [--remove]

The same as the operator console's "Appoint" and "Remove" (flexwork/org/operator.py): someone the
agency does not employ yet is created in its root unit (give --name), the NIP checked as the import
checks it."""

from __future__ import annotations

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from flexwork.common.exceptions import ApplicationError
from flexwork.org import operator
from flexwork.org.management.commands.agency_create import command_actor, error_text
from flexwork.org.models import Agency, Employee, EmployeeType, Role

ROLES = {"hr_admin": Role.HR_ADMIN, "agency_head": Role.AGENCY_HEAD}
TYPES = {
    "pns": EmployeeType.PNS,
    "cpns": EmployeeType.CPNS,
    "pppk": EmployeeType.PPPK,
    "pppk_paruh_waktu": EmployeeType.PPPK_PARUH_WAKTU,
}


class Command(BaseCommand):
    help = (
        "Appoint (or with --remove, remove) an agency's HR admin or agency head, by NIP. Someone the agency "
        "does not employ yet is created in its root unit: give --name (and --type, --email)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency code")
        parser.add_argument("--role", required=True, choices=sorted(ROLES), help="hr_admin or agency_head")
        parser.add_argument("--nip", required=True, help="the person's 18-digit NIP")
        parser.add_argument("--name", default="", help="full name, to create someone not employed yet")
        parser.add_argument("--type", default="pns", choices=sorted(TYPES), help="employee type of a new employee")
        parser.add_argument("--email", default="", help="e-mail address of a new employee (optional)")
        parser.add_argument("--remove", action="store_true", help="take the role away instead")
        parser.add_argument("--by", default=None, help="username of the superuser doing this, for the audit trail")

    def handle(self, *args, **options):
        # The commands speak English, like their --help: the services' messages too.
        with translation.override("en"):
            self._handle(**options)

    def _handle(self, **options):
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with code {options['agency']!r}.")
        role = ROLES[options["role"]]
        actor = command_actor(options["by"])
        context = {"command": "agency_appoint", "user": actor.pk if actor else None}
        nip = options["nip"].strip()
        try:
            with pghistory.context(**context):
                if options["remove"]:
                    employee = Employee.objects.filter(agency=agency, nip=nip).first()
                    if employee is None:
                        raise CommandError(f"No employee of {agency.code} has NIP {nip}.")
                    operator.person_remove(agency=agency, employee=employee, role=role)
                    self.stdout.write(self.style.SUCCESS(f"{employee.name} is no longer {options['role']}."))
                    return
                done = operator.person_appoint(
                    agency=agency,
                    nip=nip,
                    role=role,
                    name=options["name"],
                    employee_type=TYPES[options["type"]],
                    email=options["email"],
                )
        except ApplicationError as error:
            raise CommandError(error_text(error)) from error
        name = done.employee.name
        if not done.assigned:
            self.stdout.write(f"{name} is already {options['role']}: nothing changed.")
            return
        made = " (new employee in the root unit)" if done.created else ""
        self.stdout.write(self.style.SUCCESS(f"Appointed {name}{made} as {options['role']} of {agency.code}."))
        self.stdout.write(f"Next: manage.py activation_codes_issue --agency {agency.code} --nip {done.employee.nip}")
