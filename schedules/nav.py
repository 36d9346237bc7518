"""Who may decide arrangements: a supervisor, a unit head or a decider, or a delegate of one today.
The approval queue's view and the menus (flexwork/common/nav.py, `APPROVER`) ask the same function."""

from __future__ import annotations

from flexwork.approvals.services import active_delegations
from flexwork.common.calendar import today_in
from flexwork.org import scope as org_scope

APPROVER_ROLES = frozenset({org_scope.SUPERVISOR, org_scope.UNIT_HEAD, org_scope.DECIDER})


def may_approve(scope: org_scope.UserScope) -> bool:
    if scope.agency_id is None:
        return False
    if scope.roles & APPROVER_ROLES:
        return True
    from flexwork.approvals.models import ApprovalKind

    return active_delegations(
        delegate_id=scope.employee_id, kind=ApprovalKind.ARRANGEMENT, on=today_in(scope.office_time_zone)
    ).exists()
