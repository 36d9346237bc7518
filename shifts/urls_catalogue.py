"""Page URLs of the shifts app: catalogue (included by shifts/urls.py)."""

from django.urls import path

from shifts import catalogue_views

urlpatterns: list = [
    path("hr/shifts/", catalogue_views.hr_shifts, name="hr_shifts"),
    path("hr/shifts/types/<int:shift_type_id>/", catalogue_views.hr_shift_type, name="hr_shift_type"),
    path("hr/shifts/patterns/", catalogue_views.hr_patterns, name="hr_patterns"),
    path("hr/shifts/patterns/<int:pattern_id>/", catalogue_views.hr_pattern, name="hr_pattern"),
    path("hr/shifts/units/", catalogue_views.hr_shift_units, name="hr_shift_units"),
    path("hr/shifts/units/<int:unit_id>/", catalogue_views.hr_shift_unit, name="hr_shift_unit"),
]
