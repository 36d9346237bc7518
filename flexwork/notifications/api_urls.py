from django.urls import path

from flexwork.notifications.apis import NotificationListApi, NotificationReadApi

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="api-notification-list"),
    path("notifications/<int:notification_id>/read/", NotificationReadApi.as_view(), name="api-notification-read"),
]
