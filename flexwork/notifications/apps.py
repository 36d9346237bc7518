from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "flexwork.notifications"
    label = "notifications"
