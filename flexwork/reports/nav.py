"""The "Reports" link in the header costs no query per page: whether the user may read reports
(HR, the agency head, unit heads) is worked out once, at login, and kept in the session
(templates/base.html reads it), like the HR link of flexwork.onboarding.receivers."""

from __future__ import annotations

from flexwork.org import scope as org_scope

SESSION_KEY = "fw_reports"


def may_read_reports(scope: org_scope.UserScope) -> bool:
    return scope.agency_id is not None and bool(
        scope.roles & {org_scope.HR_ADMIN, org_scope.AGENCY_HEAD, org_scope.UNIT_HEAD}
    )


def remember_reports_reader(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = may_read_reports(org_scope.scope_for(user))
