from django.urls import path

from allowances import views

app_name = "allowances"
urlpatterns = [
    path("allowances/mine/", views.my_deductions, name="allowance_mine"),
    path("allowances/schemes/", views.scheme_list, name="allowance_schemes"),
    path("allowances/schemes/new/", views.scheme_clone, name="allowance_scheme_clone"),
    path("allowances/schemes/<int:scheme_id>/", views.scheme_edit, name="allowance_scheme"),
]
