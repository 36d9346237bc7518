from django.urls import path

from flexwork.onboarding import employee_views, import_views, position_views, unit_views, views

urlpatterns = [
    path("activate/", views.activate, name="activate"),
    path("profile/home-location/", views.home_location, name="home-location"),
    path("home-locations/", views.home_location_queue, name="home-location-queue"),
    path("home-locations/<int:request_id>/decide/", views.home_location_decide, name="home-location-decide"),
    path("hr/", views.hr_index, name="hr-index"),
    path("hr/units/", views.unit_tree, name="hr-units"),
    path("hr/units/<int:unit_id>/work-week/", unit_views.unit_work_week, name="hr-unit-work-week"),
    path("hr/units/<int:unit_id>/work-week/file/", unit_views.unit_work_week_file, name="hr-unit-work-week-file"),
    path("hr/employees/", views.employee_list, name="hr-employees"),
    path("hr/employees/<int:employee_id>/", views.employee_detail, name="hr-employee-detail"),
    path("hr/employees/<int:employee_id>/edit/", employee_views.employee_edit, name="hr-employee-edit"),
    path("hr/employees/<int:employee_id>/nip/", employee_views.employee_nip, name="hr-employee-nip"),
    path("hr/employees/<int:employee_id>/transfer/", employee_views.employee_transfer, name="hr-employee-transfer"),
    path("hr/roles/", employee_views.roles_page, name="hr-roles"),
    path("hr/imports/", import_views.import_page, name="hr-imports"),
    path("hr/imports/<int:batch_id>/", import_views.import_detail, name="hr-import-detail"),
    path("hr/imports/template/<str:kind>.<str:fmt>", views.import_template, name="hr-import-template"),
    path("hr/positions/", position_views.position_list, name="hr-positions"),
    path("hr/positions/<int:position_id>/", position_views.position_edit, name="hr-position-edit"),
    path("hr/policy/", views.policy_page, name="hr-policy"),
    path("hr/holidays/", views.holiday_page, name="hr-holidays"),
    path("hr/locations/", views.location_page, name="hr-locations"),
    path("hr/activation-codes/", views.activation_codes, name="hr-activation-codes"),
]
