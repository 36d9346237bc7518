from django.urls import path

from flexwork.reports import apis

urlpatterns = [
    path("reports/", apis.ReportRunListCreateApi.as_view(), name="api-report-list"),
    path("reports/<int:run_id>/", apis.ReportRunDetailApi.as_view(), name="api-report-detail"),
    path("dashboard/hr/", apis.DashboardHrApi.as_view(), name="api-dashboard-hr"),
    path("dashboard/supervisor/", apis.DashboardSupervisorApi.as_view(), name="api-dashboard-supervisor"),
    path("dashboard/me/", apis.DashboardMeApi.as_view(), name="api-dashboard-me"),
]
