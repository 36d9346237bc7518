from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from flexwork.api.errors import not_found
from flexwork.api.schema_views import CachedSpectacularAPIView

# Django admin sits behind allauth's login, rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "FlexWork"

# The API first: it answers most requests (phones checking in), and resolving it should not walk
# every page pattern before it. No page path starts with "api/".
urlpatterns = [
    path("api/v1/", include("flexwork.api.urls")),
    path("api/schema/", CachedSpectacularAPIView.as_view(), name="schema"),  # generated once per process
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^api/.*$", not_found),
    path("", include("flexwork.accounts.urls")),
    path("", include("flexwork.notifications.urls")),
    path("", include("flexwork.common.urls")),
    path("", include("flexwork.health.urls")),
    path("", include("flexwork.org.urls")),
    path("operator/", include("flexwork.org.operator_urls")),
    path("", include("flexwork.onboarding.urls")),
    path("performance/", include("performance.urls")),
    path("attendance/", include("attendance.urls")),
    path("", include("schedules.urls")),
    path("", include("shifts.urls")),
    path("", include("flexwork.reports.urls")),
    path("", include("allowances.urls")),
    path("", include("leave.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "flexwork.api.errors.bad_request"
handler403 = "flexwork.api.errors.permission_denied"
handler404 = "flexwork.api.errors.not_found"
handler429 = "flexwork.accounts.views.rate_limited"  # allauth's rate limits (it has no 429.html)
handler500 = "flexwork.api.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
