"""The printable leave form (formulir permintaan dan pemberian cuti, the shape of Perka BKN 24/2017's
annex): the agency's letterhead, I employee data, II the kind (one of the six ticked), III the reason,
IV the length and dates, V the annual-leave record (N-2, N-1, N: days left before, taken by this request,
left after), VI the address during leave and the employee's signature, VII the direct supervisor's
opinion and VIII the deciding official's decision, each with the four outcomes of the form (approved,
changed, deferred, not approved) and who gave it when. A4 portrait, in the house style of the report
PDFs (flexwork/reports/pdf.py: DejaVu Sans embedded, the same letterhead and table colours, deterministic
bytes). Text is in the viewer's language; names and NIPs as recorded."""

from __future__ import annotations

import io
from collections import defaultdict
from xml.sax.saxutils import escape

from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from attendance.models import LeaveKind, LeaveSubReason
from flexwork.approvals.models import ApprovalAction
from flexwork.approvals.services import transitions_for
from flexwork.reports.pdf import FONT, FONT_BOLD, GREY, HEADER_FILL, RULE, _fonts, _style
from leave.models import Bucket, EntryKind, LeaveBalanceEntry

PAGE = A4
MARGIN = 14 * mm
TICK, BOX = "☒", "☐"  # DejaVu Sans has both
FORM_KINDS = (LeaveKind.CT, LeaveKind.CB, LeaveKind.CS, LeaveKind.CM, LeaveKind.CAP, LeaveKind.CLTN)
ROWS = (Bucket.N2, Bucket.N1, Bucket.N)
ROW_NAMES = {Bucket.N2: "N-2", Bucket.N1: "N-1", Bucket.N: "N"}
ROW_OFFSET = {Bucket.N2: 2, Bucket.N1: 1, Bucket.N: 0}  # the year the days come from

S = {
    "agency": _style("l-agency", 12, bold=True),
    "address": _style("l-address", 8, color=GREY),
    "title": _style("l-title", 11.5, bold=True, alignment=1, spaceBefore=6, spaceAfter=4),
    "head": _style("l-head", 8.5, bold=True),
    "cell": _style("l-cell", 8.5),
    "small": _style("l-small", 7, color=GREY),
    "sign": _style("l-sign", 8.5),
}


def _p(text: str, style="cell") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), S[style] if isinstance(style, str) else style)


def _section(title: str, rows: list[list], widths: list[float], *, spans=(), header_rows: int = 0) -> Table:
    """One numbered block of the form: a title row across the whole width, then its rows in a grid."""
    data = [[_p(title, "head")] + [""] * (len(widths) - 1), *rows]
    table = Table(data, colWidths=widths)
    style = [
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        *(("SPAN", a, b) for a, b in spans),
    ]
    if header_rows:
        style.append(("BACKGROUND", (0, 1), (-1, header_rows), colors.HexColor("#F4F6F8")))
    table.setStyle(TableStyle(style))
    return table


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _service_length(employee, on) -> str:
    start = employee.service_start_date
    if not start or start > on:
        return "—"
    months = (on.year - start.year) * 12 + on.month - start.month - (1 if on.day < start.day else 0)
    years, months = divmod(max(months, 0), 12)
    return _("%(years)s years %(months)s months") % {"years": years, "months": months}


def _length(leave, days: int) -> str:
    if leave.kind == LeaveKind.CT:
        return ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
    calendar_days = (leave.date_to - leave.date_from).days + 1
    return ngettext("%(n)s day", "%(n)s days", calendar_days) % {"n": calendar_days}


def _record(leave) -> tuple[dict[tuple[int, str], dict], int]:
    """Per (year, bucket) the days left before this request, taken by it and left after; and the days
    counted. From the request's ledger entries when it holds or took days; else the preview of what it
    would take (a draft)."""
    from leave import services as leave_services
    from leave.selectors import balances_for

    held: dict[tuple[int, str], int] = defaultdict(int)
    used: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        LeaveBalanceEntry.objects.filter(leave_request_id=leave.id)
        .values("balance__year", "balance__bucket", "kind")
        .annotate(total=Sum("days"))
    )
    for row in rows:
        key = (row["balance__year"], row["balance__bucket"])
        if row["kind"] in (EntryKind.HOLD, EntryKind.RELEASE):
            held[key] += row["total"]
        elif row["kind"] == EntryKind.DEBIT:
            held[key] -= row["total"]
            used[key] += row["total"]
        elif row["kind"] == EntryKind.RETURN:
            used[key] += row["total"]
    taken = {key: held[key] + used[key] for key in set(held) | set(used)}
    if any(taken.values()):
        years = sorted({year for year, _bucket in taken})
        result = {}
        for year in years:
            balance = balances_for(employee_ids=[leave.employee_id], year=year)[leave.employee_id]
            for line in balance.lines:
                mine = max(taken.get((year, line.bucket), 0), 0)
                result[(year, line.bucket)] = {"before": line.available + mine, "taken": mine, "after": line.available}
        return result, sum(max(v, 0) for v in taken.values())
    preview = leave_services.preview(
        employee=leave.employee, kind=leave.kind, date_from=leave.date_from, date_to=leave.date_to,
        leave_request=leave,
    )  # fmt: skip
    result = {
        (part.year, line.bucket): {"before": line.before, "taken": line.taken, "after": line.after}
        for part in preview.years
        for line in part.lines
    }
    return result, preview.days


OUTCOMES = (
    ("approved", lambda: _("Approved")),
    ("changed", lambda: _("Changed")),
    ("deferred", lambda: _("Deferred")),
    ("rejected", lambda: _("Not approved")),
)
ACTION_OUTCOME = {
    ApprovalAction.RECOMMEND: "approved",
    ApprovalAction.APPROVE: "approved",
    ApprovalAction.REJECT: "rejected",
    "defer": "deferred",
    "change": "changed",
    "change_dates": "changed",
}


def _reason_text(leave) -> str:
    """Under "Alasan cuti": what the leave is for in words (the sub-reason), "abroad" when it is
    spent abroad, then the employee's own words."""
    parts = []
    if leave.sub_reason:
        parts.append(str(LeaveSubReason(leave.sub_reason).label))
    if leave.abroad:
        parts.append(str(_("Spent abroad")))
    if (leave.reason or "").strip():
        parts.append(leave.reason.strip())
    return "\n".join(parts) or "—"


def _decisions(leave) -> tuple[object | None, object | None]:
    """The supervisor's opinion and the official's decision (the last transition of each step)."""
    opinion = decision = None
    for t in transitions_for(leave).order_by("created_at", "id"):
        if t.action not in ACTION_OUTCOME:
            continue
        if t.action == ApprovalAction.RECOMMEND or (t.from_status == "submitted" and leave.recommender_id):
            opinion = t
        else:
            decision = t
    return opinion, decision


def _decision_block(title: str, transition, signer_name: str, signer_nip: str, width: float) -> Table:
    chosen = ACTION_OUTCOME.get(transition.action) if transition is not None else None
    if transition is not None and transition.action == ApprovalAction.RECOMMEND and transition.opinion:
        # The supervisor's opinion other than "approve": other dates or a deferral proposed.
        chosen = {"change": "changed", "defer": "deferred"}[transition.opinion]
    quarter = width / 4
    marks = [_p(f"{TICK if key == chosen else BOX} {label()}") for key, label in OUTCOMES]
    when = timezone.localtime(transition.created_at) if transition is not None else None
    note = transition.note if transition is not None and transition.note else ""
    if chosen == "changed" and len(transition.dates) == 2:
        # Perubahan: the new dates the official approved, with the reason (docs/rules.md §9 "The decision").
        dates = _("New dates: %(first)s – %(last)s") % {
            "first": _date(transition.dates[0]),
            "last": _date(transition.dates[1]),
        }
        note = f"{dates}. {note}" if note else dates
    sign = [
        _p(_("Date: %(date)s") % {"date": _date(when.date()) if when else "……………"}, "sign"),
        Spacer(1, 9 * mm),
        _p(signer_name or "……………………………", _style("l-sn", 8.5, bold=True)),
        _p(_("NIP %(nip)s") % {"nip": signer_nip} if signer_nip else _("NIP ……………………"), "sign"),
    ]
    return _section(
        title,
        [marks, [_p(_("Note: %(note)s") % {"note": note} if note else _("Note:")), "", sign, ""]],
        [quarter] * 4,
        spans=(((0, 2), (1, 2)), ((2, 2), (3, 2))),
    )


def leave_form_pdf(*, leave, viewer=None) -> bytes:
    """The form of one leave request, in the active language."""
    _fonts()
    employee = leave.employee
    agency = employee.agency
    width = PAGE[0] - 2 * MARGIN
    record, days = _record(leave) if leave.kind == LeaveKind.CT else ({}, 0)
    if leave.kind != LeaveKind.CT:
        days = (leave.date_to - leave.date_from).days + 1
    opinion, decision = _decisions(leave)
    story: list = [_p(agency.name, "agency")]
    if agency.address:
        story.append(_p(agency.address, "address"))
    kop = Table([[""]], colWidths=[width], rowHeights=[2])
    kop.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.2, colors.black)]))
    story += [kop, _p(_("Leave request and grant form"), "title")]
    submitted = timezone.localtime(leave.submitted_at).date() if leave.submitted_at else None
    story.append(_p(_("Request no. %(id)s · submitted %(date)s") % {"id": leave.id, "date": _date(submitted) or "—"},
                    "small"))  # fmt: skip
    story.append(Spacer(1, 2 * mm))

    on = leave.date_from
    position = getattr(employee, "position", None)
    c = width / 4
    story.append(
        _section(
            _("I. Employee data"),
            [
                [_p(_("Name")), _p(employee.name), _p(_("NIP")), _p(employee.nip)],
                [
                    _p(_("Position")),
                    _p(position.name if position else "—"),
                    _p(_("Length of service")),
                    _p(_service_length(employee, on)),
                ],
                [_p(_("Unit")), _p(employee.unit.name), "", ""],
            ],
            [c * 0.8, c * 1.45, c * 0.8, c * 0.95],
            spans=(((1, 3), (3, 3)),),
        )  # fmt: skip
    )
    story.append(Spacer(1, 2 * mm))
    labels = dict(LeaveKind.choices)
    kinds = [
        _p(f"{TICK if leave.kind == kind or (kind == LeaveKind.CS and leave.kind == LeaveKind.SAKIT) else BOX} "
           f"{index}. {labels[kind]}")
        for index, kind in enumerate(FORM_KINDS, start=1)
    ]  # fmt: skip
    half = width / 2
    story.append(
        _section(
            _("II. Kind of leave"), [[kinds[0], kinds[1]], [kinds[2], kinds[3]], [kinds[4], kinds[5]]], [half, half]
        )  # fmt: skip
    )
    story.append(Spacer(1, 2 * mm))
    story.append(_section(_("III. Reason for leave"), [[_p(_reason_text(leave))]], [width]))
    story.append(Spacer(1, 2 * mm))
    story.append(
        _section(
            _("IV. Length of leave"),
            [
                [
                    _p(_("For %(length)s") % {"length": _length(leave, days)}),
                    _p(
                        _("from %(start)s until %(end)s")
                        % {"start": _date(leave.date_from), "end": _date(leave.date_to)}
                    ),
                ]
            ],
            [width * 0.35, width * 0.65],
        )  # fmt: skip
    )
    story.append(Spacer(1, 2 * mm))

    years = sorted({year for year, _bucket in record}) or [leave.date_from.year]
    record_rows = [[_p(_("Annual leave"), "head"), _p(_("Left before"), "head"), _p(_("Taken"), "head"),
                    _p(_("Left after"), "head"), _p(_("Note"), "head")]]  # fmt: skip
    for year in years:
        for bucket in ROWS:
            line = record.get((year, bucket))
            values = [str(line[k]) for k in ("before", "taken", "after")] if line else ["", "", ""]
            name = f"{ROW_NAMES[bucket]} ({year - ROW_OFFSET[bucket]})"
            record_rows.append([_p(name), _p(values[0]), _p(values[1]), _p(values[2]), _p("")])
        deferred = record.get((year, Bucket.DEFERRED))
        if deferred and (deferred["before"] or deferred["taken"]):
            record_rows.append([_p(_("Deferred to %(year)s") % {"year": year}), _p(str(deferred["before"])),
                                _p(str(deferred["taken"])), _p(str(deferred["after"])), _p("")])  # fmt: skip
    if leave.kind != LeaveKind.CT:
        record_rows.append([_p(labels[leave.kind]), _p(""), _p(_length(leave, days)), _p(""), _p("")])
    story.append(
        _section(
            _("V. Leave record"),
            record_rows,
            [width * 0.28, width * 0.16, width * 0.16, width * 0.16, width * 0.24],
            header_rows=1,
        )  # fmt: skip
    )
    story.append(Spacer(1, 2 * mm))
    story.append(
        KeepTogether(
            _section(
                _("VI. Address during leave"),
                [[_p(_("Address:") + "\n\n"), _p(_("Telephone:")),
                  [_p(_("Respectfully,"), "sign"), Spacer(1, 9 * mm), _p(employee.name, _style("l-en", 8.5, bold=True)),
                   _p(_("NIP %(nip)s") % {"nip": employee.nip}, "sign")]]],
                [width * 0.45, width * 0.2, width * 0.35],
            )
        )
    )  # fmt: skip
    story.append(Spacer(1, 2 * mm))
    recommender = leave.recommender
    decider = leave.decider
    story.append(KeepTogether(_decision_block(
        _("VII. Opinion of the direct supervisor"), opinion, recommender.name if recommender else "",
        recommender.nip if recommender else "", width)))  # fmt: skip
    story.append(Spacer(1, 2 * mm))
    story.append(KeepTogether(_decision_block(
        _("VIII. Decision of the official authorised to grant leave"), decision, decider.name if decider else "",
        decider.nip if decider else "", width)))  # fmt: skip
    story.append(Spacer(1, 3 * mm))
    story.append(_p(_("Printed from FlexWork. The decisions above are recorded with their time in the request's "
                      "history."), "small"))  # fmt: skip

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=_("Leave request and grant form"), author=agency.name, creator="FlexWork", invariant=1,
    )  # fmt: skip
    doc.build(story)
    return out.getvalue()


__all__ = ["FONT", "FONT_BOLD", "leave_form_pdf"]
