"""HR's warning at 12 consecutive months of sick leave (docs/rules.md §9 "Kinds and their reasons": a PNS's
sick leave lasts at most `cs_max_days` plus the health board's extension). Run daily by
`leave.tasks.sick_leave_twelve_months_task`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import formats

from flexwork.common.calendar import add_months

KIND = "sick_leave_twelve_months"
SICK_KINDS = ("CS", "SAKIT")
WARN_MONTHS = 12


def sick_runs_reaching_twelve_months(*, agency_id: int, today: datetime.date) -> list[tuple]:
    """(employee, first day of the run) for each active employee of the agency on approved sick leave
    today whose run without a day between has lasted 12 calendar months by today. One query for the
    leave of those on sick leave today, one per such employee for the run's start."""
    from attendance.models import LeaveRequest
    from flexwork.approvals.models import ApprovalStatus
    from leave.rules import sick_episode_start

    today_leaves = (
        LeaveRequest.objects.filter(
            employee__agency_id=agency_id,
            employee__is_active=True,
            kind__in=SICK_KINDS,
            status=ApprovalStatus.APPROVED,
            date_from__lte=today,
            date_to__gte=today,
        )
        .select_related("employee", "employee__agency")
        .order_by("employee_id", "date_from")
    )
    found, seen = [], set()
    for leave in today_leaves:
        if leave.employee_id in seen:
            continue
        seen.add(leave.employee_id)
        start = sick_episode_start(leave.employee, leave.date_from)
        if today >= add_months(start, WARN_MONTHS) - datetime.timedelta(days=1):
            found.append((leave.employee, start))
    return found


def sick_leave_warn_hr(*, agency_id: int, today: datetime.date) -> int:
    """Tell the agency's HR administrators, in the app (and by e-mail), of each employee reaching 12
    consecutive months of sick leave; once per employee and run (a notification naming the run's
    first day is not sent again). Returns the notifications sent."""
    from flexwork.accounts.models import User
    from flexwork.notifications.models import Notification
    from flexwork.notifications.services import notification_send, recipient_locale
    from flexwork.org.models.organisation import Role

    runs = sick_runs_reaching_twelve_months(agency_id=agency_id, today=today)
    if not runs:
        return 0
    hr_users = list(
        User.objects.filter(org_roles__agency_id=agency_id, org_roles__role=Role.HR_ADMIN, is_active=True).distinct()
    )
    sent = 0
    for employee, start in runs:
        with transaction.atomic():
            done = set(
                Notification.objects.filter(
                    kind=KIND, context__employee_id=employee.id, context__run_start=start.isoformat()
                ).values_list("recipient_id", flat=True)
            )
            for hr_user in hr_users:
                if hr_user.pk in done:
                    continue
                with recipient_locale(hr_user):
                    since = formats.date_format(start, "j F Y")
                notification_send(
                    recipient=hr_user,
                    kind=KIND,
                    context={
                        "employee_id": employee.id,
                        "run_start": start.isoformat(),
                        "name": employee.name,
                        "since": since,
                    },
                )
                sent += 1
    return sent
