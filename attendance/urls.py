from django.urls import path

from attendance import leave_decisions, views

urlpatterns = [
    path("", views.check_page, name="attendance-check"),
    path("month/", views.month_page, name="attendance-month"),
    path("positions/", views.positions_page, name="attendance-positions"),
    path("log/", views.log_page, name="attendance-log"),
    path("requests/", views.requests_page, name="attendance-requests"),
    path("requests/<str:kind>/<int:request_id>/decide/", views.request_decide, name="attendance-request-decide"),
    path("requests/leave/<int:leave_id>/decision/", leave_decisions.leave_decide, name="attendance-leave-decide"),
    path("requests/decide/", views.requests_bulk_decide, name="attendance-requests-bulk-decide"),
    path("team/", views.team_page, name="attendance-team"),
    path("verify/", views.verify_page, name="attendance-verify"),
    path("exceptions/", views.exceptions_page, name="attendance-exceptions"),
    path("leave-import/", views.leave_import_page, name="attendance-leave-import"),
]
