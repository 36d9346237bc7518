from django.urls import path

from flexwork.accounts import my_data_views, reset_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("first-steps/close/", views.first_steps_dismiss, name="first-steps-dismiss"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data/", my_data_views.my_data_page, name="profile-my-data"),
    path("profile/my-data/download/", my_data_views.my_data_download, name="profile-my-data-download"),
    path("profile/tokens/", views.token_list, name="token-list"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("i18n/setlang/", views.set_language, name="set-language"),
    path("reset/", reset_views.password_reset_page, name="password-reset-code"),
    path(
        "hr/employees/<int:employee_id>/password-reset/",
        reset_views.hr_password_reset_issue,
        name="hr-employee-password-reset",
    ),
    path("hr/employees/<int:employee_id>/mfa-reset/", reset_views.hr_mfa_reset, name="hr-employee-mfa-reset"),
]
