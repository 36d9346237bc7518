"""Every path under /api/v1/. Each app adds its own `urls.py` here (the OpenAPI schema documents them; docs/api.md)."""

from django.urls import include, path, re_path

from flexwork.api.errors import not_found

# Attendance first: check-in and check-out are most of the traffic (every phone, every morning), and a
# path is matched by trying the patterns in order. No two includes share a path.
urlpatterns = [
    path("", include("attendance.api_urls")),
    path("", include("flexwork.accounts.api_urls")),
    path("", include("flexwork.notifications.api_urls")),
    path("", include("flexwork.common.api_urls")),
    path("", include("flexwork.org.api_urls")),
    path("", include("flexwork.onboarding.api_urls")),
    path("", include("performance.api_urls")),
    path("", include("schedules.api_urls")),
    path("", include("shifts.api_urls")),
    path("", include("flexwork.reports.api_urls")),
    path("", include("leave.api_urls")),
    # Unknown /api/v1/ paths answer the JSON 404 of docs/api.md, never Django's HTML page.
    re_path(r"^.*$", not_found),
]
