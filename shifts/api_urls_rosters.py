"""API URLs of the shifts app: rosters and duties (included by shifts/api_urls.py)."""

from django.urls import path

from shifts import api_rosters as apis

urlpatterns: list = [
    path("rosters/", apis.RosterListApi.as_view(), name="api-rosters"),
    path("rosters/<int:roster_id>/", apis.RosterDetailApi.as_view(), name="api-roster"),
    path("rosters/<int:roster_id>/generate/", apis.RosterGenerateApi.as_view(), name="api-roster-generate"),
    path("rosters/<int:roster_id>/publish/", apis.RosterPublishApi.as_view(), name="api-roster-publish"),
    path("rosters/<int:roster_id>/cells/", apis.RosterCellApi.as_view(), name="api-roster-cell"),
    path("duties/", apis.DutyListApi.as_view(), name="api-duties"),
    path("duties/<int:duty_id>/", apis.DutyDetailApi.as_view(), name="api-duty"),
]
