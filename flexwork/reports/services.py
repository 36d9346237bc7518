"""Report runs: asking for one, computing it exactly once, requeueing lost ones; the monthly runs
and the daily reminder digests.

Exactly once: a run is claimed by compare-and-swap (QUEUED → RUNNING, or RUNNING whose lease
expired), which bumps `attempts`; every later write of that attempt (lease renewal, DONE) is
conditional on the same `attempts`, so a worker that lost its lease can never finish a run that a
newer attempt owns. Files carry the attempt in their name and the DONE write points at them; the
checksum is that of the canonical CSV, so a rerun's equals a clean run's."""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import re
import time
import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from flexwork.common.calendar import now_in, today_in, unit_zone_name
from flexwork.common.db_routers import reporting_alias
from flexwork.common.exceptions import ApplicationError
from flexwork.common.timezones import zone_abbreviation
from flexwork.org import scope as org_scope
from flexwork.org.models import Agency, Unit
from flexwork.outbox.services import outbox_enqueue
from flexwork.reports import exports, pdf
from flexwork.reports.kinds import KINDS, MISSING, MONTHLY_KINDS, month_bounds, sql_params
from flexwork.reports.models import (
    FILE_EXTENSIONS,
    FILE_FORMATS,
    LIVE_STATUSES,
    PENDING_STATUSES,
    ReportRun,
    RunStatus,
    reports_storage,
)

logger = logging.getLogger("flexwork.reports")

RUN_TOPIC = "reports.run"
ERROR_MAX_CHARS = 2000

# What a failed run tells HR (stored in English, shown translated; the details go to the log, never a
# server path or an exception text to the page).
ERROR_FILES = gettext_noop(
    "The report files could not be written after several attempts. The previous finished report, if any, "
    "is still available. Try again later; if it keeps failing, tell the system administrator."
)
ERROR_WORKER_LOST = gettext_noop("The report was interrupted too many times. Ask for it again.")
ERROR_MESSAGES = (ERROR_FILES, ERROR_WORKER_LOST)


def lease_seconds() -> int:
    return int(getattr(settings, "REPORTS_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "REPORTS_MAX_ATTEMPTS", 3))


class LeaseLost(Exception):
    """Another attempt owns the run now: stop without writing anything."""


# ---------------------------------------------------------------------------- periods

PERIOD_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "semester": re.compile(r"^(\d{4})-S([12])$"),
    "year": re.compile(r"^(\d{4})$"),
}


def period_parse(*, kind: str, period: str) -> tuple[datetime.date, datetime.date]:
    """ "2026-03" (a month), "2026-Q1", "2026-S1" or "2026", as the kind allows. Discipline counts
    the calendar year: a month means January up to that month."""
    spec = KINDS[kind]
    text = (period or "").strip()
    for name in spec.period_formats:
        match = PERIOD_PATTERNS[name].match(text)
        if not match:
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            break
        if name == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            start, end = month_bounds(year, month)
            if spec.year_to_date:
                start = datetime.date(year, 1, 1)
            return start, end
        if name == "quarter":
            q = int(match.group(2))
            return month_bounds(year, 3 * q - 2)[0], month_bounds(year, 3 * q)[1]
        if name == "semester":
            s = int(match.group(2))
            return month_bounds(year, 6 * s - 5)[0], month_bounds(year, 6 * s)[1]
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    examples = {"month": "2026-03", "quarter": "2026-Q1", "semester": "2026-S1", "year": "2026"}
    allowed = ", ".join(examples[name] for name in spec.period_formats)
    message = _("Give the period as one of: %(formats)s.") % {"formats": allowed}
    raise ApplicationError(message, code="invalid_period", fields={"period": [message]})


def parameters_clean(*, kind: str, parameters: dict | None, agency: Agency) -> dict:
    parameters = dict(parameters or {})
    allowed = set(KINDS[kind].parameters)
    unknown = sorted(set(parameters) - allowed)
    if unknown:
        message = _("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)}
        raise ApplicationError(message, code="invalid_parameters", fields={"parameters": [message]})
    for name, clean in KINDS[kind].parameters.items():
        parameters[name] = clean(parameters.get(name, MISSING), agency=agency)
    return parameters


def parameters_hash(parameters: dict) -> str:
    return hashlib.sha256(json.dumps(parameters, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# ---------------------------------------------------------------------------- asking for a run


def report_units_q(scope: org_scope.UserScope) -> Q:
    """Units whose reports the user may ask for and read: the whole agency for HR and the agency
    head, the subtrees they head for unit heads, nothing for others."""
    if scope.agency_id is None:
        return Q(pk__in=[])
    if scope.agency_wide:
        return Q(agency_id=scope.agency_id)
    if scope.headed_unit_ids:
        return Q(agency_id=scope.agency_id, path__overlap=list(scope.headed_unit_ids))
    return Q(pk__in=[])


def default_unit_for(scope: org_scope.UserScope) -> Unit | None:
    qs = Unit.objects.filter(agency_id=scope.agency_id)
    if scope.agency_wide:
        return qs.filter(parent__isnull=True).first()
    if scope.headed_unit_ids:
        return qs.filter(id__in=scope.headed_unit_ids).order_by("path").first()
    return None


def _scope_unit(*, scope: org_scope.UserScope, unit_id: int | None, kind: str) -> Unit:
    """404 when the unit is not visible at all; 403 when the role may not run the kind there."""
    if unit_id is None:
        unit = default_unit_for(scope)
        if unit is None:
            raise PermissionDenied(_("Your role does not allow this report."))
    else:
        unit = org_scope.visible_units(scope).filter(id=unit_id).first()
        if unit is None:
            raise Http404(_("No such unit."))
    if not scope.roles & KINDS[kind].roles:
        raise PermissionDenied(_("Your role does not allow this report."))
    if not Unit.objects.filter(report_units_q(scope), id=unit.id).exists():
        raise PermissionDenied(_("Your role does not allow reports on this unit."))
    return unit


@transaction.atomic
def report_run_request(
    *,
    user,
    kind: str,
    period: str,
    unit_id: int | None = None,
    parameters: dict | None = None,
    refresh: bool = False,
) -> tuple[ReportRun, bool]:
    """Ask for a report. Returns (run, created): the live run of the same kind, scope, period and
    parameters when there is one (unless `refresh`, which supersedes it), else a new queued run,
    started through the outbox once the transaction commits."""
    scope = org_scope.require_agency(user)
    if kind not in KINDS:
        message = _("Unknown report kind “%(kind)s”.") % {"kind": kind}
        raise ApplicationError(message, code="invalid_kind", fields={"kind": [message]})
    unit = _scope_unit(scope=scope, unit_id=unit_id, kind=kind)
    agency = Agency.objects.get(id=scope.agency_id)
    start, end = period_parse(kind=kind, period=period)
    today = today_in(scope.office_time_zone or agency.time_zone)
    if start > today:
        message = _("The period has not begun yet.")
        raise ApplicationError(message, code="period_in_future", fields={"period": [message]})
    cleaned = parameters_clean(kind=kind, parameters=parameters, agency=agency)
    return _run_get_or_create(
        agency_id=agency.id,
        kind=kind,
        unit=unit,
        start=start,
        end=end,
        parameters=cleaned,
        requested_by=user,
        provisional=end >= today,
        refresh=refresh,
        language=_language(),
    )


def _language() -> str:
    """The requester's language, one of settings.LANGUAGES (the labels of the run's files)."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _live(*, agency_id, kind, unit, start, end, digest):
    return ReportRun.objects.filter(
        agency_id=agency_id,
        kind=kind,
        unit=unit,
        period_start=start,
        period_end=end,
        parameters_hash=digest,
        status__in=LIVE_STATUSES,
    )


def _run_get_or_create(
    *, agency_id, kind, unit, start, end, parameters, requested_by, provisional, refresh, language=None
) -> tuple[ReportRun, bool]:
    """A refresh never throws the last good run away: the finished run stays current (downloadable)
    until its successor is DONE, which supersedes it in the same transaction. A refresh asked while
    a successor is already queued or running returns that one."""
    digest = parameters_hash(parameters)
    live = _live(agency_id=agency_id, kind=kind, unit=unit, start=start, end=end, digest=digest)
    existing = (live.filter(status__in=PENDING_STATUSES) if refresh else live).first()
    if existing is not None:
        return existing, False
    run = ReportRun(
        agency_id=agency_id,
        kind=kind,
        unit=unit,
        period_start=start,
        period_end=end,
        parameters=parameters,
        parameters_hash=digest,
        requested_by=requested_by,
        provisional=provisional,
        queued_at=timezone.now(),
        language=language or settings.LANGUAGE_CODE,
    )
    try:
        # The conditional unique constraint decides a race between two askers: one insert wins.
        with transaction.atomic():
            run.save()
    except IntegrityError:
        existing = live.filter(status__in=PENDING_STATUSES).first() or live.first()
        if existing is None:
            raise
        return existing, False
    outbox_enqueue(topic=RUN_TOPIC, payload={"run_id": run.id})
    return run, True


# ---------------------------------------------------------------------------- computing a run


def _claim(run_id: int) -> ReportRun | None:
    now = timezone.now()
    claimed = (
        ReportRun.objects.filter(id=run_id)
        .filter(Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, lease_expires_at__lt=now))
        .update(
            status=RunStatus.RUNNING,
            started_at=now,
            lease_expires_at=now + datetime.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            progress=1,
            error="",
            updated_at=now,
        )
    )
    if claimed != 1:
        return None
    return ReportRun.objects.select_related("unit", "agency").get(id=run_id)


def _renew(run: ReportRun, progress: int) -> None:
    """Extend the lease as a chunk finishes; LeaseLost when a newer attempt owns the run."""
    now = timezone.now()
    renewed = ReportRun.objects.filter(id=run.id, status=RunStatus.RUNNING, attempts=run.attempts).update(
        lease_expires_at=now + datetime.timedelta(seconds=lease_seconds()),
        progress=min(99, max(1, progress)),
        updated_at=now,
    )
    if renewed != 1:
        raise LeaseLost(run.id)
    delay = float(getattr(settings, "REPORTS_CHUNK_DELAY_SECONDS", 0) or 0)
    if delay:
        time.sleep(delay)  # fault tests only: a report long enough to kill its worker midway


def file_stem(run: ReportRun) -> str:
    return f"{run.agency_id}/{run.id}/{run.kind.lower()}-{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}"


def _names(run: ReportRun, attempt: int) -> dict[str, str]:
    stem = file_stem(run)
    return {
        fmt: f"{stem}-a{attempt}{'-excel' if fmt == 'excel' else ''}.{FILE_EXTENSIONS[fmt]}" for fmt in FILE_FORMATS
    }


def display(value, *, numeric: bool) -> str:
    """A cell for people: blank for NULL, numbers in the reader's notation (decimal comma in Indonesian)."""
    if value is None:
        return ""
    text = str(value)
    if numeric and exports.NUMBER.match(text):
        return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return text


def _period_text(run: ReportRun) -> str:
    return f"{formats.date_format(run.period_start, 'j F Y')} – {formats.date_format(run.period_end, 'j F Y')}"


def _facts(run: ReportRun, *, generated: bool = True) -> list[tuple[str, str]]:
    """The heading facts of the PDF and of the XLSX summary sheet, in the active language. The XLSX
    leaves out when it was made, so that a rerun of the same rows is the same file."""
    zone = unit_zone_name(run.unit)
    moment = timezone.localtime(run.started_at or timezone.now(), zoneinfo.ZoneInfo(zone))
    facts = [
        (_("Agency"), run.agency.name),
        (_("Report"), str(KINDS[run.kind].label)),
        (_("Period"), _period_text(run)),
        (_("Unit"), "{} ({}), {}".format(run.unit.name, run.unit.code, _("with its sub-units"))),
        (
            _("Status"),
            _("Provisional (sementara): the period is not over and the figures may still change.")
            if run.provisional
            else _("Final: the period is over."),
        ),
    ]
    if generated:
        facts.append((_("Generated"), f"{formats.date_format(moment, 'j F Y, H.i')} {zone_abbreviation(zone)}"))
    if run.parameters.get("months"):
        facts.insert(4, (_("Months compared"), str(run.parameters["months"])))
    return facts


# The attendance codes of docs/rules.md §4, explained under the PDF's tables.
def _legend() -> list[tuple[str, str]]:
    return [
        ("TK", _("Absent without a valid reason (tanpa keterangan) on a working day.")),
        ("TL1–TL4", _("Late arrival: 1–30, 31–60, 61–90 and over 90 minutes after the scheduled start.")),
        ("PSW1–PSW4", _("Early departure: 1–30, 31–60, 61–90 and over 90 minutes before the scheduled end.")),
        ("HKD", _("No check-in recorded.")),
        ("HKP", _("No check-out recorded.")),
        (
            _("Days not yet closed"),
            _("Working days of the period that are today or later, or not computed yet: never counted as TK."),
        ),
    ]


# The columns that say who a row is: repeated in each column group of a wide PDF table.
IDENTITY = ("unit_code", "nip", "name", "indicator_id", "window")


def _signer(run: ReportRun) -> pdf.Signer | None:
    from flexwork.org.models import Employee

    head = Employee.objects.select_related("position").filter(id=run.unit.head_id).first()
    if head is None:
        return None
    position = head.position.name if head.position else _("Head of %(unit)s") % {"unit": run.unit.name}
    return pdf.Signer(position=f"{position},", name=head.name, nip=head.nip)


def _pdf_document(run: ReportRun, summary: dict, checksum: str) -> pdf.ReportDocument:
    spec = KINDS[run.kind]
    count_label = str(_("Employees") if spec.employee_rows else _("Rows"))
    unit_columns = summary["unit_columns"]
    unit_numeric = [c == "n" or c not in spec.text_columns for c in unit_columns]
    columns = summary["exception_columns"]
    numeric = [c not in spec.text_columns for c in columns]
    exceptions = [
        [display(spec.value_label(c, v), numeric=n) for c, v, n in zip(columns, row, numeric, strict=True)]
        for row in summary["exceptions"]
    ]
    shown, total = len(exceptions), summary["exception_total"]
    note = ""
    if total > shown:
        note = _("The first %(shown)d of %(total)d rows are shown; the XLSX holds every row.") % {
            "shown": shown,
            "total": total,
        }
    facts = [fact for fact in _facts(run) if fact[0] not in (_("Agency"), _("Report"))]
    return pdf.ReportDocument(
        agency_name=run.agency.name,
        agency_address=run.agency.address,
        title=str(spec.label),
        facts=facts,
        unit_heading=_("Summary per unit"),
        unit_columns=[count_label if c == "n" else str(spec.column_label(c)) for c in unit_columns],
        unit_rows=[[display(v, numeric=n) for v, n in zip(row, unit_numeric, strict=True)] for row in summary["units"]],
        unit_numeric=unit_numeric,
        unit_identity=[i for i, c in enumerate(unit_columns) if c in ("unit_code", "unit_name")],
        exception_heading=f"{_('Exceptions')}: {spec.exception_label} ({total})",
        exception_note=note,
        exception_columns=[str(spec.column_label(c)) for c in columns],
        exception_rows=exceptions,
        exception_numeric=numeric,
        exception_identity=[i for i, c in enumerate(columns) if c in IDENTITY],
        legend_heading=_("Codes"),
        legend=_legend(),
        sign_intro=_("Acknowledged by,"),
        signer=_signer(run),
        nip_label=_("NIP"),
        page_label=_("Page %(page)s of %(pages)s"),
        small_print=_("SHA-256 checksum of the data CSV: %(checksum)s") % {"checksum": checksum},
        empty_text=_("None."),
    )


def report_run_execute(*, run_id: int, final_attempt: bool = True) -> bool:
    """Compute one run if this call can claim it. Returns True when this call finished it.

    A failure (storage unwritable, database error) releases the claim back to QUEUED and re-raises,
    so that the task retries with backoff; on the final attempt the run fails with a message for
    people (ERROR_FILES), the details only in the log. Either way the previous finished run of the
    same report stays current."""
    run = _claim(run_id)
    if run is None:
        logger.info("reports: run %s is not claimable (done, running elsewhere or superseded)", run_id)
        return False
    spec = KINDS[run.kind]
    storage = reports_storage()
    names = _names(run, run.attempts)
    params = sql_params(
        kind=run.kind,
        agency_id=run.agency_id,
        scope_unit_id=run.unit_id,
        start=run.period_start,
        end=run.period_end,
        parameters=run.parameters,
    )
    chunk_rows = int(getattr(settings, "REPORTS_CHUNK_ROWS", 5000))
    try:
        with translation.override(run.language):
            written = exports.files_write(
                spec=spec,
                params=params,
                storage=storage,
                names=names,
                title=str(spec.label),
                facts=_facts(run, generated=False),
                using=reporting_alias(),
                on_progress=lambda percent: _renew(run, percent),
                chunk_rows=chunk_rows,
            )
            _renew(run, 90)
            document = pdf.pdf_bytes(_pdf_document(run, written.summary, written.checksum))
        if storage.exists(names["pdf"]):
            storage.delete(names["pdf"])
        storage.save(names["pdf"], ContentFile(document))
    except LeaseLost:
        logger.warning("reports: run %s attempt %s lost its lease; a newer attempt owns it", run.id, run.attempts)
        _delete_files(storage, names.values())
        return False
    except Exception:
        logger.exception("reports: run %s attempt %s failed", run.id, run.attempts)
        _delete_files(storage, names.values())
        if final_attempt:
            report_run_failed(run_id=run.id, attempt=run.attempts, error=ERROR_FILES)
        else:
            _release(run)
        raise
    with transaction.atomic():
        # The successor supersedes the finished run it refreshes only now, when its own files exist.
        ReportRun.objects.filter(
            agency_id=run.agency_id,
            kind=run.kind,
            unit_id=run.unit_id,
            period_start=run.period_start,
            period_end=run.period_end,
            parameters_hash=run.parameters_hash,
            status=RunStatus.DONE,
        ).exclude(id=run.id).update(status=RunStatus.SUPERSEDED, updated_at=timezone.now())
        finished = ReportRun.objects.filter(id=run.id, status=RunStatus.RUNNING, attempts=run.attempts).update(
            status=RunStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
            lease_expires_at=None,
            row_count=written.rows,
            checksum=written.checksum,
            csv_name=names["csv"],
            excel_name=names["excel"],
            xlsx_name=names["xlsx"],
            pdf_name=names["pdf"],
            summary=written.summary,
            updated_at=timezone.now(),
        )
        if finished != 1:
            transaction.set_rollback(True)
            _delete_files(storage, names.values())
            return False
        if run.requested_by_id:
            from flexwork.notifications.services import notification_send

            notification_send(
                recipient=run.requested_by,
                kind="report_done",
                context={"report": str(spec.label), "period": f"{run.period_start:%Y-%m}"},
                url=f"/reports/{run.id}/",
            )
    # Files of earlier attempts (a worker killed midway) are no longer referenced.
    _delete_files(storage, [n for attempt in range(1, run.attempts) for n in _names(run, attempt).values()])
    return True


def _release(run: ReportRun) -> None:
    """Give a failed attempt's claim back (QUEUED), so the task's retry can claim the run again."""
    ReportRun.objects.filter(id=run.id, status=RunStatus.RUNNING, attempts=run.attempts).update(
        status=RunStatus.QUEUED, lease_expires_at=None, progress=0, updated_at=timezone.now()
    )


def _delete_files(storage, names) -> None:
    for name in names:
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception as exc:  # noqa: BLE001 (S3 errors are no OSError; never hide the real outcome behind a clean-up)
            logger.warning("reports: could not delete %s: %s", name, exc)


def report_run_failed(*, run_id: int, attempt: int | None = None, error: str) -> bool:
    """Mark a run failed (the task's final failure, or too many lost workers)."""
    qs = ReportRun.objects.filter(id=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
    if attempt is not None:
        qs = qs.filter(attempts=attempt)
    return (
        qs.update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            lease_expires_at=None,
            error=error[:ERROR_MAX_CHARS],
            updated_at=timezone.now(),
        )
        == 1
    )


@transaction.atomic
def report_runs_requeue_expired(*, now: datetime.datetime | None = None) -> list[int]:
    """The beat sweeper: RUNNING runs whose lease expired (their worker died) go back to QUEUED and
    are started again through the outbox; after too many attempts they fail."""
    now = now or timezone.now()
    expired = list(
        ReportRun.objects.select_for_update(skip_locked=True)
        .filter(status=RunStatus.RUNNING, lease_expires_at__lt=now)
        .values_list("id", "attempts")
    )
    requeued = []
    for run_id, attempts in expired:
        if attempts >= max_attempts():
            report_run_failed(run_id=run_id, attempt=attempts, error=ERROR_WORKER_LOST)
            continue
        updated = ReportRun.objects.filter(
            id=run_id, status=RunStatus.RUNNING, attempts=attempts, lease_expires_at__lt=now
        ).update(status=RunStatus.QUEUED, lease_expires_at=None, progress=0, updated_at=now)
        if updated == 1:
            outbox_enqueue(topic=RUN_TOPIC, payload={"run_id": run_id})
            requeued.append(run_id)
    return requeued


# ---------------------------------------------------------------------------- scheduled runs


@transaction.atomic
def monthly_runs_create(*, now: datetime.datetime | None = None) -> list[ReportRun]:
    """Hourly: for agencies whose local time is 01:00–01:59 on the 1st, last month's compliance
    and payroll runs for the whole agency. Idempotent (the live-run constraint)."""
    now = now or timezone.now()
    created = []
    for agency in Agency.objects.all().order_by("id"):
        local = now_in(agency.time_zone, now=now)
        if local.day != 1 or local.hour != 1:
            continue
        root = Unit.objects.filter(agency=agency, parent__isnull=True).first()
        if root is None:
            continue
        last_month_end = local.date() - datetime.timedelta(days=1)
        start, end = month_bounds(last_month_end.year, last_month_end.month)
        for kind in MONTHLY_KINDS:
            run, was_created = _run_get_or_create(
                agency_id=agency.id,
                kind=kind,
                unit=root,
                start=start,
                end=end,
                parameters={},
                requested_by=None,
                provisional=False,
                refresh=False,
            )
            if was_created:
                created.append(run)
    return created


# ---------------------------------------------------------------------------- daily digests

DIGEST_HOUR = 7

# One statement: who has something to be reminded of today, claimed by inserting the digest row
# first (ON CONFLICT DO NOTHING): a second beat process inserts nothing and sends nothing.
DIGEST_CLAIM_SQL = """
WITH people AS (
    SELECT e.id AS employee_id, e.agency_id, e.user_id
    FROM org_employee e
    JOIN org_unit u ON u.id = e.unit_id
    JOIN org_agency a ON a.id = e.agency_id
    WHERE e.is_active AND coalesce(u.time_zone, a.time_zone) = %(zone)s
),
checkouts AS (
    SELECT d.employee_id, count(*) AS n FROM attendance_daystatus d JOIN people p ON p.employee_id = d.employee_id
    WHERE d.local_date = %(yesterday)s AND d.departure = 'HKP' GROUP BY d.employee_id
),
logs AS (
    SELECT m.employee_id, count(*) AS n FROM attendance_missinglogreminder m
    JOIN people p ON p.employee_id = m.employee_id
    WHERE m.digested_at IS NULL GROUP BY m.employee_id
),
pending AS (
    SELECT who AS employee_id, count(*) AS n FROM (
        SELECT CASE WHEN r.step = 'RECOMMEND' THEN r.recommender_id ELSE r.decider_id END AS who
        FROM schedules_arrangementrequest r WHERE r.status IN ('submitted', 'recommended')
        UNION ALL
        SELECT CASE WHEN r.step = 'RECOMMEND' THEN r.recommender_id ELSE r.decider_id END
        FROM attendance_leaverequest r WHERE r.status IN ('submitted', 'recommended')
        UNION ALL
        SELECT CASE WHEN r.step = 'RECOMMEND' THEN r.recommender_id ELSE r.decider_id END
        FROM attendance_attendancecorrection r WHERE r.status IN ('submitted', 'recommended')
    ) x JOIN people p ON p.employee_id = x.who GROUP BY who
),
due AS (
    SELECT p.employee_id, p.agency_id, coalesce(c.n, 0) AS checkouts, coalesce(l.n, 0) AS logs,
           coalesce(q.n, 0) AS decisions
    FROM people p
    LEFT JOIN checkouts c ON c.employee_id = p.employee_id
    LEFT JOIN logs l ON l.employee_id = p.employee_id
    LEFT JOIN pending q ON q.employee_id = p.employee_id
    WHERE coalesce(c.n, 0) + coalesce(l.n, 0) + coalesce(q.n, 0) > 0
)
INSERT INTO reports_reminderdigest
    (created_at, updated_at, agency_id, employee_id, local_date, missing_checkouts, missing_logs, pending_decisions)
SELECT now(), now(), agency_id, employee_id, %(today)s, checkouts, logs, decisions FROM due
ON CONFLICT (employee_id, local_date) DO NOTHING
RETURNING id
"""


def _digest_zones(now: datetime.datetime) -> list[tuple[str, datetime.date]]:
    found = []
    for zone in settings.FLEXWORK_TIME_ZONES:
        local = now_in(zone, now=now)
        if local.hour == DIGEST_HOUR:
            found.append((zone, local.date()))
    return found


@transaction.atomic
def daily_digests_send(*, zone: str, today: datetime.date) -> int:
    """One digest per person of `zone` for `today`. Returns how many this call sent."""
    from flexwork.approvals.models import ApprovalStatus
    from flexwork.notifications.services import notification_send
    from flexwork.reports.models import ReminderDigest

    assert {"submitted", "recommended"} <= set(ApprovalStatus.values)
    with connection.cursor() as cursor:
        cursor.execute(DIGEST_CLAIM_SQL, {"zone": zone, "today": today, "yesterday": today - datetime.timedelta(1)})
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return 0
    digests = list(ReminderDigest.objects.filter(id__in=ids).select_related("employee__user"))
    for digest in digests:
        notification_send(
            recipient=digest.employee.user,
            kind="daily_digest",
            context={
                "date": today.isoformat(),
                "missing_checkouts": digest.missing_checkouts,
                "missing_logs": digest.missing_logs,
                "pending_decisions": digest.pending_decisions,
            },
            url="/",
        )
    from attendance.models import MissingLogReminder

    MissingLogReminder.objects.filter(
        employee_id__in=[d.employee_id for d in digests], digested_at__isnull=True
    ).update(digested_at=timezone.now())
    return len(digests)


def daily_digests_due(*, now: datetime.datetime | None = None) -> int:
    sent = 0
    for zone, today in _digest_zones(now or timezone.now()):
        sent += daily_digests_send(zone=zone, today=today)
    return sent
