"""Organisation paths under /api/v1/ (docs/api.md)."""

from django.urls import path

from flexwork.org import apis

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("units/", apis.UnitListApi.as_view(), name="api-units"),
    path("units/<int:unit_id>/", apis.UnitDetailApi.as_view(), name="api-unit-detail"),
    path("employees/", apis.EmployeeListApi.as_view(), name="api-employees"),
    path("employees/<int:employee_id>/", apis.EmployeeDetailApi.as_view(), name="api-employee-detail"),
    path("positions/", apis.PositionListApi.as_view(), name="api-positions"),
    path("locations/", apis.LocationListApi.as_view(), name="api-locations"),
    path("holidays/", apis.HolidayListApi.as_view(), name="api-holidays"),
    path("policy/", apis.PolicyApi.as_view(), name="api-policy"),
]
