from django.utils import timezone, translation
from rest_framework.views import APIView

from flexwork.common.i18n import user_language
from flexwork.common.timezones import zone_for_user


class BaseApi(APIView):
    """Every FlexWork API view. After authentication (a token is only known here, not in the
    middleware): answer in the caller's profile language unless Accept-Language chose one, and
    render datetimes in the caller's office zone, like the pages (docs/rules.md §1). The zone is
    active for the view (serializers turn datetimes into strings there) and is restored after it."""

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(timezone.get_current_timezone()):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        timezone.activate(zone_for_user(request.user))
        if not getattr(request._request, "explicit_api_language", False):
            language = user_language(request.user)
            if language:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
