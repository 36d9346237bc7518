"""Page URLs of the shifts app: rosters (included by shifts/urls.py)."""

from django.urls import path

from shifts import roster_views

urlpatterns: list = [
    path("shifts/rosters/", roster_views.roster_list, name="rosters"),
    path("shifts/rosters/new/", roster_views.roster_create, name="roster_create"),
    path("shifts/rosters/<int:roster_id>/", roster_views.roster_detail, name="roster"),
    path("shifts/rosters/<int:roster_id>/generate/", roster_views.roster_generate, name="roster_generate"),
    path("shifts/rosters/<int:roster_id>/publish/", roster_views.roster_publish, name="roster_publish"),
    path("shifts/rosters/<int:roster_id>/cell/", roster_views.roster_cell, name="roster_cell"),
]
