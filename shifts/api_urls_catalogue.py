"""API URLs of the shifts app: catalogue (included by shifts/api_urls.py)."""

from django.urls import path

from shifts import api_catalogue

urlpatterns: list = [
    path("shift-types/", api_catalogue.ShiftTypeListApi.as_view(), name="api-shift-types"),
    path("shift-types/<int:shift_type_id>/", api_catalogue.ShiftTypeDetailApi.as_view(), name="api-shift-type"),
    path("shift-patterns/", api_catalogue.ShiftPatternListApi.as_view(), name="api-shift-patterns"),
    path("shift-patterns/<int:pattern_id>/", api_catalogue.ShiftPatternDetailApi.as_view(), name="api-shift-pattern"),
    path("roster-assignments/", api_catalogue.AssignmentListApi.as_view(), name="api-roster-assignments"),
    path(
        "roster-assignments/<int:assignment_id>/",
        api_catalogue.AssignmentDetailApi.as_view(),
        name="api-roster-assignment",
    ),
]
