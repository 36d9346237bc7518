"""OpenAPI security schemes for FlexWork's two authentication classes (drf-spectacular only knows
DRF's own classes). Imported by AccountsConfig.ready()."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "flexwork.accounts.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal API token made on the profile page: `Authorization: Token <key>`.",
        }


class CsrfSessionScheme(OpenApiAuthenticationExtension):
    target_class = "flexwork.api.authentication.CsrfSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The browser's login session; writes also need the X-CSRFToken header.",
        }
