"""The weekly quota as the employee reads it (docs/rules.md §3, "Quota shown to the employee"): one line
per ISO week of the requested days, the week named by its Monday–Friday dates in the active language,
counting the days of this request."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def week_label(iso_year: int, iso_week: int) -> str:
    """ "14–18 Des", or "30 Nov–4 Des" / "29 Des 2026–2 Jan 2027" across a month or a year."""
    monday = datetime.date.fromisocalendar(iso_year, iso_week, 1)
    friday = monday + datetime.timedelta(days=4)
    if monday.year != friday.year:
        return f"{date_format(monday, 'j M Y')}–{date_format(friday, 'j M Y')}"
    if monday.month != friday.month:
        return f"{date_format(monday, 'j M')}–{date_format(friday, 'j M')}"
    return f"{date_format(monday, 'j')}–{date_format(friday, 'j M')}"


def quota_weeks(quota: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The check's `quota` as display rows: label, used, requested, pending, left and one sentence."""
    if not quota:
        return []
    cap = quota.get("cap", 0)
    rows = []
    for week in quota.get("weeks") or []:
        used, requested, pending = week["approved"], week["requested"], week["pending"]
        left = max(0, cap - used - requested)
        label = week_label(week["iso_year"], week["iso_week"])
        text = _("%(week)s: used %(used)d, this request %(requested)d, left %(left)d") % {
            "week": label,
            "used": used,
            "requested": requested,
            "left": left,
        }
        if pending:
            text += " " + ngettext(
                "(%(count)d more day waiting for a decision)", "(%(count)d more days waiting for a decision)", pending
            ) % {"count": pending}
        rows.append(
            {
                "label": label,
                "used": used,
                "requested": requested,
                "pending": pending,
                "left": left,
                "over": used + requested > cap,
                "text": text,
            }
        )
    return rows


def quota_context(quota: dict[str, Any] | None) -> dict[str, Any]:
    """What templates/schedules/_quota.html reads."""
    if not quota:
        return {"quota": None, "quota_rows": []}
    return {"quota": quota, "quota_rows": quota_weeks(quota) if quota.get("counts_in_cap") else []}
