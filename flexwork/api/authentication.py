from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """allauth's session for the browser. A CSRF failure answers 403 with code csrf_failed."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("The security token (CSRF) is missing or wrong. Reload the page and try again."),
                code="csrf_failed",
            ) from exc
