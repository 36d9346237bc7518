"""The floor of the check-in benchmark: a bare Django JSON view behind the same token authentication as
the API (flexwork.accounts.authentication.PersonalTokenAuthentication), under the same settings, middleware
and gunicorn configuration, doing nothing else. Wired only by flexwork.settings.bench (bench.urls)."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework import exceptions

from flexwork.accounts.authentication import PersonalTokenAuthentication

_auth = PersonalTokenAuthentication()


@csrf_exempt
@require_POST
def bare_check_in(request):
    header = request.headers.get("Authorization", "").split()
    if len(header) != 2 or header[0].lower() != "token":
        return JsonResponse({"message": "Authentication credentials were not provided."}, status=401)
    try:
        user, _token = _auth.authenticate_key(header[1])
    except exceptions.AuthenticationFailed as exc:
        return JsonResponse({"message": str(exc.detail)}, status=401)
    return JsonResponse({"ok": True, "user": user.pk}, status=201)
