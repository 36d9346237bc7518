from django.utils import translation
from rest_framework.views import APIView

from flexwork.common.i18n import user_language


class BaseApi(APIView):
    """Every FlexWork API view. After authentication (a token is only known here, not in the
    middleware), answer in the caller's profile language unless Accept-Language chose one."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not getattr(request._request, "explicit_api_language", False):
            language = user_language(request.user)
            if language:
                translation.activate(language)
                request._request.LANGUAGE_CODE = language
