"""The menus cost no query per page: what the user may open is worked out once, at login, and kept
in the session (flexwork/common/nav.py, read by templates/base.html and the sections' sub-menus).
The pages themselves always check the role again (flexwork.org.scope)."""

from __future__ import annotations

from flexwork.common.nav import remember_roles

__all__ = ["remember_roles"]
