"""One object of every kind in agency A, made through the services as production makes them, on top
of the personas of tests/conftest.py. The access matrix, the fuzzing and the nasty-input tests use
the ids of these objects to fill path parameters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from flexwork.common.calendar import office_today

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def build_world(org_world) -> SimpleNamespace:
    """Agency-A objects owned by employee_a (or made by HR admin A), plus a few agency-B twins."""
    from attendance import requests as attendance_requests
    from attendance import services as attendance_services
    from flexwork.accounts.services import api_token_create
    from flexwork.approvals.services import delegation_create
    from flexwork.common.services import evidence_upload
    from flexwork.notifications.models import Notification
    from flexwork.onboarding import services as onboarding_services
    from flexwork.onboarding.importing import UNIT_HEADERS
    from flexwork.onboarding.sample import to_csv
    from performance import services as performance_services
    from performance.models import BEHAVIOUR_FIELDS
    from schedules import ical
    from schedules import services as schedule_services
    from tests.performance.factories import ensure_reference_data, first_indicator, skp_with_indicator
    from tests.schedules.conftest import create, next_monday

    w = org_world
    ensure_reference_data()
    employee = w.employee_a.employee
    today = office_today(employee)
    monday = next_monday(2, employee_user=w.employee_a)

    arrangement = create(w.employee_a, [monday, monday + datetime.timedelta(days=4)])
    arrangement_b = create(w.employee_b, [monday + datetime.timedelta(days=1)], submit=False)
    evidence = evidence_upload(user=w.employee_a, uploaded_file=SimpleUploadedFile("bukti.pdf", PDF_BYTES))
    token, _key = api_token_create(user=w.employee_a, name="matrix")
    skp = skp_with_indicator(employee_user=w.employee_a, actor=w.supervisor_a, approve_by=w.supervisor_a)
    indicator = first_indicator(skp)
    evaluation = performance_services.evaluation_create(
        skp=skp,
        actor=w.supervisor_a,
        kind="ANNUAL",
        behaviour=dict.fromkeys(BEHAVIOUR_FIELDS, "ABOVE"),
        results_rating="ABOVE",
    )
    leave = attendance_requests.leave_request_create(
        user=w.employee_a,
        kind="CT",
        date_from=monday + datetime.timedelta(days=8),
        date_to=monday + datetime.timedelta(days=8),
        reason="Cuti tahunan",
    )
    correction = attendance_requests.correction_create(
        user=w.employee_a,
        local_date=_previous_working_day(today),
        kind="IN",
        corrected_time=datetime.time(7, 30),
        reason="Lupa absen",
    )
    worklog = attendance_services.worklog_create(
        user=w.employee_a,
        local_date=_previous_working_day(today),
        description="Menyusun draf laporan",
        quantity=Decimal("1"),
        unit_of_measure="dokumen",
        minutes_spent=120,
    )
    delegation = delegation_create(
        delegator=w.unit_head_a.employee,
        delegate=w.agency_head_a.employee,
        date_from=monday,
        date_to=monday + datetime.timedelta(days=4),
        kinds=["arrangement"],
        note="Dinas luar",
        created_by=w.unit_head_a,
    )
    directive = schedule_services.directive_create(
        agency_id=w.agency_a.id,
        unit=None,
        date_from=monday + datetime.timedelta(days=21),
        date_to=monday + datetime.timedelta(days=22),
        allowed_locations=["OFFICE"],
        max_share_percent=None,
        message="Rapat kerja",
        actor=w.hr_admin_a,
    )
    recall = schedule_services.recall_create(
        employee=w.employee_a.employee,
        local_date=monday + datetime.timedelta(days=2),
        reason="Rapat",
        actor=w.unit_head_a,
    )
    home_request = onboarding_services.home_location_request_submit(
        employee=employee, latitude=Decimal("-5.135000"), longitude=Decimal("119.420000"), accuracy_m=10
    )
    batch = onboarding_services.import_preview(
        agency=w.agency_a,
        kind="UNITS",
        data=to_csv([["A-NEW", "Seksi Baru", "A-DIV", "0", "", "", "", ""]], headers=UNIT_HEADERS),
        name="units.csv",
        uploaded_by=w.hr_admin_a,
    )
    feed, feed_token = ical.calendar_feed_create(owner=w.employee_a)
    notification = Notification.objects.filter(recipient=w.employee_a).order_by("id").first()
    if notification is None:
        from flexwork.notifications.services import notification_send

        notification_send(recipient=w.employee_a, kind="employee_changed", context={}, url="/")
        notification = Notification.objects.filter(recipient=w.employee_a).order_by("id").first()
    report_run = None
    try:
        from flexwork.reports.kinds import KINDS
        from flexwork.reports.services import report_run_request

        report_run, _created = report_run_request(user=w.hr_admin_a, kind=next(iter(KINDS)), period=f"{today:%Y-%m}")
    except ImportError:  # the reports app is not there yet
        pass
    shifts = _roster_world(w)
    from allowances.services import scheme_clone

    allowance_scheme = scheme_clone(
        actor=w.hr_admin_a,
        agency_id=w.agency_a.id,
        template_code="PMA_11_2019",
        effective_from=datetime.date(2030, 1, 1),
    )
    return SimpleNamespace(
        org=w,
        shifts=shifts,
        allowance_scheme=allowance_scheme,
        report_run=report_run,
        monday=monday,
        arrangement=arrangement,
        arrangement_b=arrangement_b,
        evidence=evidence,
        token=token,
        skp=skp,
        indicator=indicator,
        evaluation=evaluation,
        leave=leave,
        correction=correction,
        worklog=worklog,
        delegation=delegation,
        directive=directive,
        recall=recall,
        home_request=home_request,
        batch=batch,
        feed=feed,
        feed_token=feed_token,
        notification=notification,
    )


def _roster_world(w) -> SimpleNamespace:
    """A ROSTER unit of agency A headed by unit head A, two nurses on a pattern, next month's roster
    published, and a swap the first nurse asked of the second (docs/rules.md §8)."""
    from flexwork.common.calendar import office_today
    from flexwork.org import services as org_services
    from flexwork.org.models import Position, ShiftCriterion, Unit, WorkWeek
    from shifts import rosters, swaps
    from shifts.models import Duty, DutyKind, RosterAssignment, ShiftPattern, ShiftType
    from tests.org.factories import EmployeeFactory, PositionFactory, UnitFactory

    position = PositionFactory(agency=w.agency_a, code="A-OPS", name="Operator")
    Position.objects.filter(id=position.id).update(shift_eligible=True, shift_criterion=ShiftCriterion.DAILY_OVER_8H30)
    unit = UnitFactory(agency=w.agency_a, code="A-OPS", name="Ruang Operasi A", parent=w.div_a)
    Unit.objects.filter(id=unit.id).update(work_week=WorkWeek.ROSTER, work_week_basis="Keputusan No. 1/2026")
    org_services.unit_update(unit=unit, data={"head": w.unit_head_a.employee})
    nurses = [
        EmployeeFactory(agency=w.agency_a, unit=unit, position=position, supervisor=w.unit_head_a.employee, name=name)
        for name in ("Operator Satu A", "Operator Dua A")
    ]
    day = ShiftType.objects.create(
        agency=w.agency_a, code="P", name="Pagi", start_time=datetime.time(7), end_time=datetime.time(14)
    )
    pattern = ShiftPattern.objects.create(
        agency=w.agency_a, name="Dua regu", anchor_date=datetime.date(2026, 1, 5), cells=["P", "OFF"]
    )
    assignments = [
        RosterAssignment.objects.create(
            agency=w.agency_a, employee=nurse, pattern=pattern, offset=index, date_from=datetime.date(2026, 1, 5)
        )
        for index, nurse in enumerate(nurses)
    ]
    today = office_today(nurses[0])
    roster = rosters.roster_for(
        unit=Unit.objects.get(id=unit.id), period_start=(today.replace(day=28) + datetime.timedelta(days=7))
    )
    rosters.roster_generate(roster=roster, actor=w.unit_head_a)
    roster.refresh_from_db()
    rosters.roster_publish(roster=roster, actor=w.unit_head_a, expected_version=roster.version, override_reason="Uji")
    duty = Duty.objects.filter(employee=nurses[0], roster=roster, kind=DutyKind.SHIFT, is_active=True).first()
    swap = swaps.swap_request(duty=duty, colleague=nurses[1], reason="Keperluan keluarga", actor=nurses[0].user)
    return SimpleNamespace(
        unit=unit, shift_type=day, pattern=pattern, assignment=assignments[0], roster=roster, duty=duty, swap=swap
    )
