"""Every path under /api/v1/. Each app adds its own `urls.py` here (paths fixed by api.md)."""

from django.urls import include, path, re_path

from flexwork.api.errors import not_found

urlpatterns = [
    path("", include("flexwork.accounts.api_urls")),
    path("", include("flexwork.notifications.api_urls")),
    path("", include("flexwork.common.api_urls")),
    path("", include("flexwork.org.api_urls")),
    path("", include("flexwork.onboarding.api_urls")),
    path("", include("performance.api_urls")),
    path("", include("schedules.api_urls")),
    path("", include("attendance.api_urls")),
    path("", include("flexwork.reports.api_urls")),
    # Unknown /api/v1/ paths answer the JSON 404 of api.md, never Django's HTML page.
    re_path(r"^.*$", not_found),
]
