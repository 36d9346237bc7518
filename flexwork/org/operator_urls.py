from django.urls import path

from flexwork.org import operator_views as views

urlpatterns = [
    path("", views.agency_list, name="operator-agencies"),
    path("agencies/new/", views.agency_create, name="operator-agency-new"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="operator-agency"),
    path("agencies/<int:agency_id>/appoint/", views.appoint, name="operator-appoint"),
    path("agencies/<int:agency_id>/remove/", views.remove, name="operator-remove"),
    path("agencies/<int:agency_id>/codes/", views.codes, name="operator-codes"),
]
