import hashlib
import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

# Apps whose sensitive pages accept a recent sign-in as a recent reauthentication.
RECENT_LOGIN_COUNTS = frozenset({"allauth.mfa", "flexwork.accounts"})


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts come from HR's import or the platform operator, never from self sign-up.
        return False

    def pre_authenticate(self, request, **credentials):
        # allauth answers a locked attempt (too many failed logins) with a form error and status 200;
        # we answer 429, like every other rate limit, so that monitoring and scripts see it.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from exc
            raise

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The "key" of allauth's `login_failed` limit (ACCOUNT_RATE_LIMITS, "5/5m/key"): the login
        name *and* the client's address. Five wrong passwords lock that pair only, so whoever knows
        a NIP cannot lock its owner out: the owner's right password from another address still
        works. The per-IP part of the limit is generous (an office shares one NAT address)."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def authentication_failed(self, request, **credentials) -> None:
        """A wrong password: answered after LOGIN_FAILURE_DELAY_SECONDS (a guesser is slowed, the
        owner hardly notices), and counted per account over every address; at the
        LOGIN_FAILURE_NOTICE_AFTER-th failure within LOGIN_FAILURE_NOTICE_WINDOW_SECONDS the owner
        gets one security notice (flexwork.accounts.services.login_failures_notify)."""
        from flexwork.accounts.services import login_failures_notify

        login = str(credentials.get("email", credentials.get("username", "")) or "").strip().lower()
        if login:
            key = f"fw:login-failures:{hashlib.sha256(login.encode()).hexdigest()[:32]}"
            cache.add(key, 0, settings.LOGIN_FAILURE_NOTICE_WINDOW_SECONDS)
            try:
                failures = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, settings.LOGIN_FAILURE_NOTICE_WINDOW_SECONDS)
                failures = 1
            if failures == settings.LOGIN_FAILURE_NOTICE_AFTER:
                login_failures_notify(login=login, failures=failures, address=self.get_client_ip(request))
        if settings.LOGIN_FAILURE_DELAY_SECONDS > 0:
            time.sleep(settings.LOGIN_FAILURE_DELAY_SECONDS)

    def get_client_ip(self, request) -> str:
        """The address rate limits count by. allauth's default takes the left-most X-Forwarded-For
        entry, which the client writes itself (a new address per request would dodge the per-IP
        limit). Here: REMOTE_ADDR, or with ALLAUTH_TRUSTED_PROXY_COUNT = n proxies in front, the
        n-th entry from the right, the one our outermost proxy appended."""
        remote = request.META.get("REMOTE_ADDR", "")
        count = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        if count <= 0:
            return remote
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        return hops[-count] if len(hops) >= count else remote

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """MFA pages (enrolling the authenticator app, turning it off, new recovery codes) and creating an
        API token (app "flexwork.accounts", flexwork.accounts.views.token_list) ask for the password again
        only when the last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT: a user whose policy
        requires MFA enrols right after signing in and is not asked for the password just typed. allauth
        itself counts only an explicit reauthentication as recent; every other sensitive page keeps that rule."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if app not in RECENT_LOGIN_COUNTS or request is None or not request.user.is_authenticated:
            return True
        from allauth.account.internal.flows.login import get_authentication_records  # the user's own records

        since = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
        return not any(record.get("at", 0) >= since for record in get_authentication_records(request, request.user))


def user_display(user) -> str:
    """How allauth names a user ("Berhasil masuk sebagai …", ACCOUNT_USER_DISPLAY): the name HR
    recorded for the employee, else the account's full name; the NIP (the username) only when the
    account has no name at all."""
    employee = getattr(user, "employee", None) if getattr(user, "pk", None) else None
    name = getattr(employee, "name", "") or user.get_full_name()
    return name or user.get_username()


class MfaAdapter(DefaultMFAAdapter):
    pass
