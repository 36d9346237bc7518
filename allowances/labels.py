"""Words for the codes of the allowance ledger (docs/rules.md §10 "Ledger"): pages and the report's PDF and
XLSX show these; the CSV keeps the codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attendance.models import Absence

CAUSES = {
    "TL1": _("Late 1–30 minutes"),
    "TL2": _("Late 31–60 minutes"),
    "TL3": _("Late 61–90 minutes"),
    "TL4": _("Late more than 90 minutes"),
    "PSW1": _("Left 1–30 minutes early"),
    "PSW2": _("Left 31–60 minutes early"),
    "PSW3": _("Left 61–90 minutes early"),
    "PSW4": _("Left more than 90 minutes early"),
    "HKD": _("No check-in"),
    "HKP": _("No check-out"),
    "TK": _("Absent without reason"),
    **{str(code): label for code, label in Absence.choices if code not in ("TK", "LIBUR")},
    "TK_CONSECUTIVE": _("Consecutive days absent without reason"),
    "TK_WHOLE_MONTH": _("Absent without reason the whole month"),
    "KINERJA_SCORE": _("Work achievement (SKP) below 100 %"),
}

# The rule a line applies: a band (a missing record counted as a band), or one of these.
RULES = {
    **{code: CAUSES[code] for code in ("TL1", "TL2", "TL3", "TL4", "PSW1", "PSW2", "PSW3", "PSW4")},
    "HKD": _("Missing check-in"),
    "HKP": _("Missing check-out"),
    "TK": _("Per day absent without reason"),
    "LEAVE": _("Per working day of leave beyond its free days"),
    "SCORE": _("The difference between 100 and the month's SKP achievement"),
    "THRESHOLD": _("Threshold: the whole allowance"),
    "TOTAL": pgettext_lazy("allowance ledger", "Month's deduction"),
}

LINES = {
    "CUT": pgettext_lazy("allowance ledger line", "Cut"),
    "THRESHOLD": pgettext_lazy("allowance ledger line", "Threshold"),
    "TOTAL": pgettext_lazy("allowance ledger line", "Total"),
}

COMPONENTS = {
    "WHOLE": _("Whole allowance"),
    "KINERJA": _("Work performance (kinerja)"),
    "DISIPLIN": _("Discipline (disiplin)"),
}

VALUE_LABELS = {"line": LINES, "cause": CAUSES, "rule": RULES, "component": COMPONENTS}
