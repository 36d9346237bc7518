import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts come from HR's import or the platform operator, never from self sign-up.
        return False

    def pre_authenticate(self, request, **credentials):
        # allauth answers a locked account (too many failed logins for one login name) with a form
        # error and status 200; we answer 429, like every other rate limit, so that monitoring and
        # scripts see it. The per-account limit is strict, the per-IP one generous (offices sit behind NAT).
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from exc
            raise

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
        """MFA pages (enrolling the authenticator app, turning it off, new recovery codes) ask for the password
        again only when the last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT: a user whose policy
        requires MFA enrols right after signing in and is not asked for the password just typed. allauth itself
        counts only an explicit reauthentication as recent; every other sensitive page keeps that rule."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return True
        from allauth.account.internal.flows.login import get_authentication_records  # the user's own records

        since = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
        return not any(record.get("at", 0) >= since for record in get_authentication_records(request, request.user))


class MfaAdapter(DefaultMFAAdapter):
    pass
