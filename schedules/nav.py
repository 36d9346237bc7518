"""The "Approvals" link in the header costs no query per page: whether the user may approve is
worked out once, at login, and kept in the session (templates/base.html reads it), like the HR
link of flexwork.onboarding.receivers. The pages themselves always check again."""

from __future__ import annotations

from flexwork.approvals.services import active_delegations
from flexwork.common.calendar import today_in
from flexwork.org import scope as org_scope

SESSION_KEY = "fw_approver"
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


def remember_approver(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = may_approve(org_scope.scope_for(user))
