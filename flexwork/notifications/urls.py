from django.urls import path

from flexwork.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read-all/", views.notification_mark_all_read_view, name="notification-mark-all-read"),
]
