"""The "HR" link in the header costs no query per page: whether the user is an HR admin is
worked out once, at login, and kept in the session (templates/base.html reads it). The pages
themselves always check the role again (flexwork.org.scope)."""

from __future__ import annotations

from flexwork.org import scope as org_scope

SESSION_KEY = "fw_hr_admin"


def remember_hr_admin(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = org_scope.HR_ADMIN in org_scope.scope_for(user).roles
