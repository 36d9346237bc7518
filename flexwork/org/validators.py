"""NIP validation exactly as docs/rules.md §7. Each failure has its own message, so an HR admin
fixing an import file knows which part of the number is wrong."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from flexwork.common.calendar import today_in

NIP_LENGTH = 18
NIP_FIRST_YEAR = 1960

NIP_NOT_DIGITS = _("The NIP must be exactly 18 digits (no spaces or dots).")
NIP_BAD_BIRTH_DATE = _("Digits 1–8 of the NIP must be a real birth date (YYYYMMDD).")
NIP_BAD_START_YEAR = _("Digits 9–12 of the NIP must be a year between %(first)s and %(last)s.")
NIP_BAD_START_MONTH = _("Digits 13–14 of the NIP must be a month from 01 to 12 for a PNS or CPNS.")
NIP_BAD_SEX_DIGIT = _("Digit 15 of the NIP must be 1 or 2.")
NIP_BAD_SEQUENCE = _("Digits 16–18 of the NIP must be a sequence number from 001.")

# Employee types whose digits 13–14 are a month (a CPNS already has the NIP it keeps as a PNS; PPPK NIPs
# carry other digits there).
TYPES_WITH_START_MONTH = {"PNS", "CPNS"}


def validate_nip(value: str, *, employee_type: str | None = "PNS", today: datetime.date | None = None) -> None:
    """Raise ValidationError(code=...) on the first rule the NIP breaks.

    `employee_type` None checks only what is common to every type (used where the type is unknown)."""
    value = value if isinstance(value, str) else ""
    if len(value) != NIP_LENGTH or not value.isascii() or not value.isdigit():
        raise ValidationError(NIP_NOT_DIGITS, code="nip_format")
    try:
        datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(NIP_BAD_BIRTH_DATE, code="nip_birth_date") from None
    last_year = (today or today_in(None)).year  # the installation's default office zone
    if not NIP_FIRST_YEAR <= int(value[8:12]) <= last_year:
        raise ValidationError(
            NIP_BAD_START_YEAR, code="nip_start_year", params={"first": NIP_FIRST_YEAR, "last": last_year}
        )
    if employee_type in TYPES_WITH_START_MONTH and not 1 <= int(value[12:14]) <= 12:
        raise ValidationError(NIP_BAD_START_MONTH, code="nip_start_month")
    if value[14] not in "12":
        raise ValidationError(NIP_BAD_SEX_DIGIT, code="nip_sex_digit")
    if value[15:18] == "000":
        raise ValidationError(NIP_BAD_SEQUENCE, code="nip_sequence")


LATITUDE_RANGE = _("A latitude lies between -90 and 90.")
LONGITUDE_RANGE = _("A longitude lies between -180 and 180.")


def validate_latitude(value) -> None:
    if value is not None and not -90 <= value <= 90:
        raise ValidationError(LATITUDE_RANGE, code="latitude_range")


def validate_longitude(value) -> None:
    if value is not None and not -180 <= value <= 180:
        raise ValidationError(LONGITUDE_RANGE, code="longitude_range")
