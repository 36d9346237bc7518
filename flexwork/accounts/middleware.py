from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from flexwork.accounts.selectors import user_has_totp, user_must_have_mfa
from flexwork.common.middleware import is_api_path

MFA_ENROLMENT_REQUIRED = "mfa_enrolment_required"


def mfa_enrolment_message() -> str:
    return _("Set up two-factor authentication (an authenticator app) before using FlexWork.")


class MfaEnrolmentMiddleware:
    """Users who must have MFA (`mfa_required`, the agency policy's HR admins and heads, staff,
    superusers) enrol an authenticator app before anything else, HR pages and token creation
    included: pages redirect to allauth's TOTP activation, session calls under /api/ answer 403
    `mfa_enrolment_required`. Token calls get the same 403 from PersonalTokenAuthentication (a token
    made before the duty applied must not get round it).

    Costs one indexed query, and only for logged-in users who must have MFA."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not necessarily loaded when middleware is built.
        if self._exempt is None:
            self._exempt = (
                reverse("account_logout"),
                reverse("account_reauthenticate"),
                reverse("mfa_index"),  # every allauth MFA page lives below it (activate, recovery codes, …)
                reverse("set-language"),
                settings.STATIC_URL,
                "/healthz",
                # The installable app's files hold nothing personal (flexwork/common/pwa.py).
                reverse("web-manifest"),
                reverse("service-worker"),
                reverse("offline"),
            )
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user_must_have_mfa(user=user)
            and not request.path.startswith(self.exempt_prefixes())
            and not user_has_totp(user=user)
        ):
            return self.enrolment_required_response(request)
        return self.get_response(request)

    def enrolment_required_response(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            body = {
                "message": mfa_enrolment_message(),
                "code": MFA_ENROLMENT_REQUIRED,
                "fields": {},
                "violations": [],
            }
            return JsonResponse(body, status=403)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
