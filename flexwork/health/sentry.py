"""Error tracking with Sentry or GlitchTip when SENTRY_DSN is set (settings/base.py calls this).

sentry-sdk finds Django, Celery and Redis by itself. No personal data is sent (send_default_pii
off: no user names, cookies or bodies); each event carries the request id as a tag, so it leads
to the log lines of the same request or task."""

from __future__ import annotations

import logging

logger = logging.getLogger("flexwork.health")


def _add_request_id(event, hint):
    from flexwork.common.request_id import request_id_current

    request_id = request_id_current()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str) -> bool:
    try:
        import sentry_sdk
    except ImportError:  # the runtime lock has it; a trimmed install may not
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed: error tracking is off")
        return False
    from flexwork.health.version import code_version

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=f"flexwork@{code_version()}",
        send_default_pii=False,
        traces_sample_rate=0.0,
        before_send=_add_request_id,
    )
    return True
