from __future__ import annotations

import functools
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from flexwork.accounts.tokens import hash_key
from flexwork.common.db import PreparedStatement

# Writing last_used_at on every call would turn each read into a write; once a few minutes is enough.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@functools.cache
def _token_fields() -> list[str]:
    """The token's columns the request may use, in the model's order (Model.from_db needs it)."""
    from flexwork.accounts.models import ApiToken

    return [
        f.attname for f in ApiToken._meta.concrete_fields if f.attname not in ("key_hash", "created_at", "updated_at")
    ]


@functools.cache
def _user_fields() -> list[str]:
    from flexwork.accounts.models import User

    return [field.attname for field in User._meta.concrete_fields]


@functools.cache
def _token_statement() -> PreparedStatement:
    """Every token call runs it: prepared once per database session."""
    return PreparedStatement("fw_api_token", _token_sql())


def _token_sql() -> str:
    user_columns = ", ".join(f'u."{name}"' for name in _user_fields())
    token_columns = ", ".join(f't."{name}"' for name in _token_fields())
    return f"""
WITH t AS (SELECT * FROM accounts_apitoken WHERE key_hash = %(key_hash)s::text),
touched AS (
    UPDATE accounts_apitoken a SET last_used_at = %(now)s::timestamptz
    FROM t JOIN accounts_user owner ON owner.id = t.user_id
    WHERE a.id = t.id AND owner.is_active AND t.revoked_at IS NULL AND t.expires_at > %(now)s
      AND (t.last_used_at IS NULL OR t.last_used_at < %(touched_before)s::timestamptz)
    RETURNING a.id
)
SELECT {token_columns}, {user_columns}, z.zone FROM t JOIN accounts_user u ON u.id = t.user_id
LEFT JOIN LATERAL (
    SELECT COALESCE(NULLIF(eu.time_zone, ''), ea.time_zone) AS zone FROM org_employee e
    JOIN org_unit eu ON eu.id = e.unit_id JOIN org_agency ea ON ea.id = e.agency_id WHERE e.user_id = u.id
) z ON TRUE
"""


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`. Unknown, expired or revoked keys answer 401."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."), code="invalid_token")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header."), code="invalid_token") from exc
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        """One statement: the token with its user and the user's office zone (the API renders
        datetimes in it), and (when the token is usable and its last use is older than
        LAST_USED_RESOLUTION) last_used_at written in the same round trip."""
        from flexwork.accounts.models import ApiToken, User

        now = timezone.now()
        with connection.cursor() as cursor:
            _token_statement().execute(
                cursor, {"key_hash": hash_key(key), "now": now, "touched_before": now - LAST_USED_RESOLUTION}
            )
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="invalid_token")
        fields = _token_fields()
        token_values, user_values, zone = row[: len(fields)], row[len(fields) : -1], row[-1]
        user = User.from_db(connection.alias, _user_fields(), user_values)
        user._office_time_zone = zone or settings.FLEXWORK_DEFAULT_TIME_ZONE  # see zone_name_for_user
        token = ApiToken.from_db(connection.alias, fields, token_values)
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."), code="invalid_token")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."), code="token_revoked")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."), code="token_expired")
        self.mfa_enrolment_check(user)
        return user, token

    def mfa_enrolment_check(self, user) -> None:
        """A user who must have MFA and has no authenticator app gets 403 on every token call, as the
        enrolment middleware answers their session calls: a token made before the agency switched the
        duty on does not get round it. One query, only for users who must have MFA."""
        from flexwork.accounts.middleware import MFA_ENROLMENT_REQUIRED, mfa_enrolment_message
        from flexwork.accounts.selectors import user_has_totp, user_must_have_mfa

        if user_must_have_mfa(user=user) and not user_has_totp(user=user):
            raise exceptions.PermissionDenied(mfa_enrolment_message(), code=MFA_ENROLMENT_REQUIRED)

    def authenticate_header(self, request):
        return self.keyword
