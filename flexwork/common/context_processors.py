from django.conf import settings
from django.utils import timezone

from flexwork.common.timezones import zone_abbreviation


def flexwork(request):
    zone = timezone.get_current_timezone_name()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "current_zone": zone,
        "current_zone_abbreviation": zone_abbreviation(zone),
    }
