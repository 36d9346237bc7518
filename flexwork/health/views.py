"""Health endpoints for load balancers and operators. No login, no session, no Redis for /healthz.

/healthz answers whether this process and its database work (liveness + readiness): a load
balancer takes the instance out when it is 503. /healthz/deps adds Redis and Celery workers for a
human or a monitoring system; only the database decides its status code, since a Redis outage
delays work but breaks no page (docs/reliability.md)."""

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from flexwork.api.errors import RETRY_AFTER_SECONDS
from flexwork.health.checks import check_celery, check_database, check_redis


def _unavailable(body: dict) -> JsonResponse:
    response = JsonResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


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
    celery = check_celery(broker_reachable=redis["ok"])
    body = {
        "status": "ok" if database["ok"] else "unavailable",
        "database": database,
        "redis": redis,
        "celery": celery,
    }
    if not database["ok"]:
        return _unavailable(body)
    return JsonResponse(body)
