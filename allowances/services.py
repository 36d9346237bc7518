"""Writes of the allowances app: HR clones a template into the agency's scheme and edits it
(docs/rules.md §10 "Scheme"). A version starts on the first day of a month; no version may start in or
before a month whose deductions are already computed (a finished or running report), so a computed
month never changes under its report. Every write checks the version the form was read at: a double
tap, or two HR admins at once, write once (409 for the second)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from allowances.models import AllowanceScheme
from allowances.schemes import TEMPLATE_FILES, scheme_validate, template
from flexwork.common.exceptions import ApplicationError, ConflictError
from flexwork.reports.models import ReportKind, ReportRun, RunStatus


def _computed_until(agency_id: int) -> datetime.date | None:
    """The last day of the latest month with a finished or running deduction report of a month that was over."""
    return (
        ReportRun.objects.filter(
            agency_id=agency_id,
            kind=ReportKind.ALLOWANCE,
            status__in=(RunStatus.DONE, RunStatus.RUNNING),
            provisional=False,  # a preview of a month still running does not fix its scheme
        )
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _effective_from_check(*, agency_id: int, effective_from) -> None:
    if not isinstance(effective_from, datetime.date) or effective_from.day != 1:
        message = _("A scheme starts on the first day of a month.")
        raise ApplicationError(message, code="invalid", fields={"effective_from": [message]})
    computed = _computed_until(agency_id)
    if computed is not None and effective_from <= computed:
        earliest = _next_month(computed)
        message = _(
            "Deductions up to %(month)s are already computed: a scheme can start from %(earliest)s at the earliest."
        ) % {"month": computed.strftime("%m/%Y"), "earliest": earliest.strftime("%m/%Y")}
        raise ApplicationError(message, code="month_computed", fields={"effective_from": [message]})


@transaction.atomic
def scheme_clone(*, actor, agency_id: int, template_code: str, effective_from) -> AllowanceScheme:
    """A new version of the agency's scheme from a shipped template, starting on `effective_from`."""
    if template_code not in TEMPLATE_FILES:
        message = _("Choose one of the shipped templates.")
        raise ApplicationError(message, code="invalid", fields={"template": [message]})
    _effective_from_check(agency_id=agency_id, effective_from=effective_from)
    if AllowanceScheme.objects.filter(agency_id=agency_id, effective_from=effective_from).exists():
        message = _("The agency already has a scheme starting that month: edit it instead.")
        raise ConflictError(message, code="duplicate", fields={"effective_from": [message]})
    try:
        with transaction.atomic():
            return AllowanceScheme.objects.create(
                agency_id=agency_id,
                effective_from=effective_from,
                template=template_code,
                data=scheme_validate(template(template_code)),
                created_by=actor,
                updated_by=actor,
            )
    except IntegrityError:
        message = _("The agency already has a scheme starting that month: edit it instead.")
        raise ConflictError(message, code="duplicate", fields={"effective_from": [message]}) from None


@transaction.atomic
def scheme_update(*, actor, scheme: AllowanceScheme, data: dict, version: int) -> AllowanceScheme:
    """Replace the scheme's data (validated), if nobody changed it since `version` and its month is not
    computed yet."""
    _effective_from_check(agency_id=scheme.agency_id, effective_from=scheme.effective_from)
    clean = scheme_validate(data)
    for key in ("template", "title", "source", "notes", "notes_id"):
        if key in scheme.data:
            clean[key] = scheme.data[key]
    changed = AllowanceScheme.objects.filter(id=scheme.id, version=version).update(
        data=clean, version=version + 1, updated_by=actor, updated_at=datetime.datetime.now(tz=datetime.UTC)
    )
    if not changed:
        raise ConflictError(_("The scheme was changed meanwhile: reload the page and make your changes again."))
    scheme.refresh_from_db()
    return scheme
