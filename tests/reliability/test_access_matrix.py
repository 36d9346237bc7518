"""The access matrix: every route of the URL resolver × every persona, on objects of agency A.

- Anonymous visitors get 401 from the API and a login redirect from pages, except on the public
  routes listed in PUBLIC (each with its reason).
- Agency-B personas never reach an agency-A object: 403/404 (405 for a method the view lacks), never a
  2xx or a success redirect; on lists they get an answer without a trace of agency A.
- Agency-A personas get a 2xx (or a success redirect) only where ALLOWED says so.
- A route with a path parameter that PARAMS does not know, or a route missing from ALLOWED, fails:
  new routes must be added here.
"""

from __future__ import annotations

import logging
import os

import pytest
from django.test import Client

from tests.reliability.routes import all_routes

pytestmark = pytest.mark.django_db

A_PERSONAS = ("employee_a", "supervisor_a", "unit_head_a", "hr_admin_a")
B_PERSONAS = ("employee_b", "hr_admin_b")
PERSONAS = ("anonymous", *A_PERSONAS, *B_PERSONAS)
ALL = frozenset(A_PERSONAS)
EMP, SUP, HEAD, HR = "employee_a", "supervisor_a", "unit_head_a", "hr_admin_a"
NOBODY: frozenset[str] = frozenset()

# Routes anyone may open, with the reason.
PUBLIC = {
    "account_login": "the login page",
    "account_logout": "logging out needs no login (it just ends a session, if any)",
    "account_inactive": "allauth's 'account inactive' notice, shown after a refused login",
    "account_signup": "answers that sign-up is closed (accounts come from HR)",
    "account_reset_password": "password reset by e-mail is for people who cannot log in",
    "account_reset_password_done": "password reset flow",
    "account_reset_password_from_key": "password reset flow (the key is the secret)",
    "account_reset_password_from_key_done": "password reset flow",
    "account_confirm_login_code": "allauth's login-by-code step (redirects without a pending login)",
    "account_email_verification_sent": "allauth's notice page",
    "account_confirm_email": "e-mail confirmation (the key is the secret)",
    "mfa_authenticate": "the second step of a login (redirects without a pending login)",
    "set-language": "the login page has a language switch",
    "healthz": "liveness probe for the load balancer",
    "healthz-deps": "dependency probe for monitoring (no personal data)",
    "activate": "first login with an activation code",
    "password-reset-code": "a new password with a reset code from HR (the code is the secret; never logs in)",
    "schedules-ical": "iCal feed: the secret URL is the credential",
    "schema": "the OpenAPI document (docs/api.md)",
    "api-docs": "Swagger UI (docs/api.md)",
    "login": "the admin's login page hands over to allauth's login (with MFA)",
    "logout": "the admin's logout only ends a session",
    "web-manifest": "the installable app's manifest (names only the caller's own agency)",
    "service-worker": "the installable app's service worker script (nothing personal)",
    "offline": "the page the service worker shows without a network (nothing personal)",
}

# Route name → who of agency A may get a 2xx or a success redirect, per method ("*" = any method).
# Objects: employee_a owns the arrangement, leave, correction, work log, SKP, evidence, token,
# notification, home-location request and calendar feed; HR admin A made the import batch, the
# directive and the report run; unit head A made the recall and the delegation.
ALLOWED: dict[str, dict[str, frozenset[str]]] = {}


def allow(names: str, **methods) -> None:
    for name in names.split():
        ALLOWED[name] = {m: frozenset(v) for m, v in methods.items()}


# Reviewed by hand, route by route (pages: a POST "success" may be a redirect that carries an error
# message; the view's own tests check those). A persona absent from a rule must not get a 2xx.
# allauth's account and MFA pages act only on the caller's own account.
allow(
    "account_reauthenticate account_request_reauthentication_code account_confirm_reauthentication_code"
    " account_email account_change_password account_set_password mfa_index"
    " mfa_reauthenticate mfa_activate_totp mfa_deactivate_totp mfa_view_recovery_codes"
    " mfa_generate_recovery_codes mfa_download_recovery_codes",
    get=ALL,
    post=ALL,
)
allow("home", get=ALL)
allow("first-steps-dismiss", post=ALL)
allow("profile", get=ALL)
allow("profile-my-data profile-my-data-download", get=ALL)  # one's own data only
allow("token-list", get=ALL)
allow("token-revoke", post={EMP})
allow("notification-list", get=ALL)
allow("notification-mark-all-read", post=ALL)
allow("evidence-download", get={EMP})
allow("home-location", get=ALL)
allow("home-location-queue", get={SUP, HEAD, HR})
allow("home-location-decide", post={SUP, HR})
allow("hr-index", get={HR})
allow("hr-units", get={HR})
allow("hr-employees", get={HR})
allow("hr-employee-detail", get={HR}, post={HR})
# HR's password reset code and MFA reset: a POST first asks a force_login session to reauthenticate.
allow("hr-employee-password-reset")
allow("hr-employee-mfa-reset", get={HR})
allow("hr-employee-edit hr-employee-nip hr-employee-transfer hr-roles", get={HR}, post={HR})
allow("hr-imports", get={HR})
allow("hr-import-detail", get={HR}, post={HR})
allow("hr-import-template", get={HR})
allow("hr-policy", get={HR})
allow("hr-positions hr-position-edit", get={HR}, post={HR})
allow("hr-holidays", get={HR}, post={HR})
allow("hr-locations", get={HR}, post={HR})
allow("hr-activation-codes", get={HR})
allow("hr-audit hr-audit-export", get={HR})
# The operator console: superusers only, so no agency persona.
allow(
    "operator-agencies operator-agency-new operator-agency operator-appoint operator-remove operator-codes",
    get=NOBODY,
    post=NOBODY,
)
allow("performance-my-targets", get=ALL)
allow("performance-team", get={SUP, HEAD})
allow("performance-distribution", get={HR}, post={HR})
allow("performance-skp-create", get=ALL, post=ALL)
allow("performance-skp-detail", get=ALL)
allow("performance-skp-edit", get=ALL, post=ALL)
allow("performance-skp-print", get=ALL)
allow("performance-rhk-add", post=ALL)
allow("performance-feedback-add", post=ALL)
allow("performance-evaluate", get={SUP}, post={SUP})
allow("performance-skp-transition", post={EMP})
allow("performance-indicator-add", get={EMP, SUP}, post=ALL)
allow("performance-indicator-detail", get=ALL)
allow("performance-realisation", get=ALL, post=ALL)
allow("performance-evaluation-detail", get=ALL)
allow("attendance-check", get=ALL, post=ALL)
allow("attendance-month", get=ALL, post=ALL)
allow("attendance-positions", get=ALL, post=ALL)
allow("attendance-log", get=ALL, post=ALL)
allow("attendance-requests", get=ALL, post=ALL)
allow("attendance-request-decide", post=ALL)
allow("attendance-leave-decide", post=ALL)  # a form without an action goes back to the requests page
allow("attendance-requests-bulk-decide", post=ALL)  # acts only on the caller's own queue
allow("attendance-team", get={SUP, HEAD, HR}, post={SUP, HEAD, HR})
allow("attendance-verify", get={SUP, HEAD})
allow("attendance-exceptions", get={SUP, HEAD, HR}, post={SUP, HEAD, HR})
allow("attendance-leave-import", get={HR}, post={HR})
allow("schedules-my-requests", get=ALL)
allow("schedules-request-new", get=ALL, post=ALL)
allow("schedules-request-new-days", get=ALL, post=ALL)  # without a valid "where" it sends back to step 1
allow("schedules-request-rule-check", post=ALL)  # the live check of one's own days; writes nothing
allow("schedules-request-step", get={EMP}, post={EMP})  # the owner (a sent request redirects to "sent")
allow("schedules-request-sent", get={EMP})
allow("schedules-queue", get={SUP, HEAD})
allow("schedules-queue-bulk-approve", post={SUP, HEAD})
allow("schedules-all-requests", get={HR})
allow("schedules-request-detail", get=ALL)
allow("schedules-request-edit", get={EMP}, post={EMP})
allow("schedules-request-action", post={EMP})
allow("schedules-my-calendar", get=ALL)
allow("schedules-team-calendar", get={SUP, HEAD, HR})
allow("schedules-recall", get={SUP, HEAD}, post={SUP, HEAD})
allow("schedules-directives", get={HR}, post={HR})
allow("schedules-directive", get={HR}, post={HR})
allow("schedules-directive-withdraw", post={HR})
allow("schedules-delegations", get={SUP, HEAD, HR}, post={SUP, HEAD, HR})
allow("schedules-delegation-revoke", post={HEAD, HR})
allow("schedules-feed-create", post=ALL)
allow("schedules-feed-revoke", post={EMP})
allow("reports-list", get={HEAD, HR})
allow("reports-detail", get={HR})
allow("reports-download")
allow("reports-baselines", get={HR}, post={HR})  # HR only; an empty POST re-renders the form (200)
allow("reports-baselines-template", get={HR})
allow("dashboard-hr", get={HEAD, HR})
allow("dashboard-supervisor", get={SUP, HEAD})
allow("api-token-list", get=ALL)
allow("api-token-revoke", post={EMP})  # the owner
allow("api-notification-list", get=ALL)
allow("api-notification-read", post={EMP})
allow("api-evidence-upload")
allow("api-evidence-detail", get={EMP})
allow("api-evidence-download", get={EMP})
allow("api-me", get=ALL)
allow("api-me-data", get=ALL)
allow("api-audit-list", get={HR})
allow("api-units", get=ALL)
allow("api-unit-detail", get=ALL, patch={HR})  # HR sets a unit's working week (docs/rules.md §8)
allow("api-employees", get=ALL)
allow("api-employee-detail", get=ALL, patch={HR})
allow("api-positions", get=ALL)
allow("api-locations", get=ALL)
allow("api-holidays", get=ALL)
allow("api-policy", get=ALL, patch={HR})
allow("api-imports")
allow("api-import-detail", get={HR})
allow("api-import-confirm", post={HR})
allow("api-skp-list", get=ALL)
allow("api-skp-detail", get=ALL)
allow("api-skp-submit")
allow("api-skp-approve")
allow("api-skp-return")
allow("api-indicator-list", get=ALL)
allow("api-indicator-detail", get=ALL)
allow("api-realisation-list", get=ALL)
allow("api-evaluation-list", get=ALL)
allow("api-evaluation-detail", get=ALL)
allow("api-feedback-list", get=ALL)
allow("api-arrangements", get=ALL)
allow("api-arrangement-check")
allow("api-arrangement", get=ALL)
allow("api-arrangement-submit", post={EMP})  # the owner
allow("api-arrangement-recommend", post={SUP})  # the supervisor, at the recommend step
allow("api-arrangement-approve", post={HEAD})  # the decider, at the decide step
allow("api-arrangement-reject")
allow("api-arrangement-return")
allow("api-arrangement-withdraw", post={EMP})
allow("api-arrangement-cancel", post={EMP})  # the owner
allow("api-arrangement-revoke")
allow("api-schedule-days", get=ALL)
allow("api-team-calendar")
allow("api-delegations", get=ALL)
allow("api-delegation", get={HEAD, HR}, delete={HEAD, HR})
allow("api-directives", get=ALL)
allow("api-directive", get=ALL, patch={HR}, delete={HR})
allow("api-recalls", get=ALL)
allow("api-recall", get=ALL)
allow("api-attendance-check-in")
allow("api-attendance-check-out")
allow("api-attendance-days", get=ALL)
allow("api-corrections", get=ALL)
allow("api-correction", get=ALL)
allow("api-leaves", get=ALL)
allow("api-leave", get=ALL)
allow("api-worklogs", get=ALL)
allow("api-worklog", get=ALL, delete={EMP})
allow("api-worklog-verify")
allow("api-correction-submit", post={EMP})
allow("api-correction-recommend", post={SUP})
allow("api-correction-approve", post={HEAD})
allow("api-correction-reject")
allow("api-correction-return")
allow("api-correction-withdraw")
allow("api-leave-submit", post={EMP})
allow("api-leave-recommend", post={SUP})
allow("api-leave-approve", post={HEAD})
allow("api-leave-reject")
allow("api-leave-return")
allow("api-leave-withdraw")
allow("api-leave-cancel", post={EMP})
allow("api-leave-revoke")
allow("api-leave-change-dates")  # the new dates and the reason are required (400 for an empty body)
allow("api-leave-defer")  # the reason is required
allow("api-report-list", get=ALL)
allow("api-report-detail", get={HR})
allow("api-dashboard-hr", get={HEAD, HR})
allow("api-dashboard-supervisor", get={SUP, HEAD})
allow("api-dashboard-me", get=ALL)
# Shifts (docs/rules.md §8). The world's roster unit is headed by unit head A; its two operators are not personas.
allow("hr-unit-work-week", get={HR})  # an empty POST is refused (400)
allow("hr-unit-work-week-file")  # HR only (others 403, another agency 404); the world keeps no decree file (404)
allow("hr_shifts hr_shift_type hr_patterns hr_pattern hr_shift_units hr_shift_unit", get={HR})  # empty POSTs: 400
allow("rosters", get={HEAD})  # the units one heads
allow("roster_create roster_generate roster_publish roster_cell")  # empty POSTs are refused (400/404/409)
allow("roster", get={HEAD, HR})  # the unit's head, and HR reads the agency's rosters
allow("my_duties")  # staff of roster units only: no persona works in one
allow("swaps", get={HEAD}, post={HEAD})  # the swaps waiting for the head's decision
allow("swap_new")
allow("swap", get={HEAD, HR}, post={HEAD, HR})  # the deciding head; HR reads (a POST re-renders the page)
allow("swap_action")
allow("api-shift-types api-shift-patterns", get=ALL)  # agency data; HR writes (empty POSTs: 400)
allow("api-shift-type api-shift-pattern", get=ALL, patch={HR})  # an empty PATCH changes nothing
allow("api-roster-assignments", get=ALL)  # within reach: HR all, a head their units, others their own
allow("api-roster-assignment", get={HEAD, HR})
allow("api-rosters api-duties api-duty-swaps", get=ALL)  # scoped lists
allow("api-roster api-duty api-duty-swap", get={HEAD, HR})
allow("api-roster-generate api-roster-publish api-roster-cell")
allow("api-duty-swap-accept api-duty-swap-decline api-duty-swap-approve api-duty-swap-reject api-duty-swap-withdraw")
# Leave balances (docs/rules.md §9).
allow("leave-balance", get=ALL)  # one's own balance and its history
allow("leave-preview", get=ALL, post=ALL)  # the leave form's before/after of one's own days; writes nothing
allow("leave-request-form", get=ALL)  # the printable form of a request in view (the world's leave is employee A's)
allow("hr-leave-balances hr-leave-balance-import", get={HR})  # an empty import POST is refused (400)
allow("hr-leave-balance-correct")  # an empty POST is refused (400)
allow("api-leave-balances", get=ALL)  # scoped: own, team, agency
# Allowance deductions (docs/rules.md §10).
allow("allowance_mine", get=ALL)  # one's own lines
allow("allowance_schemes allowance_scheme", get={HR})  # an empty POST to a scheme is refused (400)
allow("allowance_scheme_clone")  # an empty POST is refused (400)


def _params(world) -> dict[str, object]:
    o = world.org
    return {
        "token_id": world.token.id,
        "notification_id": world.notification.id,
        "evidence_id": world.evidence.id,
        "unit_id": o.sec_a.id,
        "position_id": o.position_a.id,
        "agency_id": o.agency_a.id,
        "employee_id": o.employee_a.employee.id,
        "batch_id": world.batch.id,
        "skp_id": world.skp.id,
        "rhk_id": world.skp.rhks.first().id,
        "indicator_id": world.indicator.id,
        "evaluation_id": world.evaluation.id,
        "arrangement_id": world.arrangement.id,
        "delegation_id": world.delegation.id,
        "directive_id": world.directive.id,
        "recall_id": world.recall.id,
        "correction_id": world.correction.id,
        "leave_id": world.leave.id,
        "worklog_id": world.worklog.id,
        "feed_id": world.feed.id,
        "token": world.feed_token,
        "run_id": world.report_run.id if world.report_run else None,
        "shift_type_id": world.shifts.shift_type.id,
        "pattern_id": world.shifts.pattern.id,
        "assignment_id": world.shifts.assignment.id,
        "roster_id": world.shifts.roster.id,
        "duty_id": world.shifts.duty.id,
        "swap_id": world.shifts.swap.id,
        "scheme_id": world.allowance_scheme.id,
        # Route-specific values: "route name:parameter".
        "swap_action:action": "accept",
        "home-location-decide:request_id": world.home_request.id,
        "attendance-request-decide:kind": "leave",
        "attendance-request-decide:request_id": world.leave.id,
        "hr-import-template:kind": "employees",
        "hr-import-template:fmt": "csv",
        "reports-download:fmt": "csv",
        "performance-skp-transition:action": "submit",
        "schedules-request-action:action": "withdraw",
        "schedules-request-step:step": "days",
        # allauth secrets (public routes) and the admin's own parameters.
        "key": "not-a-key",
        "uidb36": "1",
        "app_label": "org",
        "url": "nothing-here/",
        "id": o.employee_a.id,
        "object_id": "1",
        "content_type_id": "1",
    }


def fill(route, values) -> str | None:
    filled = {}
    for param in route.params:
        value = values.get(f"{route.key}:{param}", values.get(param))
        if value is None:
            return None
        filled[param] = value
    return route.path(filled)


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """Thousands of expected 403/404/405 answers: keep the log readable."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.fixture
def clients(world):
    """persona → (browser client with a session, API client authenticated as in a token call)."""
    from rest_framework.test import APIClient

    o = world.org
    made = {"anonymous": (Client(), APIClient())}
    for persona in (*A_PERSONAS, *B_PERSONAS):
        user = getattr(o, persona)
        browser, api = Client(), APIClient()
        browser.force_login(user)
        api.force_authenticate(user=user)
        made[persona] = (browser, api)
    return made


def agency_a_markers(world) -> list[str]:
    """Text that only agency A's data contains."""
    o = world.org
    return ["Pegawai A", "Kasi A", "Kepala Bidang A", "Seksi A", "Bidang A", o.employee_a.employee.nip, "Dinas A"]


def is_login_redirect(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


def is_reauthentication_redirect(response) -> bool:
    # Creating a token first asks for the password again: a refusal for now, not a success.
    return response.status_code == 302 and "/accounts/reauthenticate/" in response.get("Location", "")


def is_success(response) -> bool:
    if is_reauthentication_redirect(response):
        return False
    return 200 <= response.status_code < 300 or (300 <= response.status_code < 400 and not is_login_redirect(response))


def call(client, method, path):
    kwargs = {"content_type": "application/json", "data": "{}"} if method in ("post", "put", "patch") else {}
    return getattr(client, method)(path, **kwargs)


def test_every_route_has_a_known_parameter_and_an_access_rule(world):
    values = _params(world)
    unknown = [
        f"{r.pattern} ({p})"
        for r in all_routes()
        for p in r.params
        if values.get(f"{r.key}:{p}", values.get(p)) is None
    ]
    assert not unknown, f"add these path parameters to PARAMS: {unknown}"
    missing = [
        r.key
        for r in all_routes()
        if not r.is_admin and r.key not in PUBLIC and r.key not in ALLOWED and r.callback.__name__ != "not_found"
    ]
    assert not missing, f"add these routes to ALLOWED or PUBLIC: {missing}"


def test_the_matrix(world, clients):
    values = _params(world)
    markers = agency_a_markers(world)
    problems: list[str] = []
    table: list[str] = []
    for route in all_routes():
        path = fill(route, values)
        if path is None or route.callback.__name__ == "not_found":
            continue
        public = route.key in PUBLIC
        rules = ALLOWED.get(route.key, {})
        has_object = any(p in values and not p.startswith(("key", "uid")) for p in route.params) and not route.is_admin
        for method in route.methods():
            row, ok = [], []
            for persona in PERSONAS:
                browser, api = clients[persona]
                response = call(api if route.is_api else browser, method, path)
                code = response.status_code
                row.append(f"{persona}={code}")
                if persona in A_PERSONAS and is_success(response):
                    ok.append(persona)
                where = f"{method.upper()} {path} as {persona}: {code}"
                # No worker runs beside this test: the dependency probe rightly answers 503.
                if code >= 500 and not (route.key == "healthz-deps" and code == 503):
                    problems.append(f"{where} (server error)")
                    continue
                if public:
                    continue
                if persona == "anonymous":
                    if route.is_api and code != 401:
                        problems.append(f"{where} (expected 401)")
                    elif not route.is_api and not (is_login_redirect(response) or code == 405):
                        problems.append(f"{where} (expected a login redirect)")
                    continue
                if route.is_admin:
                    if is_success(response):
                        problems.append(f"{where} (admin opened to a non-staff user)")
                    continue
                if persona in B_PERSONAS:
                    if has_object and is_success(response):
                        problems.append(f"{where} (another agency's object reached)")
                    elif is_success(response) and method == "get":
                        body = response.content.decode(errors="replace")
                        leaked = [m for m in markers if m in body]
                        if leaked:
                            problems.append(f"{where} (agency A data shown: {leaked})")
                    continue
                allowed = rules.get(method, rules.get("*", NOBODY))
                if is_success(response) and persona not in allowed:
                    problems.append(f"{where} (not allowed)")
            table.append(f"{method.upper():6} {route.key:40} " + " ".join(row) + f"  ok={ok}")
    if os.environ.get("MATRIX_DUMP"):
        print("\n".join(table))
    assert not problems, "\n".join(problems)
