"""Health endpoints for load balancers and operators. No login, no session, no Redis for /healthz.

/healthz answers whether this process and its database work (liveness + readiness): a load
balancer takes the instance out when it is 503. /healthz/deps answers whether the whole service
works: the database, Redis and a live worker for every queue (their heartbeats, never a synchronous
ping), 503 when one is missing. Anyone gets only {"status": ...}; the details (latencies, worker
names, queues, versions) go to staff, to a staff member's personal API token, or to a caller that
sends HEALTH_TOKEN in `X-Health-Token` (docs/reliability.md, "Health, logs and request ids")."""

import hmac

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.exceptions import APIException

from flexwork.api.errors import RETRY_AFTER_SECONDS
from flexwork.health.checks import check_database, check_redis, check_workers

TOKEN_META_KEY = "HTTP_X_HEALTH_TOKEN"


def _unavailable(body: dict) -> JsonResponse:
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _may_see_details(request, *, database_ok: bool) -> bool:
    expected = settings.HEALTH_TOKEN
    given = request.META.get(TOKEN_META_KEY, "")
    if expected and given and hmac.compare_digest(given.encode(), expected.encode()):
        return True
    if not database_ok:
        return False  # sessions and tokens live in the database
    try:
        return _is_staff(request)
    except DatabaseError:
        return False


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.is_active and user.is_staff)
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
        from flexwork.accounts.authentication import PersonalTokenAuthentication

        try:
            found = PersonalTokenAuthentication().authenticate(request)
        except APIException:  # unknown, revoked or expired: the public answer, not a 401
            return False
        return bool(found and found[0].is_staff)
    return False


@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request):
    database = check_database()
    if not database["ok"]:
        return _unavailable({"status": "unavailable", "database": database})
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz_deps(request):
    database = check_database()
    redis = check_redis()
    workers = check_workers(redis_reachable=redis["ok"])
    ok = database["ok"] and redis["ok"] and workers["ok"]
    body = {"status": "ok" if ok else "unavailable"}
    if _may_see_details(request, database_ok=database["ok"]):
        body.update(database=database, redis=redis, workers=workers)
    return JsonResponse(body) if ok else _unavailable(body)
