"""manage.py agency_create --code CODE --name NAME --zone WITA --root-code CODE [--root-name NAME] [--address TEXT]

The same set-up as the operator console (flexwork/org/operator.py): the agency with its default
policy and its root unit. Then appoint its first HR admin with agency_appoint."""

from __future__ import annotations

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from flexwork.common.exceptions import ApplicationError
from flexwork.org import operator

ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def zone_name(value: str) -> str:
    """WIB, WITA or WIT, or a zone name of docs/rules.md §1 (Asia/Pontianak is WIB too)."""
    from django.conf import settings

    zone = ZONES.get(value.upper(), value)
    if zone not in settings.FLEXWORK_TIME_ZONES:
        choices = ", ".join([*ZONES, *settings.FLEXWORK_TIME_ZONES])
        raise CommandError(f"Unknown time zone {value!r}: use one of {choices}.")
    return zone


def error_text(error: ApplicationError) -> str:
    """The service's message with each field's reasons, on one line per field."""
    lines = [error.message]
    for field, messages in error.fields.items():
        for message in messages:
            if str(message) != error.message:
                lines.append(f"  {field}: {message}")
    return "\n".join(lines)


def command_actor(username: str | None):
    """The superuser named by --by, recorded as the actor; None when not given."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_superuser=True, is_active=True).first()
    if user is None:
        raise CommandError(f"--by {username!r} is not an active superuser.")
    return user


class Command(BaseCommand):
    help = (
        "Create an agency with its default policy and its root unit (the operator console does the same). "
        "Next: agency_appoint to appoint its first HR admin, activation_codes_issue for their code."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="the agency's code, unique in the installation")
        parser.add_argument("--name", required=True, help="the agency's name")
        parser.add_argument(
            "--zone", default="WIB", help="WIB, WITA or WIT (or Asia/Jakarta, Asia/Pontianak, ...); default WIB"
        )
        parser.add_argument("--root-code", required=True, help="the code of the unit at the top of the tree")
        parser.add_argument("--root-name", default="", help="the root unit's name (default: the agency's name)")
        parser.add_argument("--address", default="", help="printed under the name on report PDFs")
        parser.add_argument("--by", default=None, help="username of the superuser doing this, for the audit trail")

    def handle(self, *args, **options):
        # The commands speak English, like their --help: the services' messages too.
        with translation.override("en"):
            self._handle(**options)

    def _handle(self, **options):
        zone = zone_name(options["zone"])
        actor = command_actor(options["by"])
        context = {"command": "agency_create", "user": actor.pk if actor else None}
        try:
            with pghistory.context(**context):
                agency = operator.agency_setup(
                    code=options["code"],
                    name=options["name"],
                    time_zone=zone,
                    address=options["address"],
                    root_code=options["root_code"],
                    root_name=options["root_name"] or options["name"],
                )
        except ApplicationError as error:
            raise CommandError(error_text(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created agency {agency.code} ({agency.name}), zone {zone}."))
        self.stdout.write(
            f"Next: manage.py agency_appoint --agency {agency.code} --role hr_admin --nip <NIP> --name <name>"
        )
