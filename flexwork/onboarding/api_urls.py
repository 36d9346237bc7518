"""Onboarding paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from flexwork.onboarding import apis

urlpatterns = [
    path("imports/", apis.ImportCreateApi.as_view(), name="api-imports"),
    path("imports/<int:batch_id>/", apis.ImportDetailApi.as_view(), name="api-import-detail"),
    path("imports/<int:batch_id>/confirm/", apis.ImportConfirmApi.as_view(), name="api-import-confirm"),
]
