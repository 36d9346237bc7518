"""The menus: one registry of the pages a menu offers and of who may open them (docs/rules.md §7).

Each `Page` names its URL, its label, the section whose tabs show it and the roles that may open it.
The same `Page.allows` decides whether a menu shows the link and whether the view lets the user in:
the views with their own role check use the role sets this registry reads (`schedules.views`,
`flexwork.reports`), the others call `require_page`. `tests/common/test_nav.py` opens every link of
every persona's menus and every page hidden from them.

The menus cost no query per page: the user's roles (plus `APPROVER`, which may come from a delegation)
are worked out once per login and kept in the session (`remember_roles`, `session_roles`). The pages
always check again, so a role lost during a session costs a 403, never access."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from flexwork.org import scope as org_scope

SESSION_KEY = "fw_roles"
AGENCY_NAME_KEY = "fw_agency_name"
# Not a role of flexwork.org.scope: may decide arrangements, by role or by an active delegation.
APPROVER = "approver"
# Not roles of flexwork.org.scope either (docs/rules.md §8): works in a unit whose working week is not
# Monday–Friday; heads such a unit or acts for its head on rosters (a delegation for kind "roster").
ROSTER_STAFF = "roster_staff"
ROSTER_MANAGER = "roster_manager"
ROSTER_ROLES = frozenset({ROSTER_STAFF, ROSTER_MANAGER})
# Any signed-in user, a platform operator too (home, notifications, profile).
ANYONE = None
STAFF = frozenset({org_scope.EMPLOYEE})  # every active employee of an agency

# Sections: the bottom bar and the top navigation mark the one the current page belongs to.
HOME = "home"
ATTENDANCE = "attendance"
WORKLOG = "worklog"
SCHEDULES = "schedules"
PERFORMANCE = "performance"
TEAM = "team"
HR = "hr"
REPORTS = "reports"
ACCOUNT = "account"

# Groups of the "More" menu.
MINE = "mine"
TEAM_GROUP = "team"
AGENCY_GROUP = "agency"
# The team's and the agency's pages first: the own ones are also in the bottom bar's sections.
MORE_GROUPS = (
    (TEAM_GROUP, gettext_lazy("My team")),
    (AGENCY_GROUP, gettext_lazy("Agency")),
    (MINE, gettext_lazy("My work")),
)


@dataclass(frozen=True)
class Page:
    url_name: str
    label: Promise
    section: str
    roles: frozenset[str] | None
    more: str | None = None  # the group of the "More" menu that lists it, if any
    tab: bool = True  # one of its section's tabs

    def allows(self, roles: frozenset[str]) -> bool:
        if self.roles is ANYONE:
            return True
        return bool(self.roles & roles)


@functools.cache
def pages() -> tuple[Page, ...]:
    """Built on first use: the role sets come from the apps' own modules, which import this one's."""
    from flexwork.reports.dashboards import DASHBOARD_ROLES
    from flexwork.reports.kinds import READER_ROLES
    from schedules.nav import APPROVER_ROLES
    from schedules.views import AGENCY_ROLES, CALENDAR_ROLES

    s = org_scope
    team_watchers = frozenset({s.SUPERVISOR, s.UNIT_HEAD, s.HR_ADMIN, s.AGENCY_HEAD})
    hr = frozenset({s.HR_ADMIN})
    return (
        Page("home", pgettext_lazy("start page", "Home"), HOME, ANYONE, tab=False),
        # Attendance
        Page("attendance-check", gettext_lazy("Check in"), ATTENDANCE, STAFF),
        Page("attendance-log", gettext_lazy("My daily log"), WORKLOG, STAFF),
        Page("attendance-month", gettext_lazy("My month"), ATTENDANCE, STAFF, more=MINE),
        Page("attendance-requests", gettext_lazy("Leave and corrections"), ATTENDANCE, STAFF, more=MINE),
        Page("leave-balance", gettext_lazy("My leave balance"), ATTENDANCE, STAFF, more=MINE, tab=False),
        Page(
            "allowances:allowance_mine",
            gettext_lazy("My allowance deductions"),
            ATTENDANCE,
            STAFF,
            more=MINE,
            tab=False,
        ),
        Page("attendance-team", gettext_lazy("Team today"), ATTENDANCE, team_watchers, more=TEAM_GROUP),
        Page("attendance-verify", gettext_lazy("Logs to verify"), ATTENDANCE, frozenset({s.SUPERVISOR}), TEAM_GROUP),
        Page("attendance-exceptions", gettext_lazy("Exceptions"), ATTENDANCE, team_watchers, more=TEAM_GROUP),
        # Flexible work arrangements
        Page("schedules-my-requests", gettext_lazy("My requests"), SCHEDULES, STAFF),
        Page("schedules-request-new", gettext_lazy("New request"), SCHEDULES, STAFF),
        Page("schedules-my-calendar", gettext_lazy("My calendar"), SCHEDULES, STAFF, more=MINE),
        Page("schedules-queue", gettext_lazy("Approvals"), SCHEDULES, frozenset({APPROVER}), more=TEAM_GROUP),
        Page(
            "schedules-team-calendar", gettext_lazy("Team calendar"), SCHEDULES, frozenset(CALENDAR_ROLES), TEAM_GROUP
        ),
        Page("schedules-delegations", gettext_lazy("Delegations"), SCHEDULES, APPROVER_ROLES | hr, more=TEAM_GROUP),
        Page("schedules-all-requests", gettext_lazy("All requests"), SCHEDULES, frozenset(AGENCY_ROLES), AGENCY_GROUP),
        Page("schedules-directives", gettext_lazy("Directives"), SCHEDULES, hr, more=AGENCY_GROUP),
        # Shifts (docs/rules.md §8)
        Page("shifts:my_duties", gettext_lazy("My duties"), SCHEDULES, frozenset({ROSTER_STAFF}), more=MINE),
        Page("shifts:swaps", gettext_lazy("Duty swaps"), SCHEDULES, ROSTER_ROLES, more=MINE),
        Page("shifts:rosters", gettext_lazy("Rosters"), SCHEDULES, frozenset({ROSTER_MANAGER}), more=TEAM_GROUP),
        # Performance
        Page("performance-my-targets", gettext_lazy("My targets"), PERFORMANCE, STAFF, more=MINE),
        Page(
            "performance-team",
            gettext_lazy("My team's targets"),
            PERFORMANCE,
            frozenset({s.SUPERVISOR, s.UNIT_HEAD}),
            more=TEAM_GROUP,
        ),
        Page(
            "performance-distribution",
            gettext_lazy("Predikat distribution"),
            PERFORMANCE,
            frozenset({s.HR_ADMIN, s.AGENCY_HEAD}),
            more=AGENCY_GROUP,
        ),
        # Dashboards and reports
        Page(
            "dashboard-supervisor",
            gettext_lazy("My team's dashboard"),
            TEAM,
            frozenset({s.SUPERVISOR, s.UNIT_HEAD, s.DECIDER}),
            more=TEAM_GROUP,
            tab=False,
        ),
        Page("dashboard-hr", gettext_lazy("Dashboard"), REPORTS, frozenset(DASHBOARD_ROLES), more=AGENCY_GROUP),
        Page("reports-list", gettext_lazy("Reports"), REPORTS, frozenset(READER_ROLES), more=AGENCY_GROUP),
        # HR administration
        Page("hr-index", gettext_lazy("HR administration"), HR, hr, more=AGENCY_GROUP, tab=False),
        Page("hr-employees", gettext_lazy("Employees"), HR, hr),
        Page("hr-units", gettext_lazy("Units"), HR, hr),
        Page("hr-positions", gettext_lazy("Positions"), HR, hr),
        Page("hr-roles", gettext_lazy("Roles"), HR, hr),
        Page("hr-imports", gettext_lazy("Import"), HR, hr),
        Page("hr-activation-codes", gettext_lazy("Activation codes"), HR, hr),
        Page("hr-policy", gettext_lazy("Policy"), HR, hr),
        Page("hr-holidays", gettext_lazy("Holidays"), HR, hr),
        Page("hr-locations", gettext_lazy("Locations"), HR, hr),
        # Shifts (docs/rules.md §8): after the agency's own set-up, which every agency has.
        Page("shifts:hr_shifts", gettext_lazy("Shifts"), HR, hr),
        # The shift catalogue's own tabs (templates/shifts/hr_tabs.html).
        Page("shifts:hr_patterns", gettext_lazy("Shift patterns"), HR, hr, tab=False),
        Page("shifts:hr_shift_units", gettext_lazy("Units on shifts"), HR, hr, tab=False),
        Page("hr-audit", gettext_lazy("Audit log"), HR, hr),
        Page(
            "home-location-queue",
            gettext_lazy("Home locations"),
            HR,
            frozenset({s.HR_ADMIN, s.SUPERVISOR}),
            more=TEAM_GROUP,
        ),
        Page("attendance-leave-import", gettext_lazy("Import leave"), HR, hr),
        Page("hr-leave-balances", gettext_lazy("Leave balances"), HR, hr),
        Page("allowances:allowance_schemes", gettext_lazy("Allowance schemes"), HR, hr),
        # The installation: a platform operator's console (superusers; flexwork/org/operator_views.py)
        Page(
            "operator-agencies",
            gettext_lazy("Agencies"),
            "operator",
            frozenset({s.PLATFORM_OPERATOR}),
            more=AGENCY_GROUP,
            tab=False,
        ),
        # The account
        Page("notification-list", gettext_lazy("Notifications"), ACCOUNT, ANYONE, tab=False),
        Page("profile", gettext_lazy("Profile"), ACCOUNT, ANYONE, tab=False),
    )


@functools.cache
def page_index() -> dict[str, Page]:
    return {page.url_name: page for page in pages()}


# Pages outside the registry (a request's detail, an SKP) belong to the section of their URL name.
_SECTION_PREFIXES = (
    ("attendance-", ATTENDANCE),
    ("schedules-", SCHEDULES),
    ("shifts:hr_", HR),
    ("shifts:", SCHEDULES),
    ("performance-", PERFORMANCE),
    ("hr-", HR),
    ("home-location", HR),
    ("reports-", REPORTS),
    ("dashboard-", REPORTS),
    ("notification", ACCOUNT),
    ("profile", ACCOUNT),
    ("token-", ACCOUNT),
    ("mfa_", ACCOUNT),
)


def section_of(url_name: str | None) -> str | None:
    if not url_name:
        return None
    page = page_index().get(url_name)
    if page is not None:
        return page.section
    for prefix, section in _SECTION_PREFIXES:
        if url_name.startswith(prefix):
            return section
    return None


# ---------------------------------------------------------------------------- roles


def roles_of(scope: org_scope.UserScope, *, with_approver: bool = True, with_roster: bool = False) -> frozenset[str]:
    """The scope's roles, plus APPROVER when the user may decide arrangements (a query only when
    no role makes them an approver: an active delegation), plus the roster roles when asked (a query)."""
    roles = set(scope.roles)
    if with_approver:
        from schedules.nav import may_approve

        if may_approve(scope):
            roles.add(APPROVER)
    if with_roster and scope.agency_id is not None:
        from flexwork.org.models import Agency

        row = _with_roster_flags(Agency.objects.filter(id=scope.agency_id), scope).values_list(
            "roster_staff", "roster_manager"
        )
        roles |= _roster_roles(*(row.first() or (False, False)))
    return frozenset(roles)


def _with_roster_flags(agencies, scope: org_scope.UserScope):
    """Annotate `roster_staff` and `roster_manager` (docs/rules.md §8) on an agency queryset."""
    from django.db.models import Exists, Q

    from flexwork.approvals.models import ApprovalKind
    from flexwork.approvals.services import active_delegations
    from flexwork.common.calendar import today_in
    from flexwork.org.models import Unit, WorkWeek

    shift_units = Unit.objects.filter(agency_id=scope.agency_id).exclude(work_week=WorkWeek.MON_FRI)
    delegators = active_delegations(
        delegate_id=scope.employee_id, kind=ApprovalKind.ROSTER, on=today_in(scope.office_time_zone)
    ).values("delegator_id")
    return agencies.annotate(
        roster_staff=Exists(shift_units.filter(id=scope.unit_id)),
        roster_manager=Exists(shift_units.filter(Q(head_id=scope.employee_id) | Q(head_id__in=delegators))),
    )


def _roster_roles(staff: bool, manager: bool) -> set[str]:
    return {role for role, flag in ((ROSTER_STAFF, staff), (ROSTER_MANAGER, manager)) if flag}


def _remember(session, user) -> list[str]:
    """The roles and the agency's name (the header shows it), at most three queries."""
    from flexwork.org.models import Agency

    scope = org_scope.scope_for(user)
    roles = set(roles_of(scope))
    name = ""
    if scope.agency_id:
        row = (
            _with_roster_flags(Agency.objects.filter(id=scope.agency_id), scope)
            .values_list("name", "roster_staff", "roster_manager")
            .first()
        )
        if row is not None:
            name = row[0] or ""
            roles |= _roster_roles(row[1], row[2])
    session[SESSION_KEY] = sorted(roles)
    session[AGENCY_NAME_KEY] = name
    return sorted(roles)


def remember_roles(sender, request, user, **kwargs) -> None:
    """user_logged_in: what the menus show, kept in the session for the whole login."""
    if request is None or not hasattr(request, "session"):
        return
    _remember(request.session, user)


def session_roles(request) -> frozenset[str]:
    """The menus' roles: from the session; worked out once (and kept) for a session started before."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return frozenset()
    session = getattr(request, "session", None)
    if session is None:
        return roles_of(org_scope.scope_for(user))
    stored = session.get(SESSION_KEY)
    if stored is None:
        stored = _remember(session, user)
    return frozenset(stored)


def require_page(user, url_name: str) -> org_scope.UserScope:
    """The view's check of a registered page: 403 unless the registry allows it to the user."""
    page = page_index()[url_name]
    scope = org_scope.scope_for(user)
    if page.roles is ANYONE:
        return scope
    scope = org_scope.require_agency(scope)
    roles = roles_of(scope, with_approver=APPROVER in page.roles, with_roster=bool(page.roles & ROSTER_ROLES))
    if not page.allows(roles):
        raise PermissionDenied(_("Your role does not allow this."))
    return scope


# ---------------------------------------------------------------------------- menus


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise
    current: str | None  # "page" on the page itself, "true" inside its section, else None
    icon: str = ""


def _current(url_name: str, here: str | None, section: str | None, here_section: str | None) -> str | None:
    if url_name == here:
        return "page"
    if section is not None and section == here_section:
        return "true"
    return None


def allowed_pages(roles: frozenset[str]) -> list[Page]:
    return [page for page in pages() if page.allows(roles)]


def tabs(roles: frozenset[str], section: str, here: str | None) -> list[Link]:
    """The sub-menu of a section: the pages of it the user may open (none when only one is left)."""
    found = [
        Link(p.url_name, p.label, "page" if p.url_name == here else None)
        for p in allowed_pages(roles)
        if p.tab and (p.section == section or (section == ATTENDANCE and p.section == WORKLOG))
    ]
    return found if len(found) > 1 else []


# A section's own start page lists its pages instead of a row of tabs.
SECTION_INDEXES = {"hr-index": HR}


def section_links(roles: frozenset[str], here: str | None) -> list[Link]:
    section = SECTION_INDEXES.get(here or "")
    if section is None:
        return []
    return [Link(p.url_name, p.label, None) for p in allowed_pages(roles) if p.tab and p.section == section]


# The phone's bottom bar: four sections every member of an agency has, then "More".
BOTTOM_BAR = (
    ("home", pgettext_lazy("start page", "Home"), HOME, "home"),
    ("attendance-check", gettext_lazy("Attendance"), ATTENDANCE, "attendance"),
    ("schedules-my-requests", pgettext_lazy("menu", "Requests"), SCHEDULES, "requests"),
    ("attendance-log", gettext_lazy("Daily log"), WORKLOG, "log"),
)


def menu(roles: frozenset[str], here: str | None) -> dict:
    """Everything base.html draws: the bottom bar, the desktop sections and the "More" groups."""
    here_section = section_of(here)
    allowed = allowed_pages(roles)
    names = {page.url_name for page in allowed}
    staff = org_scope.EMPLOYEE in roles
    bar = [
        Link(url, label, _current(url, here, section, here_section), icon)
        for url, label, section, icon in BOTTOM_BAR
        if url in names and (staff or section == HOME)
    ]
    primary = [
        *bar,
        *(
            Link(url, label, _current(url, here, section, here_section))
            for url, label, section in (
                ("performance-my-targets", gettext_lazy("Performance"), PERFORMANCE),
                ("schedules-queue", gettext_lazy("Approvals"), None),
                ("hr-index", pgettext_lazy("menu", "HR"), HR),
                ("reports-list", gettext_lazy("Reports"), REPORTS),
            )
            if url in names
        ),
    ]
    if any(link.current == "page" for link in primary):  # the queue: Approvals, not Requests as well
        primary = [
            link if link.current == "page" else Link(link.url_name, link.label, None, link.icon) for link in primary
        ]
    # One item of the bar is marked: a section of its own, else "More", which holds the rest.
    more_current = here_section in (PERFORMANCE, TEAM, HR, REPORTS, ACCOUNT)
    groups = []
    for key, title in MORE_GROUPS:
        links = [Link(p.url_name, p.label, "page" if p.url_name == here else None) for p in allowed if p.more == key]
        if links:
            groups.append({"key": key, "title": title, "links": links})
    return {
        "bar": bar,
        "primary": primary,
        "groups": groups,
        "more_current": "true" if more_current else None,
        "here": here,
        "profile_current": "page" if here == "profile" else None,
        "notifications_current": "page" if here == "notification-list" else None,
    }
