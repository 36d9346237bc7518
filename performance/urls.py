"""Performance pages under /performance/."""

from django.urls import path

from performance import views

urlpatterns = [
    path("", views.my_targets, name="performance-my-targets"),
    path("team/", views.team, name="performance-team"),
    path("distribution/", views.distribution, name="performance-distribution"),
    path("skp/new/", views.skp_create, name="performance-skp-create"),
    path("skp/<int:skp_id>/", views.skp_detail, name="performance-skp-detail"),
    path("skp/<int:skp_id>/edit/", views.skp_edit, name="performance-skp-edit"),
    path("skp/<int:skp_id>/print/", views.skp_print, name="performance-skp-print"),
    path("skp/<int:skp_id>/rhk/", views.skp_rhk_add, name="performance-rhk-add"),
    path("skp/<int:skp_id>/feedback/", views.skp_feedback_add, name="performance-feedback-add"),
    path("skp/<int:skp_id>/evaluate/", views.evaluation_create, name="performance-evaluate"),
    path("skp/<int:skp_id>/<str:action>/", views.skp_transition, name="performance-skp-transition"),
    path("rhk/<int:rhk_id>/indicators/", views.rhk_indicator_add, name="performance-indicator-add"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="performance-indicator-detail"),
    path("indicators/<int:indicator_id>/realisation/", views.realisation_entry, name="performance-realisation"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="performance-evaluation-detail"),
]
