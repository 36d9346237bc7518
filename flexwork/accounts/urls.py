from django.urls import path

from flexwork.accounts import my_data_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("first-steps/close/", views.first_steps_dismiss, name="first-steps-dismiss"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data/", my_data_views.my_data_page, name="profile-my-data"),
    path("profile/my-data/download/", my_data_views.my_data_download, name="profile-my-data-download"),
    path("profile/tokens/", views.token_list, name="token-list"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("i18n/setlang/", views.set_language, name="set-language"),
]
