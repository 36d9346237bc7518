from django.urls import path

from flexwork.reports import apis, views

urlpatterns = [
    path("reports/", views.report_list, name="reports-list"),
    path("reports/baselines/", views.baseline_import, name="reports-baselines"),
    path("reports/baselines/template.csv", views.baseline_template, name="reports-baselines-template"),
    path("reports/<int:run_id>/", views.report_detail, name="reports-detail"),
    # Session or token: the same scoped check as the run (the API's download links point here).
    path("reports/<int:run_id>/download/<str:fmt>/", apis.ReportRunDownloadApi.as_view(), name="reports-download"),
    path("dashboard/", views.dashboard_hr, name="dashboard-hr"),
    path("dashboard/team/", views.dashboard_supervisor, name="dashboard-supervisor"),
]
